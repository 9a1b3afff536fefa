"""DynamoDB Streams event source mappings: images, filters, retries, bisection, OnFailure."""

from __future__ import annotations

import json

from emulator.testing import TestEmulator
from tests.functional.sources_helpers import (
    clear,
    clock,
    drain_queue,
    emulator,
    received,
    source_info,
)

__all__ = ["clock", "emulator"]


def _table(emulator: TestEmulator, logical_id: str) -> object:
    return emulator.aws.resource("dynamodb").Table(
        emulator.stack.resources[logical_id].physical_id)


def _records(events: list[dict[str, object]]) -> list[dict[str, object]]:
    return [record for event in events for record in event["Records"]]  # type: ignore[attr-defined]


def test_trim_horizon_delivers_items_seeded_before_the_mapping_started(
        emulator: TestEmulator) -> None:
    # Runs first in this module: the fixture's emulator delivered the seed at start-up.
    keys = [r["dynamodb"]["Keys"]["pk"]["S"]  # type: ignore[index]
            for r in _records(received(emulator, "StreamFunction"))]
    assert keys == ["seeded"]
    # The LATEST mapping of the other table saw nothing from before it started.
    assert received(emulator, "FailingStreamFunction") == []


def test_stream_filters_pass_matching_inserts_modifies_and_every_remove(
        emulator: TestEmulator) -> None:
    clear(emulator)
    table = _table(emulator, "ScoresTable")
    table.put_item(Item={"pk": "a", "level": "alert-high", "score": 10})  # type: ignore[attr-defined]
    table.put_item(Item={"pk": "b", "level": "info", "score": 90})  # type: ignore[attr-defined]
    table.put_item(Item={"pk": "a", "level": "alert-low", "score": 20})  # type: ignore[attr-defined]
    table.delete_item(Key={"pk": "b"})  # type: ignore[attr-defined]
    assert emulator.sources.wait_idle(10)
    records = _records(received(emulator, "StreamFunction"))
    assert [(r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"]) for r in records] == [  # type: ignore[index]
        ("INSERT", "a"), ("MODIFY", "a"), ("REMOVE", "b")]
    insert, modify, remove = records
    assert insert["dynamodb"]["NewImage"]["score"] == {"N": "10"}  # type: ignore[index]
    assert "OldImage" not in insert["dynamodb"]  # type: ignore[operator]
    assert modify["dynamodb"]["OldImage"]["level"] == {"S": "alert-high"}  # type: ignore[index]
    assert modify["dynamodb"]["NewImage"]["level"] == {"S": "alert-low"}  # type: ignore[index]
    assert remove["dynamodb"]["OldImage"]["level"] == {"S": "info"}  # type: ignore[index]
    assert insert["eventSource"] == "aws:dynamodb"
    assert insert["eventSourceARN"] == emulator.stack.resources["ScoresTable"] \
        .attributes["StreamArn"]
    assert source_info(emulator, "StreamFunctionScores")["filtered_out"] >= 1


def test_stream_keys_only_view_has_no_images(emulator: TestEmulator) -> None:
    clear(emulator)
    _table(emulator, "FailingStreamTable").put_item(Item={"pk": "ok-1", "x": 1})  # type: ignore[attr-defined]
    assert emulator.sources.wait_idle(10)
    (record,) = _records(received(emulator, "FailingStreamFunction"))
    assert record["dynamodb"]["Keys"] == {"pk": {"S": "ok-1"}}  # type: ignore[index]
    assert "NewImage" not in record["dynamodb"]  # type: ignore[operator]
    assert record["dynamodb"]["StreamViewType"] == "KEYS_ONLY"  # type: ignore[index]


def test_stream_failure_bisects_retries_then_sends_the_batch_to_on_failure(
        emulator: TestEmulator) -> None:
    clear(emulator)
    drain_queue(emulator, "StreamFailuresQueue")
    table = _table(emulator, "FailingStreamTable")
    with table.batch_writer() as batch:  # type: ignore[attr-defined]
        for key in ("ok-a", "fail-b", "ok-c", "ok-d"):
            batch.put_item(Item={"pk": key})
    assert emulator.sources.wait_idle(20)
    seen = [[r["dynamodb"]["Keys"]["pk"]["S"] for r in event["Records"]]  # type: ignore[index]
            for event in received(emulator, "FailingStreamFunction")]
    # Whole batch fails, then the halves are tried; the half without the bad record passes.
    assert seen[0] == ["ok-a", "fail-b", "ok-c", "ok-d"]
    # MaximumRetryAttempts 1: the first retry is the split; the failing half is given up.
    assert seen == [["ok-a", "fail-b", "ok-c", "ok-d"], ["ok-a", "fail-b"], ["ok-c", "ok-d"]]
    failures = drain_queue(emulator, "StreamFailuresQueue")
    assert len(failures) == 1
    info = json.loads(failures[0]["Body"])
    assert info["requestContext"]["condition"] == "RetryAttemptsExhausted"
    batch_info = info["DDBStreamBatchInfo"]
    assert batch_info["batchSize"] == 2
    assert batch_info["streamArn"] == emulator.stack.resources["FailingStreamTable"] \
        .attributes["StreamArn"]
