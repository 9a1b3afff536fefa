"""End-to-end: ``python -m emulator serve`` as a user runs it, on free loopback ports."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import REPO_ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ServedEmulator:
    process: subprocess.Popen[bytes]
    port: int
    aws_port: int
    info: dict[str, Any]
    #: serve's stdout and stderr go to a file: a pipe nobody reads would fill (~64 KB of
    #: START/END/REPORT lines) and block the server's log writes.
    log_path: Path

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def aws_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.aws_port}"

    def api(self, logical_id: str) -> str:
        for api in self.info["apis"]:
            if api["logical_id"] == logical_id:
                return str(api["base_url"])
        raise KeyError(logical_id)

    def aws_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(AWS_ENDPOINT_URL=self.aws_endpoint, AWS_ACCESS_KEY_ID="testing",
                   AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1",
                   AWS_SAM_STACK_NAME=self.info["stack_name"])
        return env


def start_serve(template: Path, *extra: str, timeout_s: float = 60) -> ServedEmulator:
    port, aws_port = free_port(), free_port()
    log_fd, log_name = tempfile.mkstemp(prefix="serve-", suffix=".log")
    log_path = Path(log_name)
    with os.fdopen(log_fd, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "emulator", "serve", "--template", str(template),
             "--port", str(port), "--aws-port", str(aws_port), *extra],
            cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = log_path.read_text(encoding="utf-8", errors="replace")
            raise AssertionError(f"serve exited with {process.returncode}:\n{output}")
        try:
            info = requests.get(f"http://127.0.0.1:{port}/_emulator/info", timeout=1).json()
            return ServedEmulator(process, port, aws_port, info, log_path)
        except requests.RequestException:
            time.sleep(0.2)
    stop_serve(process)
    raise AssertionError("serve did not answer within the start-up timeout")


def stop_serve(process: subprocess.Popen[bytes]) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


@pytest.fixture(scope="module")
def served_user_app() -> Iterator[ServedEmulator]:
    served = start_serve(REPO_ROOT / "tests" / "apps" / "user_app" / "template.yaml")
    yield served
    stop_serve(served.process)
