"""The responses API Gateway sends when an authorizer rejects a request or fails.

REST APIs (gateway response types of
https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html):

* ``UNAUTHORIZED`` 401 ``{"message":"Unauthorized"}``, ``x-amzn-ErrorType:
  UnauthorizedException`` - identity source missing or empty, TOKEN validation expression
  not matched, the Lambda authorizer failed with the error ``"Unauthorized"``
  (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html,
  auth0-samples/jwt-rsa-aws-custom-authorizer#6: any other message is a 500), an invalid
  Cognito token. An expired Cognito token says ``"The incoming token has expired"``
  (aws-amplify/amplify-js#6060).
* ``ACCESS_DENIED`` 403 with a capital-M ``Message``: ``"User is not authorized to access
  this resource with an explicit deny"`` for a matching ``Deny``, ``"User is not authorized
  to access this resource"`` when no statement allows the method ARN.
* ``AUTHORIZER_FAILURE`` / ``AUTHORIZER_CONFIGURATION_ERROR`` 500 ``{"message": null}`` with
  ``x-amzn-ErrorType: AuthorizerConfigurationException`` - the function raised another
  error or timed out (failure), or API Gateway could not call it or parse what it returned:
  "Could not parse policy", context values that are objects or arrays (configuration error;
  chalice#670, ExpanseLLC/lambda_authorizer#1, serverless-offline#1376).

HTTP APIs have no custom gateway responses and answer 401 ``{"message":"Unauthorized"}``,
403 ``{"message":"Forbidden"}`` and 500 ``{"message":"Internal Server Error"}``
(https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html).
"""

from __future__ import annotations

from emulator.errors import GatewayError
from emulator.stack import ApiKind

UNAUTHORIZED = "Unauthorized"
EXPIRED_TOKEN = "The incoming token has expired"
EXPLICIT_DENY = "User is not authorized to access this resource with an explicit deny"
IMPLICIT_DENY = "User is not authorized to access this resource"


def unauthorized(kind: ApiKind, message: str = UNAUTHORIZED) -> GatewayError:
    """401: no (valid) identity."""
    if kind == "REST":
        return GatewayError(401, {"message": message}, response_type="UNAUTHORIZED",
                            error_type="UnauthorizedException")
    return GatewayError(401, {"message": UNAUTHORIZED}, response_type="UNAUTHORIZED")


def access_denied(kind: ApiKind, *, explicit: bool) -> GatewayError:
    """403: the authorizer's answer does not allow this method / route."""
    if kind == "REST":
        message = EXPLICIT_DENY if explicit else IMPLICIT_DENY
        return GatewayError(403, {"Message": message}, response_type="ACCESS_DENIED",
                            error_type="AccessDeniedException")
    return GatewayError(403, {"message": "Forbidden"}, response_type="ACCESS_DENIED")


def authorizer_failure(kind: ApiKind) -> GatewayError:
    """500: the authorizer function failed (an error other than "Unauthorized", a timeout)."""
    if kind == "REST":
        return GatewayError(500, {"message": None}, response_type="AUTHORIZER_FAILURE",
                            error_type="AuthorizerConfigurationException")
    return GatewayError(500, {"message": "Internal Server Error"},
                        response_type="AUTHORIZER_FAILURE")


def authorizer_configuration_error(kind: ApiKind) -> GatewayError:
    """500: the authorizer could not be called or its answer could not be read."""
    if kind == "REST":
        return GatewayError(500, {"message": None},
                            response_type="AUTHORIZER_CONFIGURATION_ERROR",
                            error_type="AuthorizerConfigurationException")
    return GatewayError(500, {"message": "Internal Server Error"},
                        response_type="AUTHORIZER_CONFIGURATION_ERROR")
