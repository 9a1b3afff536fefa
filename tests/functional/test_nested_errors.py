"""Nested stacks that cannot be created, or only in part: one-line errors, skipped remote
applications, and seed files naming resources of nested stacks."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from emulator.app import Emulator
from emulator.errors import TemplateError
from emulator.seed import SeedError
from tests.conftest import APPS

NESTED = APPS / "nested" / "template.yaml"


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_resource_moto_refuses_in_a_child_is_one_line_naming_the_child_template_and_path(
        tmp_path: Path) -> None:
    child = write(tmp_path, "child/template.yaml", """\
        Resources:
          Queue:
            Type: AWS::SQS::Queue
            Properties: {QueueName: "not a valid name!", FifoQueue: true}
    """)
    path = write(tmp_path, "template.yaml", """\
        Resources:
          Child:
            Type: AWS::CloudFormation::Stack
            Properties: {TemplateURL: child/template.yaml}
    """)
    with pytest.raises(TemplateError) as info:
        Emulator(path)
    message = str(info.value)
    assert message.startswith(f"{child}: Child/Queue: AWS::SQS::Queue: ")
    assert "\n" not in message


def test_remote_and_repository_applications_are_skipped_and_the_rest_is_served(
        tmp_path: Path) -> None:
    write(tmp_path, "src/app.py", "import os\n\ndef handler(event, context):\n"
                                  "    return os.environ['AUTH_URL']\n")
    path = write(tmp_path, "template.yaml", """\
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Auth:
            Type: AWS::Serverless::Application
            Properties:
              Location:
                ApplicationId: arn:aws:serverlessrepo:us-east-1:123456789012:applications/auth
                SemanticVersion: 1.0.0
          Billing:
            Type: AWS::CloudFormation::Stack
            Properties: {TemplateURL: "s3://artifacts/billing.yaml"}
          Hello:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: src/
              Handler: app.handler
              Runtime: python3.11
              Environment: {Variables: {AUTH_URL: !GetAtt Auth.Outputs.Url}}
    """)
    with Emulator(path) as emulator:
        warnings = emulator.info()["warnings"]
        assert any(w.startswith("Auth: Serverless Application Repository application ")
                   for w in warnings)
        assert any(w.startswith("Billing: TemplateURL s3://artifacts/billing.yaml is not a "
                                "local file") for w in warnings)
        assert emulator.stack.children == {}
        payload = emulator.runtime.invoke("Hello", {}).payload
        assert payload == f"{emulator.stack.resources['Auth'].physical_id}.Outputs.Url"


def test_an_explicit_seed_folder_finds_a_table_of_a_nested_stack_by_logical_id(
        tmp_path: Path) -> None:
    write(tmp_path, "seed/dynamodb/ItemsTable.json", json.dumps([{"id": "z9"}]))
    with Emulator(NESTED, seed_dirs=[tmp_path / "seed"]) as emulator:
        table = emulator.stack.children["ChildA"].resources["ItemsTable"].physical_id
        items = emulator.aws.client("dynamodb").scan(TableName=table)["Items"]
        # The explicit folder replaces the template's own seeds, as for a single stack.
        assert items == [{"id": {"S": "z9"}}]


def test_a_seed_name_two_nested_stacks_share_is_an_error_asking_for_the_physical_name(
        tmp_path: Path) -> None:
    table = """\
        Resources:
          Things:
            Type: AWS::DynamoDB::Table
            Properties:
              BillingMode: PAY_PER_REQUEST
              AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
              KeySchema: [{AttributeName: id, KeyType: HASH}]
    """
    write(tmp_path, "one/template.yaml", table)
    write(tmp_path, "two/template.yaml", table)
    write(tmp_path, "seed/dynamodb/Things.json", "[]")
    path = write(tmp_path, "template.yaml", """\
        Resources:
          One:
            Type: AWS::CloudFormation::Stack
            Properties: {TemplateURL: one/template.yaml}
          Two:
            Type: AWS::CloudFormation::Stack
            Properties: {TemplateURL: two/template.yaml}
    """)
    with pytest.raises(SeedError, match=r"several nested stacks have AWS::DynamoDB::Table "
                                        r"'Things' \(One/Things, Two/Things\); use its physical"):
        Emulator(path, seed_dirs=[tmp_path / "seed"])
