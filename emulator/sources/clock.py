"""The clocks event sources run on: the wall clock for ``serve``, a manual one for tests.

EventBridge fires schedules and Lambda retries asynchronous invocations on real time
(https://docs.aws.amazon.com/lambda/latest/dg/invocation-retries.html: one minute, then
two). Tests cannot wait for that: they pass a :class:`ManualClock` to the emulator (it is a
plain ``() -> float`` clock, so the gateway's caches and quotas follow it too) and move it
with :meth:`ManualClock.advance`; whatever falls due runs then.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

logger = logging.getLogger(__name__)


class ManualClock:
    """Epoch seconds that move only when a test says so."""

    def __init__(self, start: float = 1_767_225_600.0) -> None:  # 2026-01-01T00:00:00Z
        self._now = float(start)
        self._lock = threading.Lock()
        self._listeners: list[Callable[[], None]] = []

    def __call__(self) -> float:
        return self._now

    def advance(self, seconds: float) -> float:
        """Move time forward and wake whatever waits on it; the new time."""
        if seconds < 0:
            raise ValueError("a clock only moves forward")
        with self._lock:
            self._now += seconds
            listeners = tuple(self._listeners)
        for listener in listeners:
            listener()
        return self._now

    def set(self, moment: float) -> float:
        """Jump to ``moment`` (epoch seconds, not before now)."""
        return self.advance(moment - self._now)

    def subscribe(self, listener: Callable[[], None]) -> None:
        with self._lock:
            self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[], None]) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)


def real_wait(clock: Callable[[], float], seconds: float) -> float | None:
    """How long a thread waiting for ``seconds`` of ``clock`` time should sleep in real
    time: a manual clock only moves on ``advance`` (which wakes waiters), so forever."""
    return None if isinstance(clock, ManualClock) else max(0.0, seconds)
