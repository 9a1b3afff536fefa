"""HTTP API (payload 2.0 and 1.0) through the gateway: event shape, inference, errors, CORS."""

from __future__ import annotations

import json
from typing import Any

from emulator.testing import ApiClient


def _event(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return json.loads(response.get_data(as_text=True))["event"]  # type: ignore[no-any-return]


def test_http_v2_event_has_raw_path_cookies_and_joined_duplicates(http: ApiClient) -> None:
    response = http.request("GET", "/v2/echo/42", query="q=1&q=2&x=y",
                            headers=[("X-Dup", "one"), ("X-Dup", "two"),
                                     ("Cookie", "session=abc; theme=dark")])
    event = _event(response)
    assert event["version"] == "2.0"
    assert event["routeKey"] == "GET /v2/echo/{id}"
    assert event["rawPath"] == "/v2/echo/42"
    assert event["rawQueryString"] == "q=1&q=2&x=y"
    assert event["queryStringParameters"] == {"q": "1,2", "x": "y"}
    assert event["pathParameters"] == {"id": "42"}
    assert event["cookies"] == ["session=abc", "theme=dark"]
    assert event["headers"]["x-dup"] == "one,two"
    assert all(name == name.lower() for name in event["headers"])
    assert "multiValueHeaders" not in event
    context = event["requestContext"]
    assert context["http"]["method"] == "GET"
    assert context["http"]["path"] == "/v2/echo/42"
    assert context["http"]["sourceIp"] == "127.0.0.1"
    assert context["stage"] == "$default"
    assert context["routeKey"] == "GET /v2/echo/{id}"
    assert isinstance(context["timeEpoch"], int)


def test_http_api_with_payload_1_0_gets_a_version_1_event(http: ApiClient) -> None:
    event = _event(http.get("/v1format/echo", query="a=1"))
    assert event["version"] == "1.0"
    assert event["httpMethod"] == "GET"
    assert event["queryStringParameters"] == {"a": "1"}
    assert "multiValueHeaders" in event


def test_http_api_unmatched_route_is_404_not_found(http: ApiClient) -> None:
    response = http.get("/nothing-here")
    assert response.status_code == 404
    assert response.get_json() == {"message": "Not Found"}


def test_http_api_handler_exception_is_500(http: ApiClient) -> None:
    response = http.get("/v2/behaviour/raise")
    assert response.status_code == 500
    assert response.get_json() == {"message": "Internal Server Error"}


def test_http_api_function_timeout_is_500(http: ApiClient) -> None:
    response = http.get("/v2/behaviour/sleep")
    assert response.status_code == 500
    assert response.get_json() == {"message": "Internal Server Error"}


def test_http_api_integration_timeout_is_503(http: ApiClient) -> None:
    response = http.get("/v2/quick/nap")
    assert response.status_code == 503
    assert response.get_json() == {"message": "Service Unavailable"}


def test_http_v2_result_without_status_code_is_a_200_json_body(http: ApiClient) -> None:
    response = http.get("/v2/behaviour/bare-dict")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.get_json() == {"message": "inferred"}
    # A dict with a body but no statusCode is still inferred: the whole dict is the body.
    assert http.get("/v2/behaviour/no-status").get_json() == {"body": "where is my status"}


def test_http_v2_cookies_become_one_set_cookie_header_each(http: ApiClient) -> None:
    response = http.get("/v2/behaviour/cookies")
    assert response.headers.getlist("Set-Cookie") == ["a=1; Path=/", "b=2; HttpOnly"]


def test_http_v2_base64_result_is_always_decoded(http: ApiClient) -> None:
    response = http.get("/v2/behaviour/picture")
    assert response.get_data().startswith(b"\x89PNG")


def test_http_api_answers_cors_preflight_itself(cors_http: ApiClient) -> None:
    response = cors_http.options("/cors/echo", headers={
        "Origin": "https://app.example.com", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "content-type"})
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert response.headers["Access-Control-Max-Age"] == "300"


def test_http_api_cors_headers_added_to_actual_responses_for_allowed_origins_only(
        cors_http: ApiClient) -> None:
    allowed = cors_http.get("/cors/echo", headers={"Origin": "https://app.example.com"})
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert allowed.headers["Access-Control-Expose-Headers"] == "x-request-id"
    other = cors_http.get("/cors/echo", headers={"Origin": "https://evil.example.com"})
    assert other.status_code == 200
    assert "Access-Control-Allow-Origin" not in other.headers
