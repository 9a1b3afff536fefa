"""`contract_schema` + `@schema.parametrize()` in a user's own pytest suite (run as a
separate pytest process, as a user would)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO_ROOT

APP = REPO_ROOT / "tests" / "apps" / "contract_faults"

USER_SUITE = '''
from emulator.testing import contract_schema

schema = contract_schema("{spec}", template="{template}", max_examples=5)


@schema.include(path="{path}").parametrize()
def test_shop_keeps_its_contract(case):
    response = case.call_and_validate()
    layer = {{name.lower(): value for name, value in response.headers.items()}}["x-emulator-layer"]
    # the handler answers every declared method; undeclared ones reach no route (403)
    assert layer == ["handler" if case.method == "GET" else "no-route"]
'''


def _run_user_suite(tmp_path: Path, path: str) -> subprocess.CompletedProcess[str]:
    suite = tmp_path / "test_user_contract.py"
    suite.write_text(USER_SUITE.format(spec=APP / "openapi.yaml", template=APP / "template.yaml",
                                       path=path), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(suite)], cwd=tmp_path, env=env, capture_output=True, text=True,
                          check=False, timeout=300)


def test_a_user_suite_passes_on_an_operation_that_keeps_its_contract(tmp_path: Path) -> None:
    completed = _run_user_suite(tmp_path, "/health")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "passed" in completed.stdout


def test_a_user_suite_fails_on_a_handler_that_drops_a_required_field(tmp_path: Path) -> None:
    completed = _run_user_suite(tmp_path, "/profile")
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert '"email" is a required property' in completed.stdout
