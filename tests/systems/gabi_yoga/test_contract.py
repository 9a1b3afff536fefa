"""The published contract (openapi/gabi_yoga.yaml) and what the template deploys from it."""

from __future__ import annotations

import re

import yaml
from openapi_spec_validator import validate

from tests.conftest import REPO_ROOT

from .conftest import GabiYoga

SPEC_PATH = REPO_ROOT / "openapi" / "gabi_yoga.yaml"
TEMPLATE_PATH = REPO_ROOT / "handlers" / "gabi_yoga" / "template.yaml"
METHODS = {"get", "post", "put", "delete", "patch"}


class _CfnLoader(yaml.SafeLoader):
    """Reads the template's short-form intrinsics (!Ref, !Sub ...) as plain values."""


_CfnLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def _spec() -> dict[str, object]:
    return dict(yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8")))


def _operations() -> list[tuple[str, str, dict[str, object]]]:
    paths = _spec()["paths"]
    assert isinstance(paths, dict)
    return [(path, method, op) for path, item in paths.items()
            for method, op in item.items() if method in METHODS]


def test_the_contract_is_valid_openapi_3() -> None:
    validate(_spec())


def test_every_operation_has_an_id_error_responses_and_a_lambda_integration() -> None:
    functions = yaml.load(TEMPLATE_PATH.read_text(encoding="utf-8"), Loader=_CfnLoader)
    names = {k for k, v in functions["Resources"].items()
             if v["Type"] == "AWS::Serverless::Function"}
    ids = []
    for path, method, op in _operations():
        ids.append(op["operationId"])
        uri = op["x-amazon-apigateway-integration"]["uri"]["Fn::Sub"]
        function = re.search(r"\$\{(\w+)\.Arn\}", uri)
        assert function and function.group(1) in names, (path, method)
        responses = op["responses"]
        assert any(code.startswith("4") for code in responses) or path == "/gallery", path
        if op.get("security") != []:
            assert "401" in responses, (path, method)
    assert len(ids) == len(set(ids)) == 30


def test_every_api_event_of_the_template_is_in_the_contract() -> None:
    template = yaml.load(TEMPLATE_PATH.read_text(encoding="utf-8"), Loader=_CfnLoader)
    events = {(e["Properties"]["Path"], e["Properties"]["Method"])
              for r in template["Resources"].values()
              for e in (r.get("Properties", {}).get("Events") or {}).values()
              if e["Type"] == "Api"}
    assert events == {(path, method) for path, method, _ in _operations()}


def test_the_deployed_definition_protects_member_and_admin_routes_only(gabi: GabiYoga) -> None:
    """What SAM makes of DefaultAuthorizer + Authorizer: NONE + ApiKeyRequired."""
    gateway = gabi.emulator.gateways["GabiYogaApi"]
    security = {f"{op.method} {op.path}": op.definition.get("security")
                for op in gateway.api.operations if op.method != "OPTIONS"}
    assert security["POST /auth/login"] == [] and security["GET /blog"] == []
    assert security["POST /payment/webhook"] == []
    assert security["GET /bookings"] == [{"JwtAuthorizer": []}]
    assert security["GET /admin/dashboard"] == [{"JwtAuthorizer": []}, {"api_key": []}]
    schemes = gateway.api.config.definition["components"]["securitySchemes"]
    assert set(schemes) == {"JwtAuthorizer", "api_key"}
    public = [k for k, v in security.items() if v == []]
    admin = [k for k, v in security.items() if v and {"api_key": []} in v]
    assert len(public) == 11 and len(admin) == 5 and all("/admin/" in k for k in admin)
