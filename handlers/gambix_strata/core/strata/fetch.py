"""The scraper's HTTP client: guarded, bounded, redirect-aware (standard library only).

Every request goes through :func:`.ssrf.validate_url` and connects to the validated IP
(see that module for the SSRF rules); on top of that this module bounds the work one URL
can cause:

* connect timeout and read timeout per socket operation, plus a total deadline per URL;
* a response size limit (bodies are read in chunks and refused past ``max_bytes``;
  ``Accept-Encoding: identity`` so no compressed body expands past it);
* at most ``max_redirects`` redirects, each ``Location`` resolved against the current URL and
  validated again (a public page redirecting to ``http://169.254.169.254/`` is refused).

HTTPS verifies the certificate against the host name (SNI) while the TCP connection goes to
the validated address (``ssl.create_default_context``,
https://docs.python.org/3/library/ssl.html#ssl-security).
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin

from .ssrf import AllowList, Resolver, Target, UnsafeUrl, system_resolver, validate_url

USER_AGENT = "GambixStrataBot/1.0 (+https://gambix.example/bot)"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class FetchError(Exception):
    """A URL that could not be fetched; ``reason`` is safe to show the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class FetchLimits:
    connect_timeout_s: float = 3.0
    read_timeout_s: float = 5.0
    total_timeout_s: float = 15.0
    max_bytes: int = 2 * 1024 * 1024
    max_redirects: int = 5


@dataclass(frozen=True)
class FetchResult:
    url: str
    status: int
    content_type: str
    body: bytes
    elapsed_ms: int
    redirects: tuple[str, ...] = field(default=())

    @property
    def is_html(self) -> bool:
        return self.content_type.split(";", 1)[0].strip().lower() in ("text/html",
                                                                        "application/xhtml+xml")


#: (target, timeout) -> a connected socket (the default: TCP to ``target.ip``).
Connector = Callable[[Target, float], socket.socket]


def tcp_connector(target: Target, timeout: float) -> socket.socket:
    return socket.create_connection((target.ip, target.port), timeout=timeout)


class _PinnedConnection(http.client.HTTPConnection):
    """An HTTP(S) connection whose socket is already connected to the validated address."""

    def __init__(self, target: Target, sock: socket.socket, read_timeout_s: float) -> None:
        super().__init__(target.host, target.port, timeout=read_timeout_s)
        self._target = target
        self._pinned = sock

    def connect(self) -> None:
        sock = self._pinned
        sock.settimeout(self.timeout)
        if self._target.scheme == "https":
            context = ssl.create_default_context()
            sock = context.wrap_socket(sock, server_hostname=self._target.host)
        self.sock = sock


@dataclass(frozen=True)
class Fetcher:
    """Fetches URLs under an allow-list, with injectable resolver, connector and clock."""

    allow_list: AllowList = AllowList()
    limits: FetchLimits = FetchLimits()
    resolver: Resolver = system_resolver
    connector: Connector = tcp_connector
    clock: Callable[[], float] = time.monotonic

    def validate(self, url: str) -> Target:
        return validate_url(url, allow_list=self.allow_list, resolver=self.resolver)

    def fetch(self, url: str, *, method: str = "GET") -> FetchResult:
        """Follow redirects up to the limit; :class:`FetchError` (or UnsafeUrl) otherwise."""
        started = self.clock()
        deadline = started + self.limits.total_timeout_s
        redirects: list[str] = []
        current = url
        while True:
            target = self.validate(current)
            status, location, content_type, body = self._request(target, method, deadline)
            if status in REDIRECT_STATUSES and location:
                if len(redirects) >= self.limits.max_redirects:
                    raise FetchError(f"more than {self.limits.max_redirects} redirects")
                redirects.append(target.url)
                current = urljoin(target.url, location)
                if status == 303:
                    method = "GET"
                continue
            elapsed_ms = int((self.clock() - started) * 1000)
            return FetchResult(target.url, status, content_type, body, elapsed_ms,
                               tuple(redirects))

    def _request(self, target: Target, method: str, deadline: float
                 ) -> tuple[int, str | None, str, bytes]:
        remaining = deadline - self.clock()
        if remaining <= 0:
            raise FetchError("timed out")
        try:
            sock = self.connector(target, min(self.limits.connect_timeout_s, remaining))
        except OSError as exc:
            raise FetchError(f"could not connect to {target.host_header}") from exc
        connection = _PinnedConnection(target, sock, self.limits.read_timeout_s)
        try:
            connection.request(method, target.request_target, headers={
                "Host": target.host_header, "User-Agent": USER_AGENT,
                "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
                "Accept-Encoding": "identity", "Connection": "close"})
            response = connection.getresponse()
            declared = response.getheader("Content-Length")
            if declared and declared.isdigit() and int(declared) > self.limits.max_bytes:
                raise FetchError(f"response larger than {self.limits.max_bytes} bytes")
            body = b"" if method == "HEAD" else self._read(response, deadline)
            return (response.status, response.getheader("Location"),
                    response.getheader("Content-Type") or "", body)
        except (OSError, http.client.HTTPException) as exc:
            if isinstance(exc, TimeoutError | socket.timeout):
                raise FetchError("timed out") from exc
            raise FetchError(f"request to {target.host_header} failed") from exc
        finally:
            connection.close()

    def _read(self, response: http.client.HTTPResponse, deadline: float) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            if self.clock() > deadline:
                raise FetchError("timed out")
            chunk = response.read(64 * 1024)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > self.limits.max_bytes:
                raise FetchError(f"response larger than {self.limits.max_bytes} bytes")
            chunks.append(chunk)


__all__ = ["FetchError", "FetchLimits", "FetchResult", "Fetcher", "UnsafeUrl"]
