"""emulator.responses: proxy result -> HTTP response."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.config import MAX_RESPONSE_BYTES
from emulator.http import HttpResponse
from emulator.responses import MalformedResponse, translate_result
from emulator.spec import ApiModel
from tests.unit.strategies import request, routes

REST = routes("REST", {"/a": ["GET"]})
REST_BINARY = routes("REST", {"/a": ["GET"]}, binary=("image/*",))
HTTP = routes("HTTP", {"/a": ["GET"]})


def rest(result: Any, *, api: ApiModel = REST, accept: str | None = None) -> HttpResponse:
    headers = (("Accept", accept),) if accept else ()
    return translate_result(result, api=api, payload_format_version="1.0",
                            request=request("GET", "/a", headers=headers))


def v2(result: Any) -> HttpResponse:
    return translate_result(result, api=HTTP, payload_format_version="2.0", request=request())


def http_v1(result: Any) -> HttpResponse:
    return translate_result(result, api=HTTP, payload_format_version="1.0", request=request())


def test_rest_result_becomes_status_headers_and_body() -> None:
    response = rest({"statusCode": 201, "headers": {"X-A": "1"}, "body": "made"})
    assert response.status == 201
    assert response.header("X-A") == "1"
    assert response.body == b"made"


def test_rest_numeric_string_status_is_accepted() -> None:
    assert rest({"statusCode": "404", "body": ""}).status == 404


@pytest.mark.parametrize("result", [
    None, "text", [1], {"body": "no status"}, {"statusCode": "abc"}, {"statusCode": True},
    {"statusCode": 99}, {"statusCode": 600}, {"statusCode": 200, "body": {"json": "object"}},
    {"statusCode": 200, "body": 5}, {"statusCode": 200, "headers": ["X-A: 1"]},
    {"statusCode": 200, "headers": {"X-A": {"nested": 1}}},
    {"statusCode": 200, "multiValueHeaders": {"X-A": "not-a-list"}},
    {"statusCode": 200, "isBase64Encoded": "yes"},
    {"statusCode": 200, "body": "", "unexpected": 1},
])
def test_rest_malformed_results_raise_with_a_reason(result: Any) -> None:
    with pytest.raises(MalformedResponse) as caught:
        rest(result)
    assert str(caught.value)


def test_malformed_message_names_the_offending_field() -> None:
    with pytest.raises(MalformedResponse, match="body must be a string, got dict"):
        rest({"statusCode": 200, "body": {"a": 1}})
    with pytest.raises(MalformedResponse, match="unexpected keys in proxy result: message"):
        rest({"statusCode": 200, "message": "hi"})


def test_non_string_header_values_are_sent_as_text_and_null_ones_dropped() -> None:
    response = rest({"statusCode": 200, "headers": {
        "Access-Control-Allow-Credentials": True, "X-Count": 3, "X-Gone": None}})
    assert response.header("Access-Control-Allow-Credentials") == "true"
    assert response.header("X-Count") == "3"
    assert response.header("X-Gone") is None


def test_multi_value_headers_win_over_headers_on_a_clash() -> None:
    response = rest({"statusCode": 200,
                     "headers": {"set-cookie": "dropped=1", "X-Keep": "k"},
                     "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]}})
    assert response.header_values("Set-Cookie") == ["a=1", "b=2"]
    assert response.header("X-Keep") == "k"


def test_rest_default_content_type_is_application_json() -> None:
    assert rest({"statusCode": 204}).header("Content-Type") == "application/json"
    assert rest({"statusCode": 200, "headers": {"content-type": "text/html"},
                 "body": "<p>"}).header_values("Content-Type") == ["text/html"]


def test_rest_base64_body_is_decoded_only_when_first_accept_type_is_binary() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00"
    result = {"statusCode": 200, "isBase64Encoded": True, "body": base64.b64encode(png).decode(),
              "headers": {"Content-Type": "image/png"}}
    assert rest(result, api=REST_BINARY, accept="image/png").body == png
    assert rest(result, api=REST_BINARY, accept="image/webp,*/*;q=0.8").body == png
    assert rest(result, api=REST_BINARY, accept="text/html,image/png").body == \
        base64.b64encode(png)
    assert rest(result, api=REST_BINARY).body == base64.b64encode(png)
    assert rest(result, api=REST, accept="image/png").body == base64.b64encode(png)


def test_invalid_base64_with_decoding_is_malformed() -> None:
    with pytest.raises(MalformedResponse, match="not valid base64"):
        v2({"statusCode": 200, "isBase64Encoded": True, "body": "@@not base64@@"})


def test_http_v1_always_decodes_base64_and_tolerates_extra_keys() -> None:
    response = http_v1({"statusCode": 200, "isBase64Encoded": True, "body": "aGk=", "extra": 1})
    assert response.body == b"hi"
    assert response.header("Content-Type") == "text/plain; charset=utf-8"


def test_v2_result_with_status_code_is_used_as_is() -> None:
    response = v2({"statusCode": 302, "headers": {"Location": "/next"},
                   "cookies": ["a=1; Path=/", "b=2"], "body": ""})
    assert response.status == 302
    assert response.header("Location") == "/next"
    assert response.header_values("Set-Cookie") == ["a=1; Path=/", "b=2"]
    assert response.body == b""
    assert response.header("Content-Type") is None


def test_v2_status_code_result_without_content_type_gets_text_plain() -> None:
    response = v2({"statusCode": 200, "body": '"Hello from Lambda!"'})
    assert response.header("Content-Type") == "text/plain; charset=utf-8"


def test_v2_base64_body_is_always_decoded() -> None:
    assert v2({"statusCode": 200, "isBase64Encoded": True, "body": "AAEC"}).body == b"\x00\x01\x02"


@pytest.mark.parametrize(("result", "body"), [
    ({"message": "Hello from Lambda!"}, b'{"message": "Hello from Lambda!"}'),
    ("Hello from Lambda!", b'"Hello from Lambda!"'),
    ([1, 2], b"[1, 2]"),
    (42, b"42"),
    (None, b"null"),
    ({"body": "no statusCode"}, b'{"body": "no statusCode"}'),
])
def test_v2_result_without_status_code_is_inferred_as_200_json(result: Any, body: bytes) -> None:
    response = v2(result)
    assert response.status == 200
    assert response.header("Content-Type") == "application/json"
    assert response.body == body


def test_v2_malformed_results_raise() -> None:
    with pytest.raises(MalformedResponse, match="cookies"):
        v2({"statusCode": 200, "cookies": "a=1"})
    with pytest.raises(MalformedResponse, match="statusCode"):
        v2({"statusCode": "two hundred"})
    with pytest.raises(MalformedResponse, match="JSON"):
        v2({"not json": object()})


def test_body_over_the_lambda_response_limit_is_malformed() -> None:
    big = "x" * (MAX_RESPONSE_BYTES + 1)
    with pytest.raises(MalformedResponse, match="limit"):
        rest({"statusCode": 200, "body": big})
    with pytest.raises(MalformedResponse, match="limit"):
        v2({"statusCode": 200, "body": big})


@given(status=st.integers(100, 599), body=st.text(max_size=50),
       # Header names are case-insensitive: keep the generated names distinct ignoring case.
       headers=st.dictionaries(st.from_regex(r"X-[A-Za-z]{1,8}", fullmatch=True),
                               st.text(st.characters(min_codepoint=32, max_codepoint=126),
                                       max_size=10), max_size=4)
       .filter(lambda h: len({name.lower() for name in h}) == len(h)))
def test_valid_v1_results_round_trip(status: int, body: str, headers: dict[str, str]) -> None:
    response = rest({"statusCode": status, "headers": headers, "body": body})
    assert response.status == status
    assert response.body == body.encode()
    for name, value in headers.items():
        assert response.header(name) == value


@given(value=st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                          lambda inner: st.lists(inner, max_size=3)
                          | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                          max_leaves=10))
def test_v2_inferred_body_is_the_json_of_the_result(value: Any) -> None:
    if isinstance(value, dict) and "statusCode" in value:
        return
    assert json.loads(v2(value).body) == value
