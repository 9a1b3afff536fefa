"""Emulator overhead: a served GET doing one DynamoDB GetItem vs the handler called directly.

Both run in one process against the same moto, in the same run:

- direct:    handler(event, context) with a prebuilt API Gateway event (no emulator at all)
- runtime:   Runtime.invoke (execution environment hand-off, JSON marshalling, log lines)
- gateway:   ApiGateway.handle in-process (routing, event, runtime, response translation)
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import timed  # noqa: E402

TEMPLATE = ROOT / "benchmarks" / "apps" / "getitem" / "template.yaml"
ROUNDS = 10

CLIENT = r"""
import http.client, json, sys, time
port, path = int(sys.argv[1]), sys.argv[2]
conn = http.client.HTTPConnection("127.0.0.1", port)
for line in sys.stdin:  # one batch size per line; answers with that many samples
    samples = []
    for _ in range(int(line)):
        start = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        samples.append(time.perf_counter() - start)
        assert response.status == 200, (response.status, body)
    print(json.dumps(samples), flush=True)
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
            staged = HttpRequest(method="GET", path="/Prod/items/42", raw_query="",
                                 headers=(("Host", f"127.0.0.1:{port}"),), body=b"",
                                 source_ip="127.0.0.1", host=f"127.0.0.1:{port}")
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

            client = subprocess.Popen([sys.executable, "-c", CLIENT, str(port),
                                       "/Prod/items/42"], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True)

            def served_batch(count: int) -> list[float]:
                assert client.stdin is not None and client.stdout is not None
                client.stdin.write(f"{count}\n")
                client.stdin.flush()
                return [float(x) for x in json.loads(client.stdout.readline())]

            paths: dict[str, Callable[[int], list[float]]] = {
                "direct handler call": lambda k: timed(lambda: handler(event, context), k, 0),
                "runtime.invoke": lambda k: timed(
                    lambda: emulator.runtime.invoke("GetItemFunction", event), k, 0),
                "gateway in-process": lambda k: timed(lambda: gateway.handle(staged), k, 0),
                "served over HTTP (keep-alive)": served_batch,
            }
            samples: dict[str, list[float]] = {name: [] for name in paths}
            for run in paths.values():  # warm-up
                run(warmup)
            # Interleaved rounds, so drift on a shared machine hits every path alike.
            for _ in range(ROUNDS):
                for name, run in paths.items():
                    samples[name].extend(run(n // ROUNDS))
            client.stdin.close()  # type: ignore[union-attr]
            client.wait(timeout=10)
        finally:
            servers.close()

    rows = {name: _summary(values) for name, values in samples.items()}
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
