"""The loaded-template model: a CloudFormation template after the SAM transform.

Copies what CloudFormation holds for a stack between "template processed" and "resources
created": parameter values, evaluated conditions, the resources that survive their
``Condition`` and the order CloudFormation creates them in (DependsOn plus every implicit
``Ref`` / ``Fn::GetAtt`` / ``Fn::Sub`` dependency), per
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html.
Pure data, shared by the intrinsic resolver, the stack builder and the provisioners.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emulator.stack import PhysicalResource, empty_frozen_map

logger = logging.getLogger(__name__)

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"


@dataclass(frozen=True)
class Resource:
    """One resource of the transformed template; ``properties`` keep their intrinsics."""

    logical_id: str
    type: str
    properties: Mapping[str, Any]
    depends_on: tuple[str, ...]
    metadata: Mapping[str, Any] = field(default_factory=empty_frozen_map)


#: Creates the nested stack an ``AWS::CloudFormation::Stack`` resource of the template stands
#: for, given its resolved properties (see :mod:`emulator.template_nested_deploy`).
NestedStackDeployer = Callable[["Template", Resource, Mapping[str, Any]], PhysicalResource]


@dataclass(frozen=True)
class Template:
    """A template ready to provision: transformed, parameters bound, conditions applied."""

    path: Path
    stack_name: str
    region: str
    account_id: str
    parameters: Mapping[str, str]
    conditions: Mapping[str, bool]
    resources: Mapping[str, Resource]
    outputs: Mapping[str, Mapping[str, Any]]
    mappings: Mapping[str, Any]
    code_locations: Mapping[str, Path]
    warnings: tuple[str, ...] = ()
    #: Declared ``Type`` of each parameter ("String", "CommaDelimitedList"...): ``Ref``
    #: returns a list for the list types.
    parameter_types: Mapping[str, str] = field(default_factory=empty_frozen_map)
    #: Seed folders named by the template's ``Metadata.Emulator.Seed`` (a path or a list,
    #: relative to the template's folder); CloudFormation ignores Metadata it does not know.
    seed_dirs: tuple[Path, ...] = ()
    #: SAM CLI's stack path of a nested stack's template ("" for the root template).
    stack_path: str = ""
    #: Set while the stack is created: makes its nested stacks as provisioning reaches them.
    nested_deployer: NestedStackDeployer | None = field(default=None, compare=False,
                                                        repr=False)

    @property
    def partition(self) -> str:
        """``AWS::Partition`` for the template's region."""
        return partition_for(self.region)


def partition_for(region: str) -> str:
    """The ARN partition of a region (``aws``, ``aws-cn``, ``aws-us-gov``)."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def url_suffix_for(region: str) -> str:
    """``AWS::URLSuffix``: China regions use ``amazonaws.com.cn``."""
    return "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
