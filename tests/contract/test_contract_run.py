"""`emulator contract`: the run fails with a clear, reproducible message on a broken
contract, and every reference system passes its own at the default example count."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

from emulator.contract import DEFAULT_MAX_EXAMPLES
from emulator.contract.runner import RunOptions, run_contract
from emulator.contract.targets import discover_targets
from emulator.testing import start_emulator
from tests.conftest import REPO_ROOT

FAULTS = REPO_ROOT / "tests" / "apps" / "contract_faults" / "template.yaml"


def _contract(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "emulator", "contract", *args], cwd=REPO_ROOT,
                          capture_output=True, text=True, check=False, timeout=600)


def test_a_dropped_required_field_and_a_boundary_500_fail_the_run_reproducibly(
        tmp_path: Path) -> None:
    report = tmp_path / "junit.xml"
    completed = _contract("--template", str(FAULTS), "--max-examples", "10", "--seed", "1",
                          "--report", str(report))
    out = completed.stdout
    assert completed.returncode == 1, completed.stderr
    # (a) the handler drops "email", which the 200 schema requires
    assert "FAIL ShopApi GET /profile" in out and '"email" is a required property' in out
    assert "reproduce: curl -X GET --insecure http://127.0.0.1:3000/Prod/profile" in out
    # (b) percent=100 divides by zero: the gateway's 502, with the request id to find the log
    assert "FAIL ShopApi GET /discount [not_a_server_error" in out
    assert "percent=100" in out
    assert "answered by the gateway's integration layer, not the handler" in out
    assert "request id " in out
    failed = {case.get("name") for case in ElementTree.parse(report).iter("testcase")
              if case.find("failure") is not None}
    assert failed == {"GET /profile", "GET /discount"}


def test_usage_errors_exit_2_with_one_line() -> None:
    completed = _contract("--spec", "openapi/no_such.yaml")
    assert completed.returncode == 2
    assert "no such file" in completed.stderr
    assert _contract("--phases", "examples,bogus").returncode == 2


def test_every_reference_system_passes_its_contract_at_the_default_example_count() -> None:
    with start_emulator(REPO_ROOT / "template.yaml") as emulator:
        targets = discover_targets(emulator)
        assert {t.api_logical_id for t in targets} >= {"GabiYoga/GabiYogaApi"}
        for target in targets:
            result = run_contract(emulator, target,
                                  RunOptions(max_examples=DEFAULT_MAX_EXAMPLES, seed=1))
            assert result.passed, "\n".join(
                [*(f"{f.operation} {f.checks} {f.messages} {f.curl}" for f in result.failures),
                 *result.errors])
            assert result.cases > 500
