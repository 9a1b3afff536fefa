"""build_stack and rewrite_execute_api_urls: the Stack a provisioned template becomes."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from emulator.config import Settings
from emulator.errors import TemplateError
from emulator.stack import PhysicalResource, Stack
from emulator.template import (
    Resolver,
    Template,
    build_stack,
    default_physical_resource,
    load_template,
    rewrite_execute_api_urls,
)

TEMPLATES = Path(__file__).resolve().parent / "templates"
SAM_APP = TEMPLATES / "sam_app" / "template.yaml"
CFN_PLAIN = TEMPLATES / "cfn_plain" / "template.json"
LAMBDA_ARN = "arn:aws:lambda:us-east-1:123456789012:function:"


def provision(template: Template) -> dict[str, PhysicalResource]:
    """What a provisioner does: resolve in creation order, then name each resource."""
    registry: dict[str, PhysicalResource] = {}
    for logical_id, resource in template.resources.items():
        properties = Resolver(template, registry).resolve(resource.properties,
                                                          logical_id=logical_id)
        registry[logical_id] = default_physical_resource(template, resource, properties)
    return registry


def stack_of(path: Path, **settings: object) -> Stack:
    template = load_template(path, Settings(**settings))  # type: ignore[arg-type]
    return build_stack(template, provision(template))


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "template.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def sam_stack() -> Stack:
    return stack_of(SAM_APP)


# -- functions --------------------------------------------------------------------------

def test_function_environment_is_resolved_to_strings(sam_stack: Stack) -> None:
    items = sam_stack.functions["ItemsFunction"]
    table = sam_stack.resources["Table"].physical_id
    assert dict(items.environment) == {
        "TABLE_NAME": table,
        "LOG_LEVEL": "DEBUG",
        "BUCKET": sam_stack.resources["Uploads"].physical_id,
        "DEBUG": "true",
        "ORIGINS": "http://localhost:5173,https://app.example.com",
    }
    assert table.startswith("sam-app-Table-")


def test_function_configuration_merges_globals_and_its_own_properties(sam_stack: Stack) -> None:
    items = sam_stack.functions["ItemsFunction"]
    orders = sam_stack.functions["OrdersFunction"]
    assert items.name == sam_stack.resources["ItemsFunction"].physical_id
    assert items.arn == LAMBDA_ARN + items.name
    assert (items.handler, items.runtime, items.timeout_s, items.memory_mb) == \
        ("app.handler", "python3.11", 10.0, 256)
    assert items.code_dir == SAM_APP.parent / "src"
    assert (orders.timeout_s, orders.architectures, orders.reserved_concurrency) == \
        (20.0, ("arm64",), 5)
    assert orders.handler == "handlers.orders.handler"
    assert items.architectures == ("x86_64",) and items.reserved_concurrency is None


def test_layers_put_their_python_folders_on_the_path_last_layer_first(sam_stack: Stack) -> None:
    layers = SAM_APP.parent / "layers"
    assert sam_stack.functions["ItemsFunction"].layer_paths == (
        layers / "vendor" / "python",  # plain layer: its python/ folder
        layers / "deps",  # BuildMethod python3.11: sam build makes the folder python/
    )


def test_conditional_environment_values_follow_parameters() -> None:
    stack = stack_of(SAM_APP, parameter_overrides={"Stage": "prod"})
    environment = stack.functions["ItemsFunction"].environment
    assert environment["QUEUE_URL"] == stack.resources["Queue"].physical_id
    assert environment["QUEUE_URL"].startswith("https://sqs.us-east-1.amazonaws.com/")
    assert environment["LOG_LEVEL"] == "INFO" and environment["DEBUG"] == "false"


# -- APIs -------------------------------------------------------------------------------

def _integration_uri(definition: object, path: str, method: str) -> str:
    operation = definition["paths"][path][method]  # type: ignore[index]
    return str(operation["x-amazon-apigateway-integration"]["uri"])


def test_implicit_rest_and_http_apis_have_their_sam_stages(sam_stack: Stack) -> None:
    apis = {api.logical_id: api for api in sam_stack.apis}
    rest, http = apis["ServerlessRestApi"], apis["ServerlessHttpApi"]
    assert (rest.kind, rest.stage) == ("REST", "Prod")
    assert (http.kind, http.stage) == ("HTTP", "$default")
    assert rest.api_id == sam_stack.resources["ServerlessRestApi"].physical_id
    arn = sam_stack.functions["ItemsFunction"].arn
    assert _integration_uri(rest.definition, "/items", "get") == (
        f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{arn}/invocations")
    assert arn in _integration_uri(http.definition, "/items", "get")
    assert rest.definition["info"]["title"] == "sam-app"


def test_explicit_api_from_a_definition_uri_is_fully_resolved(sam_stack: Stack) -> None:
    orders = next(api for api in sam_stack.apis if api.logical_id == "OrdersApi")
    assert orders.stage == "dev"
    assert dict(orders.stage_variables) == {"mode": "dev"}
    assert orders.binary_media_types == ("image/png",)
    assert sam_stack.functions["OrdersFunction"].arn in \
        _integration_uri(orders.definition, "/orders", "post")
    assert orders.stage_properties["StageName"] == "dev"


def test_http_api_keeps_stage_variables_and_cors(sam_stack: Stack) -> None:
    admin = next(api for api in sam_stack.apis if api.logical_id == "AdminApi")
    assert (admin.kind, admin.stage, dict(admin.stage_variables)) == \
        ("HTTP", "admin", {"level": "3"})
    assert admin.cors_configuration is not None
    assert admin.cors_configuration["AllowOrigins"] == \
        ["http://localhost:5173", "https://app.example.com"]
    assert _integration_uri(admin.definition, "/admin/stats", "get") == \
        sam_stack.functions["ItemsFunction"].arn


def test_rest_api_with_only_a_deployment_uses_its_stage_name() -> None:
    stack = stack_of(CFN_PLAIN)
    (api,) = stack.apis
    assert (api.kind, api.stage, api.api_id) == ("REST", "v1", stack.resources["Api"].physical_id)
    handler = stack.functions["Handler"]
    assert handler.arn in _integration_uri(api.definition, "/notes", "get")
    assert dict(handler.environment) == {"NOTES_TABLE": "cfn-plain-notes-test", "RETRIES": "3"}
    assert handler.memory_mb == 512 and handler.timeout_s == 3.0


# -- outputs ----------------------------------------------------------------------------

def test_outputs_are_resolved(sam_stack: Stack) -> None:
    api_id = sam_stack.resources["ServerlessRestApi"].physical_id
    api_url = sam_stack.outputs["ApiUrl"]
    assert api_url.value == f"https://{api_id}.execute-api.us-east-1.amazonaws.com/Prod/"
    assert api_url.description == "Items API (dev)"
    table = sam_stack.outputs["TableName"]
    assert (table.value, table.export_name) == (sam_stack.resources["Table"].physical_id,
                                                "sam-app-table")
    assert "QueueUrl" not in sam_stack.outputs
    assert sam_stack.outputs["HttpUrl"].value.endswith(".execute-api.us-east-1.amazonaws.com")


def test_stack_carries_identity_resources_and_warnings(sam_stack: Stack) -> None:
    assert (sam_stack.name, sam_stack.region, sam_stack.account_id) == \
        ("sam-app", "us-east-1", "123456789012")
    assert sam_stack.template_path == SAM_APP
    assert sam_stack.resources["Table"].type == "AWS::DynamoDB::Table"
    assert any("DefinitionUri" in warning for warning in sam_stack.warnings)
    assert sam_stack.function_by_arn(sam_stack.functions["OrdersFunction"].arn + ":live") is \
        sam_stack.functions["OrdersFunction"]


def test_names_are_the_same_across_restarts(sam_stack: Stack) -> None:
    again = stack_of(SAM_APP)
    assert {k: v.physical_id for k, v in again.resources.items()} == \
        {k: v.physical_id for k, v in sam_stack.resources.items()}


# -- errors -----------------------------------------------------------------------------

FUNCTION = """\
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Api:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: {code_uri}
          Handler: {handler}
          Runtime: python3.12
          Environment:
            Variables: {{VPC: {env}}}
"""


def _function_template(tmp_path: Path, code_uri: str = "src", handler: str = "app.handler",
                       env: str = "x") -> Path:
    (tmp_path / "src" / "pkg").mkdir(parents=True, exist_ok=True)
    (tmp_path / "src" / "pkg" / "mod.py").write_text("def fn(e, c):\n    return {}\n")
    return write(tmp_path, FUNCTION.format(code_uri=code_uri, handler=handler, env=env))


@pytest.mark.parametrize("handler", ["pkg/mod.fn", "pkg.mod.fn"])
def test_package_handlers_resolve_to_their_module_file(tmp_path: Path, handler: str) -> None:
    stack = stack_of(_function_template(tmp_path, handler=handler))
    assert stack.functions["Api"].handler == handler


def test_a_missing_handler_file_names_the_function(tmp_path: Path) -> None:
    path = _function_template(tmp_path)
    with pytest.raises(TemplateError) as info:
        stack_of(path)
    assert str(info.value) == \
        f"{path}: Api: handler file app.py not found in {tmp_path.resolve() / 'src'}"


def test_a_missing_code_directory_names_the_function(tmp_path: Path) -> None:
    path = _function_template(tmp_path, code_uri="gone/")
    with pytest.raises(TemplateError, match=r"Api: code directory .*gone not found"):
        stack_of(path)


def test_import_value_in_a_function_fails_the_build(tmp_path: Path) -> None:
    path = _function_template(tmp_path, handler="pkg.mod.fn", env="!ImportValue shared-vpc")
    with pytest.raises(TemplateError, match="Api: Fn::ImportValue is not supported: 'shared-vpc'"):
        stack_of(path)


def test_functions_whose_code_is_not_local_are_skipped_with_a_warning(tmp_path: Path) -> None:
    stack = stack_of(_function_template(tmp_path, code_uri="s3://bucket/code.zip"))
    assert "Api" not in stack.functions
    assert any("is not a local folder" in warning for warning in stack.warnings)


# -- rewrite_execute_api_urls ------------------------------------------------------------

BASES = {"abc123defg": "http://127.0.0.1:3000", "zzz999yyyy": "http://127.0.0.1:3001/"}


@pytest.mark.parametrize(("value", "expected"), [
    ("https://abc123defg.execute-api.us-east-1.amazonaws.com/Prod/items",
     "http://127.0.0.1:3000/Prod/items"),
    ("https://abc123defg.execute-api.eu-west-1.amazonaws.com",
     "http://127.0.0.1:3000"),
    ("https://zzz999yyyy.execute-api.us-east-1.amazonaws.com/$default/x?y=1",
     "http://127.0.0.1:3001/$default/x?y=1"),
    ("see https://abc123defg.execute-api.us-east-1.amazonaws.com/Prod and "
     "https://zzz999yyyy.execute-api.us-east-1.amazonaws.com/",
     "see http://127.0.0.1:3000/Prod and http://127.0.0.1:3001/"),
    ("https://unknown123.execute-api.us-east-1.amazonaws.com/Prod",
     "https://unknown123.execute-api.us-east-1.amazonaws.com/Prod"),
    ("https://example.com/abc123defg", "https://example.com/abc123defg"),
    ("orders-table", "orders-table"),
])
def test_rewrite_execute_api_urls(value: str, expected: str) -> None:
    assert rewrite_execute_api_urls(value, BASES) == expected


def test_rewrite_turns_a_stack_output_into_a_local_url(sam_stack: Stack) -> None:
    api_id = sam_stack.resources["ServerlessRestApi"].physical_id
    local = rewrite_execute_api_urls(sam_stack.outputs["ApiUrl"].value,
                                     {api_id: "http://127.0.0.1:3000"})
    assert local == "http://127.0.0.1:3000/Prod/"
