"""EventBridge buses and rules, CloudWatch Logs log groups.

Copies https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-events-rule.html
(``PutRule`` + ``PutTargets``; ``Ref`` = the rule name, ``EventBusName|RuleName`` on a
custom bus; ``Fn::GetAtt Arn``; ``State`` defaults to ``ENABLED``),
``AWS::Events::EventBus`` (``Ref`` = name; ``Arn``, ``Name``) and
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-logs-loggroup.html
(``Ref`` = the group name; ``Arn`` ends in ``:*``).

Only targets moto can deliver to (SQS queues, log groups, event buses) are put on moto;
others, Lambda functions first of all, are recorded in the rule's ``Targets`` attribute:
moto raises ``NotImplementedError`` from ``PutEvents`` for a matching rule with such a
target. Delivering them, and running schedules, is the event-source side's job.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from emulator.aws.provisioners.base import Context, existing, result
from emulator.aws.shapes import api_params, tag_list, tag_map, to_int, to_text
from emulator.stack import PhysicalResource
from emulator.template import Resource

logger = logging.getLogger(__name__)

_MOTO_TARGET_SERVICES = ("sqs", "logs", "events")


def provision_event_bus(ctx: Context, resource: Resource,
                        properties: Mapping[str, Any]) -> PhysicalResource:
    events = ctx.client("events")
    name = ctx.name(resource, properties, "Name", max_length=256, allowed=r"A-Za-z0-9/_.-")
    found = existing(lambda: events.describe_event_bus(Name=name),
                     "ResourceNotFoundException")
    if found is None:
        params: dict[str, Any] = {"Name": name}
        tags = tag_list(properties.get("Tags"))
        if tags:
            params["Tags"] = tags
        arn = str(events.create_event_bus(**params)["EventBusArn"])
    else:
        arn = str(found["Arn"])
    return result(resource, name, {"Arn": arn, "Name": name})


def provision_rule(ctx: Context, resource: Resource,
                   properties: Mapping[str, Any]) -> PhysicalResource:
    events = ctx.client("events")
    name = ctx.name(resource, properties, "Name", max_length=64, allowed=r"A-Za-z0-9_.-")
    bus = _bus_name(properties.get("EventBusName"))
    params = api_params(events, "PutRule", properties,
                        exclude=("Name", "EventBusName", "Tags", "EventPattern"))
    params.update(Name=name, EventBusName=bus, State=str(properties.get("State") or "ENABLED"))
    if properties.get("EventPattern") is not None:
        params["EventPattern"] = to_text(properties["EventPattern"])
    tags = tag_list(properties.get("Tags"))
    if tags:
        params["Tags"] = tags
    # PutRule creates or updates, so a restart converges on the template.
    arn = str(events.put_rule(**params)["RuleArn"])
    targets = [dict(target) for target in properties.get("Targets") or []]
    delivered = [target for target in targets if _moto_delivers(str(target.get("Arn", "")))]
    if delivered:
        events.put_targets(Rule=name, EventBusName=bus, Targets=api_params(
            events, "PutTargets", {"Targets": delivered})["Targets"])
    physical_id = name if bus == "default" else f"{bus}|{name}"
    return result(resource, physical_id, {"Arn": arn, "Targets": targets})


def _bus_name(value: Any) -> str:
    if not value:
        return "default"
    text = str(value)
    # EventBusName accepts a bus ARN too.
    return text.rsplit("/", 1)[-1] if text.startswith("arn:") else text


def _moto_delivers(arn: str) -> bool:
    parts = arn.split(":")
    return len(parts) > 2 and parts[2] in _MOTO_TARGET_SERVICES


def provision_log_group(ctx: Context, resource: Resource,
                        properties: Mapping[str, Any]) -> PhysicalResource:
    logs = ctx.client("logs")
    name = ctx.name(resource, properties, "LogGroupName", max_length=512,
                    allowed=r"A-Za-z0-9_./#-")
    found = [group for group in logs.describe_log_groups(logGroupNamePrefix=name)
             .get("logGroups", []) if group.get("logGroupName") == name]
    if not found:
        params: dict[str, Any] = {"logGroupName": name}
        tags = tag_map(properties.get("Tags"))
        if tags:
            params["tags"] = tags
        logs.create_log_group(**params)
        retention = properties.get("RetentionInDays")
        if retention is not None:
            logs.put_retention_policy(logGroupName=name,
                                      retentionInDays=to_int(retention, "RetentionInDays"))
    return result(resource, name, {"Arn": ctx.arn("logs", f"log-group:{name}:*")})
