"""Module isolation: each execution environment imports its own copy of the function's code.

In Lambda the function's code (``/var/task``, ``LAMBDA_TASK_ROOT``) and then its layers
(``/opt/python``) come first on ``sys.path`` of a fresh interpreter per execution environment
(https://docs.aws.amazon.com/lambda/latest/dg/python-package.html and
https://docs.aws.amazon.com/lambda/latest/dg/packaging-layers.html#packaging-layers-paths),
so module-level state belongs to one environment, and two functions that both ship an
``app.py`` and a ``utils.py`` never see each other's modules. In one process, without
subprocesses:

* The top-level names the code and layer directories provide (``app``, ``utils``, ``src``,
  vendored packages...) are the environment's *local roots*; every other module (the
  standard library, site-packages) stays shared. Built-in modules and the SDK the emulator
  patches (``boto3``, ``botocore``, ``s3transfer``, ``moto``) are never local, even when a
  function vendors them, so moto sees every boto3 call.
* A local root the process had already imported from the standard library or
  site-packages when the environment first imports it (a shared ``requests``, the standard
  library's ``types`` beside a user's ``types.py``) is reused from ``sys.modules``, as
  Lambda's runtime wins for the modules it imported before the function's code. A module
  the host imported from anywhere else (a project's own ``handlers`` package, a test
  module) is hidden while the function imports: in Lambda the function's file would win,
  so it does here, in its environment only.
* Each environment owns a private module table. Imports of local names from a sandbox thread
  go through a hook on ``builtins.__import__`` (and ``importlib.import_module``) that serves
  them from that table: no lock and no ``sys.modules`` traffic on the hot path, and lazy
  imports done inside the handler at call time resolve to the environment's own modules.
* Loading a local module the table lacks (INIT, or a first lazy import) opens a *window*
  under one process-wide lock: the code and layer directories are put first on
  ``sys.path``, the environment's modules are published in ``sys.modules`` (so the normal
  import machinery, ``sys.modules[__name__]``, pydantic and dataclasses work at import time),
  the import runs, and every local module then in ``sys.modules`` moves back into the
  private table.

Limitations, honestly: outside a window an environment's modules are not in
``sys.modules``, so call-time code that looks itself up there (``pickle`` of a handler's
class, ``importlib.reload``, ``inspect.getmodule``) does not find them; while a window is
open its modules and directories are visible process-wide, and windows of different
environments run one at a time (concurrent cold starts are serialised; a module-level
``time.sleep`` holds the others up - the time an environment queues is left out of its
Init Duration, as each would initialize on its own on AWS); a module another thread
imports under a local name while a window is open may end up in that environment's table;
a timeout that lands while a window is being closed (microseconds, at the end of an
import) can leave that environment's modules in ``sys.modules``.
"""

from __future__ import annotations

import builtins
import importlib
import importlib.machinery
import logging
import os
import site
import sys
import sysconfig
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from .sandbox import SandboxState, current

logger = logging.getLogger(__name__)

#: Shared with the host whatever a function vendors: moto patches these in-process.
SHARED_ROOTS = frozenset({"boto3", "botocore", "s3transfer", "moto", "emulator",
                          "awslambdaric", "pytest", "_pytest"})
# Built-in modules cannot be shadowed from a directory; everything else in the code dir,
# standard-library names included, is the function's own (see the module docstring).
_NEVER_LOCAL = SHARED_ROOTS | frozenset(sys.builtin_module_names) | {"__future__", "__main__"}
_SUFFIXES = tuple(importlib.machinery.EXTENSION_SUFFIXES + importlib.machinery.SOURCE_SUFFIXES
                  + importlib.machinery.BYTECODE_SUFFIXES)

_lock = threading.RLock()
_original_import: Callable[..., ModuleType] = builtins.__import__
_original_import_module: Callable[..., ModuleType] = importlib.import_module


def _entry_module_name(entry: os.DirEntry[str]) -> str | None:
    name = entry.name
    if entry.is_dir():
        return name if name.isidentifier() and name != "__pycache__" else None
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            return stem if stem.isidentifier() else None
    return None


def local_roots(directories: Iterable[Path]) -> frozenset[str]:
    """Top-level module names the function's code and layer directories provide."""
    names: set[str] = set()
    for directory in directories:
        try:
            entries = os.scandir(directory)
        except OSError as exc:
            logger.warning("cannot list %s: %s", directory, exc)
            continue
        with entries:
            for entry in entries:
                name = _entry_module_name(entry)
                if name is not None and name not in _NEVER_LOCAL:
                    names.add(name)
    return frozenset(names)


def _runtime_prefixes() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    prefixes = {paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    prefixes.update(site.getsitepackages())
    return tuple(os.path.join(os.path.realpath(p), "") for p in prefixes)


#: Where the modules Lambda's own runtime could have loaded live (stdlib, site-packages).
_RUNTIME_PREFIXES = _runtime_prefixes()


def _runtime_provided(module: ModuleType) -> bool:
    """Whether ``module`` comes from the interpreter itself rather than a project folder."""
    file = getattr(module, "__file__", None)
    locations = [file] if file else list(getattr(module, "__path__", None) or [])
    if not locations:
        return True  # built-in or frozen
    return all(os.path.realpath(location).startswith(_RUNTIME_PREFIXES)
               for location in locations)


def _root(name: str) -> str:
    return name.partition(".")[0]


def _package_of(globals_: Mapping[str, Any] | None) -> str | None:
    if not globals_:
        return None
    package = globals_.get("__package__")
    if package is None:
        spec = globals_.get("__spec__")
        if spec is not None:
            package = spec.parent
        else:
            name = globals_.get("__name__")
            if not isinstance(name, str):
                return None
            package = name if "__path__" in globals_ else name.rpartition(".")[0]
    return package if isinstance(package, str) and package else None


def _resolve(name: str, package: str, level: int) -> str | None:
    bits = package.rsplit(".", level - 1)
    if len(bits) < level:
        return None
    return f"{bits[0]}.{name}" if name else bits[0]


def _fromlist_ready(module: ModuleType, fromlist: Sequence[str]) -> bool:
    if not hasattr(module, "__path__"):
        return True
    for item in fromlist:
        if item == "*":
            names = getattr(module, "__all__", ())
            if not all(hasattr(module, n) for n in names if isinstance(n, str)):
                return False
        elif not hasattr(module, item):
            return False
    return True


def _open_window(sandbox: SandboxState) -> None:
    current.window_depth += 1
    if current.window_depth > 1:
        return
    roots = sandbox.local_roots
    sandbox.host_modules = {name: module for name, module in list(sys.modules.items())
                            if _root(name) in roots}
    # Decide for every module before removing any: a namespace package's path is computed
    # from its parent's entry in sys.modules.
    hidden = [name for name, module in sandbox.host_modules.items()
              if not _runtime_provided(module)]
    for name in hidden:
        del sys.modules[name]  # restored by _close_window
    sys.modules.update(sandbox.modules)
    sys.path[:0] = sandbox.search_path
    sandbox.window_open = True


def _close_window(sandbox: SandboxState) -> None:
    current.window_depth -= 1
    if current.window_depth > 0:
        return
    sandbox.window_open = False
    for entry in sandbox.search_path:
        try:
            sys.path.remove(entry)
        except ValueError:
            logger.debug("%s left sys.path while %s imported", entry, sandbox.function_name)
    roots = sandbox.local_roots
    host = sandbox.host_modules
    table: dict[str, ModuleType] = {}
    for name, module in list(sys.modules.items()):
        if _root(name) in roots:
            table[name] = module
            if host.get(name) is not module:
                del sys.modules[name]
    sys.modules.update(host)
    sandbox.host_modules = {}
    sandbox.modules = table


def _in_window(sandbox: SandboxState, load: Callable[[], ModuleType]) -> ModuleType:
    asked = time.monotonic()
    with _lock:
        sandbox.import_wait_s += time.monotonic() - asked
        _open_window(sandbox)
        try:
            return load()
        finally:
            _close_window(sandbox)


def import_handler_module(sandbox: SandboxState, name: str) -> ModuleType:
    """INIT: import the handler's module fresh into ``sandbox``'s table."""
    return _in_window(sandbox, lambda: _original_import_module(name))


def _hooked_import(name: str, globals: Mapping[str, Any] | None = None,
                   locals: Mapping[str, Any] | None = None,
                   fromlist: Sequence[str] | None = (), level: int = 0) -> ModuleType:
    sandbox = current.sandbox
    if sandbox is None or current.window_depth or sandbox.window_open:
        # Inside a window (this thread's, or one its environment's INIT thread opened and
        # may be waiting on us in) the normal machinery already sees the right modules.
        return _original_import(name, globals, locals, fromlist, level)
    if level == 0:
        absolute: str | None = name
        if _root(name) not in sandbox.local_roots:
            return _original_import(name, globals, locals, fromlist, level)
    else:
        package = _package_of(globals)
        if package is None or _root(package) not in sandbox.local_roots:
            return _original_import(name, globals, locals, fromlist, level)
        absolute = _resolve(name, package, level)
    if absolute is not None:
        module = sandbox.modules.get(absolute)
        if module is not None:
            if fromlist:
                if _fromlist_ready(module, fromlist):
                    return module
            else:
                cut = len(name) - len(_root(name))
                top = sandbox.modules.get(absolute[: len(absolute) - cut])
                if top is not None:
                    return top
    return _in_window(sandbox,
                      lambda: _original_import(name, globals, locals, fromlist, level))


def _hooked_import_module(name: str, package: str | None = None) -> ModuleType:
    sandbox = current.sandbox
    if sandbox is None or current.window_depth or sandbox.window_open:
        return _original_import_module(name, package)
    absolute: str | None = name
    if name.startswith("."):
        level = len(name) - len(name.lstrip("."))
        absolute = _resolve(name[level:], package, level) if package else None
    if absolute is None or _root(absolute) not in sandbox.local_roots:
        return _original_import_module(name, package)
    module = sandbox.modules.get(absolute)
    if module is not None:
        return module
    return _in_window(sandbox, lambda: _original_import_module(name, package))


def install() -> None:
    builtins.__import__ = _hooked_import
    importlib.import_module = _hooked_import_module


def uninstall() -> None:
    if builtins.__import__ is _hooked_import:
        builtins.__import__ = _original_import
    if importlib.import_module is _hooked_import_module:
        importlib.import_module = _original_import_module
