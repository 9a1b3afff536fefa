"""Shared helpers of the event-source tests: the sources app and what its functions saw."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from emulator.sources import ManualClock
from emulator.testing import TestEmulator, start_emulator
from tests.conftest import APPS

SOURCES_TEMPLATE = APPS / "sources" / "template.yaml"


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(scope="module")
def emulator(clock: ManualClock) -> Iterator[TestEmulator]:
    with start_emulator(SOURCES_TEMPLATE, clock=clock) as running:
        assert running.sources.wait_idle(10)
        yield running


def received(emulator: TestEmulator, function: str) -> list[Any]:
    """The events ``function`` (logical id) got, oldest first."""
    name = emulator.stack.functions[function].name
    table = emulator.aws.resource("dynamodb").Table(
        emulator.stack.resources["RecordsTable"].physical_id)
    items = table.query(KeyConditionExpression="fn = :fn",
                        ExpressionAttributeValues={":fn": name})["Items"]
    return [json.loads(item["event"]) for item in sorted(items, key=lambda item: item["at"])]


def clear(emulator: TestEmulator) -> None:
    table = emulator.aws.resource("dynamodb").Table(
        emulator.stack.resources["RecordsTable"].physical_id)
    for item in table.scan()["Items"]:
        table.delete_item(Key={"fn": item["fn"], "id": item["id"]})


def queue_url(emulator: TestEmulator, logical_id: str) -> str:
    return emulator.stack.resources[logical_id].physical_id


def drain_queue(emulator: TestEmulator, logical_id: str) -> list[dict[str, Any]]:
    sqs = emulator.aws.client("sqs")
    messages = sqs.receive_message(QueueUrl=queue_url(emulator, logical_id),
                                   MaxNumberOfMessages=10, MessageAttributeNames=["All"],
                                   AttributeNames=["All"]).get("Messages", [])
    return list(messages)


def source_info(emulator: TestEmulator, name: str) -> dict[str, Any]:
    return next(entry for entry in emulator.info()["event_sources"] if entry["name"] == name)
