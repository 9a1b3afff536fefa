"""The emulator's exception tree.

Everything the emulator raises on purpose derives from :class:`EmulatorError`. A
:class:`GatewayError` carries the exact status, body and ``x-amzn-ErrorType`` header that
API Gateway sends for a rejection it makes itself (see the "Gateway responses" table in
https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any


class EmulatorError(Exception):
    """Base class of every error the emulator raises deliberately."""


class TemplateError(EmulatorError):
    """A template that cannot be loaded: bad YAML, unknown Ref, missing handler file...

    ``str()`` is the one line the CLI prints: ``path: LogicalId: message``.
    """

    def __init__(self, message: str, *, path: Path | str | None = None,
                 logical_id: str | None = None) -> None:
        self.message = message
        self.path = Path(path) if path is not None else None
        self.logical_id = logical_id
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [str(self.path)] if self.path is not None else []
        if self.logical_id:
            parts.append(self.logical_id)
        parts.append(self.message)
        return ": ".join(parts)


class SpecError(EmulatorError):
    """An OpenAPI definition the gateway cannot route by."""


class GatewayError(EmulatorError):
    """A response API Gateway produces itself, without (or instead of) the integration.

    ``response_type`` is the gateway response type (``MISSING_AUTHENTICATION_TOKEN``,
    ``INTEGRATION_FAILURE`` ...) that ``x-amazon-apigateway-gateway-responses`` can override.
    """

    def __init__(self, status: int, body: Mapping[str, Any], *, response_type: str,
                 error_type: str | None = None,
                 headers: Mapping[str, str] | None = None, layer: str | None = None) -> None:
        self.status = status
        self.body = MappingProxyType(dict(body))
        self.response_type = response_type
        self.error_type = error_type
        self.headers = MappingProxyType(dict(headers or {}))
        #: Who answered (``X-Emulator-Layer``) when the response type alone does not say:
        #: MISSING_AUTHENTICATION_TOKEN is "no-route" unless IAM authorization sent it.
        self.layer = layer
        super().__init__(f"{status} {response_type}: {json.dumps(dict(body))}")


class FunctionNotFound(EmulatorError):
    """An invocation named a function the stack does not define."""
