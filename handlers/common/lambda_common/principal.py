"""Who is calling: the Lambda authorizer's context, or a bearer token checked here.

Behind API Gateway the JWT authorizer has already verified the token and put ``userId`` and
``role`` into ``requestContext.authorizer`` (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html).
When a function is invoked without it (a public route that personalises its answer, a direct
invocation), the bearer token is verified here with the same rules: signature, expiry, kind
and the revocation list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .aws import table
from .http import Event, Forbidden, Unauthorized, header
from .tokens import InvalidToken, bearer, decode, signing_key


@dataclass(frozen=True)
class Principal:
    user_id: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def is_revoked(jti: str) -> bool:
    """True when ``jti`` (an access token id or ``family#<id>``) is on the revocation list."""
    item = table("REVOCATIONS_TABLE").get_item(Key={"tokenId": jti}).get("Item")
    return item is not None


def verify_access_token(token: str) -> dict[str, Any]:
    """Claims of a valid, unrevoked access token; InvalidToken otherwise."""
    claims = decode(token, signing_key(), "access")
    if is_revoked(str(claims["jti"])):
        raise InvalidToken("token revoked")
    return claims


def optional_principal(event: Event) -> Principal | None:
    context = (event.get("requestContext") or {}).get("authorizer") or {}
    if context.get("userId"):
        return Principal(str(context["userId"]), str(context.get("role") or "member"))
    token = bearer(header(event, "Authorization"))
    if token is None:
        return None
    try:
        claims = verify_access_token(token)
    except InvalidToken as exc:
        raise Unauthorized("Unauthorized") from exc
    return Principal(str(claims["sub"]), str(claims.get("role") or "member"))


def principal(event: Event) -> Principal:
    found = optional_principal(event)
    if found is None:
        raise Unauthorized("Unauthorized")
    return found


def require_admin(event: Event) -> Principal:
    found = principal(event)
    if not found.is_admin:
        raise Forbidden("Admin role required")
    return found
