"""Property: no request without a valid identity ever reaches a protected handler.

Hypothesis sends arbitrary Authorization / X-Token values, random JWT-shaped strings, tokens
signed by a stranger's key, ``alg: none`` and HS256-with-the-public-key tokens, and tokens
validly signed with moto's own pool key but carrying one defect (expired, wrong issuer, wrong
audience, not yet valid, issued in the future, no expiry) to every protected route of the app
(REST TOKEN / REQUEST / Cognito, HTTP JWT / simple / policy / 1.0) - and checks that the
protected function's invocation counter never moves.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from moto.utilities.utils import load_resource

from emulator.testing import TestEmulator
from tests.apps.auth.support import (
    MAGIC_TOKENS,
    MovableClock,
    auth_app,
    invocations,
    moto_signed,
    physical,
    pool_claims,
)

HANDLER = "ProtectedFunction"
REST_ROUTES = ("/token", "/uncached", "/request/1?tenant=acme", "/cognito", "/cognito/scoped")
HTTP_ROUTES = ("/jwt", "/jwt/scoped", "/simple", "/policy/1", "/legacy", "/remote")
_STRANGER = rsa.generate_private_key(public_exponent=65537, key_size=2048)
#: The HS256 confusion attack signs with the verifier's *public* key as the HMAC secret.
_MOTO_PUBLIC_PEM = jwt.PyJWK(load_resource("moto.cognitoidp", "resources/jwks-public.json")[
    "keys"][0]).key.public_bytes(serialization.Encoding.PEM,
                                 serialization.PublicFormat.SubjectPublicKeyInfo)


@pytest.fixture(scope="module")
def app() -> Iterator[TestEmulator]:
    with auth_app(MovableClock()) as emulator:
        yield emulator


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=120)
jwt_shaped = st.builds(lambda a, b, c: f"{_b64(a)}.{_b64(b)}.{_b64(c)}",
                       st.binary(max_size=60), st.binary(max_size=200), st.binary(max_size=80))
#: (API, path, token_use, scope) of every JWT / Cognito route, with a token shape it accepts.
ROUTE_SHAPES = (
    ("AuthApi", "/cognito", "id", ""),
    ("AuthApi", "/cognito/scoped", "access", "aws.cognito.signin.user.admin"),
    ("AuthApi", "/cognito/orders", "access", "openid orders/read"),
    ("AuthHttpApi", "/jwt", "id", ""),
    ("AuthHttpApi", "/jwt", "access", ""),
    ("AuthHttpApi", "/jwt/scoped", "access", "aws.cognito.signin.user.admin"),
    ("AuthHttpApi", "/jwt/admin", "access", "admin/write profile"),
)
DEFECTS = ("expired", "issuer", "audience", "not_before", "future_iat", "no_exp", "scope",
           "token_use", "signature", "kid")
#: Claims a token may carry without changing the decision.
extra_claims = st.dictionaries(
    st.text(st.characters(min_codepoint=0x61, max_codepoint=0x7A), min_size=1, max_size=8)
    .filter(lambda name: name not in {"iss", "aud", "exp", "nbf", "iat", "scope", "scp",
                                      "token_use", "client_id", "sub"}),
    st.one_of(st.text(max_size=20), st.integers(), st.booleans(),
              st.lists(st.text(max_size=5), max_size=3)), max_size=4)


def _shaped_claims(app: TestEmulator, token_use: str, scope: str,
                   extra: dict[str, Any]) -> dict[str, Any]:
    claims = pool_claims(app, token_use=token_use, **({"scope": scope} if scope else {}))
    return {**extra, **claims}


def _with_defect(app: TestEmulator, claims: dict[str, Any], defect: str, path: str) -> str:
    now = int(time.time())
    claims = dict(claims)
    token_use = claims["token_use"]
    if defect == "expired":
        claims["exp"] = now - 1
    elif defect == "issuer":
        claims["iss"] = (f"https://cognito-idp.us-east-1.amazonaws.com/"
                         f"{physical(app, 'OtherPool')}")
    elif defect == "audience":
        claims["aud" if token_use == "id" else "client_id"] = "intruder"
    elif defect == "not_before":
        claims["nbf"] = now + 600
    elif defect == "future_iat":
        claims["iat"] = now + 600
    elif defect == "no_exp":
        del claims["exp"]
    elif defect == "scope":
        claims["scope"] = "unrelated/scope"
        if path in ("/cognito", "/jwt"):  # routes without scopes: break the audience instead
            claims["aud" if token_use == "id" else "client_id"] = "intruder"
    elif defect == "token_use":
        claims["token_use"] = "access" if token_use == "id" else "id"
        if path.startswith("/jwt"):  # HTTP APIs ignore token_use: break the issuer instead
            claims["iss"] = "https://issuer.example.com"
    if defect == "kid":
        return moto_signed(claims, kid="rotated-away")
    token = moto_signed(claims)
    if defect == "signature":
        header, payload, signature = token.split(".")
        return f"{header}.{payload}.{signature[::-1]}"
    return token


@st.composite
def forged_tokens(draw: st.DrawFn, app: TestEmulator) -> str:
    kind = draw(st.sampled_from(["stranger", "none", "hs256", "moto_defect"]))
    token_use = draw(st.sampled_from(["id", "access"]))
    scope = draw(st.sampled_from(["aws.cognito.signin.user.admin", "orders/read", ""]))
    if kind == "moto_defect":
        # Only defects that no route forgives (a scope or token_use defect is route-specific).
        defect = draw(st.sampled_from([d for d in DEFECTS if d not in ("scope", "token_use")]))
        return _with_defect(app, _shaped_claims(app, token_use, scope, {}), defect, "/jwt")
    claims = pool_claims(app, token_use=token_use, scope=scope)
    if kind == "stranger":
        return jwt.encode(claims, _STRANGER, algorithm="RS256", headers={"kid": "dummy"})
    if kind == "hs256":
        header = _b64(json.dumps({"alg": "HS256", "kid": "dummy"}).encode())
        payload = _b64(json.dumps(claims).encode())
        signature = hmac.new(_MOTO_PUBLIC_PEM, f"{header}.{payload}".encode(),
                             hashlib.sha256).digest()
        return f"{header}.{payload}.{_b64(signature)}"
    header = _b64(json.dumps({"alg": "none", "kid": "dummy"}).encode())
    return f"{header}.{_b64(json.dumps(claims).encode())}."


def _values(app: TestEmulator) -> st.SearchStrategy[str]:
    forged = forged_tokens(app)
    raw = st.one_of(header_text, jwt_shaped, forged, forged, forged)
    prefixed = raw.map(lambda value: f"Bearer {value}")
    return st.one_of(raw, prefixed)


@pytest.mark.parametrize("api,routes", [("AuthApi", REST_ROUTES), ("AuthHttpApi", HTTP_ROUTES)])
def test_no_request_without_a_valid_identity_reaches_a_protected_handler(
        app: TestEmulator, api: str, routes: tuple[str, ...]) -> None:
    client = app.client(api)

    @settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
    @given(value=_values(app), route=st.sampled_from(routes),
           header=st.sampled_from(["Authorization", "X-Token"]))
    def check(value: str, route: str, header: str) -> None:
        case = value.removeprefix("Bearer ").strip()
        assume(case not in MAGIC_TOKENS and not case.startswith("usage-"))
        before = invocations(app, HANDLER)
        path, _, query = route.partition("?")
        response = client.get(path, query=query or None, headers={header: value})
        assert response.status_code in (401, 403), (route, response.get_data(as_text=True))
        assert invocations(app, HANDLER) == before

    check()


@pytest.mark.parametrize("api,path,token_use,scope", ROUTE_SHAPES)
def test_the_defect_free_tokens_of_each_shape_are_accepted(
        app: TestEmulator, api: str, path: str, token_use: str, scope: str) -> None:
    token = moto_signed(_shaped_claims(app, token_use, scope, {"x": [1, "a"]}))
    response = app.client(api).get(path, headers={"Authorization": token})
    assert response.status_code == 200, response.get_data(as_text=True)


@pytest.mark.parametrize("defect", DEFECTS)
def test_otherwise_valid_tokens_with_one_defect_never_reach_a_protected_handler(
        app: TestEmulator, defect: str) -> None:

    @settings(suppress_health_check=[HealthCheck.too_slow], deadline=None, max_examples=25)
    @given(shape=st.sampled_from(ROUTE_SHAPES), extra=extra_claims, bearer=st.booleans())
    def check(shape: tuple[str, str, str, str], extra: dict[str, Any], bearer: bool) -> None:
        api, path, token_use, scope = shape
        token = _with_defect(app, _shaped_claims(app, token_use, scope, extra), defect, path)
        before = invocations(app, HANDLER)
        response = app.client(api).get(
            path, headers={"Authorization": f"Bearer {token}" if bearer else token})
        assert response.status_code in (401, 403), (shape, response.get_data(as_text=True))
        assert invocations(app, HANDLER) == before

    check()
