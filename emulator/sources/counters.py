"""Delivery counters per event source, as CloudWatch would chart them for a mapping or
rule (invocations, errors, retries, dead-lettered events:
https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html)."""

from __future__ import annotations

import logging
import threading

logger = logging.getLogger(__name__)


class Counters:
    """Thread-safe counters of one source, shown in ``/_emulator/info``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values = {"deliveries": 0, "failures": 0, "retries": 0, "dead_lettered": 0,
                        "filtered_out": 0}

    def add(self, name: str, amount: int = 1) -> None:
        with self._lock:
            self._values[name] += amount

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._values)
