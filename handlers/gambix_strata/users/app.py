"""Users: sign-up, confirmation and sign-in through the Cognito user pool, and profiles.

Registration and sign-in call Cognito's public client API (``SignUp``, ``ConfirmSignUp``,
``InitiateAuth`` with ``USER_PASSWORD_AUTH``,
https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow.html)
for clients that cannot embed the Cognito SDK; clients that can may talk to Cognito directly
with the same app client. Cognito hashes and checks the passwords; this code never stores
or logs one. Profiles (display preferences) live in ``PROFILES_TABLE`` keyed by the ``sub``.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError
from lambda_common.aws import client, env, table
from lambda_common.claims import cognito_claims
from lambda_common.clock import iso
from lambda_common.http import (
    ApiError,
    BadRequest,
    Conflict,
    Event,
    Forbidden,
    Response,
    TooManyRequests,
    Unauthorized,
    api_handler,
    json_body,
    json_response,
)
from lambda_common.validation import Fields
from strata.inputs import CODE_RE, EMAIL_RE, OPTIONAL_TRIMMED_RE, TRIMMED_RE

PROFILE_FIELDS = ("name", "company", "language", "notifyByEmail")
LANGUAGES = ("en", "de", "es", "fr", "it", "nl", "pt")

#: Cognito error codes -> the API's answer (anything else is a server error and propagates).
_COGNITO_ERRORS: dict[str, type[ApiError]] = {
    "UsernameExistsException": Conflict,
    "InvalidPasswordException": BadRequest,
    "InvalidParameterException": BadRequest,
    "CodeMismatchException": BadRequest,
    "ExpiredCodeException": BadRequest,
    "NotAuthorizedException": Unauthorized,
    "UserNotFoundException": Unauthorized,
    "UserNotConfirmedException": Forbidden,
    "TooManyRequestsException": TooManyRequests,
    "TooManyFailedAttemptsException": TooManyRequests,
    "LimitExceededException": TooManyRequests,
}
_MESSAGES = {
    Conflict: "An account with this email already exists",
    Unauthorized: "Incorrect email or password",
    Forbidden: "Account not confirmed",
    TooManyRequests: "Too many attempts, try again later",
}


def _cognito(operation: str, **kwargs: Any) -> dict[str, Any]:
    try:
        return dict(getattr(client("cognito-idp"), operation)(**kwargs))
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        error = _COGNITO_ERRORS.get(code)
        if error is None:
            raise
        message = _MESSAGES.get(error) or exc.response.get("Error", {}).get("Message",
                                                                             "Invalid request")
        raise error(message) from exc


def _credentials(event: Event, *, with_name: bool = False) -> dict[str, Any]:
    fields = Fields(json_body(event))
    fields.only("email", "password", *(("name",) if with_name else ()))
    fields.no_nulls()
    _email(fields)
    fields.string("password", min_length=8, max_length=256, pattern=TRIMMED_RE, strip=False)
    if with_name:
        fields.string("name", max_length=100, pattern=TRIMMED_RE, strip=False)
    return fields.check()


def _email(fields: Fields) -> None:
    """Emails are compared lower-case (Cognito usernames are case-sensitive by default)."""
    value = fields.string("email", max_length=254, pattern=EMAIL_RE, strip=False)
    if value is not None:
        fields.values["email"] = value.lower()


@api_handler
def register(event: Event, context: Any) -> Response:
    values = _credentials(event, with_name=True)
    result = _cognito("sign_up", ClientId=env("USER_POOL_CLIENT_ID"),
                      Username=values["email"], Password=values["password"],
                      UserAttributes=[{"Name": "email", "Value": values["email"]},
                                      {"Name": "name", "Value": values["name"]}])
    return json_response(201, {"userId": result["UserSub"], "email": values["email"],
                               "confirmed": bool(result.get("UserConfirmed"))})


@api_handler
def confirm(event: Event, context: Any) -> Response:
    fields = Fields(json_body(event))
    fields.only("email", "code")
    fields.no_nulls()
    _email(fields)
    fields.string("code", pattern=CODE_RE, strip=False)
    values = fields.check()
    _cognito("confirm_sign_up", ClientId=env("USER_POOL_CLIENT_ID"),
             Username=values["email"], ConfirmationCode=values["code"])
    return json_response(200, {"message": "Account confirmed"})


@api_handler
def login(event: Event, context: Any) -> Response:
    values = _credentials(event)
    result = _cognito("initiate_auth", ClientId=env("USER_POOL_CLIENT_ID"),
                      AuthFlow="USER_PASSWORD_AUTH",
                      AuthParameters={"USERNAME": values["email"],
                                      "PASSWORD": values["password"]})
    tokens = result.get("AuthenticationResult")
    if not tokens:  # a challenge (new password, MFA) this API does not handle
        raise Forbidden(f"Sign-in needs {result.get('ChallengeName', 'a challenge')}")
    return json_response(200, {"idToken": tokens["IdToken"],
                               "accessToken": tokens["AccessToken"],
                               "refreshToken": tokens.get("RefreshToken"),
                               "expiresIn": int(tokens.get("ExpiresIn", 3600)),
                               "tokenType": "Bearer"})


def _profile(claims: dict[str, Any]) -> dict[str, Any]:
    stored = table("PROFILES_TABLE").get_item(Key={"userId": claims["sub"]}).get("Item") or {}
    return {"userId": str(claims["sub"]), "email": str(claims.get("email", "")),
            "name": stored.get("name", str(claims.get("name", ""))),
            "company": stored.get("company", ""), "language": stored.get("language", "en"),
            "notifyByEmail": bool(stored.get("notifyByEmail", True)),
            "updatedAt": stored.get("updatedAt")}


@api_handler
def get_profile(event: Event, context: Any) -> Response:
    return json_response(200, _profile(cognito_claims(event)))


@api_handler
def update_profile(event: Event, context: Any) -> Response:
    claims = cognito_claims(event)
    data = json_body(event)
    fields = Fields(data)
    fields.only(*PROFILE_FIELDS)
    fields.no_nulls()
    fields.string("name", required=False, max_length=100, pattern=TRIMMED_RE, strip=False)
    fields.string("company", required=False, min_length=0, max_length=100,
                  pattern=OPTIONAL_TRIMMED_RE, strip=False)
    fields.string("language", required=False, choices=LANGUAGES, strip=False)
    fields.boolean("notifyByEmail", required=False)
    if not data:
        fields.errors["body"] = "name at least one field"
    values = fields.check()
    values["updatedAt"] = iso()
    names = {f"#{key}": key for key in values}
    table("PROFILES_TABLE").update_item(
        Key={"userId": claims["sub"]},
        UpdateExpression="SET " + ", ".join(f"#{key} = :{key}" for key in values),
        ExpressionAttributeNames=names,
        ExpressionAttributeValues={f":{key}": value for key, value in values.items()})
    return json_response(200, _profile(claims))

