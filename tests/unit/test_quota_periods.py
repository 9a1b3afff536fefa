"""Usage plan quotas: UTC calendar periods, the counter, the first-period offset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.policy.buckets import (
    QuotaCounter,
    QuotaLimit,
    QuotaPeriod,
    QuotaTable,
    next_period_start,
    period_start,
)

moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 12, 31),
                       timezones=st.just(UTC)).map(lambda moment: moment.timestamp())
periods = st.sampled_from(list(QuotaPeriod))


def _epoch(*parts: int) -> float:
    return datetime(*parts, tzinfo=UTC).timestamp()  # type: ignore[misc]


def _utc(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def test_a_day_runs_from_utc_midnight_to_utc_midnight() -> None:
    now = _epoch(2024, 3, 20, 23, 59, 59)

    assert period_start(QuotaPeriod.DAY, now) == _epoch(2024, 3, 20)
    assert next_period_start(QuotaPeriod.DAY, now) == _epoch(2024, 3, 21)


def test_a_week_starts_on_sunday_at_utc_midnight() -> None:
    wednesday = _epoch(2024, 3, 20, 10, 0, 0)

    assert period_start(QuotaPeriod.WEEK, wednesday) == _epoch(2024, 3, 17)  # a Sunday
    assert next_period_start(QuotaPeriod.WEEK, wednesday) == _epoch(2024, 3, 24)
    assert period_start(QuotaPeriod.WEEK, _epoch(2024, 3, 17)) == _epoch(2024, 3, 17)


def test_a_month_runs_from_the_first_and_knows_leap_februaries() -> None:
    assert period_start(QuotaPeriod.MONTH, _epoch(2024, 2, 29, 12, 0, 0)) == _epoch(2024, 2, 1)
    assert next_period_start(QuotaPeriod.MONTH, _epoch(2024, 2, 29, 12, 0, 0)) == \
        _epoch(2024, 3, 1)
    assert next_period_start(QuotaPeriod.MONTH, _epoch(2024, 12, 31, 23, 0, 0)) == \
        _epoch(2025, 1, 1)


def test_a_counter_allows_the_limit_then_refuses_until_the_next_period() -> None:
    limit = QuotaLimit(limit=2, period=QuotaPeriod.DAY)
    counter = QuotaCounter(limit, _epoch(2024, 3, 20, 9, 0, 0))

    today = [counter.try_consume(limit, _epoch(2024, 3, 20, 9, 0, s)) for s in range(3)]
    last_moment = counter.try_consume(limit, _epoch(2024, 3, 21) - 0.001)
    tomorrow = counter.try_consume(limit, _epoch(2024, 3, 21))

    assert today == [True, True, False]
    assert (last_moment, tomorrow) == (False, True)


def test_the_offset_is_taken_off_the_first_period_only() -> None:
    limit = QuotaLimit(limit=3, period=QuotaPeriod.WEEK, offset=2)
    counter = QuotaCounter(limit, _epoch(2024, 3, 20))

    first = [counter.try_consume(limit, _epoch(2024, 3, 20)) for _ in range(2)]
    second = [counter.try_consume(limit, _epoch(2024, 3, 24)) for _ in range(4)]

    assert first == [True, False]
    assert second == [True, True, True, False]


def test_an_offset_larger_than_the_limit_blocks_the_first_period() -> None:
    limit = QuotaLimit(limit=1, period=QuotaPeriod.DAY, offset=5)
    counter = QuotaCounter(limit, _epoch(2024, 3, 20))

    assert not counter.try_consume(limit, _epoch(2024, 3, 20))
    assert counter.try_consume(limit, _epoch(2024, 3, 21))


def test_usage_reports_used_and_remaining_for_the_current_period() -> None:
    table = QuotaTable()
    limit = QuotaLimit(limit=10, period=QuotaPeriod.MONTH)
    for _ in range(4):
        table.try_consume("key", limit, _epoch(2024, 3, 5))

    usage = table.usage("key", limit, _epoch(2024, 3, 6))
    unseen = table.usage("other", limit, _epoch(2024, 3, 6))

    assert (usage.used, usage.remaining) == (4, 6)
    assert (usage.period_start, usage.period_end) == (_epoch(2024, 3, 1), _epoch(2024, 4, 1))
    assert (unseen.used, unseen.remaining) == (0, 10)


def test_negative_quota_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        QuotaLimit(limit=-1, period=QuotaPeriod.DAY)


@given(periods, moments)
def test_every_moment_lies_in_its_period(period: QuotaPeriod, now: float) -> None:
    start, end = period_start(period, now), next_period_start(period, now)

    assert start <= now < end


@given(periods, moments)
def test_periods_start_at_utc_midnight_on_their_calendar_day(period: QuotaPeriod,
                                                             now: float) -> None:
    start = _utc(period_start(period, now))

    assert (start.hour, start.minute, start.second, start.microsecond) == (0, 0, 0, 0)
    if period is QuotaPeriod.WEEK:
        assert start.weekday() == 6  # Sunday
    if period is QuotaPeriod.MONTH:
        assert start.day == 1


@given(periods, moments)
def test_periods_tile_time_with_no_gap_and_no_overlap(period: QuotaPeriod, now: float) -> None:
    start, end = period_start(period, now), next_period_start(period, now)

    assert period_start(period, end) == end
    assert period_start(period, end - 0.001) == start
    assert period_start(period, start) == start
    length = _utc(end) - _utc(start)
    expected = {QuotaPeriod.DAY: {timedelta(days=1)}, QuotaPeriod.WEEK: {timedelta(days=7)},
                QuotaPeriod.MONTH: {timedelta(days=d) for d in (28, 29, 30, 31)}}[period]
    assert length in expected


@given(periods, st.integers(min_value=0, max_value=20), st.integers(min_value=0, max_value=5),
       moments, st.lists(st.floats(min_value=0.0, max_value=40 * 86_400.0), max_size=80))
def test_no_period_ever_counts_more_requests_than_its_allowance(
        period: QuotaPeriod, limit_value: int, offset: int, first: float,
        offsets: list[float]) -> None:
    limit = QuotaLimit(limit=limit_value, period=period, offset=offset)
    counter = QuotaCounter(limit, first)
    times = sorted(first + delta for delta in offsets)
    accepted_by_period: dict[float, int] = {}
    refused_by_period: dict[float, int] = {}
    for t in times:
        start = period_start(period, t)
        book = accepted_by_period if counter.try_consume(limit, t) else refused_by_period
        book[start] = book.get(start, 0) + 1

    first_start = period_start(period, first)
    for start in accepted_by_period.keys() | refused_by_period.keys():
        allowance = max(0, limit_value - offset) if start == first_start else limit_value
        count = accepted_by_period.get(start, 0)
        assert count <= allowance
        if start in refused_by_period:
            assert count == allowance  # refused only once the allowance was used up
