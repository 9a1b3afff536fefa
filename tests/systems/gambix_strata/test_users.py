"""Users: register -> confirm -> login through Cognito, and the profile."""

from __future__ import annotations

import uuid

import jwt
import pytest

from .conftest import ANA, Strata


def test_a_new_user_registers_confirms_and_signs_in_with_cognito_tokens(strata: Strata) -> None:
    api = strata.api
    email = f"New.User-{uuid.uuid4().hex[:8]}@Example.com"
    registered = api.post("/api/users/register", json={
        "email": email, "password": "correct horse battery", "name": "New User"})
    assert registered.status_code == 201
    body = registered.get_json()
    assert body["email"] == email.lower() and body["confirmed"] is False
    early = api.post("/api/users/login", json={"email": email,
                                               "password": "correct horse battery"})
    assert early.status_code == 403
    assert early.get_json() == {"message": "Account not confirmed"}
    assert api.post("/api/users/confirm", json={"email": email, "code": "123456"}
                    ).status_code == 200
    tokens = strata.login(email.lower(), "correct horse battery")
    claims = jwt.decode(tokens["idToken"], options={"verify_signature": False})
    assert claims["sub"] == body["userId"] and claims["token_use"] == "id"
    assert tokens["tokenType"] == "Bearer" and tokens["expiresIn"] > 0
    profile = api.get("/api/users/profile", headers={"Authorization": tokens["idToken"]})
    assert profile.status_code == 200
    assert profile.get_json()["userId"] == body["userId"]


def test_registering_an_existing_email_is_a_conflict(strata: Strata) -> None:
    response = strata.api.post("/api/users/register", json={
        "email": ANA[0], "password": "another-password", "name": "Ana Again"})
    assert response.status_code == 409


@pytest.mark.parametrize("credentials", [
    {"email": ANA[0], "password": "wrong-password"},
    {"email": "nobody@gambix.example", "password": "whatever-password"},
])
def test_wrong_credentials_are_one_401_that_does_not_say_which_part_was_wrong(
        strata: Strata, credentials: dict[str, str]) -> None:
    response = strata.api.post("/api/users/login", json=credentials)
    assert response.status_code == 401
    assert response.get_json() == {"message": "Incorrect email or password"}


@pytest.mark.parametrize("path, body, field", [
    ("/api/users/register", {"email": "not-an-email", "password": "long-enough", "name": "N"},
     "email"),
    ("/api/users/register", {"email": ".dot@example.com", "password": "long-enough",
                             "name": "N"}, "email"),
    ("/api/users/register", {"email": "a@b.co", "password": "short", "name": "N"}, "password"),
    ("/api/users/register", {"email": "a@b.co", "password": " padded-password", "name": "N"},
     "password"),
    ("/api/users/register", {"email": "a@b.co", "password": "long-enough", "name": " "},
     "name"),
    ("/api/users/register", {"email": "a@b.co", "password": "long-enough", "name": "N",
                             "admin": True}, "admin"),
    ("/api/users/confirm", {"email": "a@b.co", "code": "12345"}, "code"),
    ("/api/users/login", {"email": "a@b.co"}, "password"),
])
def test_invalid_user_input_is_a_400_naming_the_field(strata: Strata, path: str,
                                                      body: dict[str, object],
                                                      field: str) -> None:
    response = strata.api.post(path, json=body)
    assert response.status_code == 400
    assert field in response.get_json()["errors"]


def test_a_body_that_is_not_a_json_object_is_a_400(strata: Strata) -> None:
    for data in ("", "not json", "[1, 2]"):
        response = strata.api.post("/api/users/login", data=data,
                                   headers={"Content-Type": "application/json"})
        assert response.status_code == 400


def test_the_profile_needs_a_valid_token(strata: Strata) -> None:
    assert strata.api.get("/api/users/profile").status_code == 401
    assert strata.api.get("/api/users/profile",
                          headers={"Authorization": "not.a.token"}).status_code == 401
    access = strata.login(*ANA)["accessToken"]
    # A method without scopes takes ID tokens only, as API Gateway's Cognito authorizer does.
    assert strata.api.get("/api/users/profile",
                          headers={"Authorization": access}).status_code == 401


def test_a_profile_update_changes_only_the_callers_profile(strata: Strata) -> None:
    user = strata.new_user()
    updated = strata.api.put("/api/users/profile", headers=user, json={
        "name": "Renamed", "company": "Acme", "language": "fr", "notifyByEmail": False})
    assert updated.status_code == 200
    body = updated.get_json()
    assert (body["name"], body["company"], body["language"], body["notifyByEmail"]) == \
        ("Renamed", "Acme", "fr", False)
    assert strata.api.get("/api/users/profile", headers=user).get_json() == body
    other = strata.api.get("/api/users/profile", headers=strata.new_user()).get_json()
    assert other["language"] == "en" and other["company"] == ""


@pytest.mark.parametrize("body, field", [
    ({}, "body"), ({"language": "xx"}, "language"), ({"notifyByEmail": "yes"}, "notifyByEmail"),
    ({"company": "Acme "}, "company"), ({"email": "x@y.z"}, "email"),
    ({"notifyByEmail": None}, "notifyByEmail"),
])
def test_an_invalid_profile_update_is_a_400(strata: Strata, body: dict[str, object],
                                            field: str) -> None:
    response = strata.api.put("/api/users/profile", headers=strata.auth(), json=body)
    assert response.status_code == 400
    assert field in response.get_json()["errors"]
