"""Authorizers as the OpenAPI body declares them (after the SAM transform), and who uses which.

Copies the ``x-amazon-apigateway-authorizer`` extension
(https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-authorizer.html)
on ``securityDefinitions`` (Swagger 2) or ``components.securitySchemes`` (OpenAPI 3), as SAM
writes them for ``Auth.Authorizers``:

* REST ``token``: the token header is ``identitySource`` or the scheme's ``name`` (SAM's
  ``Identity.Header``, default ``Authorization``); ``identityValidationExpression``;
  ``authorizerResultTtlInSeconds`` defaults to 300 ("If this field is not set, the default
  value is 300", API Gateway API reference, Authorizer).
* REST ``request``: ``identitySource`` is comma-separated ``method.request.*`` expressions
  (SAM ``Identity.Headers/QueryStrings/StageVariables/Context``); the scheme's ``name`` is
  ``Unused`` then, otherwise it names a single header / query parameter.
* REST ``cognito_user_pools``: ``providerARNs`` and the token header (default
  ``Authorization``).
* HTTP ``request``: ``identitySource`` (SAM writes a list), ``authorizerPayloadFormatVersion``
  (``1.0`` | ``2.0``; a missing value means ``2.0``, the console's default),
  ``enableSimpleResponses`` (2.0 only), ``authorizerResultTtlInSeconds`` - caching is off
  unless it is set, and needs at least one identity source.
* HTTP ``jwt``: ``jwtConfiguration.issuer`` (or the scheme's ``openIdConnectUrl`` minus
  ``/.well-known/openid-configuration``), ``jwtConfiguration.audience``, ``identitySource``
  (default ``$request.header.Authorization``).

An operation's ``security`` (else the document's) names the authorizer; the scopes listed
with it are the method's OAuth scopes (SAM ``Auth.AuthorizationScopes``). Names that are
not authorizers - SAM's ``NONE`` for ``Auth: {Authorizer: NONE}``, the ``api_key`` scheme -
leave the operation to the other policy steps. A missing ``security`` on a CORS ``OPTIONS``
method is how SAM's ``AddDefaultAuthorizerToCorsPreflight: false`` comes out. IAM
authorization (``x-amazon-apigateway-authtype: awsSigv4``, SAM's ``AWS_IAM``) is found by
:func:`sigv4_routes` and checked by :mod:`.iam_auth`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from emulator.errors import SpecError
from emulator.policy.authorizers.identity import (
    IdentitySource,
    parse_identity_source,
    parse_identity_sources,
)
from emulator.spec import ApiModel, Operation, function_arn_from_uri
from emulator.stack import ApiKind

logger = logging.getLogger(__name__)

AUTHORIZER_KEY = "x-amazon-apigateway-authorizer"
AuthorizerType = Literal["token", "request", "cognito_user_pools", "jwt"]
_TYPES: dict[ApiKind, tuple[AuthorizerType, ...]] = {
    "REST": ("token", "request", "cognito_user_pools"),
    "HTTP": ("request", "jwt"),
}
REST_DEFAULT_TTL_S = 300
MAX_TTL_S = 3600
_OIDC_SUFFIX = "/.well-known/openid-configuration"


@dataclass(frozen=True)
class AuthorizerConfig:
    """One authorizer, normalised."""

    name: str
    type: AuthorizerType
    identity_sources: tuple[IdentitySource, ...]
    function_arn: str | None = None
    validation_expression: str | None = None
    ttl_s: int = 0
    payload_format_version: str = "1.0"
    simple_responses: bool = False
    provider_arns: tuple[str, ...] = ()
    issuer: str | None = None
    audience: tuple[str, ...] = ()


@dataclass(frozen=True)
class Requirement:
    """The authorizer an operation uses and the OAuth scopes it asks for."""

    authorizer: str
    scopes: tuple[str, ...]


def _schemes(document: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    found: dict[str, Mapping[str, Any]] = {}
    components = document.get("components")
    sources = [document.get("securityDefinitions"),
               components.get("securitySchemes") if isinstance(components, Mapping) else None]
    for source in sources:
        if isinstance(source, Mapping):
            found.update({str(k): v for k, v in source.items() if isinstance(v, Mapping)})
    return found


def _ttl(raw: Any, default: int, where: str) -> int:
    if raw is None:
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError) as exc:
        raise SpecError(f"{where}: authorizerResultTtlInSeconds must be an integer, "
                        f"got {raw!r}") from exc
    if isinstance(raw, bool) or not 0 <= value <= MAX_TTL_S:
        raise SpecError(f"{where}: authorizerResultTtlInSeconds must be 0..{MAX_TTL_S}, "
                        f"got {raw!r}")
    return value


def _scheme_source(scheme: Mapping[str, Any], kind: ApiKind, where: str,
                   default: str | None) -> tuple[IdentitySource, ...]:
    """The single identity source a scheme's ``name`` / ``in`` describe (REST)."""
    name = scheme.get("name")
    location = "querystring" if scheme.get("in") == "query" else "header"
    if not isinstance(name, str) or not name or name == "Unused":
        if default is None:
            return ()
        name, location = default, "header"
    return (parse_identity_source(f"method.request.{location}.{name}", kind, where),)


def _lambda_arn(ext: Mapping[str, Any], where: str) -> str:
    uri = ext.get("authorizerUri")
    arn = function_arn_from_uri(uri) if isinstance(uri, str) else None
    if arn is None:
        raise SpecError(f"{where}: authorizerUri does not name a Lambda function: {uri!r}")
    return arn


def _rest_authorizer(name: str, kind_type: AuthorizerType, scheme: Mapping[str, Any],
                     ext: Mapping[str, Any], where: str) -> AuthorizerConfig:
    raw_sources = ext.get("identitySource")
    if kind_type == "cognito_user_pools":
        arns = ext.get("providerARNs")
        if not isinstance(arns, list) or not arns or not all(isinstance(a, str) for a in arns):
            raise SpecError(f"{where}: providerARNs must be a non-empty list of user pool ARNs")
        sources = (parse_identity_sources(raw_sources, "REST", where) if raw_sources
                   else _scheme_source(scheme, "REST", where, "Authorization"))
        return AuthorizerConfig(name, kind_type, sources, provider_arns=tuple(arns))
    expression = ext.get("identityValidationExpression")
    if kind_type == "token":
        sources = (parse_identity_sources(raw_sources, "REST", where) if raw_sources
                   else _scheme_source(scheme, "REST", where, "Authorization"))
        if len(sources) != 1 or sources[0].location != "header":
            raise SpecError(f"{where}: a token authorizer takes exactly one header")
    else:
        sources = (parse_identity_sources(raw_sources, "REST", where) if raw_sources
                   else _scheme_source(scheme, "REST", where, None))
    return AuthorizerConfig(
        name, kind_type, sources, function_arn=_lambda_arn(ext, where),
        validation_expression=expression if isinstance(expression, str) and expression
        and kind_type == "token" else None,
        ttl_s=_ttl(ext.get("authorizerResultTtlInSeconds"), REST_DEFAULT_TTL_S, where))


def _http_authorizer(name: str, kind_type: AuthorizerType, scheme: Mapping[str, Any],
                     ext: Mapping[str, Any], where: str) -> AuthorizerConfig:
    raw_sources = ext.get("identitySource")
    if kind_type == "jwt":
        jwt_config = ext.get("jwtConfiguration")
        jwt_config = jwt_config if isinstance(jwt_config, Mapping) else {}
        issuer = jwt_config.get("issuer")
        oidc = scheme.get("openIdConnectUrl")
        if not issuer and isinstance(oidc, str) and oidc.endswith(_OIDC_SUFFIX):
            issuer = oidc[: -len(_OIDC_SUFFIX)]
        audience = jwt_config.get("audience")
        if isinstance(audience, str):
            audience = [audience]
        if not isinstance(issuer, str) or not issuer:
            raise SpecError(f"{where}: a jwt authorizer needs jwtConfiguration.issuer")
        if not isinstance(audience, list) or not audience \
                or not all(isinstance(a, str) for a in audience):
            raise SpecError(f"{where}: a jwt authorizer needs jwtConfiguration.audience")
        sources = parse_identity_sources(raw_sources or "$request.header.Authorization",
                                         "HTTP", where)
        if len(sources) != 1:
            raise SpecError(f"{where}: a jwt authorizer takes exactly one identity source")
        return AuthorizerConfig(name, kind_type, sources, issuer=issuer.rstrip("/"),
                                audience=tuple(audience))
    version = ext.get("authorizerPayloadFormatVersion", "2.0")
    if isinstance(version, (int, float)) and not isinstance(version, bool):
        version = f"{float(version):.1f}"
    if version not in ("1.0", "2.0"):
        raise SpecError(f"{where}: authorizerPayloadFormatVersion must be '1.0' or '2.0', "
                        f"got {version!r}")
    simple = ext.get("enableSimpleResponses") is True
    if simple and version != "2.0":
        raise SpecError(f"{where}: enableSimpleResponses needs payload format version 2.0")
    sources = parse_identity_sources(raw_sources, "HTTP", where)
    ttl = _ttl(ext.get("authorizerResultTtlInSeconds"), 0, where)
    if ttl and not sources:
        logger.warning("%s: caching needs at least one identity source; caching is off", where)
        ttl = 0
    return AuthorizerConfig(name, kind_type, sources, function_arn=_lambda_arn(ext, where),
                            ttl_s=ttl, payload_format_version=str(version),
                            simple_responses=simple)


def parse_authorizers(api: ApiModel) -> dict[str, AuthorizerConfig]:
    """Every authorizer the API's body declares, by security scheme name."""
    kind = api.kind
    found: dict[str, AuthorizerConfig] = {}
    for name, scheme in _schemes(api.config.definition).items():
        ext = scheme.get(AUTHORIZER_KEY)
        if not isinstance(ext, Mapping):
            continue
        where = f"{api.config.logical_id}: authorizer {name}"
        raw_type = ext.get("type")
        kind_type = raw_type.lower() if isinstance(raw_type, str) else None
        if kind_type not in _TYPES[kind]:
            raise SpecError(f"{where}: type must be one of {', '.join(_TYPES[kind])} for a "
                            f"{kind} API, got {raw_type!r}")
        builder = _rest_authorizer if kind == "REST" else _http_authorizer
        found[name] = builder(name, kind_type, scheme, ext, where)
    return found


def _security(api: ApiModel, operation: Operation) -> list[Any]:
    security = operation.definition.get("security")
    if security is None:
        security = api.config.definition.get("security")
    return security if isinstance(security, list) else []


def sigv4_routes(api: ApiModel) -> list[str]:
    """Route keys protected by IAM authorization (SAM ``AWS_IAM``)."""
    names = {name for name, scheme in _schemes(api.config.definition).items()
             if str(scheme.get("x-amazon-apigateway-authtype", "")).lower() == "awssigv4"}
    return [op.route_key for op in api.operations
            if any(isinstance(req, Mapping) and names & set(req) for req in _security(api, op))]


def requirement_for(api: ApiModel, operation: Operation,
                    authorizers: Mapping[str, AuthorizerConfig]) -> Requirement | None:
    """The authorizer ``operation`` uses, or ``None`` when it is not protected by one."""
    for requirement in _security(api, operation):
        if not isinstance(requirement, Mapping):
            continue
        for name, scopes in requirement.items():
            if name in authorizers:
                listed = scopes if isinstance(scopes, list) else []
                return Requirement(str(name), tuple(str(scope) for scope in listed))
    return None
