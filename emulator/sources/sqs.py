"""SQS event source mappings: Lambda's poller for one queue.

Copies https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html and
https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html: batches of up
to ``BatchSize`` messages (gathered for up to ``MaximumBatchingWindowInSeconds``), deleted
when the function succeeds; on an error the whole batch stays in flight and comes back
after the queue's visibility timeout, unless ``ReportBatchItemFailures`` names the failed
ones, when only those do. moto applies the queue's redrive policy on receive: a message
received ``maxReceiveCount`` times moves to the dead-letter queue instead of being
delivered again. FIFO queues deliver a message group in order (moto holds a group while a
message of it is in flight). Messages that match no ``FilterCriteria`` pattern are deleted
unseen, as Lambda does. Delivery is at least once: nothing is deleted before the function
has answered.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from emulator.aws import AwsEnvironment
from emulator.runtime import Runtime, TooManyRequests
from emulator.sources.models import QueueMapping
from emulator.sources.poller import Poller
from emulator.sources.sqs_records import (
    InvalidBatchResponse,
    failed_item_ids,
    lambda_record,
    matches_filters,
)

logger = logging.getLogger(__name__)

#: While messages are in flight or delayed, look again this often (moto's visibility and
#: delay timers are in real time and raise no event when they end).
RECHECK_S = 0.25


class QueuePoller(Poller):
    def __init__(self, mapping: QueueMapping, aws: AwsEnvironment, runtime: Runtime,
                 region: str) -> None:
        super().__init__(mapping.name)
        self.mapping = mapping
        self._aws = aws
        self._runtime = runtime
        self._region = region
        self._url: str | None = None
        self._max_receive: int | None = None

    def start(self) -> None:
        sqs = self._aws.client("sqs")
        parts = self.mapping.queue_arn.split(":")
        self._url = str(sqs.get_queue_url(QueueName=parts[5],
                                          QueueOwnerAWSAccountId=parts[4])["QueueUrl"])
        attributes = sqs.get_queue_attributes(QueueUrl=self._url,
                                              AttributeNames=["All"])["Attributes"]
        redrive = attributes.get("RedrivePolicy")
        if redrive:
            self._max_receive = int(json.loads(redrive).get("maxReceiveCount", 0)) or None
        visibility = int(attributes.get("VisibilityTimeout", "30"))
        if visibility < self.mapping.function.timeout_s:
            logger.warning("%s: the queue's VisibilityTimeout (%d s) is shorter than the "
                           "function's Timeout (%g s); AWS refuses such a mapping",
                           self.name, visibility, self.mapping.function.timeout_s)
        super().start()

    def poll(self) -> bool:
        messages = self._receive()
        if not messages:
            return False
        records = [lambda_record(message, queue_arn=self.mapping.queue_arn, region=self._region)
                   for message in messages]
        unmatched = [record for record in records
                     if not matches_filters(record, self.mapping.filters)]
        if unmatched:
            self.counters.add("filtered_out", len(unmatched))
            self._delete([record["receiptHandle"] for record in unmatched])
            records = [record for record in records if record not in unmatched]
        if records:
            self._deliver(records)
        return True

    def recheck_after(self) -> float | None:
        attributes = self._aws.client("sqs").get_queue_attributes(
            QueueUrl=self._url, AttributeNames=["ApproximateNumberOfMessages",
                                                "ApproximateNumberOfMessagesNotVisible",
                                                "ApproximateNumberOfMessagesDelayed"])
        counts = attributes["Attributes"]
        waiting = sum(int(counts.get(name, "0")) for name in counts)
        return RECHECK_S if waiting else None

    def _receive(self) -> list[dict[str, Any]]:
        sqs = self._aws.client("sqs")
        wanted = self.mapping.batch_size
        deadline = time.monotonic() + self.mapping.window_s
        messages: list[dict[str, Any]] = []
        while len(messages) < wanted and not self.stopping:
            asked = min(10, wanted - len(messages))
            # WaitTimeSeconds=0 always: a long poll would hold MOTO_LOCK for its duration.
            got = sqs.receive_message(QueueUrl=self._url, MaxNumberOfMessages=asked,
                                      AttributeNames=["All"], MessageAttributeNames=["All"],
                                      WaitTimeSeconds=0).get("Messages", [])
            messages.extend(got)
            if len(got) == asked:
                continue
            remaining = deadline - time.monotonic()
            if not messages or remaining <= 0:
                break
            self._wake.wait(remaining)
            self._wake.clear()
        return messages

    def _deliver(self, records: list[dict[str, Any]]) -> None:
        ids = [record["messageId"] for record in records]
        self.counters.add("deliveries")
        try:
            result = self._runtime.invoke(self.mapping.function.logical_id, {"Records": records})
        except TooManyRequests as exc:
            logger.warning("%s: throttled (%s); the batch returns to the queue", self.name, exc)
            self._failed(records, ids)
            return
        if not result.succeeded:
            self._failed(records, ids)
            return
        failed: list[str] = []
        if self.mapping.report_failures:
            try:
                failed = failed_item_ids(result.payload, ids)
            except InvalidBatchResponse as exc:
                logger.warning("%s: %s; the whole batch failed", self.name, exc)
                failed = ids
        if failed:
            self._failed(records, failed)
        self._delete([record["receiptHandle"] for record in records
                      if record["messageId"] not in failed])

    def _failed(self, records: list[dict[str, Any]], failed_ids: list[str]) -> None:
        failed = [record for record in records if record["messageId"] in failed_ids]
        self.counters.add("failures", len(failed))
        if self._max_receive is not None:
            # moto moves these to the dead-letter queue on the next receive.
            self.counters.add("dead_lettered", sum(
                1 for record in failed
                if int(record["attributes"]["ApproximateReceiveCount"]) >= self._max_receive))
        logger.info("%s: %d message(s) return to the queue after its visibility timeout",
                    self.name, len(failed))

    def _delete(self, receipt_handles: list[str]) -> None:
        sqs = self._aws.client("sqs")
        for start in range(0, len(receipt_handles), 10):
            chunk = receipt_handles[start:start + 10]
            sqs.delete_message_batch(QueueUrl=self._url, Entries=[
                {"Id": str(index), "ReceiptHandle": handle}
                for index, handle in enumerate(chunk)])

    def info(self) -> dict[str, Any]:
        mapping = self.mapping
        return {"kind": "sqs", "name": mapping.name, "function": mapping.function.logical_id,
                "source": mapping.queue_arn, "enabled": mapping.enabled,
                "settings": {"BatchSize": mapping.batch_size,
                             "MaximumBatchingWindowInSeconds": mapping.window_s,
                             "ReportBatchItemFailures": mapping.report_failures,
                             "Filters": [pattern.source for pattern in mapping.filters]},
                **self.counters.snapshot()}
