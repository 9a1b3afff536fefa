"""Lambda event payloads: HTTP request -> the event API Gateway sends a proxy integration.

One module per payload, each citing the AWS page it copies:

* ``rest_v1``  REST APIs (always payload 1.0)
  https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
* ``http_v2``  HTTP APIs, payloadFormatVersion 2.0
* ``http_v1``  HTTP APIs, payloadFormatVersion 1.0
  https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html

:func:`build_event` picks the payload from the API kind and the matched integration.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from emulator.events.http_v1 import build_http_v1_event
from emulator.events.http_v2 import build_http_v2_event
from emulator.events.rest_v1 import build_rest_event
from emulator.http import HttpRequest
from emulator.routing import RouteMatch
from emulator.spec import ApiModel

logger = logging.getLogger(__name__)

def payload_format_version(api: ApiModel, match: RouteMatch) -> str:
    """``"1.0"`` for REST; the integration's version (default ``"2.0"``) for HTTP APIs."""
    if api.kind == "REST":
        return "1.0"
    integration = match.operation.integration
    return integration.payload_format_version if integration is not None else "2.0"


def build_event(request: HttpRequest, match: RouteMatch, api: ApiModel, *, request_id: str,
                time_epoch_ms: int, account_id: str,
                authorizer: Mapping[str, Any] | None = None,
                api_key: tuple[str, str] | None = None,
                iam_caller: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The Lambda event for ``request`` routed to ``match`` on ``api``.

    ``api_key`` (value, id) fills ``requestContext.identity`` of REST events; HTTP APIs have
    no API keys. ``iam_caller`` (the SigV4 signer) fills the identity of payload 1.0 events;
    payload 2.0 has it in ``authorizer.iam``.
    """
    if api.kind == "REST":
        return build_rest_event(request, match, api, request_id=request_id,
                                time_epoch_ms=time_epoch_ms, account_id=account_id,
                                authorizer=authorizer, api_key=api_key, iam_caller=iam_caller)
    if payload_format_version(api, match) == "1.0":
        return build_http_v1_event(request, match, api, request_id=request_id,
                                   time_epoch_ms=time_epoch_ms, account_id=account_id,
                                   authorizer=authorizer, iam_caller=iam_caller)
    return build_http_v2_event(request, match, api, request_id=request_id,
                               time_epoch_ms=time_epoch_ms, account_id=account_id,
                               authorizer=authorizer)
