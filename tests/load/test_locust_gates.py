"""The load kit end to end: locust in subprocesses (it monkey-patches with gevent, so never
in the pytest process) against ``serve`` on free loopback ports, gates at the end."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.conftest import APPS, REPO_ROOT
from tests.e2e.conftest import free_port, start_serve, stop_serve

SLOW_APP = APPS / "slow"
pytestmark = pytest.mark.slow


def _smoke(*args: str, timeout_s: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "loadtests.smoke", *args], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=timeout_s)


def _gates(output: str) -> str:
    """The gate tables and failure reasons of a run's output (for assertion messages)."""
    keep, lines = False, []
    for line in output.splitlines():
        keep = keep or line.startswith("Load test gates")
        if keep:
            lines.append(line)
        if line.startswith("GATES "):
            keep = False
    return "\n".join(lines) or output[-3000:]


def _table_row(output: str, scope: str, metric: str) -> list[str]:
    rows = [line for line in output.splitlines() if line.startswith(f"{scope}  ")
            and line[len(scope):].split()[:1] == [metric]]
    assert len(rows) == 1, (scope, metric, output[-3000:])
    return rows[0][len(scope):].split()


def _system_section(output: str, system: str) -> str:
    """One system's gate table, from its title to its verdict line."""
    start = output.index(f"Load test gates: {system}\n")
    end = output.index("\nGATES ", start)
    return output[start:output.index("\n", end + 1)]


def test_the_smoke_gates_pass_on_every_system_served_by_the_root_template(
        tmp_path: Path) -> None:
    result = _smoke("--users", "10", "--run-time", "15", "--out", str(tmp_path),
                    timeout_s=300)
    output = result.stdout + result.stderr
    assert result.returncode == 0, _gates(output)
    assert "GATES FAILED" not in output and "smoke: gates passed" in output
    # Each system's own entry points, as the locustfile names them by route template;
    # cold starts are their own entries beside the warm routes in locust's own report.
    first_routes = {"gabi_yoga": "GET,/classes", "gambix_strata": "GET,/api/gambix/projects"}
    for system, route in first_routes.items():
        section = _system_section(output, system)
        assert _table_row(section, "(all routes)", "p95_ms")[-1] == "PASS", section
        assert "GATES PASSED" in section, section
        method, name = route.split(",")
        stats = (tmp_path / f"{system}_stats.csv").read_text(encoding="utf-8")
        assert f"\nCOLD,{method} {name}," in stats and f"\n{route}," in stats, stats
        assert (tmp_path / f"{system}.html").stat().st_size > 0


def test_a_deliberately_slowed_route_fails_its_gate_with_the_reason(tmp_path: Path) -> None:
    result = _smoke("--template", str(SLOW_APP / "template.yaml"),
                    "--targets", str(SLOW_APP / "targets.yaml"), "--locustfiles", str(SLOW_APP),
                    "--users", "4", "--run-time", "5", "--out", str(tmp_path), timeout_s=120)
    output = result.stdout + result.stderr
    assert result.returncode == 1, _gates(output)
    assert re.search(r"^  FAIL GET /slow p95_ms: measured 3\d\d ms > target 200 ms "
                     r"\(\d+ warm requests\)$", output, re.MULTILINE), output[-3000:]
    assert _table_row(output, "GET /slow", "p95_ms")[-1] == "FAIL"
    assert _table_row(output, "GET /fast", "p95_ms")[-1] == "PASS"
    assert "gates failed: slow_app" in output


def test_master_and_two_workers_produce_one_verdict_from_the_merged_stats(
        tmp_path: Path) -> None:
    served = start_serve(SLOW_APP / "template.yaml")
    master_port = free_port()
    locustfile = str(SLOW_APP / "slow_app.py")
    workers: list[subprocess.Popen[bytes]] = []
    try:
        host = served.api("ServerlessRestApi")
        for index in range(2):
            with (tmp_path / f"worker{index}.log").open("wb") as log:
                workers.append(subprocess.Popen(
                    [sys.executable, "-m", "locust", "-f", locustfile, "--worker",
                     "--master-host", "127.0.0.1", "--master-port", str(master_port)],
                    cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT))
        master = subprocess.run(
            [sys.executable, "-m", "locust", "-f", locustfile, "--headless", "--master",
             "--master-bind-host", "127.0.0.1", "--master-bind-port", str(master_port),
             "--expect-workers", "2", "--expect-workers-max-wait", "30",
             "-u", "4", "-r", "4", "-t", "6s", "--host", host, "--only-summary"],
            cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
        worker_codes = [worker.wait(timeout=30) for worker in workers]
        invocations = sum(stats["invocations"] for stats in requests.get(
            f"{served.origin}/_emulator/stats", timeout=5).json().values())
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        stop_serve(served.process)
    output = master.stdout + master.stderr
    worker_output = "".join((tmp_path / f"worker{i}.log").read_text() for i in range(2))

    assert master.returncode == 1, _gates(output)
    assert worker_codes == [0, 0], worker_output[-3000:]
    assert "2 workers connected" in output
    # One verdict, on the master; workers only ship their stats.
    assert output.count("Load test gates: slow_app") == 1
    assert "Load test gates" not in worker_output
    assert "  FAIL GET /slow p95_ms: measured" in output
    # The verdict counts the requests of both workers: every invocation the server saw,
    # but for requests cut off in flight when the users stopped (at most one per user).
    merged = int(_table_row(output, "(all routes)", "min_requests")[3])
    assert invocations - 4 <= merged <= invocations
