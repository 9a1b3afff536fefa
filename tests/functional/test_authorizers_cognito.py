"""REST API Cognito user pool authorizers with real moto tokens (USER_PASSWORD_AUTH)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from emulator.testing import ApiClient, TestEmulator
from tests.apps.auth.support import (
    MovableClock,
    auth_fixtures,
    authorizer_view,
    cognito_tokens,
    invocations,
    moto_signed,
    physical,
    pool_claims,
    tamper_payload,
    tamper_signature,
    unsigned,
)

HANDLER = "ProtectedFunction"
JAVA_DATE = re.compile(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d UTC \d{4}")


clock, app, _fresh, rest = auth_fixtures("AuthApi")


@pytest.fixture(scope="module")
def alice(app: TestEmulator) -> dict[str, str]:
    return cognito_tokens(app, "alice", groups=("admins", "readers"))


def _claims(response: Any) -> dict[str, str]:
    authorizer = authorizer_view(response)
    assert set(authorizer) == {"claims"}
    claims: dict[str, str] = authorizer["claims"]
    return claims


def _unauthorized(response: Any, message: str = "Unauthorized") -> None:
    assert response.status_code == 401, response.get_data(as_text=True)
    assert response.get_json() == {"message": message}
    assert response.headers["x-amzn-ErrorType"] == "UnauthorizedException"


def test_id_token_reaches_the_handler_with_claims_as_rest_strings(
        app: TestEmulator, rest: ApiClient, alice: dict[str, str]) -> None:
    claims = _claims(rest.get("/cognito", headers={"Authorization": alice["id"]}))
    assert claims["cognito:username"] == "alice"
    assert claims["token_use"] == "id"
    assert claims["aud"] == physical(app, "UserPoolClient")
    assert sorted(claims["cognito:groups"].split(",")) == ["admins", "readers"]
    assert JAVA_DATE.fullmatch(claims["exp"]) and JAVA_DATE.fullmatch(claims["iat"])
    assert claims["auth_time"].isdigit()
    assert all(isinstance(value, str) for value in claims.values())


def test_bearer_prefix_is_accepted(rest: ApiClient, alice: dict[str, str]) -> None:
    assert rest.get("/cognito", headers={"Authorization": f"Bearer {alice['id']}"}
                    ).status_code == 200


def test_method_without_scopes_refuses_an_access_token(
        rest: ApiClient, alice: dict[str, str]) -> None:
    _unauthorized(rest.get("/cognito", headers={"Authorization": alice["access"]}))


def test_method_with_scopes_takes_an_access_token_holding_one_of_them(
        rest: ApiClient, alice: dict[str, str]) -> None:
    claims = _claims(rest.get("/cognito/scoped", headers={"Authorization": alice["access"]}))
    assert claims["scope"] == "aws.cognito.signin.user.admin"
    _unauthorized(rest.get("/cognito/scoped", headers={"Authorization": alice["id"]}))


def test_access_token_without_any_of_the_methods_scopes_is_401(
        app: TestEmulator, rest: ApiClient, alice: dict[str, str]) -> None:
    _unauthorized(rest.get("/cognito/orders", headers={"Authorization": alice["access"]}))
    crafted = moto_signed(pool_claims(app, token_use="access", scope="openid orders/write"))
    assert rest.get("/cognito/orders", headers={"Authorization": crafted}).status_code == 200


def test_missing_header_is_401_and_never_reaches_the_handler(
        app: TestEmulator, rest: ApiClient) -> None:
    before = invocations(app, HANDLER)
    _unauthorized(rest.get("/cognito"))
    _unauthorized(rest.get("/cognito", headers={"Authorization": ""}))
    assert invocations(app, HANDLER) == before


def test_expired_token_is_401_the_incoming_token_has_expired(
        rest: ApiClient, alice: dict[str, str], clock: MovableClock) -> None:
    assert rest.get("/cognito", headers={"Authorization": alice["id"]}).status_code == 200
    clock.advance(3601)  # the token was accepted (and remembered) before: expiry still counts
    _unauthorized(rest.get("/cognito", headers={"Authorization": alice["id"]}),
                  "The incoming token has expired")


def test_tampered_tokens_are_401(app: TestEmulator, rest: ApiClient,
                                 alice: dict[str, str]) -> None:
    token = alice["id"]
    forged = (tamper_payload(token, **{"cognito:username": "mallory"}),
              tamper_signature(token), unsigned(pool_claims(app, token_use="id")),
              moto_signed(pool_claims(app, token_use="id"), kid="another-key"),
              "not-a-jwt", token[:-20])
    for value in forged:
        _unauthorized(rest.get("/cognito", headers={"Authorization": value}))


def test_token_of_a_pool_the_authorizer_does_not_name_is_401(
        app: TestEmulator, rest: ApiClient) -> None:
    tokens = cognito_tokens(app, "bob", pool="OtherPool", client="OtherPoolClient")
    _unauthorized(rest.get("/cognito", headers={"Authorization": tokens["id"]}))


def test_token_for_an_audience_that_is_not_a_client_of_the_pool_is_401(
        app: TestEmulator, rest: ApiClient) -> None:
    crafted = moto_signed(pool_claims(app, token_use="id", aud="not-a-client-of-the-pool"))
    _unauthorized(rest.get("/cognito", headers={"Authorization": crafted}))


def test_app_client_created_after_start_up_is_recognised(
        app: TestEmulator, rest: ApiClient) -> None:
    cognito = app.aws.client("cognito-idp")
    client_id = cognito.create_user_pool_client(
        UserPoolId=physical(app, "UserPool"), ClientName="late",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
    tokens = cognito_tokens(app, "carol", client_id=client_id)
    claims = _claims(rest.get("/cognito", headers={"Authorization": tokens["id"]}))
    assert claims["aud"] == client_id
