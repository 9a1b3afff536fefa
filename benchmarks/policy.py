"""Cost of each gateway policy step per request, and of the whole policy chain.

One REST route (benchmarks/apps/policy) sits behind every step: stage throttling, a cached
Lambda TOKEN authorizer, an API key with a usage plan (throttle + quota) and a request
validator with a ~1 KB JSON body model. Each step's ``check()`` is timed alone on the
routed request (median of N), then the whole in-process request with and without the
policy chain, in the same run.

Usage: python benchmarks/policy.py [--requests 2000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from emulator.http import HttpRequest  # noqa: E402
from emulator.policy.pipeline import RequestState  # noqa: E402
from emulator.testing import start_emulator  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import timed  # noqa: E402

TEMPLATE = ROOT / "benchmarks" / "apps" / "policy" / "template.yaml"
HEADERS = {"Authorization": "Bearer bench-token", "x-api-key": "bench-key-0123456789abcdef",
           "Content-Type": "application/json"}
BODY = {"name": "yoga mat", "price": 42.5, "tags": [f"tag-{i}" for i in range(40)],
        "attributes": {f"attribute-{i}": "x" * 8 for i in range(25)}}


def _median_us(call: Callable[[], Any], n: int) -> float:
    return statistics.median(timed(call, n)) * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    body = json.dumps(BODY).encode()
    with start_emulator(TEMPLATE) as emulator:
        gateway = emulator.gateways["PolicyApi"]
        client = emulator.client("PolicyApi")
        request = HttpRequest(method="POST", path="/items", raw_query="",
                              headers=tuple(HEADERS.items()), body=body,
                              source_ip="127.0.0.1", host="127.0.0.1:3000")
        match = gateway._router.match("POST", "/items")
        assert match is not None
        rows: list[tuple[str, float]] = []
        for step in gateway.policy:
            step.check(request, match, RequestState(request_id="warm"))  # fills caches
            rows.append((step.name, _median_us(
                lambda step=step: step.check(request, match, RequestState(request_id="b")),
                args.requests)))

        def full() -> None:
            response = client.post("/items", data=body, headers=HEADERS)
            assert response.status_code == 201, response.get_data(as_text=True)

        with_policy = _median_us(full, args.requests)
        policy = gateway.policy
        gateway.policy = ()
        try:
            without_policy = _median_us(full, args.requests)
        finally:
            gateway.policy = policy
    print(f"Policy steps, {len(body)}-byte JSON body, medians of {args.requests}, one run\n")
    print("| step | median µs per request |")
    print("|---|---|")
    for name, cost in rows:
        print(f"| {name} | {cost:.1f} |")
    print(f"| whole request, no policy | {without_policy:.1f} |")
    print(f"| whole request, all steps | {with_policy:.1f} |")
    print(f"| difference (policy chain in a request) | {with_policy - without_policy:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
