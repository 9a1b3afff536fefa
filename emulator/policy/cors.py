"""HTTP API CORS: preflight answers and CORS headers on actual responses.

Copies https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html:

* With a CORS configuration, API Gateway answers preflight ``OPTIONS`` requests itself, even
  when no ``OPTIONS`` route exists, and adds the configured CORS headers to integration
  responses.
* CORS headers returned by the backend are ignored (removed) once CORS is configured.
* Properties: ``allowOrigins``, ``allowCredentials``, ``exposeHeaders``, ``maxAge``,
  ``allowMethods``, ``allowHeaders``; ``*`` is a wildcard for origins, methods and headers.
  The configuration comes from ``x-amazon-apigateway-cors`` (camelCase,
  https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-cors-configuration.html)
  or the ``CorsConfiguration`` of ``AWS::ApiGatewayV2::Api`` / ``AWS::Serverless::HttpApi``
  (PascalCase; SAM also accepts ``true`` meaning "all origins").

Choices where the docs are silent (documented, not observed): a preflight whose origin,
method or headers are not allowed still gets ``204`` but without any CORS header, so the
browser blocks it; a ``*`` in allowMethods/allowHeaders is answered by echoing what the
preflight asked for (always valid for browsers, credentials or not); a matched origin is
echoed unless the rule is ``*`` without credentials, which answers ``*``. HTTP APIs send
lower-case header names.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from emulator.errors import SpecError
from emulator.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

ALLOW_ORIGIN = "access-control-allow-origin"
ALLOW_METHODS = "access-control-allow-methods"
ALLOW_HEADERS = "access-control-allow-headers"
ALLOW_CREDENTIALS = "access-control-allow-credentials"
EXPOSE_HEADERS = "access-control-expose-headers"
MAX_AGE = "access-control-max-age"


@dataclass(frozen=True)
class CorsRule:
    """An HTTP API CORS configuration, normalised."""

    allow_origins: tuple[str, ...] = ()
    allow_methods: tuple[str, ...] = ()
    allow_headers: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    max_age: int | None = None
    allow_credentials: bool = False

    def origin_allowed(self, origin: str) -> bool:
        """Exact (case-insensitive) match, ``*``, or a ``scheme://*.domain`` style wildcard."""
        candidate = origin.lower()
        for allowed in self.allow_origins:
            pattern = allowed.lower()
            if pattern == "*" or pattern == candidate:
                return True
            if "*" in pattern:
                head, _, tail = pattern.partition("*")
                if (candidate.startswith(head) and candidate.endswith(tail)
                        and len(candidate) > len(head) + len(tail)):
                    return True
        return False

    def method_allowed(self, method: str) -> bool:
        upper = method.upper()
        return any(m == "*" or m.upper() == upper for m in self.allow_methods)

    def headers_allowed(self, names: list[str]) -> bool:
        if not names or "*" in self.allow_headers:
            return True
        allowed = {h.lower() for h in self.allow_headers}
        return all(name.lower() in allowed for name in names)


def _strings(value: Any, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return tuple(v.strip() for v in value if v.strip())
    raise SpecError(f"CORS configuration: {key} must be a list of strings, got {value!r}")


def _pick(config: Mapping[str, Any], camel: str) -> Any:
    pascal = camel[0].upper() + camel[1:]
    return config.get(camel, config.get(pascal))


def cors_rule_from_config(config: Mapping[str, Any] | bool | None) -> CorsRule | None:
    """Build a rule from ``x-amazon-apigateway-cors`` or a ``CorsConfiguration`` property."""
    if config is None or config is False:
        return None
    if config is True:
        # SAM: CorsConfiguration: true allows every origin, method and header.
        return CorsRule(allow_origins=("*",), allow_methods=("*",), allow_headers=("*",))
    if not isinstance(config, Mapping):
        raise SpecError(f"CORS configuration must be an object, got {config!r}")
    max_age_raw = _pick(config, "maxAge")
    max_age: int | None
    if max_age_raw is None:
        max_age = None
    elif isinstance(max_age_raw, bool) or not isinstance(max_age_raw, (int, str)):
        raise SpecError(f"CORS configuration: maxAge must be an integer, got {max_age_raw!r}")
    else:
        try:
            max_age = int(max_age_raw)
        except ValueError as exc:
            raise SpecError(
                f"CORS configuration: maxAge must be an integer, got {max_age_raw!r}") from exc
    credentials = _pick(config, "allowCredentials")
    if credentials is not None and not isinstance(credentials, bool):
        if isinstance(credentials, str) and credentials.lower() in ("true", "false"):
            credentials = credentials.lower() == "true"
        else:
            raise SpecError(
                f"CORS configuration: allowCredentials must be a boolean, got {credentials!r}")
    return CorsRule(
        allow_origins=_strings(_pick(config, "allowOrigins"), "allowOrigins"),
        allow_methods=_strings(_pick(config, "allowMethods"), "allowMethods"),
        allow_headers=_strings(_pick(config, "allowHeaders"), "allowHeaders"),
        expose_headers=_strings(_pick(config, "exposeHeaders"), "exposeHeaders"),
        max_age=max_age,
        allow_credentials=bool(credentials),
    )


def _origin_value(rule: CorsRule, origin: str) -> str:
    if "*" in rule.allow_origins and not rule.allow_credentials:
        return "*"
    return origin


def _requested_headers(request: HttpRequest) -> list[str]:
    names: list[str] = []
    for value in request.header_values("Access-Control-Request-Headers"):
        names.extend(part.strip() for part in value.split(",") if part.strip())
    return names


def is_preflight(request: HttpRequest) -> bool:
    """``OPTIONS`` with both ``Origin`` and ``Access-Control-Request-Method``."""
    return (request.method.upper() == "OPTIONS"
            and request.header("Origin") is not None
            and request.header("Access-Control-Request-Method") is not None)


def preflight_response(rule: CorsRule, request: HttpRequest) -> HttpResponse | None:
    """The ``204`` an HTTP API answers a preflight with; ``None`` if not a preflight."""
    if not is_preflight(request):
        return None
    origin = request.header("Origin") or ""
    method = (request.header("Access-Control-Request-Method") or "").strip()
    requested = _requested_headers(request)
    if not (rule.origin_allowed(origin) and rule.method_allowed(method)
            and rule.headers_allowed(requested)):
        logger.debug("CORS preflight refused: origin=%r method=%r headers=%r",
                     origin, method, requested)
        return HttpResponse(status=204, headers=(), body=b"")
    headers: list[tuple[str, str]] = [(ALLOW_ORIGIN, _origin_value(rule, origin))]
    if rule.allow_credentials:
        headers.append((ALLOW_CREDENTIALS, "true"))
    methods = method.upper() if "*" in rule.allow_methods else ",".join(rule.allow_methods)
    headers.append((ALLOW_METHODS, methods))
    if "*" in rule.allow_headers:
        if requested:
            headers.append((ALLOW_HEADERS, ",".join(requested)))
    elif rule.allow_headers:
        headers.append((ALLOW_HEADERS, ",".join(rule.allow_headers)))
    if rule.max_age is not None:
        headers.append((MAX_AGE, str(rule.max_age)))
    return HttpResponse(status=204, headers=tuple(headers), body=b"")


def apply_cors(rule: CorsRule, request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Replace backend CORS headers with the configured ones for an actual request."""
    kept = tuple((k, v) for k, v in response.headers
                 if not k.lower().startswith("access-control-"))
    origin = request.header("Origin")
    if origin is None or not rule.origin_allowed(origin):
        return HttpResponse(status=response.status, headers=kept, body=response.body)
    added: list[tuple[str, str]] = [(ALLOW_ORIGIN, _origin_value(rule, origin))]
    if rule.allow_credentials:
        added.append((ALLOW_CREDENTIALS, "true"))
    if rule.expose_headers:
        added.append((EXPOSE_HEADERS, ",".join(rule.expose_headers)))
    return HttpResponse(status=response.status, headers=kept + tuple(added), body=response.body)
