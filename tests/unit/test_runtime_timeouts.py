"""Function timeouts, caller (integration) timeouts and reserved-concurrency throttling."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from emulator.config import Settings
from emulator.runtime import (
    AnsweredAtDeadline,
    CallerTimeout,
    InvocationResult,
    Runtime,
    TooManyRequests,
)
from emulator.stack import FunctionConfig

APPS = Path(__file__).parent / "runtime_apps"


def function(logical_id: str, app: str, **overrides: Any) -> FunctionConfig:
    name = f"stack-{logical_id}-9Z8Y7X"
    return FunctionConfig(logical_id=logical_id, name=name,
                          arn=f"arn:aws:lambda:us-east-1:123456789012:function:{name}",
                          handler="app.handler", runtime="python3.11", code_dir=APPS / app,
                          **overrides)


@pytest.fixture
def make_runtime() -> Iterator[Callable[..., Runtime]]:
    runtimes: list[Runtime] = []

    def make(*functions: FunctionConfig) -> Runtime:
        runtime = Runtime({f.logical_id: f for f in functions}, Settings())
        runtimes.append(runtime)
        return runtime

    yield make
    for runtime in runtimes:
        runtime.shutdown()


def wait_for(condition: Callable[[], bool], within_s: float = 2.0) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def sandbox_threads(function_name: str) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith(f"lambda:{function_name}:")]


def test_a_timeout_returns_promptly_as_sandbox_timedout_and_the_next_call_is_cold(
        make_runtime: Callable[..., Runtime]) -> None:
    fn = function("S", "sleeper", timeout_s=0.2)
    runtime = make_runtime(fn)
    began = time.monotonic()
    result = runtime.invoke("S", {"sleep": 5})
    elapsed = time.monotonic() - began
    assert elapsed < 0.6
    rid = result.request_id
    assert result.timed_out and result.payload is None and result.error is not None
    assert result.error.errorType == "Sandbox.Timedout"
    assert result.error.errorMessage == f"RequestId: {rid} Error: Task timed out after 0.20 seconds"
    assert result.error.as_payload() == {"errorMessage": result.error.errorMessage,
                                         "errorType": "Sandbox.Timedout"}
    lines = result.log.splitlines()
    assert lines[0] == f"START RequestId: {rid} Version: $LATEST"
    assert lines[1] == "going to sleep"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z " + rid
                        + r" Task timed out after 0\.20 seconds", lines[2])
    assert lines[3] == f"END RequestId: {rid}"
    assert lines[4].startswith(f"REPORT RequestId: {rid}\tDuration: ")
    assert lines[4].endswith("\tStatus: timeout")
    assert result.duration_ms >= 190
    stats = runtime.stats()["S"]
    assert (stats.timeouts, stats.errors, stats.environments) == (1, 1, 0)
    following = runtime.invoke("S", {"sleep": 0})
    assert following.cold_start and following.error is None


def test_the_timed_out_sandbox_thread_is_stopped(make_runtime: Callable[..., Runtime]) -> None:
    fn = function("S", "sleeper", timeout_s=0.1)
    runtime = make_runtime(fn)
    runtime.invoke("S", {"sleep": 30})
    assert wait_for(lambda: not sandbox_threads(fn.name), within_s=1.0)


def test_caller_timeout_raises_while_the_function_runs_on_then_its_environment_is_reused(
        make_runtime: Callable[..., Runtime]) -> None:
    runtime = make_runtime(function("S", "sleeper", timeout_s=3.0))
    began = time.monotonic()
    with pytest.raises(CallerTimeout) as raised:
        runtime.invoke("S", {"sleep": 0.4}, caller_timeout_s=0.1,
                       request_id="aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee")
    assert time.monotonic() - began < 0.35
    assert raised.value.request_id == "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
    assert runtime.stats()["S"].busy_environments == 1
    assert wait_for(lambda: runtime.stats()["S"].idle_environments == 1)
    stats = runtime.stats()["S"]
    assert (stats.busy_environments, stats.errors, stats.timeouts) == (0, 0, 0)
    assert not runtime.invoke("S", {"sleep": 0}).cold_start


def test_the_function_timeout_still_ends_an_invocation_the_caller_gave_up_on(
        make_runtime: Callable[..., Runtime], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="emulator.lambda")
    fn = function("S", "sleeper", timeout_s=0.3)
    runtime = make_runtime(fn)
    with pytest.raises(CallerTimeout):
        runtime.invoke("S", {"sleep": 5}, caller_timeout_s=0.05)
    assert wait_for(lambda: runtime.stats()["S"].timeouts == 1, within_s=1.5)
    stats = runtime.stats()["S"]
    assert (stats.environments, stats.errors) == (0, 1)
    published = [r.getMessage() for r in caplog.records
                 if r.name == f"emulator.lambda.{fn.name}"]
    assert any(m.endswith("Task timed out after 0.30 seconds") for m in published)


def test_a_caller_timeout_during_init_leaves_the_cold_start_running(
        make_runtime: Callable[..., Runtime]) -> None:
    runtime = make_runtime(function("I", "slow_init", timeout_s=1.0))
    with pytest.raises(CallerTimeout):
        runtime.invoke("I", {}, caller_timeout_s=0.05)
    assert wait_for(lambda: runtime.stats()["I"].idle_environments == 1)
    assert runtime.invoke("I", {}).payload == "ready"
    assert runtime.stats()["I"].cold_starts == 1


def test_reserved_concurrency_throttles_invocations_over_the_limit(
        make_runtime: Callable[..., Runtime]) -> None:
    runtime = make_runtime(function("S", "sleeper", reserved_concurrency=1))
    results: list[InvocationResult] = []
    worker = threading.Thread(target=lambda: results.append(
        runtime.invoke("S", {"sleep": 0.3})))
    worker.start()
    assert wait_for(lambda: runtime.stats()["S"].busy_environments == 1)
    with pytest.raises(TooManyRequests) as raised:
        runtime.invoke("S", {"sleep": 0})
    assert raised.value.reason == "ReservedFunctionConcurrentInvocationLimitExceeded"
    worker.join(timeout=5)
    assert results[0].error is None
    assert runtime.invoke("S", {"sleep": 0}).error is None
    stats = runtime.stats()["S"]
    assert (stats.invocations, stats.throttles, stats.environments) == (2, 1, 1)


def test_reserved_concurrency_of_zero_throttles_every_invocation(
        make_runtime: Callable[..., Runtime]) -> None:
    runtime = make_runtime(function("S", "sleeper", reserved_concurrency=0))
    with pytest.raises(TooManyRequests):
        runtime.invoke("S", {})
    assert runtime.stats()["S"].invocations == 0


class LateAnswers:
    """Collects what the watchdog answers, with when, as the server's late answer does."""

    def __init__(self) -> None:
        self.answers: list[tuple[float, Any]] = []
        self.threads: list[str] = []

    def __call__(self, outcome: Any) -> None:
        self.answers.append((time.monotonic(), outcome))
        self.threads.append(threading.current_thread().name)


def warm(runtime: Runtime, logical_id: str) -> None:
    assert runtime.invoke(logical_id, {"sleep": 0}).error is None


def test_a_warm_invocation_with_a_late_answer_runs_on_the_calling_thread(
        make_runtime: Callable[..., Runtime]) -> None:
    runtime = make_runtime(function("W", "whoami", timeout_s=2.0))
    assert runtime.invoke("W", {}).payload.startswith("lambda:")
    late = LateAnswers()
    result = runtime.invoke("W", {}, late_answer=late)
    assert result.error is None and not result.cold_start
    assert result.payload == threading.current_thread().name
    assert late.answers == []
    assert runtime.invoke("W", {}).payload.startswith("lambda:"), "the environment is reused"
    assert runtime.stats()["W"].environments == 1


def test_a_cold_invocation_with_a_late_answer_still_initialises_on_its_own_thread(
        make_runtime: Callable[..., Runtime]) -> None:
    fn = function("S", "sleeper", timeout_s=2.0)
    runtime = make_runtime(fn)
    result = runtime.invoke("S", {"sleep": 0}, late_answer=LateAnswers())
    assert result.cold_start and result.error is None
    assert len(sandbox_threads(fn.name)) == 1


def test_the_function_timeout_answers_late_at_the_timeout_and_discards_the_environment(
        make_runtime: Callable[..., Runtime]) -> None:
    fn = function("S", "sleeper", timeout_s=0.2)
    runtime = make_runtime(fn)
    warm(runtime, "S")
    late = LateAnswers()
    began = time.monotonic()
    with pytest.raises(AnsweredAtDeadline):
        runtime.invoke("S", {"sleep": 5}, late_answer=late)
    assert time.monotonic() - began < 1.0, "the handler was stopped at its timeout"
    [(answered_at, result)] = late.answers
    assert 0.19 <= answered_at - began < 0.6
    assert late.threads == ["lambda:watchdog"]
    assert isinstance(result, InvocationResult) and result.timed_out
    assert result.error is not None and result.error.errorType == "Sandbox.Timedout"
    assert "Task timed out after 0.20 seconds" in result.log
    stats = runtime.stats()["S"]
    assert (stats.timeouts, stats.environments) == (1, 0)
    assert wait_for(lambda: not sandbox_threads(fn.name)), "the idle worker thread ended too"
    assert runtime.invoke("S", {"sleep": 0}).cold_start


def test_the_caller_timeout_answers_late_while_the_function_runs_on_in_its_environment(
        make_runtime: Callable[..., Runtime]) -> None:
    runtime = make_runtime(function("S", "sleeper", timeout_s=3.0))
    warm(runtime, "S")
    late = LateAnswers()
    began = time.monotonic()
    with pytest.raises(AnsweredAtDeadline):
        runtime.invoke("S", {"sleep": 0.4}, caller_timeout_s=0.1, late_answer=late)
    assert time.monotonic() - began >= 0.4, "the function ran to its end"
    [(answered_at, outcome)] = late.answers
    assert 0.09 <= answered_at - began < 0.35
    assert isinstance(outcome, CallerTimeout)
    stats = runtime.stats()["S"]
    assert (stats.idle_environments, stats.errors, stats.timeouts) == (1, 0, 0)
    assert not runtime.invoke("S", {"sleep": 0}).cold_start


def test_a_function_the_caller_gave_up_on_still_times_out_and_is_answered_once(
        make_runtime: Callable[..., Runtime]) -> None:
    runtime = make_runtime(function("S", "sleeper", timeout_s=0.3))
    warm(runtime, "S")
    late = LateAnswers()
    with pytest.raises(AnsweredAtDeadline):
        runtime.invoke("S", {"sleep": 5}, caller_timeout_s=0.05, late_answer=late)
    assert [type(outcome) for _, outcome in late.answers] == [CallerTimeout]
    stats = runtime.stats()["S"]
    assert (stats.timeouts, stats.errors, stats.environments) == (1, 1, 0)
