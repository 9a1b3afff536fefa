"""HTTP API JWT authorizers, and the token verification the Cognito authorizer shares.

Copies https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html:

1. The identity source holds the token, alone or prefixed with ``Bearer``.
2. The token is decoded; only RSA algorithms are supported; the header's ``kid`` must name a
   key of the issuer's JWKS (:mod:`.jwks`) and the signature must verify.
3. Claims: ``iss`` equals the configured issuer; ``aud`` - or ``client_id`` when there is no
   ``aud`` - is one of the configured audiences; ``exp`` is after now; ``nbf`` and ``iat``
   before now (allowing :data:`CLOCK_SKEW_S`, an emulator choice so a token minted in the
   same second as a fake clock's reading is not "from the future"); with route
   ``authorizationScopes``, ``scope`` or ``scp`` holds at least one of them.

Any failure of 1-3 except the scopes is 401 ``{"message":"Unauthorized"}``; missing scopes
are 403 ``{"message":"Forbidden"}`` (the measured split, floci-io/floci#2011). The claims
reach the integration stringified - numbers as decimal strings, booleans ``true``/``false``,
arrays as ``[a b]`` (aws-lambda-go#317 and the capture in DefinitelyTyped#75458; the
bracket form in aws-solutions-library-samples guidance#803) - under
``requestContext.authorizer.jwt.{claims,scopes}`` (payload 2.0) or
``requestContext.authorizer.{claims,scopes}`` (payload 1.0); ``scopes`` is ``null`` when the
route asks for none.

A token that passed every check is remembered for :data:`VERIFIED_TTL_S` so its signature is
not verified again; its ``exp`` / ``nbf`` / ``iat`` are still checked on every request
against the injected clock, so an expired token is refused whether it was seen before or not.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

import jwt
from jwt import PyJWKSet

from emulator.errors import EmulatorError, GatewayError
from emulator.events import payload_format_version
from emulator.http import HttpRequest
from emulator.policy.authorizers import rejections
from emulator.policy.authorizers.base import rejected
from emulator.policy.authorizers.cache import TtlCache
from emulator.policy.authorizers.config import AuthorizerConfig
from emulator.policy.authorizers.identity import identity_values
from emulator.policy.authorizers.jwks import JwksResolver, KeysUnavailable
from emulator.policy.pipeline import PolicyContext, RequestState
from emulator.routing import RouteMatch
from emulator.spec import ApiModel

logger = logging.getLogger(__name__)

RSA_ALGORITHMS = ("RS256", "RS384", "RS512")
CLOCK_SKEW_S = 5.0
#: How long a token that passed every token-level check skips the signature check (its
#: times are still checked on every request). 300 s is the REST Cognito authorizer's
#: default result TTL; a JWT authorizer's decision does not depend on anything else.
VERIFIED_TTL_S = 300


class TokenRejected(EmulatorError):
    """A token that fails verification; ``str()`` is the reason (never the token)."""

    def __init__(self, reason: str, *, expired: bool = False) -> None:
        self.expired = expired
        super().__init__(reason)


def strip_bearer(value: str) -> str:
    """``"Bearer abc"`` -> ``"abc"``; a bare token is returned as it is."""
    if value[:7].lower() == "bearer ":
        return value[7:].strip()
    return value.strip()


def _segment(token: str, index: int) -> dict[str, Any]:
    parts = token.split(".")
    if len(parts) != 3:
        raise TokenRejected("not a readable JWT (it needs three segments)")
    text = parts[index]
    try:
        value = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, binascii.Error):
        raise TokenRejected("not a readable JWT (a segment is not base64url JSON)") from None
    if not isinstance(value, dict):
        raise TokenRejected("not a readable JWT (a segment is not a JSON object)")
    return value


def unverified_claims(token: str) -> dict[str, Any]:
    """The payload without any check (to pick the issuer); :class:`TokenRejected` if unreadable.

    Only used to choose keys; everything is verified afterwards by pyjwt.
    """
    return _segment(token, 1)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def check_times(claims: Mapping[str, Any], now: float) -> None:
    """``exp`` after now, ``nbf`` / ``iat`` not after now (plus the skew allowance)."""
    expires = _number(claims.get("exp"))
    if expires is None:
        raise TokenRejected("the token has no exp claim")
    if now >= expires:
        raise TokenRejected("the token has expired", expired=True)
    for name in ("nbf", "iat"):
        moment = _number(claims.get(name))
        if moment is not None and moment > now + CLOCK_SKEW_S:
            raise TokenRejected(f"the token's {name} is in the future")


def verify_token(token: str, keys: PyJWKSet, *, now: float) -> dict[str, Any]:
    """Check algorithm, ``kid``, signature, ``exp``, ``nbf``, ``iat``; return the claims."""
    header = _segment(token, 0)
    algorithm = header.get("alg")
    if algorithm not in RSA_ALGORITHMS:
        raise TokenRejected(f"signing algorithm {algorithm!r} is not an RSA algorithm")
    kid = header.get("kid")
    try:
        key = keys[str(kid)]
    except KeyError:
        raise TokenRejected(f"no key of the issuer has kid {kid!r}") from None
    try:
        claims = jwt.decode(token, key.key, algorithms=[str(algorithm)],
                            options={"verify_exp": False, "verify_nbf": False,
                                     "verify_iat": False, "verify_aud": False,
                                     "verify_iss": False})
    except jwt.InvalidSignatureError:
        raise TokenRejected("the signature does not verify") from None
    except jwt.PyJWTError as exc:
        raise TokenRejected(f"invalid token ({type(exc).__name__})") from None
    check_times(claims, now)
    return claims


def presented_token(config: AuthorizerConfig, request: HttpRequest, match: RouteMatch,
                    api: ApiModel, request_id: str) -> str:
    """The token in the authorizer's first identity source, without a ``Bearer`` prefix.

    :class:`TokenRejected` when an identity source is missing or empty.
    """
    values, missing = identity_values(config.identity_sources, request, match, api, request_id)
    if values is None:
        raise TokenRejected(f"identity source {missing} is missing or empty")
    return strip_bearer(values[0])


def remembered_claims(cache: TtlCache[dict[str, Any]], token: str,
                      clock: Callable[[], float]) -> dict[str, Any] | None:
    """The claims of a token that passed verification before, its times checked again now."""
    cached = cache.get((token,))
    if cached is not None:
        check_times(cached, clock())
    return cached


def token_scopes(claims: Mapping[str, Any]) -> list[str]:
    """The scopes a token carries (``scope`` space-separated, or ``scp``)."""
    for name in ("scope", "scp"):
        value = claims.get(name)
        if isinstance(value, str):
            return value.split()
        if isinstance(value, list):
            return [str(item) for item in value]
    return []


def http_claim(value: Any) -> str:
    """A claim value as an HTTP API integration receives it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return "[" + " ".join(http_claim(item) for item in value) + "]"
    if isinstance(value, Mapping):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


class JwtAuthorizer:
    """One HTTP API JWT authorizer."""

    def __init__(self, config: AuthorizerConfig, api: ApiModel, context: PolicyContext,
                 resolver: JwksResolver) -> None:
        assert config.issuer is not None
        self.name = config.name
        self.config = config
        self.issuer: str = config.issuer
        self._audience = frozenset(config.audience)
        self._api = api
        self._context = context
        self._resolver = resolver
        self.cache: TtlCache[dict[str, Any]] = TtlCache(VERIFIED_TTL_S, context.clock)

    def authorize(self, request: HttpRequest, match: RouteMatch, scopes: tuple[str, ...],
                  state: RequestState) -> None:
        try:
            claims = self._claims(presented_token(self.config, request, match, self._api,
                                                  state.request_id))
        except TokenRejected as exc:
            raise self._unauthorized(match, state, str(exc)) from None
        carried = token_scopes(claims)
        if scopes and not set(scopes) & set(carried):
            raise rejected(rejections.access_denied("HTTP", explicit=False),
                           authorizer=self.name, match=match, state=state,
                           reason=f"the token has none of the route's scopes {list(scopes)}")
        view = {"claims": {str(k): http_claim(v) for k, v in claims.items()},
                "scopes": carried if scopes else None}
        if payload_format_version(self._api, match) == "2.0":
            state.authorizer = {"jwt": view}
        else:
            state.authorizer = view

    def _claims(self, token: str) -> dict[str, Any]:
        cached = remembered_claims(self.cache, token, self._context.clock)
        if cached is not None:
            return cached
        try:
            keys = self._resolver.keys(self.issuer)
        except KeysUnavailable as exc:
            raise TokenRejected(f"the issuer's keys are unavailable: {exc}") from None
        claims = verify_token(token, keys, now=self._context.clock())
        if claims.get("iss") != self.issuer:
            raise TokenRejected("iss is not the authorizer's issuer")
        audience = claims.get("aud")
        if audience is not None:
            listed = [audience] if isinstance(audience, str) else audience
            if not isinstance(listed, list) or not self._audience & {str(a) for a in listed}:
                raise TokenRejected("aud is not one of the authorizer's audiences")
        elif "client_id" in claims:
            if str(claims["client_id"]) not in self._audience:
                raise TokenRejected("client_id is not one of the authorizer's audiences")
        else:
            raise TokenRejected("the token has neither aud nor client_id")
        self.cache.put((token,), claims)
        return claims

    def _unauthorized(self, match: RouteMatch, state: RequestState,
                      reason: str) -> GatewayError:
        return rejected(rejections.unauthorized("HTTP"), authorizer=self.name, match=match,
                        state=state, reason=reason)
