"""The log lines Lambda writes around an invocation, and the Python runtime's formats.

Copies what CloudWatch Logs shows for a Python function
(https://docs.aws.amazon.com/lambda/latest/dg/python-logging.html and
https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html):

* ``START RequestId: <id> Version: $LATEST``, ``END RequestId: <id>`` and
  ``REPORT RequestId: <id>\\tDuration: 12.34 ms\\tBilled Duration: 13 ms\\tMemory Size: 128 MB
  \\tMax Memory Used: 60 MB`` with ``\\tInit Duration: 150.12 ms`` on a cold start and
  ``\\tStatus: timeout`` (or ``\\tStatus: error\\tError Type: ...``) when the platform ended it;
* ``<timestamp> <id> Task timed out after 3.00 seconds`` when the function times out;
* records of the root logger as awslambdaric formats them in text mode:
  ``[LEVEL]\\t2024-01-01T00:00:00.000Z\\t<request id>\\t<message>``;
* an unhandled error as awslambdaric's ``log_error``: ``[ERROR] Type: message``,
  ``Traceback (most recent call last):`` then the frames, indented with no-break spaces.

Billed Duration is the duration rounded up to the millisecond, plus the Init Duration on a
cold start: Lambda bills the INIT phase of on-demand ZIP functions since 1 August 2025
(https://aws.amazon.com/blogs/compute/aws-lambda-standardizes-billing-for-init-phase/).
Every invocation's log is also published, line by line, to the logger
``emulator.lambda.<FunctionName>`` so ``serve`` shows it like ``sam local`` does.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterable

from .models import InvocationError

logger = logging.getLogger(__name__)

VERSION = "$LATEST"
#: awslambdaric's text-mode record format and date format (with ``time.gmtime``).
RECORD_FORMAT = "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n"
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"
#: awslambdaric replaces the leading spaces of traceback lines with U+00A0.
ERROR_LOG_INDENT = "\u00a0"
#: Printed (via logging.warning) by awslambdaric when the INIT phase raises.
UNHANDLED_EXCEPTION_WARNING = (
    "LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function "
    "code. However, in rare cases, a Lambda runtime update can cause unexpected function "
    "behavior. For functions using managed runtimes, runtime updates can be triggered by a "
    "function change, or can be applied automatically. To determine if the runtime has been "
    "updated, check the runtime version in the INIT_START log entry. If this error correlates "
    "with a change in the runtime version, you may be able to mitigate this error by "
    "temporarily rolling back to the previous runtime version. For more information, see "
    "https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html"
)
FUNCTION_LOGGER_PREFIX = "emulator.lambda."


class LambdaFormatter(logging.Formatter):
    """awslambdaric's formatter for root-logger records (text log format)."""

    def __init__(self) -> None:
        super().__init__(RECORD_FORMAT, DATE_FORMAT)
        self.converter = time.gmtime


def iso_timestamp(epoch_s: float) -> str:
    """``2024-01-01T00:00:00.000Z``, the timestamp Lambda's platform lines use."""
    millis = int(epoch_s * 1000) % 1000
    return f"{time.strftime(DATE_FORMAT, time.gmtime(epoch_s))}.{millis:03d}Z"


def log_stream_name(epoch_s: float, instance_id: str) -> str:
    """``2024/01/01/[$LATEST]<32 hex>``: one stream per execution environment."""
    return f"{time.strftime('%Y/%m/%d', time.gmtime(epoch_s))}/[{VERSION}]{instance_id}"


def start_line(request_id: str) -> str:
    return f"START RequestId: {request_id} Version: {VERSION}\n"


def end_line(request_id: str) -> str:
    return f"END RequestId: {request_id}\n"


def billed_duration_ms(duration_ms: float, init_duration_ms: float | None) -> int:
    return max(1, math.ceil(duration_ms + (init_duration_ms or 0.0)))


def report_line(request_id: str, *, duration_ms: float, billed_ms: int, memory_mb: int,
                max_memory_used_mb: int, init_duration_ms: float | None,
                status: str | None = None, error_type: str | None = None) -> str:
    line = (f"REPORT RequestId: {request_id}\tDuration: {duration_ms:.2f} ms"
            f"\tBilled Duration: {billed_ms} ms\tMemory Size: {memory_mb} MB"
            f"\tMax Memory Used: {max_memory_used_mb} MB")
    if init_duration_ms is not None:
        line += f"\tInit Duration: {init_duration_ms:.2f} ms"
    if status is not None:
        line += f"\tStatus: {status}"
        if error_type is not None:
            line += f"\tError Type: {error_type}"
    return line + "\n"


def timeout_message(timeout_s: float) -> str:
    return f"Task timed out after {timeout_s:.2f} seconds"


def timeout_line(epoch_s: float, request_id: str, timeout_s: float) -> str:
    return f"{iso_timestamp(epoch_s)} {request_id} {timeout_message(timeout_s)}\n"


def _indent(line: str) -> str:
    stripped = line.lstrip(" ")
    return ERROR_LOG_INDENT * (len(line) - len(stripped)) + stripped


def error_lines(error: InvocationError) -> str:
    """awslambdaric's ``log_error`` (text format) for an error it reports."""
    description = "[ERROR]"
    if error.errorType:
        description += " " + error.errorType
    if error.errorMessage:
        if error.errorType:
            description += ":"
        description += " " + error.errorMessage
    lines = [description]
    if error.stackTrace is not None:
        lines.append("Traceback (most recent call last):")
        for element in error.stackTrace:
            if element == "":
                lines.append("")
            else:
                lines.extend(_indent(line) for line in element.splitlines())
    return "\n".join(lines) + "\n"


def warning_line(formatter: logging.Formatter, message: str, request_id: str = "") -> str:
    """A root-logger WARNING record as the runtime's handler would write it."""
    record = logging.LogRecord("root", logging.WARNING, __file__, 0, message, None, None)
    record.aws_request_id = request_id
    return formatter.format(record)


def join_output(chunks: Iterable[str]) -> str:
    """Captured output as log text that ends with a newline (one CloudWatch event per line)."""
    text = "".join(chunks)
    if text and not text.endswith("\n"):
        text += "\n"
    return text


def publish(function_logger: logging.Logger, text: str) -> None:
    """Emit an invocation's log to ``emulator.lambda.<FunctionName>``, one record a line."""
    if not function_logger.isEnabledFor(logging.INFO):
        return
    for line in text.splitlines():
        function_logger.info("%s", line)
