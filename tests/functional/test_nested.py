"""Nested applications in-process: two children with the same function and API ids, a
parameter passed down, outputs re-exported up, a grandchild, and CloudFormation's view."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from emulator.testing import TEST_ORIGIN, TestEmulator, start_emulator
from tests.conftest import APPS

NESTED = APPS / "nested" / "template.yaml"


@pytest.fixture(scope="module")
def nested() -> Iterator[TestEmulator]:
    with start_emulator(NESTED) as emulator:
        yield emulator


def _body(response: Any) -> Any:
    assert response.status_code == 200, response.get_data(as_text=True)
    return json.loads(response.get_data(as_text=True))


def test_both_children_serve_hello_each_with_its_own_code_and_environment(
        nested: TestEmulator) -> None:
    a = _body(nested.client("ChildA/ServerlessRestApi").get("/hello"))
    b = _body(nested.client("ChildB/ServerlessRestApi").get("/hello"))
    assert a["who"] == "child-a" and b["who"] == "child-b"
    assert a["greeting"] == "Hello from the parent!"
    assert b["greeting"] == "hi from child b" and b["table"] is None
    assert a["function"] == nested.stack.all_functions["ChildA/HelloFunction"].name
    assert b["function"] == nested.stack.all_functions["ChildB/HelloFunction"].name


def test_the_grandchild_http_api_is_served_with_the_parameter_its_parent_passed(
        nested: TestEmulator) -> None:
    echo = _body(nested.client("ChildB/Grandchild/ServerlessHttpApi").get("/echo"))
    assert echo == {"prefix": nested.stack.children["ChildB"].name, "path": "/echo"}


def test_a_child_seeds_its_own_table_from_its_template_metadata(nested: TestEmulator) -> None:
    a = _body(nested.client("ChildA/ServerlessRestApi").get("/hello"))
    assert a["items"] == ["a1", "a2"]


def test_a_child_receives_a_parent_resource_through_a_parameter(nested: TestEmulator) -> None:
    a = _body(nested.client("ChildA/ServerlessRestApi").get("/hello"))
    assert a["shared_topic"] == nested.stack.resources["SharedTopic"].physical_id
    topics = nested.aws.client("sns").list_topics()["Topics"]
    assert {"TopicArn": a["shared_topic"]} in topics


def test_a_parent_function_sees_child_outputs_and_the_child_stack_id(
        nested: TestEmulator) -> None:
    result = nested.runtime.invoke("ReportFunction", {})
    child_a = nested.stack.children["ChildA"]
    api_id = child_a.resources["ServerlessRestApi"].physical_id
    assert result.payload == {
        # Environment values are the deployed ones; only stack outputs are made local.
        "CHILD_A_URL": f"https://{api_id}.execute-api.us-east-1.amazonaws.com/Prod/hello",
        "CHILD_A_STACK_ID": nested.stack.resources["ChildA"].physical_id,
        "GRANDCHILD_ECHO": f"{nested.stack.children['ChildB'].name}-echo",
    }


def test_describe_stacks_on_the_parent_shows_the_re_exported_child_output_made_local(
        nested: TestEmulator) -> None:
    cloudformation = nested.aws.client("cloudformation")
    stack = cloudformation.describe_stacks(StackName="nested")["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    assert outputs["ChildAHelloUrl"] == f"{TEST_ORIGIN}/Prod/hello"
    assert outputs["ChildAGreeting"] == "Hello from the parent!"
    assert outputs["ChildBStack"] == nested.stack.resources["ChildB"].physical_id


def test_describe_stacks_on_a_child_name_gives_its_own_outputs(nested: TestEmulator) -> None:
    cloudformation = nested.aws.client("cloudformation")
    child = nested.stack.children["ChildA"]
    stack = cloudformation.describe_stacks(StackName=child.name)["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    assert outputs == {"HelloUrl": f"{TEST_ORIGIN}/Prod/hello",
                       "Greeting": "Hello from the parent!",
                       "TableName": child.resources["ItemsTable"].physical_id}
    grandchild = nested.stack.descendant("ChildB/Grandchild")
    described = cloudformation.describe_stacks(StackName=grandchild.name)["Stacks"][0]
    assert {o["OutputKey"]: o["OutputValue"] for o in described["Outputs"]}["ApiUrl"] == \
        f"{TEST_ORIGIN}/echo"


def test_the_parent_lists_each_child_as_a_stack_resource_with_the_child_stack_id(
        nested: TestEmulator) -> None:
    cloudformation = nested.aws.client("cloudformation")
    for parent, logical_id in (("nested", "ChildA"),
                               (nested.stack.children["ChildB"].name, "Grandchild")):
        detail = cloudformation.describe_stack_resource(
            StackName=parent, LogicalResourceId=logical_id)["StackResourceDetail"]
        assert detail["ResourceType"] == "AWS::CloudFormation::Stack"
        child_name = nested.stack.descendant(
            "ChildA" if logical_id == "ChildA" else "ChildB/Grandchild").name
        assert re.fullmatch(rf"arn:aws:cloudformation:us-east-1:123456789012:stack/"
                            rf"{child_name}/[0-9a-f-]{{36}}", detail["PhysicalResourceId"])


def test_a_childs_resources_are_listed_under_its_own_stack(nested: TestEmulator) -> None:
    cloudformation = nested.aws.client("cloudformation")
    child = nested.stack.children["ChildA"]
    summaries = cloudformation.list_stack_resources(
        StackName=child.name)["StackResourceSummaries"]
    by_id = {item["LogicalResourceId"]: item for item in summaries}
    assert by_id["ItemsTable"]["PhysicalResourceId"] == \
        child.resources["ItemsTable"].physical_id
    assert "SharedTopic" not in by_id


def test_info_lists_nested_apis_and_functions_by_stack_path(nested: TestEmulator) -> None:
    info = nested.info()
    apis = {api["logical_id"]: api for api in info["apis"]}
    assert set(apis) == {"ChildA/ServerlessRestApi", "ChildB/ServerlessRestApi",
                         "ChildB/Grandchild/ServerlessHttpApi"}
    assert apis["ChildB/Grandchild/ServerlessHttpApi"]["stack"] == "ChildB/Grandchild"
    assert apis["ChildA/ServerlessRestApi"]["base_url"] == f"{TEST_ORIGIN}/Prod"
    functions = {fn["logical_id"]: fn["stack"] for fn in info["functions"]}
    assert functions == {"ReportFunction": "", "ChildA/HelloFunction": "ChildA",
                         "ChildB/HelloFunction": "ChildB",
                         "ChildB/Grandchild/EchoFunction": "ChildB/Grandchild"}
    assert info["resources"]["ChildA/ItemsTable"]["stack"] == "ChildA"
    assert info["resources"]["SharedTopic"]["stack"] == ""
    assert [stack["stack"] for stack in info["stacks"]] == [
        "", "ChildB", "ChildB/Grandchild", "ChildA"]
