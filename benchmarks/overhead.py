"""Emulator overhead: a served GET doing one DynamoDB GetItem vs the handler called directly.

Both run in one process against the same moto, in the same run:

- direct:    handler(event, context) with a prebuilt API Gateway event (no emulator at all),
  two ways:
  * called in a hot loop in this process (the handler's best case);
  * behind a bare socket: the raw-socket client process below sends the same request bytes
    to a plain TCP server thread here that reads them, calls the handler with the prebuilt
    event and writes its status, ``Content-Type`` and body back. No HTTP parsing, gateway
    or runtime: only the transport any served request needs. **This is the baseline of the
    served ratio**, because the direct call's hot loop is a condition no served request can
    have on a VM: between two served requests the CPUs go idle while bytes cross loopback
    and the client runs, and on an otherwise idle VM the same handler, called alone with
    idle gaps between calls, ran up to 1.7x slower (``benchmarks/idle_gaps.py``). Both
    lines pay that; only the served one runs the emulator.
- runtime:   Runtime.invoke (execution environment hand-off, JSON marshalling, log lines)
- gateway:   ApiGateway.handle in-process (routing, event, runtime, response translation)
- served:    HTTP/1.1 keep-alive GETs over loopback, three ways:
  * raw socket, separate process: the client sends the request bytes with one ``sendall`` and
    reads the status line, the headers and ``Content-Length`` bytes of body - about the least
    work any client does, so the line shows the emulator's cost (plus the kernel's loopback);
  * ``http.client``, separate process: a typical Python client, whose own request building
    and ``email.parser`` header parsing add ~0.2-0.3 ms that are the client's, not the
    emulator's;
  * ``http.client`` on a thread of this process: the client then competes with the server
    for this process's GIL (a browser or locust never does).

Each path's samples are taken in interleaved blocks of 20 requests (load on a shared
machine hits all of them alike); ``--runs N`` repeats the whole measurement and reports each
path's median of the per-run ratios with their spread. Next to latency, each path's CPU
time in this process per request (``time.process_time``, all threads): for the served lines
with a client process that is the emulator's own work, whatever the wake-up latency of a
loaded machine adds to the wall-clock figures.

Usage: python benchmarks/overhead.py [--requests 2000] [--runs 1]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
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
#: Requests per path in a row; the paths take turns, so load on a shared machine hits all
#: of them alike.
BLOCK = 20

# Both clients read one batch size per stdin line and answer with that many samples.
HTTP_CLIENT = r"""
import http.client, json, sys, time
port, path = int(sys.argv[1]), sys.argv[2]
conn = http.client.HTTPConnection("127.0.0.1", port)
for line in sys.stdin:
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

RAW_CLIENT = r"""
import json, socket, sys, time
port, path = int(sys.argv[1]), sys.argv[2]
sock = socket.create_connection(("127.0.0.1", port))
sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
stream = sock.makefile("rb")
request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
for line in sys.stdin:
    samples = []
    for _ in range(int(line)):
        start = time.perf_counter()
        sock.sendall(request)
        status = stream.readline()
        length = 0
        while (header := stream.readline()) not in (b"\r\n", b""):
            if header[:15].lower() == b"content-length:":
                length = int(header[15:])
        body = stream.read(length)
        samples.append(time.perf_counter() - start)
        assert status.split()[1] == b"200", (status, body)
    print(json.dumps(samples), flush=True)
"""


class _BareServer:
    """The handler behind a plain TCP socket: the same transport as served, no emulator code.

    Reads one GET's bytes (up to the blank line), calls ``handler(event, context)`` with the
    prebuilt event and writes the least HTTP/1.1 answer a client can read: status line,
    ``Content-Type``, ``Content-Length``, body.
    """

    def __init__(self, handler: Callable[[dict[str, Any], Any], Any], event: dict[str, Any],
                 context: Any) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._thread = threading.Thread(target=self._serve, args=(handler, event, context),
                                        daemon=True, name="bare-socket")
        self._thread.start()

    def _serve(self, handler: Callable[[dict[str, Any], Any], Any], event: dict[str, Any],
               context: Any) -> None:
        sock, _ = self._listener.accept()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        pending = b""
        with sock:
            while True:
                while b"\r\n\r\n" not in pending:
                    data = sock.recv(65536)
                    if not data:
                        return
                    pending += data
                pending = pending.split(b"\r\n\r\n", 1)[1]
                result = handler(event, context)
                body = result["body"].encode()
                content_type = result.get("headers", {}).get("Content-Type", "text/plain")
                sock.sendall(f"HTTP/1.1 {result['statusCode']} OK\r\nContent-Type: "
                             f"{content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
                             .encode() + body)

    def close(self) -> None:
        self._listener.close()
        self._thread.join(timeout=10)


class _ClientProcess:
    """One of the client scripts above, in its own process on one keep-alive connection."""

    def __init__(self, script: str, port: int, path: str) -> None:
        self._process = subprocess.Popen([sys.executable, "-c", script, str(port), path],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         text=True)

    def batch(self, count: int) -> list[float]:
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write(f"{count}\n")
        self._process.stdin.flush()
        return [float(x) for x in json.loads(self._process.stdout.readline())]

    def close(self) -> None:
        assert self._process.stdin is not None
        self._process.stdin.close()
        self._process.wait(timeout=10)


class _ClientThread:
    """``HTTP_CLIENT`` on a thread of the benchmark process (shares the server's GIL)."""

    def __init__(self, port: int, path: str) -> None:
        import http.client

        self._connection = http.client.HTTPConnection("127.0.0.1", port)
        self._path = path

    def _one(self) -> float:
        start = time.perf_counter()
        self._connection.request("GET", self._path)
        response = self._connection.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - start
        assert response.status == 200, (response.status, body)
        return elapsed

    def batch(self, count: int) -> list[float]:
        samples: list[float] = []
        thread = threading.Thread(target=lambda: samples.extend(
            self._one() for _ in range(count)))
        thread.start()
        thread.join()
        return samples

    def close(self) -> None:
        self._connection.close()


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


def direct_call(emulator: Emulator, host: str) -> tuple[
        Callable[[dict[str, Any], Any], Any], dict[str, Any], _DirectContext]:
    """Seed item 42 and return the handler, a prebuilt ``GET /items/42`` event and a context:
    the direct call every path is compared with."""
    table = emulator.stack.resources["ItemsTable"].physical_id
    emulator.aws.resource("dynamodb").Table(table).put_item(
        Item={"id": "42", "name": "benchmark item", "tags": ["a", "b"]})
    gateway = emulator.gateways["ServerlessRestApi"]
    request = HttpRequest(method="GET", path="/items/42", raw_query="",
                          headers=(("Host", host),), body=b"", source_ip="127.0.0.1",
                          host=host)
    match = gateway._router.match("GET", "/items/42")
    assert match is not None
    event = build_event(request, match, gateway.api, request_id="bench",
                        time_epoch_ms=int(time.time() * 1000),
                        account_id=emulator.settings.account_id)
    handler = _direct_handler(emulator)
    context = _DirectContext()
    assert handler(event, context)["statusCode"] == 200
    return handler, event, context


def _measure(paths: dict[str, Callable[[int], list[float]]], n: int,
             warmup: int) -> dict[str, dict[str, float]]:
    """Latency per path, and the CPU time this process spent per request (all threads)."""
    samples: dict[str, list[float]] = {name: [] for name in paths}
    cpu = dict.fromkeys(paths, 0.0)
    for run in paths.values():
        run(warmup)
    for _ in range(max(1, n // BLOCK)):
        for name, run in paths.items():
            started = time.process_time()
            samples[name].extend(run(BLOCK))
            cpu[name] += time.process_time() - started
    return {name: {**_summary(values), "cpu_ms": cpu[name] / len(values) * 1000}
            for name, values in samples.items()}


def _print_run(rows: dict[str, dict[str, float]]) -> None:
    base, bare = rows[DIRECT]["median_ms"], rows[BARE]["median_ms"]
    base_cpu = rows[DIRECT]["cpu_ms"]
    print("| path | median ms | p95 ms | ratio to direct | ratio to direct behind a bare "
          "socket | overhead over it us | emulator process CPU ms/request | CPU ratio |")
    print("|---|---|---|---|---|---|---|---|")
    for name, row in rows.items():
        print(f"| {name} | {row['median_ms']:.3f} | {row['p95_ms']:.3f} | "
              f"{row['median_ms'] / base:.3f} | {row['median_ms'] / bare:.3f} | "
              f"{(row['median_ms'] - bare) * 1000:.0f} | "
              f"{row['cpu_ms']:.3f} | {row['cpu_ms'] / base_cpu:.3f} |")


def _print_summary(runs: list[dict[str, dict[str, float]]]) -> None:
    print(f"\nOver {len(runs)} runs: median (min-max) of each run's figures\n")
    print("| path | median ms | ratio to direct | ratio to direct behind a bare socket | "
          "CPU ratio |")
    print("|---|---|---|---|---|")
    for name in runs[0]:
        medians = [run[name]["median_ms"] for run in runs]
        ratios = [run[name]["median_ms"] / run[DIRECT]["median_ms"] for run in runs]
        bare = [run[name]["median_ms"] / run[BARE]["median_ms"] for run in runs]
        cpu = [run[name]["cpu_ms"] / run[DIRECT]["cpu_ms"] for run in runs]
        print(f"| {name} | {_spread(medians, '.3f')} | {_spread(ratios, '.3f')} | "
              f"{_spread(bare, '.3f')} | {_spread(cpu, '.3f')} |")


def _spread(values: list[float], spec: str) -> str:
    return (f"{format(statistics.median(values), spec)} ({format(min(values), spec)}-"
            f"{format(max(values), spec)})")


DIRECT = "direct handler call"
BARE = "direct handler call behind a bare socket, raw-socket client process"
SERVED = "served, raw-socket client process"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="samples per path and run")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--runs", type=int, default=1, help="repeat the whole measurement")
    args = parser.parse_args()
    n, warmup = args.requests, args.warmup

    with Emulator(TEMPLATE) as emulator:
        gateway = emulator.gateways["ServerlessRestApi"]
        servers = ServerGroup(emulator, "127.0.0.1", 0)
        servers.start()
        clients: list[_ClientProcess | _ClientThread | _BareServer] = []
        try:
            port = servers.ports[0]
            staged = HttpRequest(method="GET", path="/Prod/items/42", raw_query="",
                                 headers=(("Host", f"127.0.0.1:{port}"),), body=b"",
                                 source_ip="127.0.0.1", host=f"127.0.0.1:{port}")
            handler, event, context = direct_call(emulator, f"127.0.0.1:{port}")

            bare = _BareServer(handler, event, context)
            bare_client = _ClientProcess(RAW_CLIENT, bare.port, "/Prod/items/42")
            raw = _ClientProcess(RAW_CLIENT, port, "/Prod/items/42")
            remote = _ClientProcess(HTTP_CLIENT, port, "/Prod/items/42")
            local = _ClientThread(port, "/Prod/items/42")
            clients.extend((bare_client, bare, raw, remote, local))
            paths: dict[str, Callable[[int], list[float]]] = {
                DIRECT: lambda k: timed(lambda: handler(event, context), k, 0),
                BARE: bare_client.batch,
                "runtime.invoke": lambda k: timed(
                    lambda: emulator.runtime.invoke("GetItemFunction", event), k, 0),
                "gateway in-process": lambda k: timed(lambda: gateway.handle(staged), k, 0),
                SERVED: raw.batch,
                "served, http.client client process": remote.batch,
                "served, http.client thread in the server process": local.batch,
            }
            runs = []
            for index in range(args.runs):
                rows = _measure(paths, n, warmup if index == 0 else 0)
                runs.append(rows)
                print(f"\nRun {index + 1}: GetItem GET, {n} requests per path "
                      f"in interleaved blocks of {BLOCK}\n")
                _print_run(rows)
        finally:
            for client in clients:
                client.close()
            servers.close()
    if len(runs) > 1:
        _print_summary(runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
