"""Provisioning, stack outputs and the CloudFormation view of the sample app."""

from __future__ import annotations

import json

from emulator.testing import TEST_ORIGIN, ApiClient, TestEmulator


def test_table_is_provisioned_with_its_index_stream_and_ttl(sample: TestEmulator) -> None:
    dynamodb = sample.aws.client("dynamodb")
    name = sample.stack.resources["ItemsTable"].physical_id
    table = dynamodb.describe_table(TableName=name)["Table"]
    assert [index["IndexName"] for index in table["GlobalSecondaryIndexes"]] == ["OwnerIndex"]
    assert table["StreamSpecification"] == {"StreamEnabled": True,
                                            "StreamViewType": "NEW_AND_OLD_IMAGES"}
    ttl = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expiresAt"}


def test_queue_redrives_to_its_dead_letter_queue(sample: TestEmulator) -> None:
    sqs = sample.aws.client("sqs")
    attributes = sqs.get_queue_attributes(QueueUrl=sample.stack.resources["JobsQueue"].physical_id,
                                          AttributeNames=["RedrivePolicy"])["Attributes"]
    policy = json.loads(attributes["RedrivePolicy"])
    assert policy["deadLetterTargetArn"] == \
        sample.stack.resources["JobsDeadLetterQueue"].attributes["Arn"]
    assert int(policy["maxReceiveCount"]) == 3


def test_condition_false_resources_are_not_created(sample: TestEmulator) -> None:
    assert "ProdOnlyFunction" not in sample.stack.functions


def test_stack_outputs_point_at_the_local_apis(sample: TestEmulator) -> None:
    cloudformation = sample.aws.client("cloudformation")
    stack = cloudformation.describe_stacks(StackName=sample.stack.name)["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    assert outputs["RestApiUrl"] == f"{TEST_ORIGIN}/Prod/"
    assert outputs["HttpApiUrl"] == f"{TEST_ORIGIN}/"
    assert outputs["ExplicitApiUrl"] == f"{TEST_ORIGIN}/dev/"
    assert outputs["TableName"] == sample.stack.resources["ItemsTable"].physical_id
    resource = cloudformation.describe_stack_resource(
        StackName=sample.stack.name, LogicalResourceId="ItemsTable")["StackResourceDetail"]
    assert resource["PhysicalResourceId"] == outputs["TableName"]
    assert resource["ResourceType"] == "AWS::DynamoDB::Table"


def test_handler_writes_and_reads_dynamodb_shared_with_the_test(
        rest: ApiClient, sample: TestEmulator) -> None:
    put = rest.put("/items/abc", json={"owner": "ada", "title": "notes"})
    assert put.status_code == 200
    table = sample.aws.resource("dynamodb").Table(sample.stack.resources["ItemsTable"].physical_id)
    assert table.get_item(Key={"pk": "abc"})["Item"] == {"pk": "abc", "owner": "ada",
                                                          "title": "notes"}
    assert rest.get("/items/abc").get_json() == {"pk": "abc", "owner": "ada", "title": "notes"}
    assert rest.get("/items/missing").status_code == 404


def test_info_lists_apis_functions_and_resources(sample: TestEmulator, rest: ApiClient) -> None:
    info = rest.get("/_emulator/info", stage_relative=False).get_json()
    apis = {api["logical_id"]: api for api in info["apis"]}
    assert apis["ServerlessRestApi"]["type"] == "REST"
    assert apis["ServerlessRestApi"]["stage"] == "Prod"
    assert apis["ServerlessRestApi"]["base_url"] == f"{TEST_ORIGIN}/Prod"
    assert apis["ServerlessHttpApi"]["type"] == "HTTP"
    assert apis["ServerlessHttpApi"]["stage"] == "$default"
    functions = {fn["logical_id"]: fn for fn in info["functions"]}
    assert functions["BehaviourFunction"]["timeout"] == 1
    assert functions["EchoFunction"]["memory"] == 256
    assert info["resources"]["ItemsTable"]["physical_id"] == \
        sample.stack.resources["ItemsTable"].physical_id


def test_secret_and_parameter_are_readable(sample: TestEmulator) -> None:
    secret = sample.aws.client("secretsmanager").get_secret_value(
        SecretId=sample.stack.resources["ApiSecret"].physical_id)["SecretString"]
    assert len(secret) == 32 and secret.isalnum()
    parameter = sample.aws.client("ssm").get_parameter(
        Name=sample.stack.resources["FeatureParameter"].physical_id)["Parameter"]
    assert parameter["Value"] == "enabled"

