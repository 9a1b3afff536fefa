"""End-to-end: ``python -m emulator serve`` as a user runs it, on free loopback ports."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path

import pytest

from loadtests.serving import Served, ServeError, free_port, start, stop_process
from tests.conftest import REPO_ROOT

__all__ = ["ServedEmulator", "free_port", "start_serve", "stop_serve"]


@dataclass
class ServedEmulator(Served):
    """``serve`` in a child process, with what the end-to-end tests read from it."""

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def api(self, logical_id: str) -> str:
        return self.apis()[logical_id]

    def aws_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(AWS_ENDPOINT_URL=self.aws_endpoint, AWS_ACCESS_KEY_ID="testing",
                   AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1",
                   AWS_SAM_STACK_NAME=self.info["stack_name"])
        return env


def start_serve(template: Path, *extra: str, timeout_s: float = 60) -> ServedEmulator:
    """``python -m emulator serve`` on free loopback ports, once ``/_emulator/info`` answers."""
    log_fd, log_name = tempfile.mkstemp(prefix="serve-", suffix=".log")
    os.close(log_fd)
    try:
        served = start(template, Path(log_name), *extra, timeout_s=timeout_s)
    except ServeError as exc:
        output = Path(log_name).read_text(encoding="utf-8", errors="replace")
        raise AssertionError(f"{exc}\n{output}") from exc
    return ServedEmulator(**{f.name: getattr(served, f.name) for f in fields(Served)})


#: Stops a ``serve`` child process and returns its exit status.
stop_serve = stop_process


@pytest.fixture(scope="module")
def served_user_app() -> Iterator[ServedEmulator]:
    served = start_serve(REPO_ROOT / "tests" / "apps" / "user_app" / "template.yaml")
    yield served
    stop_serve(served.process)
