"""SQS event source mappings: batches, partial batch failures, redrive, FIFO, Enabled."""

from __future__ import annotations

import json

from emulator.testing import TestEmulator
from tests.functional.sources_helpers import (
    clear,
    clock,
    drain_queue,
    emulator,
    queue_url,
    received,
    source_info,
)

__all__ = ["clock", "emulator"]


def _send(emulator: TestEmulator, queue: str, *bodies: dict[str, object]) -> None:
    sqs = emulator.aws.client("sqs")
    sqs.send_message_batch(QueueUrl=queue_url(emulator, queue), Entries=[
        {"Id": str(index), "MessageBody": json.dumps(body)}
        for index, body in enumerate(bodies)])


def _bodies(events: list[dict[str, object]]) -> list[dict[str, object]]:
    return [json.loads(record["body"]) for event in events  # type: ignore[index]
            for record in event["Records"]]  # type: ignore[union-attr]


def test_sqs_messages_arrive_as_real_sqs_records_and_leave_the_queue(
        emulator: TestEmulator) -> None:
    clear(emulator)
    _send(emulator, "WorkQueue", {"n": 1}, {"n": 2}, {"n": 3})
    assert emulator.sources.wait_idle(10)
    events = received(emulator, "PartialBatchFunction")
    assert sorted(body["n"] for body in _bodies(events)) == [1, 2, 3]  # type: ignore[type-var]
    record = events[0]["Records"][0]
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"].endswith(":" + queue_url(emulator, "WorkQueue")
                                             .rsplit("/", 1)[1])
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert set(record) >= {"messageId", "receiptHandle", "md5OfBody", "awsRegion"}
    assert drain_queue(emulator, "WorkQueue") == []


def test_sqs_batch_failure_returns_only_failed_ids_to_the_queue(
        emulator: TestEmulator) -> None:
    clear(emulator)
    _send(emulator, "WorkQueue", {"n": 1}, {"n": 2, "fail": True, "fail_times": 1}, {"n": 3})
    assert emulator.sources.wait_idle(15)
    bodies = _bodies(received(emulator, "PartialBatchFunction"))
    counts = {n: sum(1 for body in bodies if body["n"] == n) for n in (1, 2, 3)}
    # The failed message came back once after the visibility timeout; the others never did.
    assert counts == {1: 1, 2: 2, 3: 1}
    assert drain_queue(emulator, "WorkQueue") == []
    assert drain_queue(emulator, "WorkDeadLetterQueue") == []


def test_sqs_message_failing_max_receive_count_times_moves_to_the_dead_letter_queue(
        emulator: TestEmulator) -> None:
    clear(emulator)
    _send(emulator, "WorkQueue", {"n": 7, "fail": True}, {"n": 8})
    assert emulator.sources.wait_idle(15)
    bodies = _bodies(received(emulator, "PartialBatchFunction"))
    assert sum(1 for body in bodies if body["n"] == 7) == 2  # maxReceiveCount
    dead = drain_queue(emulator, "WorkDeadLetterQueue")
    assert [json.loads(message["Body"])["n"] for message in dead] == [7]
    assert source_info(emulator, "PartialBatchFunctionWork")["dead_lettered"] >= 1


def test_sqs_invalid_partial_batch_response_fails_the_whole_batch(
        emulator: TestEmulator) -> None:
    clear(emulator)
    _send(emulator, "WorkQueue", {"n": 1, "invalid_response": True})
    assert emulator.sources.wait_idle(15)
    bodies = _bodies(received(emulator, "PartialBatchFunction"))
    assert len(bodies) == 2  # delivered until maxReceiveCount, then dead-lettered
    assert [json.loads(m["Body"])["n"] for m in drain_queue(emulator, "WorkDeadLetterQueue")] \
        == [1]


def test_sqs_handler_error_returns_the_whole_batch(emulator: TestEmulator) -> None:
    clear(emulator)
    _send(emulator, "WholeBatchQueue", {"n": 1}, {"n": 2, "fail": True, "fail_times": 1})
    assert emulator.sources.wait_idle(15)
    bodies = _bodies(received(emulator, "WholeBatchFunction"))
    # Both messages were delivered again after the error, not only the failing one.
    assert sorted(body["n"] for body in bodies) == [1, 1, 2, 2]  # type: ignore[type-var]
    assert drain_queue(emulator, "WholeBatchQueue") == []


def test_sqs_fifo_queue_delivers_a_message_group_in_order(emulator: TestEmulator) -> None:
    clear(emulator)
    sqs = emulator.aws.client("sqs")
    for n in range(5):
        sqs.send_message(QueueUrl=queue_url(emulator, "OrderedQueue"),
                         MessageBody=json.dumps({"n": n}), MessageGroupId="g")
    assert emulator.sources.wait_idle(10)
    events = received(emulator, "OrderedFunction")
    assert [json.loads(event["Records"][0]["body"])["n"] for event in events] == list(range(5))
    assert all(event["Records"][0]["attributes"]["MessageGroupId"] == "g" for event in events)


def test_sqs_disabled_mapping_leaves_messages_in_the_queue(emulator: TestEmulator) -> None:
    clear(emulator)
    _send(emulator, "PausedQueue", {"n": 1})
    assert emulator.sources.wait_idle(10)
    assert received(emulator, "PausedFunction") == []
    assert [json.loads(m["Body"]) for m in drain_queue(emulator, "PausedQueue")] == [{"n": 1}]
    assert source_info(emulator, "PausedFunctionWork")["enabled"] is False


def test_sqs_batching_window_gathers_messages_sent_apart_into_one_batch(
        emulator: TestEmulator) -> None:
    clear(emulator)
    sqs = emulator.aws.client("sqs")
    for n in range(12):  # more than one ReceiveMessage (10 at most) can return
        sqs.send_message(QueueUrl=queue_url(emulator, "BatchedQueue"),
                         MessageBody=json.dumps({"n": n}))
    assert emulator.sources.wait_idle(15)
    (event,) = received(emulator, "BatchedFunction")
    assert sorted(json.loads(record["body"])["n"] for record in event["Records"]) == \
        list(range(12))
