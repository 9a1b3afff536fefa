"""Credentials for a contract run: the headers a logged-in fixture user sends.

Two ways to get a token, both through the emulator itself so protected routes are really
exercised (the authorizer verifies what the handlers issued):

* ``Login``: a request to the API's own login route (a Lambda-authorizer system such as
  Gabi Yoga issues its JWTs there);
* ``Cognito``: the user-pool flow a frontend runs - ``SignUp``, ``AdminConfirmSignUp``
  (and ``AdminAddUserToGroup``), then ``InitiateAuth`` with ``USER_PASSWORD_AUTH``
  (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html)
  against the stack's pool on moto; a client with a secret gets the ``SECRET_HASH``
  (https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from typing import Any

from emulator.app import Emulator
from emulator.contract.targets import AuthConfig, CognitoAuth, ContractConfigError, LoginAuth
from emulator.errors import EmulatorError
from emulator.stack import stack_path_of

logger = logging.getLogger(__name__)


class CredentialError(EmulatorError):
    """The fixture user could not log in; the run cannot exercise protected routes."""


def auth_headers(emulator: Emulator, api_logical_id: str, auth: AuthConfig) -> dict[str, str]:
    """Fresh headers for ``auth``: static ones plus a newly issued token, if configured."""
    headers = dict(auth.headers)
    if auth.login is not None:
        token = _login(emulator, api_logical_id, auth.login)
        headers[auth.login.header] = auth.login.format.format(token=token)
    if auth.cognito is not None:
        token = _cognito_token(emulator, stack_path_of(api_logical_id), auth.cognito)
        headers[auth.cognito.header] = auth.cognito.format.format(token=token)
    return headers


def _login(emulator: Emulator, api_logical_id: str, login: LoginAuth) -> str:
    from emulator.testing import ApiClient

    response = ApiClient(emulator, api_logical_id).request(login.method, login.path,
                                                           json=dict(login.body))
    try:
        payload = json.loads(response.get_data())
        token = payload[login.token_field]
    except (ValueError, KeyError, TypeError) as exc:
        raise CredentialError(
            f"contract login {login.method} {login.path} answered {response.status_code} "
            f"without {login.token_field!r}: {response.get_data()[:200]!r}") from exc
    return str(token)


def _cognito_token(emulator: Emulator, stack_path: str, cognito: CognitoAuth) -> str:
    stack = emulator.stack.descendant(stack_path)
    try:
        pool_id = stack.resources[cognito.user_pool].physical_id
        client_id = stack.resources[cognito.client].physical_id
    except KeyError as exc:
        raise ContractConfigError(f"Contract Auth.Cognito names {exc}, which stack "
                                  f"{stack.name} does not define") from exc
    idp = emulator.aws.client("cognito-idp")
    described = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    secret = described["UserPoolClient"].get("ClientSecret")
    extra: dict[str, Any] = {}
    if secret:
        extra["SecretHash"] = _secret_hash(cognito.username, client_id, secret)
    try:
        idp.sign_up(ClientId=client_id, Username=cognito.username, Password=cognito.password,
                    UserAttributes=[{"Name": k, "Value": v}
                                    for k, v in cognito.attributes.items()], **extra)
        idp.admin_confirm_sign_up(UserPoolId=pool_id, Username=cognito.username)
    except idp.exceptions.UsernameExistsException:
        logger.debug("contract user %s already exists in %s", cognito.username, pool_id)
    for group in cognito.groups:
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username=cognito.username,
                                    GroupName=group)
    parameters = {"USERNAME": cognito.username, "PASSWORD": cognito.password}
    if secret:
        parameters["SECRET_HASH"] = extra["SecretHash"]
    try:
        result = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                   AuthParameters=parameters)
        return str(result["AuthenticationResult"][cognito.token])
    except (KeyError, idp.exceptions.NotAuthorizedException) as exc:
        raise CredentialError(f"Cognito login of {cognito.username} failed: {exc}") from exc


def _secret_hash(username: str, client_id: str, secret: str) -> str:
    digest = hmac.new(secret.encode(), (username + client_id).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()
