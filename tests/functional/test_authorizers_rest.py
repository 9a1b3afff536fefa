"""REST API Lambda authorizers (TOKEN and REQUEST) end to end, from the SAM template's Auth."""

from __future__ import annotations

import json
import logging

import pytest

from emulator.http import HttpRequest
from emulator.policy.authorizers import AuthorizerStep
from emulator.policy.pipeline import RequestState
from emulator.routing import Router
from emulator.testing import ApiClient, TestEmulator
from tests.apps.auth.support import MovableClock, auth_fixtures, authorizer_view, invocations

AUTH = "AuthorizerFunction"
HANDLER = "ProtectedFunction"


clock, app, _fresh, rest = auth_fixtures("AuthApi")


def _bearer(case: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {case}"}


def _method_arn(app: TestEmulator, method: str, path: str) -> str:
    api_id = app.gateways["AuthApi"].api.config.api_id
    return f"arn:aws:execute-api:us-east-1:123456789012:{api_id}/dev/{method}/{path}"


def test_token_authorizer_gets_the_token_event_and_its_context_reaches_the_handler(
        app: TestEmulator, rest: ApiClient) -> None:
    view = authorizer_view(rest.get("/token", headers=_bearer("allow-all")))
    assert json.loads(view["event"]) == {"type": "TOKEN",
                                         "authorizationToken": "Bearer allow-all",
                                         "methodArn": _method_arn(app, "GET", "token")}
    assert view["principalId"] == "user-1"
    assert view["case"] == "allow-all"
    assert isinstance(view["integrationLatency"], int)


def test_missing_or_empty_token_header_is_401_without_calling_the_authorizer(
        app: TestEmulator, rest: ApiClient) -> None:
    before = (invocations(app, AUTH), invocations(app, HANDLER))
    for headers in ({}, {"Authorization": ""}):
        response = rest.get("/token", headers=headers)
        assert response.status_code == 401
        assert response.get_json() == {"message": "Unauthorized"}
        assert response.headers["x-amzn-ErrorType"] == "UnauthorizedException"
    assert (invocations(app, AUTH), invocations(app, HANDLER)) == before


def test_token_failing_the_validation_expression_is_401_without_calling_the_authorizer(
        app: TestEmulator, rest: ApiClient) -> None:
    before = invocations(app, AUTH)
    for value in ("Bearer ALLOW-ALL", "Token allow-all", "Bearer allow-all extra"):
        assert rest.get("/token", headers={"Authorization": value}).status_code == 401
    assert invocations(app, AUTH) == before


def test_authorizer_raising_unauthorized_is_401(rest: ApiClient) -> None:
    response = rest.get("/token", headers=_bearer("unauthorized"))
    assert response.status_code == 401
    assert response.get_json() == {"message": "Unauthorized"}


def test_authorizer_raising_any_other_error_is_500_with_a_null_message(
        app: TestEmulator, rest: ApiClient) -> None:
    before = invocations(app, HANDLER)
    response = rest.get("/token", headers=_bearer("crash"))
    assert response.status_code == 500
    assert response.get_data(as_text=True) == '{"message":null}'
    assert response.headers["x-amzn-ErrorType"] == "AuthorizerConfigurationException"
    assert invocations(app, HANDLER) == before


@pytest.mark.parametrize("case", ["no-policy", "bad-context"])
def test_unreadable_authorizer_answer_is_500_authorizer_configuration_error(
        rest: ApiClient, case: str) -> None:
    response = rest.get("/token", headers=_bearer(case))
    assert response.status_code == 500
    assert response.get_json() == {"message": None}
    assert response.headers["x-amzn-ErrorType"] == "AuthorizerConfigurationException"


def test_explicit_deny_is_403_with_the_capital_m_message(rest: ApiClient) -> None:
    response = rest.get("/token", headers=_bearer("deny"))
    assert response.status_code == 403
    assert response.get_json() == {
        "Message": "User is not authorized to access this resource with an explicit deny"}
    assert response.headers["x-amzn-ErrorType"] == "AccessDeniedException"


def test_policy_without_an_allow_for_the_method_is_403(rest: ApiClient) -> None:
    response = rest.get("/token", headers=_bearer("allow-other-api"))
    assert response.status_code == 403
    assert response.get_json() == {"Message": "User is not authorized to access this resource"}


def test_cached_policy_is_evaluated_against_each_methods_arn(
        app: TestEmulator, rest: ApiClient) -> None:
    before = invocations(app, AUTH)
    assert rest.get("/token", headers=_bearer("allow-get")).status_code == 200
    assert rest.get("/pets/7", headers=_bearer("allow-get")).status_code == 200
    denied = rest.post("/token", headers=_bearer("allow-get"))
    assert denied.status_code == 403
    assert invocations(app, AUTH) == before + 1


def test_question_mark_wildcard_matches_exactly_one_character(rest: ApiClient) -> None:
    headers = _bearer("allow-pets-two-chars")
    assert rest.get("/pets/12", headers=headers).status_code == 200
    assert rest.get("/pets/1", headers=headers).status_code == 403
    assert rest.get("/pets/123", headers=headers).status_code == 403


def test_explicit_deny_wins_over_a_wildcard_allow(rest: ApiClient) -> None:
    headers = _bearer("allow-and-deny")
    assert rest.get("/pets/1", headers=headers).status_code == 200
    for response in (rest.get("/token", headers=headers), rest.post("/token", headers=headers)):
        assert response.status_code == 403
        assert "explicit deny" in response.get_json()["Message"]


def test_context_values_reach_the_handler_stringified(rest: ApiClient) -> None:
    view = authorizer_view(rest.get("/token", headers=_bearer("typed-context")))
    assert {key: view[key] for key in ("str", "num", "float", "yes", "no", "none")} == {
        "str": "v", "num": "1", "float": "2.5", "yes": "true", "no": "false", "none": None}
    assert view["principalId"] == "user-1"


def test_result_is_cached_for_the_ttl_and_refetched_after_it(
        app: TestEmulator, rest: ApiClient, clock: MovableClock) -> None:
    headers = _bearer("allow-exact")
    before = invocations(app, AUTH)
    assert rest.get("/token", headers=headers).status_code == 200
    cached = rest.get("/token", headers=headers)
    assert authorizer_view(cached)["integrationLatency"] == 0
    # The cached policy names GET /token only: the same token is denied elsewhere, uncalled.
    assert rest.get("/pets/1", headers=headers).status_code == 403
    assert invocations(app, AUTH) == before + 1
    clock.advance(59)
    assert rest.get("/token", headers=headers).status_code == 200
    assert invocations(app, AUTH) == before + 1
    clock.advance(2)
    assert rest.get("/token", headers=headers).status_code == 200
    assert invocations(app, AUTH) == before + 2


def test_ttl_zero_calls_the_authorizer_on_every_request(app: TestEmulator, rest: ApiClient) -> None:
    before = invocations(app, AUTH)
    for _ in range(3):
        assert rest.get("/uncached", headers={"X-Token": "allow-all"}).status_code == 200
    assert invocations(app, AUTH) == before + 3


def test_request_authorizer_gets_the_request_event(app: TestEmulator, rest: ApiClient) -> None:
    response = rest.get("/request/42", query="tenant=acme&x=1",
                        headers={"X-Token": "allow-all", "User-Agent": "ua"})
    event = json.loads(authorizer_view(response)["event"])
    assert event["type"] == "REQUEST"
    assert event["methodArn"] == _method_arn(app, "GET", "request/42")
    assert event["resource"] == "/request/{id}"
    assert event["path"] == "/request/42"
    assert event["httpMethod"] == "GET"
    assert event["headers"]["X-Token"] == "allow-all"
    assert event["multiValueHeaders"]["X-Token"] == ["allow-all"]
    assert event["queryStringParameters"] == {"tenant": "acme", "x": "1"}
    assert event["multiValueQueryStringParameters"] == {"tenant": ["acme"], "x": ["1"]}
    assert event["pathParameters"] == {"id": "42"}
    assert event["stageVariables"] == {"tier": "gold"}
    assert event["requestContext"]["resourcePath"] == "/request/{id}"
    assert event["requestContext"]["identity"]["userAgent"] == "ua"
    assert "body" not in event and "authorizer" not in event["requestContext"]


def test_request_authorizer_needs_every_identity_source_and_caches_on_all_of_them(
        app: TestEmulator, rest: ApiClient) -> None:
    before = invocations(app, AUTH)
    assert rest.get("/request/1", headers={"X-Token": "allow-all"}).status_code == 401
    assert rest.get("/request/1", query="tenant=", headers={"X-Token": "allow-all"}
                    ).status_code == 401
    assert invocations(app, AUTH) == before
    for tenant in ("acme", "acme", "globex"):
        assert rest.get("/request/1", query=f"tenant={tenant}",
                        headers={"X-Token": "allow-all"}).status_code == 200
    assert invocations(app, AUTH) == before + 2


def test_usage_identifier_key_is_handed_to_the_api_key_step(app: TestEmulator) -> None:
    gateway = app.gateways["AuthApi"]
    step = next(s for s in gateway.policy if isinstance(s, AuthorizerStep))
    match = Router(gateway.api).match("GET", "/token")
    assert match is not None
    request = HttpRequest("GET", "/token", "", (("Authorization", "Bearer usage-key-123"),),
                          b"", "127.0.0.1", "localhost")
    state = RequestState(request_id="r-1")
    step.check(request, match, state)
    assert state.usage_identifier_key == "key-123"
    assert state.authorizer is not None and state.authorizer["principalId"] == "user-1"


def test_route_with_authorizer_none_is_open(rest: ApiClient) -> None:
    response = rest.get("/public")
    assert response.status_code == 200
    assert "authorizer" not in response.get_json()["event"]["requestContext"]


def test_cors_preflight_is_open_when_default_authorizer_is_not_added_to_it(
        rest: ApiClient) -> None:
    response = rest.options("/token", headers={"Origin": "https://app.example.com",
                                               "Access-Control-Request-Method": "GET"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_cors_preflight_is_protected_when_default_authorizer_is_added_to_it(
        app: TestEmulator) -> None:
    api = app.client("PreflightApi")
    assert api.options("/guarded").status_code == 401
    assert api.options("/guarded", headers=_bearer("allow-all")).status_code == 200


def test_rejections_are_logged_with_a_reason_and_never_the_token(
        rest: ApiClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="emulator.policy.authorizers")
    rest.get("/token", headers={"Authorization": "Bearer SECRET-VALUE-1"})
    rest.get("/token", headers=_bearer("deny"))
    text = caplog.text
    assert "identityValidationExpression" in text
    assert "explicit Deny" in text
    assert "SECRET-VALUE-1" not in text
