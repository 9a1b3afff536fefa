"""IAM authorization: SAM ``Auth: {DefaultAuthorizer: AWS_IAM}`` / ``Authorizer: AWS_IAM``,
OpenAPI security schemes with ``x-amazon-apigateway-authtype: awsSigv4``.

Copies "Control access to a REST API with IAM permissions"
(https://docs.aws.amazon.com/apigateway/latest/developerguide/permissions.html) and "Control
access to HTTP APIs with IAM authorization"
(https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control-iam.html):

1. The request must carry a SigV4 signature (:mod:`.sigv4`): none is 403 ``Missing
   Authentication Token`` (REST) / ``Forbidden`` (HTTP API).
2. The access key must be one the account knows, else 403 ``The security token included in
   the request is invalid.`` (``UnrecognizedClientException``). Known here: the emulator
   process's own credentials - what boto3 and the AWS CLI sign with by default, taken as the
   account's root user - and every key moto issued: IAM ``CreateAccessKey`` (``Active`` only)
   and STS ``AssumeRole`` (with its ``X-Amz-Security-Token``, until it expires: 403
   ``ExpiredTokenException``). So a test can create a user with a policy on the AWS endpoint
   and sign with its key.
3. Scope, time and signature must check out (403 ``InvalidSignatureException``).
4. The signer's identity-based policies (inline, attached managed, its groups'; an assumed
   role's) must allow ``execute-api:Invoke`` on the method ARN, with the evaluation of
   :mod:`.iam_policy`; otherwise 403 ``User: ARN is not authorized to perform:
   execute-api:Invoke on resource: ARN`` (REST) / ``Forbidden``. The root user is allowed.
5. The integration sees who called: REST and HTTP payload 1.0 in ``requestContext.identity``
   (``accessKey``, ``accountId``, ``caller``, ``user``, ``userArn``), HTTP payload 2.0 in
   ``requestContext.authorizer.iam``.

Not emulated (documented in the README): resource policies (SAM ``Auth.ResourcePolicy``),
session policies, permissions boundaries, SCPs and ``Condition`` blocks (a conditional
``Allow`` never matches, a conditional ``Deny`` always does).
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import botocore.session

from emulator.aws.internals import iam_credential
from emulator.errors import GatewayError
from emulator.http import HttpRequest
from emulator.policy.authorizers import rejections
from emulator.policy.authorizers.base import rejected, request_arn
from emulator.policy.authorizers.iam_policy import PolicyError, parse_policy
from emulator.policy.authorizers.sigv4 import (
    SignatureError,
    SignedRequest,
    check_scope,
    check_signature,
    read_signature,
)
from emulator.policy.pipeline import PolicyContext, RequestState
from emulator.routing import RouteMatch
from emulator.spec import ApiModel

logger = logging.getLogger(__name__)

#: The security scheme name SAM writes for ``AWS_IAM``; the authorizer's name in logs.
NAME = "AWS_IAM"


@dataclass(frozen=True)
class Principal:
    """Who an access key belongs to, and what that principal may do."""

    secret_access_key: str
    session_token: str | None
    expires_at: datetime | None
    arn: str
    user_id: str
    #: ``None``: the root user, allowed everything; else the identity-based policy documents.
    policies: tuple[str, ...] | None

    def caller(self, access_key_id: str, account_id: str) -> dict[str, str]:
        """The caller's fields as API Gateway puts them in ``requestContext.identity``."""
        return {"accessKey": access_key_id, "accountId": account_id, "caller": self.user_id,
                "user": self.user_id, "userArn": self.arn}


def _process_credentials() -> tuple[str, str, str | None] | None:
    credentials = botocore.session.get_session().get_credentials()
    if credentials is None:
        return None
    frozen = credentials.get_frozen_credentials()
    return frozen.access_key, frozen.secret_key, frozen.token


class IamAuthorizer:
    """Checks the SigV4 signature and identity policies of requests to one API."""

    name = NAME

    def __init__(self, api: ApiModel, context: PolicyContext, *,
                 root_credentials: Callable[[], tuple[str, str, str | None] | None]
                 = _process_credentials) -> None:
        self._api = api
        self._context = context
        self._root_credentials = root_credentials
        self._root: tuple[str, str, str | None] | None = None

    def authorize(self, request: HttpRequest, match: RouteMatch, scopes: tuple[str, ...],
                  state: RequestState) -> None:
        kind = self._api.kind
        settings = self._context.settings
        try:
            signed = read_signature(request)
            check_scope(signed, region=settings.region,
                        now=datetime.fromtimestamp(self._context.clock(), UTC))
        except SignatureError as exc:
            raise self._rejected(rejections.signature_rejected(kind, exc.problem, exc.message),
                                 match, state, exc.problem) from None
        principal = self._principal(signed, match, state)
        self._check_signature(signed, request, principal, match, state)
        arn = request_arn(self._api, settings.region, settings.account_id, request)
        self._check_policies(principal, arn, match, state)
        caller = principal.caller(signed.access_key_id, settings.account_id)
        state.iam_caller = caller
        if kind == "HTTP":
            state.authorizer = {"iam": {
                "accessKey": caller["accessKey"], "accountId": caller["accountId"],
                "callerId": caller["caller"], "cognitoIdentity": None, "principalOrgId": None,
                "userArn": caller["userArn"], "userId": caller["user"]}}

    def _principal(self, signed: SignedRequest, match: RouteMatch,
                   state: RequestState) -> Principal:
        kind = self._api.kind
        account_id = self._context.settings.account_id
        principal = self._root_principal(signed.access_key_id, account_id)
        if principal is None:
            record = iam_credential(account_id, signed.access_key_id)
            if record is not None and record.active:
                principal = Principal(record.secret_access_key, record.session_token,
                                      record.expires_at, record.arn, record.user_id,
                                      record.policies)
        if principal is None or not _same_token(principal.session_token,
                                                signed.session_token):
            raise self._rejected(rejections.signature_rejected(
                kind, "unrecognized", rejections.UNRECOGNIZED_CLIENT), match, state,
                "unknown or inactive access key, or a session token that does not match")
        now = datetime.fromtimestamp(self._context.clock(), UTC)
        if principal.expires_at is not None and principal.expires_at <= now:
            raise self._rejected(rejections.signature_rejected(
                kind, "expired_token", rejections.EXPIRED_SECURITY_TOKEN), match, state,
                "the STS session has expired")
        return principal

    def _root_principal(self, access_key_id: str, account_id: str) -> Principal | None:
        if self._root is None:
            self._root = self._root_credentials() or ("", "", None)
        key, secret, token = self._root
        if not key or not hmac.compare_digest(key.encode(), access_key_id.encode()):
            return None
        return Principal(secret, token, None, f"arn:aws:iam::{account_id}:root", account_id,
                         None)

    def _check_policies(self, principal: Principal, arn: str, match: RouteMatch,
                        state: RequestState) -> None:
        if principal.policies is None:
            return
        decision = "implicit_deny"
        for document in principal.policies:
            try:
                verdict = parse_policy(json.loads(document)).evaluate(arn)
            except (PolicyError, ValueError) as exc:
                logger.warning("%s: skipping a policy of %s that cannot be read: %s",
                               state.request_id, principal.arn, exc)
                continue
            if verdict == "explicit_deny":
                decision = verdict
                break
            if verdict == "allow":
                decision = verdict
        if decision != "allow":
            raise self._rejected(rejections.iam_denied(
                self._api.kind, user_arn=principal.arn, resource_arn=arn,
                explicit=decision == "explicit_deny"), match, state,
                f"{principal.arn}: {decision.replace('_', ' ')} of execute-api:Invoke")

    def _check_signature(self, signed: SignedRequest, request: HttpRequest,
                         principal: Principal, match: RouteMatch, state: RequestState) -> None:
        """The signature over the path as sent: the gateway has taken the stage off, and
        ``/Prod`` and ``/Prod/`` both arrive as ``/``, so the stage root tries both."""
        stage = self._api.stage
        prefix = "" if stage == "$default" else f"/{stage}"
        paths = [prefix + request.path]
        if prefix and request.path == "/":
            paths.append(prefix)
        first: SignatureError | None = None
        for path in paths:
            try:
                check_signature(signed, request, path=path,
                                secret_access_key=principal.secret_access_key)
                return
            except SignatureError as exc:
                first = first or exc
        assert first is not None
        raise self._rejected(rejections.signature_rejected(self._api.kind, first.problem,
                                                           first.message),
                             match, state, "signature mismatch") from None

    def _rejected(self, error: GatewayError, match: RouteMatch, state: RequestState,
                  reason: str) -> GatewayError:
        return rejected(error, authorizer=self.name, match=match, state=state, reason=reason)


def _same_token(expected: str | None, sent: str | None) -> bool:
    if expected is None:
        return True  # long-term keys: a token sent along is not checked by AWS either
    return sent is not None and hmac.compare_digest(expected.encode(), sent.encode())
