"""A cold start's init duration on the first response of each execution environment.

Lambda reports ``Init Duration`` only in the REPORT log line of the first invocation of an
execution environment
(https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html#runtimes-lifecycle-ib);
a load test against a deployed API sees none of it. :func:`api_handler` therefore adds
``Server-Timing: init;dur=<ms>`` (https://www.w3.org/TR/server-timing/) to that first
response, which the locust plugin (``loadtests/common``) records as a cold start. API
Gateway passes a proxy integration's headers through unchanged.

The measure runs from the layer's first import in the environment (``IMPORTED_AT``) to the
start of the first invocation: the function's own imports and init code from that point
on. It leaves out the runtime's bootstrap and anything the handler module imported before
``lambda_common``, and includes any wait between init and the first event, so it
approximates, not replaces, the REPORT line's figure (CloudWatch Logs Insights:
``filter @type = "REPORT" and ispresent(@initDuration) | stats max(@initDuration)``).
Environments initialised ahead of any request (``AWS_LAMBDA_INITIALIZATION_TYPE``
``provisioned-concurrency`` or ``snap-start``) report nothing: their init was not on a
request's path.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from typing import Any

from . import IMPORTED_AT

HEADER = "Server-Timing"
METRIC = "init"

# A Lambda execution environment runs one invocation at a time, so a plain flag suffices.
_first_invocation = True


def take_init_duration_ms() -> float | None:
    """The init duration on the environment's first call, None on every later one."""
    global _first_invocation
    if not _first_invocation:
        return None
    _first_invocation = False
    if os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand") != "on-demand":
        return None
    return (time.perf_counter() - IMPORTED_AT) * 1000


def with_init_timing(response: Mapping[str, Any], init_ms: float) -> dict[str, Any]:
    """``response`` with the init metric added to (or as) its Server-Timing header."""
    headers = dict(response.get("headers") or {})
    metric = f"{METRIC};dur={init_ms:.1f}"
    existing = next((name for name in headers if name.lower() == HEADER.lower()), None)
    if existing is None:
        headers[HEADER] = metric
    else:
        headers[existing] = f"{headers[existing]}, {metric}"
    return {**response, "headers": headers}
