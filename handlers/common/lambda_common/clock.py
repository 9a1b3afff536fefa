"""Time for handlers: one place to read the clock, ISO-8601 UTC timestamps that sort as text."""

from __future__ import annotations

import datetime as dt
import time


def now() -> float:
    return time.time()


def iso(at: float | None = None) -> str:
    """``2026-03-02T07:00:00.000Z``: fixed width, so DynamoDB sort keys order by time."""
    moment = dt.datetime.fromtimestamp(now() if at is None else at, tz=dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
