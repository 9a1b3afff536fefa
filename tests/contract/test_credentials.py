"""Contract-run credentials: a Cognito user signed up, confirmed and logged in on the
stack's (moto) pool; the token opens a route behind a Cognito user-pool authorizer."""

from __future__ import annotations

from collections.abc import Iterator

import jwt
import pytest

from emulator.contract.credentials import CredentialError, auth_headers
from emulator.contract.targets import AuthConfig, CognitoAuth, ContractConfigError
from emulator.testing import TestEmulator, start_emulator
from tests.conftest import REPO_ROOT

AUTH_APP = REPO_ROOT / "tests" / "apps" / "auth" / "template.yaml"


@pytest.fixture(scope="module")
def auth_app() -> Iterator[TestEmulator]:
    with start_emulator(AUTH_APP) as emulator:
        yield emulator


def _cognito(**overrides: object) -> AuthConfig:
    fields: dict[str, object] = {"user_pool": "UserPool", "client": "UserPoolClient",
                                 "username": "fuzzer@example.com",
                                 "password": "Contract-Pass-1!"}
    fields.update(overrides)
    return AuthConfig(cognito=CognitoAuth(**fields))  # type: ignore[arg-type]


def test_a_cognito_fixture_user_gets_an_id_token_the_authorizer_accepts(
        auth_app: TestEmulator) -> None:
    pool_id = auth_app.stack.resources["UserPool"].physical_id
    auth_app.aws.client("cognito-idp").create_group(UserPoolId=pool_id, GroupName="admins")
    headers = auth_headers(auth_app, "AuthApi", _cognito(groups=("admins",)))
    api = auth_app.client("AuthApi")
    assert api.get("/cognito").status_code == 401
    assert api.get("/cognito", headers=headers).status_code == 200
    claims = jwt.decode(headers["Authorization"].removeprefix("Bearer "),
                        options={"verify_signature": False})
    assert claims["token_use"] == "id" and claims["cognito:groups"] == ["admins"]
    # A second run (the user exists now) logs the same user in again.
    again = auth_headers(auth_app, "AuthApi", _cognito())
    assert api.get("/cognito", headers=again).status_code == 200


def test_a_wrong_password_for_an_existing_user_is_a_clear_error(
        auth_app: TestEmulator) -> None:
    auth_headers(auth_app, "AuthApi", _cognito(username="second@example.com"))
    with pytest.raises(CredentialError, match="second@example.com"):
        auth_headers(auth_app, "AuthApi", _cognito(username="second@example.com",
                                                   password="Another-Pass-2!"))


def test_a_pool_the_stack_does_not_define_is_a_config_error(auth_app: TestEmulator) -> None:
    with pytest.raises(ContractConfigError, match="NoSuchPool"):
        auth_headers(auth_app, "AuthApi", _cognito(user_pool="NoSuchPool"))
