"""REST API (payload 1.0) through the gateway: event shape, routing and every error rule."""

from __future__ import annotations

import base64
import json
import logging
import time
from typing import Any

import pytest

from emulator.testing import ApiClient, TestEmulator


def _echo(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return json.loads(response.get_data(as_text=True))  # type: ignore[no-any-return]


def test_rest_event_carries_every_field_of_a_real_proxy_event(
        rest: ApiClient, sample: TestEmulator) -> None:
    before_ms = int(time.time() * 1000)
    response = rest.get("/echo", query="a=1&a=2&b=x",
                        headers={"X-Custom": "v", "User-Agent": "pytest-agent"})
    event = _echo(response)["event"]
    assert event["resource"] == "/echo"
    assert event["path"] == "/echo"
    assert event["httpMethod"] == "GET"
    assert event["queryStringParameters"] == {"a": "2", "b": "x"}
    assert event["multiValueQueryStringParameters"] == {"a": ["1", "2"], "b": ["x"]}
    assert event["pathParameters"] is None
    assert event["stageVariables"] is None
    assert event["body"] is None
    assert event["isBase64Encoded"] is False
    assert event["headers"]["X-Custom"] == "v"
    assert event["multiValueHeaders"]["X-Custom"] == ["v"]
    context = event["requestContext"]
    api_id = sample.gateways["ServerlessRestApi"].api.config.api_id
    assert context["apiId"] == api_id
    assert context["stage"] == "Prod"
    assert context["path"] == "/Prod/echo"
    assert context["resourcePath"] == "/echo"
    assert context["httpMethod"] == "GET"
    assert context["accountId"] == "123456789012"
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["identity"]["userAgent"] == "pytest-agent"
    assert context["requestId"] == response.headers["x-amzn-RequestId"]
    assert before_ms - 1000 <= context["requestTimeEpoch"] <= int(time.time() * 1000) + 1000
    assert context["protocol"] == "HTTP/1.1"
    assert context["domainName"]


def test_rest_handler_gets_the_lambda_context_and_environment(
        rest: ApiClient, sample: TestEmulator) -> None:
    body = _echo(rest.get("/echo"))
    function = sample.stack.functions["EchoFunction"]
    assert body["context"]["function_name"] == function.name
    assert body["context"]["invoked_function_arn"] == function.arn
    assert body["context"]["memory_limit_in_mb"] == 256
    assert 0 < body["context"]["remaining_ms"] <= 3000
    assert body["context"]["log_group_name"] == f"/aws/lambda/{function.name}"
    env = body["environment"]
    resources = sample.stack.resources
    assert env["TABLE_NAME"] == resources["ItemsTable"].physical_id
    assert env["GREETING"] == "Hello, us-east-1"
    assert env["LOG_LEVEL"] == "DEBUG"
    assert env["SECOND_FLAG"] == "beta"
    assert env["JOINED"] == f"{sample.stack.name}-dev"
    assert env["QUEUE_URL"] == resources["JobsQueue"].physical_id
    assert env["QUEUE_ARN"].startswith("arn:aws:sqs:us-east-1:123456789012:")
    assert env["BUCKET"] == resources["UploadsBucket"].physical_id
    assert env["USER_POOL_ID"] == resources["UserPool"].physical_id
    assert env["ONLY_IN_PROD"] is None
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == function.name
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert env["AWS_REGION"] == "us-east-1"
    assert env["_HANDLER"] == "app.handler"
    assert body["layer"] == "shared-layer"


def test_static_path_beats_parameter_which_beats_greedy(rest: ApiClient) -> None:
    assert _echo(rest.get("/echo/static"))["event"]["resource"] == "/echo/static"
    param = _echo(rest.get("/echo/bob"))["event"]
    assert param["resource"] == "/echo/{name}"
    assert param["pathParameters"] == {"name": "bob"}
    greedy = _echo(rest.get("/files/a/b/c.txt"))["event"]
    assert greedy["resource"] == "/files/{proxy+}"
    assert greedy["pathParameters"] == {"proxy": "a/b/c.txt"}


def test_any_method_route_accepts_every_verb(rest: ApiClient) -> None:
    for method in ("DELETE", "PATCH", "PUT", "POST"):
        event = _echo(rest.request(method, "/echo/bob", data="payload"))["event"]
        assert event["httpMethod"] == method
        assert event["body"] == "payload"


@pytest.mark.parametrize(("method", "path"), [("GET", "/nothing-here"), ("POST", "/echo"),
                                             ("GET", "/")])
def test_unmatched_route_is_403_missing_authentication_token(
        rest: ApiClient, method: str, path: str) -> None:
    response = rest.request(method, path)
    assert response.status_code == 403
    assert response.get_json() == {"message": "Missing Authentication Token"}
    assert response.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"


def test_unknown_stage_is_403_forbidden(rest: ApiClient) -> None:
    response = rest.get("/Beta/echo", stage_relative=False)
    assert response.status_code == 403
    assert response.get_json() == {"message": "Forbidden"}


def test_handler_exception_is_502_and_the_traceback_only_reaches_the_log(
        rest: ApiClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        response = rest.get("/behaviour/raise")
    assert response.status_code == 502
    assert response.get_json() == {"message": "Internal server error"}
    assert b"secret traceback" not in response.get_data()
    assert "deliberate failure with a secret traceback" in caplog.text


@pytest.mark.parametrize("case", ["no-status", "dict-body", "not-a-dict", "big"])
def test_malformed_proxy_result_is_502(rest: ApiClient, case: str) -> None:
    response = rest.get(f"/behaviour/{case}")
    assert response.status_code == 502
    assert response.get_json() == {"message": "Internal server error"}


def test_function_timeout_answers_502_at_the_timeout_and_discards_the_environment(
        rest: ApiClient) -> None:
    started = time.monotonic()
    response = rest.get("/behaviour/sleep")  # sleeps 5 s; the function's Timeout is 1 s
    elapsed = time.monotonic() - started
    assert response.status_code == 502
    assert elapsed < 4.5, "the client must not wait for the handler to finish"
    after = rest.get("/behaviour/status", query="code=200")
    assert after.status_code == 200
    assert "X-Emulator-Cold-Start" in after.headers, "a timed-out environment is never reused"


def test_integration_timeout_is_504_endpoint_request_timed_out(rest: ApiClient) -> None:
    response = rest.get("/quick/nap")  # 0.8 s handler behind a 300 ms integration timeout
    assert response.status_code == 504
    assert response.get_json() == {"message": "Endpoint request timed out"}


def test_multi_value_headers_win_over_single_value_headers(rest: ApiClient) -> None:
    response = rest.get("/behaviour/multi")
    assert response.status_code == 200
    assert response.headers.getlist("X-Dup") == ["m1", "m2"]
    assert response.headers["X-One"] == "1"


def test_status_code_of_the_handler_reaches_the_client(rest: ApiClient) -> None:
    response = rest.get("/behaviour/status", query="code=418")
    assert response.status_code == 418
    assert response.get_json() == {"code": 418}


def test_binary_result_is_decoded_only_when_accept_matches_a_binary_media_type(
        rest: ApiClient) -> None:
    binary = rest.get("/behaviour/picture", headers={"Accept": "image/png"})
    assert binary.status_code == 200
    assert binary.get_data().startswith(b"\x89PNG")
    text = rest.get("/behaviour/picture", headers={"Accept": "application/json"})
    assert base64.b64decode(text.get_data()).startswith(b"\x89PNG")


def test_binary_request_body_reaches_the_handler_base64_encoded(explicit: ApiClient) -> None:
    # Globals.Api.BinaryMediaTypes replaces the list in the included definition, as the
    # SAM transform does on AWS.
    payload = bytes(range(256))
    event = _echo(explicit.post("/picture", data=payload,
                                headers={"Content-Type": "image/png"}))["event"]
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == payload


def test_request_over_10_mb_is_413(rest: ApiClient) -> None:
    response = rest.post("/echo/big", data=b"x" * (10 * 1024 * 1024 + 1))
    assert response.status_code == 413


def test_explicit_api_routes_by_its_openapi_definition_with_stage_variables(
        explicit: ApiClient) -> None:
    event = _echo(explicit.get("/hello/world"))["event"]
    assert event["resource"] == "/hello/{name}"
    assert event["requestContext"]["stage"] == "dev"
    assert event["stageVariables"] == {"mode": "explicit"}
    assert _echo(explicit.request("PATCH", "/anything"))["event"]["httpMethod"] == "PATCH"


def test_rest_cors_preflight_is_answered_by_the_sam_generated_mock_integration(
        explicit: ApiClient) -> None:
    response = explicit.options("/hello/world", headers={
        "Origin": "https://app.example.com", "Access-Control-Request-Method": "GET"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert response.headers["Access-Control-Allow-Methods"] == "GET,POST,OPTIONS"
    assert response.headers["Access-Control-Allow-Headers"] == "Content-Type,Authorization"
    assert response.headers["Access-Control-Max-Age"] == "600"
