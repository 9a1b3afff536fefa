"""Capture of a handler's stdout, stderr and ``logging`` output into its invocation's log.

In Lambda everything a function writes to stdout/stderr, and every record that reaches the
root logger (where awslambdaric installs its handler), lands in the function's CloudWatch
log stream (https://docs.aws.amazon.com/lambda/latest/dg/python-logging.html). In one
process:

* ``sys.stdout`` / ``sys.stderr`` are wrapped by :class:`ThreadAwareStream`: a write from a
  sandbox thread during an invocation goes to that invocation's buffer; every other write
  goes to the wrapped stream unchanged. The wrapper is re-applied at each invocation, so a
  test harness that swaps ``sys.stdout`` (pytest's capture) does not break it.
* ``logging.Logger.callHandlers`` is patched: a record logged on a sandbox thread during an
  invocation is handled by the handlers of the loggers below the root as usual, and at the
  root by Lambda's handler only (formatted ``[LEVEL]\\t<time>Z\\t<request id>\\t<message>``),
  never by the host's root handlers: the host sees it once, in the published invocation log.
  Records of the emulator's own loggers (``emulator.*``) are host records wherever they are
  logged.

Limitations: the ``logging`` hierarchy itself (logger levels, handlers a function adds to
named loggers) is process-wide, so a handler calling ``logging.getLogger().setLevel(...)``
changes the host's root level too; writes to ``sys.stdout.buffer`` bypass the capture.
``logging.basicConfig`` is a no-op on sandbox threads, as it is in Lambda (whose root logger
already has a handler), even with ``force=True``.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any, TextIO

from .logs import LambdaFormatter
from .sandbox import current

logger = logging.getLogger(__name__)

_HOST_LOGGER = "emulator"


class ThreadAwareStream:
    """A text stream that writes into the calling sandbox's invocation log when there is one."""

    def __init__(self, inner: TextIO) -> None:
        self.inner = inner

    def write(self, text: str) -> int:
        sandbox = current.sandbox
        if sandbox is not None:
            log = sandbox.log
            if log is not None:
                if not isinstance(text, str):
                    raise TypeError(f"write() argument must be str, not {type(text).__name__}")
                log.append(text)
                return len(text)
        return self.inner.write(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        sandbox = current.sandbox
        if sandbox is not None and sandbox.log is not None:
            return
        self.inner.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


_wrap_lock = threading.Lock()


def ensure_streams_wrapped() -> None:
    """Wrap ``sys.stdout``/``sys.stderr`` unless they already are (cheap when they are)."""
    if type(sys.stdout) is ThreadAwareStream and type(sys.stderr) is ThreadAwareStream:
        return
    with _wrap_lock:
        for name in ("stdout", "stderr"):
            stream = getattr(sys, name)
            if stream is not None and not isinstance(stream, ThreadAwareStream):
                setattr(sys, name, ThreadAwareStream(stream))


def unwrap_streams() -> None:
    with _wrap_lock:
        for name in ("stdout", "stderr"):
            stream = getattr(sys, name)
            if isinstance(stream, ThreadAwareStream):
                setattr(sys, name, stream.inner)


class LambdaLogHandler(logging.Handler):
    """awslambdaric's root handler: formats a record into the current invocation's log."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(LambdaFormatter())

    def emit(self, record: logging.LogRecord) -> None:
        sandbox = current.sandbox
        if sandbox is None or sandbox.log is None:
            return
        try:
            record.aws_request_id = sandbox.request_id
            message = self.format(record)
            if not message.endswith("\n"):
                message += "\n"
            sandbox.log.append(message)
        except RecursionError:
            raise
        except Exception:  # noqa: BLE001 - logging.Handler's contract: report, never raise
            self.handleError(record)


_lambda_handler = LambdaLogHandler()
_original_call_handlers: Callable[[logging.Logger, logging.LogRecord], None] = (
    logging.Logger.callHandlers)


def _is_host_record(name: str) -> bool:
    return name == _HOST_LOGGER or name.startswith(_HOST_LOGGER + ".")


def _call_handlers(self: logging.Logger, record: logging.LogRecord) -> None:
    sandbox = current.sandbox
    if sandbox is None or sandbox.log is None or _is_host_record(record.name):
        _original_call_handlers(self, record)
        return
    node: logging.Logger | None = self
    while node is not None:
        if node is logging.root:
            # Lambda's handler (level NOTSET) takes the place of the host's root handlers.
            _lambda_handler.handle(record)
            return
        for handler in node.handlers:
            if record.levelno >= handler.level:
                handler.handle(record)
        node = node.parent if node.propagate else None


_original_basic_config: Callable[..., None] = logging.basicConfig


def _basic_config(**kwargs: Any) -> None:
    if current.sandbox is not None:
        # Lambda's root logger already has the runtime's handler, so there this is a no-op.
        return
    _original_basic_config(**kwargs)


def lambda_formatter() -> logging.Formatter:
    return _lambda_handler.formatter or LambdaFormatter()


def install() -> None:
    ensure_streams_wrapped()
    setattr(logging.Logger, "callHandlers", _call_handlers)  # noqa: B010 - a monkeypatch, typed loosely
    logging.basicConfig = _basic_config


def uninstall() -> None:
    setattr(logging.Logger, "callHandlers", _original_call_handlers)  # noqa: B010 - a monkeypatch, typed loosely
    if logging.basicConfig is _basic_config:
        logging.basicConfig = _original_basic_config
    unwrap_streams()
