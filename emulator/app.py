"""The assembled emulator: template -> moto -> stack -> Lambda runtime -> API gateways.

This is what ``sam deploy`` does to an account, done in-process: the SAM transform, the
creation of every resource (on moto), the API deployments and the CloudFormation stack
with its outputs (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/outputs-section-structure.html),
whose execute-api URLs are rewritten to the local ones so existing integration tests
that read the outputs run unchanged.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from emulator.aws import AwsEnvironment, provision, register_stack
from emulator.config import Settings
from emulator.gateway import ApiGateway
from emulator.policy.pipeline import PolicyContext, build_policy
from emulator.runtime import Runtime
from emulator.seed import seed_directory
from emulator.spec import parse_api
from emulator.stack import Output, Stack
from emulator.template import build_stack, load_template, rewrite_execute_api_urls

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
            registry = provision(self.template, self.aws)
            self.stack: Stack = build_stack(self.template, registry)
            self.runtime = Runtime(self.stack.functions, self.settings,
                                   extra_environment=self.aws.function_environment())
            policy_context = PolicyContext(stack=self.stack, settings=self.settings,
                                           runtime=self.runtime, aws=self.aws, clock=clock)
            self.gateways: dict[str, ApiGateway] = {}
            for config in self.stack.apis:
                api = parse_api(config, default_timeout_ms=self.settings.integration_timeout_ms)
                self.gateways[config.logical_id] = ApiGateway(
                    api, self.runtime, self.stack, self.settings,
                    policy=build_policy(api, policy_context), clock=clock)
            for folder in seed_dirs if seed_dirs is not None else self.template.seed_dirs:
                seed_directory(Path(folder), self.stack, self.aws)
        except BaseException:
            if hasattr(self, "runtime"):
                self.runtime.shutdown()
            self.aws.stop()
            raise
        self.base_urls: dict[str, str] = {}

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
        outputs = {
            key: dataclasses.replace(
                output, value=rewrite_execute_api_urls(output.value, by_api_id))
            for key, output in self.stack.outputs.items()
        }
        self.stack = dataclasses.replace(self.stack, outputs=outputs)
        register_stack(self.aws, self.stack)

    def api_url(self, logical_id: str) -> str:
        """The invoke URL of an API stage, as the console shows it (REST: with the stage)."""
        gateway = self.gateways[logical_id]
        origin = self.base_urls.get(logical_id, "")
        return origin if gateway.stage == "$default" else f"{origin}/{gateway.stage}"

    def info(self) -> dict[str, Any]:
        """What ``GET /_emulator/info`` returns."""
        return {
            "stack_name": self.stack.name,
            "template": str(self.stack.template_path),
            "region": self.settings.region,
            "apis": [
                {"logical_id": logical_id, "api_id": gateway.api.config.api_id,
                 "type": gateway.kind, "stage": gateway.stage,
                 "base_url": self.api_url(logical_id)}
                for logical_id, gateway in self.gateways.items()
            ],
            "functions": [
                {"logical_id": fn.logical_id, "name": fn.name, "handler": fn.handler,
                 "runtime": fn.runtime, "timeout": fn.timeout_s, "memory": fn.memory_mb}
                for fn in self.stack.functions.values()
            ],
            "resources": {
                logical_id: {"type": resource.type, "physical_id": resource.physical_id,
                             **({"arn": resource.attributes["Arn"]}
                                if "Arn" in resource.attributes else {})}
                for logical_id, resource in self.stack.resources.items()
            },
            "outputs": {key: _output_json(output) for key, output in self.stack.outputs.items()},
            "aws_endpoint": self.aws.endpoint_url,
            # Where presigned S3 URLs made by handlers point (same moto state, own port).
            "s3_endpoint": self.aws.s3_endpoint_url,
            "warnings": list(self.stack.warnings),
        }

    def close(self) -> None:
        self.runtime.shutdown()
        self.aws.stop()

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _output_json(output: Output) -> dict[str, Any]:
    return {"value": output.value, "description": output.description,
            "export_name": output.export_name}
