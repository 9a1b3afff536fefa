"""emulator.policy.validation: REST request validators, compiled once, checked per request."""

from __future__ import annotations

from typing import Any, cast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.errors import SpecError
from emulator.gateway_responses import RequestValidationError
from emulator.policy.pipeline import PolicyContext, RequestState
from emulator.policy.validation import (
    RequestValidationStep,
    build_validation_step,
    compile_rules,
)
from emulator.routing import Router
from emulator.spec import ApiModel, parse_api
from tests.unit.strategies import config, lambda_integration, request

VALIDATORS = {
    "all": {"validateRequestBody": True, "validateRequestParameters": True},
    "body-only": {"validateRequestBody": True, "validateRequestParameters": False},
    "params-only": {"validateRequestBody": False, "validateRequestParameters": True},
}
PET = {"type": "object", "required": ["name"], "additionalProperties": False,
       "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0}}}


def swagger_api(paths: dict[str, Any], **root: Any) -> ApiModel:
    document = {"swagger": "2.0", "info": {"title": "t", "version": "1"},
                "x-amazon-apigateway-request-validators": VALIDATORS,
                "definitions": {"Pet": PET}, "paths": paths, **root}
    return parse_api(config("REST", document))


def openapi_api(paths: dict[str, Any], **root: Any) -> ApiModel:
    document = {"openapi": "3.0.1", "info": {"title": "t", "version": "1"},
                "x-amazon-apigateway-request-validators": VALIDATORS,
                "components": {"schemas": {"Pet": PET}}, "paths": paths, **root}
    return parse_api(config("REST", document))


def op(*parameters: dict[str, Any], validator: str | None = None,
       **extra: Any) -> dict[str, Any]:
    operation: dict[str, Any] = {"x-amazon-apigateway-integration": lambda_integration(),
                                 "parameters": list(parameters), **extra}
    if validator is not None:
        operation["x-amazon-apigateway-request-validator"] = validator
    return operation


def query(name: str, required: bool = True) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "type": "string"}


def header(name: str, required: bool = True) -> dict[str, Any]:
    return {"name": name, "in": "header", "required": required, "type": "string"}


PET_BODY = {"name": "pet", "in": "body", "required": True, "schema": {"$ref": "#/definitions/Pet"}}


def outcome(api: ApiModel, method: str, path: str, *, raw_query: str = "",
            headers: tuple[tuple[str, str], ...] = (), body: bytes = b"",
            authorizer: dict[str, Any] | None = None) -> RequestValidationError | None:
    """The validation error the request gets, or ``None`` when it passes."""
    step = RequestValidationStep("Api", compile_rules(api))
    match = Router(api).match(method, path)
    assert match is not None
    state = RequestState(request_id="req-1", authorizer=authorizer)
    try:
        step.check(request(method, path, query=raw_query, headers=headers, body=body), match,
                   state)
    except RequestValidationError as error:
        return error
    return None


def message(error: RequestValidationError | None) -> str:
    assert error is not None
    return str(error.body["message"])


def test_missing_parameters_are_listed_header_then_path_then_querystring_each_sorted() -> None:
    api = swagger_api({"/things/{thingId}": {
        "parameters": [{"name": "thingId", "in": "path", "required": True, "type": "string"}],
        "get": op(query("zeta"), query("alpha"), header("X-Tenant"), header("Accept-Version"),
                  {"name": "other", "in": "path", "required": True, "type": "string"},
                  validator="params-only")}})
    error = outcome(api, "GET", "/things/t1")
    assert error is not None and error.status == 400
    assert error.response_type == "BAD_REQUEST_PARAMETERS"
    assert error.error_type == "BadRequestException"
    assert dict(error.body) == {"message": "Missing required request parameters: "
                                           "[Accept-Version, X-Tenant, other, alpha, zeta]"}


def test_a_blank_query_value_or_header_counts_as_missing() -> None:
    api = swagger_api({"/s": {"get": op(query("q"), header("X-Id"), validator="params-only")}})
    assert message(outcome(api, "GET", "/s", raw_query="q=",
                           headers=(("X-Id", "  "),))) == \
        "Missing required request parameters: [X-Id, q]"
    assert outcome(api, "GET", "/s", raw_query="q=%20x", headers=(("X-Id", "1"),)) is None


def test_header_names_match_case_insensitively_and_optional_ones_are_not_required() -> None:
    api = swagger_api({"/s": {"get": op(header("X-Tenant"), header("X-Opt", required=False),
                                        validator="params-only")}})
    assert outcome(api, "GET", "/s", headers=(("x-tenant", "acme"),)) is None


def test_path_parameters_of_the_resource_are_present_by_construction() -> None:
    api = swagger_api({"/pets/{petId}": {"get": op(
        {"name": "petId", "in": "path", "required": True, "type": "string"},
        validator="params-only")}})
    assert outcome(api, "GET", "/pets/p-1") is None


def test_parameters_are_checked_before_the_body() -> None:
    api = swagger_api({"/pets": {"post": op(query("owner"), PET_BODY, validator="all")}})
    error = outcome(api, "POST", "/pets", body=b"not json")
    assert error is not None and error.response_type == "BAD_REQUEST_PARAMETERS"


@pytest.mark.parametrize("body", [
    b'{"name": 3}',                        # wrong type
    b'{"age": 2}',                         # required property missing
    b'{"name": "rex", "colour": "red"}',   # additionalProperties false
    b'{"name": "rex", "age": -1}',         # minimum
    b'["rex"]',                            # not an object
    b"{not json",                          # unparsable
])
def test_a_body_that_does_not_match_the_model_is_an_invalid_request_body(body: bytes) -> None:
    api = swagger_api({"/pets": {"post": op(PET_BODY, validator="body-only")}})
    error = outcome(api, "POST", "/pets", body=body,
                    headers=(("Content-Type", "application/json"),))
    assert error is not None and error.status == 400
    assert error.response_type == "BAD_REQUEST_BODY"
    assert dict(error.body) == {"message": "Invalid request body"}


def test_a_matching_body_passes() -> None:
    api = swagger_api({"/pets": {"post": op(PET_BODY, validator="body-only")}})
    assert outcome(api, "POST", "/pets", body=b'{"name": "rex", "age": 3}',
                   headers=(("Content-Type", "application/json; charset=utf-8"),)) is None


def test_validation_error_string_lists_every_schema_error_with_its_json_path() -> None:
    api = swagger_api({"/pets": {"post": op(PET_BODY, validator="body-only")}})
    error = outcome(api, "POST", "/pets", body=b'{"name": 3, "age": -1}')
    assert error is not None
    assert error.validation_error_string == (
        "[$.age: -1 is less than the minimum of 0, $.name: 3 is not of type 'string']")


def test_an_empty_body_is_checked_as_an_empty_object_unless_the_body_is_required() -> None:
    optional = {**PET_BODY, "required": False, "schema": {"type": "object"}}
    api = swagger_api({"/a": {"post": op(optional, validator="body-only")},
                       "/b": {"post": op(PET_BODY, validator="body-only")}})
    assert outcome(api, "POST", "/a") is None
    error = outcome(api, "POST", "/b")
    assert error is not None and "required but missing" in error.validation_error_string


def test_a_content_type_without_a_model_is_not_validated_and_a_missing_one_means_json() -> None:
    api = swagger_api({"/pets": {"post": op(PET_BODY, validator="body-only")}})
    assert outcome(api, "POST", "/pets", body=b"<pet/>",
                   headers=(("Content-Type", "application/xml"),)) is None
    assert outcome(api, "POST", "/pets", body=b"<pet/>") is not None


def test_swagger_consumes_decides_which_media_types_have_the_model() -> None:
    api = swagger_api({"/pets": {"post": op(PET_BODY, validator="body-only",
                                            consumes=["application/vnd.pet+json"])}})
    assert outcome(api, "POST", "/pets", body=b"{}",
                   headers=(("Content-Type", "application/json"),)) is None
    assert outcome(api, "POST", "/pets", body=b"{}",
                   headers=(("Content-Type", "application/vnd.pet+json"),)) is not None


def test_openapi3_request_body_refs_resolve_into_components() -> None:
    api = openapi_api(
        {"/pets": {"post": op(validator="body-only",
                              requestBody={"$ref": "#/components/requestBodies/NewPet"})}},
        **{"components": {"schemas": {"Pet": PET}, "requestBodies": {"NewPet": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}},
        }}}})
    assert outcome(api, "POST", "/pets", body=b'{"name": "rex"}') is None
    assert outcome(api, "POST", "/pets", body=b'{"name": false}') is not None


def test_models_are_json_schema_draft_4() -> None:
    draft4 = {"type": "object", "properties": {
        "n": {"type": "number", "maximum": 10, "exclusiveMaximum": True}}}
    api = openapi_api({"/n": {"post": op(validator="body-only", requestBody={
        "content": {"application/json": {"schema": draft4}}})}})
    assert outcome(api, "POST", "/n", body=b'{"n": 9.5}') is None
    assert outcome(api, "POST", "/n", body=b'{"n": 10}') is not None


def test_the_root_validator_is_the_default_and_an_operation_overrides_it() -> None:
    api = swagger_api({
        "/default": {"post": op(query("q"), PET_BODY)},
        "/override": {"post": op(query("q"), PET_BODY, validator="body-only")},
    }, **{"x-amazon-apigateway-request-validator": "params-only"})
    assert message(outcome(api, "POST", "/default", body=b"junk")) == \
        "Missing required request parameters: [q]"
    assert outcome(api, "POST", "/default", raw_query="q=1", body=b"junk") is None
    assert message(outcome(api, "POST", "/override", body=b"junk")) == "Invalid request body"


def test_an_operation_without_any_validator_is_not_validated() -> None:
    api = swagger_api({"/pets": {"post": op(query("q"), PET_BODY)}})
    assert compile_rules(api) == {}


def test_naming_an_undefined_validator_fails_at_start_up() -> None:
    api = swagger_api({"/pets": {"post": op(PET_BODY, validator="strict")}})
    with pytest.raises(SpecError, match="strict"):
        compile_rules(api)


def test_an_invalid_model_fails_at_start_up() -> None:
    api = openapi_api({"/pets": {"post": op(validator="body-only", requestBody={
        "content": {"application/json": {"schema": {"type": "nonsense"}}}})}})
    with pytest.raises(SpecError, match="invalid model"):
        compile_rules(api)


def test_http_apis_get_no_validation_step() -> None:
    document = {"openapi": "3.0.1", "info": {"title": "t", "version": "1"},
                "x-amazon-apigateway-request-validators": VALIDATORS,
                "x-amazon-apigateway-request-validator": "all",
                "paths": {"/p": {"post": op(query("q"))}}}
    api = parse_api(config("HTTP", document))
    assert build_validation_step(api, cast(PolicyContext, None)) is None


def test_the_rejection_carries_the_authorizer_context_for_templates() -> None:
    api = swagger_api({"/s": {"get": op(query("q"), validator="params-only")}})
    error = outcome(api, "GET", "/s", authorizer={"principalId": "user-1"})
    assert error is not None and error.authorizer == {"principalId": "user-1"}


def test_each_distinct_schema_is_compiled_once_per_api() -> None:
    api = swagger_api({"/a": {"post": op(PET_BODY, validator="body-only")},
                       "/b": {"put": op(PET_BODY, validator="body-only")}})
    rules = compile_rules(api)
    models = {id(rule.body.models["application/json"]) for rule in rules.values()
              if rule.body is not None}
    assert len(models) == 1


names = st.lists(st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True), min_size=1,
                 max_size=6, unique=True)


@given(required=names, data=st.data())
def test_missing_query_parameters_are_exactly_the_sorted_absent_ones(
        required: list[str], data: st.DataObject) -> None:
    present = data.draw(st.lists(st.sampled_from(required), unique=True))
    api = swagger_api({"/s": {"get": op(*(query(name) for name in required),
                                        validator="params-only")}})
    error = outcome(api, "GET", "/s", raw_query="&".join(f"{name}=v" for name in present))
    absent = sorted(set(required) - set(present))
    if not absent:
        assert error is None
    else:
        assert message(error) == f"Missing required request parameters: [{', '.join(absent)}]"
