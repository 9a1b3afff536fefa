"""Frozen settings shared by every part of the emulator.

The defaults copy what a fresh AWS account looks like to SAM CLI and moto: region
``us-east-1``, moto's default account id ``123456789012``, and API Gateway's integration
timeout of 29 seconds (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 3000
DEFAULT_AWS_PORT = 4566
#: API Gateway's maximum (and default) integration timeout.
DEFAULT_INTEGRATION_TIMEOUT_MS = 29_000
#: Lambda's default function timeout when a template sets none.
DEFAULT_FUNCTION_TIMEOUT_S = 3.0
DEFAULT_MEMORY_MB = 128
#: API Gateway rejects request payloads above 10 MB with 413.
MAX_REQUEST_BYTES = 10 * 1024 * 1024
#: Lambda rejects synchronous responses above 6 MB; API Gateway then answers 502.
MAX_RESPONSE_BYTES = 6 * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    """Everything the emulator needs to know that is not in the template."""

    region: str = DEFAULT_REGION
    account_id: str = DEFAULT_ACCOUNT_ID
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    aws_port: int = DEFAULT_AWS_PORT
    stack_name: str | None = None
    parameter_overrides: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType({})
    )
    integration_timeout_ms: int = DEFAULT_INTEGRATION_TIMEOUT_MS
