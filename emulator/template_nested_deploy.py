"""Creating a stack with its nested stacks, in the order CloudFormation creates them.

Copies ``CreateStack`` for a template with ``AWS::CloudFormation::Stack`` resources
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-nested-stacks.html):
a nested stack is created when the parent's creation reaches its resource (after what its
``Parameters`` refer to, before what refers to its outputs), from its template with the
parameter values resolved in the parent; ``Ref`` to it gives the nested stack's id and
``Fn::GetAtt Child.Outputs.Name`` its output, to the parent's later resources and outputs.
The nested stack's name is ``{parent}-{LogicalId}-{SUFFIX}``; nesting goes to any depth. An
error inside a nested stack names the template it is in and its logical id prefixed with
the stack path (``Child/Grandchild/Resource``), SAM CLI's identifier for it.

The AWS side is injected (``provision``), so this module stays free of moto.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from emulator.config import Settings
from emulator.errors import TemplateError
from emulator.stack import PhysicalResource, Stack, qualified_id
from emulator.template import build_stack, load_template
from emulator.template_model import Resource, Template
from emulator.template_nested import (
    check_parameter_names,
    local_template,
    nested_physical_resource,
    nested_stack_id,
    nested_stack_name,
    output_attributes,
    parameter_values,
)
from emulator.template_yaml import read_document

logger = logging.getLogger(__name__)

#: Creates a template's resources (on moto); the registry of their physical resources.
ProvisionFunction = Callable[[Template], Mapping[str, PhysicalResource]]


@dataclass(frozen=True)
class Deployment:
    """A created stack tree: the root :class:`Stack` and every template, by stack path."""

    stack: Stack
    templates: Mapping[str, Template]


def deploy(template: Template, settings: Settings, provision: ProvisionFunction) -> Deployment:
    """Create ``template``'s stack and, as provisioning reaches them, its nested stacks."""
    session = _Session(settings, provision)
    stack = session.create(template)
    return Deployment(stack=stack, templates=MappingProxyType(dict(session.templates)))


class _Session:
    def __init__(self, settings: Settings, provision: ProvisionFunction) -> None:
        self._settings = settings
        self._provision = provision
        self.templates: dict[str, Template] = {}
        self._children: dict[str, dict[str, Stack]] = {}

    def create(self, template: Template) -> Stack:
        attached = dataclasses.replace(template, nested_deployer=self._create_nested)
        self.templates[template.stack_path] = attached
        registry = self._provision(attached)
        return build_stack(attached, registry,
                           children=self._children.pop(template.stack_path, {}))

    def _create_nested(self, parent: Template, resource: Resource,
                       properties: Mapping[str, Any]) -> PhysicalResource:
        logical_id = resource.logical_id
        child_path = local_template(resource.properties.get("TemplateURL"), parent.path.parent)
        if child_path is None:  # remote: load_template warned about it
            return nested_physical_resource(dataclasses.replace(parent, nested_deployer=None),
                                            resource, properties)
        ancestors = [self.templates[path].path for path in _ancestor_paths(parent.stack_path)
                     if path in self.templates]
        if child_path in ancestors:
            chain = " -> ".join(str(path) for path in (*ancestors, child_path))
            raise TemplateError(f"nested stacks form a cycle: {chain}", path=parent.path,
                                logical_id=logical_id)
        values = parameter_values(logical_id, properties.get("Parameters"), parent.path)
        stack_path = qualified_id(parent.stack_path, logical_id)
        settings = dataclasses.replace(
            self._settings, stack_name=nested_stack_name(parent.stack_name, logical_id),
            parameter_overrides=MappingProxyType(values))
        try:
            check_parameter_names(logical_id, values, read_document(child_path), child_path,
                                  parent.path)
        except TemplateError as exc:
            if exc.logical_id == logical_id:
                raise
            raise TemplateError(exc.message, path=parent.path, logical_id=logical_id) from exc
        try:
            child = dataclasses.replace(load_template(child_path, settings),
                                        stack_path=stack_path)
            for warning in child.warnings:
                logger.warning("%s: %s", stack_path, warning)
            stack = self.create(child)
        except TemplateError as exc:
            inner = exc.logical_id
            raise TemplateError(exc.message, path=exc.path or child_path,
                                logical_id=qualified_id(logical_id, inner) if inner
                                else logical_id) from exc
        self._children.setdefault(parent.stack_path, {})[logical_id] = stack
        logger.debug("nested stack %s (%s) created from %s", stack.name, stack_path, child_path)
        return PhysicalResource(
            logical_id=logical_id, type=resource.type,
            physical_id=nested_stack_id(parent, logical_id),
            attributes=MappingProxyType(output_attributes(
                {key: output.value for key, output in stack.outputs.items()})))


def _ancestor_paths(stack_path: str) -> list[str]:
    """The stack paths from the root to ``stack_path``: "A/B" -> ["", "A", "A/B"]."""
    parts = [part for part in stack_path.split("/") if part]
    return ["/".join(parts[:index]) for index in range(len(parts) + 1)]
