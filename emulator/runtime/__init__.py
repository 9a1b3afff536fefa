"""The Lambda runtime: Python handlers run in-process as awslambdaric runs them in Lambda.

Copies the execution environment model of AWS Lambda's Python runtime
(https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html and
https://docs.aws.amazon.com/lambda/latest/dg/lambda-python.html): per-function pools of
execution environments (cold start = fresh import of the handler module, reported as Init
Duration), per-environment module state and environment variables, the ``context`` object,
START/END/REPORT log lines, function timeouts that discard the environment, and reserved
concurrency throttling. See the submodules for each behaviour and its limits:

* :mod:`.core` - :class:`Runtime` (invoke, caller timeout, stats, shutdown)
* :mod:`.pool` - environments per function, concurrency, counters
* :mod:`.environment` - the sandbox thread, INIT, handler errors
* :mod:`.isolation` - per-environment modules; :mod:`.environ` - per-environment variables
* :mod:`.capture` / :mod:`.logs` - output capture and Lambda's log formats
* :mod:`.context`, :mod:`.marshal`, :mod:`.timeouts`, :mod:`.memory`
"""

from __future__ import annotations

from .context import LambdaContext
from .core import Runtime
from .models import (
    AnsweredAtDeadline,
    CallerTimeout,
    FunctionStats,
    InvalidRequestContent,
    InvocationError,
    InvocationResult,
    RuntimeShutDown,
    TooManyRequests,
)

__all__ = [
    "AnsweredAtDeadline",
    "CallerTimeout",
    "FunctionStats",
    "InvalidRequestContent",
    "InvocationError",
    "InvocationResult",
    "LambdaContext",
    "Runtime",
    "RuntimeShutDown",
    "TooManyRequests",
]
