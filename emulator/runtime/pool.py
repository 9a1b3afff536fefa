"""A function's pool of execution environments, its concurrency limit and its counters.

Copies Lambda's scaling model (https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html):
a request takes an idle environment of the function (warm) or, when none is idle, a new one
(cold start), so concurrent requests run in separate environments. With
``ReservedConcurrentExecutions`` set, at most that many environments are busy at once and a
request beyond it is throttled (``TooManyRequestsException``); 0 throttles everything. An
environment that timed out or failed INIT is discarded, never reused.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from ..stack import FunctionConfig
from .environment import ExecutionEnvironment, Finished
from .models import FunctionStats, InvocationResult, RuntimeShutDown, TooManyRequests

logger = logging.getLogger(__name__)

EnvironmentFactory = Callable[[int, Finished], ExecutionEnvironment]


class FunctionPool:
    """Idle and busy environments of one function."""

    def __init__(self, function: FunctionConfig, factory: EnvironmentFactory) -> None:
        self.function = function
        self._factory = factory
        self._lock = threading.Lock()
        self._idle: list[ExecutionEnvironment] = []
        self._busy: set[ExecutionEnvironment] = set()
        self._created = 0
        self._invocations = 0
        self._cold_starts = 0
        self._errors = 0
        self._timeouts = 0
        self._throttles = 0
        self._closed = False

    def acquire(self) -> tuple[ExecutionEnvironment, bool]:
        """An environment for one invocation, and whether it is new (a cold start)."""
        with self._lock:
            if self._closed:
                raise RuntimeShutDown("the runtime is shut down")
            limit = self.function.reserved_concurrency
            if limit is not None and len(self._busy) >= limit:
                self._throttles += 1
                raise TooManyRequests(self.function.name, limit)
            self._invocations += 1
            if self._idle:
                environment = self._idle.pop()
                self._busy.add(environment)
                return environment, False
            self._cold_starts += 1
            self._created += 1
            environment = self._factory(self._created, self.finish)
            self._busy.add(environment)
        return environment, True

    def finish(self, environment: ExecutionEnvironment, result: InvocationResult,
               errored: bool, timed_out: bool) -> None:
        """Called once per invocation, by whichever side ended it."""
        with self._lock:
            self._busy.discard(environment)
            if errored:
                self._errors += 1
            if timed_out:
                self._timeouts += 1
            if environment.discarded or self._closed:
                if not timed_out:
                    environment.stop()
                logger.debug("%s: environment %s discarded after %s", self.function.name,
                             environment.thread.name, result.request_id)
            else:
                self._idle.append(environment)

    def close(self) -> list[ExecutionEnvironment]:
        """Refuse new invocations; stop idle environments (returned, to join them)."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for environment in idle:
            environment.stop()
        return idle

    def stats(self) -> FunctionStats:
        with self._lock:
            return FunctionStats(invocations=self._invocations, cold_starts=self._cold_starts,
                                 errors=self._errors, timeouts=self._timeouts,
                                 throttles=self._throttles, idle_environments=len(self._idle),
                                 busy_environments=len(self._busy))
