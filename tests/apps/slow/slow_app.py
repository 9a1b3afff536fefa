"""Locustfile of the slowed app: half the requests to GET /fast, half to GET /slow."""

from __future__ import annotations

import sys
from pathlib import Path

from locust import constant, task

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from loadtests.common.plugin import SystemUser, install  # noqa: E402

install("slow_app", Path(__file__).with_name("targets.yaml"))


class Caller(SystemUser):
    wait_time = constant(0.05)

    @task
    def fast(self) -> None:
        self.client.get("/fast", name="/fast")

    @task
    def slow(self) -> None:
        self.client.get("/slow", name="/slow")
