"""Schedule expressions as EventBridge rules and EventBridge Scheduler read them.

Copies https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
and https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html:

- ``rate(value unit)``: a positive whole number and ``minute(s)``, ``hour(s)`` or
  ``day(s)`` (singular for 1, plural otherwise, as AWS insists); the first run is one
  period after the schedule is created.
- ``cron(minutes hours day-of-month month day-of-week year)``: six fields, UTC (or the
  Scheduler's ``ScheduleExpressionTimezone``), one of day-of-month / day-of-week must be
  ``?``; day-of-week counts 1-7 from Sunday; ``L``, ``W``, ``#`` and names (``JAN``,
  ``MON``) as AWS documents them. ``croniter`` does the calendar math on the first five
  fields; the year field filters its answers.
- ``at(yyyy-mm-ddThh:mm:ss)``: one run (Scheduler only).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import CroniterError, croniter

logger = logging.getLogger(__name__)

_RATE = re.compile(r"rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)")
_CRON = re.compile(r"cron\((.*)\)")
_AT = re.compile(r"at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
_DOW_NUMBER = re.compile(r"\d+")
#: How many croniter answers are skipped looking for an allowed year before giving up.
_MAX_YEAR_SKIPS = 5000


class ScheduleExpressionError(ValueError):
    """Not a valid schedule expression (AWS answers ValidationException)."""


@dataclass(frozen=True)
class Schedule:
    """A parsed expression; ``next_after(moment)`` is the first run strictly after it."""

    expression: str
    next_after: Callable[[datetime], datetime | None]


def parse_schedule(expression: str, timezone: str | None = None) -> Schedule:
    """Parse ``rate(...)``, ``cron(...)`` or ``at(...)``; raise ScheduleExpressionError."""
    text = expression.strip()
    try:
        zone: tzinfo = ZoneInfo(timezone) if timezone else UTC
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ScheduleExpressionError(f"unknown time zone {timezone!r}") from exc
    rate = _RATE.fullmatch(text)
    if rate:
        return _rate(text, int(rate.group(1)), rate.group(2))
    cron = _CRON.fullmatch(text)
    if cron:
        return _cron(text, cron.group(1), zone)
    at = _AT.fullmatch(text)
    if at:
        moment = datetime.fromisoformat(at.group(1)).replace(tzinfo=zone)
        return Schedule(text, lambda after: moment if moment > after else None)
    raise ScheduleExpressionError(
        f"{expression!r} is not rate(value unit), cron(6 fields) or at(yyyy-mm-ddThh:mm:ss)")


def _rate(text: str, value: int, unit: str) -> Schedule:
    if value <= 0:
        raise ScheduleExpressionError(f"{text}: the value must be a positive number")
    singular = unit.rstrip("s")
    if (value == 1) != (unit == singular):
        raise ScheduleExpressionError(
            f"{text}: use '{singular}' for a value of 1 and '{singular}s' otherwise")
    period = value * _UNIT_SECONDS[singular]
    return Schedule(text, lambda after: after + timedelta(seconds=period))


def _cron(text: str, body: str, zone: tzinfo) -> Schedule:
    fields = body.split()
    if len(fields) != 6:
        raise ScheduleExpressionError(f"{text}: cron takes 6 fields (minutes hours "
                                      "day-of-month month day-of-week year)")
    minutes, hours, dom, month, dow, year = fields
    if (dom == "?") == (dow == "?"):
        raise ScheduleExpressionError(
            f"{text}: exactly one of day-of-month and day-of-week must be '?'")
    five = " ".join([minutes, hours, "*" if dom == "?" else dom, month,
                     "*" if dow == "?" else _croniter_dow(dow, text)])
    years = _years(year, text)
    try:
        croniter(five, datetime(2000, 1, 1, tzinfo=UTC))
    except (CroniterError, ValueError, KeyError) as exc:
        raise ScheduleExpressionError(f"{text}: {exc}") from exc

    def next_after(after: datetime) -> datetime | None:
        local = after.astimezone(zone)
        if years is not None and local.year > max(years):
            return None
        iterator = croniter(five, local)
        for _ in range(_MAX_YEAR_SKIPS):
            candidate: datetime = iterator.get_next(datetime)
            if years is None or candidate.year in years:
                return candidate.astimezone(UTC)
            if candidate.year > max(years):
                return None
            if candidate.year < min(years):
                # Jump to the first allowed year instead of walking there.
                iterator = croniter(five, datetime(min(years), 1, 1, tzinfo=zone)
                                    - timedelta(seconds=1))
        return None

    return Schedule(text, next_after)


def _croniter_dow(field: str, text: str) -> str:
    """AWS counts 1 (SUN) to 7 (SAT) and writes "last Friday" as ``6L``; croniter counts
    0 (SUN) to 6 and writes it ``L5``."""
    def shift(match: re.Match[str]) -> str:
        number = int(match.group(0))
        if not 1 <= number <= 7:
            raise ScheduleExpressionError(f"{text}: day-of-week numbers run from 1 to 7")
        return str(number - 1)

    parts = []
    for part in field.split(","):
        last = re.fullmatch(r"(\w+)L", part)
        if last and part != "L":
            parts.append("L" + _DOW_NUMBER.sub(shift, last.group(1)))
        elif "#" in part:
            day, _, nth = part.partition("#")
            parts.append(_DOW_NUMBER.sub(shift, day) + "#" + nth)
        else:
            parts.append(_DOW_NUMBER.sub(shift, part))
    return ",".join(parts)


def _years(field: str, text: str) -> frozenset[int] | None:
    if field in ("*", "?"):
        return None
    years: set[int] = set()
    for part in field.split(","):
        match = re.fullmatch(r"(\d{4})(?:-(\d{4}))?(?:/(\d+))?", part)
        if not match:
            raise ScheduleExpressionError(f"{text}: invalid year field {field!r}")
        start = int(match.group(1))
        end = int(match.group(2) or (2199 if match.group(3) else start))
        step = int(match.group(3) or 1)
        if not 1970 <= start <= end <= 2199:
            raise ScheduleExpressionError(f"{text}: years run from 1970 to 2199")
        years.update(range(start, end + 1, step))
    return frozenset(years)
