"""default_physical_resource: CloudFormation's names, ids and Fn::GetAtt attributes."""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from emulator.stack import PhysicalResource
from emulator.template import Resource, Template, default_physical_resource
from emulator.template_physical import generated_name

ARN = "arn:aws:{service}:us-east-1:123456789012:{rest}"


def make_template(stack_name: str = "shop") -> Template:
    return Template(path=Path("/app/template.yaml"), stack_name=stack_name,
                    region="us-east-1", account_id="123456789012", parameters={},
                    conditions={}, resources={}, outputs={}, mappings={}, code_locations={})


def physical(kind: str, properties: dict[str, Any] | None = None, logical_id: str = "Res",
             stack_name: str = "shop") -> PhysicalResource:
    resource = Resource(logical_id, kind, properties or {}, ())
    return default_physical_resource(make_template(stack_name), resource, properties or {})


def test_generated_names_follow_the_stack_logical_id_suffix_rule() -> None:
    name = physical("AWS::Lambda::Function", logical_id="ItemsFunction").physical_id
    assert re.fullmatch(r"shop-ItemsFunction-[A-Z0-9]{13}", name)


def test_generated_names_are_the_same_on_every_run_and_differ_per_stack() -> None:
    first = physical("AWS::SQS::Queue").physical_id
    assert physical("AWS::SQS::Queue").physical_id == first
    assert physical("AWS::SQS::Queue", stack_name="other").physical_id != first


def test_a_name_property_wins_over_the_generated_name() -> None:
    entry = physical("AWS::DynamoDB::Table", {"TableName": "orders"})
    assert entry.physical_id == "orders"
    assert entry.attributes["Arn"] == ARN.format(service="dynamodb", rest="table/orders")
    assert "StreamArn" not in entry.attributes


def test_table_stream_arn_exists_only_with_a_stream_specification() -> None:
    stream = {"StreamViewType": "KEYS_ONLY"}
    entry = physical("AWS::DynamoDB::Table", {"TableName": "t", "StreamSpecification": stream})
    assert entry.attributes["StreamArn"] == ARN.format(
        service="dynamodb", rest="table/t/stream/2024-01-01T00:00:00.000")


def test_long_names_are_cut_to_the_service_limit() -> None:
    stack = "a-very-long-stack-name-that-keeps-going-and-going"
    function = physical("AWS::Lambda::Function", logical_id="AnExtremelyLongLogicalIdForAFunction",
                        stack_name=stack).physical_id
    assert len(function) == 64 and function.startswith("a-very-long-stack")
    role = physical("AWS::IAM::Role", logical_id="R" * 100, stack_name=stack).physical_id
    assert len(role) <= 64


def test_bucket_names_are_lower_case_and_at_most_63_characters() -> None:
    entry = physical("AWS::S3::Bucket", logical_id="UploadsBucketWithAVeryLongLogicalIdentifier",
                     stack_name="Shop-Stack-With-A-Long-Name")
    name = entry.physical_id
    assert name == name.lower() and len(name) <= 63
    assert entry.attributes["Arn"] == f"arn:aws:s3:::{name}"
    assert entry.attributes["DomainName"] == f"{name}.s3.amazonaws.com"
    assert entry.attributes["RegionalDomainName"] == f"{name}.s3.us-east-1.amazonaws.com"
    assert entry.attributes["WebsiteURL"] == f"http://{name}.s3-website-us-east-1.amazonaws.com"


def test_queue_ref_is_its_url_and_fifo_names_end_in_fifo() -> None:
    entry = physical("AWS::SQS::Queue", {"QueueName": "jobs"})
    assert entry.physical_id == "https://sqs.us-east-1.amazonaws.com/123456789012/jobs"
    assert entry.attributes["QueueUrl"] == entry.physical_id
    assert entry.attributes["Arn"] == ARN.format(service="sqs", rest="jobs")
    fifo = physical("AWS::SQS::Queue", {"FifoQueue": True}, logical_id="Orders")
    assert fifo.attributes["QueueName"].endswith(".fifo")
    assert len(fifo.attributes["QueueName"]) <= 80


def test_topic_ref_is_its_arn() -> None:
    entry = physical("AWS::SNS::Topic", {"TopicName": "events"})
    assert entry.physical_id == ARN.format(service="sns", rest="events")
    assert entry.attributes == {"TopicArn": entry.physical_id, "TopicName": "events"}
    subscription = physical("AWS::SNS::Subscription", {"TopicArn": entry.physical_id})
    assert subscription.physical_id.startswith(entry.physical_id + ":")


def test_lambda_function_layer_version_and_alias() -> None:
    function = physical("AWS::Lambda::Function", {"FunctionName": "fn"})
    assert function.attributes["Arn"] == ARN.format(service="lambda", rest="function:fn")
    layer = physical("AWS::Lambda::LayerVersion", {"LayerName": "deps"})
    assert layer.physical_id == ARN.format(service="lambda", rest="layer:deps:1")
    version = physical("AWS::Lambda::Version", {"FunctionName": function.attributes["Arn"]})
    assert version.physical_id == ARN.format(service="lambda", rest="function:fn:1")
    assert version.attributes["Version"] == "1"
    alias = physical("AWS::Lambda::Alias", {"FunctionName": "fn", "Name": "live"})
    assert alias.physical_id == ARN.format(service="lambda", rest="function:fn:live")


def test_iam_role_has_name_arn_and_role_id() -> None:
    entry = physical("AWS::IAM::Role", {"RoleName": "exec", "Path": "/service/"})
    assert entry.physical_id == "exec"
    assert entry.attributes["Arn"] == "arn:aws:iam::123456789012:role/service/exec"
    assert re.fullmatch(r"AROA[A-Z0-9]{17}", entry.attributes["RoleId"])


def test_cognito_pool_and_client_ids_look_real() -> None:
    pool = physical("AWS::Cognito::UserPool")
    assert re.fullmatch(r"us-east-1_[A-Za-z0-9]{9}", pool.physical_id)
    assert pool.attributes["ProviderURL"] == \
        f"https://cognito-idp.us-east-1.amazonaws.com/{pool.physical_id}"
    assert pool.attributes["ProviderName"] == \
        f"cognito-idp.us-east-1.amazonaws.com/{pool.physical_id}"
    assert pool.attributes["Arn"] == ARN.format(service="cognito-idp",
                                                rest=f"userpool/{pool.physical_id}")
    client = physical("AWS::Cognito::UserPoolClient")
    assert re.fullmatch(r"[a-z0-9]{26}", client.physical_id)


def test_secret_ref_is_an_arn_with_the_random_suffix() -> None:
    entry = physical("AWS::SecretsManager::Secret", {"Name": "db"})
    assert re.fullmatch(ARN.format(service="secretsmanager", rest=r"secret:db-[A-Za-z0-9]{6}"),
                        entry.physical_id)


def test_ssm_parameter_ref_is_its_name() -> None:
    assert physical("AWS::SSM::Parameter", {"Name": "/shop/flag"}).physical_id == "/shop/flag"


def test_api_ids_are_ten_lower_case_alphanumerics() -> None:
    rest = physical("AWS::ApiGateway::RestApi", logical_id="Api")
    assert re.fullmatch(r"[a-z0-9]{10}", rest.physical_id)
    assert re.fullmatch(r"[a-z0-9]{10}", rest.attributes["RootResourceId"])
    http = physical("AWS::ApiGatewayV2::Api", logical_id="Http")
    assert http.attributes["ApiEndpoint"] == \
        f"https://{http.physical_id}.execute-api.us-east-1.amazonaws.com"
    assert physical("AWS::ApiGateway::Stage", {"StageName": "Prod"}).physical_id == "Prod"
    assert physical("AWS::ApiGatewayV2::Stage", {"StageName": "$default"}).physical_id == \
        "$default"


def test_rule_log_group_and_key() -> None:
    rule = physical("AWS::Events::Rule", {"Name": "nightly"})
    assert rule.attributes["Arn"] == ARN.format(service="events", rest="rule/nightly")
    logs = physical("AWS::Logs::LogGroup", {"LogGroupName": "/aws/lambda/fn"})
    assert logs.attributes["Arn"] == ARN.format(service="logs", rest="log-group:/aws/lambda/fn:*")
    key = physical("AWS::KMS::Key")
    assert key.attributes["Arn"] == ARN.format(service="kms", rest=f"key/{key.physical_id}")


def test_types_the_emulator_does_not_know_get_a_stable_unemulated_id() -> None:
    entry = physical("AWS::EC2::VPC", logical_id="Network")
    assert re.fullmatch(r"shop-Network-[A-Z0-9]{13}", entry.physical_id)
    assert entry.emulated is False
    assert physical("AWS::SQS::Queue").emulated is True


_NAME = st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=90)


@given(stack=st.from_regex(r"[a-zA-Z][-a-zA-Z0-9]{0,127}", fullmatch=True), logical_id=_NAME,
       limit=st.sampled_from([63, 64, 80, 128, 255]), lower=st.booleans())
def test_generated_names_always_fit_and_keep_the_suffix(stack: str, logical_id: str, limit: int,
                                                        lower: bool) -> None:
    name = generated_name(stack, logical_id, max_length=limit, lower=lower)
    assert len(name) <= limit
    assert re.search(r"-[A-Za-z0-9]{13}$", name)
    assert name == generated_name(stack, logical_id, max_length=limit, lower=lower)
    if lower:
        assert name == name.lower()
