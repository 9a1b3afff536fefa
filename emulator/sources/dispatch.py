"""Where deliveries run: worker threads, and jobs that wait for their time on the clock.

Lambda's event sources run outside the request that caused them: S3 calls the function
after ``PutObject`` returned, SNS after ``Publish``, the poller of an event source mapping
on its own (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html). So does
this: hooks inside moto requests (which hold ``MOTO_LOCK``) only submit jobs here; a worker
runs them later, with no lock held, so a function's own AWS calls never deadlock.

Jobs due later (retries after one and two minutes, schedules) wait in a heap keyed by the
sources' clock; a manual clock wakes the timer thread when a test advances it.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
from collections import deque
from collections.abc import Callable

from emulator.sources.clock import ManualClock, real_wait

logger = logging.getLogger(__name__)

Job = Callable[[], None]


class Dispatcher:
    """A pool of worker threads and a clock-driven timer; started and stopped explicitly."""

    def __init__(self, clock: Callable[[], float], *, workers: int = 4) -> None:
        self._clock = clock
        self._condition = threading.Condition()
        self._ready: deque[tuple[str, Job]] = deque()
        self._timers: list[tuple[float, int, str, Job]] = []
        self._order = itertools.count()
        self._running = 0
        self._stopping = False
        self._threads = [threading.Thread(target=self._work, name=f"sources-worker-{index}",
                                          daemon=True) for index in range(workers)]
        self._threads.append(threading.Thread(target=self._tick, name="sources-timer",
                                              daemon=True))
        if isinstance(clock, ManualClock):
            clock.subscribe(self.wake)

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        """Stop the threads after the jobs running now; queued and future jobs are dropped."""
        with self._condition:
            self._stopping = True
            dropped = len(self._ready) + len(self._timers)
            self._ready.clear()
            self._timers.clear()
            self._condition.notify_all()
        if isinstance(self._clock, ManualClock):
            self._clock.unsubscribe(self.wake)
        for thread in self._threads:
            if thread.is_alive():
                thread.join(timeout=5)
        if dropped:
            logger.info("event sources stopped with %d deliveries pending", dropped)

    def submit(self, label: str, job: Job, *, due: float | None = None) -> None:
        """Run ``job`` on a worker now, or once the clock reaches ``due``."""
        with self._condition:
            if self._stopping:
                logger.debug("%s dropped: the event sources are stopping", label)
                return
            if due is None or due <= self._clock():
                self._ready.append((label, job))
            else:
                heapq.heappush(self._timers, (due, next(self._order), label, job))
            self._condition.notify_all()

    def wake(self) -> None:
        with self._condition:
            self._condition.notify_all()

    def idle(self) -> bool:
        """Nothing queued, running or due now (jobs due later do not count)."""
        with self._condition:
            return not self._ready and not self._running and not (
                self._timers and self._timers[0][0] <= self._clock())

    def _work(self) -> None:
        while True:
            with self._condition:
                while not self._ready and not self._stopping:
                    self._condition.wait()
                if self._stopping:
                    return
                label, job = self._ready.popleft()
                self._running += 1
            try:
                job()
            except Exception:
                # One broken delivery must not kill the worker that runs all the others.
                logger.exception("event source delivery %s failed", label)
            finally:
                with self._condition:
                    self._running -= 1
                    self._condition.notify_all()

    def _tick(self) -> None:
        with self._condition:
            while not self._stopping:
                now = self._clock()
                while self._timers and self._timers[0][0] <= now:
                    _due, _order, label, job = heapq.heappop(self._timers)
                    self._ready.append((label, job))
                    self._condition.notify_all()
                timeout = (real_wait(self._clock, self._timers[0][0] - now)
                           if self._timers else None)
                self._condition.wait(timeout)
