"""The same handler call, timed alone, with the CPU left idle for a while before each call.

Why ``overhead.py`` measures its served ratio against the handler behind a bare socket rather
than against a hot loop of direct calls: a served request can never run hot. Between two
requests the bytes cross loopback, the client process runs and the server's thread sleeps in
``recv``; on a virtual machine the idle vCPU halts and the handler's working set (boto3,
botocore, moto: a few MB of code and objects) is partly gone from the caches when the next
request arrives. This script shows the size of that effect with no emulator code in the way:
``handler(event, context)`` (one DynamoDB GetItem on the in-process moto, the benchmark app
of ``overhead.py``) is timed call by call, after ``time.sleep(gap)``, for a few gaps taken in
turns (blocks of 20 calls), so machine load hits every gap alike.

Usage: python benchmarks/idle_gaps.py [--requests 1000] [--gaps-ms 0 0.1 0.5 1 2 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from overhead import TEMPLATE, Emulator, direct_call  # noqa: E402

BLOCK = 20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000, help="timed calls per gap")
    parser.add_argument("--gaps-ms", type=float, nargs="+", default=[0, 0.1, 0.5, 1, 2, 5])
    args = parser.parse_args()

    with Emulator(TEMPLATE) as emulator:
        handler, event, context = direct_call(emulator, "127.0.0.1")
        for _ in range(200):
            handler(event, context)
        samples: dict[float, list[float]] = {gap: [] for gap in args.gaps_ms}
        for _ in range(max(1, args.requests // BLOCK)):
            for gap_ms, values in samples.items():
                for _ in range(BLOCK):
                    if gap_ms:
                        time.sleep(gap_ms / 1000)
                    started = time.perf_counter()
                    handler(event, context)
                    values.append(time.perf_counter() - started)
    hot = statistics.median(samples[args.gaps_ms[0]])
    print(f"| idle gap before each call ms | handler median ms | ratio to {args.gaps_ms[0]} ms |")
    print("|---|---|---|")
    for gap_ms, values in samples.items():
        median = statistics.median(values)
        print(f"| {gap_ms:g} | {median * 1000:.3f} | {median / hot:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
