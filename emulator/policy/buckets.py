"""Token buckets and quota counters: the arithmetic behind API Gateway throttling and quotas.

Copies the two meters API Gateway documents
(https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html,
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html):

* **Throttling** is a token bucket: the bucket holds at most ``burst`` tokens and starts
  full, ``rate`` tokens per second flow back in, each request takes one token and a request
  that finds less than one is throttled (429). So ``burst`` requests pass at once, then one
  more every ``1/rate`` seconds, and in any window of ``d`` seconds at most
  ``burst + rate * d`` requests pass. A burst of 0 lets nothing through.
* **Quotas** count requests per UTC calendar period: ``DAY`` (from 00:00 UTC), ``WEEK``
  (from Sunday 00:00 UTC - the API reference's older wording "with a time period of WEEK,
  an offset of 0 starts on Sunday") and ``MONTH`` (from the 1st, 00:00 UTC); the count
  resets at the boundary. ``Offset`` is "the number of requests subtracted from the given
  limit in the initial time period" (https://docs.aws.amazon.com/apigateway/latest/api/API_QuotaSettings.html):
  here the initial period is the one of the first request the counter sees.

Pure: no I/O, the time is always passed in (wall-clock seconds), so tests are exact.
Buckets and counters are keyed by any hashable value; the tables are thread-safe.
"""

from __future__ import annotations

import calendar
import logging
import threading
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

logger = logging.getLogger(__name__)

#: A request may arrive this early and still find its token: wall-clock floats near the
#: current epoch are only exact to ~0.24 us, so ``t0 + 1/rate`` can land a hair before the
#: token is due. Capped in tokens so a bucket with an unbounded rate still counts its burst.
CLOCK_SLACK_S = 1e-6
_MAX_SLACK_TOKENS = 1e-3
_MIN_SLACK_TOKENS = 1e-9

_DAY_S = 86_400.0


@dataclass(frozen=True)
class ThrottleLimit:
    """A steady-state ``rate`` (requests per second) and a ``burst`` (bucket capacity)."""

    rate: float
    burst: int

    def __post_init__(self) -> None:
        if self.rate < 0 or self.burst < 0:
            raise ValueError(f"throttle limits must not be negative: {self}")

    def describe(self) -> str:
        """As API Gateway's execution log writes it: ``Limit: 5.00 Burst: 10``."""
        return f"Limit: {self.rate:.2f} Burst: {self.burst}"


class TokenBucket:
    """One token bucket; starts full. Not thread-safe on its own (see :class:`BucketTable`)."""

    __slots__ = ("_tokens", "_updated")

    def __init__(self, limit: ThrottleLimit, now: float) -> None:
        self._tokens = float(limit.burst)
        self._updated = now

    @property
    def tokens(self) -> float:
        """Tokens left at the last update (for tests and logs)."""
        return self._tokens

    def try_take(self, limit: ThrottleLimit, now: float) -> bool:
        """Take one token at ``now`` under ``limit``; False when the request is throttled.

        ``limit`` is passed on every call because usage plans can be changed at run time
        (``update-usage-plan``); a smaller burst clamps the tokens already in the bucket.
        A clock that goes backwards (a test's fake clock) refills nothing.
        """
        elapsed = now - self._updated
        tokens = self._tokens
        if elapsed > 0:
            tokens += elapsed * limit.rate
            self._updated = now
        if tokens > limit.burst:
            tokens = float(limit.burst)
        slack = min(_MAX_SLACK_TOKENS, max(_MIN_SLACK_TOKENS, limit.rate * CLOCK_SLACK_S))
        if tokens >= 1.0 - slack:
            self._tokens = tokens - 1.0
            return True
        self._tokens = tokens
        return False


class BucketTable:
    """Token buckets by key, created full on first use; safe to share between threads."""

    def __init__(self) -> None:
        self._buckets: dict[Hashable, TokenBucket] = {}
        self._lock = threading.Lock()

    def try_take(self, key: Hashable, limit: ThrottleLimit, now: float) -> bool:
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = TokenBucket(limit, now)
            return bucket.try_take(limit, now)

    def __len__(self) -> int:
        return len(self._buckets)


class QuotaPeriod(StrEnum):
    """``QuotaSettings.period``."""

    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"


def _utc(now: float) -> datetime:
    return datetime.fromtimestamp(now, UTC)


def period_start(period: QuotaPeriod, now: float) -> float:
    """Start (epoch seconds) of the UTC calendar period that contains ``now``."""
    day_start = (now // _DAY_S) * _DAY_S
    if period is QuotaPeriod.DAY:
        return day_start
    moment = _utc(day_start)
    if period is QuotaPeriod.WEEK:
        # datetime.weekday(): Monday is 0 ... Sunday is 6; weeks start on Sunday.
        days_since_sunday = (moment.weekday() + 1) % 7
        return day_start - days_since_sunday * _DAY_S
    return moment.replace(day=1).timestamp()


def next_period_start(period: QuotaPeriod, now: float) -> float:
    """Start (epoch seconds) of the period after the one that contains ``now``."""
    start = period_start(period, now)
    if period is QuotaPeriod.DAY:
        return start + _DAY_S
    if period is QuotaPeriod.WEEK:
        return start + 7 * _DAY_S
    moment = _utc(start)
    days = calendar.monthrange(moment.year, moment.month)[1]
    return (moment + timedelta(days=days)).timestamp()


@dataclass(frozen=True)
class QuotaLimit:
    """``QuotaSettings``: ``limit`` requests per ``period``, ``offset`` fewer in the first."""

    limit: int
    period: QuotaPeriod
    offset: int = 0

    def __post_init__(self) -> None:
        if self.limit < 0 or self.offset < 0:
            raise ValueError(f"quota limit and offset must not be negative: {self}")

    def describe(self) -> str:
        """As API Gateway's execution log writes it: ``Limit: 500 Period: DAY``."""
        return f"Limit: {self.limit} Period: {self.period.value}"


@dataclass(frozen=True)
class QuotaUsage:
    """Requests counted in the current period and what is left of the quota."""

    used: int
    remaining: int
    period_start: float
    period_end: float


class QuotaCounter:
    """Requests counted in the current period. Not thread-safe on its own."""

    __slots__ = ("_first_period", "_kind", "_period", "_period_end", "_used")

    def __init__(self, limit: QuotaLimit, now: float) -> None:
        self._kind = limit.period
        self._first_period = self._period = period_start(limit.period, now)
        self._period_end = next_period_start(limit.period, now)
        self._used = 0

    def _roll(self, limit: QuotaLimit, now: float) -> float:
        if limit.period is self._kind and self._period <= now < self._period_end:
            return self._period
        # A new period (or a plan whose period was changed at run time).
        start = period_start(limit.period, now)
        if limit.period is not self._kind:
            self._kind = limit.period
            self._first_period = start
        self._period_end = next_period_start(limit.period, now)
        if start != self._period:
            self._period = start
            self._used = 0
        return start

    def allowance(self, limit: QuotaLimit, start: float) -> int:
        """The requests allowed in the period starting at ``start``."""
        if start == self._first_period:
            return max(0, limit.limit - limit.offset)
        return limit.limit

    def try_consume(self, limit: QuotaLimit, now: float) -> bool:
        """Count one request at ``now``; False (not counted) when the quota is used up."""
        start = self._roll(limit, now)
        if self._used >= self.allowance(limit, start):
            return False
        self._used += 1
        return True

    def usage(self, limit: QuotaLimit, now: float) -> QuotaUsage:
        start = self._roll(limit, now)
        remaining = max(0, self.allowance(limit, start) - self._used)
        return QuotaUsage(used=self._used, remaining=remaining, period_start=start,
                          period_end=self._period_end)


class QuotaTable:
    """Quota counters by key, created on first use; safe to share between threads."""

    def __init__(self) -> None:
        self._counters: dict[Hashable, QuotaCounter] = {}
        self._lock = threading.Lock()

    def try_consume(self, key: Hashable, limit: QuotaLimit, now: float) -> bool:
        with self._lock:
            counter = self._counters.get(key)
            if counter is None:
                counter = self._counters[key] = QuotaCounter(limit, now)
            return counter.try_consume(limit, now)

    def usage(self, key: Hashable, limit: QuotaLimit, now: float) -> QuotaUsage:
        """What ``GetUsage`` would report for ``key`` (an unseen key has used nothing)."""
        with self._lock:
            counter = self._counters.get(key)
            if counter is None:
                counter = QuotaCounter(limit, now)
            return counter.usage(limit, now)
