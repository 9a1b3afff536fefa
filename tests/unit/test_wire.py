"""The served HTTP/1.1 protocol: framing, keep-alive, pipelining, limits (emulator.wire)."""

from __future__ import annotations

import json
import socket
import socketserver
import threading
from collections.abc import Iterator
from typing import Any, BinaryIO

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator import wire
from emulator.http import HttpRequest, HttpResponse


def echo(request: HttpRequest, late_answer: wire.LateAnswer) -> HttpResponse:
    """Answers with what the server handed over, and a framing header it must drop."""
    if request.path == "/framing":
        return HttpResponse(200, (("Content-Length", "999"), ("Transfer-Encoding", "chunked"),
                                  ("Connection", "close"), ("X-Kept", "yes")), b"ok")
    seen = {"method": request.method, "path": request.path, "query": request.raw_query,
            "headers": [list(pair) for pair in request.headers], "host": request.host,
            "body_size": len(request.body), "body": request.body[:64].decode("latin-1"),
            "protocol": request.protocol, "source_ip": request.source_ip}
    return HttpResponse(200, (("Content-Type", "application/json"),),
                        json.dumps(seen).encode())


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        wire.Connection(self.request, self.client_address[0], echo).serve()


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    server = _Server(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


class Client:
    """A raw socket, so tests control every byte sent and see every byte received."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.file: BinaryIO = self.sock.makefile("rb")

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def response(self, *, head: bool = False) -> tuple[int, list[tuple[str, str]], bytes]:
        status_line = self.file.readline()
        assert status_line.startswith(b"HTTP/1.1 "), status_line
        headers: list[tuple[str, str]] = []
        while (line := self.file.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers.append((name, value.strip()))
        length = int(next((v for k, v in headers if k.lower() == "content-length"), "0"))
        body = b"" if head else self.file.read(length)
        return int(status_line.split()[1]), headers, body

    def json(self) -> Any:
        status, _, body = self.response()
        assert status == 200
        return json.loads(body)

    def closed_by_server(self) -> bool:
        return self.file.read(1) == b""

    def close(self) -> None:
        self.file.close()
        self.sock.close()


@pytest.fixture
def client(port: int) -> Iterator[Client]:
    opened = Client(port)
    yield opened
    opened.close()


def get(path: str, *extra: str) -> bytes:
    lines = [f"GET {path} HTTP/1.1", "Host: api.local:3000", *extra]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_keep_alive_serves_several_requests_on_one_connection(client: Client) -> None:
    for index in range(3):
        client.send(get(f"/items/{index}?page={index}"))
        seen = client.json()
        assert (seen["path"], seen["query"], seen["host"]) == (f"/items/{index}",
                                                              f"page={index}", "api.local:3000")
        assert seen["protocol"] == "HTTP/1.1" and seen["source_ip"] == "127.0.0.1"


def test_pipelined_requests_are_answered_in_order(client: Client) -> None:
    client.send(get("/first") + get("/second") + get("/third"))
    assert [client.json()["path"] for _ in range(3)] == ["/first", "/second", "/third"]


def test_raw_headers_keep_order_case_and_duplicates(client: Client) -> None:
    client.send(get("/h", "X-Multi: one", "x-multi:  two ", "X-CamelCase: Value"))
    assert client.json()["headers"] == [["Host", "api.local:3000"], ["X-Multi", "one"],
                                        ["x-multi", "two"], ["X-CamelCase", "Value"]]


def test_a_chunked_body_reaches_the_gateway_reassembled(client: Client) -> None:
    client.send(b"POST /upload HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n")
    seen = client.json()
    assert (seen["method"], seen["body"], seen["body_size"]) == ("POST", "hello world", 11)
    client.send(get("/after"))
    assert client.json()["path"] == "/after"


def test_expect_100_continue_is_answered_before_the_body_is_sent(client: Client) -> None:
    client.send(b"PUT /items/1 HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n"
                b"Expect: 100-continue\r\n\r\n")
    assert client.file.readline() == b"HTTP/1.1 100 Continue\r\n"
    assert client.file.readline() == b"\r\n"
    client.send(b"data")
    assert client.json()["body"] == "data"


def test_head_answers_get_headers_without_a_body(client: Client) -> None:
    client.send(b"HEAD /thing HTTP/1.1\r\nHost: h\r\n\r\n")
    status, headers, _ = client.response(head=True)
    assert status == 200
    assert int(dict(headers)["Content-Length"]) > 0
    client.send(get("/next"))
    assert client.json()["path"] == "/next", "no stray body bytes after the HEAD answer"


def test_framing_headers_of_a_handler_are_replaced_by_the_servers(client: Client) -> None:
    client.send(get("/framing"))
    status, headers, body = client.response()
    names = [name.lower() for name, _ in headers]
    assert (status, body) == (200, b"ok")
    assert dict(headers)["Content-Length"] == "2"
    assert "transfer-encoding" not in names and "connection" not in names
    assert dict(headers)["X-Kept"] == "yes"
    client.send(get("/still-open"))
    assert client.json()["path"] == "/still-open"


def test_connection_close_is_honoured(client: Client) -> None:
    client.send(get("/bye", "Connection: close"))
    status, headers, _ = client.response()
    assert status == 200 and dict(headers)["Connection"] == "close"
    assert client.closed_by_server()


def test_http_1_0_closes_unless_it_asks_for_keep_alive(port: int) -> None:
    plain = Client(port)
    plain.send(b"GET /old HTTP/1.0\r\n\r\n")
    status, headers, body = plain.response()
    assert status == 200 and json.loads(body)["protocol"] == "HTTP/1.0"
    assert dict(headers)["Connection"] == "close" and plain.closed_by_server()
    plain.close()
    kept = Client(port)
    kept.send(b"GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    assert dict(kept.response()[1])["Connection"] == "keep-alive"
    kept.send(b"GET /again HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    assert json.loads(kept.response()[2])["path"] == "/again"
    kept.close()


def test_an_upgrade_request_is_answered_as_http_1_1_then_the_connection_closes(
        client: Client) -> None:
    client.send(get("/up", "Connection: Upgrade, HTTP2-Settings", "Upgrade: h2c",
                    "HTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA"))
    status, headers, body = client.response()
    assert status == 200 and json.loads(body)["path"] == "/up"
    assert dict(headers)["Connection"] == "close" and client.closed_by_server()


def test_an_unparseable_request_gets_400_and_the_connection_closes(client: Client) -> None:
    client.send(b"GARBAGE\x00 / HTTP/1.1\r\n\r\n")
    status, headers, _ = client.response()
    assert status == 400 and dict(headers)["Connection"] == "close"
    assert client.closed_by_server()


def test_a_bad_chunk_size_gets_400(client: Client) -> None:
    client.send(b"POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
    assert client.response()[0] == 400


def test_an_over_long_target_gets_414(client: Client) -> None:
    client.send(get("/" + "a" * (wire.MAX_TARGET_BYTES + 10)))
    assert client.response()[0] == 414
    assert client.closed_by_server()


def test_too_many_header_fields_get_431(client: Client) -> None:
    client.send(get("/h", *(f"X-H{i}: v" for i in range(wire.MAX_HEADER_FIELDS + 1))))
    assert client.response()[0] == 431


def test_a_body_over_the_limit_is_cut_one_byte_past_it_and_the_connection_survives(
        client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wire, "MAX_REQUEST_BYTES", 1000)
    body = b"x" * 5000
    client.send(b"POST /big HTTP/1.1\r\nHost: h\r\nContent-Length: 5000\r\n\r\n" + body)
    assert client.json()["body_size"] == 1001
    client.send(get("/small"))
    assert client.json()["path"] == "/small"


def test_an_absolute_form_target_is_reduced_to_its_path(client: Client) -> None:
    client.send(get("http://api.local:3000/abs/path?q=1"))
    seen = client.json()
    assert (seen["path"], seen["query"]) == ("/abs/path", "q=1")


_TOKEN = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-",
                 min_size=1, max_size=20).map(lambda name: "X-" + name)
_VALUE = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E),
                 max_size=40)
_SEGMENT = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E,
                                          exclude_characters="?#/"), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(segments=st.lists(_SEGMENT, min_size=1, max_size=4),
       query=st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E,
                                            exclude_characters="#"), max_size=30),
       headers=st.lists(st.tuples(_TOKEN, _VALUE), max_size=6),
       body=st.binary(max_size=200))
def test_any_target_headers_and_body_reach_the_gateway_unchanged(
        client: Client, segments: list[str], query: str, headers: list[tuple[str, str]],
        body: bytes) -> None:
    path = "/" + "/".join(segments)
    target = path + ("?" + query if query else "")
    lines = [f"POST {target} HTTP/1.1", "Host: h", *(f"{k}: {v}" for k, v in headers),
             f"Content-Length: {len(body)}"]
    client.send(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    seen = client.json()
    assert seen["path"] == path
    assert seen["query"] == query
    assert seen["headers"][1:-1] == [list(pair) for pair in headers]
    assert seen["body_size"] == len(body)
    assert seen["body"] == body[:64].decode("latin-1")
