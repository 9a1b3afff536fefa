"""SQS messages as Lambda's SQS poller hands them over, and its partial-batch rule.

Copies https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html (record shape, with
``messageAttributes`` as ``stringValue``/``binaryValue``/``dataType``) and
https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html: with
``ReportBatchItemFailures`` a null/empty response or empty ``batchItemFailures`` is a full
success; an ``itemIdentifier`` that is missing, empty or names no message of the batch
makes the whole batch fail.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from emulator.events.records import sqs_record
from emulator.sources.patterns import Pattern

logger = logging.getLogger(__name__)


def lambda_record(message: Mapping[str, Any], *, queue_arn: str, region: str) -> dict[str, Any]:
    """One ``ReceiveMessage`` result as ``event["Records"][i]``."""
    attributes = {str(k): str(v) for k, v in (message.get("Attributes") or {}).items()}
    sent_ms = int(attributes.get("SentTimestamp", "0") or 0)
    return sqs_record(
        body=str(message.get("Body", "")), queue_arn=queue_arn, region=region,
        sent_at=datetime.fromtimestamp(sent_ms / 1000, UTC),
        message_id=str(message["MessageId"]), receipt_handle=str(message["ReceiptHandle"]),
        receive_count=int(attributes.get("ApproximateReceiveCount", "1")),
        attributes=attributes,
        message_attributes={name: _attribute(value) for name, value in
                            (message.get("MessageAttributes") or {}).items()})


def _attribute(value: Mapping[str, Any]) -> dict[str, Any]:
    binary = value.get("BinaryValue")
    return {
        "stringValue": value.get("StringValue"),
        "binaryValue": base64.b64encode(binary).decode() if isinstance(binary, bytes)
        else binary,
        "stringListValues": list(value.get("StringListValues") or []),
        "binaryListValues": list(value.get("BinaryListValues") or []),
        "dataType": value.get("DataType", "String"),
    }


def matches_filters(record: Mapping[str, Any], filters: Sequence[Pattern]) -> bool:
    """Lambda filters an SQS record with its ``body`` parsed when it is a JSON object."""
    if not filters:
        return True
    view = dict(record)
    try:
        body = json.loads(str(record.get("body", "")))
    except ValueError:
        body = None
    if isinstance(body, dict):
        view["body"] = body
    return any(pattern.matches(view) for pattern in filters)


class InvalidBatchResponse(ValueError):
    """The function's partial batch response cannot be read: the whole batch failed."""


def failed_item_ids(payload: Any, batch_ids: Sequence[str]) -> list[str]:
    """The ``itemIdentifier``s of a ``{"batchItemFailures": [...]}`` response, in order."""
    if payload is None or (isinstance(payload, Mapping) and
                           payload.get("batchItemFailures") in (None, [])):
        return []
    if not isinstance(payload, Mapping) or not isinstance(payload.get("batchItemFailures"),
                                                          list):
        raise InvalidBatchResponse(f"not a partial batch response: {payload!r:.200}")
    known = set(batch_ids)
    failed: list[str] = []
    for item in payload["batchItemFailures"]:
        identifier = item.get("itemIdentifier") if isinstance(item, Mapping) else None
        if not isinstance(identifier, str) or not identifier or identifier not in known:
            raise InvalidBatchResponse(f"invalid itemIdentifier in {item!r:.200}")
        failed.append(identifier)
    return failed
