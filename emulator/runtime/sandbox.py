"""The per-thread "which execution environment am I in" binding.

Lambda runs each execution environment in its own micro-VM, so a function's environment
variables, loaded modules and stdout belong to that environment alone
(https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html). In one
process the emulator approximates the micro-VM with a long-lived worker thread per
environment: every process-wide hook (``os.environ``, ``sys.stdout``/``sys.stderr``, the
root logger, ``import``) asks :data:`current` which :class:`SandboxState` the calling thread
belongs to, and falls back to normal process behaviour when it belongs to none.

Threads a handler starts (``threading.Thread``, ``ThreadPoolExecutor`` workers) inherit
their creator's sandbox, as they would share the micro-VM in Lambda.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from types import ModuleType
from typing import Any

logger = logging.getLogger(__name__)


class EnvironmentOverlay:
    """An environment's variables: its own values, plus names it deleted from the host's."""

    __slots__ = ("values", "deleted")

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values
        self.deleted: set[str] = set()


class SandboxState:
    """Mutable state of one execution environment, shared by the threads running inside it."""

    __slots__ = (
        "function_name",
        "environ",
        "modules",
        "local_roots",
        "search_path",
        "window_open",
        "host_modules",
        "log",
        "request_id",
        "import_wait_s",
    )

    def __init__(self, *, function_name: str, environ: dict[str, str],
                 local_roots: frozenset[str], search_path: list[str]) -> None:
        self.function_name = function_name
        self.environ = EnvironmentOverlay(environ)
        #: The environment's private module table (what ``sys.modules`` is inside Lambda).
        self.modules: dict[str, ModuleType] = {}
        #: Top-level module names the code and layer directories provide.
        self.local_roots = local_roots
        self.search_path = search_path
        #: True while one of its threads has its modules published in ``sys.modules``.
        self.window_open = False
        self.host_modules: dict[str, ModuleType] = {}
        #: The current invocation's log buffer; ``None`` when nothing is being captured.
        self.log: list[str] | None = None
        #: The request id Lambda's log formatter stamps on records ("" during init).
        self.request_id = ""
        #: Seconds its threads spent queueing for the process-wide import lock.
        self.import_wait_s = 0.0


class _Current(threading.local):
    sandbox: SandboxState | None = None
    #: >0 while this thread imports with its environment's modules in ``sys.modules``.
    window_depth: int = 0


#: The calling thread's sandbox (``current.sandbox``), ``None`` outside every environment.
current = _Current()

_original_start: Callable[[threading.Thread], None] = threading.Thread.start
_original_bootstrap_inner: Callable[[threading.Thread], None] = getattr(  # noqa: B009
    threading.Thread, "_bootstrap_inner")
_INHERIT_ATTR = "_emulator_sandbox"


def _start(self: threading.Thread) -> None:
    sandbox = current.sandbox
    if sandbox is not None:
        setattr(self, _INHERIT_ATTR, sandbox)
    _original_start(self)


def _bootstrap_inner(self: threading.Thread) -> None:
    sandbox: SandboxState | None = getattr(self, _INHERIT_ATTR, None)
    if sandbox is not None:
        current.sandbox = sandbox
    _original_bootstrap_inner(self)


def install_thread_inheritance() -> None:
    """Make threads started inside a sandbox run inside it too."""
    setattr(threading.Thread, "start", _start)  # noqa: B010 - a monkeypatch, typed loosely
    setattr(threading.Thread, "_bootstrap_inner", _bootstrap_inner)  # noqa: B010 - a monkeypatch, typed loosely


def uninstall_thread_inheritance() -> None:
    setattr(threading.Thread, "start", _original_start)  # noqa: B010 - a monkeypatch, typed loosely
    setattr(threading.Thread, "_bootstrap_inner", _original_bootstrap_inner)  # noqa: B010 - a monkeypatch, typed loosely


def run_outside_sandbox(function: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap ``function`` so it runs as host code even on a thread started from a sandbox."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        current.sandbox = None
        return function(*args, **kwargs)

    return wrapper
