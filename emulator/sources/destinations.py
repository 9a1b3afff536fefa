"""Sending invocation records to destinations, dead-letter queues and failure targets.

Copies the destination targets of
https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html (SQS
queue, SNS topic, Lambda function, EventBridge bus, named by ARN) and the dead-letter
message of ``DeadLetterConfig`` (the event as the body; ``RequestID``, ``ErrorCode`` and
``ErrorMessage`` message attributes), sent through moto with the emulator's own clients.
A Lambda destination is invoked asynchronously, as Lambda does.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

from emulator.aws import AwsEnvironment

logger = logging.getLogger(__name__)

#: Invokes a function (by ARN) asynchronously with an event: the Lambda destination.
LambdaSender = Callable[[str, dict[str, Any]], None]


class UnsupportedDestination(ValueError):
    """The ARN names no service a destination can be."""


def destination_service(arn: str) -> str:
    """``sqs``, ``sns``, ``lambda`` or ``events``; UnsupportedDestination otherwise."""
    parts = arn.split(":")
    service = parts[2] if len(parts) > 5 else ""
    if service not in ("sqs", "sns", "lambda", "events"):
        raise UnsupportedDestination(
            f"{arn!r} is not an SQS queue, SNS topic, Lambda function or EventBridge bus ARN")
    return service


class Destinations:
    """Delivers records to destination ARNs (called from worker threads only)."""

    def __init__(self, aws: AwsEnvironment, invoke_lambda: LambdaSender) -> None:
        self._aws = aws
        self._invoke_lambda = invoke_lambda

    def send(self, arn: str, record: Mapping[str, Any], *,
             detail_type: str = "Lambda Function Invocation Result - Failure",
             attributes: Mapping[str, str] | None = None) -> None:
        """Send ``record`` as JSON; ``attributes`` become SQS/SNS string attributes."""
        service = destination_service(arn)
        body = json.dumps(record)
        if service == "sqs":
            params: dict[str, Any] = {"QueueUrl": self.queue_url(arn), "MessageBody": body}
            if attributes:
                params["MessageAttributes"] = {
                    key: {"DataType": "String", "StringValue": value}
                    for key, value in attributes.items()}
            if arn.endswith(".fifo"):
                params["MessageGroupId"] = "lambda"
                params["MessageDeduplicationId"] = str(abs(hash(body)))
            self._aws.client("sqs").send_message(**params)
        elif service == "sns":
            sns_params: dict[str, Any] = {"TopicArn": arn, "Message": body}
            if attributes:
                sns_params["MessageAttributes"] = {
                    key: {"DataType": "String", "StringValue": value}
                    for key, value in attributes.items()}
            self._aws.client("sns").publish(**sns_params)
        elif service == "lambda":
            self._invoke_lambda(arn, dict(record))
        else:
            self._aws.client("events").put_events(Entries=[{
                "Source": "lambda", "DetailType": detail_type, "Detail": body,
                "EventBusName": arn}])
        logger.info("sent a record to %s", arn)

    def queue_url(self, arn: str) -> str:
        parts = arn.split(":")
        return str(self._aws.client("sqs").get_queue_url(
            QueueName=parts[5], QueueOwnerAWSAccountId=parts[4])["QueueUrl"])
