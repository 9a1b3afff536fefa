"""register_stack(): the emulated stack as CloudFormation reports it on the AWS endpoint."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from emulator.aws import AwsEnvironment, provision, register_stack
from emulator.config import Settings
from emulator.stack import Output, Stack
from emulator.template import build_stack, load_template

TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
  Jobs:
    Type: AWS::SQS::Queue
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: []}
Outputs:
  OrdersTable:
    Description: Where orders live
    Value: !Ref Orders
    Export: {Name: !Sub "${AWS::StackName}-orders"}
  JobsQueueUrl:
    Value: !Ref Jobs
"""


@pytest.fixture(scope="module")
def aws() -> Iterator[AwsEnvironment]:
    with AwsEnvironment(Settings(aws_port=0), serve_endpoint=True) as environment:
        yield environment


@pytest.fixture(scope="module")
def stack(aws: AwsEnvironment, tmp_path_factory: pytest.TempPathFactory) -> Stack:
    folder: Path = tmp_path_factory.mktemp("shop")
    (folder / "template.yaml").write_text(TEMPLATE, encoding="utf-8")
    template = load_template(folder / "template.yaml", Settings(stack_name="shop"))
    built = build_stack(template, provision(template, aws))
    register_stack(aws, built)
    return built


@pytest.fixture(scope="module")
def cloudformation(aws: AwsEnvironment) -> Any:
    # As an external test suite would: over HTTP, with credentials of its own.
    return boto3.client("cloudformation", region_name="us-east-1",
                        endpoint_url=aws.endpoint_url, aws_access_key_id="suite",
                        aws_secret_access_key="suite")


def test_describe_stacks_on_the_endpoint_shows_create_complete_and_outputs(
        stack: Stack, cloudformation: Any) -> None:
    described = cloudformation.describe_stacks(StackName="shop")["Stacks"][0]
    assert described["StackStatus"] == "CREATE_COMPLETE"
    outputs = {o["OutputKey"]: o for o in described["Outputs"]}
    assert outputs["OrdersTable"]["OutputValue"] == stack.resources["Orders"].physical_id
    assert outputs["OrdersTable"]["Description"] == "Where orders live"
    assert outputs["OrdersTable"]["ExportName"] == "shop-orders"
    assert outputs["JobsQueueUrl"]["OutputValue"] == stack.resources["Jobs"].physical_id


def test_describe_stack_resource_gives_the_real_physical_id_and_type(
        stack: Stack, cloudformation: Any) -> None:
    detail = cloudformation.describe_stack_resource(
        StackName="shop", LogicalResourceId="Orders")["StackResourceDetail"]
    assert detail["PhysicalResourceId"] == stack.resources["Orders"].physical_id
    assert detail["ResourceType"] == "AWS::DynamoDB::Table"
    assert detail["ResourceStatus"] == "CREATE_COMPLETE"


def test_every_logical_id_is_listed_with_its_physical_id_and_type(
        stack: Stack, cloudformation: Any) -> None:
    expected = {lid: (r.physical_id, r.type) for lid, r in stack.resources.items()}
    summaries = cloudformation.list_stack_resources(StackName="shop")["StackResourceSummaries"]
    assert {s["LogicalResourceId"]: (s["PhysicalResourceId"], s["ResourceType"])
            for s in summaries} == expected
    resources = cloudformation.describe_stack_resources(StackName="shop")["StackResources"]
    assert {r["LogicalResourceId"]: (r["PhysicalResourceId"], r["ResourceType"])
            for r in resources} == expected
    assert set(expected) == {"Orders", "Jobs", "WorkerRole"}


def test_the_physical_ids_name_resources_that_exist(stack: Stack, cloudformation: Any,
                                                    aws: AwsEnvironment) -> None:
    detail = cloudformation.describe_stack_resource(
        StackName="shop", LogicalResourceId="Jobs")["StackResourceDetail"]
    attributes = aws.client("sqs").get_queue_attributes(
        QueueUrl=detail["PhysicalResourceId"], AttributeNames=["QueueArn"])["Attributes"]
    assert attributes["QueueArn"] == stack.resources["Jobs"].attributes["Arn"]


def test_registering_again_replaces_the_record_and_keeps_the_resources(
        stack: Stack, cloudformation: Any, aws: AwsEnvironment) -> None:
    changed = dataclasses.replace(stack, outputs={
        **stack.outputs,
        "ApiUrl": Output(key="ApiUrl", value="http://127.0.0.1:3000/Prod/"),
    })
    register_stack(aws, changed)
    stacks = cloudformation.describe_stacks(StackName="shop")["Stacks"]
    assert len(stacks) == 1
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stacks[0]["Outputs"]}
    assert outputs["ApiUrl"] == "http://127.0.0.1:3000/Prod/"
    table = stack.resources["Orders"].physical_id
    assert aws.client("dynamodb").describe_table(TableName=table)["Table"]["TableName"] == table
    assert cloudformation.describe_stack_resource(
        StackName="shop", LogicalResourceId="Orders"
    )["StackResourceDetail"]["PhysicalResourceId"] == table
