"""What an invocation returns and the errors the runtime raises to its caller.

Copies the synchronous ``Invoke`` contract of AWS Lambda
(https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html): a function error comes back
as ``{"errorMessage", "errorType", "requestId", "stackTrace"}`` (the shape awslambdaric
posts, see https://docs.aws.amazon.com/lambda/latest/dg/python-exceptions.html), a timeout as
``{"errorType": "Sandbox.Timedout", "errorMessage": "RequestId: <id> Error: Task timed out
after 3.00 seconds"}``, and a call over the function's reserved concurrency is refused with
``TooManyRequestsException`` ("Rate Exceeded.", reason
``ReservedFunctionConcurrentInvocationLimitExceeded``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import EmulatorError


@dataclass(frozen=True)
class InvocationError:
    """A failed invocation, as Lambda reports it; ``as_payload()`` is the wire JSON.

    Field names are the wire names, so ``error.errorType`` reads as in Lambda's docs.
    """

    errorMessage: str
    errorType: str
    #: Formatted frames (``traceback.format_list``); ``None`` when Lambda sends none.
    stackTrace: tuple[str, ...] | None = ()
    #: The ``requestId`` field awslambdaric adds ("" for INIT errors); ``None`` when absent.
    requestId: str | None = None

    def as_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"errorMessage": self.errorMessage,
                                   "errorType": self.errorType}
        if self.requestId is not None:
            payload["requestId"] = self.requestId
        if self.stackTrace is not None:
            payload["stackTrace"] = list(self.stackTrace)
        return payload


@dataclass(frozen=True)
class InvocationResult:
    """One finished invocation: the response (or error) and what CloudWatch would show."""

    request_id: str
    #: The handler's return value after a JSON round trip (``bytes`` pass through); None on error.
    payload: Any
    error: InvocationError | None
    timed_out: bool
    cold_start: bool
    init_duration_ms: float | None
    duration_ms: float
    billed_duration_ms: int
    max_memory_used_mb: int
    #: START ... END ... REPORT, with INIT-phase output first on a cold start.
    log: str

    @property
    def succeeded(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class FunctionStats:
    """Counters of one function (CloudWatch ``Invocations``, ``Errors``, ``Throttles``...).

    ``errors`` counts every failed invocation, timeouts included, as the ``Errors`` metric
    does; throttled calls are not invocations.
    """

    invocations: int
    cold_starts: int
    errors: int
    timeouts: int
    throttles: int
    idle_environments: int
    busy_environments: int

    @property
    def environments(self) -> int:
        return self.idle_environments + self.busy_environments


class CallerTimeout(EmulatorError):
    """The caller stopped waiting (API Gateway's integration timeout) before the function ended.

    The function keeps running in its environment until it returns or reaches its own
    ``Timeout``; the environment stays busy meanwhile.
    """

    def __init__(self, function_name: str, request_id: str, after_s: float) -> None:
        self.function_name = function_name
        self.request_id = request_id
        self.after_s = after_s
        super().__init__(f"{function_name}: caller stopped waiting for request {request_id} "
                         f"after {after_s:.2f} s")


class AnsweredAtDeadline(EmulatorError):
    """A deadline passed while the invocation ran on the caller's thread: the caller's
    ``late_answer`` callback has answered (or is answering) on the watchdog's thread."""

    def __init__(self, request_id: str) -> None:
        self.request_id = request_id
        super().__init__(f"request {request_id} was answered at its deadline")


class TooManyRequests(EmulatorError):
    """Lambda's throttle: the function's reserved concurrency is all in use."""

    error_type = "TooManyRequestsException"
    reason = "ReservedFunctionConcurrentInvocationLimitExceeded"
    message = "Rate Exceeded."

    def __init__(self, function_name: str, limit: int) -> None:
        self.function_name = function_name
        self.limit = limit
        super().__init__(f"{function_name}: {self.message} ({self.reason}, limit {limit})")


class InvalidRequestContent(EmulatorError):
    """An event that is not JSON (Lambda's ``InvalidRequestContentException``)."""


class RuntimeShutDown(EmulatorError):
    """An invocation after :meth:`Runtime.shutdown`."""
