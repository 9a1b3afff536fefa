"""JWT access, refresh and single-purpose tokens (HS256 with a key from Secrets Manager).

RFC 7519 tokens through PyJWT (https://pyjwt.readthedocs.io/en/stable/usage.html). Every
token carries ``typ`` (access | refresh | verify | reset) so one kind can never stand in for
another, a ``jti`` (revocation, rotation), ``iat`` and ``exp``. Refresh tokens also carry
``fam``, the rotation family: reusing a rotated refresh token revokes the whole family
(https://datatracker.ietf.org/doc/html/draft-ietf-oauth-security-topics#section-4.14.2).

The key comes from ``JWT_SECRET_ARN`` (a Secrets Manager secret the template generates) or,
for tools and tests, ``JWT_SECRET``; it is read once per execution environment.
"""

from __future__ import annotations

import functools
import os
import time
import uuid
from dataclasses import dataclass
from typing import Any

import jwt

ALGORITHM = "HS256"
ISSUER = "gabi-yoga"
ACCESS_TTL_S = 15 * 60
REFRESH_TTL_S = 14 * 24 * 3600
PURPOSE_TTL_S = {"verify": 7 * 24 * 3600, "reset": 30 * 60}


class InvalidToken(Exception):
    """A token that is malformed, forged, expired or of the wrong kind."""


@dataclass(frozen=True)
class IssuedToken:
    token: str
    jti: str
    expires_at: int


@functools.lru_cache(maxsize=1)
def signing_key() -> str:
    """The HS256 key of this deployment (cached for the environment's lifetime)."""
    arn = os.environ.get("JWT_SECRET_ARN")
    if arn:
        import boto3  # only functions that sign or verify pay for the client

        secret = boto3.client("secretsmanager").get_secret_value(SecretId=arn)
        return str(secret["SecretString"])
    value = os.environ.get("JWT_SECRET")
    if not value:
        raise RuntimeError("neither JWT_SECRET_ARN nor JWT_SECRET is configured")
    return value


def issue(kind: str, subject: str, key: str, *, ttl_s: int, now: float | None = None,
          claims: dict[str, Any] | None = None, jti: str | None = None) -> IssuedToken:
    """Sign a token of ``kind`` for ``subject`` valid for ``ttl_s`` seconds from ``now``."""
    issued_at = int(time.time() if now is None else now)
    token_id = jti or uuid.uuid4().hex
    payload: dict[str, Any] = {**(claims or {}), "sub": subject, "typ": kind, "jti": token_id,
                               "iss": ISSUER, "iat": issued_at, "exp": issued_at + ttl_s}
    return IssuedToken(jwt.encode(payload, key, algorithm=ALGORITHM), token_id,
                       issued_at + ttl_s)


def issue_access(user_id: str, role: str, key: str, *, now: float | None = None
                 ) -> IssuedToken:
    return issue("access", user_id, key, ttl_s=ACCESS_TTL_S, now=now, claims={"role": role})


def issue_refresh(user_id: str, role: str, family: str, key: str, *,
                  now: float | None = None) -> IssuedToken:
    return issue("refresh", user_id, key, ttl_s=REFRESH_TTL_S, now=now,
                 claims={"role": role, "fam": family})


def decode(token: str, key: str, kind: str, *, now: float | None = None) -> dict[str, Any]:
    """The claims of a valid token of ``kind``; InvalidToken otherwise."""
    options: dict[str, Any] = {"require": ["exp", "iat", "sub", "jti", "typ"]}
    try:
        if now is None:
            claims = jwt.decode(token, key, algorithms=[ALGORITHM], issuer=ISSUER,
                                options=options)
        else:
            # An injected clock (tests, tools): PyJWT only knows the wall clock, so the
            # time claims are checked here against ``now``.
            claims = jwt.decode(token, key, algorithms=[ALGORITHM], issuer=ISSUER,
                                options={**options, "verify_exp": False, "verify_iat": False,
                                         "verify_nbf": False})
            if int(claims["exp"]) <= int(now) or int(claims["iat"]) > int(now):
                raise InvalidToken("token expired or not yet valid")
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc
    if claims.get("typ") != kind:
        raise InvalidToken(f"expected a {kind} token")
    return dict(claims)


def bearer(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header value."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()
