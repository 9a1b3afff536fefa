"""Auth routes: register, login + lockout, refresh rotation, logout, forgot/reset, verify."""

from __future__ import annotations

import re

from .conftest import MEMBER_EMAIL, GabiYoga


def _token_in(message: object) -> str:
    match = re.search(r"token=([\w.\-]+)", str(getattr(message, "body", "")))
    assert match, "the email carries no token link"
    return match.group(1)


def test_register_creates_an_unverified_member_without_exposing_the_hash(gabi: GabiYoga) -> None:
    email, _, user = gabi.register()
    assert user["email"] == email and user["role"] == "member"
    assert user["emailVerified"] is False and "passwordHash" not in user
    stored = gabi.table("UsersTable").get_item(Key={"userId": user["userId"]})["Item"]
    assert stored["passwordHash"].startswith("$argon2id$")


def test_register_with_a_taken_email_is_a_conflict(gabi: GabiYoga) -> None:
    response = gabi.api.post("/auth/register", json={
        "email": MEMBER_EMAIL.upper(), "password": "another-password", "name": "Copy"})
    assert response.status_code == 409
    assert response.get_json()["errors"] == {"email": "already registered"}


def test_register_reports_every_invalid_field(gabi: GabiYoga) -> None:
    response = gabi.api.post("/auth/register", json={"email": "not-an-email", "password": "short"})
    assert response.status_code == 400
    assert set(response.get_json()["errors"]) == {"email", "password", "name"}


def test_register_without_a_json_body_is_a_bad_request(gabi: GabiYoga) -> None:
    response = gabi.api.post("/auth/register", data="{not json",
                             headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["errors"] == {"body": "invalid JSON"}


def test_login_returns_an_access_and_a_refresh_token(gabi: GabiYoga) -> None:
    pair = gabi.login(MEMBER_EMAIL, "member-dev-password")
    assert pair["tokenType"] == "Bearer" and pair["expiresIn"] == 900
    assert pair["accessToken"] != pair["refreshToken"]


def test_login_with_a_wrong_password_is_unauthorized(gabi: GabiYoga) -> None:
    response = gabi.api.post("/auth/login", json={"email": MEMBER_EMAIL, "password": "wrong"})
    assert response.status_code == 401
    assert response.get_json() == {"message": "Invalid email or password"}


def test_login_of_an_unknown_account_is_unauthorized_like_a_wrong_password(gabi: GabiYoga
                                                                           ) -> None:
    response = gabi.api.post("/auth/login", json={"email": "nobody@example.com",
                                                  "password": "whatever-it-is"})
    assert response.status_code == 401
    assert response.get_json() == {"message": "Invalid email or password"}


def test_five_failed_logins_lock_the_account_even_for_the_right_password(gabi: GabiYoga
                                                                         ) -> None:
    email, password, _ = gabi.register()
    for _ in range(5):
        assert gabi.api.post("/auth/login", json={"email": email,
                                                  "password": "wrong-guess"}).status_code == 401
    locked = gabi.api.post("/auth/login", json={"email": email, "password": password})
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0


def test_refresh_rotates_and_a_reused_refresh_token_revokes_the_family(gabi: GabiYoga) -> None:
    email, password, _ = gabi.register()
    first = gabi.login(email, password)
    rotated = gabi.api.post("/auth/refresh", json={"refreshToken": first["refreshToken"]})
    assert rotated.status_code == 200
    second = rotated.get_json()
    assert second["refreshToken"] != first["refreshToken"]

    reuse = gabi.api.post("/auth/refresh", json={"refreshToken": first["refreshToken"]})
    assert reuse.status_code == 401
    # The thief's reuse also kills the legitimate holder's newer token of the same family.
    after = gabi.api.post("/auth/refresh", json={"refreshToken": second["refreshToken"]})
    assert after.status_code == 401


def test_refresh_with_an_access_token_is_unauthorized(gabi: GabiYoga) -> None:
    pair = gabi.login(MEMBER_EMAIL, "member-dev-password")
    response = gabi.api.post("/auth/refresh", json={"refreshToken": pair["accessToken"]})
    assert response.status_code == 401


def test_logout_revokes_the_access_token_and_the_refresh_family(gabi: GabiYoga) -> None:
    email, password, _ = gabi.register()
    pair = gabi.login(email, password)
    headers = {"Authorization": f"Bearer {pair['accessToken']}"}
    assert gabi.api.get("/bookings", headers=headers).status_code == 200
    out = gabi.api.post("/auth/logout", headers=headers,
                        json={"refreshToken": pair["refreshToken"]})
    assert out.status_code == 204
    assert gabi.api.get("/bookings", headers=headers).status_code == 401
    assert gabi.api.post("/auth/refresh",
                         json={"refreshToken": pair["refreshToken"]}).status_code == 401


def test_forgot_emails_a_single_use_reset_link(gabi: GabiYoga) -> None:
    gabi.verify_sender()
    email, _, _ = gabi.register()
    response = gabi.api.post("/auth/forgot", json={"email": email})
    assert response.status_code == 202
    resets = [m for m in gabi.sent_emails(email) if "Reset" in m.subject]
    assert len(resets) == 1
    token = _token_in(resets[0])

    assert gabi.api.post("/auth/reset", json={"token": token,
                                              "password": "brand-new-password"}).status_code == 200
    assert gabi.login(email, "brand-new-password")["accessToken"]
    again = gabi.api.post("/auth/reset", json={"token": token, "password": "third-password!"})
    assert again.status_code == 400
    assert again.get_json()["errors"] == {"token": "already used"}


def test_forgot_answers_the_same_for_an_unknown_address_and_sends_nothing(gabi: GabiYoga
                                                                          ) -> None:
    gabi.verify_sender()
    response = gabi.api.post("/auth/forgot", json={"email": "ghost@example.com"})
    assert response.status_code == 202
    assert gabi.sent_emails("ghost@example.com") == []


def test_reset_with_a_forged_token_is_a_bad_request(gabi: GabiYoga) -> None:
    response = gabi.api.post("/auth/reset", json={"token": "abc.def.ghi",
                                                  "password": "brand-new-password"})
    assert response.status_code == 400
    assert response.get_json()["errors"] == {"token": "invalid or expired"}


def test_verify_confirms_the_address_from_the_welcome_email(gabi: GabiYoga) -> None:
    gabi.verify_sender()
    email, _, user = gabi.register()
    welcome = [m for m in gabi.sent_emails(email) if "verify" in m.subject]
    response = gabi.api.get("/auth/verify", query={"token": _token_in(welcome[0])})
    assert response.status_code == 200
    assert response.get_json()["emailVerified"] is True
    assert response.get_json()["userId"] == user["userId"]


def test_verify_without_or_with_a_bad_token_is_a_bad_request(gabi: GabiYoga) -> None:
    assert gabi.api.get("/auth/verify").get_json()["errors"] == {"token": "required"}
    assert gabi.api.get("/auth/verify", query={"token": "nope"}).status_code == 400


def test_verify_for_a_deleted_account_is_not_found(gabi: GabiYoga) -> None:
    from handlers.common.lambda_common import tokens

    token = tokens.issue("verify", "u-does-not-exist", gabi.jwt_secret(), ttl_s=600).token
    assert gabi.api.get("/auth/verify", query={"token": token}).status_code == 404


def test_member_routes_reject_missing_and_forged_tokens_at_the_gateway(gabi: GabiYoga) -> None:
    stats_before = gabi.emulator.runtime.stats()["ListBookingsFunction"].invocations
    assert gabi.api.get("/bookings").status_code == 401
    forged = {"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"}
    response = gabi.api.get("/bookings", headers=forged)
    assert response.status_code == 401
    assert response.get_json() == {"message": "Unauthorized"}
    # Rejected by the JwtAuthorizer: the route's function never ran.
    assert gabi.emulator.runtime.stats()["ListBookingsFunction"].invocations == stats_before
