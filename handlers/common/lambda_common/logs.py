"""Structured JSON logging with a correlation id (the API Gateway request id).

Lambda sends whatever the function writes to CloudWatch Logs
(https://docs.aws.amazon.com/lambda/latest/dg/python-logging.html); one JSON object per
line lets Logs Insights query fields. The line is built here, with this module's
correlation id (a ``contextvars.ContextVar``, per invocation), and handed to a standard
logger as a preformatted message: nothing depends on handler or formatter classes shared
process-wide, so several execution environments in one process (a local emulator) never
duplicate or mix each other's lines.
"""

from __future__ import annotations

import contextvars
import json
import logging
import sys
import time
from typing import Any

_correlation_id: contextvars.ContextVar[str] = contextvars.ContextVar("correlation_id",
                                                                      default="-")
_HANDLER_NAME = "lambda_common.json"


def set_correlation_id(value: str) -> None:
    """Bind ``value`` to the current invocation's log lines."""
    _correlation_id.set(value or "-")


def correlation_id() -> str:
    return _correlation_id.get()


class JsonLogger:
    """``logger.info("booked", classId=...)`` -> one JSON line with the correlation id."""

    def __init__(self, logger: logging.Logger) -> None:
        self._logger = logger

    def _log(self, level: int, message: str, fields: dict[str, Any]) -> None:
        if not self._logger.isEnabledFor(level):
            return
        payload = {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                   "level": logging.getLevelName(level), "logger": self._logger.name,
                   "message": message, "correlationId": correlation_id(), **fields}
        self._logger.log(level, json.dumps(payload, default=str))

    def info(self, message: str, **fields: Any) -> None:
        self._log(logging.INFO, message, fields)

    def warning(self, message: str, **fields: Any) -> None:
        self._log(logging.WARNING, message, fields)

    def error(self, message: str, **fields: Any) -> None:
        self._log(logging.ERROR, message, fields)


def get_logger(name: str) -> JsonLogger:
    """A JSON logger; its stdlib logger gets exactly one plain stdout handler."""
    logger = logging.getLogger(name)
    if not any(h.get_name() == _HANDLER_NAME for h in logger.handlers):
        handler = logging.StreamHandler(sys.stdout)
        handler.set_name(_HANDLER_NAME)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
        logger.setLevel(logging.INFO)
    return JsonLogger(logger)
