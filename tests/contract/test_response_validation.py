"""`serve --validate-responses` / `--strict`: handler responses checked against the spec."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from emulator.contract.response_validation import enable_response_validation
from emulator.testing import TestEmulator, start_emulator
from tests.conftest import REPO_ROOT

FAULTS = REPO_ROOT / "tests" / "apps" / "contract_faults" / "template.yaml"


@pytest.fixture(scope="module")
def shop() -> Iterator[TestEmulator]:
    with start_emulator(FAULTS) as emulator:
        yield emulator


def test_a_missing_required_field_is_logged_with_operation_status_and_path(
        shop: TestEmulator, caplog: pytest.LogCaptureFixture) -> None:
    assert enable_response_validation(shop, strict=False) == ["ShopApi"]
    with caplog.at_level(logging.WARNING, logger="emulator.contract.response_validation"):
        response = shop.client().get("/profile")
    assert response.status_code == 200  # not strict: the client gets the handler's answer
    request_id = response.headers["x-amzn-RequestId"]
    assert [r.getMessage() for r in caplog.records] == [
        f"{request_id} contract violation: GET /profile -> 200: body $: "
        "'email' is a required property"]


def test_strict_mode_answers_502_naming_the_violation(shop: TestEmulator) -> None:
    enable_response_validation(shop, strict=True)
    response = shop.client().get("/profile")
    assert response.status_code == 502
    assert response.get_json()["violations"] == [
        "GET /profile -> 200: body $: 'email' is a required property"]
    assert response.headers["X-Emulator-Layer"] == "response-validator"


def test_conforming_responses_and_the_gateways_own_answers_pass_untouched(
        shop: TestEmulator, caplog: pytest.LogCaptureFixture) -> None:
    enable_response_validation(shop, strict=True)
    with caplog.at_level(logging.WARNING, logger="emulator.contract.response_validation"):
        health = shop.client().get("/health")
        no_route = shop.client().get("/nope")
        crash = shop.client().get("/discount", query={"percent": "100"})
    assert health.status_code == 200 and health.get_json() == {"status": "ok"}
    assert no_route.status_code == 403 and no_route.headers["X-Emulator-Layer"] == "no-route"
    assert crash.status_code == 502 and crash.headers["X-Emulator-Layer"] == "integration"
    assert [r for r in caplog.records if r.name == "emulator.contract.response_validation"] == []
