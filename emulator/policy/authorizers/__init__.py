"""API Gateway authorizers: Lambda (REST TOKEN/REQUEST, HTTP API REQUEST 1.0/2.0), Cognito
user pools (REST), JWT (HTTP API) and IAM (SigV4, both), as one policy step.

Copies "Controlling access" for REST APIs
(https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html,
https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-integrate-with-cognito.html)
and HTTP APIs
(https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html,
https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html).
The authorizers and which operation uses which come from the API's OpenAPI body as the SAM
transform writes it (:mod:`.config`); each kind lives in its own module:

* :mod:`.lambda_authorizer` - events, answers, caching (:mod:`.cache`), IAM policy
  evaluation (:mod:`.iam_policy`)
* :mod:`.cognito` - REST Cognito user pool authorizers
* :mod:`.jwt_authorizer` - HTTP API JWT authorizers; :mod:`.jwks` - issuers' keys
* :mod:`.iam_auth` - IAM authorization (``AWS_IAM``); :mod:`.sigv4` - the signatures
* :mod:`.rejections` - the 401 / 403 / 500 responses; :mod:`.identity` - identity sources

What an authorizer accepts lands in ``RequestState.authorizer`` (the integration's
``requestContext.authorizer``) and, for ``usageIdentifierKey``, in
``RequestState.usage_identifier_key`` for the API key step that follows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from botocore.exceptions import BotoCoreError, ClientError

from emulator.http import HttpRequest
from emulator.policy.authorizers.base import Authorizer
from emulator.policy.authorizers.cognito import CognitoAuthorizer
from emulator.policy.authorizers.config import (
    AuthorizerConfig,
    parse_authorizers,
    requirement_for,
    sigv4_routes,
)
from emulator.policy.authorizers.iam_auth import IamAuthorizer
from emulator.policy.authorizers.jwks import JwksResolver
from emulator.policy.authorizers.jwt_authorizer import JwtAuthorizer
from emulator.policy.authorizers.lambda_authorizer import LambdaAuthorizer
from emulator.policy.pipeline import PolicyContext, PolicyStep, RequestState
from emulator.routing import RouteMatch
from emulator.spec import ApiModel

logger = logging.getLogger(__name__)

__all__ = ["AuthorizerStep", "build_authorizer_step"]


class AuthorizerStep:
    """The authorizer policy step of one API: route key -> (authorizer, OAuth scopes)."""

    name = "authorizer"

    def __init__(self, routes: Mapping[str, tuple[Authorizer, tuple[str, ...]]],
                 authorizers: Mapping[str, Authorizer], resolver: JwksResolver) -> None:
        self._routes = dict(routes)
        self.authorizers = dict(authorizers)
        self.resolver = resolver

    def check(self, request: HttpRequest, match: RouteMatch, state: RequestState) -> None:
        entry = self._routes.get(match.operation.route_key)
        if entry is None:
            return
        authorizer, scopes = entry
        authorizer.authorize(request, match, scopes, state)


def _pool_checker(context: PolicyContext) -> Callable[[str, str], bool]:
    def exists(region: str, pool_id: str) -> bool:
        aws = context.aws
        if aws is None or region != context.settings.region:
            return False
        try:
            aws.client("cognito-idp").describe_user_pool(UserPoolId=pool_id)
        except (ClientError, BotoCoreError):
            return False
        return True

    return exists


def _authorizer(config: AuthorizerConfig, api: ApiModel, context: PolicyContext,
                resolver: JwksResolver) -> Authorizer:
    if config.type == "jwt":
        return JwtAuthorizer(config, api, context, resolver)
    if config.type == "cognito_user_pools":
        return CognitoAuthorizer(config, api, context, resolver)
    return LambdaAuthorizer(config, api, context)


def build_authorizer_step(api: ApiModel, context: PolicyContext) -> PolicyStep | None:
    """The authorizer step of ``api``, or ``None`` when no operation uses an authorizer."""
    configs = parse_authorizers(api)
    signed_routes = sigv4_routes(api)
    if not configs and not signed_routes:
        return None
    resolver = JwksResolver(clock=context.clock, pool_exists=_pool_checker(context))
    authorizers: dict[str, Authorizer] = {name: _authorizer(config, api, context, resolver)
                                          for name, config in configs.items()}
    routes: dict[str, tuple[Authorizer, tuple[str, ...]]] = {}
    if signed_routes:
        iam = authorizers[IamAuthorizer.name] = IamAuthorizer(api, context)
        routes.update((route_key, (iam, ())) for route_key in signed_routes)
    for operation in api.operations:
        requirement = requirement_for(api, operation, configs)
        if requirement is not None:
            routes[operation.route_key] = (authorizers[requirement.authorizer],
                                           requirement.scopes)
    logger.debug("%s: %d authorizers protect %d of %d operations", api.config.logical_id,
                 len(authorizers), len(routes), len(api.operations))
    if not routes:
        return None
    return AuthorizerStep(routes, authorizers, resolver)
