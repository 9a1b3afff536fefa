"""The responses API Gateway produces itself, with their exact status codes, bodies and types.

REST APIs answer with the default gateway responses listed in
https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
(body ``{"message": ...}`` and an ``x-amzn-ErrorType`` header); HTTP APIs answer with the
shorter set documented in
https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-lambda.html
(``{"message":"Not Found"}``, ``{"message":"Internal Server Error"}``,
``{"message":"Service Unavailable"}`` on an integration timeout).

Each REST rejection carries the gateway response *type* that
``x-amazon-apigateway-gateway-responses`` customises; the types were checked against what real
API Gateway logs as ``$context.error.responseType``:

* A Lambda proxy function error (handler exception, function timeout, a response over the
  payload limit) and a throttled Lambda ("Execution failed due to configuration error: Rate
  Exceeded.") are ``INTEGRATION_FAILURE``, sent as 502 / 500 ``Internal server error`` with
  ``x-amzn-ErrorType: InternalServerErrorException`` - live access logs in
  DataBiosphere/azul#6624, #7470 and #8258; the table's "504" default for that type is not
  what the data plane sends (localstack/localstack#11183 found the same), so a customisation
  without a ``statusCode`` keeps the error's own status.
* A malformed Lambda proxy result is logged by AWS as a configuration error and answered
  502 ``Internal server error``; it is classified ``INTEGRATION_FAILURE`` as well (the type
  Floci documents for it; LocalStack uses ``DEFAULT_5XX``, which the fallback reaches anyway
  when only ``DEFAULT_5XX`` is customised).
* The integration timeout is ``INTEGRATION_TIMEOUT`` (504 ``Endpoint request timed out``,
  same azul logs).
* A stage that does not exist answers 403 ``Forbidden`` (``ForbiddenException``,
  https://repost.aws/knowledge-center/api-gateway-troubleshoot-403-forbidden); no deployment
  is reached, so no customisation applies: its type is :data:`UNKNOWN_STAGE`, which is not an
  AWS type and never matches an override.
* Request validator rejections are ``BAD_REQUEST_PARAMETERS`` / ``BAD_REQUEST_BODY`` (400,
  ``BadRequestException``) with ``Missing required request parameters: [a, b]`` /
  ``Invalid request body``
  (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-request-validation.html).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from emulator.errors import GatewayError
from emulator.stack import ApiKind

#: Every response type ``x-amazon-apigateway-gateway-responses`` accepts, with the default
#: status code the documentation lists (``None``: the two fallbacks have no status of their own).
RESPONSE_TYPE_STATUS: Mapping[str, int | None] = MappingProxyType({
    "ACCESS_DENIED": 403,
    "API_CONFIGURATION_ERROR": 500,
    "AUTHORIZER_CONFIGURATION_ERROR": 500,
    "AUTHORIZER_FAILURE": 500,
    "BAD_REQUEST_PARAMETERS": 400,
    "BAD_REQUEST_BODY": 400,
    "DEFAULT_4XX": None,
    "DEFAULT_5XX": None,
    "EXPIRED_TOKEN": 403,
    "INTEGRATION_FAILURE": 504,
    "INTEGRATION_TIMEOUT": 504,
    "INVALID_API_KEY": 403,
    "INVALID_SIGNATURE": 403,
    "MISSING_AUTHENTICATION_TOKEN": 403,
    "QUOTA_EXCEEDED": 429,
    "REQUEST_TOO_LARGE": 413,
    "RESOURCE_NOT_FOUND": 404,
    "THROTTLED": 429,
    "UNAUTHORIZED": 401,
    "UNSUPPORTED_MEDIA_TYPE": 415,
    "WAF_FILTERED": 403,
})

#: Not an AWS response type: a request for a stage the API does not have reaches no
#: deployment, hence none of the API's gateway responses.
UNKNOWN_STAGE = "UNKNOWN_STAGE"


#: Local-only response header naming the layer that produced a response: the handler
#: (``handler``) or the gateway step that answered itself. AWS sends no such header; it lets
#: contract runs and humans tell a validator 400 from a handler 400 without reading logs.
LAYER_HEADER = "X-Emulator-Layer"
HANDLER_LAYER = "handler"
_LAYERS: Mapping[str, str] = MappingProxyType({
    "BAD_REQUEST_PARAMETERS": "validator",
    "BAD_REQUEST_BODY": "validator",
    "UNSUPPORTED_MEDIA_TYPE": "validator",
    "UNAUTHORIZED": "authorizer",
    "ACCESS_DENIED": "authorizer",
    "AUTHORIZER_FAILURE": "authorizer",
    "AUTHORIZER_CONFIGURATION_ERROR": "authorizer",
    "EXPIRED_TOKEN": "authorizer",
    "INVALID_SIGNATURE": "authorizer",
    "INVALID_API_KEY": "api-key",
    "THROTTLED": "throttle",
    "QUOTA_EXCEEDED": "throttle",
    "MISSING_AUTHENTICATION_TOKEN": "no-route",
    "RESOURCE_NOT_FOUND": "no-route",
    UNKNOWN_STAGE: "no-route",
    "INTEGRATION_FAILURE": "integration",
    "INTEGRATION_TIMEOUT": "integration",
    "API_CONFIGURATION_ERROR": "integration",
    "REQUEST_TOO_LARGE": "request-limits",
    "WAF_FILTERED": "waf",
})


def layer_of(response_type: str) -> str:
    """The :data:`LAYER_HEADER` value for a gateway response of ``response_type``."""
    return _LAYERS.get(response_type, "gateway")


class RequestValidationError(GatewayError):
    """A request validator rejection; carries ``$context.error.validationErrorString``.

    ``authorizer`` is the ``requestContext.authorizer`` the request had been given by then
    (validation runs after the authorizer), for ``$context.authorizer.*`` in templates.
    """

    def __init__(self, status: int, body: Mapping[str, Any], *, response_type: str,
                 validation_error_string: str, error_type: str | None = None,
                 authorizer: Mapping[str, Any] | None = None) -> None:
        super().__init__(status, body, response_type=response_type, error_type=error_type)
        self.validation_error_string = validation_error_string
        self.authorizer = MappingProxyType(dict(authorizer)) if authorizer else None


_SERVER_ERROR_TYPE = "InternalServerErrorException"
_REST_SERVER_ERROR = "Internal server error"
_HTTP_SERVER_ERROR = (500, "Internal Server Error")


def _error(kind: ApiKind, response_type: str, rest: tuple[int, str, str],
           http: tuple[int, str] | None = None) -> GatewayError:
    """``kind``'s variant of one error the gateway answers with itself.

    ``rest`` is the REST answer's (status, message, ``x-amzn-ErrorType``); ``http`` the HTTP
    API answer's (status, message), with the same ``response_type`` and no error type. Without
    ``http``, HTTP APIs answer 404 ``Not Found`` (``RESOURCE_NOT_FOUND``).
    """
    if kind == "REST":
        status, message, error_type = rest
        return GatewayError(status, {"message": message}, response_type=response_type,
                            error_type=error_type)
    if http is None:
        return GatewayError(404, {"message": "Not Found"}, response_type="RESOURCE_NOT_FOUND")
    status, message = http
    return GatewayError(status, {"message": message}, response_type=response_type)


def missing_route(kind: ApiKind) -> GatewayError:
    """No resource/method matches: REST hides it behind 403, HTTP APIs say 404."""
    return _error(kind, "MISSING_AUTHENTICATION_TOKEN",
                  (403, "Missing Authentication Token", "MissingAuthenticationTokenException"))


def unknown_stage(kind: ApiKind) -> GatewayError:
    """The URL names a stage the API does not have (no gateway response applies)."""
    return _error(kind, UNKNOWN_STAGE, (403, "Forbidden", "ForbiddenException"))


def integration_failure(kind: ApiKind) -> GatewayError:
    """Handler exception, function timeout or malformed proxy result."""
    return _error(kind, "INTEGRATION_FAILURE", (502, _REST_SERVER_ERROR, _SERVER_ERROR_TYPE),
                  _HTTP_SERVER_ERROR)


def internal_error(kind: ApiKind) -> GatewayError:
    """The Lambda could not be invoked (throttled, missing function...): 500."""
    return _error(kind, "INTEGRATION_FAILURE", (500, _REST_SERVER_ERROR, _SERVER_ERROR_TYPE),
                  _HTTP_SERVER_ERROR)


def api_configuration_error(kind: ApiKind) -> GatewayError:
    """A method the emulator cannot integrate (no integration, unsupported type): 500.

    AWS refuses to deploy a method without an integration, so the closest real answer is
    the invalid-configuration one.
    """
    return _error(kind, "API_CONFIGURATION_ERROR",
                  (500, _REST_SERVER_ERROR, _SERVER_ERROR_TYPE), _HTTP_SERVER_ERROR)


def integration_timeout(kind: ApiKind) -> GatewayError:
    """The integration's ``timeoutInMillis`` elapsed before the function answered."""
    return _error(kind, "INTEGRATION_TIMEOUT",
                  (504, "Endpoint request timed out", _SERVER_ERROR_TYPE),
                  (503, "Service Unavailable"))


def request_too_large(kind: ApiKind) -> GatewayError:
    """A request body over API Gateway's 10 MB payload limit."""
    return _error(kind, "REQUEST_TOO_LARGE", (413, "Request Too Long", "RequestTooLongException"),
                  (413, "Request Entity Too Large"))


def missing_parameters_message(names: Sequence[str]) -> str:
    """``["q", "x-id"]`` -> ``Missing required request parameters: [q, x-id]``."""
    return f"Missing required request parameters: [{', '.join(names)}]"


def bad_request_parameters(names: Sequence[str], *,
                           authorizer: Mapping[str, Any] | None = None
                           ) -> RequestValidationError:
    """A request validator found required parameters missing or blank (REST only)."""
    message = missing_parameters_message(names)
    return RequestValidationError(400, {"message": message},
                                  response_type="BAD_REQUEST_PARAMETERS",
                                  error_type="BadRequestException",
                                  validation_error_string=message, authorizer=authorizer)


def bad_request_body(validation_error_string: str, *,
                     authorizer: Mapping[str, Any] | None = None) -> RequestValidationError:
    """A request validator found the body not matching the method's model (REST only)."""
    return RequestValidationError(400, {"message": "Invalid request body"},
                                  response_type="BAD_REQUEST_BODY",
                                  error_type="BadRequestException",
                                  validation_error_string=validation_error_string,
                                  authorizer=authorizer)
