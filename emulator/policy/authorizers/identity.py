"""Identity sources: where an authorizer finds the caller's identity in a request.

Copies the mapping expressions API Gateway accepts
(https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html,
https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html#http-api-lambda-authorizer.identity-sources):

* REST: ``method.request.header.NAME``, ``method.request.multivalueheader.NAME``,
  ``method.request.querystring.NAME``, ``method.request.multivaluequerystring.NAME``,
  ``stageVariables.NAME``, ``context.NAME``.
* HTTP APIs: ``$request.header.NAME``, ``$request.querystring.NAME``,
  ``$stageVariables.NAME``, ``$context.NAME``.

Header names are case-insensitive, query string names case-sensitive. A REST request keeps
the last value of a repeated header or query key (as its proxy event's single-value maps
do); HTTP APIs join repeated values with commas (as payload 2.0 does). "If any of the
specified identity sources is missing, null, or empty, API Gateway returns 401 without
calling the authorizer": :func:`identity_values` returns ``None`` then, naming the
missing source for the log.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from emulator.errors import SpecError
from emulator.http import HttpRequest, http_api_decode_path, parse_query
from emulator.routing import RouteMatch
from emulator.spec import ApiModel
from emulator.stack import ApiKind

logger = logging.getLogger(__name__)

Location = Literal["header", "multivalueheader", "querystring", "multivaluequerystring",
                   "stage", "context"]

_REST = re.compile(
    r"method\.request\.(header|multivalueheader|querystring|multivaluequerystring)\.(.+)"
    r"|stageVariables\.(.+)|context\.(.+)")
_HTTP = re.compile(r"\$request\.(header|querystring)\.(.+)|\$stageVariables\.(.+)|\$context\.(.+)")


@dataclass(frozen=True)
class IdentitySource:
    """One parsed mapping expression."""

    location: Location
    name: str
    expression: str


def parse_identity_source(expression: str, kind: ApiKind, where: str) -> IdentitySource:
    """Parse one expression in the syntax of ``kind``; :class:`SpecError` otherwise."""
    text = expression.strip()
    found = (_REST if kind == "REST" else _HTTP).fullmatch(text)
    if found is None:
        raise SpecError(f"{where}: identity source {expression!r} is not a "
                        f"{'method.request.*' if kind == 'REST' else '$request.*'} expression")
    location, name, stage_name, context_name = found.groups()
    if stage_name is not None:
        return IdentitySource("stage", stage_name, text)
    if context_name is not None:
        return IdentitySource("context", context_name, text)
    locations: dict[str, Location] = {"header": "header", "multivalueheader": "multivalueheader",
                                      "querystring": "querystring",
                                      "multivaluequerystring": "multivaluequerystring"}
    return IdentitySource(locations[location], name, text)


def parse_identity_sources(raw: object, kind: ApiKind, where: str) -> tuple[IdentitySource, ...]:
    """A comma-separated string (REST, HTTP) or a list of expressions (HTTP, SAM's output)."""
    if raw is None:
        return ()
    if isinstance(raw, str):
        items = [part for part in raw.split(",") if part.strip()]
    elif isinstance(raw, list) and all(isinstance(item, str) for item in raw):
        items = list(raw)
    else:
        raise SpecError(f"{where}: identitySource must be a string or a list of strings")
    return tuple(parse_identity_source(item, kind, where) for item in items)


def _context_variables(request: HttpRequest, match: RouteMatch, api: ApiModel,
                       request_id: str) -> dict[str, Callable[[], str | None]]:
    path = request.path if api.kind == "REST" else (http_api_decode_path(request.path)
                                                    or request.path)
    return {
        "httpMethod": lambda: request.method,
        "path": lambda: f"/{api.stage}{path}" if api.kind == "REST" else path,
        "resourcePath": lambda: match.operation.path,
        "routeKey": lambda: match.operation.route_key,
        "stage": lambda: api.stage,
        "apiId": lambda: api.config.api_id,
        "requestId": lambda: request_id,
        "domainName": lambda: request.host,
        "protocol": lambda: request.protocol,
        "identity.sourceIp": lambda: request.source_ip,
        "identity.userAgent": lambda: request.header("User-Agent"),
        "http.method": lambda: request.method,
        "http.path": lambda: path,
        "http.sourceIp": lambda: request.source_ip,
        "http.userAgent": lambda: request.header("User-Agent"),
    }


def source_value(source: IdentitySource, request: HttpRequest, match: RouteMatch,
                 api: ApiModel, request_id: str) -> str | None:
    """The value one identity source finds in ``request`` (``None`` when absent)."""
    location = source.location
    if location in ("header", "multivalueheader"):
        values = request.header_values(source.name)
    elif location in ("querystring", "multivaluequerystring"):
        values = [value for key, value in parse_query(request.raw_query) if key == source.name]
    elif location == "stage":
        return api.config.stage_variables.get(source.name)
    else:
        getter = _context_variables(request, match, api, request_id).get(source.name)
        if getter is None:
            logger.warning("identity source %s: context variable not emulated",
                           source.expression)
            return None
        return getter()
    if not values:
        return None
    if location.startswith("multivalue") or api.kind == "HTTP":
        return ",".join(values)
    return values[-1]


def identity_values(sources: tuple[IdentitySource, ...], request: HttpRequest,
                    match: RouteMatch, api: ApiModel,
                    request_id: str) -> tuple[tuple[str, ...] | None, str | None]:
    """(values in source order, ``None``) or (``None``, the first missing expression)."""
    values: list[str] = []
    for source in sources:
        value = source_value(source, request, match, api, request_id)
        if not value:
            return None, source.expression
        values.append(value)
    return tuple(values), None
