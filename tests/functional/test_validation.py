"""Request validators end to end: tests/apps/validation on the in-process emulator.

OrdersApi is a Swagger 2 definition with named validators (default ``all``, operations
overriding it); SamApi is what SAM's ``RequestModel`` / ``RequestParameters`` emit (OpenAPI 3,
``components.schemas``); HttpOrdersApi carries the same extensions on an HTTP API, which has
no request validators.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from emulator.testing import ApiClient, TestEmulator, start_emulator
from tests.conftest import APPS

TEMPLATE = APPS / "validation" / "template.yaml"
TENANT = {"X-Tenant": "acme"}
ORDER: dict[str, Any] = {"customer": "ada", "status": "new",
                         "items": [{"sku": "SKU-1", "qty": 2}]}


@pytest.fixture(scope="module")
def app() -> Iterator[TestEmulator]:
    with start_emulator(TEMPLATE) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def orders(app: TestEmulator) -> ApiClient:
    return app.client("OrdersApi")


@pytest.fixture(scope="module")
def sam(app: TestEmulator) -> ApiClient:
    return app.client("SamApi")


@pytest.fixture(scope="module")
def http(app: TestEmulator) -> ApiClient:
    return app.client("HttpOrdersApi")


def reached_handler(response: Any) -> bool:
    return response.status_code == 200 and response.get_json()["reached"] == "handler"


def test_a_valid_request_reaches_the_handler_with_its_body(orders: ApiClient) -> None:
    response = orders.post("/orders", json=ORDER, headers=TENANT)
    assert reached_handler(response)
    assert json.loads(response.get_json()["body"]) == ORDER


def test_missing_required_query_parameters_are_listed_in_a_400(sam: ApiClient) -> None:
    response = sam.get("/pets")
    assert response.status_code == 400
    assert response.get_json() == {
        "message": "Missing required request parameters: [X-Api-Version, species]"}
    assert response.headers["x-amzn-ErrorType"] == "BadRequestException"


def test_a_missing_required_header_is_a_400_and_header_case_does_not_matter(
        orders: ApiClient) -> None:
    missing = orders.get("/orders", query={"status": "new", "limit": "5"})
    assert missing.status_code == 400
    assert "Missing required request parameters: [X-Tenant]" in missing.get_data(as_text=True)
    present = orders.get("/orders", query={"status": "new", "limit": "5"},
                         headers={"x-tenant": "acme"})
    assert reached_handler(present)


def test_a_required_path_parameter_the_resource_lacks_is_missing(orders: ApiClient) -> None:
    response = orders.get("/orders/o-1/lines", headers=TENANT)
    assert response.status_code == 400
    assert "[lineId]" in response.get_data(as_text=True)
    assert reached_handler(orders.get("/orders/o-1", headers=TENANT))


@pytest.mark.parametrize("body", [
    {"customer": 7, "items": [{"sku": "SKU-1", "qty": 2}]},                  # type
    {"customer": "ada"},                                                      # required
    {**ORDER, "status": "lost"},                                              # enum
    {**ORDER, "items": [{"sku": "SKU-1", "qty": 2, "colour": "red"}]},       # additionalProperties
    {**ORDER, "items": []},                                                   # minItems
])
def test_an_invalid_body_is_rejected_before_the_handler(orders: ApiClient,
                                                        body: dict[str, Any]) -> None:
    response = orders.post("/orders", json=body, headers=TENANT)
    assert (response.status_code, response.get_json()) == (400, {"message": "Invalid request body"})
    assert response.headers["x-amzn-ErrorType"] == "BadRequestException"


def test_sam_request_model_validates_the_body_against_components_schemas(
        sam: ApiClient) -> None:
    ok = sam.post("/pets", query={"owner": "ada"}, json={"name": "rex", "species": "dog"})
    assert reached_handler(ok)
    bad = sam.post("/pets", query={"owner": "ada"}, json={"name": "rex", "species": "cow"})
    assert (bad.status_code, bad.get_json()) == (400, {"message": "Invalid request body"})
    no_body = sam.post("/pets", query={"owner": "ada"})
    assert no_body.status_code == 400


def test_sam_body_only_validator_does_not_check_parameters(sam: ApiClient) -> None:
    response = sam.put("/pets/p-1", json={"name": "rex", "species": "cat", "age": -1})
    assert response.status_code == 400
    assert reached_handler(sam.put("/pets/p-1", json={"name": "rex", "species": "cat"}))


def test_an_operation_validator_overrides_the_api_default(orders: ApiClient) -> None:
    # params-only: the body is not checked, the query parameter still is.
    junk = orders.post("/notes", query={"author": "ada"}, data="not json at all",
                       headers={"Content-Type": "application/json"})
    assert reached_handler(junk)
    assert orders.post("/notes", json=ORDER).status_code == 400


def test_an_operation_whose_validator_validates_nothing_is_not_validated(
        orders: ApiClient) -> None:
    response = orders.post("/free", data="not json", headers={"Content-Type": "application/json"})
    assert reached_handler(response)


def test_a_body_of_a_type_without_a_model_is_not_validated(orders: ApiClient) -> None:
    response = orders.post("/orders", data="<order/>",
                           headers={**TENANT, "Content-Type": "application/xml"})
    assert reached_handler(response)


def test_http_apis_validate_nothing(http: ApiClient) -> None:
    response = http.post("/orders", data="not json", headers={"Content-Type": "application/json"})
    assert reached_handler(response)


def test_a_validation_failure_is_logged_with_the_precise_reason(
        orders: ApiClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="emulator")
    response = orders.post("/orders", json={**ORDER, "status": "lost"}, headers=TENANT)
    request_id = response.headers["x-amzn-RequestId"]
    lines = [record.getMessage() for record in caplog.records
             if record.name == "emulator.policy.validation"]
    assert len(lines) == 1
    line = lines[0]
    assert request_id in line and "POST /orders" in line and "'all'" in line
    assert "gateway 400, not the handler" in line
    assert "$.status: 'lost' is not one of ['new', 'paid', 'shipped']" in line
    assert any("BAD_REQUEST_BODY" in record.getMessage() for record in caplog.records
               if record.name == "emulator.gateway")
