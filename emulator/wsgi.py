"""Front door: picks the API (or management route) for a request; the WSGI adapter.

API Gateway picks the API from the host name (``{apiId}.execute-api.{region}.amazonaws.com``);
locally each API also owns a port, so a request goes to the API named by its ``Host``
header (``{apiId}.execute-api.localhost:3000``) or else to the API bound to the port it
arrived on. Paths under ``/_emulator/`` are the emulator's own management routes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from werkzeug.wsgi import get_input_stream

from emulator.config import MAX_REQUEST_BYTES
from emulator.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

    from emulator.gateway import ApiGateway

logger = logging.getLogger(__name__)

#: WSGI environ key under which the server leaves the raw header list (order, case, duplicates).
RAW_HEADERS_KEY = "emulator.raw_headers"
MANAGEMENT_PREFIX = "/_emulator/"
# Headers a WSGI application may not set; the server owns the connection.
_HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
                         "te", "trailers", "transfer-encoding", "upgrade", "content-length"})

ManagementHandler = Callable[[HttpRequest], HttpResponse]


class Dispatcher:
    """Picks who answers a request: the management routes or an API gateway."""

    def __init__(self, gateways_by_api_id: Mapping[str, ApiGateway],
                 default: ApiGateway | None, management: ManagementHandler) -> None:
        self._by_api_id = gateways_by_api_id
        self._default = default
        self._management = management

    def __call__(self, request: HttpRequest,
                 late_answer: Callable[[HttpResponse], None] | None = None) -> HttpResponse:
        """The answer to ``request``; ``late_answer`` as in :meth:`ApiGateway.handle`."""
        if request.path.startswith(MANAGEMENT_PREFIX):
            return self._management(request)
        gateway = self._gateway_for(request.host)
        if gateway is None:
            return json_response(404, {"message": "No API is served on this port"})
        return gateway.handle(request, late_answer)

    def _gateway_for(self, host: str) -> ApiGateway | None:
        label = host.split(".", 1)[0]
        if ".execute-api." in host and label in self._by_api_id:
            return self._by_api_id[label]
        return self._default


class GatewayWsgiApp:
    """The emulator as a WSGI application (in-process tests, embedding in a WSGI server)."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self._dispatch = dispatcher

    def __call__(self, environ: WSGIEnvironment,
                 start_response: StartResponse) -> Iterable[bytes]:
        return write_response(self._dispatch(request_from_environ(environ)), start_response)


def request_from_environ(environ: WSGIEnvironment) -> HttpRequest:
    """Build the gateway's request model, keeping raw headers and the encoded path."""
    raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw_uri:
        path = str(raw_uri).partition("?")[0]
        if "://" in path:  # absolute-form request target
            path = "/" + path.split("://", 1)[1].partition("/")[2]
    else:
        path = quote(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""),
                     safe="/:@!$&'()*+,;=-._~%")
    # QUERY_STRING is the raw query in every WSGI server (never percent-decoded).
    query = environ.get("QUERY_STRING", "")
    raw_headers = environ.get(RAW_HEADERS_KEY)
    headers = tuple(raw_headers) if raw_headers is not None else _headers_from_environ(environ)
    stream = get_input_stream(environ, max_content_length=None)
    body = stream.read(MAX_REQUEST_BYTES + 1)
    host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME')}:{environ.get('SERVER_PORT')}"
    return HttpRequest(
        method=environ.get("REQUEST_METHOD", "GET").upper(),
        path=path or "/",
        raw_query=query,
        headers=headers,
        body=body,
        source_ip=environ.get("REMOTE_ADDR") or "127.0.0.1",
        host=host,
        protocol=environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
    )


def _headers_from_environ(environ: WSGIEnvironment) -> tuple[tuple[str, str], ...]:
    headers: list[tuple[str, str]] = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            name = key[5:].replace("_", "-").title()
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            name = key.replace("_", "-").title()
        else:
            continue
        headers.append((name, str(value)))
    return tuple(headers)


def write_response(response: HttpResponse, start_response: StartResponse) -> list[bytes]:
    """Send the response with an exact Content-Length so keep-alive clients never wait."""
    headers = [(name, value) for name, value in response.headers
               if name.lower() not in _HOP_BY_HOP]
    headers.append(("Content-Length", str(len(response.body))))
    start_response(f"{response.status} {_reason(response.status)}", headers)
    return [response.body]


def json_response(status: int, payload: Any) -> HttpResponse:
    return HttpResponse(status=status, headers=(("Content-Type", "application/json"),),
                        body=json.dumps(payload, indent=2, default=str).encode())


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
