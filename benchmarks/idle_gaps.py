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
from overhead import (  # noqa: E402
    TEMPLATE,
    Emulator,
    HttpRequest,
    _direct_handler,
    _DirectContext,
    build_event,
)

BLOCK = 20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000, help="timed calls per gap")
    parser.add_argument("--gaps-ms", type=float, nargs="+", default=[0, 0.1, 0.5, 1, 2, 5])
    args = parser.parse_args()

    with Emulator(TEMPLATE) as emulator:
        table = emulator.stack.resources["ItemsTable"].physical_id
        emulator.aws.resource("dynamodb").Table(table).put_item(
            Item={"id": "42", "name": "benchmark item", "tags": ["a", "b"]})
        gateway = emulator.gateways["ServerlessRestApi"]
        request = HttpRequest(method="GET", path="/items/42", raw_query="",
                              headers=(("Host", "127.0.0.1"),), body=b"",
                              source_ip="127.0.0.1", host="127.0.0.1")
        match = gateway._router.match("GET", "/items/42")
        assert match is not None
        event = build_event(request, match, gateway.api, request_id="bench",
                            time_epoch_ms=int(time.time() * 1000),
                            account_id=emulator.settings.account_id)
        context = _DirectContext()
        handler = _direct_handler(emulator)
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
