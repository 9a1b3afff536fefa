"""REST API Lambda proxy event (payload format 1.0).

Copies the input format of
https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format
checked against a live capture (hotsock/voker ``vokerhttp/testdata/apigwv1-request.json``):

* ``path`` is the request path *without* the stage and still percent-encoded;
  ``requestContext.path`` is ``/{stage}`` + that path; ``pathParameters`` keep the encoding.
* ``headers`` keeps the last value of a repeated header, ``multiValueHeaders`` keeps all, in
  order; names keep their case (REST treats ``FOO`` and ``foo`` as different headers).
* ``queryStringParameters`` keeps the *last* value of a repeated key,
  ``multiValueQueryStringParameters`` keeps all; both are form-decoded.
* ``headers``, ``multiValueHeaders``, both query maps, ``pathParameters`` and
  ``stageVariables`` are ``null`` (not ``{}``) when empty; ``body`` is ``null`` when empty.
* The body is base64-encoded (``isBase64Encoded: true``) when the request ``Content-Type``
  matches ``binaryMediaTypes`` (exact, ``type/*`` or ``*/*``; verified on real AWS in
  ministackorg/ministack#767), otherwise passed as UTF-8 text. A request without
  ``Content-Type`` only matches ``*/*`` (an emulator choice; AWS does not document it).
* ``identity`` fields API Gateway cannot fill are ``null``; ``sourceIp`` and ``userAgent`` are
  set. ``requestTime`` is ``dd/Mon/yyyy:HH:MM:SS +0000``; ``requestTimeEpoch`` milliseconds.
* API Gateway adds ``X-Forwarded-For`` (appending the source IP), ``X-Forwarded-Port``,
  ``X-Forwarded-Proto`` and ``X-Amzn-Trace-Id`` headers before invoking the integration.
* ``operationName`` appears only when the method has an ``operationId``.

The helpers here are shared with the HTTP API flavours (``http_v1``, ``http_v2``).
"""

from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from emulator.http import (
    HttpRequest,
    clf_time,
    host_port,
    host_without_port,
    media_type,
    media_type_matches,
    parse_query,
)
from emulator.routing import RouteMatch
from emulator.spec import ApiModel

logger = logging.getLogger(__name__)

_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def extended_request_id(request_id: str) -> str:
    """A stable id shaped like API Gateway's (``ATfSdF7nPHcErRA=``) derived from the request id."""
    return base64.b64encode(hashlib.sha256(request_id.encode()).digest()[:11]).decode()


@lru_cache(maxsize=4096)
def resource_id(api_id: str, resource_path: str) -> str:
    """A stable 6-character resource id (``al6gqb``) for a REST resource path."""
    number = int.from_bytes(hashlib.sha256(f"{api_id}{resource_path}".encode()).digest()[:8], "big")
    chars = []
    for _ in range(6):
        number, rem = divmod(number, 36)
        chars.append(_ALPHABET[rem])
    return "".join(chars)


def domain_prefix(domain: str) -> str:
    """The first label of the domain name (``abc123`` for ``abc123.execute-api...``)."""
    return host_without_port(domain).split(".", 1)[0]


def api_context(request: HttpRequest, api: ApiModel, account_id: str) -> dict[str, Any]:
    """The ``requestContext`` keys every payload shares: account, API and domain."""
    return {
        "accountId": account_id,
        "apiId": api.config.api_id,
        "domainName": request.host,
        "domainPrefix": domain_prefix(request.host),
    }


def trace_id(request_id: str, time_epoch_ms: int) -> str:
    """An X-Ray trace header value, ``Root=1-<epoch hex>-<24 hex>``."""
    digest = hashlib.sha256(request_id.encode()).hexdigest()[:24]
    return f"Root=1-{time_epoch_ms // 1000:08x}-{digest}"


def gateway_headers(request: HttpRequest, *, request_id: str, time_epoch_ms: int,
                    lower: bool) -> list[tuple[str, str]]:
    """The request headers plus those API Gateway adds before invoking the integration."""
    headers = list(request.headers)
    names = {k.lower() for k, _ in headers}

    def name(text: str) -> str:
        return text.lower() if lower else text

    forwarded = [i for i, (k, _) in enumerate(headers) if k.lower() == "x-forwarded-for"]
    if forwarded:
        last = forwarded[-1]
        key, value = headers[last]
        headers[last] = (key, f"{value}, {request.source_ip}")
    else:
        headers.append((name("X-Forwarded-For"), request.source_ip))
    if "x-forwarded-port" not in names:
        headers.append((name("X-Forwarded-Port"), str(host_port(request.host))))
    if "x-forwarded-proto" not in names:
        headers.append((name("X-Forwarded-Proto"), "http"))
    if "x-amzn-trace-id" not in names:
        headers.append((name("X-Amzn-Trace-Id"), trace_id(request_id, time_epoch_ms)))
    if lower:
        headers = [(k.lower(), v) for k, v in headers]
    return headers


def v1_header_maps(headers: list[tuple[str, str]]) -> tuple[dict[str, str] | None,
                                                             dict[str, list[str]] | None]:
    """(``headers`` last value wins, ``multiValueHeaders``), each ``None`` when empty."""
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for key, value in headers:
        single[key] = value
        multi.setdefault(key, []).append(value)
    return single or None, multi or None


def v1_query_maps(raw_query: str) -> tuple[dict[str, str] | None, dict[str, list[str]] | None]:
    """(``queryStringParameters`` last value wins, ``multiValueQueryStringParameters``)."""
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for key, value in parse_query(raw_query):
        single[key] = value
        multi.setdefault(key, []).append(value)
    return single or None, multi or None


def rest_body(request: HttpRequest, binary_media_types: tuple[str, ...]) -> tuple[str | None, bool]:
    """(``body``, ``isBase64Encoded``) under REST's binaryMediaTypes rule."""
    if not request.body:
        return None, False
    if binary_media_types and media_type_matches(media_type(request.header("Content-Type")),
                                                 binary_media_types):
        return base64.b64encode(request.body).decode("ascii"), True
    return request.body.decode("utf-8", errors="replace"), False


def identity(request: HttpRequest, *, with_api_key: bool,
             api_key: tuple[str, str] | None = None,
             iam_caller: Mapping[str, str] | None = None) -> dict[str, Any]:
    """``requestContext.identity``: a non-Cognito caller, SigV4-signed when ``iam_caller``
    gives its ``accessKey``, ``accountId``, ``caller``, ``user`` and ``userArn``."""
    result: dict[str, Any] = {
        "accessKey": None,
        "accountId": None,
        "caller": None,
        "cognitoAuthenticationProvider": None,
        "cognitoAuthenticationType": None,
        "cognitoIdentityId": None,
        "cognitoIdentityPoolId": None,
        "principalOrgId": None,
        "sourceIp": request.source_ip,
        "user": None,
        "userAgent": request.header("User-Agent"),
        "userArn": None,
        "clientCert": None,
    }
    if iam_caller is not None:
        result.update(iam_caller)
    if with_api_key:
        result["apiKey"], result["apiKeyId"] = api_key if api_key is not None else (None, None)
    return result


def path_parameters(match: RouteMatch) -> dict[str, str] | None:
    return dict(match.path_parameters) or None


def stage_variables(api: ApiModel) -> dict[str, str] | None:
    return dict(api.config.stage_variables) or None


def build_rest_event(request: HttpRequest, match: RouteMatch, api: ApiModel, *, request_id: str,
                     time_epoch_ms: int, account_id: str,
                     authorizer: Mapping[str, Any] | None = None,
                     api_key: tuple[str, str] | None = None,
                     iam_caller: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The event a REST API sends a Lambda proxy integration.

    ``api_key`` is the (value, id) of the API key the request was accepted with,
    ``iam_caller`` the SigV4 signer under IAM authorization.
    """
    operation = match.operation
    headers, multi_headers = v1_header_maps(
        gateway_headers(request, request_id=request_id, time_epoch_ms=time_epoch_ms, lower=False))
    query, multi_query = v1_query_maps(request.raw_query)
    body, is_base64 = rest_body(request, api.binary_media_types)
    context: dict[str, Any] = {
        **api_context(request, api, account_id),
        "extendedRequestId": extended_request_id(request_id),
        "httpMethod": request.method,
        "identity": identity(request, with_api_key=True, api_key=api_key,
                             iam_caller=iam_caller),
        "path": f"/{api.stage}{request.path}",
        "protocol": request.protocol,
        "requestId": request_id,
        "requestTime": clf_time(time_epoch_ms),
        "requestTimeEpoch": time_epoch_ms,
        "resourceId": resource_id(api.config.api_id, operation.path),
        "resourcePath": operation.path,
        "stage": api.stage,
    }
    if operation.operation_id:
        context["operationName"] = operation.operation_id
    if authorizer is not None:
        context["authorizer"] = dict(authorizer)
    return {
        "resource": operation.path,
        "path": request.path,
        "httpMethod": request.method,
        "headers": headers,
        "multiValueHeaders": multi_headers,
        "queryStringParameters": query,
        "multiValueQueryStringParameters": multi_query,
        "pathParameters": path_parameters(match),
        "stageVariables": stage_variables(api),
        "requestContext": context,
        "body": body,
        "isBase64Encoded": is_base64,
    }
