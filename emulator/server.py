"""The loopback HTTP servers ``serve`` runs: one threaded HTTP/1.1 server per API stage.

Each API is served on its own port (``--port``, ``--port``+1, ...) as each API has its own
host name on AWS; a ``Host: {apiId}.execute-api.localhost`` header selects an API on any of
them. Every port also answers the management routes under ``/_emulator/``.

Keep-alive clients (browsers, locust, ``requests.Session``) must never stall, so each
response goes out in a single write with an exact ``Content-Length`` and TCP_NODELAY is set:
a response written as headers then body would otherwise wait for the client's delayed ACK
(the 40 ms stall chalice local has). werkzeug's development server is not used here because
it closes every connection and drains the socket for 10 ms after each request.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import cast

from emulator.app import Emulator
from emulator.config import MAX_REQUEST_BYTES
from emulator.gateway import ApiGateway
from emulator.http import HttpRequest, HttpResponse
from emulator.management import ManagementApi
from emulator.wsgi import Dispatcher

logger = logging.getLogger(__name__)

_MAX_REQUEST_LINE = 65536
_DRAIN_CHUNK = 1024 * 1024
# Framing headers are the server's to write; a handler's copy would corrupt the stream.
_FRAMING = frozenset({"connection", "content-length", "transfer-encoding", "keep-alive"})


class BodyError(Exception):
    """A request body that cannot be read (bad chunked framing or Content-Length)."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher
        super().__init__(address, EmulatorRequestHandler)


class EmulatorRequestHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 with keep-alive; hands each request to the dispatcher as an HttpRequest."""

    protocol_version = "HTTP/1.1"
    server_version = "serverless-emulator"
    sys_version = ""

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle_one_request(self) -> None:
        try:
            self.raw_requestline = self.rfile.readline(_MAX_REQUEST_LINE + 1)
        except (TimeoutError, ConnectionError):
            self.close_connection = True
            return
        if len(self.raw_requestline) > _MAX_REQUEST_LINE:
            self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG)
            return
        if not self.raw_requestline:
            self.close_connection = True
            return
        if not self.parse_request():
            return
        try:
            body = self._read_body()
        except BodyError as exc:
            self.close_connection = True
            self.send_error(HTTPStatus.BAD_REQUEST, str(exc))
            return
        dispatcher = cast(_Server, self.server).dispatcher
        response = dispatcher(self._request(body))
        self._write(response)
        self.log_request(response.status, len(response.body))

    def _request(self, body: bytes) -> HttpRequest:
        target = self.path
        if "://" in target:  # absolute-form request target (proxies)
            target = "/" + target.split("://", 1)[1].partition("/")[2]
        path, _, query = target.partition("?")
        return HttpRequest(method=self.command.upper(), path=path or "/", raw_query=query,
                           headers=tuple(self.headers.items()), body=body,
                           source_ip=self.client_address[0],
                           host=self.headers.get("Host", ""),
                           protocol=self.request_version)

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length_header = self.headers.get("Content-Length")
        if not length_header:
            return b""
        try:
            length = int(length_header)
        except ValueError:
            raise BodyError(f"invalid Content-Length {length_header!r}") from None
        if length < 0:
            raise BodyError(f"invalid Content-Length {length_header!r}")
        # Keep one byte past the limit so the gateway can answer 413; drain the rest so the
        # connection stays usable.
        kept = self.rfile.read(min(length, MAX_REQUEST_BYTES + 1))
        remaining = length - len(kept)
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, _DRAIN_CHUNK))
            if not chunk:
                break
            remaining -= len(chunk)
        return kept

    def _read_chunked(self) -> bytes:
        parts: list[bytes] = []
        size = 0
        while True:
            line = self.rfile.readline(1024)
            try:
                chunk_size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise BodyError("malformed chunked body") from None
            if chunk_size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(parts)
            data = self.rfile.read(chunk_size)
            self.rfile.readline(3)
            if size <= MAX_REQUEST_BYTES:
                parts.append(data)
            size += len(data)

    def _write(self, response: HttpResponse) -> None:
        reason = _reason(response.status)
        lines = [f"HTTP/1.1 {response.status} {reason}",
                 f"Date: {formatdate(usegmt=True)}"]
        lines.extend(f"{name}: {value}" for name, value in response.headers
                     if name.lower() not in _FRAMING)
        lines.append(f"Content-Length: {len(response.body)}")
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", errors="replace")
        body = b"" if self.command == "HEAD" else response.body
        self.wfile.write(head + body)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        logger.info('%s "%s" %s %s', self.client_address[0], self.requestline, code, size)

    def log_message(self, format: str, *args: object) -> None:
        logger.debug(format, *args)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


class ServerGroup:
    """The running servers of one emulator, started and stopped together."""

    def __init__(self, emulator: Emulator, host: str, port: int) -> None:
        self.emulator = emulator
        self._servers: list[_Server] = []
        self._threads: list[threading.Thread] = []
        management = ManagementApi(emulator)
        by_api_id = emulator.gateways_by_api_id
        gateways: list[tuple[str, ApiGateway | None]] = list(emulator.gateways.items())
        if not gateways:  # still answer /_emulator/ when the template has no API
            gateways = [("", None)]
        base_urls: dict[str, str] = {}
        next_port = port
        try:
            for logical_id, gateway in gateways:
                server = _Server((host, next_port), Dispatcher(by_api_id, gateway, management))
                self._servers.append(server)
                if gateway is not None:
                    base_urls[logical_id] = f"http://{_url_host(host)}:{server.server_port}"
                next_port = 0 if port == 0 else next_port + 1
        except BaseException:
            self.close()
            raise
        emulator.publish(base_urls)

    @property
    def ports(self) -> list[int]:
        return [server.server_port for server in self._servers]

    def start(self) -> None:
        for server in self._servers:
            thread = threading.Thread(target=server.serve_forever, daemon=True,
                                      name=f"api:{server.server_port}")
            thread.start()
            self._threads.append(thread)

    def close(self) -> None:
        for server in self._servers:
            if self._threads:
                server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()

    def wait(self, stop: Callable[[], bool] | None = None) -> None:
        """Block until interrupted (Ctrl-C) or ``stop()`` becomes true."""
        event = threading.Event()
        while not event.wait(0.2):
            if stop is not None and stop():
                return


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
