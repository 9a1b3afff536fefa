"""What every authorizer kind shares: the protocol, the request's ARN and rejection logging.

The ARN an authorizer policy is evaluated against is the method ARN (REST) / route ARN (HTTP
API) ``arn:aws:execute-api:REGION:ACCOUNT:API_ID/STAGE/METHOD/PATH`` with the *request*
path - path parameters filled in, REST still percent-encoded, HTTP APIs decoded
(https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html:
"the path parameter values ... are determined at run time").

Every rejection is logged with its reason at INFO (``emulator.policy.authorizers.*``); a
token, an identity value or a secret never appears in the log.
"""

from __future__ import annotations

import logging
from typing import Protocol

from emulator.errors import GatewayError
from emulator.http import HttpRequest, http_api_decode_path
from emulator.policy.authorizers.iam_policy import method_arn
from emulator.policy.pipeline import RequestState
from emulator.routing import RouteMatch
from emulator.spec import ApiModel

logger = logging.getLogger(__name__)


class Authorizer(Protocol):
    """One configured authorizer; raises GatewayError to reject, fills ``state`` to accept."""

    name: str

    def authorize(self, request: HttpRequest, match: RouteMatch, scopes: tuple[str, ...],
                  state: RequestState) -> None: ...


def request_arn(api: ApiModel, region: str, account_id: str, request: HttpRequest) -> str:
    """The method / route ARN of ``request`` (its path has no stage prefix any more)."""
    path = request.path
    if api.kind == "HTTP":
        path = http_api_decode_path(path) or path
    return method_arn(region, account_id, api.config.api_id, api.stage, request.method, path)


def rejected(error: GatewayError, *, authorizer: str, match: RouteMatch, state: RequestState,
             reason: str) -> GatewayError:
    """Log why ``authorizer`` turned the request away and hand the error back to raise."""
    logger.info("%s %s: authorizer %s rejected the request with %d: %s", state.request_id,
                match.operation.route_key, authorizer, error.status, reason)
    return error
