"""Test helpers for users' own suites: the emulator in-process, no sockets.

    from emulator.testing import start_emulator

    def test_hello(tmp_path):
        with start_emulator("template.yaml") as emulator:
            api = emulator.client()                # the only / first API
            response = api.get("/hello")           # relative to the stage's invoke URL
            assert response.status_code == 200

Requests take the same path through the gateway as over HTTP (WSGI in-process, through
werkzeug's test client), and handlers' boto3 calls hit the same moto state as
``emulator.aws.client(...)``. The pytest fixture ``emulator`` (see
:func:`emulator_fixture`) builds one from a template path per test module.

Contract tests of the user's own spec (schemathesis, in-process, with the system's
credentials)::

    schema = contract_schema("openapi/x.yaml")

    @schema.parametrize()
    def test_api_keeps_its_contract(case):
        case.call_and_validate()
"""

from __future__ import annotations

import json as jsonlib
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from werkzeug.test import Client, TestResponse

from emulator.app import Emulator
from emulator.config import Settings
from emulator.management import ManagementApi
from emulator.wsgi import RAW_HEADERS_KEY, Dispatcher, GatewayWsgiApp

#: The origin in-process APIs pretend to be served from (Host header of test requests).
TEST_ORIGIN = "http://127.0.0.1:3000"


class ApiClient:
    """Requests to one API stage; paths are relative to its invoke URL (stage included)."""

    def __init__(self, emulator: Emulator, logical_id: str) -> None:
        gateway = emulator.gateways[logical_id]
        self.gateway = gateway
        self.stage_prefix = "" if gateway.stage == "$default" else f"/{gateway.stage}"
        app = GatewayWsgiApp(Dispatcher(emulator.gateways_by_api_id, gateway,
                                        ManagementApi(emulator)))
        self._client = Client(app, use_cookies=False)

    def request(self, method: str, path: str, *,
                headers: Mapping[str, str] | Sequence[tuple[str, str]] | None = None,
                query: str | Mapping[str, Any] | None = None, json: Any = None,
                data: bytes | str | None = None, stage_relative: bool = True,
                source_ip: str = "127.0.0.1") -> TestResponse:
        """Send one request; ``stage_relative=False`` sends ``path`` exactly as given."""
        full_path = self.stage_prefix + path if stage_relative else path
        header_list = list(headers.items() if isinstance(headers, Mapping) else headers or ())
        if json is not None:
            data = jsonlib.dumps(json)
            if not any(k.lower() == "content-type" for k, _ in header_list):
                header_list.append(("Content-Type", "application/json"))
        body = data.encode() if isinstance(data, str) else data or b""
        # The raw header list as a socket server would record it: order, case, duplicates.
        raw_headers = [("Host", TEST_ORIGIN.split("://", 1)[1]), *header_list]
        if body:
            raw_headers.append(("Content-Length", str(len(body))))
        return self._client.open(full_path, method=method, headers=header_list,
                                 query_string=query, data=body,
                                 base_url=TEST_ORIGIN,
                                 environ_base={"REMOTE_ADDR": source_ip,
                                               RAW_HEADERS_KEY: tuple(raw_headers)})

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> TestResponse:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> TestResponse:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> TestResponse:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> TestResponse:
        return self.request("DELETE", path, **kwargs)

    def options(self, path: str, **kwargs: Any) -> TestResponse:
        return self.request("OPTIONS", path, **kwargs)


class TestEmulator(Emulator):
    """An :class:`Emulator` with in-process API clients."""

    __test__ = False  # not a pytest test class

    def client(self, logical_id: str | None = None) -> ApiClient:
        if logical_id is None:
            if not self.gateways:
                raise LookupError("the template defines no API")
            logical_id = next(iter(self.gateways))
        return ApiClient(self, logical_id)


@contextmanager
def start_emulator(template: Path | str, *, settings: Settings | None = None,
                   seed_dirs: list[Path] | None = None,
                   serve_aws_endpoint: bool = False,
                   clock: Callable[[], float] = time.time) -> Iterator[TestEmulator]:
    """Provision ``template`` on a fresh moto and yield the emulator; tear down after."""
    emulator = TestEmulator(template, settings, seed_dirs=seed_dirs,
                            serve_aws_endpoint=serve_aws_endpoint, clock=clock)
    try:
        emulator.publish({logical_id: TEST_ORIGIN for logical_id in emulator.gateways})
        yield emulator
    finally:
        emulator.close()


def contract_schema(spec: str | Path, **kwargs: Any) -> Any:
    """A schemathesis lazy schema for ``spec`` against the template's emulator (see
    :func:`emulator.contract.pytest_plugin.contract_schema`; schemathesis loads only here)."""
    import sys

    from emulator.contract.pytest_plugin import contract_schema as build

    return build(spec, caller_globals=sys._getframe(1).f_globals, **kwargs)
