"""HTTP API authorizers: JWT (moto user pool and a remote JWKS) and Lambda (1.0, 2.0, simple)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from emulator.testing import ApiClient, TestEmulator
from tests.apps.auth.support import (
    JwksServer,
    MovableClock,
    auth_fixtures,
    authorizer_view,
    cognito_tokens,
    invocations,
    physical,
    tamper_payload,
    tamper_signature,
)

HANDLER = "ProtectedFunction"
SIMPLE = "SimpleAuthorizerFunction"
AUTH = "AuthorizerFunction"


@pytest.fixture(scope="module")
def issuer() -> Iterator[JwksServer]:
    with JwksServer() as server:
        yield server


clock, app, _fresh, http = auth_fixtures("AuthHttpApi", remote_issuer=True)


@pytest.fixture(scope="module")
def dana(app: TestEmulator) -> dict[str, str]:
    return cognito_tokens(app, "dana", groups=("staff", "ops"))


def _status(response: Any, status: int) -> None:
    expected = {401: "Unauthorized", 403: "Forbidden", 500: "Internal Server Error"}[status]
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.get_json() == {"message": expected}


def _route_arn(app: TestEmulator, path: str) -> str:
    api_id = app.gateways["AuthHttpApi"].api.config.api_id
    return f"arn:aws:execute-api:us-east-1:123456789012:{api_id}/$default/GET/{path}"


# -- JWT authorizer against the moto user pool ------------------------------------------------

def test_jwt_id_token_reaches_the_handler_with_stringified_claims(
        app: TestEmulator, http: ApiClient, dana: dict[str, str]) -> None:
    view = authorizer_view(http.get("/jwt", headers={"Authorization": f"Bearer {dana['id']}"}))
    assert set(view) == {"jwt"}
    claims = view["jwt"]["claims"]
    assert claims["cognito:username"] == "dana"
    assert claims["aud"] == physical(app, "UserPoolClient")
    groups = claims["cognito:groups"]
    assert groups[0] == "[" and groups[-1] == "]"
    assert sorted(groups[1:-1].split(" ")) == ["ops", "staff"]
    assert claims["exp"].isdigit()
    assert view["jwt"]["scopes"] is None


def test_jwt_access_token_is_matched_on_client_id(http: ApiClient, dana: dict[str, str]) -> None:
    view = authorizer_view(http.get("/jwt", headers={"Authorization": dana["access"]}))
    assert view["jwt"]["claims"]["token_use"] == "access"


def test_jwt_token_for_another_audience_is_401(app: TestEmulator, http: ApiClient) -> None:
    tokens = cognito_tokens(app, "erin", client="OtherClient")
    for token in tokens.values():
        _status(http.get("/jwt", headers={"Authorization": token}), 401)


def test_jwt_route_scopes_need_one_of_them_in_the_token(
        http: ApiClient, dana: dict[str, str]) -> None:
    view = authorizer_view(http.get("/jwt/scoped", headers={"Authorization": dana["access"]}))
    assert view["jwt"]["scopes"] == ["aws.cognito.signin.user.admin"]
    _status(http.get("/jwt/scoped", headers={"Authorization": dana["id"]}), 403)
    _status(http.get("/jwt/admin", headers={"Authorization": dana["access"]}), 403)


def test_jwt_claims_for_a_payload_1_0_integration_sit_at_the_top(
        http: ApiClient, dana: dict[str, str]) -> None:
    view = authorizer_view(http.get("/jwt/v1", headers={"Authorization": dana["id"]}))
    assert set(view) == {"claims", "scopes"}
    assert view["claims"]["cognito:username"] == "dana"


def test_jwt_expired_tampered_and_missing_tokens_are_401(
        app: TestEmulator, http: ApiClient, dana: dict[str, str], clock: MovableClock) -> None:
    before = invocations(app, HANDLER)
    for headers in ({}, {"Authorization": ""}, {"Authorization": "Bearer"},
                    {"Authorization": tamper_payload(dana["id"], aud="x")},
                    {"Authorization": tamper_signature(dana["access"])}):
        _status(http.get("/jwt", headers=headers), 401)
    assert http.get("/jwt", headers={"Authorization": dana["id"]}).status_code == 200
    before = invocations(app, HANDLER)
    clock.advance(3601)
    _status(http.get("/jwt", headers={"Authorization": dana["id"]}), 401)
    assert invocations(app, HANDLER) == before


# -- JWT authorizer with keys fetched over HTTP ---------------------------------------------

def test_remote_issuer_keys_are_fetched_once_and_verify_its_tokens(
        http: ApiClient, issuer: JwksServer) -> None:
    hits = issuer.hits
    token = issuer.sign(issuer.claims())
    for _ in range(3):
        view = authorizer_view(http.get("/remote", headers={"Authorization": f"Bearer {token}"}))
        assert view["jwt"]["claims"]["sub"] == "remote-user"
    assert issuer.hits == hits + 1


def test_remote_issuer_rejects_foreign_keys_wrong_audience_and_wrong_issuer(
        http: ApiClient, issuer: JwksServer) -> None:
    foreign = JwksServer()  # never started: only its key is used
    for token in (foreign.sign(issuer.claims(), kid="remote-1"),
                  issuer.sign(issuer.claims(), kid="unknown-kid"),
                  issuer.sign(issuer.claims(aud="someone-else")),
                  issuer.sign(issuer.claims(iss="https://evil.example.com"))):
        _status(http.get("/remote", headers={"Authorization": token}), 401)


def test_issuer_that_is_down_makes_its_tokens_401_until_it_is_back(
        http: ApiClient, issuer: JwksServer, clock: MovableClock) -> None:
    token = issuer.sign(issuer.claims())
    issuer.down = True
    try:
        _status(http.get("/remote", headers={"Authorization": token}), 401)
        hits = issuer.hits
        _status(http.get("/remote", headers={"Authorization": token}), 401)
        assert issuer.hits == hits  # the failure is remembered, not retried per request
    finally:
        issuer.down = False
    clock.advance(31)
    assert http.get("/remote", headers={"Authorization": token}).status_code == 200


# -- Lambda authorizers ---------------------------------------------------------------------

def test_simple_response_authorizer_gets_the_2_0_event_and_passes_its_context(
        app: TestEmulator, http: ApiClient) -> None:
    view = authorizer_view(http.get("/simple", query="q=1", headers={"X-Token": "let-me-in"}))
    assert set(view) == {"lambda"}
    assert view["lambda"]["roles"] == ["reader", "writer"] and view["lambda"]["level"] == 3
    event = json.loads(view["lambda"]["event"])
    assert event["version"] == "2.0" and event["type"] == "REQUEST"
    assert event["routeArn"] == _route_arn(app, "simple")
    assert event["identitySource"] == ["let-me-in"]
    assert event["routeKey"] == "GET /simple"
    assert event["rawPath"] == "/simple" and event["rawQueryString"] == "q=1"
    assert event["headers"]["x-token"] == "let-me-in"
    assert event["requestContext"]["http"]["method"] == "GET"
    assert "body" not in event and "isBase64Encoded" not in event


def test_simple_response_false_is_403_missing_identity_401_and_crash_500(
        app: TestEmulator, http: ApiClient) -> None:
    before = invocations(app, SIMPLE)
    _status(http.get("/simple", headers={"X-Token": "nope"}), 403)
    _status(http.get("/simple"), 401)
    _status(http.get("/simple", headers={"X-Token": "crash"}), 500)
    assert invocations(app, SIMPLE) == before + 2


def test_simple_answer_is_cached_across_routes_for_its_ttl(
        app: TestEmulator, http: ApiClient, clock: MovableClock) -> None:
    before = invocations(app, SIMPLE)
    headers = {"X-Token": "let-me-in"}
    assert http.get("/simple", headers=headers).status_code == 200
    view = authorizer_view(http.get("/simple/v1", headers=headers))
    assert view["integrationLatency"] == 0 and "principalId" not in view
    assert view["level"] == 3
    assert invocations(app, SIMPLE) == before + 1
    clock.advance(31)
    assert http.get("/simple", headers=headers).status_code == 200
    assert invocations(app, SIMPLE) == before + 2


def test_policy_authorizer_2_0_is_evaluated_against_the_route_arn(
        app: TestEmulator, http: ApiClient) -> None:
    view = authorizer_view(http.get("/policy/7", headers={"X-Token": "allow-exact"}))
    event = json.loads(view["lambda"]["event"])
    assert event["routeArn"] == _route_arn(app, "policy/7")
    _status(http.get("/policy/7", headers={"X-Token": "deny"}), 403)
    _status(http.get("/policy/7", headers={"X-Token": "allow-other-api"}), 403)
    _status(http.get("/policy/7", headers={"X-Token": "unauthorized"}), 401)
    _status(http.get("/policy/7", headers={"X-Token": "crash"}), 500)


def test_http_lambda_authorizers_do_not_cache_without_a_ttl(
        app: TestEmulator, http: ApiClient) -> None:
    before = invocations(app, AUTH)
    for _ in range(2):
        assert http.get("/policy/1", headers={"X-Token": "allow-all"}).status_code == 200
    assert invocations(app, AUTH) == before + 2


def test_payload_1_0_authorizer_gets_the_rest_compatible_event(
        app: TestEmulator, http: ApiClient) -> None:
    view = authorizer_view(http.get("/legacy", headers={"X-Token": "allow-all"}))
    event = json.loads(view["lambda"]["event"])
    assert event["version"] == "1.0" and event["type"] == "REQUEST"
    assert event["methodArn"] == _route_arn(app, "legacy")
    assert event["identitySource"] == event["authorizationToken"] == "allow-all"
    assert event["headers"]["x-token"] == "allow-all"
    assert event["resource"] == "/legacy" and event["httpMethod"] == "GET"
    assert "body" not in event


def test_route_with_authorizer_none_is_open(http: ApiClient) -> None:
    response = http.get("/open")
    assert response.status_code == 200
    assert "authorizer" not in response.get_json()["event"]["requestContext"]
