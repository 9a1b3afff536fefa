"""The load-test gates (loadtests/gates.py): a stats summary in, a verdict out."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from loadtests.gates import (
    PLAN_DEFAULTS,
    SYSTEM_SCOPE,
    Limits,
    RunSummary,
    Sample,
    Targets,
    TargetsError,
    evaluate,
    load_targets,
    parse_targets,
    render,
)
from tests.conftest import REPO_ROOT

# Locust rounds times to 2 significant digits above 100 ms; any int histogram is valid here.
histograms = st.dictionaries(st.integers(min_value=0, max_value=60_000),
                             st.integers(min_value=1, max_value=50), min_size=1, max_size=40)


def sample_of(histogram: dict[int, int], failures: int = 0) -> Sample:
    requests = sum(histogram.values())
    return Sample(requests, min(failures, requests),
                  float(sum(value * count for value, count in histogram.items())), histogram)


def targets(**limits: float | int | str | None) -> Targets:
    return Targets("sys", Limits().merged(limits, "test"))


@given(histograms, st.floats(min_value=0, max_value=1), st.floats(min_value=0, max_value=1))
def test_percentiles_never_decrease_as_the_share_grows(histogram: dict[int, int], a: float,
                                                     b: float) -> None:
    low, high = sorted((a, b))
    sample = sample_of(histogram)
    assert sample.percentile(low) <= sample.percentile(high)  # type: ignore[operator]


@given(histograms, st.floats(min_value=0, max_value=1))
def test_a_percentile_is_one_of_the_measured_values(histogram: dict[int, int], q: float) -> None:
    assert sample_of(histogram).percentile(q) in histogram


def test_nearest_rank_percentiles_of_known_samples() -> None:
    sample = sample_of({value: 1 for value in range(1, 101)})  # 1..100 ms, once each
    assert (sample.percentile(0.5), sample.percentile(0.95), sample.percentile(0.99)) == (
        50, 95, 99)
    assert sample.maximum == 100 and sample.avg_ms == 50.5
    assert Sample().percentile(0.95) is None and Sample().avg_ms is None


@given(histograms, st.sampled_from(["p50_ms", "p95_ms", "p99_ms", "avg_ms"]),
       st.floats(min_value=0, max_value=60_000))
def test_a_latency_gate_passes_exactly_when_the_measured_value_is_at_most_the_target(
        histogram: dict[int, int], metric: str, target: float) -> None:
    verdict = evaluate(RunSummary(routes={"GET /x": sample_of(histogram)}),
                       targets(**{metric: target, "min_samples": 0}))
    checks = [check for check in verdict.checks if check.metric == metric]
    assert [check.scope for check in checks] == [SYSTEM_SCOPE, "GET /x"]
    for check in checks:
        assert check.measured is not None
        assert check.passed == (check.measured <= target)
        if check.measured > target:
            assert not verdict.passed and check.reason.startswith(f"{check.scope} {metric}:")


@given(st.integers(min_value=1, max_value=10_000), st.integers(min_value=0, max_value=10_000),
       st.floats(min_value=0, max_value=1))
def test_the_error_gate_fails_when_the_failed_share_is_above_the_target(
        requests: int, failures: int, target: float) -> None:
    failures = min(failures, requests)
    summary = RunSummary(routes={"GET /x": Sample(requests, failures, 0.0, {1: requests})})
    verdict = evaluate(summary, targets(error_ratio=target))
    ratio = failures / requests
    assert verdict.passed == (ratio <= target)


@given(histograms, histograms, st.floats(min_value=1, max_value=60_000))
def test_cold_starts_neither_count_in_route_latency_nor_escape_their_own_gate(
        warm: dict[int, int], cold: dict[int, int], target: float) -> None:
    summary = RunSummary(routes={"GET /x": sample_of(warm)}, cold={"GET /x": sample_of(cold)})
    verdict = evaluate(summary, targets(p99_ms=60_000, cold_start_ms=target, min_samples=0))
    p99 = [c for c in verdict.checks if c.metric == "p99_ms" and c.scope == "GET /x"][0]
    assert p99.measured == sample_of(warm).percentile(0.99)
    cold_checks = [c for c in verdict.checks if c.metric == "cold_start_ms (max)"]
    assert {c.measured for c in cold_checks} == {max(cold)}
    assert all(c.passed == (max(cold) <= target) for c in cold_checks)


def test_cold_requests_count_in_the_route_error_ratio() -> None:
    summary = RunSummary(routes={"GET /x": Sample(99, 0, 990.0, {10: 99})},
                         cold={"GET /x": Sample(1, 1, 500.0, {500: 1})})
    verdict = evaluate(summary, targets(error_ratio=0.005))
    assert [c.reason for c in verdict.failures] == [
        "(all routes) error_ratio: measured 1.00 % > target 0.50 % (1 of 100 requests failed)",
        "GET /x error_ratio: measured 1.00 % > target 0.50 % (1 of 100 requests failed)"]


def test_a_p95_of_too_few_samples_is_shown_but_not_gated() -> None:
    summary = RunSummary(routes={"GET /rare": sample_of({900: 3})})
    verdict = evaluate(summary, targets(p95_ms=200, min_samples=5))
    check = [c for c in verdict.checks if c.metric == "p95_ms"][-1]
    assert (check.status, check.measured, check.reason) == (
        "SKIP", 900, "3 samples < min_samples 5")
    assert verdict.passed


def test_a_route_with_targets_but_no_requests_fails_the_run() -> None:
    base = Limits().merged({"p95_ms": 200}, "test")
    verdict = evaluate(RunSummary(routes={"GET /x": sample_of({5: 30})}),
                       Targets("sys", base, {"POST /never": base}))
    assert [c.reason for c in verdict.failures] == [
        "POST /never: 0 request(s) recorded, at least 1 needed (did the journeys call it?)"]


def test_the_table_shows_target_and_measured_per_line_and_one_reason_per_failure() -> None:
    summary = RunSummary(routes={"GET /fast": sample_of({10: 40}),
                                 "GET /slow": sample_of({300: 40})})
    text = render(evaluate(summary, targets(p95_ms=200, min_samples=5)))
    lines = text.splitlines()
    assert lines[0] == "Load test gates: sys"
    assert lines[1].split() == ["scope", "metric", "target", "measured", "result"]
    assert any(line.split() == ["GET", "/fast", "p95_ms", "200", "ms", "10", "ms", "PASS"]
               for line in lines)
    assert any(line.split() == ["GET", "/slow", "p95_ms", "200", "ms", "300", "ms", "FAIL"]
               for line in lines)
    assert lines[-3:] == [
        "GATES FAILED (2 of 6):",
        "  FAIL (all routes) p95_ms: measured 300 ms > target 200 ms (80 warm requests)",
        "  FAIL GET /slow p95_ms: measured 300 ms > target 200 ms (40 warm requests)"]


def test_targets_fall_back_to_the_plan_then_defaults_then_system_then_route() -> None:
    document = {"defaults": {"p95_ms": 300},
                "systems": {"shop": {"api": "Api", "defaults": {"p99_ms": 900},
                                     "routes": {"POST /pay": {"p95_ms": 800}}}}}
    parsed = parse_targets(document, "shop")
    assert parsed.defaults == Limits(p95_ms=300, p99_ms=900, avg_ms=2000, error_ratio=0.01,
                                     cold_start_ms=1000)
    assert parsed.for_route("POST /pay").p95_ms == 800
    assert parsed.for_route("POST /pay").p99_ms == 900
    assert parsed.for_route("GET /other") == parsed.defaults
    assert PLAN_DEFAULTS.p95_ms == 200


@pytest.mark.parametrize(("document", "message"), [
    ({"systems": {}}, "no targets for system 'shop' (systems: none)"),
    ({"systems": {"shop": {"route": {}}}}, "shop: unknown key(s) route"),
    ({"defaults": {"p95": 1}, "systems": {"shop": None}}, "defaults: unknown target(s) p95"),
    ({"systems": {"shop": {"routes": {"GET /": {"p95_ms": "fast"}}}}},
     "shop.routes[GET /]: p95_ms must be a non-negative number or null, not 'fast'"),
    ({"systems": {"shop": {"defaults": {"cold_start_stat": "p99"}}}},
     "cold_start_stat must be max or p95, not 'p99'"),
    ({"systems": {"shop": {"defaults": {"min_samples": 2.5}}}},
     "min_samples must be a non-negative integer, not 2.5"),
])
def test_malformed_targets_are_refused_with_the_place_and_the_reason(
        document: dict[str, object], message: str) -> None:
    with pytest.raises(TargetsError, match="^targets: .*" + re.escape(message)):
        parse_targets(document, "shop")


def test_the_shipped_targets_file_names_every_system_and_its_api(tmp_path: Path) -> None:
    path = REPO_ROOT / "loadtests" / "targets.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    for system, block in document["systems"].items():
        assert (REPO_ROOT / "loadtests" / f"{system}.py").is_file()
        assert block["api"]
        assert load_targets(path, system).defaults.p95_ms == 200
    broken = tmp_path / "targets.yaml"
    broken.write_text("systems: [", encoding="utf-8")
    with pytest.raises(TargetsError, match=str(broken)):
        load_targets(broken, "gabi_yoga")
