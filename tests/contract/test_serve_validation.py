"""`python -m emulator serve --validate-responses --strict` over a real socket."""

from __future__ import annotations

import requests

from tests.conftest import REPO_ROOT
from tests.e2e.conftest import start_serve, stop_serve

FAULTS = REPO_ROOT / "tests" / "apps" / "contract_faults" / "template.yaml"


def test_served_strict_validation_answers_502_and_logs_the_violation() -> None:
    served = start_serve(FAULTS, "--validate-responses", "--strict")
    try:
        broken = requests.get(f"{served.origin}/Prod/profile", timeout=10)
        fine = requests.get(f"{served.origin}/Prod/health", timeout=10)
    finally:
        stop_serve(served.process)
    assert broken.status_code == 502
    assert broken.json()["violations"] == [
        "GET /profile -> 200: body $: 'email' is a required property"]
    assert fine.status_code == 200
    log = served.output()
    assert "Response validation (strict): ShopApi" in log
    assert (f"{broken.headers['x-amzn-RequestId']} contract violation: GET /profile -> 200: "
            "body $: 'email' is a required property") in log


def test_strict_without_validate_responses_is_a_usage_error() -> None:
    import subprocess
    import sys

    completed = subprocess.run([sys.executable, "-m", "emulator", "serve", "--strict",
                                "--template", str(FAULTS)], cwd=REPO_ROOT,
                               capture_output=True, text=True, check=False, timeout=60)
    assert completed.returncode == 2
    assert "--strict needs --validate-responses" in completed.stderr
