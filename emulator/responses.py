"""Lambda proxy result -> HTTP response, or :class:`MalformedResponse` (the gateway's 502/500).

Copies the output formats of
https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-output-format
and https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html#http-api-develop-integrations-lambda.response

Payload 1.0 (REST, and HTTP APIs set to 1.0):

* The result must be an object with ``statusCode``; API Gateway "doesn't make assumptions"
  (knowledge-center api-gateway-status-codes-http-api). A numeric string status (``"200"``)
  is accepted, as the proxy parser coerces it (vincentsarago/lambda-proxy#59).
* ``body`` must be a string (an object body is "Malformed Lambda proxy response",
  same issue); ``headers`` values may be strings, numbers or booleans - they are sent as
  text (the Serverless Framework CORS docs return ``'Access-Control-Allow-Credentials': true``);
  nested values are malformed. ``null`` header values are dropped.
* ``multiValueHeaders`` win over ``headers`` for the same (case-insensitive) name
  ("using the same header in both will mean that the value under headers is dropped").
* REST only: a key outside statusCode/headers/multiValueHeaders/body/isBase64Encoded makes
  the response malformed (observed, aasisodiya.github.io nodejs-aws-apigw).
* REST ``isBase64Encoded``: the body is decoded to binary only when the *first* ``Accept``
  media type matches ``binaryMediaTypes``; otherwise the base64 text is passed through
  (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-payload-encodings-workflow.html,
  verified in ministackorg/ministack#767). HTTP APIs always decode (no binaryMediaTypes).
* Missing ``Content-Type``: REST answers ``application/json``; HTTP APIs
  ``text/plain; charset=utf-8`` (observed on an HTTP API returning statusCode + body only).

Payload 2.0 (HTTP APIs):

* An object with ``statusCode`` is used as it is; ``cookies`` become one ``Set-Cookie`` each;
  ``isBase64Encoded`` bodies are always decoded.
* Anything else - an object without ``statusCode`` or any other JSON value, strings included -
  is inferred as 200, ``content-type: application/json``, body = the function's JSON
  response text. For a string result that text keeps its quotes (``"hi"`` -> ``"hi"``): API
  Gateway forwards the Lambda payload bytes, which are JSON.

Lambda caps a synchronous response at 6 MB; a bigger body is malformed here (the gateway
answers 502).
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from collections.abc import Mapping
from typing import Any

from emulator.config import MAX_RESPONSE_BYTES
from emulator.errors import EmulatorError
from emulator.http import HttpRequest, HttpResponse, first_accept_type, media_type_matches
from emulator.spec import ApiModel

logger = logging.getLogger(__name__)

_V1_KEYS = frozenset({"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"})
REST_DEFAULT_CONTENT_TYPE = "application/json"
HTTP_DEFAULT_CONTENT_TYPE = "text/plain; charset=utf-8"


class MalformedResponse(EmulatorError):
    """A proxy result API Gateway cannot turn into an HTTP response; the message says why."""


def _status(raw: Any) -> int:
    if isinstance(raw, bool):
        raise MalformedResponse(f"statusCode must be an integer, got {raw!r}")
    if isinstance(raw, int):
        status = raw
    elif isinstance(raw, str) and raw.strip().isdigit():
        status = int(raw.strip())
    elif raw is None:
        raise MalformedResponse("statusCode is missing")
    else:
        raise MalformedResponse(f"statusCode must be an integer, got {raw!r}")
    if not 100 <= status <= 599:
        raise MalformedResponse(f"statusCode {status} is not a valid HTTP status")
    return status


def scalar_text(value: Any) -> str | None:
    """A JSON scalar as API Gateway sends it as text (``true`` -> ``"true"``, ``1`` -> ``"1"``).

    ``None`` stays ``None``; an object or array raises :class:`TypeError`.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not a scalar")


def _scalar(value: Any, where: str) -> str | None:
    try:
        return scalar_text(value)
    except TypeError:
        raise MalformedResponse(
            f"{where} must be a string, got {type(value).__name__} {value!r}") from None


def _headers(raw: Any) -> list[tuple[str, str]]:
    if raw is None:
        return []
    if not isinstance(raw, Mapping):
        raise MalformedResponse(f"headers must be an object, got {type(raw).__name__}")
    result: list[tuple[str, str]] = []
    for name, value in raw.items():
        text = _scalar(value, f"headers[{name!r}]")
        if text is not None:
            result.append((str(name), text))
    return result


def _multi_headers(raw: Any) -> list[tuple[str, str]]:
    if raw is None:
        return []
    if not isinstance(raw, Mapping):
        raise MalformedResponse(f"multiValueHeaders must be an object, got {type(raw).__name__}")
    result: list[tuple[str, str]] = []
    for name, values in raw.items():
        if not isinstance(values, list):
            raise MalformedResponse(f"multiValueHeaders[{name!r}] must be a list, got {values!r}")
        for value in values:
            text = _scalar(value, f"multiValueHeaders[{name!r}] item")
            if text is not None:
                result.append((str(name), text))
    return result


def _body_text(raw: Any) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise MalformedResponse(f"body must be a string, got {type(raw).__name__}")
    return raw


def _flag(raw: Any) -> bool:
    if raw is None:
        return False
    if not isinstance(raw, bool):
        raise MalformedResponse(f"isBase64Encoded must be a boolean, got {raw!r}")
    return raw


def _decode(body: str) -> bytes:
    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise MalformedResponse(
            f"isBase64Encoded is true but body is not valid base64: {exc}") from exc


def _encode(body: str) -> bytes:
    data = body.encode("utf-8")
    if len(data) > MAX_RESPONSE_BYTES:
        raise MalformedResponse(f"response body is {len(data)} bytes, over the "
                                f"{MAX_RESPONSE_BYTES}-byte Lambda response limit")
    return data


def _finish(status: int, headers: list[tuple[str, str]], body: bytes,
            default_type: str) -> HttpResponse:
    has_type = any(name.lower() == "content-type" for name, _ in headers)
    if not has_type and (body or default_type == REST_DEFAULT_CONTENT_TYPE):
        headers.append(("Content-Type", default_type))
    return HttpResponse(status=status, headers=tuple(headers), body=body)


def _translate_v1(result: Any, api: ApiModel, request: HttpRequest) -> HttpResponse:
    if not isinstance(result, Mapping):
        raise MalformedResponse(
            f"payload 1.0 result must be an object, got {type(result).__name__}")
    if api.kind == "REST":
        extra = sorted(str(key) for key in result if key not in _V1_KEYS)
        if extra:
            raise MalformedResponse(f"unexpected keys in proxy result: {', '.join(extra)}")
    status = _status(result.get("statusCode"))
    single = _headers(result.get("headers"))
    multi = _multi_headers(result.get("multiValueHeaders"))
    overridden = {name.lower() for name, _ in multi}
    headers = [(n, v) for n, v in single if n.lower() not in overridden] + multi
    text = _body_text(result.get("body"))
    raw_body = _encode(text)
    body = raw_body
    if _flag(result.get("isBase64Encoded")):
        if api.kind == "HTTP" or media_type_matches(first_accept_type(request.header("Accept")),
                                                    api.binary_media_types):
            body = _decode(text)
        elif not api.binary_media_types:
            logger.debug("isBase64Encoded ignored: the API has no binaryMediaTypes")
    default = REST_DEFAULT_CONTENT_TYPE if api.kind == "REST" else HTTP_DEFAULT_CONTENT_TYPE
    return _finish(status, headers, body, default)


def _translate_v2(result: Any) -> HttpResponse:
    if not (isinstance(result, Mapping) and "statusCode" in result):
        try:
            text = json.dumps(result)
        except (TypeError, ValueError) as exc:
            raise MalformedResponse(f"result is not JSON-serialisable: {exc}") from exc
        return HttpResponse(status=200, headers=(("Content-Type", "application/json"),),
                            body=_encode(text))
    status = _status(result.get("statusCode"))
    headers = _headers(result.get("headers"))
    cookies = result.get("cookies")
    if cookies is not None:
        if not isinstance(cookies, list) or not all(isinstance(c, str) for c in cookies):
            raise MalformedResponse(f"cookies must be a list of strings, got {cookies!r}")
        headers.extend(("Set-Cookie", cookie) for cookie in cookies)
    text = _body_text(result.get("body"))
    body = _encode(text)
    if _flag(result.get("isBase64Encoded")):
        body = _decode(text)
    return _finish(status, headers, body, HTTP_DEFAULT_CONTENT_TYPE)


def translate_result(result: Any, *, api: ApiModel, payload_format_version: str,
                     request: HttpRequest) -> HttpResponse:
    """Turn what the handler returned into the client's response; raises MalformedResponse."""
    if api.kind == "HTTP" and payload_format_version == "2.0":
        return _translate_v2(result)
    return _translate_v1(result, api, request)
