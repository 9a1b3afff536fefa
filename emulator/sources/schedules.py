"""Schedules: scheduled EventBridge rules and EventBridge Scheduler schedules.

Copies https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-run-lambda-schedule.html
(the ``Scheduled Event`` a rule sends when its target has no ``Input``) and
https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-templated.html
(the Scheduler sends its target's ``Input``, ``{}`` without one). Runs are asynchronous
invocations at each time the expression names, on the sources' clock: a manual clock that
jumps an hour runs a ``rate(5 minutes)`` schedule twelve times, each event stamped with its
own scheduled time. ``fire`` runs one now (``POST /_emulator/schedules/{name}/fire``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from emulator.events.records import scheduled_event
from emulator.sources.async_invoke import AsyncInvoker
from emulator.sources.counters import Counters
from emulator.sources.dispatch import Dispatcher
from emulator.sources.models import ScheduleSource
from emulator.sources.targets import target_input

logger = logging.getLogger(__name__)


class ScheduleRunner:
    """Keeps each enabled schedule's next run on the dispatcher's timer."""

    def __init__(self, schedule: ScheduleSource, dispatcher: Dispatcher,
                 invoker: AsyncInvoker, clock: Callable[[], float], *,
                 account_id: str, region: str) -> None:
        self.schedule = schedule
        self.counters = Counters()
        self._dispatcher = dispatcher
        self._invoker = invoker
        self._clock = clock
        self._account_id = account_id
        self._region = region
        self.next_run: datetime | None = None

    def start(self) -> None:
        if not self.schedule.enabled:
            return
        now = datetime.fromtimestamp(self._clock(), UTC)
        self._plan(self.schedule.schedule.next_after(now))

    def fire(self, when: datetime | None = None) -> str:
        """Run the schedule's target once (now, unless ``when``); the request id."""
        moment = when or datetime.fromtimestamp(self._clock(), UTC)
        return self._invoker.invoke(self.schedule.function, self.event(moment), self.counters)

    def event(self, moment: datetime) -> Any:
        if self.schedule.kind == "scheduler":
            text = self.schedule.target.get("Input")
            return target_input({"Input": text}, None) if text is not None else {}
        base = scheduled_event(rule_arn=self.schedule.arn, account_id=self._account_id,
                               region=self._region, time=moment)
        return target_input(self.schedule.target, base)

    def _plan(self, moment: datetime | None) -> None:
        self.next_run = moment
        if moment is None:
            logger.info("schedule %s has no further runs", self.schedule.name)
            return
        self._dispatcher.submit(f"schedule {self.schedule.name}", lambda: self._run(moment),
                                due=moment.timestamp())

    def _run(self, moment: datetime) -> None:
        logger.info("schedule %s runs for %s", self.schedule.name, moment.isoformat())
        self.fire(moment)
        self._plan(self.schedule.schedule.next_after(moment))

    def info(self) -> dict[str, Any]:
        schedule = self.schedule
        return {"kind": schedule.kind, "name": schedule.name,
                "function": schedule.function.logical_id, "source": schedule.arn,
                "enabled": schedule.enabled,
                "settings": {"ScheduleExpression": schedule.schedule.expression,
                             **dict(schedule.target),
                             "NextRun": self.next_run.isoformat() if self.next_run else None},
                **self.counters.snapshot()}
