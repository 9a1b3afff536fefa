"""emulator.integrations: REST MOCK integrations (SAM's CORS OPTIONS methods)."""

from __future__ import annotations

import json
from typing import Any

from emulator.integrations import mock_response
from emulator.spec import Operation, parse_api
from tests.unit.strategies import config, request

SAM_CORS_OPTIONS: dict[str, Any] = {
    "consumes": ["application/json"],
    "produces": ["application/json"],
    "x-amazon-apigateway-integration": {
        "type": "mock",
        "requestTemplates": {"application/json": "{\n  \"statusCode\" : 200\n}\n"},
        "responses": {"default": {
            "statusCode": "200",
            "responseParameters": {
                "method.response.header.Access-Control-Allow-Methods": "'GET,OPTIONS,POST'",
                "method.response.header.Access-Control-Allow-Headers": "'Content-Type,X-Api-Key'",
                "method.response.header.Access-Control-Allow-Origin": "'*'",
            },
            "responseTemplates": {"application/json": "{}\n"},
        }},
        "passthroughBehavior": "when_no_match",
    },
    "responses": {"200": {"description": "Default response for CORS method"}},
}


def operation(method_definition: dict[str, Any]) -> Operation:
    document = {"swagger": "2.0", "info": {"title": "t", "version": "1"},
                "paths": {"/pets": {"options": method_definition}}}
    return parse_api(config("REST", document)).operations[0]


def integration(**fields: Any) -> dict[str, Any]:
    return {"x-amazon-apigateway-integration": {"type": "mock", **fields}}


def test_sam_cors_options_method_answers_200_with_static_headers() -> None:
    response = mock_response(operation(SAM_CORS_OPTIONS), request("OPTIONS", "/pets", headers=(
        ("Origin", "https://app"), ("Access-Control-Request-Method", "POST"))))
    assert response.status == 200
    assert response.header("Access-Control-Allow-Methods") == "GET,OPTIONS,POST"
    assert response.header("Access-Control-Allow-Headers") == "Content-Type,X-Api-Key"
    assert response.header("Access-Control-Allow-Origin") == "*"
    assert response.header("Content-Type") == "application/json"
    assert response.body == b"{}\n"


def test_status_from_request_template_selects_the_integration_response() -> None:
    op = operation(integration(
        requestTemplates={"application/json": json.dumps({"statusCode": 404})},
        responses={"2\\d{2}": {"statusCode": "200"},
                   "4\\d{2}": {"statusCode": "404", "responseTemplates": {
                       "application/json": '{"message": "nope"}'}},
                   "default": {"statusCode": "500"}}))
    response = mock_response(op, request("GET", "/pets"))
    assert response.status == 404
    assert response.body == b'{"message": "nope"}'


def test_selection_patterns_must_match_the_whole_status() -> None:
    op = operation(integration(
        requestTemplates={"application/json": '{"statusCode": 201}'},
        responses={"20": {"statusCode": "418"}, "default": {"statusCode": "201"}}))
    assert mock_response(op, request()).status == 201


def test_no_match_and_no_default_is_a_500_configuration_error() -> None:
    op = operation(integration(requestTemplates={"application/json": '{"statusCode": 200}'},
                               responses={"4\\d{2}": {"statusCode": "400"}}))
    response = mock_response(op, request())
    assert response.status == 500
    assert json.loads(response.body) == {"message": "Internal server error"}


def test_response_template_follows_first_accept_type_then_json_then_first() -> None:
    templates = {"application/xml": "<ok/>", "application/json": '{"ok": true}'}
    op = operation(integration(requestTemplates={"application/json": '{"statusCode": 200}'},
                               responses={"default": {"statusCode": "200",
                                                      "responseTemplates": templates}}))
    xml = mock_response(op, request(headers=(("Accept", "application/xml, */*"),)))
    assert (xml.body, xml.header("Content-Type")) == (b"<ok/>", "application/xml")
    other = mock_response(op, request(headers=(("Accept", "text/html"),)))
    assert (other.body, other.header("Content-Type")) == (b'{"ok": true}', "application/json")


def test_response_parameter_content_type_overrides_template_key() -> None:
    op = operation(integration(
        requestTemplates={"application/json": '{"statusCode": 200}'},
        responses={"default": {
            "statusCode": "200",
            "responseParameters": {"method.response.header.Content-Type": "'text/plain'",
                                   "method.response.header.X-From-Body":
                                       "integration.response.body.id"},
            "responseTemplates": {"application/json": "hi"}}}))
    response = mock_response(op, request())
    assert response.header_values("Content-Type") == ["text/plain"]
    assert response.header("X-From-Body") is None


def test_request_template_is_chosen_by_content_type() -> None:
    op = operation(integration(
        requestTemplates={"application/json": '{"statusCode": 200}',
                          "application/xml": '{"statusCode": 202}'},
        responses={"default": {"statusCode": "200"}, "202": {"statusCode": "202"}}))
    xml = mock_response(op, request("POST", "/pets",
                                    headers=(("Content-Type", "application/xml"),)))
    assert xml.status == 202


def test_unmapped_content_type_passes_through_or_is_415_per_passthrough_behavior() -> None:
    responses = {"default": {"statusCode": "200"}, "203": {"statusCode": "203"}}
    passthrough = operation(integration(requestTemplates={"application/json": "{}"},
                                        responses=responses))
    passed = mock_response(passthrough, request("POST", "/pets", body=b'{"statusCode": 203}',
                                                headers=(("Content-Type", "text/plain"),)))
    assert passed.status == 203
    strict = operation(integration(requestTemplates={"application/json": "{}"},
                                   responses=responses, passthroughBehavior="when_no_templates"))
    rejected = mock_response(strict, request("POST", "/pets", body=b"x",
                                             headers=(("Content-Type", "text/plain"),)))
    assert rejected.status == 415


def test_missing_status_in_template_means_200() -> None:
    op = operation(integration(requestTemplates={"application/json": "#set($x = 1)\n{}"},
                               responses={"default": {"statusCode": "200"},
                                          "500": {"statusCode": "500"}}))
    assert mock_response(op, request()).status == 200


def test_vtl_template_status_is_found_without_json_parsing() -> None:
    op = operation(integration(
        requestTemplates={"application/json": '#if(true){"statusCode": 204}#end'},
        responses={"default": {"statusCode": "200"}, "204": {"statusCode": "204"}}))
    assert mock_response(op, request()).status == 204
