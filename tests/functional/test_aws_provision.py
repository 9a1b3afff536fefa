"""provision(): each template resource type created on moto as its properties say."""

from __future__ import annotations

import json
import logging
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import boto3
import pytest

from emulator.aws import AwsEnvironment, provision
from emulator.config import Settings
from emulator.errors import TemplateError
from emulator.stack import PhysicalResource
from emulator.template import Template, load_template

Load = Callable[[str, str], Template]


@pytest.fixture(scope="module")
def aws() -> Iterator[AwsEnvironment]:
    with AwsEnvironment(Settings(aws_port=0), serve_endpoint=True) as environment:
        yield environment


@pytest.fixture
def load(tmp_path: Path) -> Load:
    def loader(stack_name: str, resources_yaml: str) -> Template:
        folder = tmp_path / stack_name
        folder.mkdir()
        body = "AWSTemplateFormatVersion: '2010-09-09'\n" + textwrap.dedent(resources_yaml)
        (folder / "template.yaml").write_text(body, encoding="utf-8")
        return load_template(folder / "template.yaml", Settings(stack_name=stack_name))
    return loader


def _provision(aws: AwsEnvironment, load: Load, stack: str,
               resources_yaml: str) -> dict[str, PhysicalResource]:
    return provision(load(stack, resources_yaml), aws)


TABLE = """
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - {AttributeName: pk, AttributeType: S}
        - {AttributeName: sk, AttributeType: S}
        - {AttributeName: owner, AttributeType: S}
      KeySchema:
        - {AttributeName: pk, KeyType: HASH}
        - {AttributeName: sk, KeyType: RANGE}
      GlobalSecondaryIndexes:
        - IndexName: byOwner
          KeySchema: [{AttributeName: owner, KeyType: HASH}]
          Projection: {ProjectionType: ALL}
          ContributorInsightsSpecification: {Enabled: true}
      LocalSecondaryIndexes:
        - IndexName: byOwnerLocal
          KeySchema: [{AttributeName: pk, KeyType: HASH}, {AttributeName: owner, KeyType: RANGE}]
          Projection: {ProjectionType: KEYS_ONLY}
      StreamSpecification: {StreamViewType: NEW_AND_OLD_IMAGES}
      TimeToLiveSpecification: {AttributeName: expiresAt, Enabled: "true"}
      SSESpecification: {SSEEnabled: true}
      Tags: [{Key: team, Value: orders}]
  Counters:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: counters-explicit
      AttributeDefinitions: [{AttributeName: id, AttributeType: N}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      ProvisionedThroughput: {ReadCapacityUnits: "5", WriteCapacityUnits: 5}
Outputs:
  Table: {Value: !Ref Orders}
"""


def test_table_gets_its_indexes_stream_ttl_and_tags(aws: AwsEnvironment, load: Load) -> None:
    registry = _provision(aws, load, "tables", TABLE)
    dynamodb = aws.client("dynamodb")
    orders = registry["Orders"]
    assert orders.physical_id.startswith("tables-Orders-")
    table = dynamodb.describe_table(TableName=orders.physical_id)["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert [i["IndexName"] for i in table["GlobalSecondaryIndexes"]] == ["byOwner"]
    assert [i["IndexName"] for i in table["LocalSecondaryIndexes"]] == ["byOwnerLocal"]
    assert table["StreamSpecification"] == {"StreamEnabled": True,
                                            "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert orders.attributes["StreamArn"] == table["LatestStreamArn"]
    assert orders.attributes["Arn"] == table["TableArn"]
    ttl = dynamodb.describe_time_to_live(TableName=orders.physical_id)["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expiresAt"}
    tags = dynamodb.list_tags_of_resource(ResourceArn=table["TableArn"])["Tags"]
    assert {"Key": "team", "Value": "orders"} in tags
    stream = aws.client("dynamodbstreams").describe_stream(
        StreamArn=orders.attributes["StreamArn"])["StreamDescription"]
    assert stream["TableName"] == orders.physical_id
    # As a handler would call it: a plain client, the ARN in the request.
    handler_streams = boto3.client("dynamodbstreams", region_name="us-east-1")
    assert handler_streams.describe_stream(StreamArn=orders.attributes["StreamArn"])[
        "StreamDescription"]["StreamArn"] == orders.attributes["StreamArn"]

    counters = dynamodb.describe_table(TableName="counters-explicit")["Table"]
    assert registry["Counters"].physical_id == "counters-explicit"
    assert counters["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
    assert "StreamArn" not in registry["Counters"].attributes


def test_table_global_secondary_index_is_queryable(aws: AwsEnvironment, load: Load) -> None:
    name = _provision(aws, load, "gsi", TABLE)["Orders"].physical_id
    table = aws.resource("dynamodb").Table(name)
    table.put_item(Item={"pk": "order#1", "sk": "v1", "owner": "ada"})
    table.put_item(Item={"pk": "order#2", "sk": "v1", "owner": "bob"})
    found = table.query(IndexName="byOwner",
                        KeyConditionExpression=boto3.dynamodb.conditions.Key("owner").eq("ada"))
    assert [item["pk"] for item in found["Items"]] == ["order#1"]


def test_sam_simple_table_becomes_a_table_keyed_by_its_primary_key(
        aws: AwsEnvironment, load: Load) -> None:
    registry = _provision(aws, load, "simple", """
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Sessions:
            Type: AWS::Serverless::SimpleTable
            Properties:
              PrimaryKey: {Name: sessionId, Type: String}
        """)
    table = aws.client("dynamodb").describe_table(
        TableName=registry["Sessions"].physical_id)["Table"]
    assert table["KeySchema"] == [{"AttributeName": "sessionId", "KeyType": "HASH"}]


def test_provisioned_billing_without_throughput_names_the_resource(
        aws: AwsEnvironment, load: Load) -> None:
    with pytest.raises(TemplateError, match=r"Broken: .*ProvisionedThroughput is required"):
        _provision(aws, load, "nothroughput", """
            Resources:
              Broken:
                Type: AWS::DynamoDB::Table
                Properties:
                  AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
                  KeySchema: [{AttributeName: id, KeyType: HASH}]
            """)


def test_a_moto_refusal_is_a_template_error_with_the_logical_id_and_moto_message(
        aws: AwsEnvironment, load: Load) -> None:
    with pytest.raises(TemplateError) as caught:
        _provision(aws, load, "refused", """
            Resources:
              BadIndex:
                Type: AWS::DynamoDB::Table
                Properties:
                  BillingMode: PAY_PER_REQUEST
                  AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
                  KeySchema: [{AttributeName: id, KeyType: HASH}]
                  GlobalSecondaryIndexes:
                    - IndexName: missing
                      KeySchema: [{AttributeName: nope, KeyType: HASH}]
                      Projection: {ProjectionType: ALL}
            """)
    assert caught.value.logical_id == "BadIndex"
    assert "moto refused it: ValidationException" in str(caught.value)
    assert "BadIndex" in str(caught.value)


BUCKET = """
Resources:
  Uploads:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration: {Status: Enabled}
      CorsConfiguration:
        CorsRules:
          - AllowedMethods: [GET, PUT]
            AllowedOrigins: ["http://localhost:5173"]
            AllowedHeaders: ["*"]
            ExposedHeaders: [ETag]
            MaxAge: 300
            Id: uploads
      Tags: [{Key: app, Value: photos}]
      NotificationConfiguration:
        QueueConfigurations:
          - Event: s3:ObjectCreated:*
            Queue: arn:aws:sqs:us-east-1:123456789012:somewhere
  UploadsPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Uploads
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: s3:GetObject
            Resource: !Sub "${Uploads.Arn}/*"
"""


def test_bucket_gets_versioning_cors_tags_policy_and_keeps_its_notifications(
        aws: AwsEnvironment, load: Load) -> None:
    registry = _provision(aws, load, "buckets", BUCKET)
    s3 = aws.client("s3")
    name = registry["Uploads"].physical_id
    assert name == name.lower() and name.startswith("buckets-uploads-")
    assert s3.get_bucket_versioning(Bucket=name)["Status"] == "Enabled"
    rule = s3.get_bucket_cors(Bucket=name)["CORSRules"][0]
    assert rule["AllowedMethods"] == ["GET", "PUT"]
    assert rule["ExposeHeaders"] == ["ETag"] and rule["MaxAgeSeconds"] == 300
    assert s3.get_bucket_tagging(Bucket=name)["TagSet"] == [{"Key": "app", "Value": "photos"}]
    policy = json.loads(s3.get_bucket_policy(Bucket=name)["Policy"])
    assert policy["Statement"][0]["Resource"] == f"arn:aws:s3:::{name}/*"
    notification = registry["Uploads"].attributes["NotificationConfiguration"]
    assert notification["QueueConfigurations"][0]["Event"] == "s3:ObjectCreated:*"
    assert s3.get_bucket_notification_configuration(Bucket=name).get(
        "QueueConfigurations") is None


QUEUES = """
Resources:
  JobsDlq:
    Type: AWS::SQS::Queue
    Properties:
      MessageRetentionPeriod: 1209600
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 45
      DelaySeconds: "2"
      ReceiveMessageWaitTimeSeconds: 10
      RedrivePolicy:
        deadLetterTargetArn: !GetAtt JobsDlq.Arn
        maxReceiveCount: 3
      Tags: [{Key: tier, Value: batch}]
  Ordered:
    Type: AWS::SQS::Queue
    Properties:
      FifoQueue: true
      ContentBasedDeduplication: true
  JobsPolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Jobs]
      PolicyDocument:
        Statement: [{Effect: Allow, Principal: "*", Action: "sqs:SendMessage",
                     Resource: !GetAtt Jobs.Arn}]
"""


def test_queue_gets_its_attributes_and_a_redrive_policy_naming_the_dlq(
        aws: AwsEnvironment, load: Load) -> None:
    registry = _provision(aws, load, "queues", QUEUES)
    sqs = aws.client("sqs")
    jobs = registry["Jobs"]
    attributes = sqs.get_queue_attributes(QueueUrl=jobs.physical_id,
                                          AttributeNames=["All"])["Attributes"]
    assert attributes["VisibilityTimeout"] == "45"
    assert attributes["DelaySeconds"] == "2"
    assert attributes["ReceiveMessageWaitTimeSeconds"] == "10"
    redrive = json.loads(attributes["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"] == registry["JobsDlq"].attributes["Arn"]
    assert int(redrive["maxReceiveCount"]) == 3
    assert json.loads(attributes["Policy"])["Statement"][0]["Action"] == "sqs:SendMessage"
    assert sqs.list_queue_tags(QueueUrl=jobs.physical_id)["Tags"] == {"tier": "batch"}
    assert jobs.attributes["QueueUrl"] == jobs.physical_id
    assert jobs.attributes["Arn"] == attributes["QueueArn"]
    dlq = sqs.get_queue_attributes(QueueUrl=registry["JobsDlq"].physical_id,
                                   AttributeNames=["MessageRetentionPeriod"])["Attributes"]
    assert dlq["MessageRetentionPeriod"] == "1209600"

    ordered = registry["Ordered"]
    assert ordered.attributes["QueueName"].endswith(".fifo")
    fifo = sqs.get_queue_attributes(QueueUrl=ordered.physical_id,
                                    AttributeNames=["All"])["Attributes"]
    assert fifo["FifoQueue"] == "true" and fifo["ContentBasedDeduplication"] == "true"


TOPICS = """
Resources:
  Inbox:
    Type: AWS::SQS::Queue
  Events:
    Type: AWS::SNS::Topic
    Properties:
      DisplayName: Events
      Subscription:
        - {Protocol: sqs, Endpoint: !GetAtt Inbox.Arn}
        - {Protocol: lambda, Endpoint: arn:aws:lambda:us-east-1:123456789012:function:f}
  OrdersInbox:
    Type: AWS::SQS::Queue
  Filtered:
    Type: AWS::SNS::Subscription
    Properties:
      TopicArn: !Ref Events
      Protocol: sqs
      Endpoint: !GetAtt OrdersInbox.Arn
      RawMessageDelivery: true
      FilterPolicy: {kind: [order]}
  ToFunction:
    Type: AWS::SNS::Subscription
    Properties:
      TopicArn: !Ref Events
      Protocol: lambda
      Endpoint: arn:aws:lambda:us-east-1:123456789012:function:g
"""


def test_topic_subscriptions_reach_sqs_and_lambda_ones_are_recorded(
        aws: AwsEnvironment, load: Load) -> None:
    registry = _provision(aws, load, "topics", TOPICS)
    sns = aws.client("sns")
    topic_arn = registry["Events"].physical_id
    assert registry["Events"].attributes["TopicName"] == topic_arn.rsplit(":", 1)[1]
    on_moto = sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
    assert {s["Protocol"] for s in on_moto} == {"sqs"}
    recorded = registry["Events"].attributes["Subscription"]
    assert [s["Protocol"] for s in recorded] == ["sqs", "lambda"]
    to_function = registry["ToFunction"]
    assert to_function.attributes["Endpoint"].endswith(":function:g")
    assert to_function.physical_id.startswith(f"{topic_arn}:")

    filtered = sns.get_subscription_attributes(
        SubscriptionArn=registry["Filtered"].physical_id)["Attributes"]
    assert filtered["RawMessageDelivery"] == "true"
    assert json.loads(filtered["FilterPolicy"]) == {"kind": ["order"]}

    sns.publish(TopicArn=topic_arn, Message="hello")  # a lambda subscription must not break it
    messages = aws.client("sqs").receive_message(
        QueueUrl=registry["Inbox"].physical_id, MaxNumberOfMessages=10)["Messages"]
    assert any(json.loads(m["Body"]).get("Message") == "hello" for m in messages)
    filtered_out = aws.client("sqs").receive_message(QueueUrl=registry["OrdersInbox"].physical_id)
    assert "Messages" not in filtered_out


COGNITO = """
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
      UserPoolName: app-users
      UsernameAttributes: [email]
      AutoVerifiedAttributes: [email]
      Policies:
        PasswordPolicy: {MinimumLength: "8", RequireSymbols: "false", RequireNumbers: true}
      Schema:
        - {Name: email, AttributeDataType: String, Required: true, Mutable: true}
        - Name: tenant
          AttributeDataType: String
          Mutable: true
          StringAttributeConstraints: {MinLength: "1", MaxLength: "64"}
      UserPoolTags: {app: demo}
  WebClient:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Pool
      ClientName: web
      GenerateSecret: false
      ExplicitAuthFlows: [ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
  Admins:
    Type: AWS::Cognito::UserPoolGroup
    Properties:
      UserPoolId: !Ref Pool
      GroupName: admins
      Precedence: 1
  Domain:
    Type: AWS::Cognito::UserPoolDomain
    Properties:
      UserPoolId: !Ref Pool
      Domain: app-users-local
Outputs:
  Issuer: {Value: !GetAtt Pool.ProviderURL}
"""


def test_user_pool_client_can_sign_in_a_user_created_by_an_admin(
        aws: AwsEnvironment, load: Load) -> None:
    registry = _provision(aws, load, "cognito", COGNITO)
    cognito = aws.client("cognito-idp")
    pool = registry["Pool"]
    assert pool.attributes["ProviderURL"] == \
        f"https://cognito-idp.us-east-1.amazonaws.com/{pool.physical_id}"
    assert pool.attributes["ProviderName"] == \
        f"cognito-idp.us-east-1.amazonaws.com/{pool.physical_id}"
    described = cognito.describe_user_pool(UserPoolId=pool.physical_id)["UserPool"]
    assert described["Name"] == "app-users"
    assert described["Policies"]["PasswordPolicy"]["MinimumLength"] == 8
    assert described["UsernameAttributes"] == ["email"]
    assert pool.attributes["Arn"] == described["Arn"]

    cognito.admin_create_user(UserPoolId=pool.physical_id, Username="ada@example.com",
                              MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool.physical_id, Username="ada@example.com",
                                    Password="Passw0rd1", Permanent=True)
    tokens = cognito.initiate_auth(
        ClientId=registry["WebClient"].physical_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ada@example.com", "PASSWORD": "Passw0rd1"},
    )["AuthenticationResult"]
    assert tokens["IdToken"] and tokens["AccessToken"]

    group = cognito.get_group(GroupName="admins", UserPoolId=pool.physical_id)["Group"]
    assert registry["Admins"].physical_id == "admins" and group["Precedence"] == 1
    domain = cognito.describe_user_pool_domain(Domain="app-users-local")["DomainDescription"]
    assert domain["UserPoolId"] == pool.physical_id


CONFIG = """
Resources:
  DbCredentials:
    Type: AWS::SecretsManager::Secret
    Properties:
      GenerateSecretString:
        SecretStringTemplate: '{"username": "app"}'
        GenerateStringKey: password
        PasswordLength: 24
        ExcludeCharacters: '"@/\\'
  ApiKey:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: app/api-key
      SecretString: s3cr3t
  FeatureFlag:
    Type: AWS::SSM::Parameter
    Properties:
      Name: /app/flags/beta
      Type: String
      Value: "on"
      Tags: {team: app}
  Hosts:
    Type: AWS::SSM::Parameter
    Properties:
      Type: StringList
      Value: a.example,b.example
"""


def test_secrets_are_generated_and_parameters_readable(aws: AwsEnvironment, load: Load) -> None:
    registry = _provision(aws, load, "config", CONFIG)
    secrets = aws.client("secretsmanager")
    generated = registry["DbCredentials"]
    assert generated.physical_id.startswith("arn:aws:secretsmanager:us-east-1:123456789012:")
    value = json.loads(secrets.get_secret_value(SecretId=generated.physical_id)["SecretString"])
    assert value["username"] == "app"
    assert len(value["password"]) == 24
    assert not set(value["password"]) & set('"@/\\')
    assert secrets.get_secret_value(SecretId="app/api-key")["SecretString"] == "s3cr3t"
    assert registry["ApiKey"].physical_id == secrets.describe_secret(
        SecretId="app/api-key")["ARN"]

    ssm = aws.client("ssm")
    assert registry["FeatureFlag"].physical_id == "/app/flags/beta"
    assert ssm.get_parameter(Name="/app/flags/beta")["Parameter"]["Value"] == "on"
    hosts = ssm.get_parameter(Name=registry["Hosts"].physical_id)["Parameter"]
    assert hosts["Type"] == "StringList" and hosts["Value"] == "a.example,b.example"
    assert registry["Hosts"].attributes["Value"] == "a.example,b.example"


EVENTS_LOGS = """
Resources:
  Inbox:
    Type: AWS::SQS::Queue
  Nightly:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: rate(1 day)
      Targets:
        - {Id: fn, Arn: arn:aws:lambda:us-east-1:123456789012:function:nightly}
  OrderPlaced:
    Type: AWS::Events::Rule
    Properties:
      EventPattern: {source: [shop], detail-type: [OrderPlaced]}
      Targets:
        - {Id: inbox, Arn: !GetAtt Inbox.Arn}
  Logs:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: /app/orders
      RetentionInDays: 7
"""


def test_rules_deliver_to_queues_and_record_lambda_targets(
        aws: AwsEnvironment, load: Load) -> None:
    registry = _provision(aws, load, "events", EVENTS_LOGS)
    events = aws.client("events")
    rule = events.describe_rule(Name=registry["OrderPlaced"].physical_id)
    assert rule["Arn"] == registry["OrderPlaced"].attributes["Arn"]
    assert events.describe_rule(Name=registry["Nightly"].physical_id)[
        "ScheduleExpression"] == "rate(1 day)"
    assert events.list_targets_by_rule(Rule=registry["Nightly"].physical_id)["Targets"] == []
    assert registry["Nightly"].attributes["Targets"][0]["Id"] == "fn"

    events.put_events(Entries=[{"Source": "shop", "DetailType": "OrderPlaced",
                                "Detail": json.dumps({"id": 1})}])
    messages = aws.client("sqs").receive_message(
        QueueUrl=registry["Inbox"].physical_id)["Messages"]
    assert json.loads(messages[0]["Body"])["detail"] == {"id": 1}

    group = aws.client("logs").describe_log_groups(logGroupNamePrefix="/app/orders")[
        "logGroups"][0]
    assert group["retentionInDays"] == 7
    assert registry["Logs"].attributes["Arn"].endswith(":log-group:/app/orders:*")


def _resources_of(template_yaml: str) -> str:
    return template_yaml.split("Resources:\n", 1)[1].split("Outputs:", 1)[0]


EVERYTHING = "Resources:\n" + "".join(
    _resources_of(block) for block in (TABLE, BUCKET, QUEUES, TOPICS, CONFIG, COGNITO)
) + _resources_of(EVENTS_LOGS).replace("Inbox", "RuleInbox")
# Names that other tests of this module already use on the shared moto.
RENAMED = {"counters-explicit": "counters-twice", "app/api-key": "twice/api-key",
           "/app/flags/beta": "/twice/flags/beta", "app-users": "twice-users",
           "/app/orders": "/twice/orders"}


def test_provisioning_the_same_template_twice_reuses_what_exists(
        aws: AwsEnvironment, load: Load) -> None:
    body = EVERYTHING
    for old, new in RENAMED.items():
        body = body.replace(old, new)
    template = load("twice", body)
    first = provision(template, aws)
    secret_before = aws.client("secretsmanager").get_secret_value(
        SecretId=first["DbCredentials"].physical_id)["SecretString"]
    second = provision(template, aws)
    assert {k: v.physical_id for k, v in second.items()} == \
        {k: v.physical_id for k, v in first.items()}
    assert len(first) == len(template.resources) > 20
    assert aws.client("secretsmanager").get_secret_value(
        SecretId=second["DbCredentials"].physical_id)["SecretString"] == secret_before
    pools = aws.client("cognito-idp").list_user_pools(MaxResults=60)["UserPools"]
    assert [p["Name"] for p in pools].count("twice-users") == 1
    clients = aws.client("cognito-idp").list_user_pool_clients(
        UserPoolId=first["Pool"].physical_id, MaxResults=60)["UserPoolClients"]
    assert len(clients) == 1


def test_types_not_emulated_get_default_ids_and_one_warning_per_type(
        aws: AwsEnvironment, load: Load, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="emulator.aws"):
        registry = _provision(aws, load, "defaults", """
            Resources:
              KeyA: {Type: AWS::KMS::Key, Properties: {KeyPolicy: {}}}
              KeyB: {Type: AWS::KMS::Key, Properties: {KeyPolicy: {}}}
              Role:
                Type: AWS::IAM::Role
                Properties:
                  AssumeRolePolicyDocument: {Statement: []}
              Permission:
                Type: AWS::Lambda::Permission
                Properties: {Action: lambda:InvokeFunction, FunctionName: f,
                             Principal: apigateway.amazonaws.com}
            """)
    warnings = [r.getMessage() for r in caplog.records if r.name.startswith("emulator.aws")]
    assert len(warnings) == 1 and "AWS::KMS::Key" in warnings[0]
    assert registry["KeyA"].physical_id != registry["KeyB"].physical_id
    assert registry["Role"].attributes["Arn"].startswith("arn:aws:iam::123456789012:role/")
