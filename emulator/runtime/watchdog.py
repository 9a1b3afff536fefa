"""One thread that fires the deadlines of invocations running on their callers' threads.

Lambda ends an invocation at the function's ``Timeout`` and API Gateway answers 504 at the
integration's ``timeoutInMillis``
(https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html,
https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html). When a warm
invocation runs on the thread of the request that asked for it (the served path, see
:meth:`~emulator.runtime.Runtime.invoke`), something else has to be awake at those moments:
this watchdog. Arming costs a heap push under a lock and, as deadlines of a function only
grow, almost never a wake-up; a finished invocation just marks its alarm cancelled and the
thread drops cancelled alarms in bulk when it next wakes.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable

from .sandbox import run_outside_sandbox

logger = logging.getLogger(__name__)


class Alarm:
    """A deadline's callback; :meth:`cancel` before it fires and it never will."""

    __slots__ = ("callback", "cancelled")

    def __init__(self, callback: Callable[[], None]) -> None:
        self.callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class Watchdog:
    """Runs each armed callback at its ``time.monotonic`` deadline, on one daemon thread."""

    def __init__(self, name: str = "lambda:watchdog") -> None:
        self._name = name
        self._wake = threading.Condition(threading.Lock())
        self._alarms: list[tuple[float, int, Alarm]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None
        self._closed = False

    def arm(self, deadline: float, callback: Callable[[], None]) -> Alarm:
        alarm = Alarm(callback)
        with self._wake:
            if self._closed:
                raise RuntimeError("the watchdog is closed")
            if self._thread is None:
                self._thread = threading.Thread(target=run_outside_sandbox(self._main),
                                                daemon=True, name=self._name)
                self._thread.start()
            heapq.heappush(self._alarms, (deadline, next(self._order), alarm))
            if self._alarms[0][2] is alarm:
                self._wake.notify()
        return alarm

    def close(self) -> None:
        with self._wake:
            self._closed = True
            self._alarms.clear()
            self._wake.notify()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=1.0)

    def _next_due(self) -> Alarm | None:
        """Wait for the earliest live alarm's deadline; ``None`` once closed."""
        alarms = self._alarms
        with self._wake:
            while not self._closed:
                while alarms and alarms[0][2].cancelled:
                    heapq.heappop(alarms)
                if not alarms:
                    self._wake.wait()
                    continue
                delay = alarms[0][0] - time.monotonic()
                if delay <= 0:
                    return heapq.heappop(alarms)[2]
                self._wake.wait(min(delay, threading.TIMEOUT_MAX))
        return None

    def _main(self) -> None:
        while (alarm := self._next_due()) is not None:
            if alarm.cancelled:
                continue
            try:
                alarm.callback()
            except Exception:  # noqa: BLE001 - one failing callback must not stop the others
                logger.exception("watchdog callback failed")
