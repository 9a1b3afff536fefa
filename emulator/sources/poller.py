"""The loop every event source mapping runs: Lambda's poller for one queue or stream.

Lambda polls queues and streams on behalf of a mapping
(https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html). Here a
poller thread sleeps until a write to its source wakes it (moto hooks call :meth:`poke`)
or, while work it cannot see yet is pending (messages in flight), until its recheck
interval passes; idle, it costs nothing. ``settled`` tells tests' ``wait_idle`` that the
poller has seen every write and has nothing left to do.
"""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from typing import Any

from emulator.sources.counters import Counters

logger = logging.getLogger(__name__)


class Poller(ABC):
    """A thread that drains one source; subclasses implement :meth:`poll`."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.counters = Counters()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._generation = 0
        self._settled = False
        self._thread = threading.Thread(target=self._run, name=f"poller-{name}", daemon=True)

    @property
    def settled(self) -> bool:
        with self._lock:
            return self._settled

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def poke(self, *_args: Any) -> None:
        """Something was written to the source: look again (cheap; called under moto)."""
        with self._lock:
            self._generation += 1
            self._settled = False
        self._wake.set()

    def sleep(self, seconds: float) -> bool:
        """Wait up to ``seconds`` unless stopped; False once stopping."""
        return not self._stop.wait(seconds)

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    @abstractmethod
    def poll(self) -> bool:
        """One pass: deliver what is there; True when something was delivered."""

    @abstractmethod
    def recheck_after(self) -> float | None:
        """Seconds until work not visible now may be (None: nothing pending)."""

    def _run(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                generation = self._generation
            self._wake.clear()
            try:
                delivered = self.poll()
                pending = None if delivered else self.recheck_after()
            except Exception:
                # The mapping keeps polling after an error, as Lambda's does.
                logger.exception("event source %s: polling failed", self.name)
                delivered, pending = False, 1.0
            if delivered:
                continue
            with self._lock:
                if generation == self._generation and pending is None:
                    self._settled = True
            self._wake.wait(pending)
