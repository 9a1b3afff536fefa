"""Customised gateway responses end to end: tests/apps/validation on the in-process emulator.

ResponsesApi customises DEFAULT_4XX, DEFAULT_5XX, BAD_REQUEST_BODY and
MISSING_AUTHENTICATION_TOKEN in its definition; SamApi gets INTEGRATION_FAILURE from SAM's
``GatewayResponses``; HttpOrdersApi carries a DEFAULT_4XX customisation an HTTP API ignores.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from emulator.testing import ApiClient, TestEmulator, start_emulator
from tests.conftest import APPS

TEMPLATE = APPS / "validation" / "template.yaml"


@pytest.fixture(scope="module")
def app() -> Iterator[TestEmulator]:
    with start_emulator(TEMPLATE) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def api(app: TestEmulator) -> ApiClient:
    return app.client("ResponsesApi")


def test_a_customised_type_sets_status_headers_from_the_request_and_the_template(
        api: ApiClient) -> None:
    response = api.post("/orders", query={"channel": "web"}, json={"customer": 7},
                        headers={"X-Trace": "trace-42"})
    assert response.status_code == 422
    assert response.headers["X-Trace"] == "trace-42"
    assert response.headers["X-Channel"] == "web"
    assert response.headers["X-Stage"] == "v2"
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["x-amzn-ErrorType"] == "BadRequestException"
    body = response.get_json()
    assert body["message"] == "Invalid request body"
    assert body["requestId"] == response.headers["x-amzn-RequestId"]
    assert body["extendedRequestId"] == response.headers["x-amz-apigw-id"]
    assert body["resource"] == "POST /orders"
    assert body["details"] == "[$.customer: 7 is not of type 'string']"


def test_the_accept_header_picks_the_template_and_its_content_type(api: ApiClient) -> None:
    response = api.post("/orders", query={"channel": "web"}, json={},
                        headers={"Accept": "text/plain"})
    assert response.status_code == 422
    assert response.headers["Content-Type"] == "text/plain"
    assert response.get_data(as_text=True) == \
        f"invalid body ({response.headers['x-amzn-RequestId']})"


def test_a_specific_type_without_customisation_falls_back_to_default_4xx(
        api: ApiClient) -> None:
    response = api.post("/orders", json={"customer": "ada"})
    assert response.status_code == 400
    assert response.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert response.get_json() == {
        "error": "Missing required request parameters: [channel]",
        "type": "BAD_REQUEST_PARAMETERS",
        "requestId": response.headers["x-amzn-RequestId"],
    }


def test_the_missing_route_response_can_become_a_404(api: ApiClient) -> None:
    response = api.get("/nowhere")
    assert response.status_code == 404
    assert response.get_json() == {"message": "no such route: GET /v2/nowhere"}
    assert response.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"


def test_a_handler_failure_falls_back_to_default_5xx_with_its_own_status(
        api: ApiClient) -> None:
    response = api.post("/orders", query={"channel": "web"},
                        json={"customer": "ada", "explode": True})
    assert response.status_code == 502
    assert response.headers["X-Failure"] == "gateway"
    assert response.headers["X-Team"] == "orders"
    assert response.get_json() == {"message": "Internal server error"}


def test_sam_gateway_responses_customise_integration_failure(app: TestEmulator) -> None:
    sam = app.client("SamApi")
    response = sam.post("/pets", query={"owner": "ada"},
                        json={"name": "rex", "species": "dog", "explode": True})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "10"
    assert response.get_json() == {"problem": "Internal server error",
                                   "type": "INTEGRATION_FAILURE"}


def test_an_unknown_stage_ignores_every_customisation(api: ApiClient) -> None:
    response = api.get("/elsewhere/orders", stage_relative=False)
    assert response.status_code == 403
    assert response.get_json() == {"message": "Forbidden"}
    assert "Access-Control-Allow-Origin" not in response.headers


def test_http_apis_have_no_gateway_responses(app: TestEmulator) -> None:
    response = app.client("HttpOrdersApi").get("/nowhere")
    assert response.status_code == 404
    assert response.get_json() == {"message": "Not Found"}
