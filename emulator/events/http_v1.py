"""HTTP API Lambda proxy event, payload format 1.0 (the REST-compatible shape).

Copies the ``1.0`` example of
https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html:
the REST field set plus ``"version": "1.0"``, with the HTTP API differences:

* header names are lower-case ("All headernames are lowercased"); ``headers`` keeps the last
  value, ``multiValueHeaders`` all of them; the ``cookie`` header stays (no ``cookies`` field);
* ``queryStringParameters`` keeps the last value of a repeated key, like REST (observed:
  ``colors[]=blue&colors[]=red`` -> ``"red"``, gist metaskills/55f9e3c7);
* ``path`` / ``requestContext.path`` are the full decoded request path (stage included),
  ``resourceId`` is ``null``, ``resourcePath`` the route path (the request path for
  ``$default``), and there is never an ``operationName`` (SAM CLI notes the same);
* the body follows the HTTP API text/binary rule, not binaryMediaTypes.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from emulator.events.http_v2 import http_api_body, http_api_path
from emulator.events.rest_v1 import (
    api_context,
    extended_request_id,
    gateway_headers,
    identity,
    path_parameters,
    stage_variables,
    v1_header_maps,
    v1_query_maps,
)
from emulator.http import HttpRequest, clf_time
from emulator.routing import RouteMatch
from emulator.spec import DEFAULT_ROUTE, ApiModel

logger = logging.getLogger(__name__)


def build_http_v1_event(request: HttpRequest, match: RouteMatch, api: ApiModel, *,
                        request_id: str, time_epoch_ms: int, account_id: str,
                        authorizer: Mapping[str, Any] | None = None,
                        iam_caller: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The event an HTTP API sends a Lambda integration with payloadFormatVersion 1.0."""
    operation = match.operation
    headers, multi_headers = v1_header_maps(
        gateway_headers(request, request_id=request_id, time_epoch_ms=time_epoch_ms, lower=True))
    query, multi_query = v1_query_maps(request.raw_query)
    body, is_base64 = http_api_body(request)
    path = http_api_path(request, api)
    resource = path if operation.path == DEFAULT_ROUTE else operation.path
    context: dict[str, Any] = {
        **api_context(request, api, account_id),
        "extendedRequestId": extended_request_id(request_id),
        "httpMethod": request.method,
        "identity": identity(request, with_api_key=False, iam_caller=iam_caller),
        "path": path,
        "protocol": request.protocol,
        "requestId": request_id,
        "requestTime": clf_time(time_epoch_ms),
        "requestTimeEpoch": time_epoch_ms,
        "resourceId": None,
        "resourcePath": resource,
        "stage": api.stage,
    }
    if authorizer is not None:
        context["authorizer"] = dict(authorizer)
    return {
        "version": "1.0",
        "resource": resource,
        "path": path,
        "httpMethod": request.method,
        "headers": headers,
        "multiValueHeaders": multi_headers,
        "queryStringParameters": query,
        "multiValueQueryStringParameters": multi_query,
        "requestContext": context,
        "pathParameters": path_parameters(match),
        "stageVariables": stage_variables(api),
        "body": body,
        "isBase64Encoded": is_base64,
    }
