"""Reading a deployed stack tree's event sources from its CloudFormation resources.

What SAM's ``Events`` become after the transform
(https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-eventsource.html)
is plain CloudFormation, so plain CloudFormation templates work the same:
``AWS::Lambda::EventSourceMapping`` (SQS queues, DynamoDB streams), ``AWS::Events::Rule``
(schedules and event patterns, Lambda targets), ``AWS::Scheduler::Schedule``,
``AWS::SNS::Subscription`` / a topic's ``Subscription`` (protocol ``lambda``), a bucket's
``NotificationConfiguration``, ``AWS::Lambda::EventInvokeConfig`` and a function's
``DeadLetterConfig``. Options the emulator does not apply are named in a start-up warning;
a source it cannot read is skipped with a warning, never a crash.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from emulator.errors import EmulatorError
from emulator.intrinsics import Resolver
from emulator.sources.async_invoke import DEFAULT_MAX_EVENT_AGE_S, DEFAULT_MAX_RETRIES, AsyncConfig
from emulator.sources.models import (
    BucketNotification,
    QueueMapping,
    RuleTarget,
    ScheduleSource,
    StreamMapping,
    TopicSubscription,
)
from emulator.sources.patterns import Pattern, PatternError, compile_pattern
from emulator.sources.schedule_expr import ScheduleExpressionError, parse_schedule
from emulator.stack import FunctionConfig, Stack, qualified_id
from emulator.template_model import Resource, Template

logger = logging.getLogger(__name__)

_ESM_APPLIED = {"EventSourceArn", "FunctionName", "BatchSize", "Enabled",
                "MaximumBatchingWindowInSeconds", "FunctionResponseTypes", "FilterCriteria",
                "StartingPosition", "BisectBatchOnFunctionError", "MaximumRetryAttempts",
                "MaximumRecordAgeInSeconds", "DestinationConfig", "Tags"}
#: One poller per mapping stays under any MaximumConcurrency; metrics are CloudWatch's.
_ESM_IGNORED_QUIETLY = {"ScalingConfig", "MetricsConfig"}


@dataclass
class Sources:
    """Everything :func:`discover` found, and what it could not apply."""

    queues: list[QueueMapping] = field(default_factory=list)
    streams: list[StreamMapping] = field(default_factory=list)
    schedules: list[ScheduleSource] = field(default_factory=list)
    rules: list[RuleTarget] = field(default_factory=list)
    subscriptions: list[TopicSubscription] = field(default_factory=list)
    buckets: list[BucketNotification] = field(default_factory=list)
    async_configs: dict[str, AsyncConfig] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def discover(root: Stack, templates: Mapping[str, Template]) -> Sources:
    """The event sources of ``root`` and its nested stacks (templates by stack path)."""
    found = Sources()
    functions = {function.name: function for function in root.all_functions.values()}
    for stack in root.walk():
        template = templates.get(stack.path)
        if template is None:
            continue
        reader = _Reader(stack, template, functions, found)
        for resource in template.resources.values():
            try:
                reader.read(resource)
            except (PatternError, ScheduleExpressionError, EmulatorError, ValueError,
                    TypeError, KeyError, AttributeError) as exc:
                reader.warn(resource, f"not emulated: {exc}")
    for warning in found.warnings:
        logger.warning("%s", warning)
    return found


class _Reader:
    def __init__(self, stack: Stack, template: Template,
                 functions: Mapping[str, FunctionConfig], found: Sources) -> None:
        self.stack = stack
        self.resolver = Resolver(template, stack.resources)
        self.functions = functions
        self.found = found

    def warn(self, resource: Resource, message: str) -> None:
        self.found.warnings.append(
            f"{qualified_id(self.stack.path, resource.logical_id)} ({resource.type}): {message}")

    def props(self, resource: Resource) -> dict[str, Any]:
        resolved = self.resolver.resolve(dict(resource.properties),
                                         logical_id=resource.logical_id)
        return resolved if isinstance(resolved, dict) else {}

    def function(self, name_or_arn: Any) -> FunctionConfig | None:
        text = str(name_or_arn or "")
        name = text.split(":function:", 1)[1].split(":", 1)[0] if ":function:" in text \
            else text.rsplit(":", 1)[-1] if text.startswith("arn:") else text
        return self.functions.get(name)

    def name(self, resource: Resource) -> str:
        return qualified_id(self.stack.path, resource.logical_id)

    def read(self, resource: Resource) -> None:
        reader = {
            "AWS::Lambda::EventSourceMapping": self.mapping,
            "AWS::Events::Rule": self.rule,
            "AWS::Scheduler::Schedule": self.scheduler,
            "AWS::SNS::Subscription": self.subscription,
            "AWS::SNS::Topic": self.topic,
            "AWS::S3::Bucket": self.bucket,
            "AWS::Lambda::EventInvokeConfig": self.invoke_config,
            "AWS::Lambda::Function": self.dead_letter,
        }.get(resource.type)
        if reader is not None:
            reader(resource)

    # -- event source mappings --------------------------------------------------------

    def mapping(self, resource: Resource) -> None:
        props = self.props(resource)
        function = self.function(props.get("FunctionName"))
        source = str(props.get("EventSourceArn") or "")
        if function is None:
            self.warn(resource, f"function {props.get('FunctionName')!r} is not emulated; "
                                "mapping skipped")
            return
        unknown = sorted(set(props) - _ESM_APPLIED - _ESM_IGNORED_QUIETLY)
        if unknown:
            self.warn(resource, f"options not emulated: {', '.join(unknown)}")
        filters = _filters(props.get("FilterCriteria"))
        common: dict[str, Any] = {
            "name": self.name(resource), "function": function,
            "enabled": _bool(props.get("Enabled", True)),
            "window_s": float(props.get("MaximumBatchingWindowInSeconds") or 0),
            "report_failures": "ReportBatchItemFailures" in (
                props.get("FunctionResponseTypes") or []),
            "filters": filters}
        service = source.split(":")[2] if source.count(":") >= 5 else ""
        if service == "sqs":
            self.found.queues.append(QueueMapping(
                queue_arn=source, batch_size=int(props.get("BatchSize") or 10), **common))
        elif service == "dynamodb" and "/stream/" in source:
            on_failure = ((props.get("DestinationConfig") or {}).get("OnFailure") or {}
                          ).get("Destination")
            self.found.streams.append(StreamMapping(
                stream_arn=source, batch_size=int(props.get("BatchSize") or 100),
                starting_position=str(props.get("StartingPosition") or "LATEST"),
                bisect=_bool(props.get("BisectBatchOnFunctionError", False)),
                max_retries=int(props.get("MaximumRetryAttempts", -1)),
                max_record_age_s=float(props.get("MaximumRecordAgeInSeconds", -1)),
                on_failure=str(on_failure) if on_failure else None, **common))
        else:
            self.warn(resource, f"event source {source or '(none)'} is not emulated "
                                "(SQS queues and DynamoDB streams are)")

    # -- EventBridge ------------------------------------------------------------------

    def rule(self, resource: Resource) -> None:
        props = self.props(resource)
        physical = self.stack.resources.get(resource.logical_id)
        arn = str(physical.attributes.get("Arn", "")) if physical else ""
        enabled = str(props.get("State") or "ENABLED") == "ENABLED"
        bus = str(props.get("EventBusName") or "default").rsplit("/", 1)[-1]
        expression = props.get("ScheduleExpression")
        pattern = props.get("EventPattern")
        for target in props.get("Targets") or []:
            function = self.function(target.get("Arn"))
            if function is None:
                service = str(target.get("Arn", "")).split(":")[2:3]
                if service not in (["sqs"], ["logs"], ["events"]):  # moto delivers those
                    self.warn(resource, f"target {target.get('Arn')!r} is not emulated")
                continue
            settings = {key: target[key] for key in ("Input", "InputPath", "InputTransformer")
                        if target.get(key) is not None}
            if isinstance(settings.get("Input"), str):
                json.loads(settings["Input"])  # EventBridge refuses an Input that is not JSON
            unknown = sorted(set(target) - {"Arn", "Id", "Input", "InputPath",
                                            "InputTransformer"})
            if unknown:
                self.warn(resource, f"target options not emulated: {', '.join(unknown)}")
            if expression:
                self.found.schedules.append(ScheduleSource(
                    name=str(props.get("Name") or self.name(resource)), function=function,
                    arn=arn, schedule=parse_schedule(str(expression)), enabled=enabled,
                    target=settings, kind="rule"))
            if pattern is not None:
                self.found.rules.append(RuleTarget(
                    name=self.name(resource), function=function, arn=arn, bus=bus,
                    pattern=compile_pattern(pattern), enabled=enabled, target=settings))

    def scheduler(self, resource: Resource) -> None:
        props = self.props(resource)
        target = props.get("Target") or {}
        function = self.function(target.get("Arn"))
        if function is None:
            self.warn(resource, f"target {target.get('Arn')!r} is not an emulated function")
            return
        unknown = sorted(set(target) - {"Arn", "RoleArn", "Input", "RetryPolicy",
                                        "DeadLetterConfig"})
        if unknown:
            self.warn(resource, f"target options not emulated: {', '.join(unknown)}")
        name = str(props.get("Name") or self.name(resource))
        group = str(props.get("GroupName") or "default")
        self.found.schedules.append(ScheduleSource(
            name=name, function=function,
            arn=f"arn:aws:scheduler:{self.stack.region}:{self.stack.account_id}:schedule/"
                f"{group}/{name}",
            schedule=parse_schedule(str(props.get("ScheduleExpression") or ""),
                                    props.get("ScheduleExpressionTimezone")),
            enabled=str(props.get("State") or "ENABLED") == "ENABLED",
            target={"Input": target["Input"]} if target.get("Input") is not None else {},
            kind="scheduler"))

    # -- SNS and S3 -------------------------------------------------------------------

    def topic(self, resource: Resource) -> None:
        physical = self.stack.resources.get(resource.logical_id)
        if physical is None:
            return
        for entry in physical.attributes.get("Subscription") or []:
            if entry.get("Protocol") != "lambda":
                continue
            function = self.function(entry.get("Endpoint"))
            if function is None:
                self.warn(resource, f"endpoint {entry.get('Endpoint')!r} is not an emulated "
                                    "function")
                continue
            self.found.subscriptions.append(TopicSubscription(
                name=self.name(resource), function=function, topic_arn=physical.physical_id,
                subscription_arn=str(entry.get("SubscriptionArn") or "")))

    def subscription(self, resource: Resource) -> None:
        props = self.props(resource)
        if str(props.get("Protocol")) != "lambda":
            return  # moto delivers sqs/http/email subscriptions itself
        function = self.function(props.get("Endpoint"))
        if function is None:
            self.warn(resource, f"endpoint {props.get('Endpoint')!r} is not an emulated function")
            return
        physical = self.stack.resources.get(resource.logical_id)
        unknown = sorted({"DeliveryPolicy", "RedrivePolicy", "ReplayPolicy"} & set(props))
        if unknown:
            self.warn(resource, f"options not emulated: {', '.join(unknown)}")
        policy = props.get("FilterPolicy")
        self.found.subscriptions.append(TopicSubscription(
            name=self.name(resource), function=function, topic_arn=str(props["TopicArn"]),
            subscription_arn=physical.physical_id if physical else "",
            filter_policy=compile_pattern(policy) if policy else None,
            filter_scope=str(props.get("FilterPolicyScope") or "MessageAttributes")))

    def bucket(self, resource: Resource) -> None:
        physical = self.stack.resources.get(resource.logical_id)
        config = self.props(resource).get("NotificationConfiguration")
        if not config or physical is None:
            return
        kinds = (("LambdaConfigurations", "Function"), ("QueueConfigurations", "Queue"),
                 ("TopicConfigurations", "Topic"))
        for key, target_key in kinds:
            for entry in config.get(key) or []:
                target = str(entry.get(target_key) or "")
                function = self.function(target) if target_key == "Function" else None
                if target_key == "Function" and function is None:
                    self.warn(resource, f"notification target {target!r} is not an emulated "
                                        "function")
                    continue
                prefix, suffix = _key_rules(entry.get("Filter"))
                self.found.buckets.append(BucketNotification(
                    name=self.name(resource), bucket=physical.physical_id,
                    event=str(entry.get("Event") or ""), target_arn=target,
                    function=function, prefix=prefix, suffix=suffix))
        if config.get("EventBridgeConfiguration"):
            self.warn(resource, "NotificationConfiguration.EventBridgeConfiguration is not "
                                "emulated")

    # -- asynchronous invocation ------------------------------------------------------

    def invoke_config(self, resource: Resource) -> None:
        props = self.props(resource)
        function = self.function(props.get("FunctionName"))
        if function is None:
            return
        destinations = props.get("DestinationConfig") or {}
        previous = self.found.async_configs.get(function.logical_id, AsyncConfig())
        self.found.async_configs[function.logical_id] = AsyncConfig(
            max_retries=int(props.get("MaximumRetryAttempts", DEFAULT_MAX_RETRIES)),
            max_event_age_s=float(props.get("MaximumEventAgeInSeconds",
                                            DEFAULT_MAX_EVENT_AGE_S)),
            on_success=(destinations.get("OnSuccess") or {}).get("Destination"),
            on_failure=(destinations.get("OnFailure") or {}).get("Destination"),
            dead_letter_arn=previous.dead_letter_arn)

    def dead_letter(self, resource: Resource) -> None:
        target = (self.props(resource).get("DeadLetterConfig") or {}).get("TargetArn")
        physical = self.stack.resources.get(resource.logical_id)
        function = self.function(physical.physical_id) if physical else None
        if not target or function is None:
            return
        previous = self.found.async_configs.get(function.logical_id, AsyncConfig())
        self.found.async_configs[function.logical_id] = AsyncConfig(
            max_retries=previous.max_retries, max_event_age_s=previous.max_event_age_s,
            on_success=previous.on_success, on_failure=previous.on_failure,
            dead_letter_arn=str(target))


def _filters(criteria: Any) -> tuple[Pattern, ...]:
    if not criteria:
        return ()
    return tuple(compile_pattern(entry.get("Pattern") or "{}")
                 for entry in criteria.get("Filters") or [])


def _key_rules(raw: Any) -> tuple[str, str]:
    prefix = suffix = ""
    for rule in ((raw or {}).get("S3Key") or {}).get("Rules") or []:
        name = str(rule.get("Name", "")).lower()
        if name == "prefix":
            prefix = str(rule.get("Value", ""))
        elif name == "suffix":
            suffix = str(rule.get("Value", ""))
        else:
            raise ValueError(f"S3Key rule name must be prefix or suffix, not {name!r}")
    return prefix, suffix


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)
