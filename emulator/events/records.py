"""Event records of the asynchronous sources, shaped exactly as Lambda receives them.

- S3 notifications: https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
- SQS: https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html#example-standard-queue-message-event
- DynamoDB Streams: https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html#services-dynamodb-event-example
- EventBridge scheduled events: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-run-lambda-schedule.html
- SNS: https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html#sns-sample-event

Pure builders: times and ids are parameters so callers (and tests) control them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote_plus


def _iso_millis(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + \
        f"{moment.microsecond // 1000:03d}Z"


def s3_event(*, bucket: str, key: str, region: str, event_name: str = "ObjectCreated:Put",
             size: int = 0, etag: str = "", sequencer: str = "0A1B2C3D4E5F678901",
             source_ip: str = "127.0.0.1", time: datetime,
             request_id: str | None = None, version_id: str | None = None) -> dict[str, Any]:
    """One S3 notification wrapped in ``{"Records": [...]}``; ``key`` URL-encoded as S3 sends it."""
    obj: dict[str, Any] = {"key": quote_plus(key, safe="/"), "sequencer": sequencer}
    if event_name.startswith("ObjectCreated"):
        obj.update(size=size, eTag=etag or hashlib.md5(key.encode()).hexdigest())  # noqa: S324
    if version_id is not None:
        obj["versionId"] = version_id
    request_id = request_id or uuid.uuid4().hex[:16].upper()
    return {"Records": [{
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": region,
        "eventTime": _iso_millis(time),
        "eventName": event_name,
        "userIdentity": {"principalId": "AWS:AIDAEMULATOREXAMPLE"},
        "requestParameters": {"sourceIPAddress": source_ip},
        "responseElements": {"x-amz-request-id": request_id,
                             "x-amz-id-2": base64.b64encode(request_id.encode() * 4).decode()},
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": "emulator",
            "bucket": {"name": bucket, "ownerIdentity": {"principalId": "A3NL1KOZZKExample"},
                       "arn": f"arn:aws:s3:::{bucket}"},
            "object": obj,
        },
    }]}


def sqs_record(*, body: str, queue_arn: str, region: str, sent_at: datetime,
               message_id: str | None = None, receipt_handle: str | None = None,
               receive_count: int = 1, attributes: Mapping[str, str] | None = None,
               message_attributes: Mapping[str, Any] | None = None,
               sender_id: str = "AIDAEMULATOREXAMPLE") -> dict[str, Any]:
    """One SQS message as it appears in ``event["Records"]``."""
    sent_ms = str(int(sent_at.timestamp() * 1000))
    record_attributes = {
        "ApproximateReceiveCount": str(receive_count),
        "SentTimestamp": sent_ms,
        "SenderId": sender_id,
        "ApproximateFirstReceiveTimestamp": sent_ms,
    }
    record_attributes.update(attributes or {})
    return {
        "messageId": message_id or str(uuid.uuid4()),
        "receiptHandle": receipt_handle or base64.b64encode(uuid.uuid4().bytes * 3).decode(),
        "body": body,
        "attributes": record_attributes,
        "messageAttributes": dict(message_attributes or {}),
        "md5OfBody": hashlib.md5(body.encode()).hexdigest(),  # noqa: S324
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


def dynamodb_stream_record(*, event_name: str, keys: Mapping[str, Any], stream_arn: str,
                           region: str, time: datetime, sequence_number: int,
                           new_image: Mapping[str, Any] | None = None,
                           old_image: Mapping[str, Any] | None = None,
                           view_type: str = "NEW_AND_OLD_IMAGES",
                           size_bytes: int | None = None) -> dict[str, Any]:
    """One stream record; ``keys`` and images are already in DynamoDB JSON (``{"S": ...}``)."""
    if event_name not in ("INSERT", "MODIFY", "REMOVE"):
        raise ValueError(f"event_name must be INSERT, MODIFY or REMOVE, not {event_name!r}")
    dynamodb: dict[str, Any] = {
        "ApproximateCreationDateTime": int(time.timestamp()),
        "Keys": dict(keys),
        "SequenceNumber": str(sequence_number).rjust(21, "0"),
        "SizeBytes": size_bytes if size_bytes is not None else len(json.dumps(
            [keys, new_image, old_image])),
        "StreamViewType": view_type,
    }
    if new_image is not None and view_type in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES"):
        dynamodb["NewImage"] = dict(new_image)
    if old_image is not None and view_type in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES"):
        dynamodb["OldImage"] = dict(old_image)
    return {
        "eventID": hashlib.md5(f"{stream_arn}{sequence_number}".encode()).hexdigest(),  # noqa: S324
        "eventName": event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": dynamodb,
        "eventSourceARN": stream_arn,
    }


def scheduled_event(*, rule_arn: str, account_id: str, region: str, time: datetime,
                    event_id: str | None = None) -> dict[str, Any]:
    """The EventBridge "Scheduled Event" a rate()/cron() rule sends when no Input is set."""
    return {
        "version": "0",
        "id": event_id or str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": account_id,
        "time": time.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [rule_arn],
        "detail": {},
    }


def sns_record(*, topic_arn: str, message: str, time: datetime, subject: str | None = None,
               message_id: str | None = None,
               message_attributes: Mapping[str, Mapping[str, str]] | None = None,
               subscription_arn: str | None = None) -> dict[str, Any]:
    """One SNS notification as ``event["Records"][i]`` for a Lambda subscriber."""
    region = topic_arn.split(":")[3]
    return {
        "EventVersion": "1.0",
        "EventSubscriptionArn": subscription_arn or f"{topic_arn}:{uuid.uuid4()}",
        "EventSource": "aws:sns",
        "Sns": {
            "SignatureVersion": "1",
            "Timestamp": _iso_millis(time),
            "Signature": base64.b64encode(hashlib.sha256(message.encode()).digest()).decode(),
            "SigningCertUrl": f"https://sns.{region}.amazonaws.com/SimpleNotificationService-emulator.pem",
            "MessageId": message_id or str(uuid.uuid4()),
            "Message": message,
            "MessageAttributes": {k: dict(v) for k, v in (message_attributes or {}).items()},
            "Type": "Notification",
            "UnsubscribeUrl": f"https://sns.{region}.amazonaws.com/?Action=Unsubscribe",
            "TopicArn": topic_arn,
            "Subject": subject,
        },
    }


def records(items: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Wrap records as Lambda receives them: ``{"Records": [...]}``."""
    return {"Records": [dict(item) for item in items]}


def utc_now() -> datetime:
    return datetime.now(UTC)
