"""The event sources of a deployed stack, read from its CloudFormation resources.

Each model is what one resource asks Lambda or a service to do once deployed:
``AWS::Lambda::EventSourceMapping`` (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-eventsourcemapping.html),
``AWS::Events::Rule`` targets, ``AWS::Scheduler::Schedule``, ``AWS::SNS::Subscription``
(protocol ``lambda``) and a bucket's ``NotificationConfiguration``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from emulator.sources.patterns import Pattern
from emulator.sources.schedule_expr import Schedule
from emulator.stack import FunctionConfig, empty_frozen_map

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class QueueMapping:
    """An SQS event source mapping."""

    name: str
    function: FunctionConfig
    queue_arn: str
    batch_size: int = 10
    window_s: float = 0.0
    report_failures: bool = False
    enabled: bool = True
    filters: tuple[Pattern, ...] = ()


@dataclass(frozen=True)
class StreamMapping:
    """A DynamoDB Streams event source mapping."""

    name: str
    function: FunctionConfig
    stream_arn: str
    starting_position: str = "LATEST"
    batch_size: int = 100
    window_s: float = 0.0
    report_failures: bool = False
    enabled: bool = True
    filters: tuple[Pattern, ...] = ()
    bisect: bool = False
    #: -1: retry until the record expires (AWS's default).
    max_retries: int = -1
    #: -1: records never expire here (AWS keeps them 24 hours).
    max_record_age_s: float = -1
    on_failure: str | None = None


@dataclass(frozen=True)
class ScheduleSource:
    """A scheduled rule (``ScheduleExpression``) or an EventBridge Scheduler schedule."""

    name: str
    function: FunctionConfig
    arn: str
    schedule: Schedule
    enabled: bool = True
    #: Rule targets' ``Input``/``InputPath``/``InputTransformer`` or the Scheduler's Input.
    target: Mapping[str, Any] = field(default_factory=empty_frozen_map)
    kind: str = "schedule"


@dataclass(frozen=True)
class RuleTarget:
    """An EventBridge rule with an event pattern and a Lambda target."""

    name: str
    function: FunctionConfig
    arn: str
    bus: str
    pattern: Pattern
    enabled: bool = True
    target: Mapping[str, Any] = field(default_factory=empty_frozen_map)


@dataclass(frozen=True)
class TopicSubscription:
    """An SNS subscription of protocol ``lambda``."""

    name: str
    function: FunctionConfig
    topic_arn: str
    subscription_arn: str
    filter_policy: Pattern | None = None
    #: ``MessageAttributes`` (default) or ``MessageBody``.
    filter_scope: str = "MessageAttributes"


@dataclass(frozen=True)
class BucketNotification:
    """One entry of a bucket's Lambda/Queue/TopicConfigurations."""

    name: str
    bucket: str
    event: str  # "s3:ObjectCreated:*"
    target_arn: str
    function: FunctionConfig | None = None  # for LambdaConfigurations
    prefix: str = ""
    suffix: str = ""
