"""Served GET latency of two or more checkouts of the kit, measured side by side.

On a shared machine the load moves wall-clock figures 2-3x within minutes, so comparing a
change with its base in separate runs says little. This script starts one emulator process
per checkout (each serving ``benchmarks/apps/getitem``), then a raw-socket HTTP/1.1 client
in this process sends keep-alive GETs to each in turn, in blocks of 20: every version sees
the same load. It reports each version's median and quartiles, and the CPU time its server
process spent per request (``/proc/<pid>/stat``, Linux only, 10 ms resolution over the run).

A checkout is any directory holding an ``emulator`` package, e.g.
``mkdir /tmp/base && git archive main emulator | tar -x -C /tmp/base``.

Usage: python benchmarks/served_ab.py DIR [DIR ...] [--requests 2000]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "apps" / "getitem" / "template.yaml"
BLOCK = 20

SERVER = r"""
import sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from emulator.app import Emulator
from emulator.server import ServerGroup
with Emulator(Path(sys.argv[2])) as emulator:
    table = emulator.stack.resources["ItemsTable"].physical_id
    emulator.aws.resource("dynamodb").Table(table).put_item(
        Item={"id": "42", "name": "benchmark item", "tags": ["a", "b"]})
    servers = ServerGroup(emulator, "127.0.0.1", 0)
    servers.start()
    print(servers.ports[0], flush=True)
    sys.stdin.readline()
    servers.close()
"""


class _Served:
    """One checkout's emulator process and a keep-alive connection to it."""

    def __init__(self, checkout: str) -> None:
        self.checkout = checkout
        self.process = subprocess.Popen([sys.executable, "-c", SERVER, checkout, str(TEMPLATE)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True)
        assert self.process.stdout is not None
        port = int(self.process.stdout.readline())
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.stream = self.sock.makefile("rb")
        self.request = f"GET /Prod/items/42 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
        self.samples: list[float] = []

    def get(self) -> float:
        start = time.perf_counter()
        self.sock.sendall(self.request)
        status = self.stream.readline()
        length = 0
        while (header := self.stream.readline()) not in (b"\r\n", b""):
            if header[:15].lower() == b"content-length:":
                length = int(header[15:])
        body = self.stream.read(length)
        elapsed = time.perf_counter() - start
        assert status.split()[1] == b"200", (status, body)
        return elapsed

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        self.stream.close()
        self.sock.close()
        assert self.process.stdin is not None
        self.process.stdin.write("\n")
        self.process.stdin.close()
        self.process.wait(timeout=10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkouts", nargs="+")
    parser.add_argument("--requests", type=int, default=2000, help="per checkout")
    args = parser.parse_args()
    served = [_Served(checkout) for checkout in args.checkouts]
    try:
        for version in served:
            for _ in range(200):  # warm-up: cold start, caches
                version.get()
        cpu_before = [version.cpu_seconds() for version in served]
        for _ in range(max(1, args.requests // BLOCK)):
            for version in served:
                version.samples.extend(version.get() for _ in range(BLOCK))
        cpu = [version.cpu_seconds() - before for version, before in zip(served, cpu_before,
                                                                          strict=True)]
    finally:
        for version in served:
            version.close()
    print(f"Served GetItem GET, {args.requests} keep-alive requests per checkout, "
          f"blocks of {BLOCK} in turn\n")
    print("| checkout | median ms | p25 ms | p75 ms | server CPU ms/request |")
    print("|---|---|---|---|---|")
    for version, seconds in zip(served, cpu, strict=True):
        p25, median, p75 = statistics.quantiles(version.samples, n=4)
        print(f"| {version.checkout} | {median * 1000:.3f} | {p25 * 1000:.3f} | "
              f"{p75 * 1000:.3f} | {seconds / len(version.samples) * 1000:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
