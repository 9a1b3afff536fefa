"""Pure pieces of the event sources: target input, partial batch responses, SQS records."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.sources.patterns import compile_pattern
from emulator.sources.sqs_records import (
    InvalidBatchResponse,
    failed_item_ids,
    lambda_record,
    matches_filters,
)
from emulator.sources.targets import json_path, target_input

EVENT = {"source": "shop", "detail": {"id": 7, "items": [{"sku": "a"}, {"sku": "b"}],
                                      "name": "Ada"}}


def test_input_replaces_the_event_with_its_json() -> None:
    assert target_input({"Input": '{"job": "x"}'}, EVENT) == {"job": "x"}


def test_input_path_selects_part_of_the_event() -> None:
    assert target_input({"InputPath": "$.detail.items[1]"}, EVENT) == {"sku": "b"}
    assert json_path(EVENT, "$.detail.missing") is None
    assert json_path(EVENT, "$") == EVENT


def test_input_transformer_fills_strings_as_text_and_values_as_json() -> None:
    transformer = {"InputPathsMap": {"id": "$.detail.id", "name": "$.detail.name"},
                   "InputTemplate": '{"order": <id>, "greeting": "hello <name>"}'}
    assert target_input({"InputTransformer": transformer}, EVENT) == {
        "order": 7, "greeting": "hello Ada"}
    plain = {"InputPathsMap": {"name": "$.detail.name"}, "InputTemplate": "Hi <name>!"}
    assert target_input({"InputTransformer": plain}, EVENT) == "Hi Ada!"


@given(ids=st.lists(st.uuids().map(str), min_size=1, max_size=10, unique=True),
       data=st.data())
def test_partial_batch_response_names_exactly_the_failed_ids(ids: list[str],
                                                             data: st.DataObject) -> None:
    failed = data.draw(st.lists(st.sampled_from(ids), unique=True))
    payload = {"batchItemFailures": [{"itemIdentifier": item} for item in failed]}
    assert failed_item_ids(payload, ids) == failed


@pytest.mark.parametrize("payload", [None, {}, {"batchItemFailures": []},
                                     {"batchItemFailures": None}])
def test_empty_partial_batch_responses_are_full_successes(payload: Any) -> None:
    assert failed_item_ids(payload, ["a"]) == []


@pytest.mark.parametrize("payload", [
    "oops", {"batchItemFailures": "a"}, {"batchItemFailures": [{"itemIdentifier": ""}]},
    {"batchItemFailures": [{"itemIdentifier": None}]}, {"batchItemFailures": [{"id": "a"}]},
    {"batchItemFailures": [{"itemIdentifier": "unknown"}]},
])
def test_invalid_partial_batch_responses_fail_the_whole_batch(payload: Any) -> None:
    with pytest.raises(InvalidBatchResponse):
        failed_item_ids(payload, ["a"])


def test_sqs_record_carries_attributes_and_filters_see_the_parsed_body() -> None:
    record = lambda_record({
        "MessageId": "m1", "ReceiptHandle": "r1", "Body": '{"kind": "order"}',
        "Attributes": {"ApproximateReceiveCount": "3", "SentTimestamp": "1767225600000"},
        "MessageAttributes": {"trace": {"DataType": "String", "StringValue": "t-1"}},
    }, queue_arn="arn:aws:sqs:us-east-1:123456789012:q", region="us-east-1")
    assert record["attributes"]["ApproximateReceiveCount"] == "3"
    assert record["messageAttributes"]["trace"]["stringValue"] == "t-1"
    assert record["messageAttributes"]["trace"]["dataType"] == "String"
    assert record["eventSourceARN"] == "arn:aws:sqs:us-east-1:123456789012:q"
    assert matches_filters(record, [compile_pattern({"body": {"kind": ["order"]}})])
    assert not matches_filters(record, [compile_pattern({"body": {"kind": ["refund"]}})])
    assert matches_filters(record, [])
