"""emulator.spec: OpenAPI + API Gateway extensions -> ApiModel."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.errors import SpecError
from emulator.spec import function_arn_from_uri, parse_api
from tests.unit.strategies import FUNCTION_ARN, URI, config, lambda_integration


def swagger(paths: dict[str, Any], **root: Any) -> dict[str, Any]:
    return {"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": paths, **root}


def openapi(paths: dict[str, Any], **root: Any) -> dict[str, Any]:
    return {"openapi": "3.0.1", "info": {"title": "t", "version": "1"}, "paths": paths, **root}


def test_swagger_rest_operations_get_method_path_route_key_and_function_arn() -> None:
    api = parse_api(config("REST", swagger({
        "/pets/{id}": {"get": {"operationId": "getPet",
                               "x-amazon-apigateway-integration": lambda_integration()}},
    })))
    (op,) = api.operations
    assert (op.method, op.path, op.route_key, op.operation_id) == (
        "GET", "/pets/{id}", "GET /pets/{id}", "getPet")
    assert op.integration is not None
    assert op.integration.type == "aws_proxy"
    assert op.integration.function_arn == FUNCTION_ARN
    assert op.integration.payload_format_version == "1.0"
    assert op.integration.timeout_ms == 29_000
    assert api.kind == "REST" and api.stage == "Prod"


def test_any_method_extension_becomes_any() -> None:
    api = parse_api(config("REST", swagger({
        "/{proxy+}": {"x-amazon-apigateway-any-method": {
            "x-amazon-apigateway-integration": lambda_integration()}}})))
    assert api.operations[0].method == "ANY"
    assert api.operations[0].route_key == "ANY /{proxy+}"


def test_rest_payload_version_is_always_1_0_even_if_the_spec_says_2_0() -> None:
    api = parse_api(config("REST", swagger({"/a": {"get": {
        "x-amazon-apigateway-integration": lambda_integration("2.0")}}})))
    assert api.operations[0].integration is not None
    assert api.operations[0].integration.payload_format_version == "1.0"


@pytest.mark.parametrize(("raw", "expected"), [(None, "2.0"), ("1.0", "1.0"), ("2.0", "2.0"),
                                               (2.0, "2.0"), (1, "1.0")])
def test_http_api_payload_format_version_defaults_to_2_0(raw: Any, expected: str) -> None:
    api = parse_api(config("HTTP", openapi({"/a": {"get": {
        "x-amazon-apigateway-integration": lambda_integration(raw)}}})))
    assert api.operations[0].integration is not None
    assert api.operations[0].integration.payload_format_version == expected


def test_invalid_payload_format_version_names_path_and_method() -> None:
    with pytest.raises(SpecError, match=r"/a GET: payloadFormatVersion"):
        parse_api(config("HTTP", openapi({"/a": {"get": {
            "x-amazon-apigateway-integration": lambda_integration("3.0")}}})))


def test_timeout_in_millis_overrides_the_default_passed_in() -> None:
    api = parse_api(config("HTTP", openapi({
        "/a": {"get": {"x-amazon-apigateway-integration":
                       lambda_integration(timeoutInMillis=5000)}},
        "/b": {"get": {"x-amazon-apigateway-integration": lambda_integration()}},
    })), default_timeout_ms=30_000)
    timeouts = {op.path: op.integration.timeout_ms for op in api.operations if op.integration}
    assert timeouts == {"/a": 5000, "/b": 30_000}


def test_http_api_accepts_a_bare_function_arn_as_uri() -> None:
    api = parse_api(config("HTTP", openapi({"/a": {"post": {
        "x-amazon-apigateway-integration": {"type": "AWS_PROXY", "uri": FUNCTION_ARN,
                                            "payloadFormatVersion": "2.0"}}}})))
    integration = api.operations[0].integration
    assert integration is not None
    assert (integration.type, integration.function_arn) == ("aws_proxy", FUNCTION_ARN)


def test_default_route_has_route_key_default() -> None:
    api = parse_api(config("HTTP", openapi({"$default": {"x-amazon-apigateway-any-method": {
        "x-amazon-apigateway-integration": lambda_integration("2.0")}}})))
    (op,) = api.operations
    assert (op.method, op.path, op.route_key) == ("ANY", "$default", "$default")


def test_default_route_is_rejected_in_a_rest_api() -> None:
    with pytest.raises(SpecError, match=r"\$default"):
        parse_api(config("REST", swagger({"$default": {"get": {}}})))


def test_operation_without_integration_has_none() -> None:
    api = parse_api(config("REST", swagger({"/a": {"get": {"responses": {}}}})))
    assert api.operations[0].integration is None


def test_parameters_merge_path_level_and_operation_level_with_operation_winning() -> None:
    document = swagger({
        "/pets/{id}": {
            "parameters": [{"$ref": "#/parameters/Id"},
                           {"name": "q", "in": "query", "type": "string", "required": False}],
            "get": {"parameters": [{"name": "q", "in": "query", "type": "string", "required": True},
                                   {"name": "X-Trace", "in": "header", "type": "string"}]},
        }}, parameters={"Id": {"name": "id", "in": "path", "required": True, "type": "string"}})
    (op,) = parse_api(config("REST", document)).operations
    by_key = {(p["name"], p["in"]): p for p in op.parameters}
    assert set(by_key) == {("id", "path"), ("q", "query"), ("X-Trace", "header")}
    assert by_key[("q", "query")]["required"] is True
    assert by_key[("id", "path")]["type"] == "string"


def test_integration_ref_to_components_is_resolved() -> None:
    document = openapi(
        {"/a": {"get": {"x-amazon-apigateway-integration": {
            "$ref": "#/components/x-amazon-apigateway-integrations/fn"}}}},
        components={"x-amazon-apigateway-integrations": {"fn": lambda_integration("1.0")}})
    integration = parse_api(config("HTTP", document)).operations[0].integration
    assert integration is not None
    assert (integration.function_arn, integration.payload_format_version) == (FUNCTION_ARN, "1.0")


def test_path_item_ref_is_resolved_with_escaped_pointer() -> None:
    document = openapi({"/a": {"$ref": "#/x-items/~1shared"}},
                       **{"x-items": {"/shared": {"get": {
                           "x-amazon-apigateway-integration": lambda_integration()}}}})
    assert [op.route_key for op in parse_api(config("HTTP", document)).operations] == ["GET /a"]


def test_binary_media_types_merge_spec_and_config_decoding_tilde_one() -> None:
    document = swagger({}, **{"x-amazon-apigateway-binary-media-types": ["image~1png", "*/*"]})
    api = parse_api(config("REST", document, binary=("image~1png", "application/octet-stream")))
    assert api.binary_media_types == ("image/png", "*/*", "application/octet-stream")


def test_http_cors_comes_from_the_extension_and_config_overrides_it() -> None:
    document = openapi({}, **{"x-amazon-apigateway-cors": {"allowOrigins": ["https://a.example"],
                                                            "allowMethods": ["GET"], "maxAge": 60}})
    from_spec = parse_api(config("HTTP", document)).cors
    assert from_spec is not None
    assert (from_spec.allow_origins, from_spec.max_age) == (("https://a.example",), 60)
    from_config = parse_api(config("HTTP", document, cors={"AllowOrigins": ["*"]})).cors
    assert from_config is not None and from_config.allow_origins == ("*",)


def test_rest_apis_have_no_http_cors_rule() -> None:
    document = swagger({}, **{"x-amazon-apigateway-cors": {"allowOrigins": ["*"]}})
    assert parse_api(config("REST", document)).cors is None


def test_gateway_responses_are_kept_raw() -> None:
    responses = {"MISSING_AUTHENTICATION_TOKEN": {"statusCode": 404}}
    document = swagger({}, **{"x-amazon-apigateway-gateway-responses": responses})
    assert dict(parse_api(config("REST", document)).gateway_responses) == responses


@pytest.mark.parametrize(("document", "message"), [
    ({"info": {}}, "not a Swagger 2.0 / OpenAPI 3.x"),
    (openapi({"/a": {"get": {"x-amazon-apigateway-integration": {"type": "lambda"}}}}),
     r"/a GET: integration type"),
    (openapi({"/{proxy+}/x": {"get": {}}}), r"/\{proxy\+\}/x GET: greedy variable"),
    (openapi({"/a/{id}.json": {"get": {}}}), r"GET: path variable '\{id\}.json' must be a whole"),
    (openapi({"/a": {"get": {"parameters": [{"$ref": "other.yaml#/p"}]}}}), "only local"),
    (openapi({"/a": {"get": {"parameters": [{"$ref": "#/x"}]}}}, x={"$ref": "#/x"}), "cycle"),
    (openapi({"/a": {"get": {"parameters": [{"$ref": "#/missing"}]}}}), "does not resolve"),
    (openapi({"a": {"get": {}}}), "must start with '/'"),
    (openapi({"/a": {"get": {"x-amazon-apigateway-integration": {
        "type": "aws_proxy", "uri": "https://example.com"}}}}), "does not name a Lambda"),
    (openapi({"/a": {"get": {"x-amazon-apigateway-integration": {
        "type": "aws_proxy", "uri": {"Fn::Sub": "x"}}}}}), "not a string"),
    (openapi({"/a": {"get": {"x-amazon-apigateway-integration": lambda_integration(
        timeoutInMillis="soon")}}}), "timeoutInMillis"),
])
def test_broken_definitions_raise_spec_error_with_a_clear_message(
        document: dict[str, Any], message: str) -> None:
    with pytest.raises(SpecError, match=message):
        parse_api(config("HTTP", document))


def test_rest_rejects_two_differently_named_variables_under_one_resource() -> None:
    document = swagger({"/pets/{id}": {"get": {}}, "/pets/{petId}/toys": {"get": {}}})
    with pytest.raises(SpecError, match="only one is allowed"):
        parse_api(config("REST", document))


def test_http_api_allows_differently_named_variables_in_separate_routes() -> None:
    document = openapi({"/pets/{id}": {"get": {}}, "/pets/{petId}/toys": {"get": {}}})
    assert len(parse_api(config("HTTP", document)).operations) == 2


@pytest.mark.parametrize(("uri", "arn"), [
    (URI, FUNCTION_ARN),
    (URI.replace("function:app-Fn-ABC", "function:app-Fn-ABC:live"), FUNCTION_ARN + ":live"),
    (FUNCTION_ARN, FUNCTION_ARN),
    ("https://example.com/x", None),
    ("arn:aws:apigateway:us-east-1:s3:path/bucket/key", None),
])
def test_function_arn_is_extracted_from_lambda_invocation_uris(uri: str, arn: str | None) -> None:
    assert function_arn_from_uri(uri) == arn
