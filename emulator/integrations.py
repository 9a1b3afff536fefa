"""REST API ``MOCK`` integrations - what SAM generates for ``Cors`` ``OPTIONS`` methods.

Copies:

* Mock integrations: the request mapping template yields ``{"statusCode": N}`` and that
  status selects the integration response
  https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-mock-integration.html
* Template selection by the request ``Content-Type``, ``application/json`` when there is
  none; ``passthroughBehavior`` ``when_no_match`` (default) passes the body through,
  ``when_no_templates`` / ``never`` reject an unmapped content type with 415
  https://docs.aws.amazon.com/apigateway/latest/developerguide/integration-passthrough-behaviors.html
* ``responses``: keys are selection patterns (regular expressions matched against the
  whole integration status) or ``default``; no match and no default is a configuration
  error, 500 ``Internal server error``
  https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-integration-responses.html
* ``responseParameters`` ``method.response.header.X`` mapped from a static value in single
  quotes (``"'GET,OPTIONS'"``)
  https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-integration-responseParameters.html
* ``responseTemplates`` chosen by the first ``Accept`` type, else ``application/json``, else
  the first one; the chosen key is the response ``Content-Type``.

Velocity (VTL) is not evaluated: templates are used as literal text, which covers what SAM
and CDK generate (``{"statusCode": 200}`` and ``{}``). Non-static response parameters are
skipped with a debug log.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from emulator.http import HttpRequest, HttpResponse, first_accept_type, media_type
from emulator.spec import Operation

logger = logging.getLogger(__name__)

_STATUS_IN_TEMPLATE = re.compile(r'"statusCode"\s*:\s*"?(\d{3})')
_HEADER_PREFIX = "method.response.header."
_INTERNAL_ERROR = HttpResponse(
    status=500,
    headers=(("Content-Type", "application/json"),
             ("x-amzn-ErrorType", "InternalServerErrorException")),
    body=b'{"message": "Internal server error"}',
)
_UNSUPPORTED = HttpResponse(
    status=415,
    headers=(("Content-Type", "application/json"),
             ("x-amzn-ErrorType", "UnsupportedMediaTypeException")),
    body=b'{"message": "Unsupported Media Type"}',
)


@lru_cache(maxsize=512)
def _pattern(selection: str) -> re.Pattern[str] | None:
    try:
        return re.compile(selection, re.DOTALL)
    except re.error:
        logger.warning("invalid integration response selection pattern %r", selection)
        return None


def _lookup(templates: Mapping[str, Any], wanted: str | None) -> str | None:
    if wanted is None:
        return None
    for key in templates:
        if isinstance(key, str) and key.lower() == wanted:
            return key
    return None


def _integration_status(template: str) -> str:
    try:
        parsed = json.loads(template)
    except ValueError:
        parsed = None
    if isinstance(parsed, Mapping):
        raw = parsed.get("statusCode")
        if isinstance(raw, int) and not isinstance(raw, bool):
            return str(raw)
        if isinstance(raw, str) and raw.strip().isdigit():
            return raw.strip()
    found = _STATUS_IN_TEMPLATE.search(template)
    return found.group(1) if found else "200"


def _request_payload(definition: Mapping[str, Any], request: HttpRequest) -> str | None:
    """The mapped integration request, or ``None`` for a 415 rejection."""
    templates = definition.get("requestTemplates") or {}
    if not isinstance(templates, Mapping):
        templates = {}
    content_type = media_type(request.header("Content-Type")) or "application/json"
    key = _lookup(templates, content_type)
    if key is not None:
        value = templates[key]
        return value if isinstance(value, str) else ""
    behavior = str(definition.get("passthroughBehavior") or "when_no_match").lower()
    if behavior == "never" or (behavior == "when_no_templates" and templates):
        return None
    return request.body.decode("utf-8", errors="replace")


def _select_response(responses: Mapping[str, Any], status: str) -> Mapping[str, Any] | None:
    for selection, response in responses.items():
        if selection == "default" or not isinstance(response, Mapping):
            continue
        pattern = _pattern(str(selection))
        if pattern is not None and pattern.fullmatch(status):
            return response
    default = responses.get("default")
    return default if isinstance(default, Mapping) else None


def mock_response(operation: Operation, request: HttpRequest) -> HttpResponse:
    """Answer ``request`` from ``operation``'s MOCK integration."""
    integration = operation.integration
    definition: Mapping[str, Any] = integration.definition if integration is not None else {}
    payload = _request_payload(definition, request)
    if payload is None:
        return _UNSUPPORTED
    status = _integration_status(payload)
    responses = definition.get("responses") or {}
    selected = _select_response(responses, status) if isinstance(responses, Mapping) else None
    if selected is None:
        logger.error("%s %s: Execution failed due to configuration error: No match for output "
                     "mapping and no default output mapping configured. Endpoint Response "
                     "Status Code: %s", operation.method, operation.path, status)
        return _INTERNAL_ERROR
    try:
        method_status = int(str(selected.get("statusCode", status)))
    except ValueError:
        logger.error("%s %s: integration response statusCode %r is not a number",
                     operation.method, operation.path, selected.get("statusCode"))
        return _INTERNAL_ERROR
    headers: list[tuple[str, str]] = []
    parameters = selected.get("responseParameters") or {}
    if isinstance(parameters, Mapping):
        for target, source in parameters.items():
            if not str(target).startswith(_HEADER_PREFIX):
                continue
            name = str(target)[len(_HEADER_PREFIX):]
            if isinstance(source, str) and len(source) >= 2 and source[0] == source[-1] == "'":
                headers.append((name, source[1:-1]))
            else:
                logger.debug("mock response parameter %s <- %r not static; skipped", name, source)
    body = b""
    content_type = "application/json"
    templates = selected.get("responseTemplates") or {}
    if isinstance(templates, Mapping) and templates:
        key = (_lookup(templates, first_accept_type(request.header("Accept")))
               or _lookup(templates, "application/json")
               or next(iter(templates)))
        value = templates[key]
        body = value.encode("utf-8") if isinstance(value, str) else b""
        content_type = str(key)
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", content_type))
    return HttpResponse(status=method_status, headers=tuple(headers), body=body)
