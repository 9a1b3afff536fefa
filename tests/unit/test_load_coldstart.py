"""Reading a cold start off a response (loadtests/common/coldstart.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from requests.structures import CaseInsensitiveDict

from loadtests.common.coldstart import init_duration_ms, server_timing_duration

durations = st.floats(min_value=0, max_value=1e6, allow_nan=False).map(lambda v: round(v, 1))


@given(durations, st.lists(st.sampled_from(["db;dur=3", "cache;desc=\"hit\"", "app;dur=12.5"]),
                           max_size=3), st.integers(min_value=0, max_value=3))
def test_the_init_metric_is_found_among_other_server_timing_metrics(
        duration: float, others: list[str], position: int) -> None:
    metrics = list(others)
    metrics.insert(min(position, len(metrics)), f"init;desc=\"Init Duration\";dur={duration}")
    assert server_timing_duration(", ".join(metrics)) == duration


@pytest.mark.parametrize("value", ["db;dur=3", "init", "init;dur=", "init;dur=abc",
                                   "init;dur=-5", "initial;dur=4", "init;dur=inf"])
def test_a_server_timing_value_without_a_usable_init_duration_is_not_a_cold_start(
        value: str) -> None:
    assert server_timing_duration(value) is None


def test_the_emulator_header_wins_over_the_middleware_header_and_case_does_not_matter() -> None:
    both = CaseInsensitiveDict({"x-emulator-cold-start": "412.50",
                                "server-timing": "init;dur=390.0"})
    assert init_duration_ms(both) == 412.5
    assert init_duration_ms(CaseInsensitiveDict({"Server-Timing": "init;dur=390.0"})) == 390.0
    assert init_duration_ms(CaseInsensitiveDict({"Content-Type": "application/json"})) is None
