"""The authorizer result cache: identity source values -> answer, for the authorizer's TTL.

Copies API Gateway's authorizer caching
(https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-lambda-authorizer-flow.html,
https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html#http-api-lambda-authorizer.caching):
the key is the identity source values (the token for a TOKEN authorizer), the entry lives
for the TTL and is shared by every method / route using the authorizer - the cached
*policy* is then evaluated against each request's own ARN, so a policy that names one
method denies the others from the cache. A TTL of 0 disables caching. Only answers are
cached: a failed authorizer call (error, timeout, malformed output) is retried next time.

Time comes from the injected clock so tests can step past a TTL.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Bound on entries per authorizer; expired entries are dropped first, then the oldest.
MAX_ENTRIES = 10_000


class TtlCache(Generic[T]):
    """A thread-safe map whose entries expire ``ttl_s`` seconds after they were put."""

    def __init__(self, ttl_s: float, clock: Callable[[], float],
                 max_entries: int = MAX_ENTRIES) -> None:
        self.ttl_s = ttl_s
        self._clock = clock
        self._max = max_entries
        self._entries: dict[tuple[str, ...], tuple[float, T]] = {}
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.ttl_s > 0

    def get(self, key: tuple[str, ...]) -> T | None:
        if not self.enabled:
            return None
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires, value = entry
            if self._clock() >= expires:
                del self._entries[key]
                return None
            return value

    def put(self, key: tuple[str, ...], value: T) -> None:
        if not self.enabled:
            return
        now = self._clock()
        with self._lock:
            if len(self._entries) >= self._max and key not in self._entries:
                self._evict(now)
            self._entries[key] = (now + self.ttl_s, value)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def _evict(self, now: float) -> None:
        expired = [key for key, (expires, _) in self._entries.items() if expires <= now]
        for key in expired:
            del self._entries[key]
        while len(self._entries) >= self._max:
            del self._entries[next(iter(self._entries))]
