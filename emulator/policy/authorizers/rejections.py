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


# -- IAM authorization (SigV4) -----------------------------------------------------------------
# REST answers 403 with these x-amzn-ErrorType values and messages; HTTP APIs answer
# {"message":"Forbidden"} when nothing was signed or the policies deny, and the SigV4
# messages otherwise.

_SIGV4_TYPES = {
    "missing": ("MISSING_AUTHENTICATION_TOKEN", "MissingAuthenticationTokenException"),
    "incomplete": ("INVALID_SIGNATURE", "IncompleteSignatureException"),
    "invalid": ("INVALID_SIGNATURE", "InvalidSignatureException"),
    "expired": ("INVALID_SIGNATURE", "InvalidSignatureException"),
    "unrecognized": ("INVALID_SIGNATURE", "UnrecognizedClientException"),
    "expired_token": ("EXPIRED_TOKEN", "ExpiredTokenException"),
}
UNRECOGNIZED_CLIENT = "The security token included in the request is invalid."
EXPIRED_SECURITY_TOKEN = "The security token included in the request is expired"


def signature_rejected(kind: ApiKind, problem: str, message: str) -> GatewayError:
    """403: the request is not (validly) signed; ``problem`` as in :mod:`.sigv4`, plus
    ``unrecognized`` (unknown or inactive key) and ``expired_token`` (STS session over)."""
    response_type, error_type = _SIGV4_TYPES[problem]
    if kind == "HTTP":
        text = "Forbidden" if problem == "missing" else message
        return GatewayError(403, {"message": text}, response_type=response_type,
                            layer="authorizer")
    return GatewayError(403, {"message": message}, response_type=response_type,
                        error_type=error_type, layer="authorizer")


def iam_denied(kind: ApiKind, *, user_arn: str, resource_arn: str,
               explicit: bool) -> GatewayError:
    """403: the signer's identity-based policies do not allow ``execute-api:Invoke``."""
    if kind == "HTTP":
        return GatewayError(403, {"message": "Forbidden"}, response_type="ACCESS_DENIED")
    message = (f"User: {user_arn} is not authorized to perform: execute-api:Invoke on "
               f"resource: {resource_arn}" + (" with an explicit deny" if explicit else ""))
    return GatewayError(403, {"Message": message}, response_type="ACCESS_DENIED",
                        error_type="AccessDeniedException")
