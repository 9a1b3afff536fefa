"""Shared timing helper for the benchmark scripts: per-call samples after a warm-up."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from typing import Any


def timed(call: Callable[[], Any], n: int, warmup: int = 100) -> list[float]:
    """Seconds taken by each of ``n`` calls, after ``warmup`` untimed ones."""
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


def summary(samples: list[float]) -> dict[str, float]:
    """Median and nearest-rank p95 of ``samples`` (seconds), in milliseconds."""
    ordered = sorted(samples)
    return {"median_ms": statistics.median(ordered) * 1000,
            "p95_ms": ordered[max(0, math.ceil(len(ordered) * 0.95) - 1)] * 1000}
