"""Stack creation: every template resource, in CloudFormation's order, onto moto.

Copies what CloudFormation does on ``CreateStack``
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stack-resource-configuration-complete.html):
resources are created in dependency order, each with its properties resolved against the
resources created before it, and a failure names the logical id and the service's message
(here moto's), as a ``CREATE_FAILED`` event would. Types without a provisioner get the
physical id CloudFormation would give them, so ``Ref`` and ``Fn::GetAtt`` still resolve.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

from emulator.aws.lifecycle import AwsEnvironment
from emulator.aws.provisioners import PROVISIONERS, Context
from emulator.aws.shapes import PropertyError
from emulator.errors import TemplateError
from emulator.stack import PhysicalResource
from emulator.template import Resolver, Resource, Template, default_physical_resource

logger = logging.getLogger(__name__)

# Types that need nothing at run time or that other parts of the emulator act on
# (functions, APIs, event sources), and so are no cause for a warning.
_SILENT_PREFIXES = (
    "AWS::IAM::", "AWS::ApiGateway::", "AWS::ApiGatewayV2::", "AWS::Logs::",
    "AWS::CloudWatch::", "AWS::CloudFormation::", "AWS::CodeDeploy::", "AWS::XRay::",
    "AWS::ApplicationAutoScaling::", "AWS::CDK::", "AWS::Serverless::",
)
_SILENT_TYPES = frozenset({
    "AWS::Lambda::Function", "AWS::Lambda::Permission", "AWS::Lambda::Version",
    "AWS::Lambda::Alias", "AWS::Lambda::LayerVersion", "AWS::Lambda::LayerVersionPermission",
    "AWS::Lambda::EventSourceMapping", "AWS::Lambda::EventInvokeConfig",
    "AWS::SQS::QueueInlinePolicy", "AWS::SNS::TopicInlinePolicy",
    "AWS::Scheduler::Schedule",
})


def provision(template: Template, aws: AwsEnvironment) -> dict[str, PhysicalResource]:
    """Create ``template``'s resources on ``aws``; the registry of physical resources.

    Provisioning the same template again into the same environment reuses what exists.
    Raises :class:`TemplateError` naming the logical id when moto refuses a resource.
    """
    context = Context(template=template, aws=aws)
    registry: dict[str, PhysicalResource] = {}
    warned: set[str] = set()
    for logical_id, resource in template.resources.items():
        properties = _resolve(template, registry, resource)
        provisioner = PROVISIONERS.get(resource.type)
        if provisioner is None:
            registry[logical_id] = default_physical_resource(template, resource, properties)
            _warn_not_emulated(resource.type, warned)
            continue
        try:
            registry[logical_id] = provisioner(context, resource, properties)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            message = f"{error.get('Code', 'Error')}: {error.get('Message', exc)}"
            raise _failure(template, resource, f"moto refused it: {message}") from exc
        except (ParamValidationError, PropertyError) as exc:
            raise _failure(template, resource, f"invalid properties: {exc}") from exc
        except BotoCoreError as exc:
            raise _failure(template, resource, f"moto failed: {exc}") from exc
        logger.debug("%s %s -> %s", resource.type, logical_id, registry[logical_id].physical_id)
    return registry


def _resolve(template: Template, registry: Mapping[str, PhysicalResource],
             resource: Resource) -> dict[str, Any]:
    resolved = Resolver(template, registry).resolve(dict(resource.properties),
                                                    logical_id=resource.logical_id)
    if resolved is None:
        return {}
    if not isinstance(resolved, dict):
        raise TemplateError(f"Properties must be an object, got {type(resolved).__name__}",
                            path=template.path, logical_id=resource.logical_id)
    return resolved


def _warn_not_emulated(resource_type: str, warned: set[str]) -> None:
    if resource_type in warned or resource_type in _SILENT_TYPES \
            or resource_type.startswith(_SILENT_PREFIXES):
        return
    warned.add(resource_type)
    logger.warning("%s is not emulated: its resources get a physical id for Ref/GetAtt "
                   "but do not exist on the local AWS side", resource_type)


def _failure(template: Template, resource: Resource, message: str) -> TemplateError:
    return TemplateError(f"{resource.type}: {message}", path=template.path,
                         logical_id=resource.logical_id)


def provisioned_types() -> frozenset[str]:
    """The resource types created on moto (the others get default physical ids)."""
    return frozenset(PROVISIONERS)
