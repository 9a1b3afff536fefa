"""emulator.policy.responses: default rejections and x-amazon-apigateway-gateway-responses."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator import gateway_responses
from emulator.errors import GatewayError, SpecError
from emulator.policy.pipeline import RequestState
from emulator.policy.response_templates import Reference, compile_template, render_template
from emulator.policy.responses import GatewayResponseRenderer, extended_request_id
from emulator.spec import parse_api
from emulator.stack import ApiKind
from tests.unit.strategies import config, lambda_integration, request

REQUEST_ID = "c0ffee00-1234-4bcd-9def-0123456789ab"
PATHS = {"/pets/{petId}": {"get": {"x-amazon-apigateway-integration": lambda_integration()}}}


def renderer(responses: dict[str, Any] | None = None, *, kind: ApiKind = "REST",
             stage_variables: dict[str, str] | None = None) -> GatewayResponseRenderer:
    document: dict[str, Any] = {"openapi": "3.0.1", "info": {"title": "t", "version": "1"},
                                "paths": PATHS}
    if responses is not None:
        document["x-amazon-apigateway-gateway-responses"] = responses
    return GatewayResponseRenderer(parse_api(config(kind, document,
                                                    stage_variables=stage_variables)))


def render(target: GatewayResponseRenderer, error: GatewayError, *, path: str = "/Prod/pets/p1",
           raw_query: str = "", headers: tuple[tuple[str, str], ...] = (),
           state: RequestState | None = None) -> tuple[int, dict[str, str], str]:
    response = target.render(error, request=request("GET", path, query=raw_query,
                                                    headers=headers),
                             request_id=REQUEST_ID, state=state)
    return response.status, {k: v for k, v in response.headers}, response.body.decode()


def missing_token() -> GatewayError:
    return gateway_responses.missing_route("REST")


def test_without_customisation_the_default_body_and_error_type_are_sent() -> None:
    status, headers, body = render(renderer(), missing_token())
    assert status == 403
    assert headers == {"Content-Type": "application/json",
                       "x-amzn-ErrorType": "MissingAuthenticationTokenException"}
    assert json.loads(body) == {"message": "Missing Authentication Token"}


def test_a_customised_type_overrides_status_headers_and_template() -> None:
    target = renderer({"MISSING_AUTHENTICATION_TOKEN": {
        "statusCode": "404",
        "responseParameters": {
            "gatewayresponse.header.Access-Control-Allow-Origin": "'*'",
            "gatewayresponse.header.X-Trace": "method.request.header.x-trace",
            "gatewayresponse.header.X-Q": "method.request.querystring.q",
            "gatewayresponse.header.X-Stage": "context.stage",
            "gatewayresponse.header.X-Absent": "method.request.header.X-Nope",
        },
        "responseTemplates": {"application/json":
                              '{"m": $context.error.messageString, "id": "$context.requestId"}'},
    }})
    status, headers, body = render(target, missing_token(), raw_query="q=1&q=2",
                                   headers=(("X-Trace", "t-9"),))
    assert status == 404
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert headers["X-Trace"] == "t-9"
    assert headers["X-Q"] == "2"
    assert headers["X-Stage"] == "Prod"
    assert "X-Absent" not in headers
    assert headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"
    assert json.loads(body) == {"m": "Missing Authentication Token", "id": REQUEST_ID}


def test_a_customisation_without_status_keeps_the_errors_own_status() -> None:
    target = renderer({"INTEGRATION_FAILURE": {"responseTemplates": {
        "application/json": '{"failed": true}'}}})
    status, _headers, body = render(target, gateway_responses.integration_failure("REST"))
    assert (status, body) == (502, '{"failed": true}')


def test_a_customisation_without_templates_keeps_the_default_body() -> None:
    target = renderer({"DEFAULT_4XX": {"responseParameters": {
        "gatewayresponse.header.Access-Control-Allow-Origin": "'https://a.example'"}}})
    status, headers, body = render(target, missing_token())
    assert status == 403 and headers["Access-Control-Allow-Origin"] == "https://a.example"
    assert json.loads(body) == {"message": "Missing Authentication Token"}


def test_uncustomised_types_fall_back_to_the_default_of_their_status_class() -> None:
    target = renderer({
        "DEFAULT_4XX": {"statusCode": "400", "responseTemplates": {
            "application/json": '{"4xx": "$context.error.responseType"}'}},
        "DEFAULT_5XX": {"responseTemplates": {
            "application/json": '{"5xx": "$context.error.responseType"}'}},
    })
    assert render(target, missing_token())[::2] == (
        400, '{"4xx": "MISSING_AUTHENTICATION_TOKEN"}')
    assert render(target, gateway_responses.integration_timeout("REST"))[::2] == (
        504, '{"5xx": "INTEGRATION_TIMEOUT"}')


def test_a_specific_customisation_replaces_the_class_default_without_merging() -> None:
    target = renderer({
        "DEFAULT_4XX": {"responseParameters": {"gatewayresponse.header.X-Default": "'yes'"}},
        "BAD_REQUEST_BODY": {"statusCode": "422"},
    })
    status, headers, _body = render(target, gateway_responses.bad_request_body("[x]"))
    assert status == 422 and "X-Default" not in headers


def test_an_unknown_stage_is_never_customised() -> None:
    target = renderer({"DEFAULT_4XX": {"statusCode": "418"}})
    status, headers, body = render(target, gateway_responses.unknown_stage("REST"),
                                   path="/Nope/pets/p1")
    assert status == 403 and headers["x-amzn-ErrorType"] == "ForbiddenException"
    assert json.loads(body) == {"message": "Forbidden"}


def test_http_apis_ignore_gateway_response_customisations() -> None:
    target = renderer({"DEFAULT_4XX": {"statusCode": "418"}}, kind="HTTP")
    status, headers, body = render(target, gateway_responses.missing_route("HTTP"),
                                   path="/nothing")
    assert (status, json.loads(body)) == (404, {"message": "Not Found"})
    assert "x-amzn-ErrorType" not in headers


def test_the_template_is_chosen_by_accept_then_json_then_the_first() -> None:
    both = renderer({"DEFAULT_4XX": {"responseTemplates": {
        "text/plain": "plain $context.error.message", "application/json": '{"json": 1}'}}})
    _status, headers, body = render(both, missing_token(), headers=(("Accept", "text/plain"),))
    assert (headers["Content-Type"], body) == ("text/plain", "plain Missing Authentication Token")
    _status, headers, body = render(both, missing_token(), headers=(("Accept", "image/png"),))
    assert (headers["Content-Type"], body) == ("application/json", '{"json": 1}')
    xml_only = renderer({"DEFAULT_4XX": {"responseTemplates": {"application/xml": "<e/>"}}})
    _status, headers, body = render(xml_only, missing_token())
    assert (headers["Content-Type"], body) == ("application/xml", "<e/>")


def test_context_variables_available_to_templates() -> None:
    target = renderer({"BAD_REQUEST_PARAMETERS": {"responseTemplates": {"application/json": (
        "$context.error.validationErrorString|$context.resourcePath|$context.httpMethod|"
        "$context.extendedRequestId|$context.authorizer.claims.sub|$stageVariables.env|"
        "$input.params('petId')|$input.params().header.get('x-trace')|$util.escape('x')")}}},
        stage_variables={"env": "dev"})
    error = gateway_responses.bad_request_parameters(["q"])
    state = RequestState(request_id=REQUEST_ID, authorizer={"claims": {"sub": "u-1"}})
    _status, _headers, body = render(target, error, headers=(("X-Trace", "t"),), state=state)
    assert body.split("|") == [
        "Missing required request parameters: [q]", "/pets/{petId}", "GET",
        extended_request_id(REQUEST_ID), "u-1", "dev", "p1", "t", "$util.escape('x')"]


def test_invalid_customisations_fail_at_start_up() -> None:
    with pytest.raises(SpecError, match="unknown response type"):
        renderer({"TEAPOT": {"statusCode": "418"}})
    with pytest.raises(SpecError, match="statusCode"):
        renderer({"DEFAULT_4XX": {"statusCode": "4000"}})
    with pytest.raises(SpecError, match="unsupported response parameter"):
        renderer({"DEFAULT_4XX": {"responseParameters": {
            "gatewayresponse.header.X": "integration.response.header.Y"}}})


def test_rejections_carry_the_aws_response_types() -> None:
    assert gateway_responses.integration_failure("REST").response_type == "INTEGRATION_FAILURE"
    assert gateway_responses.internal_error("REST").response_type == "INTEGRATION_FAILURE"
    assert gateway_responses.integration_timeout("REST").response_type == "INTEGRATION_TIMEOUT"
    body = gateway_responses.bad_request_body("[e]")
    assert (body.status, body.response_type, body.error_type) == (
        400, "BAD_REQUEST_BODY", "BadRequestException")
    assert set(gateway_responses.RESPONSE_TYPE_STATUS) >= {
        "WAF_FILTERED", "DEFAULT_4XX", "DEFAULT_5XX", "QUOTA_EXCEEDED", "THROTTLED"}


# --- the template renderer -------------------------------------------------------------

VARIABLES = {"context": {"requestId": REQUEST_ID, "error": {"message": "m"}}}


def test_formal_quiet_and_informal_references_are_substituted() -> None:
    parts = compile_template("a ${context.requestId}b $!context.error.message. $context.nope!")
    assert render_template(parts, VARIABLES) == f"a {REQUEST_ID}b m. !"


def test_a_dollar_that_starts_no_known_reference_is_literal_text() -> None:
    for text in ("costs $5", "$", "${unclosed", "$foo.bar", "${context.requestId"):
        assert render_template(compile_template(text), VARIABLES) == text


no_dollar = st.text(st.characters(blacklist_characters="$", blacklist_categories=("Cs",)))


@given(no_dollar)
def test_a_template_without_references_renders_to_itself(text: str) -> None:
    assert render_template(compile_template(text), VARIABLES) == text


@given(st.text(st.characters(blacklist_categories=("Cs",))))
def test_compiling_loses_no_text(text: str) -> None:
    parts = compile_template(text)
    assert "".join(part.text if isinstance(part, Reference) else part for part in parts) == text


@given(no_dollar, no_dollar, st.text(st.characters(blacklist_categories=("Cs",))))
def test_a_formal_reference_substitutes_between_any_literals(before: str, after: str,
                                                             value: str) -> None:
    parts = compile_template(before + "${context.requestId}" + after)
    assert render_template(parts, {"context": {"requestId": value}}) == before + value + after


@given(st.text(st.characters(blacklist_categories=("Cs",))))
def test_message_string_is_always_a_valid_json_string_of_the_message(text: str) -> None:
    error = GatewayError(403, {"message": text}, response_type="ACCESS_DENIED")
    target = renderer({"ACCESS_DENIED": {"responseTemplates": {
        "application/json": '{"message":$context.error.messageString}'}}})
    _status, _headers, body = render(target, error)
    assert json.loads(body) == {"message": text}
