"""Schedule expressions: rate() and AWS's six-field cron() next-run computation."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.sources.schedule_expr import ScheduleExpressionError, parse_schedule

moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2040, 12, 31),
                       timezones=st.just(UTC))
units = st.sampled_from([("minute", 60), ("hour", 3600), ("day", 86400)])


@given(moment=moments, value=st.integers(1, 1000), unit=units)
def test_rate_runs_one_period_after_each_run(moment: datetime, value: int,
                                             unit: tuple[str, int]) -> None:
    name, seconds = unit
    schedule = parse_schedule(f"rate({value} {name if value == 1 else name + 's'})")
    assert schedule.next_after(moment) == moment + timedelta(seconds=value * seconds)


@given(moment=moments, minute=st.integers(0, 59), hour=st.integers(0, 23))
def test_daily_cron_runs_at_its_time_within_the_next_day(moment: datetime, minute: int,
                                                         hour: int) -> None:
    run = parse_schedule(f"cron({minute} {hour} * * ? *)").next_after(moment)
    assert run is not None
    assert (run.hour, run.minute, run.second) == (hour, minute, 0)
    assert timedelta(0) < run - moment <= timedelta(days=1)


@given(moment=moments, day=st.integers(1, 7))
def test_cron_day_of_week_counts_from_sunday_as_one(moment: datetime, day: int) -> None:
    run = parse_schedule(f"cron(30 6 ? * {day} *)").next_after(moment)
    assert run is not None
    assert run.isoweekday() % 7 + 1 == day
    assert timedelta(0) < run - moment <= timedelta(days=7)


@given(moment=moments)
def test_cron_l_runs_on_the_last_day_of_the_month(moment: datetime) -> None:
    run = parse_schedule("cron(0 0 L * ? *)").next_after(moment)
    assert run is not None
    assert run.day == calendar.monthrange(run.year, run.month)[1]


@given(moment=moments, day=st.integers(1, 7), nth=st.integers(1, 4))
def test_cron_hash_runs_on_the_nth_weekday_of_the_month(moment: datetime, day: int,
                                                        nth: int) -> None:
    run = parse_schedule(f"cron(0 9 ? * {day}#{nth} *)").next_after(moment)
    assert run is not None
    assert run.isoweekday() % 7 + 1 == day
    assert (run.day - 1) // 7 + 1 == nth


@given(moment=moments, year=st.integers(2020, 2045))
def test_cron_year_field_limits_runs_to_that_year(moment: datetime, year: int) -> None:
    run = parse_schedule(f"cron(0 0 1 1 ? {year})").next_after(moment)
    if datetime(year, 1, 1, tzinfo=UTC) > moment:
        assert run == datetime(year, 1, 1, tzinfo=UTC)
    else:
        assert run is None


@given(moment=moments)
def test_successive_runs_strictly_increase(moment: datetime) -> None:
    schedule = parse_schedule("cron(0/20 8-17 ? * MON-FRI *)")
    runs = []
    current = moment
    for _ in range(5):
        nxt = schedule.next_after(current)
        assert nxt is not None and nxt > current
        assert nxt.weekday() < 5 and 8 <= nxt.hour <= 17 and nxt.minute in (0, 20, 40)
        runs.append(nxt)
        current = nxt
    assert runs == sorted(set(runs))


def test_scheduler_time_zone_moves_the_run() -> None:
    schedule = parse_schedule("cron(0 9 * * ? *)", "Europe/Paris")
    run = schedule.next_after(datetime(2026, 1, 10, tzinfo=UTC))
    assert run == datetime(2026, 1, 10, 8, 0, tzinfo=UTC)  # 09:00 CET


def test_one_time_schedule_runs_once() -> None:
    schedule = parse_schedule("at(2026-03-01T10:00:00)")
    first = schedule.next_after(datetime(2026, 1, 1, tzinfo=UTC))
    assert first == datetime(2026, 3, 1, 10, tzinfo=UTC)
    assert schedule.next_after(first) is None


@pytest.mark.parametrize("expression", [
    "rate(1 minutes)", "rate(5 minute)", "rate(0 hours)", "rate(5 weeks)",
    "cron(0 12 * * * *)", "cron(0 12 ? * ? *)", "cron(0 12 * *)", "cron(0 12 ? * 8 *)",
    "cron(61 12 * * ? *)", "cron(0 12 * * ? 1900)", "every 5 minutes", "",
])
def test_invalid_expressions_are_refused(expression: str) -> None:
    with pytest.raises(ScheduleExpressionError):
        parse_schedule(expression)
