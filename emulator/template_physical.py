"""The physical ids and ``Fn::GetAtt`` attributes CloudFormation gives created resources.

Copies the "Return values" section of each resource type's page in
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-template-resource-type-ref.html
(for instance ``AWS::SQS::Queue``: ``Ref`` is the queue URL; ``AWS::SNS::Topic``: ``Ref`` is the
topic ARN) and the naming rule for resources whose name property is absent
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html):
``{stack}-{LogicalId}-{13 random upper-case alphanumerics}``, cut to the service's length
limit and lower-cased for S3 buckets. The "random" parts here are hashes of the stack name
and logical id, so a restarted emulator gives every resource the same name and id.
"""

from __future__ import annotations

import hashlib
import logging
import string
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from emulator.stack import PhysicalResource
from emulator.template_model import Resource, Template, url_suffix_for

logger = logging.getLogger(__name__)

UPPER_ALNUM = string.ascii_uppercase + string.digits
LOWER_ALNUM = string.ascii_lowercase + string.digits
MIXED_ALNUM = string.ascii_letters + string.digits
SUFFIX_LENGTH = 13
#: Stream labels are creation timestamps; a fixed one keeps StreamArn stable.
STREAM_LABEL = "2024-01-01T00:00:00.000"


def stable_token(*parts: str, length: int, alphabet: str = UPPER_ALNUM) -> str:
    """A deterministic pseudo-random token from ``parts`` (same input, same token)."""
    number = int.from_bytes(hashlib.sha256("/".join(parts).encode("utf-8")).digest(), "big")
    chars = []
    for _ in range(length):
        number, index = divmod(number, len(alphabet))
        chars.append(alphabet[index])
    return "".join(chars)


def generated_name(stack: str, logical_id: str, *, max_length: int = 255,
                   lower: bool = False, suffix: str = "") -> str:
    """CloudFormation's ``{stack}-{LogicalId}-{SUFFIX}``, cut to ``max_length``."""
    token = stable_token(stack, logical_id, length=SUFFIX_LENGTH)
    budget = max_length - len(token) - len(suffix) - 2
    stack_part, id_part = stack, logical_id
    if len(stack_part) + len(id_part) > budget:
        # Both parts are shortened; the stack name keeps at least half the room.
        keep_stack = min(len(stack_part), max(budget - len(id_part), budget // 2))
        stack_part = stack_part[:keep_stack]
        id_part = id_part[:budget - len(stack_part)]
    name = f"{stack_part}-{id_part}-{token}{suffix}"
    return name.lower() if lower else name


@dataclass(frozen=True)
class _Context:
    template: Template
    resource: Resource
    properties: Mapping[str, Any]

    @property
    def region(self) -> str:
        return self.template.region

    @property
    def account(self) -> str:
        return self.template.account_id

    @property
    def partition(self) -> str:
        return self.template.partition

    def arn(self, service: str, resource: str, *, region: bool = True,
            account: bool = True) -> str:
        return (f"arn:{self.partition}:{service}:{self.region if region else ''}:"
                f"{self.account if account else ''}:{resource}")

    def name(self, prop: str | None, max_length: int, *, lower: bool = False,
             suffix: str = "") -> str:
        value = self.properties.get(prop) if prop else None
        if isinstance(value, str) and value:
            return value
        return generated_name(self.template.stack_name, self.resource.logical_id,
                              max_length=max_length, lower=lower, suffix=suffix)

    def token(self, salt: str, length: int, alphabet: str = LOWER_ALNUM) -> str:
        return stable_token(self.template.stack_name, self.resource.logical_id, salt,
                            length=length, alphabet=alphabet)

    def uuid(self, salt: str = "") -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.template.stack_name}/"
                                                  f"{self.resource.logical_id}/{salt}"))

    def truthy(self, prop: str) -> bool:
        return str(self.properties.get(prop, "")).lower() == "true"


_Result = tuple[str, dict[str, Any]]


def _function_name(value: Any) -> str:
    text = str(value)
    return text.split(":")[6] if text.startswith("arn:") and text.count(":") >= 6 else text


def _lambda_function(c: _Context) -> _Result:
    name = c.name("FunctionName", 64)
    return name, {"Arn": c.arn("lambda", f"function:{name}")}


def _lambda_layer(c: _Context) -> _Result:
    name = c.name("LayerName", 140)
    arn = c.arn("lambda", f"layer:{name}:1")
    return arn, {"LayerVersionArn": arn}


def _lambda_version(c: _Context) -> _Result:
    name = _function_name(c.properties.get("FunctionName", c.resource.logical_id))
    arn = c.arn("lambda", f"function:{name}:1")
    return arn, {"Version": "1", "FunctionArn": arn}


def _lambda_alias(c: _Context) -> _Result:
    name = _function_name(c.properties.get("FunctionName", c.resource.logical_id))
    arn = c.arn("lambda", f"function:{name}:{c.properties.get('Name', 'live')}")
    return arn, {"AliasArn": arn}


def _lambda_url(c: _Context) -> _Result:
    target = _function_name(c.properties.get("TargetFunctionArn", c.resource.logical_id))
    url = f"https://{c.token('url', 32)}.lambda-url.{c.region}.on.aws/"
    return url, {"FunctionUrl": url, "FunctionArn": c.arn("lambda", f"function:{target}")}


def _event_source_mapping(c: _Context) -> _Result:
    mapping_id = c.uuid("esm")
    return mapping_id, {"Id": mapping_id,
                        "EventSourceMappingArn": c.arn("lambda",
                                                       f"event-source-mapping:{mapping_id}")}


def _iam_role(c: _Context) -> _Result:
    name = c.name("RoleName", 64)
    path = str(c.properties.get("Path", "/"))
    return name, {"Arn": c.arn("iam", f"role{path}{name}", region=False),
                  "RoleId": "AROA" + c.token("role", 17, UPPER_ALNUM)}


def _iam_managed_policy(c: _Context) -> _Result:
    name = c.name("ManagedPolicyName", 128)
    path = str(c.properties.get("Path", "/"))
    arn = c.arn("iam", f"policy{path}{name}", region=False)
    return arn, {"PolicyArn": arn}


def _dynamodb_table(c: _Context) -> _Result:
    name = c.name("TableName", 255)
    arn = c.arn("dynamodb", f"table/{name}")
    attributes: dict[str, Any] = {"Arn": arn}
    if c.properties.get("StreamSpecification") is not None:
        attributes["StreamArn"] = f"{arn}/stream/{STREAM_LABEL}"
    return name, attributes


def _s3_bucket(c: _Context) -> _Result:
    name = c.name("BucketName", 63, lower=True)
    suffix = url_suffix_for(c.region)
    return name, {
        "Arn": f"arn:{c.partition}:s3:::{name}",
        "DomainName": f"{name}.s3.{suffix}",
        "RegionalDomainName": f"{name}.s3.{c.region}.{suffix}",
        "DualStackDomainName": f"{name}.s3.dualstack.{c.region}.{suffix}",
        "WebsiteURL": f"http://{name}.s3-website-{c.region}.{suffix}",
    }


def _sqs_queue(c: _Context) -> _Result:
    fifo = c.truthy("FifoQueue")
    name = c.name("QueueName", 80, suffix=".fifo" if fifo else "")
    url = f"https://sqs.{c.region}.{url_suffix_for(c.region)}/{c.account}/{name}"
    return url, {"Arn": c.arn("sqs", name), "QueueName": name, "QueueUrl": url}


def _sns_topic(c: _Context) -> _Result:
    fifo = c.truthy("FifoTopic")
    name = c.name("TopicName", 256, suffix=".fifo" if fifo else "")
    arn = c.arn("sns", name)
    return arn, {"TopicArn": arn, "TopicName": name}


def _sns_subscription(c: _Context) -> _Result:
    topic = str(c.properties.get("TopicArn", c.arn("sns", "topic")))
    arn = f"{topic}:{c.uuid('subscription')}"
    return arn, {"Arn": arn}


def _cognito_user_pool(c: _Context) -> _Result:
    pool_id = f"{c.region}_{c.token('userpool', 9, MIXED_ALNUM)}"
    provider = f"cognito-idp.{c.region}.{url_suffix_for(c.region)}/{pool_id}"
    return pool_id, {"Arn": c.arn("cognito-idp", f"userpool/{pool_id}"), "UserPoolId": pool_id,
                     "ProviderName": provider, "ProviderURL": f"https://{provider}"}


def _cognito_client(c: _Context) -> _Result:
    client_id = c.token("client", 26)
    return client_id, {"ClientId": client_id,
                       "Name": str(c.properties.get("ClientName", c.resource.logical_id))}


def _cognito_identity_pool(c: _Context) -> _Result:
    pool_id = f"{c.region}:{c.uuid('identitypool')}"
    return pool_id, {"Id": pool_id, "Name": str(c.properties.get("IdentityPoolName", pool_id))}


def _secret(c: _Context) -> _Result:
    name = c.name("Name", 512)
    arn = c.arn("secretsmanager", f"secret:{name}-{c.token('secret', 6, MIXED_ALNUM)}")
    return arn, {"Id": arn}


def _ssm_parameter(c: _Context) -> _Result:
    name = c.properties.get("Name")
    if not isinstance(name, str) or not name:
        name = f"CFN-{c.resource.logical_id}-{c.token('ssm', 12, MIXED_ALNUM)}"
    return name, {"Type": c.properties.get("Type", "String"),
                  "Value": c.properties.get("Value", "")}


def _rest_api(c: _Context) -> _Result:
    api_id = c.token("apigateway", 10)
    return api_id, {"RestApiId": api_id, "RootResourceId": c.token("root", 10)}


def _http_api(c: _Context) -> _Result:
    api_id = c.token("apigateway", 10)
    return api_id, {"ApiId": api_id,
                    "ApiEndpoint": f"https://{api_id}.execute-api.{c.region}."
                                   f"{url_suffix_for(c.region)}"}


def _stage(c: _Context) -> _Result:
    return str(c.properties.get("StageName", "$default")), {}


def _short_id(salt: str, length: int, attribute: str | None = None
              ) -> Callable[[_Context], _Result]:
    def build(c: _Context) -> _Result:
        value = c.token(salt, length)
        return value, ({attribute: value} if attribute else {})
    return build


def _events_rule(c: _Context) -> _Result:
    name = c.name("Name", 64)
    bus = c.properties.get("EventBusName")
    path = f"rule/{bus}/{name}" if isinstance(bus, str) and bus != "default" else f"rule/{name}"
    return name, {"Arn": c.arn("events", path)}


def _event_bus(c: _Context) -> _Result:
    name = c.name("Name", 256)
    return name, {"Arn": c.arn("events", f"event-bus/{name}"), "Name": name}


def _log_group(c: _Context) -> _Result:
    name = c.name("LogGroupName", 512)
    return name, {"Arn": c.arn("logs", f"log-group:{name}:*")}


def _kms_key(c: _Context) -> _Result:
    key_id = c.uuid("kms")
    return key_id, {"Arn": c.arn("kms", f"key/{key_id}"), "KeyId": key_id}


def _kms_alias(c: _Context) -> _Result:
    return str(c.properties.get("AliasName", f"alias/{c.resource.logical_id}")), {}


def _state_machine(c: _Context) -> _Result:
    name = c.name("StateMachineName", 80)
    arn = c.arn("states", f"stateMachine:{name}")
    return arn, {"Arn": arn, "Name": name}


def _alarm(c: _Context) -> _Result:
    name = c.name("AlarmName", 255)
    return name, {"Arn": c.arn("cloudwatch", f"alarm:{name}")}


def _generic(c: _Context) -> _Result:
    return generated_name(c.template.stack_name, c.resource.logical_id), {}


_HANDLERS: Mapping[str, Callable[[_Context], _Result]] = MappingProxyType({
    "AWS::Lambda::Function": _lambda_function,
    "AWS::Lambda::LayerVersion": _lambda_layer,
    "AWS::Lambda::Version": _lambda_version,
    "AWS::Lambda::Alias": _lambda_alias,
    "AWS::Lambda::Url": _lambda_url,
    "AWS::Lambda::EventSourceMapping": _event_source_mapping,
    "AWS::Lambda::Permission": _generic,
    "AWS::Lambda::EventInvokeConfig": _generic,
    "AWS::IAM::Role": _iam_role,
    "AWS::IAM::Policy": _generic,
    "AWS::IAM::ManagedPolicy": _iam_managed_policy,
    "AWS::DynamoDB::Table": _dynamodb_table,
    "AWS::S3::Bucket": _s3_bucket,
    "AWS::S3::BucketPolicy": _generic,
    "AWS::SQS::Queue": _sqs_queue,
    "AWS::SQS::QueuePolicy": _generic,
    "AWS::SNS::Topic": _sns_topic,
    "AWS::SNS::Subscription": _sns_subscription,
    "AWS::SNS::TopicPolicy": _generic,
    "AWS::Cognito::UserPool": _cognito_user_pool,
    "AWS::Cognito::UserPoolClient": _cognito_client,
    "AWS::Cognito::IdentityPool": _cognito_identity_pool,
    "AWS::SecretsManager::Secret": _secret,
    "AWS::SSM::Parameter": _ssm_parameter,
    "AWS::ApiGateway::RestApi": _rest_api,
    "AWS::ApiGateway::Stage": _stage,
    "AWS::ApiGateway::Deployment": _short_id("deployment", 6, "DeploymentId"),
    "AWS::ApiGateway::Resource": _short_id("resource", 6, "ResourceId"),
    "AWS::ApiGateway::Method": _generic,
    "AWS::ApiGateway::Authorizer": _short_id("authorizer", 6, "AuthorizerId"),
    "AWS::ApiGateway::ApiKey": _short_id("apikey", 10, "APIKeyId"),
    "AWS::ApiGateway::UsagePlan": _short_id("usageplan", 6, "Id"),
    "AWS::ApiGateway::UsagePlanKey": _short_id("usageplankey", 10, "Id"),
    "AWS::ApiGateway::RequestValidator": _short_id("validator", 6, "RequestValidatorId"),
    "AWS::ApiGateway::GatewayResponse": _generic,
    "AWS::ApiGateway::Account": _generic,
    "AWS::ApiGatewayV2::Api": _http_api,
    "AWS::ApiGatewayV2::Stage": _stage,
    "AWS::ApiGatewayV2::Route": _short_id("route", 7, "RouteId"),
    "AWS::ApiGatewayV2::Integration": _short_id("integration", 7, "IntegrationId"),
    "AWS::ApiGatewayV2::Authorizer": _short_id("authorizer", 6, "AuthorizerId"),
    "AWS::ApiGatewayV2::Deployment": _short_id("deployment", 6, "DeploymentId"),
    "AWS::Events::Rule": _events_rule,
    "AWS::Events::EventBus": _event_bus,
    "AWS::Scheduler::Schedule": _generic,
    "AWS::Logs::LogGroup": _log_group,
    "AWS::KMS::Key": _kms_key,
    "AWS::KMS::Alias": _kms_alias,
    "AWS::StepFunctions::StateMachine": _state_machine,
    "AWS::CloudWatch::Alarm": _alarm,
})

#: Resource types the emulator knows the return values of.
KNOWN_TYPES = frozenset(_HANDLERS)


def default_physical_resource(template: Template, resource: Resource,
                              resolved_properties: Mapping[str, Any]) -> PhysicalResource:
    """The physical id and attributes CloudFormation would give ``resource``."""
    handler = _HANDLERS.get(resource.type)
    context = _Context(template, resource, resolved_properties)
    physical_id, attributes = (handler or _generic)(context)
    return PhysicalResource(logical_id=resource.logical_id, type=resource.type,
                            physical_id=physical_id,
                            attributes=MappingProxyType(attributes),
                            emulated=handler is not None)
