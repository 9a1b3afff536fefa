"""HTTP/1.1 on one loopback connection: requests framed by llhttp, each response in one write.

What the clients of an API Gateway endpoint rely on, reproduced for the local servers
(RFC 9112 https://www.rfc-editor.org/rfc/rfc9112 and RFC 9110
https://www.rfc-editor.org/rfc/rfc9110):

* persistent connections: HTTP/1.1 keeps the connection open unless the client sends
  ``Connection: close``; HTTP/1.0 only with ``Connection: keep-alive`` (answered with the
  same header); pipelined requests are answered in order;
* request bodies framed by ``Content-Length`` or ``Transfer-Encoding: chunked``; a body
  over API Gateway's 10 MB limit is read to its end (the connection stays usable) with
  only the first byte past the limit kept, so the gateway can answer 413;
* ``Expect: 100-continue`` gets ``100 Continue`` before the body is read (curl waits a
  second for it otherwise);
* ``HEAD`` answers carry the headers of the ``GET`` answer and no body;
* a Lambda that outlives its timeout (or the integration's) is answered at that moment by
  the runtime's watchdog through :meth:`Connection._late_answer`, with
  ``Connection: close``, while the handler still holds the connection's thread;
* a request that cannot be parsed gets 400 (414 for an over-long target, 431 for too many
  or too large headers) and the connection is closed, as its framing is lost.

Parsing is llhttp's (Node.js's parser, through ``httptools``): the standard library's
``http.server`` parses headers with ``email.parser``, which cost ~0.1 ms a request here.
Each response is one ``sendall`` with an exact ``Content-Length``, and the server sets
TCP_NODELAY, so a keep-alive client never waits for a delayed ACK (the 40 ms stall
chalice local has after its two-part writes).
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable
from email.utils import formatdate
from http import HTTPStatus

import httptools

from emulator.config import MAX_REQUEST_BYTES
from emulator.http import HttpRequest, HttpResponse
from emulator.runtime import AnsweredAtDeadline

logger = logging.getLogger(__name__)

LateAnswer = Callable[[HttpResponse], None]
#: The application: request, and where to send an answer given at a deadline.
Dispatch = Callable[[HttpRequest, LateAnswer], HttpResponse]
#: How long a late-returning handler's thread waits for the watchdog's answer to be sent.
_LATE_ANSWER_WAIT_S = 10.0

#: Same limits as ``http.server``: a 64 KiB request target and 100 header fields of 64 KiB.
MAX_TARGET_BYTES = 65536
MAX_HEADER_FIELDS = 100
MAX_HEADER_BYTES = 65536
_RECV_BYTES = 65536
# Framing headers are the server's to write; a handler's copy would corrupt the stream.
_FRAMING = frozenset({"connection", "content-length", "transfer-encoding", "keep-alive"})
_REASONS = {status.value: status.phrase for status in HTTPStatus}
_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


class _Rejected(Exception):
    """Raised from a parser callback: the request breaks a limit and gets ``status``."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class _Date:
    """The ``Date`` header value, formatted once per second."""

    second = -1
    text = ""

    @classmethod
    def now(cls) -> str:
        now = time.time()
        second = int(now)
        if second != cls.second:
            cls.text = formatdate(now, usegmt=True)
            cls.second = second
        return cls.text


class _Message:
    """One request as the parser delivers it."""

    __slots__ = ("method", "target", "version", "headers", "body", "keep_alive")

    def __init__(self, method: str, target: str, version: str,
                 headers: tuple[tuple[str, str], ...], body: bytes, keep_alive: bool) -> None:
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        self.keep_alive = keep_alive


class Connection:
    """Serves the requests of one accepted socket until either side closes it."""

    def __init__(self, sock: socket.socket, client_ip: str, dispatch: Dispatch) -> None:
        self._sock = sock
        self._client_ip = client_ip
        self._dispatch = dispatch
        self._parser = httptools.HttpRequestParser(self)
        self._ready: list[_Message] = []
        self._late_sent = threading.Event()
        self._target = b""
        self._headers: list[tuple[str, str]] = []
        self._body: list[bytes] = []
        self._body_size = 0

    def serve(self) -> None:
        sock = self._sock
        while True:
            try:
                data = sock.recv(_RECV_BYTES)
            except OSError:  # reset, or the server closing the socket on shutdown
                return
            if not data:
                return
            try:
                self._parser.feed_data(data)
            except httptools.HttpParserUpgrade:
                # Upgrades (h2c, WebSocket) are not served: the request is answered as a
                # plain HTTP/1.1 one, then the connection ends.
                for message in self._ready:
                    message.keep_alive = False
                self._answer_ready()
                return
            except httptools.HttpParserCallbackError as exc:
                rejected = exc.__context__
                status = rejected.status if isinstance(rejected, _Rejected) else 400
                self._answer_ready()
                self._reject(status)
                return
            except httptools.HttpParserError as exc:
                logger.info('%s bad request: %s', self._client_ip, exc)
                self._answer_ready()
                self._reject(400)
                return
            if not self._answer_ready():
                return

    # -- parser callbacks ----------------------------------------------------------------

    def on_message_begin(self) -> None:
        self._target = b""
        self._headers = []
        self._body = []
        self._body_size = 0

    def on_url(self, url: bytes) -> None:
        self._target += url
        if len(self._target) > MAX_TARGET_BYTES:
            raise _Rejected(414)

    def on_header(self, name: bytes, value: bytes) -> None:
        if len(self._headers) >= MAX_HEADER_FIELDS or len(value) > MAX_HEADER_BYTES:
            raise _Rejected(431)
        self._headers.append((name.decode("latin-1"), value.decode("latin-1").strip(" \t")))

    def on_headers_complete(self) -> None:
        if self._parser.get_http_version() == "1.1":
            for name, value in self._headers:
                if name.lower() == "expect" and value.lower() == "100-continue":
                    self._sock.sendall(_CONTINUE)
                    break

    def on_body(self, body: bytes) -> None:
        if self._body_size <= MAX_REQUEST_BYTES:
            self._body.append(body)
        self._body_size += len(body)

    def on_message_complete(self) -> None:
        body = b"".join(self._body)
        if len(body) > MAX_REQUEST_BYTES + 1:
            body = body[:MAX_REQUEST_BYTES + 1]
        parser = self._parser
        self._ready.append(_Message(
            parser.get_method().decode("ascii"), self._target.decode("latin-1"),
            parser.get_http_version(), tuple(self._headers), body,
            parser.should_keep_alive()))
        self._body = []

    # -- answering -----------------------------------------------------------------------

    def _answer_ready(self) -> bool:
        """Answer the complete requests in order; False once the connection must close."""
        ready = self._ready
        while ready:
            message = ready.pop(0)
            if not self._answer(message):
                ready.clear()
                return False
        return True

    def _answer(self, message: _Message) -> bool:
        target = message.target
        if "://" in target:  # absolute-form request target (proxies)
            target = "/" + target.split("://", 1)[1].partition("/")[2]
        path, _, query = target.partition("?")
        host = ""
        for name, value in message.headers:
            if name.lower() == "host":
                host = value
                break
        sent = self._late_sent  # one request at a time, and a late answer ends the connection

        def late_answer(response: HttpResponse) -> None:
            try:
                self._send(message, response, keep_alive=False)
                self._sock.shutdown(socket.SHUT_WR)
            except OSError:
                logger.debug("%s closed before its late answer", self._client_ip)
            finally:
                sent.set()

        try:
            response = self._dispatch(HttpRequest(
                method=message.method.upper(), path=path or "/", raw_query=query,
                headers=message.headers, body=message.body, source_ip=self._client_ip,
                host=host, protocol="HTTP/" + message.version), late_answer)
        except AnsweredAtDeadline:
            sent.wait(_LATE_ANSWER_WAIT_S)
            return False
        try:
            self._send(message, response, keep_alive=message.keep_alive)
        except OSError:
            return False
        return message.keep_alive

    def _send(self, message: _Message, response: HttpResponse, *, keep_alive: bool) -> None:
        body = b"" if message.method == "HEAD" else response.body
        parts = [f"HTTP/1.1 {response.status} {_REASONS.get(response.status, 'Unknown')}"
                 f"\r\nDate: {_Date.now()}\r\n"]
        for name, value in response.headers:
            if name.lower() not in _FRAMING:
                parts.append(f"{name}: {value}\r\n")
        parts.append(f"Content-Length: {len(response.body)}\r\n")
        if not keep_alive:
            parts.append("Connection: close\r\n")
        elif message.version == "1.0":
            parts.append("Connection: keep-alive\r\n")
        parts.append("\r\n")
        head = "".join(parts).encode("latin-1", errors="replace")
        self._sock.sendall(head + body)
        logger.info('%s "%s %s HTTP/%s" %s %s', self._client_ip, message.method,
                    message.target, message.version, response.status, len(response.body))

    def _reject(self, status: int) -> None:
        reason = _REASONS[status]
        body = reason.encode()
        head = (f"HTTP/1.1 {status} {reason}\r\nDate: {_Date.now()}\r\n"
                f"Content-Type: text/plain\r\nContent-Length: {len(body)}\r\n"
                "Connection: close\r\n\r\n")
        logger.info("%s rejected: %d %s", self._client_ip, status, reason)
        try:
            self._sock.sendall(head.encode() + body)
        except OSError:
            logger.debug("%s closed before the %d answer", self._client_ip, status)
