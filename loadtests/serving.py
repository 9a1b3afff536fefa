"""``python -m emulator serve`` as a child process on free loopback ports.

For the smoke runner and the benchmarks: both measure the server a user runs, so it is the
real CLI in its own process (its own GIL), not an in-process emulator.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent


class ServeError(RuntimeError):
    """``serve`` exited or did not answer in time."""


#: ``serve`` binds one port per API, counting up from ``--port``: room for that many APIs.
API_PORT_SPAN = 8


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_port_block(count: int = API_PORT_SPAN) -> int:
    """A port ``p`` with ``p .. p+count-1`` all free now (``serve --port p`` for ``count`` APIs)."""
    for _ in range(100):
        base = free_port()
        if base + count <= 65536 and all(_is_free(p) for p in range(base + 1, base + count)):
            return base
    raise ServeError(f"no {count} consecutive free loopback ports found")


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    port: int
    aws_port: int
    #: ``GET /_emulator/info``: APIs (logical_id, base_url), functions, resources.
    info: dict[str, Any]
    #: serve's output goes to a file: a pipe nobody reads would fill and block its logs.
    log_path: Path

    @property
    def aws_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.aws_port}"

    def apis(self) -> dict[str, str]:
        return {api["logical_id"]: api["base_url"] for api in self.info["apis"]}

    def stop(self) -> None:
        stop_process(self.process)


def stop_process(process: subprocess.Popen[bytes]) -> int:
    """SIGTERM (``serve`` shuts down cleanly), SIGKILL after 15 s; the exit status."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


def start(template: Path, log_path: Path, *extra: str, timeout_s: float = 120) -> Served:
    """Start ``serve`` for ``template`` and return once ``/_emulator/info`` answers."""
    port, aws_port = free_port_block(), free_port()
    while port <= aws_port < port + API_PORT_SPAN:
        aws_port = free_port()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "emulator", "serve", "--template", str(template),
             "--port", str(port), "--aws-port", str(aws_port), *extra],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    served = Served(process, port, aws_port, {}, log_path)
    try:
        served.info = wait_for_json(process, f"http://127.0.0.1:{port}/_emulator/info",
                                    timeout_s, log_path)
    except ServeError:
        served.stop()
        raise
    return served


def wait_for_json(process: subprocess.Popen[bytes], url: str, timeout_s: float,
                  log_path: Path, ok: Sequence[int] = (200,)) -> Any:
    """Poll ``url`` until it answers one of ``ok`` (the server may still be starting)."""
    deadline = time.monotonic() + timeout_s
    while True:
        if process.poll() is not None:
            raise ServeError(f"serve exited with {process.returncode}; log: {log_path}")
        try:
            response = requests.get(url, timeout=5)
            if response.status_code in ok:
                return response.json()
        except requests.RequestException:
            pass  # not listening yet
        if time.monotonic() > deadline:
            raise ServeError(f"{url} did not answer in {timeout_s:g} s; log: {log_path}")
        time.sleep(0.02)
