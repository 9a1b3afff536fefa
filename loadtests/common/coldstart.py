"""Reading a cold start's Init Duration off an HTTP response.

Two sources, the first present wins:

- ``X-Emulator-Cold-Start: <ms>``: sent by the local emulator (``python -m emulator serve``)
  on the response of an invocation that created its execution environment; the value is
  the runtime's Init Duration (the module import), as in the REPORT log line.
- ``Server-Timing: init;dur=<ms>``: sent by the handlers' shared middleware
  (``lambda_common.http.api_handler``) on the first invocation of each execution
  environment, so the same plugin works against a real deployment, where API Gateway passes
  a proxy integration's headers through
  (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html).
  Server-Timing is the W3C header (https://www.w3.org/TR/server-timing/); ``init`` is the
  metric name the middleware uses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

EMULATOR_HEADER = "X-Emulator-Cold-Start"
SERVER_TIMING_HEADER = "Server-Timing"
SERVER_TIMING_METRIC = "init"

# One Server-Timing metric: name, then ;param=value pairs (value a token or a quoted string).
_METRIC = re.compile(r"\s*([!#$%&'*+\-.^_`|~0-9A-Za-z]+)((?:\s*;\s*[^,;]+)*)")
_PARAM = re.compile(r";\s*([A-Za-z]+)\s*=\s*\"?([^\";,]*)\"?")


def _number(raw: str) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if value >= 0 and value == value and value != float("inf") else None


def server_timing_duration(header_value: str, metric: str = SERVER_TIMING_METRIC) -> float | None:
    """``dur`` of ``metric`` in a Server-Timing header value, or None."""
    for entry in header_value.split(","):
        match = _METRIC.match(entry)
        if match is None or match.group(1) != metric:
            continue
        for name, value in _PARAM.findall(match.group(2)):
            if name.lower() == "dur":
                return _number(value.strip())
    return None


def init_duration_ms(headers: Mapping[str, str]) -> float | None:
    """The Init Duration a response reports, or None for a warm invocation.

    ``headers`` must be case-insensitive (``requests``' response headers are).
    """
    emulator = headers.get(EMULATOR_HEADER)
    if emulator is not None:
        value = _number(emulator.strip())
        if value is not None:
            return value
    timing = headers.get(SERVER_TIMING_HEADER)
    return None if timing is None else server_timing_duration(timing)
