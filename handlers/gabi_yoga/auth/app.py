"""Auth service: register, login, refresh (rotation), logout, forgot/reset password, verify.

Replaces the Express session routes with stateless JWTs (see lambda_common.tokens):

* refresh tokens rotate on every use; a rotated token presented again means it leaked, so
  its whole family is revoked (OAuth 2.0 Security BCP, refresh token rotation);
* logout puts the access token's ``jti`` (and the refresh family) on the revocation list,
  a DynamoDB table whose TTL removes entries once the token would have expired anyway
  (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html);
* ``MAX_FAILED_LOGINS`` wrong passwords lock the account for ``LOCKOUT_SECONDS``; counters
  are atomic ``UpdateItem ADD``s, so parallel guesses all count;
* reset and verification links carry single-purpose JWTs; a reset token is spent by a
  conditional update, so it works once;
* an email belongs to one account: registration is one ``TransactWriteItems`` that puts
  the user and an email-uniqueness item (``userId = "EMAIL#<email>"``, same table, no
  ``email`` attribute so it stays out of the EmailIndex), both ``attribute_not_exists``, so
  of two simultaneous sign-ups with one address exactly one wins
  (https://aws.amazon.com/blogs/database/simulating-amazon-dynamodb-unique-constraints-using-transactions/).
  Admin scans of the Users table skip ``EMAIL#`` items.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError
from lambda_common import tokens
from lambda_common.aws import (
    cancellation_codes,
    condition_failure_as,
    is_conditional_failure,
    send_email,
    table,
    transact_write,
)
from lambda_common.clock import iso, now
from lambda_common.http import (
    BadRequest,
    Conflict,
    Event,
    NotFound,
    Response,
    TooManyRequests,
    Unauthorized,
    api_handler,
    header,
    json_body,
    json_response,
    query_params,
)
from lambda_common.logs import get_logger
from lambda_common.passwords import hash_password, verify_password
from lambda_common.principal import principal
from lambda_common.validation import Fields

logger = get_logger(__name__)

MAX_FAILED_LOGINS = int(os.environ.get("MAX_FAILED_LOGINS", "5"))
LOCKOUT_SECONDS = int(os.environ.get("LOCKOUT_SECONDS", "900"))
#: Key prefix of the items that reserve an email address in the Users table.
EMAIL_KEY_PREFIX = "EMAIL#"
PUBLIC_USER_FIELDS = ("userId", "email", "name", "role", "emailVerified", "newsletter",
                      "createdAt")


def public_user(item: dict[str, Any]) -> dict[str, Any]:
    return {name: item[name] for name in PUBLIC_USER_FIELDS if name in item}


def user_by_email(email: str) -> dict[str, Any] | None:
    found = table("USERS_TABLE").query(IndexName="EmailIndex",
                                       KeyConditionExpression=Key("email").eq(email), Limit=1)
    items = found.get("Items", [])
    return items[0] if items else None


def email_key(email: str) -> str:
    """The Users-table key of the item reserving (normalised, lower-case) ``email``."""
    return f"{EMAIL_KEY_PREFIX}{email}"


def _create_user(user: dict[str, Any]) -> None:
    """Put ``user`` and its email reservation atomically; Conflict when the email is taken."""
    users = table("USERS_TABLE").name
    try:
        transact_write([
            {"Put": {"TableName": users, "Item": user,
                     "ConditionExpression": "attribute_not_exists(userId)"}},
            {"Put": {"TableName": users,
                     "Item": {"userId": email_key(user["email"]), "ownerId": user["userId"],
                              "kind": "email-uniqueness", "createdAt": user["createdAt"]},
                     "ConditionExpression": "attribute_not_exists(userId)"}}])
    except ClientError as exc:
        codes = cancellation_codes(exc)
        if len(codes) > 1 and codes[1] == "ConditionalCheckFailed":
            logger.info("registration lost an email race")
            raise Conflict("An account with this email already exists",
                           errors={"email": "already registered"}) from exc
        raise


def _password(fields: Fields, name: str = "password") -> str | None:
    return fields.string(name, min_length=10, max_length=128)


def _issue_pair(user_id: str, role: str, family: str) -> dict[str, Any]:
    key = tokens.signing_key()
    access = tokens.issue_access(user_id, role, key)
    refresh_token = tokens.issue_refresh(user_id, role, family, key)
    table("REFRESH_TOKENS_TABLE").put_item(Item={
        "tokenId": refresh_token.jti, "familyId": family, "userId": user_id, "used": False,
        "createdAt": iso(), "expiresAt": refresh_token.expires_at})
    return {"accessToken": access.token, "refreshToken": refresh_token.token,
            "tokenType": "Bearer", "expiresIn": tokens.ACCESS_TTL_S}


def _link(path: str, token: str) -> str:
    return f"{os.environ.get('FRONTEND_URL', '').rstrip('/')}/{path}?token={token}"


@api_handler
def register(event: Event, context: Any) -> Response:
    fields = Fields(json_body(event))
    email = fields.email()
    _password(fields)
    fields.string("name", max_length=100)
    fields.boolean("newsletter", required=False)
    values = fields.check()
    assert email is not None
    # Fast path before the (deliberately slow) password hash; the transaction below is
    # what guarantees uniqueness, under any concurrency.
    if user_by_email(email) is not None:
        raise Conflict("An account with this email already exists",
                       errors={"email": "already registered"})
    user = {"userId": uuid.uuid4().hex, "email": email, "name": values["name"],
            "role": "member", "passwordHash": hash_password(values["password"]),
            "emailVerified": False, "newsletter": bool(values.get("newsletter", False)),
            "failedLogins": 0, "createdAt": iso()}
    _create_user(user)
    verify = tokens.issue("verify", user["userId"], tokens.signing_key(),
                          ttl_s=tokens.PURPOSE_TTL_S["verify"])
    send_email([email], "Welcome to Gabi Yoga - verify your email",
               f"Hello {user['name']},\n\nconfirm your address: {_link('verify', verify.token)}\n")
    logger.info("registered", userId=user["userId"])
    return json_response(201, public_user(user))


@api_handler
def login(event: Event, context: Any) -> Response:
    fields = Fields(json_body(event))
    email = fields.email()
    fields.string("password", max_length=128)
    values = fields.check()
    assert email is not None
    user = user_by_email(email)
    current = now()
    if user is not None and float(user.get("lockedUntil", 0)) > current:
        retry = int(float(user["lockedUntil"]) - current) + 1
        raise TooManyRequests("Too many failed logins; try again later",
                              headers={"Retry-After": str(retry)})
    if user is None or not verify_password(user.get("passwordHash"), values["password"]):
        if user is not None:
            _count_failure(user["userId"], current)
        raise Unauthorized("Invalid email or password")
    if user.get("failedLogins") or user.get("lockedUntil"):
        table("USERS_TABLE").update_item(Key={"userId": user["userId"]},
                                         UpdateExpression="SET failedLogins = :z "
                                                          "REMOVE lockedUntil",
                                         ExpressionAttributeValues={":z": 0})
    return json_response(200, _issue_pair(user["userId"], user.get("role", "member"),
                                          uuid.uuid4().hex))


def _count_failure(user_id: str, current: float) -> None:
    users = table("USERS_TABLE")
    updated = users.update_item(Key={"userId": user_id}, UpdateExpression="ADD failedLogins :one",
                                ExpressionAttributeValues={":one": 1}, ReturnValues="ALL_NEW")
    if int(updated["Attributes"].get("failedLogins", 0)) >= MAX_FAILED_LOGINS:
        users.update_item(Key={"userId": user_id},
                          UpdateExpression="SET lockedUntil = :until, failedLogins = :z",
                          ExpressionAttributeValues={":until": int(current) + LOCKOUT_SECONDS,
                                                     ":z": 0})
        logger.warning("account locked", userId=user_id)


def _revoke(token_id: str, expires_at: int, reason: str) -> None:
    table("REVOCATIONS_TABLE").put_item(Item={"tokenId": token_id, "expiresAt": expires_at,
                                              "reason": reason, "revokedAt": iso()})


@api_handler
def refresh(event: Event, context: Any) -> Response:
    fields = Fields(json_body(event))
    fields.string("refreshToken", max_length=4096)
    raw = fields.check()["refreshToken"]
    try:
        claims = tokens.decode(raw, tokens.signing_key(), "refresh")
    except tokens.InvalidToken as exc:
        raise Unauthorized("Invalid refresh token") from exc
    family, jti = str(claims["fam"]), str(claims["jti"])
    revocations = table("REVOCATIONS_TABLE")
    if revocations.get_item(Key={"tokenId": f"family#{family}"}).get("Item"):
        raise Unauthorized("Session revoked")
    try:
        table("REFRESH_TOKENS_TABLE").update_item(
            Key={"tokenId": jti}, UpdateExpression="SET #used = :t, usedAt = :at",
            ConditionExpression="attribute_exists(tokenId) AND #used = :f",
            ExpressionAttributeNames={"#used": "used"},
            ExpressionAttributeValues={":t": True, ":f": False, ":at": iso()})
    except ClientError as exc:
        if not is_conditional_failure(exc):
            raise
        _revoke(f"family#{family}", int(claims["exp"]), "refresh token reuse")
        logger.warning("refresh token reuse; family revoked",
                       userId=claims["sub"], familyId=family)
        raise Unauthorized("Refresh token reuse detected; session revoked") from exc
    return json_response(200, _issue_pair(str(claims["sub"]), str(claims.get("role", "member")),
                                          family))


@api_handler
def logout(event: Event, context: Any) -> Response:
    who = principal(event)
    key = tokens.signing_key()
    access = tokens.bearer(header(event, "Authorization"))
    if access:
        try:
            claims = tokens.decode(access, key, "access")
            _revoke(str(claims["jti"]), int(claims["exp"]), "logout")
        except tokens.InvalidToken:
            logger.info("logout with an unreadable access token")
    if event.get("body"):
        fields = Fields(json_body(event))
        fields.string("refreshToken", max_length=4096)
        raw = fields.check()["refreshToken"]
        try:
            claims = tokens.decode(raw, key, "refresh")
        except tokens.InvalidToken as exc:
            raise BadRequest("Invalid request", errors={"refreshToken": "invalid"}) from exc
        if claims["sub"] != who.user_id:
            raise BadRequest("Invalid request", errors={"refreshToken": "not yours"})
        _revoke(f"family#{claims['fam']}", int(claims["exp"]), "logout")
    return json_response(204, None)


@api_handler
def forgot(event: Event, context: Any) -> Response:
    fields = Fields(json_body(event))
    email = fields.email()
    fields.check()
    assert email is not None
    user = user_by_email(email)
    if user is not None:
        reset_token = tokens.issue("reset", user["userId"], tokens.signing_key(),
                                   ttl_s=tokens.PURPOSE_TTL_S["reset"])
        table("USERS_TABLE").update_item(Key={"userId": user["userId"]},
                                         UpdateExpression="SET resetJti = :j",
                                         ExpressionAttributeValues={":j": reset_token.jti})
        send_email([email], "Reset your Gabi Yoga password",
                   "Someone asked to reset your password. If it was you, open "
                   f"{_link('reset', reset_token.token)} within 30 minutes.\n")
    # Same answer either way: the endpoint must not reveal which addresses have accounts.
    return json_response(202, {"message": "If the account exists, a reset link has been sent"})


@api_handler
def reset(event: Event, context: Any) -> Response:
    fields = Fields(json_body(event))
    fields.string("token", max_length=4096)
    _password(fields)
    values = fields.check()
    try:
        claims = tokens.decode(values["token"], tokens.signing_key(), "reset")
    except tokens.InvalidToken as exc:
        raise BadRequest("Invalid request", errors={"token": "invalid or expired"}) from exc
    with condition_failure_as(BadRequest("Invalid request", errors={"token": "already used"})):
        table("USERS_TABLE").update_item(
            Key={"userId": str(claims["sub"])},
            UpdateExpression="SET passwordHash = :h, failedLogins = :z, passwordChangedAt = :at "
                             "REMOVE resetJti, lockedUntil",
            ConditionExpression="resetJti = :j",
            ExpressionAttributeValues={":h": hash_password(values["password"]), ":z": 0,
                                       ":at": iso(), ":j": str(claims["jti"])})
    return json_response(200, {"message": "Password changed"})


@api_handler
def verify(event: Event, context: Any) -> Response:
    raw = query_params(event).get("token")
    if not raw:
        raise BadRequest("Invalid request", errors={"token": "required"})
    try:
        claims = tokens.decode(raw, tokens.signing_key(), "verify")
    except tokens.InvalidToken as exc:
        raise BadRequest("Invalid request", errors={"token": "invalid or expired"}) from exc
    with condition_failure_as(NotFound("Account not found")):
        updated = table("USERS_TABLE").update_item(
            Key={"userId": str(claims["sub"])}, UpdateExpression="SET emailVerified = :t",
            ConditionExpression="attribute_exists(userId)",
            ExpressionAttributeValues={":t": True}, ReturnValues="ALL_NEW")
    return json_response(200, public_user(updated["Attributes"]))
