"""The event sources of one emulator: started with it, stopped with it.

Ties the pieces together as Lambda's service does for an account: the pollers of event
source mappings (:mod:`.sqs`, :mod:`.streams`), the push sources (:mod:`.fanout`), the
schedules (:mod:`.schedules`) and the asynchronous invocation queue
(:mod:`.async_invoke`). Every delivery goes through the :class:`~emulator.runtime.Runtime`,
so it is logged with START/END/REPORT. Tests wait for quiet with :meth:`wait_idle`.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from emulator.aws import AwsEnvironment, internals
from emulator.runtime import Runtime
from emulator.sources.async_invoke import AsyncInvoker
from emulator.sources.counters import Counters
from emulator.sources.destinations import Destinations
from emulator.sources.discovery import discover
from emulator.sources.dispatch import Dispatcher
from emulator.sources.fanout import BucketNotifications, RuleTargets, TopicSubscriptions
from emulator.sources.schedules import ScheduleRunner
from emulator.sources.sqs import QueuePoller
from emulator.sources.streams import StreamPoller
from emulator.stack import Stack
from emulator.template_model import Template

logger = logging.getLogger(__name__)

_IDLE_POLL_S = 0.01


class UnknownSchedule(KeyError):
    """No schedule of the stack has this name."""


class EventSources:
    """Every event source of a stack tree, wired to its runtime."""

    def __init__(self, stack: Stack, templates: Mapping[str, Template], runtime: Runtime,
                 aws: AwsEnvironment, *, clock: Callable[[], float] = time.time) -> None:
        found = discover(stack, templates)
        self.warnings = tuple(found.warnings)
        self._stack = stack
        self._runtime = runtime
        self._clock = clock
        self._dispatcher = Dispatcher(clock)
        self.destinations = Destinations(aws, self._invoke_lambda_destination)
        self.invoker = AsyncInvoker(runtime, self._dispatcher, clock, found.async_configs,
                                    lambda: self.destinations)
        region = stack.region
        self.queues = [QueuePoller(mapping, aws, runtime, region) for mapping in found.queues]
        self.streams = [StreamPoller(mapping, runtime, region, clock, lambda: self.destinations,
                                     internals.stream_records(mapping.stream_arn)
                                     if mapping.enabled else ())
                        for mapping in found.streams]
        self.schedules = {schedule.name: ScheduleRunner(
            schedule, self._dispatcher, self.invoker, clock, account_id=stack.account_id,
            region=region) for schedule in found.schedules}
        self.buckets = BucketNotifications(found.buckets, self.invoker, self._dispatcher,
                                           clock, lambda: self.destinations)
        self.topics = TopicSubscriptions(found.subscriptions, self.invoker, self._dispatcher,
                                         clock)
        self.rules = RuleTargets(found.rules, self.invoker, self._dispatcher, clock)
        self._listeners: list[tuple[str, Any]] = []
        #: Lambda destinations of asynchronous invocations count here.
        self._destination_counters = Counters()

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> None:
        self._dispatcher.start()
        self._listen("s3", self.buckets)
        self._listen("sns", self.topics)
        self._listen("events", self.rules)
        by_queue: dict[str, list[QueuePoller]] = {}
        for poller in self.queues:
            if poller.mapping.enabled:
                poller.start()
                by_queue.setdefault(poller.mapping.queue_arn, []).append(poller)
        by_stream: dict[str, list[StreamPoller]] = {}
        for stream in self.streams:
            if stream.mapping.enabled:
                stream.start()
                by_stream.setdefault(stream.mapping.stream_arn, []).append(stream)

        def queue_written(arn: str) -> None:
            for poller in by_queue.get(arn, ()):
                poller.poke()

        def stream_written(arn: str, record: dict[str, Any]) -> None:
            for poller in by_stream.get(arn, ()):
                poller.append(record)

        self._listen("sqs", queue_written)
        self._listen("dynamodb", stream_written)
        for runner in self.schedules.values():
            runner.start()
        logger.info("event sources started: %d queue(s), %d stream(s), %d schedule(s), "
                    "%d rule target(s), %d subscription(s), %d bucket notification(s)",
                    len(self.queues), len(self.streams), len(self.schedules),
                    len(self.rules.entries), len(self.topics.entries),
                    len(self.buckets.entries))

    def close(self) -> None:
        for kind, listener in self._listeners:
            internals.remove_listener(kind, listener)
        self._listeners.clear()
        for poller in [*self.queues, *self.streams]:
            poller.stop()
        self._dispatcher.stop()

    def _listen(self, kind: str, listener: Any) -> None:
        internals.add_listener(kind, listener)
        self._listeners.append((kind, listener))

    # -- what tests and the management routes use ---------------------------------------

    def idle(self) -> bool:
        pollers: list[QueuePoller | StreamPoller] = [*self.queues, *self.streams]
        return self._dispatcher.idle() and all(
            poller.settled for poller in pollers if poller.mapping.enabled)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until nothing is queued, running or due now; False if ``timeout`` passed.

        Deliveries due later on the clock (retries, future schedule runs) do not count:
        advance a :class:`~emulator.sources.clock.ManualClock` to run them.
        """
        deadline = time.monotonic() + timeout
        # Two quiet looks in a row: a delivery may submit another as the first look ends.
        quiet = 0
        while time.monotonic() < deadline:
            quiet = quiet + 1 if self.idle() else 0
            if quiet >= 2:
                return True
            time.sleep(_IDLE_POLL_S)
        return False

    def fire_schedule(self, name: str) -> str:
        """Run a schedule's target now; the invocation's request id."""
        runner = self.schedules.get(name)
        if runner is None:
            raise UnknownSchedule(name)
        return runner.fire()

    def info(self) -> list[dict[str, Any]]:
        listed: list[dict[str, Any]] = [poller.info() for poller in self.queues]
        listed.extend(stream.info() for stream in self.streams)
        listed.extend(runner.info() for runner in self.schedules.values())
        listed.extend(self.buckets.info())
        listed.extend(self.topics.info())
        listed.extend(self.rules.info())
        functions = self._stack.all_functions
        for entry in listed:
            function = functions.get(str(entry["function"]))
            if entry["kind"] not in ("sqs", "dynamodb") and function is not None:
                # Push sources invoke asynchronously: show the retry and destination rules.
                entry["async"] = dataclasses.asdict(self.invoker.config(function))
        return listed

    def _invoke_lambda_destination(self, arn: str, record: dict[str, Any]) -> None:
        function = self._stack.function_by_arn(arn)
        if function is None:
            raise ValueError(f"destination {arn} is not an emulated function")
        self.invoker.invoke(function, record, self._destination_counters)
