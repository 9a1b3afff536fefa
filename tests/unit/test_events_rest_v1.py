"""emulator.events (REST, payload 1.0)."""

from __future__ import annotations

import base64
import re
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from emulator.events import build_event
from emulator.http import HttpRequest
from emulator.routing import Router
from emulator.spec import ApiModel
from tests.unit.strategies import (
    encode_query,
    encode_segment,
    header_names,
    header_values,
    param_values,
    query_pairs,
    request,
    routes,
)

REQUEST_ID = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
EPOCH_MS = 1_428_582_896_000  # 09/Apr/2015:12:34:56 +0000


def event_for(api: ApiModel, req: HttpRequest, **kwargs: Any) -> dict[str, Any]:
    match = Router(api).match(req.method, req.path)
    assert match is not None
    return build_event(req, match, api, request_id=REQUEST_ID, time_epoch_ms=EPOCH_MS,
                       account_id="123456789012", **kwargs)


PETS = routes("REST", {"/pets/{id}": ["GET"], "/{proxy+}": ["ANY"], "/": ["GET"]},
              stage_variables={"env": "local"})


def test_rest_event_has_every_top_level_field() -> None:
    event = event_for(PETS, request("GET", "/pets/7"))
    assert set(event) == {
        "resource", "path", "httpMethod", "headers", "multiValueHeaders",
        "queryStringParameters", "multiValueQueryStringParameters", "pathParameters",
        "stageVariables", "requestContext", "body", "isBase64Encoded"}
    assert event["resource"] == "/pets/{id}"
    assert event["path"] == "/pets/7"
    assert event["httpMethod"] == "GET"
    assert event["pathParameters"] == {"id": "7"}
    assert event["stageVariables"] == {"env": "local"}


def test_request_context_carries_realistic_values() -> None:
    context = event_for(PETS, request("GET", "/pets/7", headers=(("User-Agent", "curl/8"),),
                                      host="abc123defg.execute-api.localhost:3000",
                                      source_ip="10.1.2.3"))["requestContext"]
    assert context["accountId"] == "123456789012"
    assert context["apiId"] == "abc123defg"
    assert context["domainName"] == "abc123defg.execute-api.localhost:3000"
    assert context["domainPrefix"] == "abc123defg"
    assert re.fullmatch(r"[A-Za-z0-9+/]{15}=", context["extendedRequestId"])
    assert context["httpMethod"] == "GET"
    assert context["path"] == "/Prod/pets/7"
    assert context["protocol"] == "HTTP/1.1"
    assert context["requestId"] == REQUEST_ID
    assert context["requestTime"] == "09/Apr/2015:12:34:56 +0000"
    assert context["requestTimeEpoch"] == EPOCH_MS
    assert re.fullmatch(r"[a-z0-9]{6}", context["resourceId"])
    assert context["resourcePath"] == "/pets/{id}"
    assert context["stage"] == "Prod"
    assert context["operationName"] == "GET/pets/{id}"
    assert "authorizer" not in context
    identity = context["identity"]
    assert identity["sourceIp"] == "10.1.2.3"
    assert identity["userAgent"] == "curl/8"
    for key in ("accessKey", "accountId", "caller", "cognitoAuthenticationProvider",
                "cognitoAuthenticationType", "cognitoIdentityId", "cognitoIdentityPoolId",
                "principalOrgId", "user", "userArn", "clientCert", "apiKey", "apiKeyId"):
        assert identity[key] is None


def test_resource_id_is_stable_per_resource_and_differs_between_resources() -> None:
    first = event_for(PETS, request("GET", "/pets/1"))["requestContext"]["resourceId"]
    again = event_for(PETS, request("GET", "/pets/2"))["requestContext"]["resourceId"]
    other = event_for(PETS, request("GET", "/x/y"))["requestContext"]["resourceId"]
    assert first == again != other


def test_authorizer_context_is_included_when_given() -> None:
    event = event_for(PETS, request("GET", "/pets/1"),
                      authorizer={"principalId": "user-1", "claims": {"sub": "1"}})
    assert event["requestContext"]["authorizer"] == {"principalId": "user-1",
                                                     "claims": {"sub": "1"}}


def test_empty_maps_are_null_not_empty_objects() -> None:
    api = routes("REST", {"/": ["GET"]})
    event = event_for(api, request("GET", "/"))
    assert event["queryStringParameters"] is None
    assert event["multiValueQueryStringParameters"] is None
    assert event["pathParameters"] is None
    assert event["stageVariables"] is None
    assert event["body"] is None
    assert event["isBase64Encoded"] is False
    assert event["requestContext"]["path"] == "/Prod/"


def test_duplicate_query_keys_keep_last_value_single_and_all_values_multi() -> None:
    event = event_for(PETS, request("GET", "/pets/1",
                                    query="repeat=one&repeat=two&plus=a+b&enc=a%2Bb&empty=&flag"))
    assert event["queryStringParameters"] == {"repeat": "two", "plus": "a b", "enc": "a+b",
                                              "empty": "", "flag": ""}
    assert event["multiValueQueryStringParameters"]["repeat"] == ["one", "two"]


def test_duplicate_headers_keep_last_value_single_and_all_values_multi() -> None:
    event = event_for(PETS, request("GET", "/pets/1",
                                    headers=(("X-Probe", "first"), ("X-Probe", "second"))))
    assert event["headers"]["X-Probe"] == "second"
    assert event["multiValueHeaders"]["X-Probe"] == ["first", "second"]


def test_gateway_adds_forwarded_and_trace_headers() -> None:
    headers = event_for(PETS, request("GET", "/pets/1", source_ip="10.0.0.9",
                                      host="localhost:3000"))["headers"]
    assert headers["X-Forwarded-For"] == "10.0.0.9"
    assert headers["X-Forwarded-Port"] == "3000"
    assert headers["X-Forwarded-Proto"] == "http"
    assert re.fullmatch(r"Root=1-[0-9a-f]{8}-[0-9a-f]{24}", headers["X-Amzn-Trace-Id"])


def test_existing_x_forwarded_for_gets_the_source_ip_appended() -> None:
    headers = event_for(PETS, request("GET", "/pets/1", source_ip="10.0.0.9",
                                      headers=(("X-Forwarded-For", "203.0.113.5"),)))["headers"]
    assert headers["X-Forwarded-For"] == "203.0.113.5, 10.0.0.9"


def test_path_and_path_parameters_keep_percent_encoding() -> None:
    event = event_for(PETS, request("GET", "/capture/space%20value"))
    assert event["path"] == "/capture/space%20value"
    assert event["pathParameters"] == {"proxy": "capture/space%20value"}
    assert event["requestContext"]["path"] == "/Prod/capture/space%20value"


def test_text_body_is_passed_as_a_string() -> None:
    event = event_for(PETS, request("POST", "/x", body='{"a": "λ"}'.encode(),
                                    headers=(("Content-Type", "application/json"),)))
    assert (event["body"], event["isBase64Encoded"]) == ('{"a": "λ"}', False)


def test_body_is_base64_when_content_type_matches_binary_media_types_with_wildcards() -> None:
    api = routes("REST", {"/{proxy+}": ["ANY"]}, binary=("image/*", "application/octet-stream"))
    payload = bytes(range(256))
    for content_type in ("image/png", "application/octet-stream", "IMAGE/JPEG; q=1"):
        event = event_for(api, request("POST", "/up", body=payload,
                                       headers=(("Content-Type", content_type),)))
        assert event["isBase64Encoded"] is True
        assert base64.b64decode(event["body"]) == payload
    text = event_for(api, request("POST", "/up", body=b"hi",
                                  headers=(("Content-Type", "text/plain"),)))
    assert (text["body"], text["isBase64Encoded"]) == ("hi", False)


def test_star_slash_star_binary_media_type_encodes_every_body() -> None:
    api = routes("REST", {"/{proxy+}": ["ANY"]}, binary=("*/*",))
    event = event_for(api, request("POST", "/up", body=b"{}",
                                   headers=(("Content-Type", "application/json"),)))
    assert event["isBase64Encoded"] is True and event["body"] == "e30="


def test_http_method_is_the_request_method_for_any_routes() -> None:
    event = event_for(PETS, request("DELETE", "/things/9"))
    assert event["httpMethod"] == "DELETE" and event["resource"] == "/{proxy+}"


@given(pairs=query_pairs)
def test_every_query_pair_appears_in_multi_value_query_in_order(
        pairs: list[tuple[str, str]]) -> None:
    event = event_for(PETS, request("GET", "/pets/1", query=encode_query(pairs)))
    multi = event["multiValueQueryStringParameters"] or {}
    expected: dict[str, list[str]] = {}
    for key, value in pairs:
        expected.setdefault(key, []).append(value)
    assert multi == expected
    single = event["queryStringParameters"] or {}
    assert single == {key: values[-1] for key, values in expected.items()}


@given(headers=st.lists(st.tuples(header_names, header_values), max_size=8))
def test_header_lookups_survive_case_changes(headers: list[tuple[str, str]]) -> None:
    event = event_for(PETS, request("GET", "/pets/1", headers=tuple(headers)))
    multi = event["multiValueHeaders"]
    for name, _ in headers:
        sent = [v for n, v in headers if n.lower() == name.lower()]
        received = [v for key, values in multi.items() if key.lower() == name.lower()
                    for v in values]
        assert received == sent
        assert event["headers"][name] == [v for n, v in headers if n == name][-1]


@given(values=st.lists(param_values.filter(lambda v: "/" not in v), min_size=1, max_size=4))
def test_path_parameters_reproduce_the_sent_segments(values: list[str]) -> None:
    template = "/r/" + "/".join(f"{{p{i}}}" for i in range(len(values)))
    api = routes("REST", {template: ["GET"]})
    sent = [encode_segment(v) for v in values]
    event = event_for(api, request("GET", "/r/" + "/".join(sent)))
    assert event["pathParameters"] == {f"p{i}": s for i, s in enumerate(sent)}
    assert event["path"] == "/r/" + "/".join(sent)
