"""Lambda's environment variables, per execution environment, in one process.

Copies "Defined runtime environment variables"
(https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime):
each function sees its template ``Variables`` plus the variables Lambda sets itself
(``AWS_REGION``, ``AWS_LAMBDA_FUNCTION_NAME``, ``AWS_LAMBDA_LOG_STREAM_NAME``, ``_HANDLER``,
``TZ`` ...). Those names are reserved: Lambda refuses a function whose ``Variables`` set
one, so the emulator ignores such a value (with a warning) and keeps its own.

``os.environ`` is process-global, so :class:`ThreadAwareEnviron` replaces it while a
:class:`~emulator.runtime.Runtime` is alive: on a sandbox thread it reads and writes that
environment's overlay (falling back to the real environment for names the overlay does not
define or delete); on every other thread it *is* the real ``os.environ``. ``os.getenv``
reads ``os.environ`` at call time, so it follows.

Limitations: the C-level environment is not per environment, so ``subprocess`` children
(which inherit it), ``time.tzset`` / ``TZ`` and modules that did ``from os import environ``
before the runtime started see the process's real variables.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping, MutableMapping
from typing import Any

from ..stack import FunctionConfig
from .sandbox import current

logger = logging.getLogger(__name__)

#: Names Lambda sets itself and refuses in a function's configuration.
RESERVED_VARIABLES = frozenset({
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API",
    "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "TZ",
})

#: Where the Python runtime lives in a real execution environment.
LAMBDA_RUNTIME_DIR = "/var/runtime"


def function_environment(function: FunctionConfig, *, region: str,
                         extra: Mapping[str, str]) -> dict[str, str]:
    """The variables every environment of ``function`` starts with, minus the log stream.

    Precedence: the emulator's ``extra`` (endpoints, credentials) < template ``Variables`` <
    the values Lambda sets itself.
    """
    variables = dict(extra)
    for name, value in function.environment.items():
        if name in RESERVED_VARIABLES:
            logger.warning("%s: environment variable %s is reserved by Lambda; ignoring the "
                           "template's value (a deployment would fail)", function.logical_id, name)
            continue
        variables[name] = str(value)
    variables.update({
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_LAMBDA_FUNCTION_NAME": function.name,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_mb),
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function.name}",
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{function.runtime}",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "LAMBDA_TASK_ROOT": str(function.code_dir),
        "LAMBDA_RUNTIME_DIR": LAMBDA_RUNTIME_DIR,
        "_HANDLER": function.handler,
        "TZ": ":UTC",
    })
    return variables


def _check_str(key: object, value: object = "") -> None:
    # os.environ rejects non-str keys and values the same way.
    for item in (key, value):
        if not isinstance(item, str):
            raise TypeError(f"str expected, not {type(item).__name__}")


class ThreadAwareEnviron(MutableMapping[str, str]):
    """``os.environ`` that is per execution environment on sandbox threads."""

    def __init__(self, real: MutableMapping[str, str]) -> None:
        self.real = real

    def __getitem__(self, key: str) -> str:
        sandbox = current.sandbox
        if sandbox is None:
            return self.real[key]
        overlay = sandbox.environ
        value = overlay.values.get(key)
        if value is not None:
            return value
        if key in overlay.deleted:
            raise KeyError(key)
        return self.real[key]

    def get(self, key: str, default: Any = None) -> Any:
        sandbox = current.sandbox
        if sandbox is None:
            return self.real.get(key, default)
        overlay = sandbox.environ
        value = overlay.values.get(key)
        if value is not None:
            return value
        if key in overlay.deleted:
            return default
        return self.real.get(key, default)

    def __contains__(self, key: object) -> bool:
        sandbox = current.sandbox
        if sandbox is None:
            return key in self.real
        overlay = sandbox.environ
        if key in overlay.values:
            return True
        return key not in overlay.deleted and key in self.real

    def __setitem__(self, key: str, value: str) -> None:
        _check_str(key, value)
        sandbox = current.sandbox
        if sandbox is None:
            self.real[key] = value
            return
        sandbox.environ.values[key] = value
        sandbox.environ.deleted.discard(key)

    def __delitem__(self, key: str) -> None:
        sandbox = current.sandbox
        if sandbox is None:
            del self.real[key]
            return
        overlay = sandbox.environ
        removed = overlay.values.pop(key, None) is not None
        in_real = key in self.real and key not in overlay.deleted
        if in_real:
            overlay.deleted.add(key)
        elif not removed:
            raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        sandbox = current.sandbox
        if sandbox is None:
            return iter(self.real)
        overlay = sandbox.environ
        own = list(overlay.values)
        inherited = [name for name in list(self.real)
                     if name not in overlay.values and name not in overlay.deleted]
        return iter(inherited + own)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def copy(self) -> dict[str, str]:
        return dict(self)

    def __repr__(self) -> str:
        return f"environ({dict(self)!r})"

    def __or__(self, other: object) -> dict[str, str]:
        if not isinstance(other, Mapping):
            return NotImplemented
        merged = dict(self)
        merged.update(other)
        return merged

    def __ror__(self, other: object) -> dict[str, str]:
        if not isinstance(other, Mapping):
            return NotImplemented
        merged = dict(other)
        merged.update(self)
        return merged

    def __ior__(self, other: object) -> ThreadAwareEnviron:
        if not isinstance(other, Mapping):
            return NotImplemented
        self.update(other)
        return self


_saved_environ: MutableMapping[str, str] | None = None


def install() -> None:
    """Put a :class:`ThreadAwareEnviron` in place of ``os.environ``."""
    global _saved_environ
    if isinstance(os.environ, ThreadAwareEnviron):
        return
    _saved_environ = os.environ
    # Replacing (not clearing) is the point: the real mapping stays underneath.
    os.environ = ThreadAwareEnviron(os.environ)  # type: ignore[assignment]  # noqa: B003


def uninstall() -> None:
    """Give ``os.environ`` back the object it had before :func:`install`."""
    global _saved_environ
    if _saved_environ is not None and isinstance(os.environ, ThreadAwareEnviron):
        os.environ = _saved_environ  # noqa: B003
    _saved_environ = None
