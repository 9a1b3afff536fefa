"""The deployed-stack model: what a CloudFormation stack looks like once created.

After the SAM transform and provisioning, a template becomes a :class:`Stack`: Lambda
functions with their resolved configuration, API Gateway APIs with their resolved OpenAPI
bodies and stages, every resource's physical id and attributes (what ``Ref`` and
``Fn::GetAtt`` return, per
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-getatt.html),
and the stack outputs. These models are pure data shared by the gateway, the runtime and
the AWS side.

Nested stacks (``AWS::CloudFormation::Stack``, ``AWS::Serverless::Application``) are
``children`` of the stack that declares them, by logical id. Their functions and APIs are
named as ``sam local invoke STACK_NAME/FUNCTION_IDENTIFIER`` names them, by stack path:
``ChildLogicalId/FunctionLogicalId``
(https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-cdk-testing.html),
so two children may both define ``HelloFunction``; resources and outputs keep the plain
logical ids CloudFormation reports for the nested stack.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

ApiKind = Literal["REST", "HTTP"]


def empty_frozen_map() -> Mapping[str, Any]:
    """A read-only empty mapping: the default of frozen dataclasses' mapping fields."""
    return MappingProxyType({})


@dataclass(frozen=True)
class PhysicalResource:
    """A created resource: ``Ref`` returns ``physical_id``; ``Fn::GetAtt`` reads ``attributes``."""

    logical_id: str
    type: str
    physical_id: str
    attributes: Mapping[str, Any] = field(default_factory=empty_frozen_map)
    #: False when the emulator does not emulate this type (it still gets a stable id).
    emulated: bool = True


@dataclass(frozen=True)
class FunctionConfig:
    """An ``AWS::Lambda::Function`` after the SAM transform and intrinsic resolution."""

    #: The logical id, prefixed with the stack path in a nested stack (``Child/Function``).
    logical_id: str
    name: str  # physical FunctionName
    arn: str
    handler: str  # "module.function" or "package/module.function"
    runtime: str
    code_dir: Path  # absolute local directory of the CodeUri
    #: Directories put on the import path after ``code_dir``, in order (layers' python/).
    layer_paths: tuple[Path, ...] = ()
    timeout_s: float = 3.0
    memory_mb: int = 128
    environment: Mapping[str, str] = field(default_factory=empty_frozen_map)
    architectures: tuple[str, ...] = ("x86_64",)
    reserved_concurrency: int | None = None


@dataclass(frozen=True)
class ApiConfig:
    """An API Gateway REST API (``AWS::ApiGateway::RestApi``) or HTTP API
    (``AWS::ApiGatewayV2::Api``).

    ``definition`` is the OpenAPI 3 / Swagger 2 body with every intrinsic resolved, so each
    ``x-amazon-apigateway-integration.uri`` names a function ARN.
    """

    #: The logical id, prefixed with the stack path in a nested stack (``Child/Api``).
    logical_id: str
    api_id: str  # 10 lower-case alphanumerics, stable for a given stack and logical id
    kind: ApiKind
    stage: str  # "Prod", "$default", ...
    definition: Mapping[str, Any]
    stage_variables: Mapping[str, str] = field(default_factory=empty_frozen_map)
    binary_media_types: tuple[str, ...] = ()
    #: HTTP API ``CorsConfiguration`` (AllowOrigins, AllowMethods...), if set on the resource.
    cors_configuration: Mapping[str, Any] | None = None
    #: The Stage resource's properties (MethodSettings, DefaultRouteSettings...), resolved.
    stage_properties: Mapping[str, Any] = field(default_factory=empty_frozen_map)


@dataclass(frozen=True)
class Output:
    """A stack output, resolved."""

    key: str
    value: str
    description: str | None = None
    export_name: str | None = None


@dataclass(frozen=True)
class Stack:
    """A template, transformed, provisioned and resolved."""

    name: str
    template_path: Path
    region: str
    account_id: str
    functions: Mapping[str, FunctionConfig]  # this stack's, by FunctionConfig.logical_id
    apis: tuple[ApiConfig, ...]  # this stack's
    resources: Mapping[str, PhysicalResource]  # by logical id
    outputs: Mapping[str, Output]
    warnings: tuple[str, ...] = ()
    #: SAM CLI's stack path: "" for the root stack, "Child", "Child/Grandchild"...
    path: str = ""
    #: Nested stacks created by this stack, by the logical id of their resource.
    children: Mapping[str, Stack] = field(default_factory=empty_frozen_map)

    def walk(self) -> Iterator[Stack]:
        """This stack, then every nested stack, depth first in creation order."""
        yield self
        for child in self.children.values():
            yield from child.walk()

    @property
    def all_functions(self) -> Mapping[str, FunctionConfig]:
        """The functions of this stack and of every nested stack, by stack-path id."""
        return MappingProxyType({key: function for stack in self.walk()
                                 for key, function in stack.functions.items()})

    @property
    def all_apis(self) -> tuple[ApiConfig, ...]:
        """The API stages of this stack and of every nested stack."""
        return tuple(api for stack in self.walk() for api in stack.apis)

    def descendant(self, path: str) -> Stack:
        """The nested stack at a stack path relative to this one ("" is this stack)."""
        stack = self
        for logical_id in [part for part in path.split("/") if part]:
            child = stack.children.get(logical_id)
            if child is None:
                raise KeyError(f"no nested stack {path!r} in stack {self.name}")
            stack = child
        return stack

    def function_by_arn(self, arn: str) -> FunctionConfig | None:
        """The function an integration or event source URI names (qualifier ignored).

        Nested stacks are searched too: a URI names a function of the account, which a
        parent may have passed to a child as a parameter, or a child exported.
        """
        base = arn.split(":function:", 1)
        if len(base) != 2:
            return None
        name = base[1].split(":", 1)[0]
        for stack in self.walk():  # per request: no mapping built
            for function in stack.functions.values():
                if function.name == name:
                    return function
        return None


def stack_path_of(full_id: str) -> str:
    """The stack path part of a stack-path id: ``A/B/Function`` -> ``A/B``; root -> ""."""
    return full_id.rpartition("/")[0]


def qualified_id(stack_path: str, logical_id: str) -> str:
    """SAM CLI's full path of a resource: ``logical_id`` prefixed with the stack path."""
    return f"{stack_path}/{logical_id}" if stack_path else logical_id
