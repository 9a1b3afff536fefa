"""Timeouts over real HTTP, where a warm Lambda runs on the connection's own thread."""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Iterator

import pytest

from emulator.server import ServerGroup
from emulator.testing import TestEmulator


@pytest.fixture(scope="module")
def port(sample: TestEmulator) -> Iterator[int]:
    servers = ServerGroup(sample, "127.0.0.1", 0)
    servers.start()
    yield servers.ports[list(sample.gateways).index("ServerlessRestApi")]
    servers.close()


def get(connection: http.client.HTTPConnection,
        path: str) -> tuple[http.client.HTTPResponse, bytes]:
    connection.request("GET", path)
    response = connection.getresponse()
    return response, response.read()


def test_a_warm_function_timeout_is_502_at_the_timeout_then_the_connection_closes(
        port: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    response, _ = get(connection, "/Prod/behaviour/status?code=200")  # warms the function
    assert response.status == 200
    started = time.monotonic()
    response, body = get(connection, "/Prod/behaviour/sleep")  # 5 s in C; Timeout is 1 s
    elapsed = time.monotonic() - started
    assert response.status == 502 and json.loads(body) == {"message": "Internal server error"}
    assert elapsed < 3, "answered at the timeout while the handler still slept"
    assert response.getheader("Connection") == "close"
    assert response.getheader("x-amzn-RequestId")
    connection.close()
    fresh = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    after, _ = get(fresh, "/Prod/behaviour/status?code=200")
    assert after.status == 200
    assert after.getheader("X-Emulator-Cold-Start"), "a timed-out environment is never reused"
    fresh.close()


def test_a_warm_integration_timeout_is_504_while_the_function_runs_on(port: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    get(connection, "/Prod/quick/warm")
    started = time.monotonic()
    response, body = get(connection, "/Prod/quick/nap")  # 0.8 s behind a 300 ms limit
    assert response.status == 504
    assert json.loads(body) == {"message": "Endpoint request timed out"}
    assert time.monotonic() - started < 0.7
    connection.close()
