"""Helpers the authorizer functional tests share: the app, a movable clock, tokens, a JWKS server.

Not collected by pytest (``tests/apps`` is excluded); imported by
``tests/functional/test_authorizers*.py``.
"""

from __future__ import annotations

import base64
import contextlib
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from moto.utilities.utils import load_resource

from emulator.config import Settings
from emulator.policy.authorizers import AuthorizerStep
from emulator.testing import ApiClient, TestEmulator, start_emulator

TEMPLATE = Path(__file__).resolve().parent / "template.yaml"
PASSWORD = "Corr3ct-Horse!"
MAGIC_TOKENS = frozenset({
    "allow-all", "allow-exact", "allow-get", "allow-pets-two-chars", "allow-other-api", "deny",
    "allow-and-deny", "unauthorized", "crash", "no-policy", "bad-context", "typed-context",
    "let-me-in"})


class MovableClock:
    """Wall-clock time plus an offset tests can move (tokens from moto use real time)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds

    def reset(self) -> None:
        self.offset = 0.0


@contextmanager
def auth_app(clock: MovableClock, **parameters: str) -> Iterator[TestEmulator]:
    settings = Settings(parameter_overrides=parameters) if parameters else None
    with start_emulator(TEMPLATE, clock=clock, settings=settings) as emulator:
        yield emulator


def reset_authorizers(emulator: TestEmulator) -> None:
    """Empty every authorizer cache and key cache (between tests that move the clock)."""
    for gateway in emulator.gateways.values():
        for step in gateway.policy:
            if isinstance(step, AuthorizerStep):
                step.resolver.clear()
                for authorizer in step.authorizers.values():
                    cache = getattr(authorizer, "cache", None)
                    if cache is not None:
                        cache.clear()


def auth_fixtures(api: str, *, remote_issuer: bool = False) -> tuple[Any, Any, Any, Any]:
    """The fixtures every authorizer test module starts with, to unpack at module level.

    ``clock, app, _fresh, client = auth_fixtures("AuthApi")``: a movable clock and the auth app
    started with it (once per module), an autouse fixture that empties the authorizer caches
    and resets the clock around each test, and the client of ``api``. With ``remote_issuer``
    the app's ``RemoteIssuer`` parameter is the URL of the module's ``issuer`` fixture
    (a :class:`JwksServer`).
    """

    @pytest.fixture(scope="module")
    def clock() -> MovableClock:
        return MovableClock()

    @pytest.fixture(scope="module")
    def app(clock: MovableClock, request: pytest.FixtureRequest) -> Iterator[TestEmulator]:
        parameters = ({"RemoteIssuer": request.getfixturevalue("issuer").issuer}
                      if remote_issuer else {})
        with auth_app(clock, **parameters) as emulator:
            yield emulator

    @pytest.fixture(autouse=True)
    def fresh(app: TestEmulator, clock: MovableClock) -> Iterator[None]:
        reset_authorizers(app)
        clock.reset()
        yield
        clock.reset()

    @pytest.fixture(scope="module")
    def client(app: TestEmulator) -> ApiClient:
        return app.client(api)

    return clock, app, fresh, client


def authorizer_view(response: Any) -> dict[str, Any]:
    """``requestContext.authorizer`` of the event the echo handler answered with (a 200)."""
    assert response.status_code == 200, response.get_data(as_text=True)
    view: dict[str, Any] = response.get_json()["event"]["requestContext"]["authorizer"]
    return view


def invocations(emulator: TestEmulator, logical_id: str) -> int:
    return emulator.runtime.stats()[logical_id].invocations


def physical(emulator: TestEmulator, logical_id: str) -> str:
    return emulator.stack.resources[logical_id].physical_id


def cognito_tokens(emulator: TestEmulator, username: str, *, pool: str = "UserPool",
                   client: str = "UserPoolClient", groups: tuple[str, ...] = (),
                   client_id: str | None = None) -> dict[str, str]:
    """Real moto tokens: admin_create_user + admin_set_user_password + USER_PASSWORD_AUTH."""
    cognito = emulator.aws.client("cognito-idp")
    pool_id = physical(emulator, pool)
    existing = {user["Username"] for user in cognito.list_users(UserPoolId=pool_id)["Users"]}
    if username not in existing:
        cognito.admin_create_user(UserPoolId=pool_id, Username=username,
                                  TemporaryPassword="Temp-0rary!x")
        cognito.admin_set_user_password(UserPoolId=pool_id, Username=username,
                                        Password=PASSWORD, Permanent=True)
        for group in groups:
            with contextlib.suppress(cognito.exceptions.GroupExistsException):
                cognito.create_group(UserPoolId=pool_id, GroupName=group)
            cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=username,
                                            GroupName=group)
    result = cognito.initiate_auth(
        ClientId=client_id or physical(emulator, client), AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD})["AuthenticationResult"]
    return {"id": result["IdToken"], "access": result["AccessToken"]}


def issuer_of(emulator: TestEmulator, pool: str = "UserPool") -> str:
    region = emulator.settings.region
    return f"https://cognito-idp.{region}.amazonaws.com/{physical(emulator, pool)}"


_MOTO_KEY = jwt.PyJWK(load_resource("moto.cognitoidp", "resources/jwks-private.json"))


def moto_signed(claims: dict[str, Any], *, kid: str = "dummy") -> str:
    """A token signed with the key moto signs user pool tokens with (any claims we like)."""
    return jwt.encode(claims, _MOTO_KEY.key, algorithm="RS256", headers={"kid": kid})


def pool_claims(emulator: TestEmulator, *, token_use: str, lifetime_s: float = 3600,
                **extra: Any) -> dict[str, Any]:
    """Claims shaped like a Cognito token of ``UserPool`` / ``UserPoolClient``."""
    now = int(time.time())
    client = physical(emulator, "UserPoolClient")
    claims: dict[str, Any] = {"iss": issuer_of(emulator), "sub": "crafted-user",
                              "token_use": token_use, "iat": now, "auth_time": now,
                              "exp": now + int(lifetime_s), "jti": "crafted"}
    claims["client_id" if token_use == "access" else "aud"] = client
    claims.update(extra)
    return claims


def tamper_payload(token: str, **changes: Any) -> str:
    """The same header and signature around a payload with ``changes`` applied."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    encoded = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{encoded}.{signature}"


def tamper_signature(token: str) -> str:
    header, payload, signature = token.split(".")
    flipped = ("A" if signature[10] != "A" else "B")
    return f"{header}.{payload}.{signature[:10]}{flipped}{signature[11:]}"


def unsigned(claims: dict[str, Any]) -> str:
    """An ``alg: none`` token."""
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


class JwksServer:
    """An OIDC issuer on loopback: serves ``/.well-known/jwks.json`` and signs tokens."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        public.update(kid="remote-1", alg="RS256", use="sig")
        self.jwks = {"keys": [public]}
        self.hits = 0
        #: When set, the issuer answers 503 (an identity provider that is down).
        self.down = False
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                server.hits += 1
                found = self.path == "/issuer/.well-known/jwks.json"
                body = json.dumps(server.jwks).encode() if found else b"{}"
                self.send_response(503 if server.down else 200 if found else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self._httpd.server_address[1]}/issuer"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> JwksServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def sign(self, claims: dict[str, Any], *, kid: str = "remote-1") -> str:
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": kid})

    def claims(self, **extra: Any) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {"iss": self.issuer, "sub": "remote-user",
                                  "aud": "remote-audience", "iat": now, "exp": now + 600}
        claims.update(extra)
        return claims
