"""The handlers' middleware reports init duration once per execution environment."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from handlers.common.lambda_common import coldstart as coldstart_module
from handlers.common.lambda_common import http as http_module


@pytest.fixture
def fresh() -> Iterator[tuple[ModuleType, ModuleType]]:
    """A new environment's middleware: the first-invocation flag not yet taken."""
    coldstart = importlib.reload(coldstart_module)
    yield coldstart, importlib.reload(http_module)
    importlib.reload(coldstart_module)
    importlib.reload(http_module)


def test_only_the_first_response_of_an_environment_carries_server_timing_init(
        fresh: tuple[ModuleType, ModuleType], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_LAMBDA_INITIALIZATION_TYPE", raising=False)
    _, http = fresh

    @http.api_handler
    def route(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return http.json_response(200, {"ok": True})

    first, second = route({}, None), route({}, None)
    name, value = "Server-Timing", first["headers"]["Server-Timing"]
    assert value.startswith("init;dur=") and float(value.split("=")[1]) >= 0
    assert name not in second["headers"]
    assert first["body"] == second["body"]


def test_an_error_response_also_reports_the_cold_start(
        fresh: tuple[ModuleType, ModuleType], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_LAMBDA_INITIALIZATION_TYPE", raising=False)
    _, http = fresh

    @http.api_handler
    def route(event: dict[str, Any], context: Any) -> dict[str, Any]:
        raise http.NotFound("nothing here")

    response = route({}, None)
    assert response["statusCode"] == 404
    assert response["headers"]["Server-Timing"].startswith("init;dur=")


@pytest.mark.parametrize("kind", ["provisioned-concurrency", "snap-start"])
def test_environments_initialised_ahead_of_requests_report_no_init(
        fresh: tuple[ModuleType, ModuleType], monkeypatch: pytest.MonkeyPatch,
        kind: str) -> None:
    monkeypatch.setenv("AWS_LAMBDA_INITIALIZATION_TYPE", kind)
    coldstart, _ = fresh
    assert coldstart.take_init_duration_ms() is None
    assert coldstart.take_init_duration_ms() is None


def test_the_init_metric_joins_a_server_timing_header_the_handler_already_set() -> None:
    response = {"statusCode": 200, "headers": {"server-timing": "db;dur=4"}, "body": ""}
    merged = coldstart_module.with_init_timing(response, 123.45)
    assert merged["headers"] == {"server-timing": "db;dur=4, init;dur=123.5"}
    assert response["headers"] == {"server-timing": "db;dur=4"}
