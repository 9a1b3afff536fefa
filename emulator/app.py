"""The assembled emulator: template -> moto -> stack -> Lambda runtime -> API gateways.

This is what ``sam deploy`` does to an account, done in-process: the SAM transform, the
creation of every resource (on moto), the API deployments and the CloudFormation stack
with its outputs (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/outputs-section-structure.html),
whose execute-api URLs are rewritten to the local ones so existing integration tests
that read the outputs run unchanged. Nested stacks are created with their parent (see
:mod:`emulator.template_nested_deploy`); their functions and APIs are served with the rest,
under stack-path ids (``Child/HelloFunction``), and each is registered as a stack of its own.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

from emulator.aws import AwsEnvironment, provision, register_stack
from emulator.config import Settings
from emulator.gateway import ApiGateway
from emulator.policy.pipeline import PolicyContext, build_policy
from emulator.runtime import Runtime
from emulator.seed import seed_directory
from emulator.sources import EventSources
from emulator.spec import parse_api
from emulator.stack import Output, Stack, qualified_id, stack_path_of
from emulator.template import Template, load_template, rewrite_execute_api_urls
from emulator.template_nested_deploy import deploy

logger = logging.getLogger(__name__)


class Emulator:
    """A provisioned stack with its runtime and gateways; no sockets except the AWS endpoint.

    ``serve`` binds ports around it; tests use it directly through :mod:`emulator.testing`.
    ``clock`` (wall-clock seconds) drives event times, authorizer caches, throttling and
    quotas, so tests can move time.
    """

    def __init__(self, template_path: Path | str, settings: Settings | None = None, *,
                 serve_aws_endpoint: bool = False,
                 seed_dirs: Sequence[Path | str] | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.settings = settings or Settings()
        self.template_path = Path(template_path).resolve()
        self.template = load_template(self.template_path, self.settings)
        for warning in self.template.warnings:
            logger.warning("%s", warning)
        self.aws = AwsEnvironment(self.settings, serve_endpoint=serve_aws_endpoint)
        self.aws.start()
        try:
            deployment = deploy(self.template, self.settings,
                                lambda template: provision(template, self.aws))
            self.stack: Stack = deployment.stack
            #: Every template of the stack tree by stack path ("" is ``self.template``).
            self.templates: Mapping[str, Template] = deployment.templates
            self.runtime = Runtime(self.stack.all_functions, self.settings,
                                   extra_environment=self.aws.function_environment())
            # The root stack for every API: an integration or authorizer ARN may name a
            # function of any stack of the tree (Stack.function_by_arn searches them all).
            policy_context = PolicyContext(stack=self.stack, settings=self.settings,
                                           runtime=self.runtime, aws=self.aws, clock=clock)
            self.gateways: dict[str, ApiGateway] = {}
            for config in self.stack.all_apis:
                api = parse_api(config, default_timeout_ms=self.settings.integration_timeout_ms)
                self.gateways[config.logical_id] = ApiGateway(
                    api, self.runtime, self.stack, self.settings,
                    policy=build_policy(api, policy_context), clock=clock)
            if seed_dirs is not None:
                for folder in seed_dirs:
                    seed_directory(Path(folder), self.stack, self.aws)
            else:
                # Each template's Metadata.Emulator.Seed fills its own stack (first).
                for stack_path, template in self.templates.items():
                    for folder in template.seed_dirs:
                        seed_directory(folder, self.stack.descendant(stack_path), self.aws)
            # After seeding: a TRIM_HORIZON stream mapping still sees the seeded writes.
            self.sources = EventSources(self.stack, self.templates, self.runtime, self.aws,
                                        clock=clock)
            self.sources.start()
        except BaseException:
            if hasattr(self, "sources"):
                self.sources.close()
            if hasattr(self, "runtime"):
                self.runtime.shutdown()
            self.aws.stop()
            raise
        self.base_urls: dict[str, str] = {}
        #: Static sites ``serve`` hosts for this template, by name (emulator.static_sites).
        self.static_sites: dict[str, str] = {}

    @property
    def gateways_by_api_id(self) -> dict[str, ApiGateway]:
        return {gateway.api.config.api_id: gateway for gateway in self.gateways.values()}

    def publish(self, base_urls: Mapping[str, str]) -> None:
        """Record where each API is served (by logical id) and register the stack.

        ``base_urls`` values are origins such as ``http://127.0.0.1:3000``; REST stage
        prefixes are part of the path, as on AWS.
        """
        self.base_urls = dict(base_urls)
        by_api_id = {self.gateways[logical_id].api.config.api_id: url
                     for logical_id, url in base_urls.items()}
        self.stack = _with_local_urls(self.stack, by_api_id)
        register_stack(self.aws, self.stack)

    def api_url(self, logical_id: str) -> str:
        """The invoke URL of an API stage, as the console shows it (REST: with the stage)."""
        gateway = self.gateways[logical_id]
        origin = self.base_urls.get(logical_id, "")
        return origin if gateway.stage == "$default" else f"{origin}/{gateway.stage}"

    def info(self) -> dict[str, Any]:
        """What ``GET /_emulator/info`` returns.

        APIs, functions and resources of nested stacks are listed by stack-path id
        (``Child/HelloFunction``), with the stack path in ``stack`` ("" for the root).
        """
        return {
            "stack_name": self.stack.name,
            "template": str(self.stack.template_path),
            "region": self.settings.region,
            "apis": [
                {"logical_id": logical_id, "stack": stack_path_of(logical_id),
                 "api_id": gateway.api.config.api_id,
                 "type": gateway.kind, "stage": gateway.stage,
                 "base_url": self.api_url(logical_id)}
                for logical_id, gateway in self.gateways.items()
            ],
            "functions": [
                {"logical_id": fn.logical_id, "stack": stack_path_of(fn.logical_id),
                 "name": fn.name, "handler": fn.handler,
                 "runtime": fn.runtime, "timeout": fn.timeout_s, "memory": fn.memory_mb}
                for fn in self.stack.all_functions.values()
            ],
            "resources": {
                qualified_id(stack.path, logical_id): {
                    "type": resource.type, "physical_id": resource.physical_id,
                    **({"arn": resource.attributes["Arn"]} if "Arn" in resource.attributes
                       else {}),
                    "stack": stack.path}
                for stack in self.stack.walk()
                for logical_id, resource in stack.resources.items()
            },
            "outputs": {key: _output_json(output) for key, output in self.stack.outputs.items()},
            "stacks": [
                {"stack": stack.path, "name": stack.name, "template": str(stack.template_path),
                 "outputs": {key: _output_json(output)
                             for key, output in stack.outputs.items()}}
                for stack in self.stack.walk()
            ],
            "aws_endpoint": self.aws.endpoint_url,
            # Where presigned S3 URLs made by handlers point (same moto state, own port).
            "s3_endpoint": self.aws.s3_endpoint_url,
            "static_sites": dict(self.static_sites),
            "warnings": [f"{stack.path}: {warning}" if stack.path else warning
                         for stack in self.stack.walk() for warning in stack.warnings]
            + list(self.sources.warnings),
            "event_sources": self.sources.info(),
        }

    def close(self) -> None:
        self.sources.close()
        self.runtime.shutdown()
        self.aws.stop()

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _with_local_urls(stack: Stack, by_api_id: Mapping[str, str]) -> Stack:
    """``stack`` and its nested stacks with the execute-api URLs of outputs made local."""
    outputs = {
        key: dataclasses.replace(output, value=rewrite_execute_api_urls(output.value, by_api_id))
        for key, output in stack.outputs.items()
    }
    children = {logical_id: _with_local_urls(child, by_api_id)
                for logical_id, child in stack.children.items()}
    return dataclasses.replace(stack, outputs=MappingProxyType(outputs),
                               children=MappingProxyType(children))


def _output_json(output: Output) -> dict[str, Any]:
    return {"value": output.value, "description": output.description,
            "export_name": output.export_name}
