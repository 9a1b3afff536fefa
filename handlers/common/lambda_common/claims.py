"""The caller's identity behind a Cognito user-pool authorizer (REST API).

API Gateway verifies the ID token and passes its claims as
``requestContext.authorizer.claims``, every value a string
(https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-integrate-with-cognito.html).
``sub`` is the user's stable id (emails can change), so data is owned by ``sub``. A request
that reaches a function without claims (a misconfigured route, a direct invocation) is
refused, never served as someone.
"""

from __future__ import annotations

from typing import Any

from .http import Event, Unauthorized


def cognito_claims(event: Event) -> dict[str, Any]:
    authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
    claims = authorizer.get("claims")
    if not isinstance(claims, dict) or not claims.get("sub"):
        raise Unauthorized("Unauthorized")
    return claims


def cognito_subject(event: Event) -> str:
    """The ``sub`` claim of the verified token."""
    return str(cognito_claims(event)["sub"])
