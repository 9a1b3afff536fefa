"""The loopback HTTP servers ``serve`` runs: one threaded HTTP/1.1 server per API stage.

Each API is served on its own port (``--port``, ``--port``+1, ...) as each API has its own
host name on AWS; a ``Host: {apiId}.execute-api.localhost`` header selects an API on any of
them. Every port also answers the management routes under ``/_emulator/``.

One thread per connection, so concurrent requests run concurrently; the HTTP/1.1 protocol
on each connection (keep-alive, single-write responses with TCP_NODELAY, chunked bodies) is
:mod:`emulator.wire`'s. werkzeug's development server is not used here because it closes
every connection and drains the socket for 10 ms after each request, and the standard
library's ``http.server`` because its header parsing alone cost ~0.1 ms a request.
"""

from __future__ import annotations

import logging
import socket
import socketserver
import threading
from collections.abc import Callable
from typing import cast

from emulator.app import Emulator
from emulator.gateway import ApiGateway
from emulator.management import ManagementApi
from emulator.wire import Connection
from emulator.wsgi import Dispatcher

logger = logging.getLogger(__name__)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher
        super().__init__(address, _ConnectionHandler)

    @property
    def server_port(self) -> int:
        return int(self.server_address[1])


class _ConnectionHandler(socketserver.BaseRequestHandler):
    """Serves one accepted connection on its own thread."""

    def handle(self) -> None:
        sock = cast(socket.socket, self.request)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        dispatcher = cast(_Server, self.server).dispatcher
        Connection(sock, str(self.client_address[0]), dispatcher).serve()


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
