"""DynamoDB Streams event source mappings: Lambda's poller for one table stream.

Copies https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html and
https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html:
records in order, batches of up to ``BatchSize`` (waiting up to
``MaximumBatchingWindowInSeconds``), ``StartingPosition`` ``TRIM_HORIZON`` (every record
still in the stream, writes made before the mapping started included) or ``LATEST``;
records not matching ``FilterCriteria`` are skipped. A failed batch is retried (from the
first reported ``itemIdentifier`` = ``SequenceNumber`` with ``ReportBatchItemFailures``),
split in two first with ``BisectBatchOnFunctionError``, until ``MaximumRetryAttempts`` or
``MaximumRecordAgeInSeconds`` is reached; then a record of the batch goes to the
``OnFailure`` destination and the shard moves on. Each split or retry counts as an attempt
here, so a bisected batch always ends.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from emulator.runtime import Runtime, TooManyRequests
from emulator.sources.destinations import Destinations
from emulator.sources.models import StreamMapping
from emulator.sources.poller import Poller
from emulator.sources.sqs_records import InvalidBatchResponse, failed_item_ids

logger = logging.getLogger(__name__)

#: Pause between retries of a failing batch (Lambda backs off too), at most this long.
MAX_BACKOFF_S = 2.0


class StreamPoller(Poller):
    def __init__(self, mapping: StreamMapping, runtime: Runtime, region: str,
                 clock: Callable[[], float], destinations: Callable[[], Destinations],
                 existing: Sequence[Mapping[str, Any]] = ()) -> None:
        super().__init__(mapping.name)
        self.mapping = mapping
        self._runtime = runtime
        self._region = region
        self._clock = clock
        self._destinations = destinations
        self._records: list[dict[str, Any]] = []
        self._records_lock = threading.Lock()
        self._position = 0
        if mapping.starting_position == "TRIM_HORIZON":
            for record in existing:
                self.append(record)

    def append(self, record: Mapping[str, Any]) -> None:
        """A new stream record (called from the moto hook: copy and wake only)."""
        entry = dict(record)
        entry["eventVersion"] = "1.1"
        entry["awsRegion"] = self._region
        entry["eventSourceARN"] = self.mapping.stream_arn
        entry["dynamodb"] = dict(entry.get("dynamodb") or {})
        # moto writes an empty OldImage on INSERT and NewImage on REMOVE; AWS has none.
        for image in ("OldImage", "NewImage"):
            if entry["dynamodb"].get(image) == {}:
                del entry["dynamodb"][image]
        entry["dynamodb"]["ApproximateCreationDateTime"] = float(int(self._clock()))
        with self._records_lock:
            self._records.append(entry)
        self.poke()

    def poll(self) -> bool:
        batch = self._take()
        if not batch:
            return False
        matching = [record for record in batch if not self.mapping.filters or
                    any(pattern.matches(record) for pattern in self.mapping.filters)]
        self.counters.add("filtered_out", len(batch) - len(matching))
        if matching:
            self._process(matching)
        return True

    def recheck_after(self) -> float | None:
        with self._records_lock:
            return 0.0 if self._position < len(self._records) else None

    def _take(self) -> list[dict[str, Any]]:
        if self.mapping.window_s > 0:
            with self._records_lock:
                short = len(self._records) - self._position < self.mapping.batch_size
            if short and self._position < len(self._records):
                self.sleep(self.mapping.window_s)
        with self._records_lock:
            batch = self._records[self._position:self._position + self.mapping.batch_size]
            self._position += len(batch)
        return batch

    def _process(self, batch: list[dict[str, Any]]) -> None:
        work: deque[tuple[list[dict[str, Any]], int]] = deque([(batch, 0)])
        while work and not self.stopping:
            records, attempts = work.popleft()
            failed_from = self._invoke(records)
            if failed_from is None:
                continue
            remaining = records[failed_from:]
            self.counters.add("failures")
            if self._expired(remaining) or (
                    self.mapping.max_retries >= 0 and attempts >= self.mapping.max_retries):
                self._discard(remaining, attempts + 1)
                continue
            self.counters.add("retries")
            self.sleep(min(MAX_BACKOFF_S, 0.05 * 2 ** attempts))
            if self.mapping.bisect and len(remaining) > 1:
                half = len(remaining) // 2
                work.appendleft((remaining[half:], attempts + 1))
                work.appendleft((remaining[:half], attempts + 1))
            else:
                work.appendleft((remaining, attempts + 1))

    def _invoke(self, records: list[dict[str, Any]]) -> int | None:
        """Deliver; None on success, else the index of the first record to retry."""
        self.counters.add("deliveries")
        try:
            result = self._runtime.invoke(self.mapping.function.logical_id, {"Records": records})
        except TooManyRequests as exc:
            logger.warning("%s: throttled (%s)", self.name, exc)
            return 0
        if not result.succeeded:
            return 0
        if not self.mapping.report_failures:
            return None
        sequence = [str(record["dynamodb"]["SequenceNumber"]) for record in records]
        try:
            failed = failed_item_ids(result.payload, sequence)
        except InvalidBatchResponse as exc:
            logger.warning("%s: %s; the whole batch failed", self.name, exc)
            return 0
        return min(sequence.index(item) for item in failed) if failed else None

    def _expired(self, records: list[dict[str, Any]]) -> bool:
        limit = self.mapping.max_record_age_s
        if limit < 0 or not records:
            return False
        return self._clock() - float(records[0]["dynamodb"]["ApproximateCreationDateTime"]) \
            > limit

    def _discard(self, records: list[dict[str, Any]], attempts: int) -> None:
        logger.warning("%s: %d record(s) discarded after %d attempt(s)%s", self.name,
                       len(records), attempts,
                       f"; sent to {self.mapping.on_failure}" if self.mapping.on_failure else "")
        if not self.mapping.on_failure:
            return
        first, last = records[0]["dynamodb"], records[-1]["dynamodb"]
        record = {
            "requestContext": {"requestId": str(uuid.uuid4()),
                               "functionArn": self.mapping.function.arn,
                               "condition": "RetryAttemptsExhausted",
                               "approximateInvokeCount": attempts},
            "responseContext": {"statusCode": 200, "executedVersion": "$LATEST",
                                "functionError": "Unhandled"},
            "version": "1.0",
            "timestamp": _iso(self._clock()),
            "DDBStreamBatchInfo": {
                "shardId": "shardId-00000001541626099285-f35f62ef",
                "startSequenceNumber": str(first["SequenceNumber"]),
                "endSequenceNumber": str(last["SequenceNumber"]),
                "approximateArrivalOfFirstRecord": _iso(first["ApproximateCreationDateTime"]),
                "approximateArrivalOfLastRecord": _iso(last["ApproximateCreationDateTime"]),
                "batchSize": len(records),
                "streamArn": self.mapping.stream_arn,
            },
        }
        self._destinations().send(self.mapping.on_failure, record)
        self.counters.add("dead_lettered", len(records))

    def info(self) -> dict[str, Any]:
        mapping = self.mapping
        return {"kind": "dynamodb", "name": mapping.name,
                "function": mapping.function.logical_id, "source": mapping.stream_arn,
                "enabled": mapping.enabled,
                "settings": {"BatchSize": mapping.batch_size,
                             "StartingPosition": mapping.starting_position,
                             "MaximumBatchingWindowInSeconds": mapping.window_s,
                             "BisectBatchOnFunctionError": mapping.bisect,
                             "MaximumRetryAttempts": mapping.max_retries,
                             "MaximumRecordAgeInSeconds": mapping.max_record_age_s,
                             "OnFailure": mapping.on_failure,
                             "ReportBatchItemFailures": mapping.report_failures,
                             "Filters": [pattern.source for pattern in mapping.filters]},
                **self.counters.snapshot()}


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(float(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
