"""The contract regression gate, as CI runs it: no published spec breaks against main."""

from __future__ import annotations

import pytest

from emulator.contract import gate
from tests.conftest import REPO_ROOT


def test_no_published_contract_has_an_unaccepted_breaking_change_against_main(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO_ROOT)
    if gate.merge_base() is None:
        pytest.skip("no merge base with origin/main or main (shallow clone?): gate skipped")
    status = gate.main([])
    out = capsys.readouterr().out
    assert status == 0, out
    for spec in sorted((REPO_ROOT / "openapi").glob("*.yaml")):
        if spec.name != "accepted-changes.yaml":
            assert f"openapi/{spec.name}" in out  # compared, or reported as new
