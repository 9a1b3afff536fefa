"""emulator.policy.cors: HTTP API CORS preflight and response headers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.errors import SpecError
from emulator.http import HttpRequest, HttpResponse
from emulator.policy.cors import CorsRule, apply_cors, cors_rule_from_config, preflight_response
from tests.unit.strategies import request

SPECIFIC = CorsRule(allow_origins=("https://app.example.com",), allow_methods=("GET", "POST"),
                    allow_headers=("Content-Type", "Authorization"),
                    expose_headers=("X-Request-Id",), max_age=300, allow_credentials=True)
OPEN = CorsRule(allow_origins=("*",), allow_methods=("*",), allow_headers=("*",))


def preflight(origin: str, method: str, headers: str | None = None) -> HttpRequest:
    sent = [("Origin", origin), ("Access-Control-Request-Method", method)]
    if headers is not None:
        sent.append(("Access-Control-Request-Headers", headers))
    return request("OPTIONS", "/pets", headers=tuple(sent))


def test_allowed_preflight_gets_204_with_the_configured_headers() -> None:
    response = preflight_response(SPECIFIC, preflight("https://app.example.com", "POST",
                                                      "content-type, authorization"))
    assert response is not None
    assert response.status == 204 and response.body == b""
    assert response.header("access-control-allow-origin") == "https://app.example.com"
    assert response.header("access-control-allow-credentials") == "true"
    assert response.header("access-control-allow-methods") == "GET,POST"
    assert response.header("access-control-allow-headers") == "Content-Type,Authorization"
    assert response.header("access-control-max-age") == "300"


def test_wildcard_rule_answers_star_origin_and_echoes_requested_method_and_headers() -> None:
    response = preflight_response(OPEN, preflight("https://any.example", "delete", "X-Custom"))
    assert response is not None
    assert response.header("access-control-allow-origin") == "*"
    assert response.header("access-control-allow-methods") == "DELETE"
    assert response.header("access-control-allow-headers") == "X-Custom"
    assert response.header("access-control-allow-credentials") is None
    assert response.header("access-control-max-age") is None


@pytest.mark.parametrize(("origin", "method", "headers"), [
    ("https://evil.example", "GET", None),
    ("https://app.example.com", "DELETE", None),
    ("https://app.example.com", "GET", "X-Not-Allowed"),
])
def test_refused_preflight_gets_204_without_cors_headers(
        origin: str, method: str, headers: str | None) -> None:
    response = preflight_response(SPECIFIC, preflight(origin, method, headers))
    assert response is not None and response.status == 204
    assert not [k for k, _ in response.headers if k.startswith("access-control-")]


def test_options_without_preflight_headers_is_not_a_preflight() -> None:
    assert preflight_response(OPEN, request("OPTIONS", "/x")) is None
    assert preflight_response(OPEN, request("OPTIONS", "/x",
                                            headers=(("Origin", "https://a"),))) is None
    assert preflight_response(OPEN, request("GET", "/x", headers=(
        ("Origin", "https://a"), ("Access-Control-Request-Method", "GET")))) is None


def test_origin_matching_is_case_insensitive_and_supports_subdomain_wildcards() -> None:
    rule = CorsRule(allow_origins=("https://*.example.com",), allow_methods=("GET",))
    assert rule.origin_allowed("https://a.example.com")
    assert rule.origin_allowed("HTTPS://B.EXAMPLE.COM")
    assert not rule.origin_allowed("https://example.com")
    assert not rule.origin_allowed("http://a.example.com")


def test_apply_cors_adds_origin_credentials_and_expose_headers() -> None:
    response = HttpResponse(200, (("Content-Type", "application/json"),), b"{}")
    out = apply_cors(SPECIFIC, request("GET", "/pets",
                                       headers=(("Origin", "https://app.example.com"),)), response)
    assert out.header("access-control-allow-origin") == "https://app.example.com"
    assert out.header("access-control-allow-credentials") == "true"
    assert out.header("access-control-expose-headers") == "X-Request-Id"
    assert out.header("Content-Type") == "application/json"
    assert (out.status, out.body) == (200, b"{}")


def test_apply_cors_replaces_backend_cors_headers() -> None:
    response = HttpResponse(200, (("Access-Control-Allow-Origin", "https://backend.example"),
                                  ("X-Other", "1")), b"")
    allowed = apply_cors(OPEN, request("GET", "/", headers=(("Origin", "https://a.example"),)),
                         response)
    assert allowed.header_values("access-control-allow-origin") == ["*"]
    assert allowed.header("X-Other") == "1"
    refused = apply_cors(SPECIFIC, request("GET", "/", headers=(("Origin", "https://b"),)),
                         response)
    assert refused.header("access-control-allow-origin") is None
    no_origin = apply_cors(OPEN, request("GET", "/"), response)
    assert no_origin.header("access-control-allow-origin") is None


def test_rule_from_camel_case_extension_and_pascal_case_property() -> None:
    camel = cors_rule_from_config({"allowOrigins": ["https://a"], "allowMethods": ["GET"],
                                   "allowHeaders": ["x-a"], "exposeHeaders": ["x-b"],
                                   "maxAge": 10, "allowCredentials": True})
    pascal = cors_rule_from_config({"AllowOrigins": ["https://a"], "AllowMethods": ["GET"],
                                    "AllowHeaders": ["x-a"], "ExposeHeaders": ["x-b"],
                                    "MaxAge": "10", "AllowCredentials": "true"})
    assert camel == pascal == CorsRule(("https://a",), ("GET",), ("x-a",), ("x-b",), 10, True)


def test_sam_cors_configuration_true_allows_everything_and_none_disables() -> None:
    assert cors_rule_from_config(True) == OPEN
    assert cors_rule_from_config(None) is None
    assert cors_rule_from_config(False) is None


@pytest.mark.parametrize("config", [{"allowOrigins": [1]}, {"maxAge": "soon"},
                                    {"allowCredentials": "maybe"}, ["*"]])
def test_invalid_cors_configuration_is_a_spec_error(config: object) -> None:
    with pytest.raises(SpecError):
        cors_rule_from_config(config)  # type: ignore[arg-type]


@given(origin=st.from_regex(r"https://[a-z]{1,10}\.example", fullmatch=True),
       allowed=st.lists(st.from_regex(r"https://[a-z]{1,10}\.example", fullmatch=True),
                        max_size=3))
def test_preflight_allows_exactly_the_listed_origins(origin: str, allowed: list[str]) -> None:
    rule = CorsRule(allow_origins=tuple(allowed), allow_methods=("GET",))
    response = preflight_response(rule, preflight(origin, "GET"))
    assert response is not None
    granted = response.header("access-control-allow-origin")
    assert (granted == origin) == (origin in allowed)
    assert (granted is None) == (origin not in allowed)
