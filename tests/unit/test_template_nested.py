"""Nested stacks and applications, pure: loading checks, names, and deployment with a fake
provisioner (physical ids as CloudFormation gives them, no moto)."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping
from pathlib import Path

import pytest

from emulator.config import Settings
from emulator.errors import TemplateError
from emulator.stack import PhysicalResource
from emulator.template import Resolver, Template, default_physical_resource, load_template
from emulator.template_nested import local_template, nested_stack_name
from emulator.template_nested_deploy import Deployment, deploy
from tests.conftest import APPS

NESTED_APP = APPS / "nested" / "template.yaml"
HANDLER = "def handler(event, context):\n    return {}\n"


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def fake_provision(template: Template) -> Mapping[str, PhysicalResource]:
    """What the AWS side does for types it does not create: resolve, then default ids."""
    registry: dict[str, PhysicalResource] = {}
    for logical_id, resource in template.resources.items():
        properties = Resolver(template, registry).resolve(dict(resource.properties),
                                                          logical_id=logical_id)
        registry[logical_id] = default_physical_resource(template, resource, properties or {})
    return registry


def deploy_path(path: Path, **settings: object) -> Deployment:
    config = Settings(**settings)  # type: ignore[arg-type]
    return deploy(load_template(path, config), config, fake_provision)


def load_error(path: Path) -> str:
    with pytest.raises(TemplateError) as info:
        load_template(path, Settings())
    return str(info.value)


def deploy_error(path: Path) -> str:
    with pytest.raises(TemplateError) as info:
        deploy_path(path)
    return str(info.value)


# -- locations and names ----------------------------------------------------------------

def test_a_relative_location_is_read_from_the_parent_templates_folder(tmp_path: Path) -> None:
    assert local_template("child/template.yaml", tmp_path) == tmp_path / "child/template.yaml"
    assert local_template("./child/t.yaml", tmp_path) == tmp_path / "child/t.yaml"
    assert local_template(f"file://{tmp_path}/c.yaml", Path("/elsewhere")) == tmp_path / "c.yaml"


def test_s3_and_https_template_urls_and_intrinsics_are_not_local(tmp_path: Path) -> None:
    assert local_template("s3://bucket/child.yaml", tmp_path) is None
    assert local_template("https://s3.amazonaws.com/bucket/child.yaml", tmp_path) is None
    assert local_template({"Fn::Sub": "${Url}"}, tmp_path) is None


def test_nested_stack_names_are_parent_logical_id_and_a_stable_13_character_suffix() -> None:
    name = nested_stack_name("shop", "Orders")
    assert re.fullmatch(r"shop-Orders-[A-Z0-9]{13}", name)
    assert nested_stack_name("shop", "Orders") == name
    assert nested_stack_name("shop", "Billing") != name
    assert len(nested_stack_name("s" * 120, "VeryLongLogicalIdForANestedStack")) == 128


# -- loading checks ---------------------------------------------------------------------

def test_a_local_application_loads_as_a_nested_stack_without_a_not_emulated_warning(
        tmp_path: Path) -> None:
    write(tmp_path, "child/template.yaml", """\
        Resources:
          Topic: {Type: AWS::SNS::Topic}
    """)
    path = write(tmp_path, "template.yaml", """\
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Child:
            Type: AWS::Serverless::Application
            Properties: {Location: child/template.yaml}
    """)
    template = load_template(path, Settings())
    assert template.resources["Child"].type == "AWS::CloudFormation::Stack"
    assert template.resources["Child"].properties["TemplateURL"] == "child/template.yaml"
    assert template.warnings == ()


def test_a_missing_nested_template_is_an_error_naming_the_resource(tmp_path: Path) -> None:
    path = write(tmp_path, "template.yaml", """\
        Resources:
          Child:
            Type: AWS::CloudFormation::Stack
            Properties: {TemplateURL: child/template.yaml}
    """)
    message = load_error(path)
    assert message.startswith(f"{path}: Child: nested stack template child/template.yaml "
                              "not found")
    assert "\n" not in message


def test_a_missing_template_two_levels_down_names_the_stack_path(tmp_path: Path) -> None:
    child = write(tmp_path, "child/template.yaml", """\
        Resources:
          Grandchild:
            Type: AWS::CloudFormation::Stack
            Properties: {TemplateURL: gone.yaml}
    """)
    path = write(tmp_path, "template.yaml", """\
        Resources:
          Child:
            Type: AWS::CloudFormation::Stack
            Properties: {TemplateURL: child/template.yaml}
    """)
    assert load_error(path).startswith(f"{child}: Child/Grandchild: nested stack template "
                                       "gone.yaml not found")


def test_a_template_that_nests_itself_is_a_cycle(tmp_path: Path) -> None:
    path = write(tmp_path, "template.yaml", """\
        Resources:
          Again:
            Type: AWS::CloudFormation::Stack
            Properties: {TemplateURL: template.yaml}
    """)
    assert load_error(path) == f"{path}: Again: nested stacks form a cycle: {path} -> {path}"


def test_an_indirect_cycle_names_the_chain_and_the_resource_that_closes_it(
        tmp_path: Path) -> None:
    path = write(tmp_path, "template.yaml", """\
        Resources:
          A:
            Type: AWS::CloudFormation::Stack
            Properties: {TemplateURL: a/template.yaml}
    """)
    a = write(tmp_path, "a/template.yaml", """\
        Resources:
          B:
            Type: AWS::CloudFormation::Stack
            Properties: {TemplateURL: ../b/template.yaml}
    """)
    b = write(tmp_path, "b/template.yaml", """\
        Resources:
          Back:
            Type: AWS::CloudFormation::Stack
            Properties: {TemplateURL: ../a/template.yaml}
    """)
    assert load_error(path) == (f"{b}: A/B/Back: nested stacks form a cycle: "
                                f"{a} -> {b} -> {a}")


def _child_with_parameters(tmp_path: Path, passed: str) -> Path:
    write(tmp_path, "child/template.yaml", """\
        Parameters:
          Needed: {Type: String}
          Optional: {Type: String, Default: x}
        Resources:
          Topic: {Type: AWS::SNS::Topic}
    """)
    return write(tmp_path, "template.yaml", f"""\
        Resources:
          Child:
            Type: AWS::CloudFormation::Stack
            Properties:
              TemplateURL: child/template.yaml
              Parameters: {passed}
    """)


def test_a_parameter_the_child_does_not_declare_is_an_error(tmp_path: Path) -> None:
    path = _child_with_parameters(tmp_path, "{Needed: a, Typo: b}")
    assert load_error(path) == (f"{path}: Child: Parameters: [Typo] do not exist in the "
                                f"template {tmp_path / 'child/template.yaml'}")


def test_a_parameter_without_default_the_parent_does_not_pass_is_an_error(
        tmp_path: Path) -> None:
    path = _child_with_parameters(tmp_path, "{Optional: y}")
    assert load_error(path).startswith(f"{path}: Child: Parameters: [Needed] must have values")


def test_a_list_passed_as_a_parameter_value_asks_for_a_join(tmp_path: Path) -> None:
    path = _child_with_parameters(tmp_path, "{Needed: !Split [',', 'a,b']}")
    assert deploy_error(path) == (f"{path}: Child: Parameters: Needed must resolve to a "
                                  "string, got ['a', 'b'] (join a list with Fn::Join)")


def test_serverless_repository_applications_are_skipped_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, "template.yaml", """\
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Auth:
            Type: AWS::Serverless::Application
            Properties:
              Location:
                ApplicationId: arn:aws:serverlessrepo:us-east-1:123456789012:applications/auth
                SemanticVersion: 1.2.3
    """)
    template = load_template(path, Settings())
    assert template.warnings == (
        "Auth: Serverless Application Repository application arn:aws:serverlessrepo:"
        "us-east-1:123456789012:applications/auth (version 1.2.3) cannot be fetched offline; "
        "the nested stack is skipped (Ref and Fn::GetAtt on it give placeholder values)",)


def test_a_skipped_nested_stack_still_resolves_ref_and_getatt_to_placeholders(
        tmp_path: Path) -> None:
    path = write(tmp_path, "template.yaml", """\
        Resources:
          Remote:
            Type: AWS::CloudFormation::Stack
            Properties: {TemplateURL: "https://s3.amazonaws.com/bucket/child.yaml"}
        Outputs:
          Id: {Value: !Ref Remote}
          Url: {Value: !GetAtt Remote.Outputs.Url}
    """, )
    deployment = deploy_path(path, stack_name="app")
    assert deployment.stack.children == {}
    remote = deployment.stack.resources["Remote"]
    assert re.fullmatch(r"arn:aws:cloudformation:us-east-1:123456789012:stack/"
                        r"app-Remote-[A-Z0-9]{13}/[0-9a-f-]{36}", remote.physical_id)
    assert deployment.stack.outputs["Id"].value == remote.physical_id
    assert deployment.stack.outputs["Url"].value == f"{remote.physical_id}.Outputs.Url"
    assert "TemplateURL https://s3.amazonaws.com/bucket/child.yaml is not a local file" in \
        deployment.stack.warnings[0]


# -- deployment (fake provisioner) -------------------------------------------------------

@pytest.fixture(scope="module")
def nested() -> Deployment:
    return deploy_path(NESTED_APP)


def test_children_are_named_after_the_parent_and_their_logical_id(nested: Deployment) -> None:
    assert list(nested.stack.children) == ["ChildB", "ChildA"]  # creation order
    child_a = nested.stack.children["ChildA"]
    assert re.fullmatch(r"nested-ChildA-[A-Z0-9]{13}", child_a.name)
    assert child_a.path == "ChildA"
    grandchild = nested.stack.descendant("ChildB/Grandchild")
    assert grandchild.name.startswith(nested.stack.children["ChildB"].name + "-Grandchild-")
    assert set(nested.templates) == {"", "ChildA", "ChildB", "ChildB/Grandchild"}


def test_functions_and_apis_of_children_are_named_by_stack_path(nested: Deployment) -> None:
    assert sorted(nested.stack.all_functions) == [
        "ChildA/HelloFunction", "ChildB/Grandchild/EchoFunction", "ChildB/HelloFunction",
        "ReportFunction"]
    assert sorted(api.logical_id for api in nested.stack.all_apis) == [
        "ChildA/ServerlessRestApi", "ChildB/Grandchild/ServerlessHttpApi",
        "ChildB/ServerlessRestApi"]
    assert list(nested.stack.functions) == ["ReportFunction"]
    a, b = (nested.stack.all_functions[f"Child{x}/HelloFunction"] for x in "AB")
    assert a.name != b.name and a.code_dir != b.code_dir


def test_parameters_are_resolved_in_the_parent_and_passed_to_the_child(
        nested: Deployment) -> None:
    environment = nested.stack.all_functions["ChildA/HelloFunction"].environment
    assert environment["GREETING"] == "Hello from the parent!"
    assert environment["SHARED_TOPIC_ARN"] == \
        nested.stack.resources["SharedTopic"].physical_id
    assert environment["OWN_STACK"] == nested.stack.children["ChildA"].name


def test_outputs_flow_from_child_to_parent_and_ref_is_the_child_stack_id(
        nested: Deployment) -> None:
    child_a = nested.stack.children["ChildA"]
    api_id = child_a.resources["ServerlessRestApi"].physical_id
    url = f"https://{api_id}.execute-api.us-east-1.amazonaws.com/Prod/hello"
    assert child_a.outputs["HelloUrl"].value == url
    assert nested.stack.outputs["ChildAHelloUrl"].value == url
    assert nested.stack.resources["ChildA"].attributes["Outputs.HelloUrl"] == url
    report = nested.stack.functions["ReportFunction"].environment
    assert report["CHILD_A_URL"] == url
    assert report["CHILD_A_STACK_ID"] == nested.stack.resources["ChildA"].physical_id
    assert report["CHILD_A_STACK_ID"].startswith(
        f"arn:aws:cloudformation:us-east-1:123456789012:stack/{child_a.name}/")
    grandchild = nested.stack.descendant("ChildB/Grandchild")
    assert nested.stack.outputs["GrandchildEcho"].value == \
        f"{nested.stack.children['ChildB'].name}-echo" == grandchild.outputs["Echo"].value


def test_the_child_stack_id_is_its_own_aws_stackid(nested: Deployment) -> None:
    child = nested.templates["ChildA"]
    assert Resolver(child, {}).resolve({"Ref": "AWS::StackId"}) == \
        nested.stack.resources["ChildA"].physical_id


def test_function_by_arn_finds_functions_of_nested_stacks(nested: Deployment) -> None:
    echo = nested.stack.all_functions["ChildB/Grandchild/EchoFunction"]
    assert nested.stack.function_by_arn(echo.arn) == echo
    assert nested.stack.children["ChildA"].function_by_arn(echo.arn) is None


def test_an_error_inside_a_grandchild_names_its_template_and_stack_path(
        tmp_path: Path) -> None:
    grandchild = write(tmp_path, "child/grandchild/template.yaml", """\
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Echo:
            Type: AWS::Serverless::Function
            Properties: {CodeUri: src/, Handler: missing.handler, Runtime: python3.11}
    """)
    write(tmp_path, "child/grandchild/src/app.py", HANDLER)
    write(tmp_path, "child/template.yaml", """\
        Resources:
          Grandchild:
            Type: AWS::CloudFormation::Stack
            Properties: {TemplateURL: grandchild/template.yaml}
    """)
    path = write(tmp_path, "template.yaml", """\
        Resources:
          Child:
            Type: AWS::CloudFormation::Stack
            Properties: {TemplateURL: child/template.yaml}
    """)
    message = deploy_error(path)
    assert message.startswith(f"{grandchild}: Child/Grandchild/Echo: handler file missing.py "
                              "not found")


def test_a_bad_parameter_value_is_reported_in_the_child_by_stack_path(tmp_path: Path) -> None:
    child = write(tmp_path, "child/template.yaml", """\
        Parameters:
          Stage: {Type: String, AllowedValues: [dev, prod]}
        Resources:
          Topic: {Type: AWS::SNS::Topic}
    """)
    path = write(tmp_path, "template.yaml", """\
        Resources:
          Child:
            Type: AWS::CloudFormation::Stack
            Properties:
              TemplateURL: child/template.yaml
              Parameters: {Stage: test}
    """)
    assert deploy_error(path) == (f"{child}: Child/Stage: Parameter 'Stage' must be one of "
                                  "AllowedValues")
