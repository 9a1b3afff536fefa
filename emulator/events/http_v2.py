"""HTTP API Lambda proxy event, payload format 2.0.

Copies https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
checked against a live capture (hotsock/voker ``vokerhttp/testdata/apigwv2-request.json``):

* No ``multiValue*`` fields: repeated headers and query keys are joined with commas
  (``"first,second"``, no space); header names are lower-case.
* ``cookies`` holds every cookie of every ``Cookie`` header (split on ``;``, trimmed) and the
  ``cookie`` header itself is removed from ``headers``.
* ``rawPath`` and ``requestContext.http.path`` are the *decoded* request path (see
  :func:`emulator.http.http_api_decode_path`), stage prefix included for a named stage
  (the gateway strips it before routing; it is put back here);
  ``rawQueryString`` is the query exactly as received.
* Optional keys are omitted, not ``null``: ``cookies``, ``queryStringParameters``,
  ``pathParameters``, ``stageVariables`` and ``body`` (aws/aws-sam-cli#3463 for the query
  map); ``requestContext.authorizer`` only when an authorizer ran, ``authentication`` only
  with mutual TLS (never here).
* A body is sent as text only for ``text/*``, ``application/json``, ``application/xml`` and
  ``application/javascript``; anything else, a missing ``Content-Type`` and even
  ``application/x-www-form-urlencoded`` is base64-encoded with ``isBase64Encoded: true``
  (verified on real AWS in ministackorg/ministack#766). HTTP APIs have no binaryMediaTypes.
* ``requestId`` is the id the gateway passes in (real HTTP APIs use an opaque id such as
  ``ATfSmjLgPHcESJw=``; the emulator uses a UUID so logs correlate).
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Mapping
from typing import Any

from emulator.events.rest_v1 import api_context, gateway_headers, stage_variables
from emulator.http import HttpRequest, clf_time, http_api_decode_path, media_type, parse_query
from emulator.routing import RouteMatch
from emulator.spec import DEFAULT_ROUTE, ApiModel

logger = logging.getLogger(__name__)

TEXT_MEDIA_TYPES = frozenset({"application/json", "application/xml", "application/javascript"})


def http_api_body(request: HttpRequest) -> tuple[str | None, bool]:
    """(``body``, ``isBase64Encoded``) under the HTTP API text/binary rule."""
    if not request.body:
        return None, False
    kind = media_type(request.header("Content-Type"))
    if kind is not None and (kind.startswith("text/") or kind in TEXT_MEDIA_TYPES):
        return request.body.decode("utf-8", errors="replace"), False
    return base64.b64encode(request.body).decode("ascii"), True


def http_api_path(request: HttpRequest, api: ApiModel) -> str:
    """The decoded path an HTTP API reports, with ``/{stage}`` put back for a named stage."""
    decoded = http_api_decode_path(request.path)
    path = decoded if decoded is not None else request.path
    return path if api.stage == DEFAULT_ROUTE else f"/{api.stage}{path}"


def build_http_v2_event(request: HttpRequest, match: RouteMatch, api: ApiModel, *,
                        request_id: str, time_epoch_ms: int, account_id: str,
                        authorizer: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The event an HTTP API sends a Lambda integration with payloadFormatVersion 2.0."""
    raw = gateway_headers(request, request_id=request_id, time_epoch_ms=time_epoch_ms, lower=True)
    headers: dict[str, str] = {}
    cookie_values: list[str] = []
    for key, value in raw:
        if key == "cookie":
            cookie_values.append(value)
            continue
        headers[key] = f"{headers[key]},{value}" if key in headers else value
    cookies = [piece.strip() for value in cookie_values for piece in value.split(";")
               if piece.strip()]
    query: dict[str, str] = {}
    for key, value in parse_query(request.raw_query):
        query[key] = f"{query[key]},{value}" if key in query else value
    path = http_api_path(request, api)
    context: dict[str, Any] = {
        **api_context(request, api, account_id),
        "http": {
            "method": request.method,
            "path": path,
            "protocol": request.protocol,
            "sourceIp": request.source_ip,
            "userAgent": request.header("User-Agent") or "",
        },
        "requestId": request_id,
        "routeKey": match.operation.route_key,
        "stage": api.stage,
        "time": clf_time(time_epoch_ms),
        "timeEpoch": time_epoch_ms,
    }
    if authorizer is not None:
        context["authorizer"] = dict(authorizer)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": match.operation.route_key,
        "rawPath": path,
        "rawQueryString": request.raw_query,
    }
    if cookies:
        event["cookies"] = cookies
    event["headers"] = headers
    if query:
        event["queryStringParameters"] = query
    event["requestContext"] = context
    body, is_base64 = http_api_body(request)
    if body is not None:
        event["body"] = body
    if match.path_parameters:
        event["pathParameters"] = dict(match.path_parameters)
    event["isBase64Encoded"] = is_base64
    variables = stage_variables(api)
    if variables:
        event["stageVariables"] = variables
    return event
