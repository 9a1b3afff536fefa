"""An estimate of REPORT's ``Max Memory Used`` for an environment living in a shared process.

Lambda reports the peak memory of the execution environment, capped by nature at the
function's ``MemorySize`` (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html).
The emulator's process holds the host, moto and every environment, so its RSS says little
about one function. Decision: an environment reports ``RUNTIME_BASELINE_MB`` (the idle
footprint of Lambda's Python runtime) plus the largest growth of the process RSS seen since
the environment was created (its INIT imports included), rounded up and capped at Memory
Size. A function that loads 300 MB shows its Memory Size, a hint that it would run out of
memory on AWS (the emulator does not kill it). RSS is read from ``/proc/self/statm`` through
a kept-open descriptor (a few microseconds); elsewhere the peak RSS of ``getrusage`` is used.
"""

from __future__ import annotations

import logging
import math
import os
import resource
import sys

logger = logging.getLogger(__name__)

RUNTIME_BASELINE_MB = 35
_PAGE_MB = os.sysconf("SC_PAGE_SIZE") / (1024 * 1024) if hasattr(os, "sysconf") else 0.0


class MemoryProbe:
    """Reads the process's resident set size in MB."""

    def __init__(self) -> None:
        self._fd: int | None = None
        try:
            self._fd = os.open("/proc/self/statm", os.O_RDONLY)
        except OSError:
            logger.debug("/proc/self/statm unavailable; using getrusage")

    def rss_mb(self) -> float:
        if self._fd is not None:
            try:
                fields = os.pread(self._fd, 128, 0).split()
                return int(fields[1]) * _PAGE_MB
            except (OSError, IndexError, ValueError) as exc:
                logger.debug("reading /proc/self/statm failed: %s", exc)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        # ru_maxrss is in bytes on macOS, in kilobytes elsewhere.
        return float(peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def reported_mb(peak_growth_mb: float, memory_size_mb: int) -> int:
    return min(memory_size_mb, math.ceil(RUNTIME_BASELINE_MB + max(0.0, peak_growth_mb)))


_shared: MemoryProbe | None = None


def shared_probe() -> MemoryProbe:
    """The process's probe: one descriptor for the process's lifetime (threads may still
    read it after a runtime shuts down, so it is never closed and its number never reused)."""
    global _shared
    if _shared is None:
        _shared = MemoryProbe()
    return _shared
