"""The responses API Gateway produces itself, with their exact status codes and bodies.

REST APIs answer with the default gateway responses listed in
https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
(body ``{"message": ...}`` and an ``x-amzn-ErrorType`` header); HTTP APIs answer with the
shorter set documented in
https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-lambda.html
(``{"message":"Not Found"}``, ``{"message":"Internal Server Error"}``,
``{"message":"Service Unavailable"}`` on an integration timeout).
"""

from __future__ import annotations

from emulator.errors import GatewayError
from emulator.stack import ApiKind


def missing_route(kind: ApiKind) -> GatewayError:
    """No resource/method matches: REST hides it behind 403, HTTP APIs say 404."""
    if kind == "REST":
        return GatewayError(403, {"message": "Missing Authentication Token"},
                            response_type="MISSING_AUTHENTICATION_TOKEN",
                            error_type="MissingAuthenticationTokenException")
    return GatewayError(404, {"message": "Not Found"}, response_type="RESOURCE_NOT_FOUND")


def unknown_stage(kind: ApiKind) -> GatewayError:
    """The URL names a stage the API does not have."""
    if kind == "REST":
        return GatewayError(403, {"message": "Forbidden"}, response_type="DEFAULT_4XX",
                            error_type="ForbiddenException")
    return GatewayError(404, {"message": "Not Found"}, response_type="RESOURCE_NOT_FOUND")


def integration_failure(kind: ApiKind) -> GatewayError:
    """Handler exception, function timeout or malformed proxy result."""
    if kind == "REST":
        return GatewayError(502, {"message": "Internal server error"},
                            response_type="DEFAULT_5XX",
                            error_type="InternalServerErrorException")
    return GatewayError(500, {"message": "Internal Server Error"}, response_type="DEFAULT_5XX")


def internal_error(kind: ApiKind) -> GatewayError:
    """A configuration error on the gateway side (missing function, throttled Lambda...)."""
    if kind == "REST":
        return GatewayError(500, {"message": "Internal server error"},
                            response_type="DEFAULT_5XX",
                            error_type="InternalServerErrorException")
    return GatewayError(500, {"message": "Internal Server Error"}, response_type="DEFAULT_5XX")


def integration_timeout(kind: ApiKind) -> GatewayError:
    """The integration's ``timeoutInMillis`` elapsed before the function answered."""
    if kind == "REST":
        return GatewayError(504, {"message": "Endpoint request timed out"},
                            response_type="INTEGRATION_TIMEOUT",
                            error_type="InternalServerErrorException")
    return GatewayError(503, {"message": "Service Unavailable"},
                        response_type="INTEGRATION_TIMEOUT")


def request_too_large(kind: ApiKind) -> GatewayError:
    """A request body over API Gateway's 10 MB payload limit."""
    if kind == "REST":
        return GatewayError(413, {"message": "Request Too Long"},
                            response_type="REQUEST_TOO_LARGE",
                            error_type="RequestTooLongException")
    return GatewayError(413, {"message": "Request Entity Too Large"},
                        response_type="REQUEST_TOO_LARGE")
