"""Asynchronous invocation: retries one and two minutes later, then the destinations."""

from __future__ import annotations

import json

from emulator.sources import ManualClock
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


def _put(emulator: TestEmulator, detail: dict[str, object]) -> None:
    emulator.aws.client("events").put_events(Entries=[{
        "Source": "test.flaky", "DetailType": "Check", "Detail": json.dumps(detail)}])


def test_async_failure_is_retried_after_a_minute_then_sent_to_on_failure(
        emulator: TestEmulator, clock: ManualClock) -> None:
    clear(emulator)
    drain_queue(emulator, "AsyncFailuresQueue")
    _put(emulator, {"fail": True, "n": 1})
    assert emulator.sources.wait_idle(10)
    assert len(received(emulator, "FlakyFunction")) == 1
    assert drain_queue(emulator, "AsyncFailuresQueue") == []
    clock.advance(59)
    assert emulator.sources.wait_idle(10)
    assert len(received(emulator, "FlakyFunction")) == 1  # not yet: retries wait a minute
    clock.advance(1)
    assert emulator.sources.wait_idle(10)
    assert len(received(emulator, "FlakyFunction")) == 2  # MaximumRetryAttempts: 1
    (message,) = drain_queue(emulator, "AsyncFailuresQueue")
    record = json.loads(message["Body"])
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 2
    assert record["requestContext"]["functionArn"].endswith(":$LATEST")
    assert record["requestPayload"]["detail"] == {"fail": True, "n": 1}
    assert record["responseContext"]["functionError"] == "Unhandled"
    assert record["responsePayload"]["errorMessage"] == "flaky by design"
    clock.advance(600)
    assert emulator.sources.wait_idle(10)
    assert len(received(emulator, "FlakyFunction")) == 2  # nothing more after giving up
    info = source_info(emulator, "FlakyFunctionFlaky")
    assert info["retries"] >= 1 and info["dead_lettered"] >= 1
    assert info["async"]["max_retries"] == 1
    assert info["async"]["on_failure"].endswith(
        emulator.stack.resources["AsyncFailuresQueue"].attributes["QueueName"])


def test_async_success_is_sent_to_on_success(emulator: TestEmulator) -> None:
    drain_queue(emulator, "AsyncSuccessQueue")
    _put(emulator, {"fail": False, "n": 2})
    assert emulator.sources.wait_idle(10)
    (message,) = drain_queue(emulator, "AsyncSuccessQueue")
    record = json.loads(message["Body"])
    assert record["requestContext"]["condition"] == "Success"
    assert record["responsePayload"] == {"ok": True}
    assert "functionError" not in record["responseContext"]


def test_async_failure_without_destination_goes_to_the_dead_letter_queue(
        emulator: TestEmulator) -> None:
    clear(emulator)
    _put(emulator, {"dead_letter": True, "n": 3})
    assert emulator.sources.wait_idle(10)
    # InputPath: $.detail hands the function the detail alone; no retries (0).
    assert received(emulator, "DeadLetterFunction") == [{"dead_letter": True, "n": 3}]
    (message,) = drain_queue(emulator, "DeadLetterQueue")
    assert json.loads(message["Body"]) == {"dead_letter": True, "n": 3}
    attributes = {name: value["StringValue"]
                  for name, value in message["MessageAttributes"].items()}
    assert attributes["ErrorMessage"] == "bound for the dead-letter queue"
    assert attributes["RequestID"]


def test_async_event_past_its_maximum_age_is_not_retried_again(
        emulator: TestEmulator, clock: ManualClock) -> None:
    clear(emulator)
    drain_queue(emulator, "AsyncFailuresQueue")
    emulator.aws.client("events").put_events(Entries=[{
        "Source": "test.aging", "DetailType": "Check", "Detail": json.dumps({"fail": True})}])
    assert emulator.sources.wait_idle(10)
    clock.advance(60)  # the first retry, at the event's maximum age of 60 s
    assert emulator.sources.wait_idle(10)
    clock.advance(600)
    assert emulator.sources.wait_idle(10)
    assert len(received(emulator, "AgingFunction")) == 2  # the second retry would be too old
    (message,) = drain_queue(emulator, "AsyncFailuresQueue")
    record = json.loads(message["Body"])
    assert record["requestContext"]["condition"] == "EventAgeExceeded"
    assert record["requestContext"]["approximateInvokeCount"] == 2
