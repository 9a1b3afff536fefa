"""OpenAPI (Swagger 2.0 / OpenAPI 3.x) + ``x-amazon-apigateway-*`` extensions -> routable model.

Copies how API Gateway imports a definition:

* ``x-amazon-apigateway-integration`` (type, uri, payloadFormatVersion, timeoutInMillis, ...)
  https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-integration.html;
  HTTP APIs may ``$ref`` an integration kept under ``components/x-amazon-apigateway-integrations``
  https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-extensions-integrations.html
* ``x-amazon-apigateway-any-method`` is the ``ANY`` method
  https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-any-method.html
* ``x-amazon-apigateway-binary-media-types`` (``~1`` stands for ``/``, as SAM's
  ``BinaryMediaTypes`` documents) and ``x-amazon-apigateway-cors`` (HTTP APIs only).
* Lambda integration URIs look like
  ``arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/<FunctionArn>/invocations``;
  HTTP APIs also accept the bare function ARN.
* REST integrations always use payload 1.0. HTTP APIs: the docs say CLI/CloudFormation/SDK
  callers "must specify" ``payloadFormatVersion`` and the console defaults to the latest
  (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html);
  SAM writes ``"2.0"`` by default (aws/serverless-application-model#1517) and SAM CLI treats a
  missing value as ``2.0``, so a missing value here means ``2.0``.
* Path parts are whole segments: ``literal``, ``{name}`` or a trailing greedy ``{name+}``
  (REST: "Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and
  the end"); a REST resource cannot have two differently named variable children.
* ``basePath`` / ``servers`` are ignored, as a REST import does by default.

Only local ``#/...`` JSON pointers are resolved; anything else is a :class:`SpecError`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from emulator.errors import SpecError
from emulator.policy.cors import CorsRule, cors_rule_from_config
from emulator.stack import ApiConfig, ApiKind

logger = logging.getLogger(__name__)

INTEGRATION_KEY = "x-amazon-apigateway-integration"
ANY_METHOD_KEY = "x-amazon-apigateway-any-method"
DEFAULT_ROUTE = "$default"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
INTEGRATION_TYPES = ("aws_proxy", "aws", "http", "http_proxy", "mock")
_LAMBDA_PATH = ":lambda:path/2015-03-31/functions/"


def _frozen(mapping: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class Integration:
    """One ``x-amazon-apigateway-integration`` object, normalised."""

    type: str
    function_arn: str | None
    payload_format_version: str
    timeout_ms: int
    definition: Mapping[str, Any] = field(default_factory=_frozen)


@dataclass(frozen=True)
class Operation:
    """A method on a resource path (REST) or a route (HTTP API)."""

    method: str
    path: str
    route_key: str
    operation_id: str | None
    integration: Integration | None
    definition: Mapping[str, Any] = field(default_factory=_frozen)
    parameters: tuple[Mapping[str, Any], ...] = ()


@dataclass(frozen=True)
class ApiModel:
    """A parsed API: its config plus every operation, ready for the router."""

    config: ApiConfig
    operations: tuple[Operation, ...]
    binary_media_types: tuple[str, ...] = ()
    cors: CorsRule | None = None
    gateway_responses: Mapping[str, Any] = field(default_factory=_frozen)

    @property
    def kind(self) -> ApiKind:
        return self.config.kind

    @property
    def stage(self) -> str:
        return self.config.stage


class _Resolver:
    """Local ``$ref`` resolution with cycle detection."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self._document = document

    def pointer(self, ref: str, where: str) -> Any:
        if not ref.startswith("#/") and ref != "#":
            raise SpecError(f"{where}: only local $ref ('#/...') is supported, got {ref!r}")
        node: Any = self._document
        for raw in ref[2:].split("/") if ref != "#" else []:
            token = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(node, Mapping) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                raise SpecError(f"{where}: $ref {ref!r} does not resolve")
        return node

    def resolve(self, value: Any, where: str) -> Any:
        seen: set[str] = set()
        while isinstance(value, Mapping) and "$ref" in value:
            ref = value["$ref"]
            if not isinstance(ref, str):
                raise SpecError(f"{where}: $ref must be a string, got {ref!r}")
            if ref in seen:
                raise SpecError(f"{where}: $ref cycle through {ref!r}")
            seen.add(ref)
            value = self.pointer(ref, where)
        return value


def function_arn_from_uri(uri: str) -> str | None:
    """The Lambda function ARN an integration URI names (or the bare ARN), else ``None``."""
    if _LAMBDA_PATH in uri and uri.startswith("arn:"):
        tail = uri.split(_LAMBDA_PATH, 1)[1]
        if tail.endswith("/invocations"):
            tail = tail[: -len("/invocations")]
        return tail if tail.startswith("arn:") and ":function:" in tail else None
    if uri.startswith("arn:") and ":lambda:" in uri and ":function:" in uri:
        return uri
    return None


def _payload_version(raw: Any, kind: ApiKind, where: str) -> str:
    if kind == "REST":
        return "1.0"
    if raw is None:
        return "2.0"
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        raw = f"{float(raw):.1f}"
    if raw not in ("1.0", "2.0"):
        raise SpecError(f"{where}: payloadFormatVersion must be '1.0' or '2.0', got {raw!r}")
    return str(raw)


def _timeout(raw: Any, default: int, where: str) -> int:
    if raw is None:
        return default
    if isinstance(raw, bool):
        raise SpecError(f"{where}: timeoutInMillis must be an integer, got {raw!r}")
    try:
        value = int(raw)
    except (TypeError, ValueError) as exc:
        raise SpecError(f"{where}: timeoutInMillis must be an integer, got {raw!r}") from exc
    if value <= 0:
        raise SpecError(f"{where}: timeoutInMillis must be positive, got {value}")
    return value


def _integration(raw: Any, kind: ApiKind, default_timeout_ms: int, where: str,
                 resolver: _Resolver) -> Integration | None:
    if raw is None:
        return None
    definition = resolver.resolve(raw, where)
    if not isinstance(definition, Mapping):
        raise SpecError(f"{where}: {INTEGRATION_KEY} must be an object")
    type_raw = definition.get("type")
    if not isinstance(type_raw, str) or type_raw.lower() not in INTEGRATION_TYPES:
        raise SpecError(f"{where}: integration type must be one of {', '.join(INTEGRATION_TYPES)},"
                        f" got {type_raw!r}")
    itype = type_raw.lower()
    uri = definition.get("uri")
    if uri is not None and not isinstance(uri, str):
        raise SpecError(
            f"{where}: integration uri is not a string (unresolved intrinsic?): {uri!r}")
    function_arn = function_arn_from_uri(uri) if uri else None
    subtype = definition.get("integrationSubtype")
    if itype == "aws_proxy" and function_arn is None and subtype is None:
        raise SpecError(
            f"{where}: aws_proxy integration uri does not name a Lambda function: {uri!r}")
    return Integration(
        type=itype,
        function_arn=function_arn,
        payload_format_version=_payload_version(
            definition.get("payloadFormatVersion"), kind, where),
        timeout_ms=_timeout(definition.get("timeoutInMillis"), default_timeout_ms, where),
        definition=MappingProxyType(dict(definition)),
    )


def _check_path(path: str, kind: ApiKind, where: str) -> None:
    if path == DEFAULT_ROUTE:
        if kind != "HTTP":
            raise SpecError(f"{where}: '$default' routes exist only in HTTP APIs")
        return
    if not path.startswith("/"):
        raise SpecError(f"{where}: path must start with '/'")
    segments = path.strip("/").split("/") if path != "/" else []
    for index, segment in enumerate(segments):
        if not segment:
            raise SpecError(f"{where}: empty path segment")
        has_brace = "{" in segment or "}" in segment
        if not has_brace:
            continue
        if not (segment.startswith("{") and segment.endswith("}")) or segment.count("{") != 1:
            raise SpecError(f"{where}: path variable {segment!r} must be a whole segment")
        name = segment[1:-1]
        greedy = name.endswith("+")
        if greedy:
            name = name[:-1]
        if not name:
            raise SpecError(f"{where}: empty path variable name")
        if greedy and index != len(segments) - 1:
            raise SpecError(f"{where}: greedy variable {segment!r} must be the last segment")


def _parameters(path_item: Mapping[str, Any], operation: Mapping[str, Any], where: str,
                resolver: _Resolver) -> tuple[Mapping[str, Any], ...]:
    merged: dict[tuple[str, str], Mapping[str, Any]] = {}
    for source in (path_item.get("parameters"), operation.get("parameters")):
        if source is None:
            continue
        if not isinstance(source, list):
            raise SpecError(f"{where}: parameters must be a list")
        for raw in source:
            param = resolver.resolve(raw, where)
            if not isinstance(param, Mapping) or not isinstance(param.get("name"), str) \
                    or not isinstance(param.get("in"), str):
                raise SpecError(f"{where}: every parameter needs a string 'name' and 'in'")
            merged[(param["name"], param["in"])] = MappingProxyType(dict(param))
    return tuple(merged.values())


def _check_rest_siblings(operations: list[Operation]) -> None:
    """REST resource trees allow one variable child per resource."""
    variables: dict[str, tuple[str, str]] = {}
    for op in operations:
        segments = op.path.strip("/").split("/") if op.path not in ("/", DEFAULT_ROUTE) else []
        for index, segment in enumerate(segments):
            if not segment.startswith("{"):
                continue
            parent = "/" + "/".join(segments[:index])
            seen = variables.setdefault(parent, (segment, op.path))
            if seen[0] != segment:
                raise SpecError(
                    f"{op.path} {op.method}: a sibling ({seen[0]} in {seen[1]}) of {segment} "
                    "already has a variable path part -- only one is allowed")


def _binary_media_types(document: Mapping[str, Any], config: ApiConfig) -> tuple[str, ...]:
    raw = document.get("x-amazon-apigateway-binary-media-types") or []
    if not isinstance(raw, list) or not all(isinstance(t, str) for t in raw):
        raise SpecError("x-amazon-apigateway-binary-media-types must be a list of strings")
    result: list[str] = []
    for media in [*raw, *config.binary_media_types]:
        decoded = media.replace("~1", "/")
        if decoded not in result:
            result.append(decoded)
    return tuple(result)


def parse_api(config: ApiConfig, *, default_timeout_ms: int = 29_000) -> ApiModel:
    """Parse ``config.definition``; raises :class:`SpecError` naming path and method."""
    document = config.definition
    name = config.logical_id
    if not isinstance(document, Mapping):
        raise SpecError(f"{name}: API definition must be an object")
    version = str(document.get("swagger") or document.get("openapi") or "")
    if not (version.startswith("2.") or version.startswith("3.")):
        raise SpecError(f"{name}: not a Swagger 2.0 / OpenAPI 3.x document "
                        f"(swagger/openapi = {version!r})")
    paths = document.get("paths")
    if paths is None:
        paths = {}
    if not isinstance(paths, Mapping):
        raise SpecError(f"{name}: 'paths' must be an object")
    resolver = _Resolver(document)
    operations: list[Operation] = []
    for path, raw_item in paths.items():
        where_path = f"{name}: {path}"
        if not isinstance(path, str):
            raise SpecError(f"{where_path}: path keys must be strings")
        path_item = resolver.resolve(raw_item, where_path)
        if not isinstance(path_item, Mapping):
            raise SpecError(f"{where_path}: path item must be an object")
        for key, raw_op in path_item.items():
            lowered = key.lower() if isinstance(key, str) else ""
            if lowered == ANY_METHOD_KEY:
                method = "ANY"
            elif lowered in HTTP_METHODS:
                method = lowered.upper()
            else:
                continue
            where = f"{name}: {path} {method}"
            _check_path(path, config.kind, where)
            op_def = resolver.resolve(raw_op, where)
            if not isinstance(op_def, Mapping):
                raise SpecError(f"{where}: operation must be an object")
            operation_id = op_def.get("operationId")
            route_key = DEFAULT_ROUTE if path == DEFAULT_ROUTE else f"{method} {path}"
            operations.append(Operation(
                method=method,
                path=path,
                route_key=route_key,
                operation_id=operation_id if isinstance(operation_id, str) else None,
                integration=_integration(op_def.get(INTEGRATION_KEY), config.kind,
                                         default_timeout_ms, where, resolver),
                definition=MappingProxyType(dict(op_def)),
                parameters=_parameters(path_item, op_def, where, resolver),
            ))
    if config.kind == "REST":
        _check_rest_siblings(operations)
    cors: CorsRule | None = None
    if config.kind == "HTTP":
        raw_cors = config.cors_configuration
        if raw_cors is None:
            raw_cors = document.get("x-amazon-apigateway-cors")
        cors = cors_rule_from_config(raw_cors)
    responses = document.get("x-amazon-apigateway-gateway-responses") or {}
    if not isinstance(responses, Mapping):
        raise SpecError(f"{name}: x-amazon-apigateway-gateway-responses must be an object")
    logger.debug("parsed %s (%s): %d operations", name, config.kind, len(operations))
    return ApiModel(
        config=config,
        operations=tuple(operations),
        binary_media_types=_binary_media_types(document, config),
        cors=cors,
        gateway_responses=MappingProxyType(dict(responses)),
    )
