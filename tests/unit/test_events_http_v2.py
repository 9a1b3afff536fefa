"""emulator.events (HTTP APIs: payload 2.0 and the HTTP API flavour of 1.0)."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.events import build_event, payload_format_version
from emulator.http import HttpRequest
from emulator.routing import Router
from emulator.spec import ApiModel, parse_api
from tests.unit.strategies import (
    config,
    encode_query,
    encode_segment,
    header_names,
    header_values,
    lambda_integration,
    param_values,
    query_pairs,
    request,
    routes,
)

REQUEST_ID = "0f2e1d3c-aaaa-bbbb-cccc-123456789abc"
EPOCH_MS = 1_584_039_838_390  # 12/Mar/2020:19:03:58 +0000


def event_for(api: ApiModel, req: HttpRequest, **kwargs: Any) -> dict[str, Any]:
    match = Router(api).match(req.method, req.path)
    assert match is not None
    return build_event(req, match, api, request_id=REQUEST_ID, time_epoch_ms=EPOCH_MS,
                       account_id="123456789012", **kwargs)


def http_api(version: str | None, paths: dict[str, list[str]], **kwargs: Any) -> ApiModel:
    doc_paths: dict[str, Any] = {}
    for path, methods in paths.items():
        doc_paths[path] = {("x-amazon-apigateway-any-method" if m == "ANY" else m.lower()): {
            "x-amazon-apigateway-integration": lambda_integration(version)} for m in methods}
    document = {"openapi": "3.0.1", "info": {"title": "t", "version": "1"}, "paths": doc_paths}
    return parse_api(config("HTTP", document, **kwargs))


V2 = http_api(None, {"/pets/{id}": ["GET"], "/items/{proxy+}": ["ANY"], "$default": ["ANY"]})
V1 = http_api("1.0", {"/pets/{id}": ["GET"], "$default": ["ANY"]})


def test_v2_event_has_the_documented_shape() -> None:
    event = event_for(V2, request("GET", "/pets/7", query="a=1&a=2&b=x",
                                  headers=(("User-Agent", "agent"),)))
    assert event["version"] == "2.0"
    assert event["routeKey"] == "GET /pets/{id}"
    assert event["rawPath"] == "/pets/7"
    assert event["rawQueryString"] == "a=1&a=2&b=x"
    assert event["queryStringParameters"] == {"a": "1,2", "b": "x"}
    assert event["pathParameters"] == {"id": "7"}
    assert event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["accountId"] == "123456789012"
    assert context["apiId"] == "abc123defg"
    assert context["domainName"] == "127.0.0.1:3000"
    assert context["domainPrefix"] == "127"
    assert context["http"] == {"method": "GET", "path": "/pets/7", "protocol": "HTTP/1.1",
                               "sourceIp": "127.0.0.1", "userAgent": "agent"}
    assert context["requestId"] == REQUEST_ID
    assert context["routeKey"] == "GET /pets/{id}"
    assert context["stage"] == "$default"
    assert context["time"] == "12/Mar/2020:19:03:58 +0000"
    assert context["timeEpoch"] == EPOCH_MS
    assert "authorizer" not in context and "authentication" not in context


def test_v2_omits_optional_keys_when_absent() -> None:
    event = event_for(V2, request("GET", "/anything"))
    for key in ("cookies", "queryStringParameters", "pathParameters", "stageVariables", "body"):
        assert key not in event
    assert event["routeKey"] == "$default"


def test_v2_headers_are_lower_case_and_duplicates_comma_joined() -> None:
    event = event_for(V2, request("GET", "/pets/1", headers=(
        ("X-Probe", "first"), ("x-probe", "second"), ("Accept", "*/*"))))
    assert event["headers"]["x-probe"] == "first,second"
    assert event["headers"]["accept"] == "*/*"
    assert all(name == name.lower() for name in event["headers"])


def test_v2_cookies_come_from_cookie_headers_which_are_removed() -> None:
    event = event_for(V2, request("GET", "/pets/1", headers=(
        ("Cookie", "session=abc123; theme=dark;"), ("cookie", "a=1;b=2"))))
    assert event["cookies"] == ["session=abc123", "theme=dark", "a=1", "b=2"]
    assert "cookie" not in event["headers"]


def test_v2_greedy_path_parameter_is_named_proxy() -> None:
    event = event_for(V2, request("DELETE", "/items/a/b"))
    assert event["pathParameters"] == {"proxy": "a/b"}
    assert event["routeKey"] == "ANY /items/{proxy+}"


def test_v2_raw_path_is_decoded_and_raw_query_is_not() -> None:
    event = event_for(V2, request("GET", "/capture/space%20value", query="r=https%3A%2F%2Fx"))
    assert event["rawPath"] == "/capture/space value"
    assert event["requestContext"]["http"]["path"] == "/capture/space value"
    assert event["rawQueryString"] == "r=https%3A%2F%2Fx"
    assert event["queryStringParameters"] == {"r": "https://x"}


def test_v2_named_stage_puts_the_stage_back_in_raw_path() -> None:
    api = http_api("2.0", {"/pets": ["GET"]}, stage="dev", stage_variables={"table": "t1"})
    event = event_for(api, request("GET", "/pets"))
    assert event["rawPath"] == "/dev/pets"
    assert event["requestContext"]["stage"] == "dev"
    assert event["stageVariables"] == {"table": "t1"}


@pytest.mark.parametrize("content_type", ["text/plain", "text/html; charset=utf-8",
                                          "application/json", "application/xml",
                                          "application/javascript"])
def test_v2_text_content_types_are_sent_as_text(content_type: str) -> None:
    event = event_for(V2, request("POST", "/x", body=b"hello",
                                  headers=(("Content-Type", content_type),)))
    assert (event["body"], event["isBase64Encoded"]) == ("hello", False)


@pytest.mark.parametrize("content_type", [None, "application/octet-stream", "image/png",
                                          "application/x-www-form-urlencoded"])
def test_v2_other_bodies_are_base64_encoded(content_type: str | None) -> None:
    headers = (("Content-Type", content_type),) if content_type else ()
    event = event_for(V2, request("POST", "/x", body=b"a=1", headers=headers))
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"a=1"


def test_v2_authorizer_context_is_included_when_given() -> None:
    authorizer = {"jwt": {"claims": {"sub": "u1"}, "scopes": None}}
    event = event_for(V2, request("GET", "/pets/1"), authorizer=authorizer)
    assert event["requestContext"]["authorizer"] == authorizer


def test_http_api_payload_version_picks_the_builder() -> None:
    match = Router(V1).match("GET", "/pets/1")
    assert match is not None and payload_format_version(V1, match) == "1.0"
    rest = routes("REST", {"/a": ["GET"]})
    rest_match = Router(rest).match("GET", "/a")
    assert rest_match is not None and payload_format_version(rest, rest_match) == "1.0"


def test_http_v1_event_is_rest_shaped_with_http_api_differences() -> None:
    event = event_for(V1, request("GET", "/pets/7", query="k=1&k=2",
                                  headers=(("X-Probe", "a"), ("X-Probe", "b"),
                                           ("Cookie", "c=1"))))
    assert event["version"] == "1.0"
    assert event["resource"] == "/pets/{id}"
    assert event["path"] == "/pets/7"
    assert event["httpMethod"] == "GET"
    assert event["headers"]["x-probe"] == "b"
    assert event["multiValueHeaders"]["x-probe"] == ["a", "b"]
    assert event["headers"]["cookie"] == "c=1"
    assert "cookies" not in event
    assert event["queryStringParameters"] == {"k": "2"}
    assert event["multiValueQueryStringParameters"] == {"k": ["1", "2"]}
    assert event["pathParameters"] == {"id": "7"}
    assert event["stageVariables"] is None
    assert event["body"] is None
    context = event["requestContext"]
    assert context["resourceId"] is None
    assert context["resourcePath"] == "/pets/{id}"
    assert context["stage"] == "$default"
    assert context["requestTime"] == "12/Mar/2020:19:03:58 +0000"
    assert "operationName" not in context
    assert "apiKey" not in context["identity"]


def test_http_v1_default_route_resource_is_the_request_path() -> None:
    event = event_for(V1, request("POST", "/some/where", body=b"{}",
                                  headers=(("Content-Type", "application/json"),)))
    assert event["resource"] == "/some/where"
    assert event["requestContext"]["resourcePath"] == "/some/where"
    assert (event["body"], event["isBase64Encoded"]) == ("{}", False)


@given(pairs=query_pairs)
def test_v2_query_round_trips_comma_joined_in_order(pairs: list[tuple[str, str]]) -> None:
    raw = encode_query(pairs)
    event = event_for(V2, request("GET", "/pets/1", query=raw))
    expected: dict[str, list[str]] = {}
    for key, value in pairs:
        expected.setdefault(key, []).append(value)
    assert event["rawQueryString"] == raw
    assert event.get("queryStringParameters", {}) == {k: ",".join(v) for k, v in expected.items()}


@given(headers=st.lists(st.tuples(header_names, header_values), max_size=8))
def test_v2_header_lookups_survive_case_changes(headers: list[tuple[str, str]]) -> None:
    event = event_for(V2, request("GET", "/pets/1", headers=tuple(headers)))
    for name, _ in headers:
        sent = [v for n, v in headers if n.lower() == name.lower()]
        assert event["headers"][name.lower()] == ",".join(sent)


@given(value=param_values.filter(lambda v: not {"/", "%", "?"} & set(v)))
def test_v2_path_parameters_reproduce_the_decoded_segment(value: str) -> None:
    event = event_for(V2, request("GET", "/pets/" + encode_segment(value)))
    assert event["pathParameters"] == {"id": value}
    assert event["rawPath"] == "/pets/" + value
