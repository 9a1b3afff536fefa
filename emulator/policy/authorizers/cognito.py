"""REST API Cognito user pool authorizers (``COGNITO_USER_POOLS``).

Copies https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-integrate-with-cognito.html
and the behaviour reported from real APIs:

* The token comes from the identity source header (default ``Authorization``), with or
  without a ``Bearer`` prefix (awslabs/nx-plugin-for-aws#828 sent ``Bearer <id token>``).
* It must be signed by, and ``iss`` must name, one of the ``providerARNs`` pools; its
  ``aud`` (ID token) / ``client_id`` (access token) must be an app client of that pool.
* A method without OAuth scopes takes an **ID token** - an access token is refused with 401;
  a method with scopes takes an **access token** whose ``scope`` holds at least one of them
  (https://repost.aws/knowledge-center/api-gateway-cognito-401-unauthorized,
  open-constructs/cdk-serverless#374). Every refusal is 401 ``{"message":"Unauthorized"}``
  except an expired token: 401 ``{"message":"The incoming token has expired"}``.
* The claims reach the integration as ``requestContext.authorizer.claims`` with every value
  a string: ``exp`` / ``iat`` in Java's date form (``Tue Apr 04 18:39:39 UTC 2023``), other
  numbers as decimals, booleans ``true``/``false``, arrays comma-joined (``cognito:groups``
  ``"a,b"``) - captured in aws-amplify cognito-identity-js#92 and re:Post QUFJRBaEJRSmmqar.

Verification is :func:`.jwt_authorizer.verify_token` with the pool's keys from :mod:`.jwks`;
app clients are read from moto (and re-read once when a token names an unknown one, so
clients created after start-up are found). The method-independent result is remembered per
token as the JWT authorizer does it (times re-checked on every request); an app client
deleted meanwhile is noticed when that entry expires.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from emulator.errors import GatewayError, SpecError
from emulator.http import HttpRequest
from emulator.policy.authorizers import rejections
from emulator.policy.authorizers.base import rejected
from emulator.policy.authorizers.cache import TtlCache
from emulator.policy.authorizers.config import AuthorizerConfig
from emulator.policy.authorizers.jwks import JwksResolver, KeysUnavailable
from emulator.policy.authorizers.jwt_authorizer import (
    VERIFIED_TTL_S,
    TokenRejected,
    presented_token,
    remembered_claims,
    token_scopes,
    unverified_claims,
    verify_token,
)
from emulator.policy.pipeline import PolicyContext, RequestState
from emulator.routing import RouteMatch
from emulator.spec import ApiModel

logger = logging.getLogger(__name__)

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DATE_CLAIMS = frozenset({"exp", "iat"})


def java_date(epoch_s: float) -> str:
    """``1680629979`` -> ``"Tue Apr 04 17:39:39 UTC 2023"`` (``java.util.Date.toString``)."""
    moment = datetime.fromtimestamp(int(epoch_s), tz=UTC)
    return (f"{_DAYS[moment.weekday()]} {_MONTHS[moment.month - 1]} {moment.day:02d} "
            f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d} UTC {moment.year}")


def rest_claim(name: str, value: Any) -> str:
    """A claim value as a REST integration receives it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        if name in _DATE_CLAIMS:
            return java_date(value)
        return str(int(value)) if float(value).is_integer() else str(value)
    if isinstance(value, list):
        return ",".join(rest_claim("", item) for item in value)
    if isinstance(value, Mapping):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def pool_of(arn: str) -> tuple[str, str]:
    """``arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID`` -> (region, pool id)."""
    fields = arn.split(":", 5)
    if len(fields) != 6 or fields[2] != "cognito-idp" or not fields[5].startswith("userpool/"):
        raise SpecError(f"providerARNs: {arn!r} is not a Cognito user pool ARN")
    return fields[3], fields[5][len("userpool/"):]


class CognitoAuthorizer:
    """One REST Cognito user pool authorizer."""

    def __init__(self, config: AuthorizerConfig, api: ApiModel, context: PolicyContext,
                 resolver: JwksResolver) -> None:
        self.name = config.name
        self.config = config
        self._api = api
        self._context = context
        self._resolver = resolver
        self._pools: dict[str, tuple[str, str]] = {}
        for arn in config.provider_arns:
            region, pool_id = pool_of(arn)
            self._pools[f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"] = (region,
                                                                                   pool_id)
        self._clients: dict[str, frozenset[str]] = {}
        self._lock = threading.Lock()
        #: Tokens that passed every token-level check (not the per-method ones).
        self.cache: TtlCache[dict[str, Any]] = TtlCache(VERIFIED_TTL_S, context.clock)

    def authorize(self, request: HttpRequest, match: RouteMatch, scopes: tuple[str, ...],
                  state: RequestState) -> None:
        try:
            claims = self._verified(presented_token(self.config, request, match, self._api,
                                                    state.request_id), scopes)
        except TokenRejected as exc:
            message = rejections.EXPIRED_TOKEN if exc.expired else rejections.UNAUTHORIZED
            raise self._unauthorized(match, state, str(exc), message) from None
        state.authorizer = {"claims": {str(k): rest_claim(str(k), v) for k, v in claims.items()}}

    def _verified(self, token: str, scopes: tuple[str, ...]) -> dict[str, Any]:
        claims = self._token_claims(token)
        use = claims.get("token_use")
        if scopes:
            if use != "access":
                raise TokenRejected("the method has OAuth scopes, so it takes an access token")
            if not set(scopes) & set(token_scopes(claims)):
                raise TokenRejected(f"the token has none of the method's scopes {list(scopes)}")
        elif use != "id":
            raise TokenRejected("the method has no OAuth scopes, so it takes an ID token")
        return claims

    def _token_claims(self, token: str) -> dict[str, Any]:
        """Checks that do not depend on the method: pool, signature, times, app client."""
        cached = remembered_claims(self.cache, token, self._context.clock)
        if cached is not None:
            return cached
        issuer = unverified_claims(token).get("iss")
        pool = self._pools.get(issuer) if isinstance(issuer, str) else None
        if pool is None or not isinstance(issuer, str):
            raise TokenRejected("iss is not one of the authorizer's user pools")
        try:
            keys = self._resolver.keys(issuer)
        except KeysUnavailable as exc:
            raise TokenRejected(f"the pool's keys are unavailable: {exc}") from None
        claims = verify_token(token, keys, now=self._context.clock())
        use = claims.get("token_use")
        if use not in ("id", "access"):
            raise TokenRejected("token_use is neither id nor access")
        client = claims.get("aud" if use == "id" else "client_id")
        if not isinstance(client, str) or not self._is_client(pool, client):
            raise TokenRejected("the token's app client is not a client of the user pool")
        self.cache.put((token,), claims)
        return claims

    def _is_client(self, pool: tuple[str, str], client_id: str) -> bool:
        region, pool_id = pool
        aws = self._context.aws
        if aws is None or region != self._context.settings.region:
            # Not a pool of the in-process moto: the signature and issuer are all we can check.
            return True
        with self._lock:
            known = self._clients.get(pool_id)
        if known is not None and client_id in known:
            return True
        try:
            cognito = aws.client("cognito-idp")
            ids: set[str] = set()
            for page in cognito.get_paginator("list_user_pool_clients").paginate(
                    UserPoolId=pool_id, MaxResults=60):
                ids.update(str(item["ClientId"]) for item in page.get("UserPoolClients", []))
        except (ClientError, BotoCoreError) as exc:
            logger.warning("authorizer %s: cannot list the clients of %s: %s", self.name,
                           pool_id, exc)
            return False
        with self._lock:
            self._clients[pool_id] = frozenset(ids)
        return client_id in ids

    def _unauthorized(self, match: RouteMatch, state: RequestState, reason: str,
                      message: str = rejections.UNAUTHORIZED) -> GatewayError:
        return rejected(rejections.unauthorized("REST", message), authorizer=self.name,
                        match=match, state=state, reason=reason)
