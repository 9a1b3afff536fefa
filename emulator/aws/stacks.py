"""The emulated stack as CloudFormation reports it.

Copies what ``sam deploy`` leaves behind for tools to read: ``DescribeStacks`` returns the
stack with ``CREATE_COMPLETE`` and its outputs
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html),
and ``DescribeStackResource(s)`` / ``ListStackResources`` map every logical id to its
physical id and type
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackResources.html).
Scripts and test suites that look up a table name or API URL from the stack therefore work
unchanged against the local AWS endpoint. Nested stacks are stacks of their own, described
by their generated names; the parent lists each as an ``AWS::CloudFormation::Stack``
resource whose physical id is the nested stack's id
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-nested-stacks.html).

moto's CloudFormation would create the resources itself; instead the stack is created
through the API from placeholders (resources of a type moto creates nothing for, outputs
with literal values) and the placeholders are then given the real ids, see
:func:`emulator.aws.internals.attach_stack_resources`.
"""

from __future__ import annotations

import json
import logging
import warnings
from typing import Any

from botocore.exceptions import ClientError

from emulator.aws import internals
from emulator.aws.lifecycle import AwsEnvironment
from emulator.errors import EmulatorError
from emulator.stack import Stack

logger = logging.getLogger(__name__)

_PLACEHOLDER_TYPE = "AWS::CloudFormation::WaitConditionHandle"


class StackRegistrationError(EmulatorError):
    """moto refused the stack record (an invalid output, a duplicate export...)."""


def placeholder_template(stack: Stack) -> dict[str, Any]:
    """The template moto is given: one inert resource per logical id, literal outputs."""
    outputs: dict[str, Any] = {}
    for key, output in stack.outputs.items():
        entry: dict[str, Any] = {"Value": output.value}
        if output.description is not None:
            entry["Description"] = output.description
        if output.export_name is not None:
            entry["Export"] = {"Name": output.export_name}
        outputs[key] = entry
    template: dict[str, Any] = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"Emulated stack {stack.name} (template {stack.template_path.name})",
        "Resources": {
            logical_id: {"Type": _PLACEHOLDER_TYPE,
                         "Metadata": {"EmulatedType": resource.type}}
            for logical_id, resource in stack.resources.items()
        },
    }
    if outputs:
        template["Outputs"] = outputs
    return template


def register_stack(aws: AwsEnvironment, stack: Stack) -> str:
    """Record ``stack`` and its nested stacks in moto's CloudFormation (replacing previous
    records); the id moto gave ``stack``."""
    for child in stack.children.values():
        # CloudFormation completes nested stacks before the stack that creates them.
        register_stack(aws, child)
    cloudformation = aws.client("cloudformation")
    if _exists(cloudformation, stack.name):
        cloudformation.delete_stack(StackName=stack.name)
    body = json.dumps(placeholder_template(stack))
    try:
        with warnings.catch_warnings():
            # moto warns once per placeholder that it will not create it; that is the point.
            warnings.filterwarnings("ignore", message="Tried to parse")
            created = cloudformation.create_stack(StackName=stack.name, TemplateBody=body)
    except ClientError as exc:
        raise StackRegistrationError(
            f"stack {stack.name}: moto refused the stack record: "
            f"{exc.response.get('Error', {}).get('Message', exc)}") from exc
    internals.attach_stack_resources(
        aws.settings.account_id, aws.settings.region, stack.name,
        [internals.StackResourceRecord(logical_id, resource.physical_id, resource.type)
         for logical_id, resource in stack.resources.items()])
    stack_id = str(created["StackId"])
    logger.debug("registered stack %s (%d resources, %d outputs)",
                 stack.name, len(stack.resources), len(stack.outputs))
    return stack_id


def _exists(cloudformation: Any, name: str) -> bool:
    try:
        cloudformation.describe_stacks(StackName=name)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ValidationError":
            return False
        raise
    return True
