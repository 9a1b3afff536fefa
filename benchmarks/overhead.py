"""Emulator overhead: a served GET doing one DynamoDB GetItem vs the handler called directly.

Both run in one process against the same moto, in the same run:

- direct:    handler(event, context) with a prebuilt API Gateway event (no emulator at all)
- runtime:   Runtime.invoke (execution environment hand-off, JSON marshalling, log lines)
- gateway:   the WSGI app in-process (routing, event building, runtime, response translation)
- served:    HTTP/1.1 keep-alive GETs from a separate client process over loopback

Usage: python benchmarks/overhead.py [--requests 2000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from emulator.app import Emulator  # noqa: E402
from emulator.events import build_event  # noqa: E402
from emulator.http import HttpRequest  # noqa: E402
from emulator.server import ServerGroup  # noqa: E402
from emulator.testing import ApiClient  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import timed  # noqa: E402

TEMPLATE = ROOT / "benchmarks" / "apps" / "getitem" / "template.yaml"

CLIENT = r"""
import http.client, json, sys, time
port, path, n, warmup = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
conn = http.client.HTTPConnection("127.0.0.1", port)
samples = []
for i in range(warmup + n):
    start = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - start
    assert response.status == 200, (response.status, body)
    if i >= warmup:
        samples.append(elapsed)
print(json.dumps(samples))
"""


class _DirectContext:
    """The least a handler called outside any runtime needs."""

    aws_request_id = "direct"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def _summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"median_ms": statistics.median(ordered) * 1000,
            "p95_ms": ordered[int(len(ordered) * 0.95) - 1] * 1000}


def _direct_handler(emulator: Emulator) -> Callable[[dict[str, Any], Any], Any]:
    function = emulator.stack.functions["GetItemFunction"]
    os.environ["TABLE_NAME"] = function.environment["TABLE_NAME"]
    sys.path.insert(0, str(function.code_dir))
    import app  # type: ignore[import-not-found]

    return app.handler  # type: ignore[no-any-return]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=200)
    args = parser.parse_args()
    n, warmup = args.requests, args.warmup

    with Emulator(TEMPLATE) as emulator:
        table = emulator.stack.resources["ItemsTable"].physical_id
        emulator.aws.resource("dynamodb").Table(table).put_item(
            Item={"id": "42", "name": "benchmark item", "tags": ["a", "b"]})
        gateway = emulator.gateways["ServerlessRestApi"]
        servers = ServerGroup(emulator, "127.0.0.1", 0)
        servers.start()
        try:
            port = servers.ports[0]
            request = HttpRequest(method="GET", path="/items/42", raw_query="",
                                  headers=(("Host", f"127.0.0.1:{port}"),), body=b"",
                                  source_ip="127.0.0.1", host=f"127.0.0.1:{port}")
            match = gateway._router.match("GET", "/items/42")
            assert match is not None
            event = build_event(request, match, gateway.api, request_id="bench",
                                time_epoch_ms=int(time.time() * 1000),
                                account_id=emulator.settings.account_id)
            context = _DirectContext()
            handler = _direct_handler(emulator)
            assert handler(event, context)["statusCode"] == 200

            direct = timed(lambda: handler(event, context), n, warmup)
            runtime = timed(lambda: emulator.runtime.invoke("GetItemFunction", event), n, warmup)
            client = ApiClient(emulator, "ServerlessRestApi")
            in_process = timed(lambda: client.get("/items/42"), n, warmup)
            output = subprocess.run([sys.executable, "-c", CLIENT, str(port), "/Prod/items/42",
                                     str(n), str(warmup)], capture_output=True, text=True,
                                    check=True)
            served = json.loads(output.stdout)
        finally:
            servers.close()

    rows = {"direct handler call": _summary(direct), "runtime.invoke": _summary(runtime),
            "gateway in-process (WSGI)": _summary(in_process),
            "served over HTTP (keep-alive)": _summary(served)}
    base = rows["direct handler call"]["median_ms"]
    print(f"GetItem GET, {n} requests after {warmup} warm-up, medians from one run\n")
    print("| path | median ms | p95 ms | ratio to direct | overhead ms |")
    print("|---|---|---|---|---|")
    for name, row in rows.items():
        print(f"| {name} | {row['median_ms']:.3f} | {row['p95_ms']:.3f} | "
              f"{row['median_ms'] / base:.2f} | {row['median_ms'] - base:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
