"""Throughput and latency of a served DynamoDB-backed route under 1, 8 and 32 clients.

``python -m emulator serve`` runs the GetItem app (benchmarks/apps/getitem) in its own
process; each client is a separate Python process with one HTTP/1.1 keep-alive connection
(``http.client``) sending GETs back to back, so the clients never share a GIL with each
other or with the server. All clients warm up, then measure in the same wall-clock window;
requests per second is the requests completed in the window over its length, and the
percentiles are over every request of every client.

Usage: python benchmarks/concurrency.py [--clients 1 8 32] [--seconds 10] [--warmup 50]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import summary  # noqa: E402

from loadtests import serving  # noqa: E402

TEMPLATE = ROOT / "benchmarks" / "apps" / "getitem" / "template.yaml"

CLIENT = r"""
import http.client, json, sys, time
port, path, warmup = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
conn = http.client.HTTPConnection("127.0.0.1", port)
def get():
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    return response.status
for _ in range(warmup):  # the first ones pay this client's execution environment's cold start
    get()
print("ready", flush=True)
start_at, end_at = map(float, sys.stdin.readline().split())
samples, errors = [], 0
while True:
    began = time.time()
    if began >= end_at:
        break
    tick = time.perf_counter()
    status = get()
    took = time.perf_counter() - tick
    if began >= start_at and began + took <= end_at:  # inside the window only
        if status == 200:
            samples.append(took)
        else:
            errors += 1
print(json.dumps({"samples": samples, "errors": errors}), flush=True)
"""


def run(port: int, path: str, clients: int, seconds: float, warmup: int) -> dict[str, float]:
    processes = [subprocess.Popen([sys.executable, "-c", CLIENT, str(port), path, str(warmup)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
                 for _ in range(clients)]
    for process in processes:  # every client warmed up (every environment created) first
        assert process.stdout is not None
        if process.stdout.readline().strip() != "ready":
            raise RuntimeError("a benchmark client failed during its warm-up")
    # One shared window; the 1 s lead lets every client read it before it opens.
    start_at = time.time() + 1
    for process in processes:
        assert process.stdin is not None
        process.stdin.write(f"{start_at} {start_at + seconds}\n")
        process.stdin.flush()
    samples: list[float] = []
    errors = 0
    for process in processes:
        out, _ = process.communicate(timeout=seconds + 60)
        result = json.loads(out)
        samples.extend(result["samples"])
        errors += result["errors"]
    return {"clients": clients, "requests": len(samples), "errors": errors,
            "rps": len(samples) / seconds, **summary(samples)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--warmup", type=int, default=50, help="requests per client first")
    args = parser.parse_args()

    log = Path(tempfile.mkstemp(prefix="bench-serve-", suffix=".log")[1])
    served = serving.start(TEMPLATE, log)
    try:
        dynamodb = boto3.resource("dynamodb", endpoint_url=served.aws_endpoint,
                                  region_name="us-east-1", aws_access_key_id="testing",
                                  aws_secret_access_key="testing")
        table = served.info["resources"]["ItemsTable"]["physical_id"]
        dynamodb.Table(table).put_item(
            Item={"id": "42", "name": "benchmark item", "tags": ["a", "b"]})
        base = served.apis()["ServerlessRestApi"]
        path = base.split(str(served.port), 1)[1] + "/items/42"
        rows = [run(served.port, path, n, args.seconds, args.warmup) for n in args.clients]
    finally:
        served.stop()
        os.unlink(log)

    print(f"GET {path} (one DynamoDB GetItem), {args.seconds:g} s window per row, "
          f"client processes with one keep-alive connection each\n")
    print("| clients | requests | errors | req/s | p50 ms | p95 ms |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['clients']} | {row['requests']} | {row['errors']} | {row['rps']:.0f} | "
              f"{row['median_ms']:.2f} | {row['p95_ms']:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
