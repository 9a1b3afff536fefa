"""Records every event it gets in RECORDS_TABLE (one item per invocation), then behaves as
the event asks: SQS messages whose JSON body says ``"fail": true`` are reported as batch
item failures (or raise, for a function without ReportBatchItemFailures) while their
receive count is at most ``fail_times`` (default: always); a stream record whose key starts
with ``fail`` fails the batch; an EventBridge event with ``detail.fail`` fails, and so does
an event with ``dead_letter``."""

from __future__ import annotations

import json
import os
import time
import uuid

import boto3

_table = boto3.resource("dynamodb").Table(os.environ["RECORDS_TABLE"])


def handler(event, context):
    _table.put_item(Item={"fn": context.function_name, "id": str(uuid.uuid4()),
                          "event": json.dumps(event),
                          "at": time.time_ns()})
    records = event.get("Records") if isinstance(event, dict) else None
    if isinstance(event, dict) and isinstance(event.get("detail"), dict) and \
            event["detail"].get("fail"):
        raise RuntimeError("flaky by design")
    if isinstance(event, dict) and event.get("dead_letter"):
        raise RuntimeError("bound for the dead-letter queue")
    if not records:
        return {"ok": True}
    failures = []
    for record in records:
        if record.get("eventSource") == "aws:sqs":
            body = _json(record["body"])
            received = int(record["attributes"]["ApproximateReceiveCount"])
            if body.get("fail") and received <= body.get("fail_times", 99):
                failures.append({"itemIdentifier": record["messageId"]})
            if body.get("invalid_response"):
                return {"batchItemFailures": [{"itemIdentifier": "not-in-the-batch"}]}
        elif record.get("eventSource") == "aws:dynamodb":
            key = next(iter(record["dynamodb"]["Keys"].values()))
            if str(key.get("S", "")).startswith("fail"):
                raise RuntimeError(f"cannot handle {key}")
    if failures and os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "").find("WholeBatch") >= 0:
        raise RuntimeError("a message failed")
    return {"batchItemFailures": failures}


def _json(text):
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
