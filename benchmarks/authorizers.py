"""Median per-request cost of each authorizer kind, warm vs cold cache (500 in-process requests).

    python benchmarks/authorizers.py      (from the repository root)

Every figure is the median wall time of a whole in-process request (werkzeug test client ->
gateway -> authorizer -> handler) over 500 requests after 50 warm-up ones. "warm": the
authorizer's result cache (Lambda) or verified-token cache (JWT, Cognito) answers. "verify"
(JWT, Cognito): keys cached, the token is verified again. "cold": every cache of the
authorizer emptied before each request - a Lambda authorizer invokes its (warm) function, a
JWT / Cognito authorizer finds the key set again (moto pool lookup or HTTP GET of the JWKS)
and verifies. Authorizers with a TTL of 0 have no warm case.
"""

from __future__ import annotations

import logging
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from emulator.policy.authorizers import AuthorizerStep  # noqa: E402
from emulator.testing import ApiClient, TestEmulator  # noqa: E402
from tests.apps.auth.support import (  # noqa: E402
    JwksServer,
    MovableClock,
    auth_app,
    cognito_tokens,
    reset_authorizers,
)

REQUESTS = 500
WARM_UP = 50
Hook = Callable[[], None] | None


def _step(app: TestEmulator, api: str) -> AuthorizerStep:
    return next(s for s in app.gateways[api].policy if isinstance(s, AuthorizerStep))


def _median_ms(client: ApiClient, path: str, headers: dict[str, str], query: str | None,
               before: Hook = None) -> float:
    samples: list[float] = []
    for index in range(WARM_UP + REQUESTS):
        if before is not None:
            before()
        started = time.perf_counter()
        response = client.get(path, headers=headers, query=query)
        if index >= WARM_UP:
            samples.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.get_data(as_text=True))
    return statistics.median(samples) * 1000


def _emptier(step: AuthorizerStep, name: str, *, keys: bool) -> Callable[[], None]:
    def empty() -> None:
        authorizer: Any = step.authorizers[name]
        authorizer.cache.clear()
        if keys:
            step.resolver.clear()
            clients = getattr(authorizer, "_clients", None)
            if clients is not None:
                clients.clear()
    return empty


def main() -> None:
    logging.disable(logging.CRITICAL)
    with JwksServer() as issuer, auth_app(MovableClock(), RemoteIssuer=issuer.issuer) as app:
        rest, http = app.client("AuthApi"), app.client("AuthHttpApi")
        tokens = cognito_tokens(app, "bench")
        remote = issuer.sign(issuer.claims(exp=int(time.time()) + 3600))
        rs, hs = _step(app, "AuthApi"), _step(app, "AuthHttpApi")
        # (label, client, path, headers, query, authorizer to empty or None, has verify step)
        rows: list[tuple[str, ApiClient, str, dict[str, str], str | None,
                         tuple[AuthorizerStep, str] | None, bool]] = [
            ("REST no authorizer (baseline)", rest, "/public", {}, None, None, False),
            ("REST Lambda TOKEN (TTL 60)", rest, "/token",
             {"Authorization": "Bearer allow-all"}, None, (rs, "TokenAuth"), False),
            ("REST Lambda REQUEST (TTL 120)", rest, "/request/1", {"X-Token": "allow-all"},
             "tenant=a", (rs, "RequestAuth"), False),
            ("REST Cognito user pool", rest, "/cognito", {"Authorization": tokens["id"]},
             None, (rs, "CognitoAuth"), True),
            ("HTTP no authorizer (baseline)", http, "/open", {}, None, None, False),
            ("HTTP JWT, moto user pool", http, "/jwt", {"Authorization": tokens["id"]}, None,
             (hs, "JwtAuth"), True),
            ("HTTP JWT, JWKS over HTTP", http, "/remote", {"Authorization": remote}, None,
             (hs, "RemoteJwt"), True),
            ("HTTP Lambda 2.0 simple (TTL 30)", http, "/simple", {"X-Token": "let-me-in"},
             None, (hs, "SimpleAuth"), False),
            ("HTTP Lambda 2.0 policy (TTL 0)", http, "/policy/1", {"X-Token": "allow-all"},
             None, None, False),
            ("HTTP Lambda 1.0 policy (TTL 0)", http, "/legacy", {"X-Token": "allow-all"},
             None, None, False),
        ]
        print(f"{'authorizer':34} {'warm':>8} {'verify':>8} {'cold':>8}  (median ms)")
        for label, client, path, headers, query, target, verifies in rows:
            reset_authorizers(app)
            warm = _median_ms(client, path, headers, query)
            verify = cold = warm
            if target is not None:
                step, name = target
                if verifies:
                    verify = _median_ms(client, path, headers, query,
                                        _emptier(step, name, keys=False))
                cold = _median_ms(client, path, headers, query, _emptier(step, name, keys=True))
            shown = f"{verify:8.3f}" if verifies else f"{'-':>8}"
            print(f"{label:34} {warm:8.3f} {shown} {cold:8.3f}")


if __name__ == "__main__":
    main()
