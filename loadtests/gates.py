"""Pass/fail gates for a load test: per-system and per-route targets against measured stats.

Pure: a :class:`RunSummary` (request counts, failures and latency histograms per route, the
shape locust keeps in ``StatsEntry.response_times``) and :class:`Targets` (from
``loadtests/targets.yaml``) go in, a :class:`Verdict` comes out. The locust plugin
(``loadtests/common/plugin.py``) builds the summary from the (merged, on a master) stats at
the end of a run and turns the verdict into the process exit code.

The default targets are the migration plans' service levels: p95 API latency < 200 ms, error
rate < 1 %, cold start (Lambda ``Init Duration``,
https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html#runtimes-lifecycle-ib)
< 1 s, and the rollback trigger "average latency > 2 s". A target is a ceiling: a metric
passes when the measured value is at most the target.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal

import yaml

#: The gated metrics, in table order.
LATENCY_METRICS = ("p50_ms", "p95_ms", "p99_ms", "avg_ms")
METRICS = (*LATENCY_METRICS, "error_ratio", "cold_start_ms")
SYSTEM_SCOPE = "(all routes)"
ColdStat = Literal["max", "p95"]
#: What a system's block in targets.yaml may hold (``api``: its API in ``serve``, for smoke).
SYSTEM_KEYS = frozenset({"api", "defaults", "routes"})


class TargetsError(ValueError):
    """targets.yaml is malformed or does not name the system."""


@dataclass(frozen=True)
class Limits:
    """Ceilings for one scope; ``None`` leaves a metric ungated."""

    p50_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None
    avg_ms: float | None = None
    error_ratio: float | None = None
    cold_start_ms: float | None = None
    #: Which statistic of the cold starts' Init Durations the cold_start_ms target caps.
    cold_start_stat: ColdStat = "max"
    #: Fewest requests the scope must have seen (a run that made none proves nothing).
    min_requests: int = 1
    #: Fewest samples for a percentile gate (warm requests; cold starts for a p95
    #: cold_start_stat): the p95 of a handful of requests is noise, shown but not gated.
    min_samples: int = 20

    def merged(self, overrides: Mapping[str, Any], where: str) -> Limits:
        known = {f.name for f in fields(self)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise TargetsError(f"{where}: unknown target(s) {', '.join(unknown)}; "
                               f"known: {', '.join(sorted(known))}")
        values: dict[str, Any] = {}
        for name, value in overrides.items():
            if name == "cold_start_stat":
                if value not in ("max", "p95"):
                    raise TargetsError(f"{where}: cold_start_stat must be max or p95, "
                                       f"not {value!r}")
            elif name in ("min_requests", "min_samples"):
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise TargetsError(f"{where}: {name} must be a non-negative integer, "
                                       f"not {value!r}")
            elif value is not None and (isinstance(value, bool)
                                        or not isinstance(value, int | float) or value < 0):
                raise TargetsError(f"{where}: {name} must be a non-negative number or null, "
                                   f"not {value!r}")
            values[name] = value
        return replace(self, **values)


#: The migration plans' service levels, used wherever targets.yaml says nothing.
PLAN_DEFAULTS = Limits(p95_ms=200, avg_ms=2000, error_ratio=0.01, cold_start_ms=1000)


@dataclass(frozen=True)
class Targets:
    system: str
    #: Limits of the whole run and the default of every route.
    defaults: Limits
    #: Per-route limits (already merged over ``defaults``), by route name ("GET /classes").
    routes: Mapping[str, Limits] = field(default_factory=dict)

    def for_route(self, name: str) -> Limits:
        return self.routes.get(name, self.defaults)


def parse_targets(document: Mapping[str, Any], system: str, where: str = "targets") -> Targets:
    """Targets of ``system`` from a parsed targets.yaml document (see loadtests/README.md)."""
    if not isinstance(document, Mapping):
        raise TargetsError(f"{where}: expected a mapping at the top level")
    systems = document.get("systems") or {}
    if system not in systems:
        raise TargetsError(f"{where}: no targets for system {system!r} "
                           f"(systems: {', '.join(sorted(systems)) or 'none'})")
    block = systems[system] or {}
    unknown = sorted(set(block) - SYSTEM_KEYS)
    if unknown:
        raise TargetsError(f"{where}: {system}: unknown key(s) {', '.join(unknown)}; "
                           f"known: {', '.join(sorted(SYSTEM_KEYS))}")
    defaults = PLAN_DEFAULTS.merged(document.get("defaults") or {}, f"{where}: defaults")
    defaults = defaults.merged(block.get("defaults") or {}, f"{where}: {system}.defaults")
    routes = {name: defaults.merged(overrides or {}, f"{where}: {system}.routes[{name}]")
              for name, overrides in (block.get("routes") or {}).items()}
    return Targets(system, defaults, routes)


def load_targets(path: Path, system: str) -> Targets:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise TargetsError(f"{path}: {exc}") from exc
    return parse_targets(document or {}, system, str(path))


@dataclass(frozen=True)
class Sample:
    """One stats entry: counts and a histogram {rounded ms: count}, as locust keeps them."""

    requests: int = 0
    failures: int = 0
    total_ms: float = 0.0
    histogram: Mapping[int, int] = field(default_factory=dict)

    def percentile(self, q: float) -> float | None:
        """Nearest-rank percentile (the smallest value at or above a ``q`` share of samples)."""
        count = sum(self.histogram.values())
        if count == 0:
            return None
        rank = max(1, math.ceil(q * count))
        seen = 0
        for value in sorted(self.histogram):
            seen += self.histogram[value]
            if seen >= rank:
                return float(value)
        raise AssertionError("unreachable: rank <= count")

    @property
    def avg_ms(self) -> float | None:
        return self.total_ms / self.requests if self.requests else None

    @property
    def maximum(self) -> float | None:
        return float(max(self.histogram)) if self.histogram else None

    def __add__(self, other: Sample) -> Sample:
        histogram = dict(self.histogram)
        for value, count in other.histogram.items():
            histogram[value] = histogram.get(value, 0) + count
        return Sample(self.requests + other.requests, self.failures + other.failures,
                      self.total_ms + other.total_ms, histogram)


@dataclass(frozen=True)
class RunSummary:
    """What a run measured, by route name: warm requests and (separately) cold starts.

    A cold invocation's request is in ``cold`` only, with its Init Duration as the time, so
    cold starts neither hide in nor skew the routes' latency; both count for errors.
    """

    routes: Mapping[str, Sample] = field(default_factory=dict)
    cold: Mapping[str, Sample] = field(default_factory=dict)


Status = Literal["PASS", "FAIL", "SKIP"]


@dataclass(frozen=True)
class Check:
    scope: str
    metric: str
    target: float
    measured: float | None
    status: Status
    reason: str = ""

    @property
    def passed(self) -> bool:
        return self.status != "FAIL"


@dataclass(frozen=True)
class Verdict:
    system: str
    checks: tuple[Check, ...]

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def failures(self) -> tuple[Check, ...]:
        return tuple(check for check in self.checks if not check.passed)


def _total(samples: Iterable[Sample]) -> Sample:
    total = Sample()
    for sample in samples:
        total = total + sample
    return total


def _show(metric: str, value: float) -> str:
    if metric == "error_ratio":
        return f"{value * 100:.2f} %"
    return f"{value:.0f} ms" if value == int(value) else f"{value:.1f} ms"


def _check(scope: str, metric: str, target: float, measured: float | None,
           detail: str, samples: int | None = None, min_samples: int = 0) -> Check:
    if measured is None:
        # Nothing measured (no warm request): nothing to hold against the target.
        return Check(scope, metric, target, None, "SKIP", "no samples")
    if samples is not None and samples < min_samples:
        return Check(scope, metric, target, measured, "SKIP",
                     f"{samples} samples < min_samples {min_samples}")
    if measured <= target:
        return Check(scope, metric, target, measured, "PASS")
    return Check(scope, metric, target, measured, "FAIL",
                 f"{scope} {metric}: measured {_show(metric, measured)} > target "
                 f"{_show(metric, target)} ({detail})")


def _scope_checks(scope: str, limits: Limits, warm: Sample, cold: Sample) -> list[Check]:
    requests = warm.requests + cold.requests
    # Always a row, so the table shows how many requests each scope's figures rest on.
    enough = Check(scope, "min_requests", limits.min_requests, requests,
                   "PASS" if requests >= limits.min_requests else "FAIL",
                   "" if requests >= limits.min_requests else
                   f"{scope}: {requests} request(s) recorded, at least "
                   f"{limits.min_requests} needed (did the journeys call it?)")
    if not enough.passed:
        return [enough]
    checks = [enough]
    measured_latency = {"p50_ms": warm.percentile(0.50), "p95_ms": warm.percentile(0.95),
                        "p99_ms": warm.percentile(0.99), "avg_ms": warm.avg_ms}
    for metric in LATENCY_METRICS:
        target = getattr(limits, metric)
        if target is not None:
            checks.append(_check(scope, metric, target, measured_latency[metric],
                                 f"{warm.requests} warm requests", warm.requests,
                                 limits.min_samples))
    if limits.error_ratio is not None:
        failures = warm.failures + cold.failures
        checks.append(_check(scope, "error_ratio", limits.error_ratio, failures / requests,
                             f"{failures} of {requests} requests failed"))
    if limits.cold_start_ms is not None and cold.requests:
        stat = limits.cold_start_stat
        measured = cold.maximum if stat == "max" else cold.percentile(0.95)
        # The worst cold start is a fact at any count; a p95 of a few is noise.
        checks.append(_check(scope, f"cold_start_ms ({stat})", limits.cold_start_ms, measured,
                             f"{cold.requests} cold starts",
                             None if stat == "max" else cold.requests, limits.min_samples))
    return checks


def evaluate(summary: RunSummary, targets: Targets) -> Verdict:
    """Every gate of ``targets`` against ``summary``: the whole run first, then each route."""
    checks = _scope_checks(SYSTEM_SCOPE, targets.defaults, _total(summary.routes.values()),
                           _total(summary.cold.values()))
    names = sorted(set(summary.routes) | set(summary.cold) | set(targets.routes))
    for name in names:
        checks.extend(_scope_checks(name, targets.for_route(name),
                                    summary.routes.get(name, Sample()),
                                    summary.cold.get(name, Sample())))
    return Verdict(targets.system, tuple(checks))


def render(verdict: Verdict) -> str:
    """The verdict as a table (target vs measured, PASS/FAIL) and one line per failure."""
    rows = [("scope", "metric", "target", "measured", "result", "")]
    for check in verdict.checks:
        measured = "-" if check.measured is None else (
            str(int(check.measured)) if check.metric == "min_requests"
            else _show(check.metric, check.measured))
        target = (f">= {int(check.target)}" if check.metric == "min_requests"
                  else _show(check.metric, check.target))
        rows.append((check.scope, check.metric, target, measured, check.status,
                     check.reason if check.status == "SKIP" else ""))
    widths = [max(len(row[i]) for row in rows) for i in range(6)]
    lines = [f"Load test gates: {verdict.system}"]
    for index, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
                     .rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths).rstrip())
    failures = verdict.failures
    if failures:
        lines.append(f"GATES FAILED ({len(failures)} of {len(verdict.checks)}):")
        lines.extend(f"  FAIL {check.reason}" for check in failures)
    else:
        gated = sum(check.status == "PASS" for check in verdict.checks)
        lines.append(f"GATES PASSED ({gated} checks passed, "
                     f"{len(verdict.checks) - gated} skipped)")
    return "\n".join(lines)
