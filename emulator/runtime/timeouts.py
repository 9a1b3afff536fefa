"""Ending an invocation that outlives its function timeout.

Lambda stops an invocation when the function's ``Timeout`` elapses, reports
``Sandbox.Timedout`` and resets the execution environment: the next request gets a fresh
one (https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html). The INIT
phase of an on-demand environment has its own 10 second limit, after which Lambda retries
INIT inside the invoke phase under the function timeout
(https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html#runtimes-lifecycle-ib).

A thread cannot be killed, so the emulator answers the caller at the deadline, discards the
environment and raises :class:`SandboxKilled` asynchronously in the abandoned thread
(``PyThreadState_SetAsyncExc``). The exception is delivered at the thread's next bytecode:
a thread blocked in C (``time.sleep(60)``, a socket read) stops only once that call
returns, and a handler that swallows ``BaseException`` runs on until it returns; nothing
ever waits for it. The emulator's approximation of INIT's limit: a cold invocation may spend
up to ``INIT_TIMEOUT_S`` plus the function timeout in INIT before it times out, and the
function timeout then counts from the handler's start.
"""

from __future__ import annotations

import ctypes
import logging
import threading
import time
from collections.abc import Callable

from .sandbox import run_outside_sandbox

logger = logging.getLogger(__name__)

INIT_TIMEOUT_S = 10.0


class SandboxKilled(BaseException):
    """Raised in a sandbox thread whose invocation timed out (not catchable as Exception)."""


def interrupt_thread(thread_id: int) -> bool:
    """Schedule :class:`SandboxKilled` in the thread; True when exactly one thread got it."""
    affected = ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(SandboxKilled))
    if affected > 1:
        # Never happens with a live ident, but the C API says to undo it if it does.
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), None)
        logger.error("interrupting thread %s reached %s threads", thread_id, affected)
        return False
    return bool(affected == 1)


def clear_interrupt(thread_id: int) -> None:
    """Drop a :class:`SandboxKilled` scheduled for the thread and not yet raised."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), None)


def acquire_until(lock: threading.Lock, deadline: float) -> bool:
    """``lock.acquire`` bounded by a ``time.monotonic`` deadline (``inf``: no bound)."""
    if deadline == float("inf"):
        return lock.acquire()
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        return lock.acquire(False)
    return lock.acquire(timeout=min(remaining, threading.TIMEOUT_MAX))


def arm(delay_s: float, callback: Callable[[], None]) -> threading.Timer:
    """Run ``callback`` as host code after ``delay_s`` on a daemon timer thread."""
    timer = threading.Timer(max(0.0, delay_s), run_outside_sandbox(callback))
    timer.daemon = True
    timer.start()
    return timer
