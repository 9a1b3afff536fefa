"""The locust side of the gates: cold starts as their own stats entries, verdict at quit.

Every system's locustfile calls :func:`install` once with its name in ``targets.yaml`` and
bases its users on :class:`SystemUser`:

- A response that reports a cold start (``X-Emulator-Cold-Start`` locally, the middleware's
  ``Server-Timing: init;dur=`` against AWS, see ``coldstart.py``) is recorded under the
  request type ``COLD`` and the route's name, with the Init Duration as its time, instead of
  under the route: the route's percentiles are warm-only, the cold starts have their own
  percentiles, and both count for the error ratio. This happens on whichever process runs
  the user (a worker, when distributed), so the master merges the entries like any other.
- When locust quits, the master (or the single local process; never a worker) evaluates
  the gates on its stats, which on a master are the workers' merged stats, prints the table
  and sets the process exit code: 0 when every gate passes, 1 otherwise.

Locust events: https://docs.locust.io/en/stable/extending-locust.html
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

from locust import HttpUser, events
from locust.env import Environment
from locust.event import EventHook
from locust.runners import WorkerRunner
from locust.stats import RequestStats

from loadtests.common.coldstart import init_duration_ms
from loadtests.gates import RunSummary, Sample, TargetsError, evaluate, load_targets, render

logger = logging.getLogger(__name__)

COLD_REQUEST_TYPE = "COLD"
DEFAULT_TARGETS = Path(__file__).resolve().parent.parent / "targets.yaml"


class _ColdStartSplitter:
    """Stands in for a session's request event: cold invocations go to their own entry."""

    def __init__(self, request_event: EventHook) -> None:
        self._event = request_event

    def fire(self, **meta: Any) -> None:
        headers = getattr(meta.get("response"), "headers", None)
        init_ms = None if headers is None else init_duration_ms(headers)
        if init_ms is not None:
            meta = {**meta, "request_type": COLD_REQUEST_TYPE,
                    "name": f"{meta['request_type']} {meta['name']}",
                    "response_time": init_ms}
        self._event.fire(**meta)


class SystemUser(HttpUser):
    """An HttpUser whose cold-start responses are split off (see the module docstring).

    Name every request by its route template (``name="/classes/{id}/book"``) so the
    per-route stats, and the per-route targets, aggregate across ids.
    """

    abstract = True

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        self.client.request_event = _ColdStartSplitter(self.client.request_event)


def route_name(method: str, name: str) -> str:
    """The route key targets.yaml uses: ``GET /classes``."""
    return f"{method} {name}"


def summarize(stats: RequestStats) -> RunSummary:
    """The gates' view of locust's stats: warm routes and cold starts, by route name."""
    routes: dict[str, Sample] = {}
    cold: dict[str, Sample] = {}
    for (name, method), entry in stats.entries.items():
        sample = Sample(entry.num_requests, entry.num_failures,
                        float(entry.total_response_time), dict(entry.response_times))
        if method == COLD_REQUEST_TYPE:
            cold[name] = sample
        else:
            routes[route_name(method, name)] = sample
    return RunSummary(routes=routes, cold=cold)


def install(system: str, targets: Path = DEFAULT_TARGETS) -> None:
    """Attach the gates of ``system`` (its block in targets.yaml) to this locust run."""
    loaded: dict[str, Any] = {}

    @events.init_command_line_parser.add_listener
    def _add_arguments(parser: Any) -> None:
        parser.add_argument("--targets", default=str(targets),
                            help="the gates' targets file (default: loadtests/targets.yaml)")

    @events.init.add_listener
    def _load(environment: Environment, **_: Any) -> None:
        if isinstance(environment.runner, WorkerRunner):
            return  # gates are the master's business; a worker only sends its stats
        options = environment.parsed_options
        path = Path(options.targets) if options is not None else targets
        try:
            loaded["targets"] = load_targets(path, system)
        except TargetsError as exc:
            sys.stderr.write(f"error: {exc}\n")
            raise SystemExit(2) from exc

    @events.quitting.add_listener
    def _gate(environment: Environment, **_: Any) -> None:
        if isinstance(environment.runner, WorkerRunner) or "targets" not in loaded:
            return
        verdict = evaluate(summarize(environment.stats), loaded["targets"])
        # The table is this run's result, like locust's own stats table on stdout.
        sys.stdout.write(render(verdict) + "\n")
        sys.stdout.flush()
        environment.process_exit_code = 0 if verdict.passed else 1
        if not verdict.passed:
            logger.error("%d load test gate(s) failed", len(verdict.failures))
