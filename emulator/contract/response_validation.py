"""``serve --validate-responses``: every handler response checked against the published spec.

API Gateway never checks what an integration returns against the OpenAPI definition
(https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-settings-method-response.html
only maps it); this is a local safety net on top. Each handler response (never the
gateway's own 4xx/5xx) is validated with openapi-core - status code documented,
content type, body schema, required/typed headers - by a validator compiled once per API
at start-up. A violation is logged with the operation, status, JSON path and message;
``--strict`` answers the client 502 with the violation instead (so a frontend developer
sees a contract break at once).
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

from emulator.app import Emulator
from emulator.http import HttpRequest, HttpResponse
from emulator.routing import RouteMatch

logger = logging.getLogger(__name__)

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
VIOLATION_HEADER = "X-Emulator-Contract-Violation"


@dataclass(frozen=True)
class Violation:
    operation: str  # "GET /blog/{id}"
    status: int
    location: str  # "body $.items[0].title", "header X-Total", "status", "content-type"
    message: str

    def __str__(self) -> str:
        return f"{self.operation} -> {self.status}: {self.location}: {self.message}"


class _Request:
    """openapi-core's Request protocol over the matched route (no path search by URL)."""

    host_url = "http://localhost"

    def __init__(self, request: HttpRequest, match: RouteMatch) -> None:
        self.method = request.method.lower()
        self.path = self.path_pattern = match.operation.path
        self.parameters = RequestParameters(
            path=dict(match.path_parameters), query=ImmutableMultiDict(),
            header=Headers(list(request.headers)), cookie=ImmutableMultiDict())
        self.content_type = request.header("content-type") or ""
        self.body = request.body


class _Response:
    def __init__(self, response: HttpResponse) -> None:
        self.status_code = response.status
        self.headers = Headers(list(response.headers))
        self.content_type = (self.headers.get("content-type") or "").lower()
        self.data = response.body


class ResponseValidator:
    """Validates one API's handler responses against its spec; built once per API."""

    def __init__(self, spec: Mapping[str, Any], *, strict: bool = False) -> None:
        document = copy.deepcopy(dict(spec))
        # Match operations by their path template, wherever the API is served.
        document["servers"] = [{"url": "/"}]
        self._openapi = OpenAPI.from_dict(document)
        # Building the validator compiles the schemas now, not on the first request.
        self._validator = self._openapi.response_validator
        self._operations = frozenset(
            (method.upper(), path) for path, item in (document.get("paths") or {}).items()
            if isinstance(item, Mapping) for method in item if method in _METHODS)
        self.strict = strict

    def violations(self, request: HttpRequest, match: RouteMatch,
                   response: HttpResponse) -> list[Violation]:
        operation = match.operation
        if (request.method, operation.path) not in self._operations:
            return []  # an ANY or greedy route the spec does not list per method
        name = f"{request.method} {operation.path}"
        errors = self._openapi.iter_response_errors(_Request(request, match),
                                                    _Response(response))
        return [Violation(name, response.status, location, message)
                for error in errors for location, message in _describe(error)]

    def check(self, request: HttpRequest, match: RouteMatch, response: HttpResponse,
              request_id: str) -> HttpResponse:
        """``response`` as it is, or (strict) the 502 naming its violations; logs them."""
        found = self.violations(request, match, response)
        for violation in found:
            logger.warning("%s contract violation: %s", request_id, violation)
        if not found or not self.strict:
            return response
        body = {"message": "Response violates the API contract",
                "violations": [str(v) for v in found]}
        return HttpResponse(status=502, headers=(("Content-Type", "application/json"),
                                                 (VIOLATION_HEADER, str(len(found)))),
                            body=json.dumps(body).encode())


def _describe(error: BaseException) -> Iterator[tuple[str, str]]:
    """(location, message) pairs: the innermost schema errors with their JSON paths."""
    schema_errors = list(_schema_errors(error))
    if schema_errors:
        for inner in schema_errors:
            path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}"
                           for p in getattr(inner, "absolute_path", ()))
            yield f"body ${path}", str(getattr(inner, "message", inner))
        return
    kind = type(error).__name__
    if "ResponseNotFound" in kind:
        yield "status", "status code not documented"
    elif "MediaType" in kind:
        yield "content-type", str(error)
    elif "Header" in kind:
        yield "header", str(error)
    else:
        yield kind, str(error)


def _schema_errors(error: BaseException | None) -> Iterable[Any]:
    seen = 0
    while error is not None and seen < 5:
        inner = getattr(error, "schema_errors", None)
        if inner:
            return list(inner)
        error = error.__cause__
        seen += 1
    return []


def enable_response_validation(emulator: Emulator, *, strict: bool = False) -> list[str]:
    """Validate the handler responses of every API with an OpenAPI 3 contract: its spec
    file (see :mod:`emulator.contract.targets`), else its deployed definition. Returns
    the logical ids of the APIs validated."""
    from emulator.contract.diff_load import load_spec
    from emulator.contract.targets import discover_targets

    spec_files = {t.api_logical_id: t.spec_path for t in discover_targets(emulator)}
    validated = []
    for logical_id, gateway in emulator.gateways.items():
        path = spec_files.get(logical_id)
        definition = gateway.api.config.definition
        if path is not None:
            document: Mapping[str, Any] = load_spec(str(path))
        elif str(definition.get("openapi", "")).startswith("3"):
            document = definition
        else:
            logger.warning("%s: no OpenAPI 3 contract (Swagger 2 or none); its responses are "
                           "not validated", logical_id)
            continue
        gateway.response_check = ResponseValidator(document, strict=strict).check
        validated.append(logical_id)
    return validated
