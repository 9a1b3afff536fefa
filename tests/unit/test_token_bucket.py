"""The token bucket behind API Gateway throttling: exact examples and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.policy.buckets import CLOCK_SLACK_S, BucketTable, ThrottleLimit, TokenBucket

T0 = 1_700_000_000.0

limits = st.builds(
    ThrottleLimit,
    rate=st.one_of(st.sampled_from([0.5, 1.0, 2.0, 3.0, 10.0, 1000.0]),
                   st.floats(min_value=0.01, max_value=500.0)),
    burst=st.integers(min_value=0, max_value=50),
)
# Offsets (seconds after T0) at which requests arrive, in order; bursts share an instant.
schedules = st.lists(
    st.one_of(st.just(0.0), st.floats(min_value=0.0, max_value=3.0)),
    min_size=1, max_size=120,
).map(lambda gaps: [sum(gaps[: index + 1]) for index in range(len(gaps))])


def _run(limit: ThrottleLimit, times: list[float], t0: float = T0) -> list[float]:
    bucket = TokenBucket(limit, t0)
    return [t for t in times if bucket.try_take(limit, t0 + t)]


def _slack(limit: ThrottleLimit) -> float:
    """The documented early-arrival allowance, in tokens (at most a thousandth)."""
    return min(1e-3, max(1e-9, limit.rate * CLOCK_SLACK_S))


def test_a_new_bucket_allows_exactly_the_burst_at_one_instant() -> None:
    limit = ThrottleLimit(rate=5.0, burst=3)

    assert len(_run(limit, [0.0] * 10)) == 3


def test_a_token_comes_back_after_one_over_rate_seconds_and_not_before() -> None:
    limit = ThrottleLimit(rate=3.0, burst=1)
    bucket = TokenBucket(limit, T0)
    assert bucket.try_take(limit, T0)

    assert not bucket.try_take(limit, T0 + 0.33)
    assert bucket.try_take(limit, T0 + 1 / 3)
    assert not bucket.try_take(limit, T0 + 1 / 3)


def test_a_zero_burst_lets_nothing_through_whatever_the_rate() -> None:
    limit = ThrottleLimit(rate=1000.0, burst=0)

    assert _run(limit, [0.0, 1.0, 10.0, 100.0]) == []


def test_a_long_pause_refills_no_more_than_the_burst() -> None:
    limit = ThrottleLimit(rate=10.0, burst=4)

    accepted = _run(limit, [0.0] * 4 + [3600.0] * 10)

    assert len(accepted) == 8


def test_a_smaller_burst_set_at_run_time_clamps_the_tokens_already_there() -> None:
    bucket = TokenBucket(ThrottleLimit(rate=1.0, burst=10), T0)
    smaller = ThrottleLimit(rate=1.0, burst=2)

    results = [bucket.try_take(smaller, T0) for _ in range(3)]

    assert results == [True, True, False]


def test_a_clock_that_goes_backwards_refills_nothing() -> None:
    limit = ThrottleLimit(rate=1.0, burst=1)
    bucket = TokenBucket(limit, T0)
    assert bucket.try_take(limit, T0 + 100)

    assert not bucket.try_take(limit, T0 + 50)
    assert not bucket.try_take(limit, T0 + 100.5)
    assert bucket.try_take(limit, T0 + 101)


def test_negative_limits_are_refused() -> None:
    with pytest.raises(ValueError):
        ThrottleLimit(rate=-1.0, burst=1)
    with pytest.raises(ValueError):
        ThrottleLimit(rate=1.0, burst=-1)


def test_the_table_keeps_one_bucket_per_key() -> None:
    table = BucketTable()
    limit = ThrottleLimit(rate=1.0, burst=1)

    assert table.try_take(("plan", "key-a"), limit, T0)
    assert not table.try_take(("plan", "key-a"), limit, T0)
    assert table.try_take(("plan", "key-b"), limit, T0)
    assert len(table) == 2


def test_the_execution_log_form_of_a_limit_matches_api_gateways() -> None:
    assert ThrottleLimit(rate=5.0, burst=10).describe() == "Limit: 5.00 Burst: 10"


@given(limits, schedules)
def test_no_window_ever_accepts_more_than_burst_plus_rate_times_its_length(
        limit: ThrottleLimit, times: list[float]) -> None:
    accepted = _run(limit, times, t0=0.0)

    for start_index, start in enumerate(accepted):
        for end_index in range(start_index, len(accepted)):
            length = accepted[end_index] - start
            count = end_index - start_index + 1
            assert count <= limit.burst + limit.rate * length + _slack(limit) + 1e-9


@given(limits, st.integers(min_value=1, max_value=60),
       st.sampled_from([0.0, 1_700_000_000.0, 1_999_999_999.5]))
def test_requests_spaced_one_over_rate_apart_are_never_throttled(
        limit: ThrottleLimit, count: int, t0: float) -> None:
    if limit.burst == 0:
        return
    interval = 1.0 / limit.rate

    accepted = _run(limit, [index * interval for index in range(count)], t0=t0)

    assert len(accepted) == count


@given(limits, schedules)
def test_a_request_is_throttled_exactly_when_less_than_one_token_is_left(
        limit: ThrottleLimit, times: list[float]) -> None:
    # An exact model: tokens = min(burst, tokens + rate * dt); each accepted request takes one.
    bucket = TokenBucket(limit, 0.0)
    tokens, last = float(limit.burst), 0.0
    for t in times:
        tokens = min(float(limit.burst), tokens + (t - last) * limit.rate)
        last = t
        accepted = bucket.try_take(limit, t)
        if accepted:
            assert tokens >= 1.0 - _slack(limit) - 1e-9
            tokens -= 1.0
        else:
            assert tokens < 1.0 + 1e-9
