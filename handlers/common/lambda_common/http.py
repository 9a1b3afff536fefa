"""Lambda proxy responses for API Gateway REST APIs: JSON bodies, errors, CORS headers.

A proxy integration returns ``{statusCode, headers, body}``
(https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-output-format);
with proxy integrations the function itself must send the CORS headers on every response
(https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html#apigateway-enable-cors-proxy).
Errors are JSON: ``{"message"}`` plus ``{"errors": {field: message}}`` for invalid input.
"""

from __future__ import annotations

import base64
import functools
import json
import os
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from .coldstart import take_init_duration_ms, with_init_timing
from .logs import get_logger, set_correlation_id

logger = get_logger(__name__)

Event = dict[str, Any]
Response = dict[str, Any]


class ApiError(Exception):
    """An error the client caused or may see; becomes a JSON response."""

    status = 500

    def __init__(self, message: str, *, errors: Mapping[str, str] | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = dict(errors or {})
        self.headers = dict(headers or {})


class BadRequest(ApiError):
    status = 400


class Unauthorized(ApiError):
    status = 401


class Forbidden(ApiError):
    status = 403


class NotFound(ApiError):
    status = 404


class Conflict(ApiError):
    status = 409


class TooManyRequests(ApiError):
    status = 429


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, set):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def cors_headers() -> dict[str, str]:
    """The CORS headers every response carries (origin from ``CORS_ALLOW_ORIGIN``)."""
    return {
        "Access-Control-Allow-Origin": os.environ.get("CORS_ALLOW_ORIGIN", "*"),
        "Access-Control-Allow-Headers": "Content-Type,Authorization,X-Api-Key",
        "Access-Control-Allow-Methods": "GET,POST,PUT,DELETE,OPTIONS",
    }


def json_response(status: int, body: Any, headers: Mapping[str, str] | None = None) -> Response:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json", **cors_headers(), **dict(headers or {})},
        "body": "" if body is None else json.dumps(body, default=_default),
    }


def error_response(error: ApiError) -> Response:
    body: dict[str, Any] = {"message": error.message}
    if error.errors:
        body["errors"] = error.errors
    return json_response(error.status, body, error.headers)


def json_body(event: Event) -> dict[str, Any]:
    """The request body as a JSON object; 400 when it is missing or not an object."""
    raw = event.get("body")
    if raw is None or raw == "":
        raise BadRequest("Request body is required", errors={"body": "required"})
    if event.get("isBase64Encoded"):
        raw = base64.b64decode(raw).decode("utf-8", "replace")
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise BadRequest("Request body is not valid JSON", errors={"body": "invalid JSON"}) from exc
    if not isinstance(data, dict):
        raise BadRequest("Request body must be a JSON object", errors={"body": "not an object"})
    if not _is_unicode(data):
        # JSON's "\ud800" escapes decode to unpaired surrogates, which no AWS API (and no
        # UTF-8 encoder) accepts: refused here rather than failing deep in a boto3 call.
        raise BadRequest("Request body is not valid Unicode",
                         errors={"body": "contains an unpaired surrogate"})
    return data


def _is_unicode(value: Any) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_is_unicode(k) and _is_unicode(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_is_unicode(item) for item in value)
    return True


def path_param(event: Event, name: str) -> str:
    value = (event.get("pathParameters") or {}).get(name)
    if not value:
        raise BadRequest(f"Missing path parameter {name}", errors={name: "required"})
    return str(value)


def query_params(event: Event) -> dict[str, str]:
    return dict(event.get("queryStringParameters") or {})


def header(event: Event, name: str) -> str | None:
    lowered = name.lower()
    for key, value in (event.get("headers") or {}).items():
        if key.lower() == lowered:
            return str(value)
    return None


Handler = Callable[[Event, Any], Response]


def api_handler(func: Handler) -> Handler:
    """Wrap a route handler: correlation id, access log line, ApiError -> JSON response.

    The first response of an execution environment carries its init duration
    (``Server-Timing: init;dur=<ms>``, see coldstart.py). Unexpected exceptions propagate,
    so Lambda records the invocation as failed and API Gateway answers 502 without leaking
    the traceback.
    """

    @functools.wraps(func)
    def wrapper(event: Event, context: Any) -> Response:
        init_ms = take_init_duration_ms()
        request_context = event.get("requestContext") or {}
        set_correlation_id(str(request_context.get("requestId")
                               or getattr(context, "aws_request_id", "-")))
        try:
            response = func(event, context)
        except ApiError as error:
            response = error_response(error)
        logger.info("request",
                    method=event.get("httpMethod"), path=event.get("path"),
                    resource=event.get("resource"), status=response.get("statusCode"))
        return response if init_ms is None else with_init_timing(response, init_ms)

    return wrapper
