"""Installation of the process-wide hooks that give each execution environment its own view.

Lambda isolates environments with micro-VMs
(https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html); in one
process the emulator patches the process-global entry points instead: ``os.environ``
(:mod:`.environ`), ``sys.stdout``/``sys.stderr`` and ``logging.Logger.callHandlers``
(:mod:`.capture`), ``builtins.__import__`` and ``importlib.import_module``
(:mod:`.isolation`), and ``threading.Thread`` start-up (:mod:`.sandbox`). They are
reference-counted: installed when the first :class:`~emulator.runtime.Runtime` starts and
restored when the last one shuts down. Outside sandbox threads every hook behaves exactly as
the original.
"""

from __future__ import annotations

import logging
import threading

from . import capture, environ, isolation, sandbox

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_users = 0


def acquire() -> None:
    global _users
    with _lock:
        _users += 1
        if _users == 1:
            environ.install()
            isolation.install()
            capture.install()
            sandbox.install_thread_inheritance()
            logger.debug("runtime hooks installed")


def release() -> None:
    global _users
    with _lock:
        if _users == 0:
            return
        _users -= 1
        if _users == 0:
            sandbox.uninstall_thread_inheritance()
            capture.uninstall()
            isolation.uninstall()
            environ.uninstall()
            logger.debug("runtime hooks removed")


def installed() -> bool:
    return _users > 0
