"""What every provisioner shares: the context, CloudFormation's naming rule, results.

Copies CloudFormation's behaviour for optional name properties: when a template leaves the
name out, CloudFormation generates one from the stack name, the logical id and a suffix
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html).
The emulator takes the generated name from ``default_physical_resource`` (stable for a
stack and logical id, so a restart finds the same resource again) and applies each
service's naming limits.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from botocore.exceptions import ClientError

from emulator.aws.lifecycle import AwsEnvironment
from emulator.aws.shapes import PropertyError
from emulator.stack import PhysicalResource
from emulator.template import Resource, Template, default_physical_resource

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Context:
    """The template being provisioned and the AWS environment it goes into."""

    template: Template
    aws: AwsEnvironment

    @property
    def region(self) -> str:
        return self.aws.settings.region

    @property
    def account_id(self) -> str:
        return self.aws.settings.account_id

    @property
    def partition(self) -> str:
        if self.region.startswith("cn-"):
            return "aws-cn"
        if self.region.startswith("us-gov-"):
            return "aws-us-gov"
        return "aws"

    def client(self, service: str) -> Any:
        return self.aws.client(service)

    def arn(self, service: str, resource: str, *, region: bool = True,
            account: bool = True) -> str:
        return (f"arn:{self.partition}:{service}:{self.region if region else ''}:"
                f"{self.account_id if account else ''}:{resource}")

    def default(self, resource: Resource, properties: Mapping[str, Any]) -> PhysicalResource:
        return default_physical_resource(self.template, resource, properties)

    def name(self, resource: Resource, properties: Mapping[str, Any], name_property: str, *,
             max_length: int = 255, lower: bool = False, allowed: str = r"A-Za-z0-9_.-",
             suffix: str = "", fallback: str | None = None) -> str:
        """The resource's name: ``name_property`` if set, else the generated one.

        The generated name comes from the default physical id (or ``fallback``, for types
        whose physical id is not a name, such as a user pool's id). It is cut to
        ``max_length`` (keeping ``suffix``, e.g. ``.fifo``), lower-cased for S3 and stripped
        of characters the service refuses.
        """
        given = properties.get(name_property)
        if given not in (None, ""):
            return str(given)
        generated = fallback if fallback is not None else generated_name(
            self.default(resource, properties))
        if lower:
            generated = generated.lower()
        generated = re.sub(f"[^{allowed}]", "-", generated)
        if suffix and generated.endswith(suffix):
            generated = generated[: -len(suffix)]
        return generated[: max_length - len(suffix)].rstrip("-.") + suffix


def generated_name(default: PhysicalResource) -> str:
    """The bare name inside a default physical id (an ARN's or URL's last part, or itself)."""
    physical_id = default.physical_id
    if physical_id.startswith("arn:"):
        tail = physical_id.split(":", 5)[-1]
        return tail.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    if physical_id.startswith(("http://", "https://")):
        return physical_id.rstrip("/").rsplit("/", 1)[-1]
    return physical_id


def result(resource: Resource, physical_id: str, attributes: Mapping[str, Any] | None = None,
           *, emulated: bool = True) -> PhysicalResource:
    """A :class:`PhysicalResource` with read-only attributes."""
    return PhysicalResource(logical_id=resource.logical_id, type=resource.type,
                            physical_id=physical_id,
                            attributes=MappingProxyType(dict(attributes or {})),
                            emulated=emulated)


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def require(properties: Mapping[str, Any], name: str) -> Any:
    """A required property, or the error CloudFormation reports for its absence."""
    value = properties.get(name)
    if value is None:
        raise PropertyError(f"Property {name} is required")
    return value


def existing(lookup: Callable[[], Any], *missing_codes: str) -> Any:
    """``lookup()``, or None when moto answers with one of ``missing_codes``."""
    try:
        return lookup()
    except ClientError as exc:
        if error_code(exc) in missing_codes:
            return None
        raise


Provisioner = Callable[[Context, Resource, Mapping[str, Any]], PhysicalResource]
