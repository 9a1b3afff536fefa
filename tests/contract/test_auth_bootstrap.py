"""The kit logs in only as the configured fixture user: schemathesis' own sign-up guess
(a spec with register and login routes) never runs, so it cannot crash or skew a run."""

from __future__ import annotations

from emulator.contract.runner import RunOptions, run_contract
from emulator.contract.targets import ContractTarget, discover_targets
from emulator.testing import start_emulator
from tests.conftest import REPO_ROOT

GAMBIX = REPO_ROOT / "handlers" / "gambix_strata" / "template.yaml"


def test_a_spec_with_register_and_login_routes_runs_without_schemathesis_auto_signup() -> None:
    # Gambix Strata's spec has POST /api/users/register and /api/users/login with $ref
    # bodies: schemathesis 4.32.5 detects a sign-up flow there and, left on, ends the run
    # with "generator raised StopIteration" before any case is sent.
    with start_emulator(GAMBIX) as emulator:
        configured = next(t for t in discover_targets(emulator)
                          if t.api_logical_id == "GambixStrataApi")
        unauthenticated = ContractTarget(configured.api_logical_id, configured.spec_path)
        result = run_contract(emulator, unauthenticated,
                              RunOptions(max_examples=1, phases=("examples",), seed=1))
    assert result.errors == []
    assert result.cases > 0
    # Without credentials every protected route is refused by the Cognito authorizer.
    assert {f.status for f in result.failures} <= {401}
