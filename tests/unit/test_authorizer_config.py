"""Authorizer configuration read from SAM-transformed OpenAPI bodies, and identity sources."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.errors import SpecError
from emulator.http import HttpRequest
from emulator.policy.authorizers.config import (
    AuthorizerConfig,
    parse_authorizers,
    requirement_for,
    sigv4_routes,
)
from emulator.policy.authorizers.identity import (
    identity_values,
    parse_identity_source,
    parse_identity_sources,
)
from emulator.routing import Router
from emulator.spec import ApiModel, parse_api
from emulator.stack import ApiConfig, ApiKind

FN = "arn:aws:lambda:us-east-1:123456789012:function:auth-fn"
URI = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{FN}/invocations"
TARGET = {"type": "aws_proxy", "httpMethod": "POST",
          "uri": URI.replace("auth-fn", "handler-fn")}
POOL_ARN = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc"


def _get(security: Any = None) -> dict[str, Any]:
    operation: dict[str, Any] = {"x-amazon-apigateway-integration": TARGET, "responses": {}}
    if security is not None:
        operation["security"] = security
    return operation


# What the SAM transform writes for Auth.Authorizers (captured from aws-sam-translator 1.103).
REST_SCHEMES = {
    "TokenAuth": {"in": "header", "type": "apiKey", "name": "X-Token",
                  "x-amazon-apigateway-authtype": "custom",
                  "x-amazon-apigateway-authorizer": {
                      "type": "token", "authorizerResultTtlInSeconds": 60, "authorizerUri": URI,
                      "identityValidationExpression": "^Bearer [-0-9a-zA-Z\\._]*$"}},
    "ReqAuth": {"in": "header", "type": "apiKey", "name": "Unused",
                "x-amazon-apigateway-authtype": "custom",
                "x-amazon-apigateway-authorizer": {
                    "type": "request", "authorizerResultTtlInSeconds": 0, "authorizerUri": URI,
                    "identitySource": "method.request.header.X-A, method.request.querystring.q"}},
    "CogAuth": {"in": "header", "type": "apiKey", "name": "Authorization",
                "x-amazon-apigateway-authtype": "cognito_user_pools",
                "x-amazon-apigateway-authorizer": {"providerARNs": [POOL_ARN],
                                                   "type": "cognito_user_pools"}},
    "api_key": {"type": "apiKey", "name": "x-api-key", "in": "header"},
}
HTTP_SCHEMES = {
    "Jwt": {"type": "oauth2", "x-amazon-apigateway-authorizer": {
        "jwtConfiguration": {"audience": ["client-1"],
                             "issuer": "https://cognito-idp.us-east-1.amazonaws.com/pool"},
        "identitySource": "$request.header.Authorization", "type": "jwt"}},
    "Lam": {"type": "apiKey", "name": "Unused", "in": "header",
            "x-amazon-apigateway-authorizer": {
                "type": "request", "authorizerUri": URI, "authorizerResultTtlInSeconds": 30,
                "identitySource": ["$request.header.Authorization"],
                "authorizerPayloadFormatVersion": "2.0", "enableSimpleResponses": True}},
}


def _api(kind: ApiKind, schemes: dict[str, Any], paths: dict[str, Any],
         **document: Any) -> ApiModel:
    body: dict[str, Any] = {"paths": paths, **document}
    if kind == "REST":
        body.update(swagger="2.0", securityDefinitions=schemes)
    else:
        body.update(openapi="3.0.1", components={"securitySchemes": schemes})
    config = ApiConfig(logical_id="Api", api_id="abc123", kind=kind,
                       stage="dev" if kind == "REST" else "$default", definition=body,
                       stage_variables={"tier": "gold"})
    return parse_api(config)


def test_sam_rest_authorizers_are_read_with_their_defaults() -> None:
    found = parse_authorizers(_api("REST", REST_SCHEMES, {}))
    assert set(found) == {"TokenAuth", "ReqAuth", "CogAuth"}
    token = found["TokenAuth"]
    assert token.type == "token" and token.function_arn == FN and token.ttl_s == 60
    assert [s.expression for s in token.identity_sources] == ["method.request.header.X-Token"]
    assert token.validation_expression == "^Bearer [-0-9a-zA-Z\\._]*$"
    request = found["ReqAuth"]
    assert [(s.location, s.name) for s in request.identity_sources] == [("header", "X-A"),
                                                                        ("querystring", "q")]
    assert request.ttl_s == 0
    cognito = found["CogAuth"]
    assert cognito.provider_arns == (POOL_ARN,)
    assert [s.name for s in cognito.identity_sources] == ["Authorization"]


def test_rest_lambda_authorizer_without_a_ttl_caches_for_300_seconds() -> None:
    scheme = {"type": "apiKey", "name": "Authorization", "in": "header",
              "x-amazon-apigateway-authorizer": {"type": "token", "authorizerUri": URI}}
    assert parse_authorizers(_api("REST", {"T": scheme}, {}))["T"].ttl_s == 300


def test_sam_http_authorizers_are_read_and_do_not_cache_without_a_ttl() -> None:
    found = parse_authorizers(_api("HTTP", HTTP_SCHEMES, {}))
    assert found["Jwt"] == AuthorizerConfig(
        "Jwt", "jwt", found["Jwt"].identity_sources,
        issuer="https://cognito-idp.us-east-1.amazonaws.com/pool", audience=("client-1",))
    lam = found["Lam"]
    assert lam.payload_format_version == "2.0" and lam.simple_responses and lam.ttl_s == 30
    plain = {"type": "apiKey", "name": "Unused", "in": "header",
             "x-amazon-apigateway-authorizer": {"type": "request", "authorizerUri": URI,
                                                "authorizerPayloadFormatVersion": 1.0}}
    parsed = parse_authorizers(_api("HTTP", {"P": plain}, {}))["P"]
    assert parsed.ttl_s == 0 and parsed.payload_format_version == "1.0"


def test_jwt_issuer_may_come_from_the_openid_connect_url() -> None:
    scheme = {"type": "openIdConnect",
              "openIdConnectUrl": "https://idp.example.com/.well-known/openid-configuration",
              "x-amazon-apigateway-authorizer": {"type": "jwt",
                                                 "jwtConfiguration": {"audience": ["a"]}}}
    assert parse_authorizers(_api("HTTP", {"J": scheme}, {}))["J"].issuer == \
        "https://idp.example.com"


@pytest.mark.parametrize("kind,ext", [
    ("REST", {"type": "jwt"}),
    ("HTTP", {"type": "token", "authorizerUri": URI}),
    ("REST", {"type": "token", "authorizerUri": "https://example.com"}),
    ("REST", {"type": "token", "authorizerUri": URI, "authorizerResultTtlInSeconds": 7200}),
    ("REST", {"type": "cognito_user_pools"}),
    ("HTTP", {"type": "jwt", "jwtConfiguration": {"issuer": "https://i"}}),
    ("HTTP", {"type": "request", "authorizerUri": URI, "authorizerPayloadFormatVersion": "3"}),
    ("HTTP", {"type": "request", "authorizerUri": URI, "authorizerPayloadFormatVersion": "1.0",
              "enableSimpleResponses": True}),
    ("HTTP", {"type": "request", "authorizerUri": URI, "identitySource": "header.x"}),
])
def test_authorizers_api_gateway_would_refuse_are_spec_errors(kind: ApiKind,
                                                               ext: dict[str, Any]) -> None:
    scheme = {"type": "apiKey", "name": "Authorization", "in": "header",
              "x-amazon-apigateway-authorizer": ext}
    with pytest.raises(SpecError):
        parse_authorizers(_api(kind, {"Bad": scheme}, {}))


def test_operations_use_their_own_security_else_the_documents() -> None:
    paths = {"/a": {"get": _get([{"TokenAuth": []}])},
             "/b": {"get": _get([{"NONE": []}])},
             "/c": {"get": _get()},
             "/d": {"get": _get([])},
             "/e": {"get": _get([{"api_key": []}, {"CogAuth": ["s/read", "s/write"]}])},
             "/f": {"options": {"x-amazon-apigateway-integration": {"type": "mock"}}}}
    api = _api("REST", REST_SCHEMES, paths, security=[{"ReqAuth": []}])
    authorizers = parse_authorizers(api)
    found = {op.route_key: requirement_for(api, op, authorizers) for op in api.operations}
    assert found["GET /a"] is not None and found["GET /a"].authorizer == "TokenAuth"
    assert found["GET /b"] is None  # SAM's Authorizer: NONE
    assert found["GET /c"] is not None and found["GET /c"].authorizer == "ReqAuth"
    assert found["GET /d"] is None
    assert found["GET /e"] is not None and found["GET /e"].scopes == ("s/read", "s/write")
    assert found["OPTIONS /f"] is not None  # the document-level default applies to OPTIONS too


@pytest.mark.parametrize("expression,kind,location,name", [
    ("method.request.header.Authorization", "REST", "header", "Authorization"),
    ("method.request.multivaluequerystring.ids", "REST", "multivaluequerystring", "ids"),
    ("stageVariables.tier", "REST", "stage", "tier"),
    ("context.identity.sourceIp", "REST", "context", "identity.sourceIp"),
    ("$request.header.x-token", "HTTP", "header", "x-token"),
    ("$request.querystring.t", "HTTP", "querystring", "t"),
    ("$stageVariables.tier", "HTTP", "stage", "tier"),
    ("$context.routeKey", "HTTP", "context", "routeKey"),
])
def test_identity_source_expressions_parse(expression: str, kind: ApiKind, location: str,
                                           name: str) -> None:
    source = parse_identity_source(expression, kind, "here")
    assert (source.location, source.name) == (location, name)


@given(text=st.text(max_size=40), kind=st.sampled_from(["REST", "HTTP"]))
def test_identity_source_parsing_never_fails_with_anything_but_spec_error(
        text: str, kind: ApiKind) -> None:
    with contextlib.suppress(SpecError):
        parse_identity_sources(text, kind, "here")


def _values(kind: ApiKind, sources: str, request: HttpRequest) -> tuple[Any, Any]:
    api = _api(kind, {}, {"/items/{id}": {"get": _get()}})
    match = Router(api).match("GET", "/items/9")
    assert match is not None
    return identity_values(parse_identity_sources(sources, kind, "here"), request, match, api,
                           "req-1")


def _request(headers: tuple[tuple[str, str], ...], query: str = "") -> HttpRequest:
    return HttpRequest("GET", "/items/9", query, headers, b"", "10.0.0.1", "api.local")


def test_rest_identity_values_take_the_last_repeated_value() -> None:
    request = _request((("X-A", "1"), ("x-a", "2")), "q=a&q=b")
    found = _values("REST", "method.request.header.X-A, method.request.querystring.q, "
                            "stageVariables.tier, context.httpMethod", request)
    assert found == (("2", "b", "gold", "GET"), None)
    multi = _values("REST", "method.request.multivalueheader.X-A", request)
    assert multi == (("1,2",), None)


def test_http_identity_values_join_repeated_values_with_commas() -> None:
    request = _request((("X-A", "1"), ("x-a", "2")), "q=a&q=b")
    assert _values("HTTP", "$request.header.x-a,$request.querystring.q,$context.routeKey",
                   request) == (("1,2", "a,b", "GET /items/{id}"), None)


def test_a_missing_or_empty_identity_value_names_its_source() -> None:
    sources = "method.request.header.X-A, method.request.querystring.q"
    assert _values("REST", sources, _request((("X-A", "1"),))) == (
        None, "method.request.querystring.q")
    assert _values("REST", sources, _request((("X-A", ""),), "q=1")) == (
        None, "method.request.header.X-A")


def test_routes_behind_iam_authorization_are_reported_as_not_emulated() -> None:
    schemes = {"AWS_IAM": {"in": "header", "type": "apiKey", "name": "Authorization",
                           "x-amazon-apigateway-authtype": "awsSigv4"}}
    api = _api("REST", schemes, {"/a": {"get": _get([{"AWS_IAM": []}])}, "/b": {"get": _get()}})
    assert sigv4_routes(api) == ["GET /a"]
    assert parse_authorizers(api) == {}
