"""Asynchronous invocation: the queue Lambda keeps for S3, SNS, EventBridge and schedules.

Copies https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html and
https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html: an
event that fails (error, timeout or throttle) is retried twice by default, one minute and
then two minutes later (``MaximumRetryAttempts`` 0-2 of the function's
``EventInvokeConfig``); an event older than ``MaximumEventAgeInSeconds`` (6 hours by
default) is dropped. Then the record goes to the ``OnFailure`` destination, or the event to
the function's ``DeadLetterConfig`` target; a success goes to ``OnSuccess``. The record
shape is https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from emulator.errors import EmulatorError
from emulator.runtime import InvocationResult, Runtime, TooManyRequests
from emulator.sources.counters import Counters
from emulator.sources.destinations import Destinations
from emulator.sources.dispatch import Dispatcher
from emulator.stack import FunctionConfig

logger = logging.getLogger(__name__)

#: Lambda waits one minute before the first retry and two before the second.
RETRY_DELAYS_S = (60.0, 120.0)
DEFAULT_MAX_RETRIES = 2
DEFAULT_MAX_EVENT_AGE_S = 21_600


@dataclass(frozen=True)
class AsyncConfig:
    """A function's ``EventInvokeConfig`` and ``DeadLetterConfig``, resolved."""

    max_retries: int = DEFAULT_MAX_RETRIES
    max_event_age_s: float = DEFAULT_MAX_EVENT_AGE_S
    on_success: str | None = None
    on_failure: str | None = None
    dead_letter_arn: str | None = None


@dataclass
class _Pending:
    function: FunctionConfig
    event: Any
    request_id: str
    queued_at: float
    counters: Counters
    attempts: int = 0


class AsyncInvoker:
    """Queues events for functions and runs Lambda's retry and destination rules."""

    def __init__(self, runtime: Runtime, dispatcher: Dispatcher, clock: Callable[[], float],
                 configs: Mapping[str, AsyncConfig],
                 destinations: Callable[[], Destinations]) -> None:
        self._runtime = runtime
        self._dispatcher = dispatcher
        self._clock = clock
        self._configs = configs
        self._destinations = destinations

    def config(self, function: FunctionConfig) -> AsyncConfig:
        return self._configs.get(function.logical_id, AsyncConfig())

    def invoke(self, function: FunctionConfig, event: Any, counters: Counters) -> str:
        """Queue ``event`` for ``function`` (``InvocationType=Event``); the request id."""
        pending = _Pending(function, event, str(uuid.uuid4()), self._clock(), counters)
        self._dispatcher.submit(f"async {function.logical_id}",
                                lambda: self._attempt(pending))
        return pending.request_id

    def _attempt(self, pending: _Pending) -> None:
        config = self.config(pending.function)
        pending.attempts += 1
        if pending.attempts > 1:
            pending.counters.add("retries")
        pending.counters.add("deliveries")
        try:
            result: InvocationResult | None = self._runtime.invoke(
                pending.function.logical_id, pending.event, request_id=pending.request_id)
        except TooManyRequests as exc:
            logger.warning("async %s throttled: %s", pending.function.logical_id, exc)
            result = None
        if result is not None and result.succeeded:
            if config.on_success:
                self._send(config.on_success, self._record(pending, result, "Success"),
                           "Lambda Function Invocation Result - Success")
            return
        pending.counters.add("failures")
        age = self._clock() - pending.queued_at
        if pending.attempts <= config.max_retries:
            due = self._clock() + RETRY_DELAYS_S[min(pending.attempts - 1,
                                                     len(RETRY_DELAYS_S) - 1)]
            if due - pending.queued_at <= config.max_event_age_s:
                logger.info("async %s request %s failed; retry %d of %d at %s",
                            pending.function.logical_id, pending.request_id,
                            pending.attempts, config.max_retries, _iso(due))
                self._dispatcher.submit(f"retry {pending.function.logical_id}",
                                        lambda: self._attempt(pending), due=due)
                return
            condition = "EventAgeExceeded"
        else:
            condition = "RetriesExhausted" if age <= config.max_event_age_s \
                else "EventAgeExceeded"
        self._give_up(pending, config, result, condition)

    def _give_up(self, pending: _Pending, config: AsyncConfig,
                 result: InvocationResult | None, condition: str) -> None:
        logger.warning("async %s request %s failed %d time(s) (%s); discarded%s",
                       pending.function.logical_id, pending.request_id, pending.attempts,
                       condition, f" to {config.on_failure or config.dead_letter_arn}"
                       if config.on_failure or config.dead_letter_arn else "")
        if config.on_failure:
            self._send(config.on_failure, self._record(pending, result, condition),
                       "Lambda Function Invocation Result - Failure")
        elif config.dead_letter_arn:
            error = result.error if result is not None else None
            self._send(config.dead_letter_arn, pending.event, "", attributes={
                "RequestID": pending.request_id,
                "ErrorCode": "200",
                "ErrorMessage": error.errorMessage if error else "Rate Exceeded."})
        else:
            return
        pending.counters.add("dead_lettered")

    def _send(self, arn: str, record: Any, detail_type: str,
              attributes: Mapping[str, str] | None = None) -> None:
        try:
            self._destinations().send(arn, record, detail_type=detail_type,
                                      attributes=attributes)
        except (ClientError, BotoCoreError, EmulatorError, ValueError) as exc:
            # Lambda drops the record when the destination refuses it; say so loudly.
            logger.error("could not send an invocation record to %s: %s", arn, exc)

    def _record(self, pending: _Pending, result: InvocationResult | None,
                condition: str) -> dict[str, Any]:
        response: dict[str, Any] = {"statusCode": 200 if result is not None else 429,
                                    "executedVersion": "$LATEST"}
        if result is not None and not result.succeeded:
            response["functionError"] = "Unhandled"
        payload: Any = None
        if result is not None:
            payload = result.payload if result.succeeded else (
                result.error.as_payload() if result.error else None)
        return {
            "version": "1.0",
            "timestamp": _iso(self._clock()),
            "requestContext": {"requestId": pending.request_id,
                               "functionArn": f"{pending.function.arn}:$LATEST",
                               "condition": condition,
                               "approximateInvokeCount": pending.attempts},
            "requestPayload": pending.event,
            "responseContext": response,
            "responsePayload": payload,
        }


def _iso(epoch: float) -> str:
    moment = datetime.fromtimestamp(epoch, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
