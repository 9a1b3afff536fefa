"""SQS queues and SNS topics, subscriptions and policies.

Copies CloudFormation's handling of
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sqs-queue.html
(``Ref`` = queue URL; ``Arn``, ``QueueName``, ``QueueUrl``; a generated FIFO queue name
ends in ``.fifo``; ``RedrivePolicy`` names the dead-letter queue by ARN, so that queue is
created first) and of
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sns-topic.html /
``AWS::SNS::Subscription`` (``Ref`` = topic ARN / subscription ARN).

Subscriptions with protocol ``lambda`` are recorded on the resource, not created on moto:
moto would try to invoke a Lambda function of its own (which does not exist here) on every
``Publish``. Delivering them to the emulated function is the event-source side's job.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Mapping
from typing import Any

from emulator.aws.provisioners.base import Context, existing, require, result
from emulator.aws.shapes import tag_list, tag_map, to_bool, to_text
from emulator.stack import PhysicalResource
from emulator.template import Resource

logger = logging.getLogger(__name__)

_QUEUE_ATTRIBUTES = (
    "FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit",
    "VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds", "MaximumMessageSize",
    "ReceiveMessageWaitTimeSeconds", "RedrivePolicy", "RedriveAllowPolicy",
    "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "SqsManagedSseEnabled",
)
_TOPIC_ATTRIBUTES = (
    "DisplayName", "FifoTopic", "ContentBasedDeduplication", "KmsMasterKeyId",
    "SignatureVersion", "TracingConfig", "ArchivePolicy", "DeliveryPolicy",
)
_SUBSCRIPTION_ATTRIBUTES = (
    "FilterPolicy", "FilterPolicyScope", "RawMessageDelivery", "RedrivePolicy",
    "DeliveryPolicy", "SubscriptionRoleArn", "ReplayPolicy",
)
RECORDED_PROTOCOLS = frozenset({"lambda"})


def _attributes(properties: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, str]:
    """API attribute strings; ``FifoQueue``/``FifoTopic`` only when true (moto, like AWS
    for topics, treats any value it is given as a request for FIFO)."""
    values = {key: to_text(properties[key]) for key in names
              if properties.get(key) is not None}
    for flag in ("FifoQueue", "FifoTopic"):
        if flag in values and not to_bool(values[flag], flag):
            del values[flag]
    return values


def provision_queue(ctx: Context, resource: Resource,
                    properties: Mapping[str, Any]) -> PhysicalResource:
    sqs = ctx.client("sqs")
    fifo = to_bool(properties.get("FifoQueue", False), "FifoQueue")
    name = ctx.name(resource, properties, "QueueName", max_length=80,
                    allowed=r"A-Za-z0-9_-", suffix=".fifo" if fifo else "")
    url = existing(lambda: sqs.get_queue_url(QueueName=name)["QueueUrl"],
                   "AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist")
    if url is None:
        params: dict[str, Any] = {"QueueName": name,
                                  "Attributes": _attributes(properties, _QUEUE_ATTRIBUTES)}
        tags = tag_map(properties.get("Tags"))
        if tags:
            params["tags"] = tags
        url = sqs.create_queue(**params)["QueueUrl"]
    else:
        logger.debug("queue %s exists; reused", name)
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    return result(resource, url, {"Arn": arn, "QueueName": name, "QueueUrl": url})


def provision_queue_policy(ctx: Context, resource: Resource,
                           properties: Mapping[str, Any]) -> PhysicalResource:
    policy = to_text(require(properties, "PolicyDocument"))
    sqs = ctx.client("sqs")
    for url in require(properties, "Queues"):
        sqs.set_queue_attributes(QueueUrl=str(url), Attributes={"Policy": policy})
    return result(resource, ctx.default(resource, properties).physical_id)


def provision_topic(ctx: Context, resource: Resource,
                    properties: Mapping[str, Any]) -> PhysicalResource:
    sns = ctx.client("sns")
    fifo = to_bool(properties.get("FifoTopic", False), "FifoTopic")
    name = ctx.name(resource, properties, "TopicName", max_length=256,
                    allowed=r"A-Za-z0-9_-", suffix=".fifo" if fifo else "")
    params: dict[str, Any] = {"Name": name,
                              "Attributes": _attributes(properties, _TOPIC_ATTRIBUTES)}
    tags = tag_list(properties.get("Tags"))
    if tags:
        params["Tags"] = tags
    # CreateTopic is idempotent for an existing topic (same name and attributes).
    arn = str(sns.create_topic(**params)["TopicArn"])
    subscriptions = [
        _subscribe(ctx, arn, str(require(entry, "Protocol")), str(require(entry, "Endpoint")),
                   {})
        for entry in properties.get("Subscription") or []
    ]
    return result(resource, arn, {"TopicArn": arn, "TopicName": name,
                                  "Subscription": subscriptions})


def provision_subscription(ctx: Context, resource: Resource,
                           properties: Mapping[str, Any]) -> PhysicalResource:
    topic_arn = str(require(properties, "TopicArn"))
    protocol = str(require(properties, "Protocol"))
    endpoint = str(properties.get("Endpoint", ""))
    attributes = _attributes(properties, _SUBSCRIPTION_ATTRIBUTES)
    subscription = _subscribe(ctx, topic_arn, protocol, endpoint, attributes)
    recorded = protocol in RECORDED_PROTOCOLS
    return result(resource, subscription["SubscriptionArn"],
                  {"TopicArn": topic_arn, **subscription, **attributes,
                   "Arn": subscription["SubscriptionArn"]},
                  emulated=not recorded)


def _subscribe(ctx: Context, topic_arn: str, protocol: str, endpoint: str,
               attributes: Mapping[str, str]) -> dict[str, str]:
    if protocol in RECORDED_PROTOCOLS:
        logger.info("SNS %s subscription %s -> %s recorded (delivered by the event sources, "
                    "not by moto)", protocol, topic_arn, endpoint)
        marker = uuid.uuid5(uuid.NAMESPACE_URL, f"{topic_arn}|{protocol}|{endpoint}")
        arn = f"{topic_arn}:{marker}"
    else:
        arn = str(ctx.client("sns").subscribe(
            TopicArn=topic_arn, Protocol=protocol, Endpoint=endpoint,
            Attributes=dict(attributes), ReturnSubscriptionArn=True)["SubscriptionArn"])
    return {"Protocol": protocol, "Endpoint": endpoint, "SubscriptionArn": arn}


def provision_topic_policy(ctx: Context, resource: Resource,
                           properties: Mapping[str, Any]) -> PhysicalResource:
    document = require(properties, "PolicyDocument")
    policy = document if isinstance(document, str) else json.dumps(document)
    sns = ctx.client("sns")
    for topic in require(properties, "Topics"):
        sns.set_topic_attributes(TopicArn=str(topic), AttributeName="Policy",
                                 AttributeValue=policy)
    return result(resource, ctx.default(resource, properties).physical_id)
