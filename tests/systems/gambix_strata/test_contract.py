"""The published contract (openapi/gambix_strata.yaml), the template and the handlers agree."""

from __future__ import annotations

import re
from typing import Any

import yaml
from openapi_spec_validator import validate

from handlers.gambix_strata.core.strata import inputs
from handlers.gambix_strata.core.strata.recommendations import CODES
from handlers.gambix_strata.core.strata.scoring import WEIGHTS
from tests.conftest import REPO_ROOT

SPEC_PATH = REPO_ROOT / "openapi" / "gambix_strata.yaml"
TEMPLATE_PATH = REPO_ROOT / "handlers" / "gambix_strata" / "template.yaml"
METHODS = {"get", "post", "put", "delete", "patch"}


class _CfnLoader(yaml.SafeLoader):
    """Reads the template's short-form intrinsics (!Ref, !Sub ...) as plain values."""


_CfnLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def _spec() -> dict[str, Any]:
    return dict(yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8")))


def _template() -> dict[str, Any]:
    return dict(yaml.load(TEMPLATE_PATH.read_text(encoding="utf-8"), Loader=_CfnLoader))


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, item in _spec()["paths"].items()
            for method, op in item.items() if method in METHODS]


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        section = node["$ref"].split("/")[2]
        node = spec["components"][section][name]
    return node


def test_the_contract_is_valid_openapi_3() -> None:
    validate(_spec())


def test_every_api_event_is_an_operation_with_its_function_and_vice_versa() -> None:
    resources = _template()["Resources"]
    events = {}
    for logical_id, resource in resources.items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        for event in resource["Properties"].get("Events", {}).values():
            if event["Type"] == "Api":
                events[(event["Properties"]["Path"], event["Properties"]["Method"])] = logical_id
    operations = {}
    for path, method, op in _operations():
        uri = op["x-amazon-apigateway-integration"]["uri"]["Fn::Sub"]
        function = re.search(r"\$\{(\w+)\.Arn\}", uri)
        assert function is not None, (path, method)
        operations[(path, method)] = function.group(1)
    assert operations == events
    assert len({op["operationId"] for _, _, op in _operations()}) == len(operations) == 23


def test_every_operation_documents_its_errors_and_json_bodies() -> None:
    spec = _spec()
    for path, method, op in _operations():
        responses = op["responses"]
        if op.get("security") != []:
            assert "401" in responses, (path, method)
        if "{id}" in path:
            assert "404" in responses, (path, method)
        for status, response in responses.items():
            response = _resolve(spec, response)
            if status != "204":
                assert "schema" in response["content"]["application/json"], (path, status)
        if "requestBody" in op:
            assert "400" in responses, (path, method)
            schema = _resolve(spec, op["requestBody"]["content"]["application/json"]["schema"])
            assert schema["additionalProperties"] is False, path


def test_links_lead_to_existing_operations() -> None:
    ids = {op["operationId"] for _, _, op in _operations()}
    for _, _, op in _operations():
        for response in op["responses"].values():
            for link in response.get("links", {}).values():
                assert link["operationId"] in ids


def test_the_spec_publishes_the_patterns_and_enums_the_handlers_enforce() -> None:
    schemas = _spec()["components"]["schemas"]
    assert schemas["Email"]["pattern"] == inputs.EMAIL
    assert schemas["Password"]["pattern"] == inputs.TRIMMED
    assert schemas["Name"]["pattern"] == inputs.TRIMMED
    assert schemas["Description"]["pattern"] == inputs.OPTIONAL_TRIMMED
    assert schemas["ProfileUpdate"]["properties"]["company"]["pattern"] == \
        inputs.OPTIONAL_TRIMMED
    assert schemas["SiteUrl"]["pattern"] == inputs.SITE_URL
    assert schemas["Id"]["pattern"] == inputs.ID
    assert _spec()["components"]["parameters"]["Cursor"]["schema"]["pattern"] == inputs.CURSOR
    assert schemas["ConfirmRequest"]["properties"]["code"]["pattern"] == inputs.CODE
    assert schemas["RecommendationCode"]["enum"] == list(CODES)
    assert schemas["Breakdown"]["required"] == list(WEIGHTS)


def test_the_cognito_authorizer_is_the_default_security_of_the_api() -> None:
    spec = _spec()
    scheme = spec["components"]["securitySchemes"]["CognitoAuthorizer"]
    assert scheme["x-amazon-apigateway-authorizer"]["type"] == "cognito_user_pools"
    assert spec["security"] == [{"CognitoAuthorizer": []}]
    public = {path for path, _, op in _operations() if op.get("security") == []}
    assert public == {"/api/users/register", "/api/users/confirm", "/api/users/login"}
    api = _template()["Resources"]["GambixStrataApi"]["Properties"]
    assert api["Auth"]["DefaultAuthorizer"] == "CognitoAuthorizer"
