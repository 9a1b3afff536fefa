"""Stage throttling (REST ``MethodSettings``) and route throttling (HTTP API
``DefaultRouteSettings`` / ``RouteSettings``) through the gateway, on a fake clock.

tests/apps/keys: ``ThrottledApi`` has a stage default of 1 rps / burst 2 and ``GET /fast``
with its own burst of 4; ``ThrottledHttpApi`` has the same as default and route settings.
Buckets are per method and shared by all clients, so every test starts by letting a long
time pass, which fills them all again.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from emulator.testing import ApiClient, TestEmulator, start_emulator
from tests.conftest import APPS

KEYS_TEMPLATE = APPS / "keys" / "template.yaml"


class FakeClock:
    """Wall-clock seconds that only move when a test moves them."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="module")
def clock() -> FakeClock:
    return FakeClock(1_700_000_000.0)


@pytest.fixture(scope="module")
def emulator(clock: FakeClock) -> Iterator[TestEmulator]:
    with start_emulator(KEYS_TEMPLATE, clock=clock) as emulator:
        yield emulator


@pytest.fixture(autouse=True)
def full_buckets(clock: FakeClock) -> None:
    clock.advance(3600.0)


@pytest.fixture(scope="module")
def rest(emulator: TestEmulator) -> ApiClient:
    return emulator.client("ThrottledApi")


@pytest.fixture(scope="module")
def http(emulator: TestEmulator) -> ApiClient:
    return emulator.client("ThrottledHttpApi")


def _statuses(client: ApiClient, path: str, count: int) -> list[int]:
    return [client.get(path).status_code for _ in range(count)]


def test_stage_method_settings_allow_exactly_the_burst_then_answer_429(rest: ApiClient) -> None:
    assert _statuses(rest, "/slow", 3) == [200, 200, 429]

    throttled = rest.get("/slow")
    assert throttled.status_code == 429
    assert json.loads(throttled.data) == {"message": "Too Many Requests"}
    assert throttled.headers["x-amzn-ErrorType"] == "TooManyRequestsException"


def test_stage_throttle_refills_one_request_per_one_over_rate_seconds(
        rest: ApiClient, clock: FakeClock) -> None:
    assert _statuses(rest, "/slow", 3) == [200, 200, 429]

    clock.advance(0.99)
    assert rest.get("/slow").status_code == 429
    clock.advance(0.01)
    assert _statuses(rest, "/slow", 2) == [200, 429]
    clock.advance(5.0)  # at most the burst (2) accumulates, however long the pause
    assert _statuses(rest, "/slow", 3) == [200, 200, 429]


def test_a_methods_own_setting_overrides_the_stage_default_with_its_own_bucket(
        rest: ApiClient) -> None:
    assert _statuses(rest, "/slow", 3) == [200, 200, 429]

    # "/~1fast" GET: burst 4; the rate is inherited from the "/*" "*" default.
    assert _statuses(rest, "/fast", 5) == [200, 200, 200, 200, 429]


def test_a_stage_throttle_applies_to_every_client_alike(rest: ApiClient) -> None:
    first = [rest.get("/slow", source_ip="10.0.0.1").status_code for _ in range(2)]
    second = rest.get("/slow", source_ip="10.0.0.2").status_code

    assert (first, second) == ([200, 200], 429)


def test_http_api_default_route_settings_throttle_each_route(http: ApiClient) -> None:
    assert _statuses(http, "/v2/slow", 3) == [200, 200, 429]

    throttled = http.get("/v2/slow")
    assert json.loads(throttled.data) == {"message": "Too Many Requests"}
    assert "x-amzn-ErrorType" not in throttled.headers


def test_http_api_route_settings_override_the_default_for_their_route(
        http: ApiClient, clock: FakeClock) -> None:
    assert _statuses(http, "/v2/fast", 5) == [200, 200, 200, 200, 429]
    clock.advance(1.0)
    assert _statuses(http, "/v2/fast", 2) == [200, 429]


def test_apis_without_throttle_settings_get_no_throttle_step(emulator: TestEmulator) -> None:
    names = {logical_id: [step.name for step in gateway.policy]
             for logical_id, gateway in emulator.gateways.items()}

    assert "stage_throttle" in names["ThrottledApi"]
    assert "stage_throttle" in names["ThrottledHttpApi"]
    assert "stage_throttle" not in names["KeyedApi"]


def test_stage_method_settings_are_visible_on_the_aws_side(emulator: TestEmulator) -> None:
    api_id = emulator.gateways["ThrottledApi"].api.config.api_id

    settings = emulator.aws.client("apigateway").get_stage(
        restApiId=api_id, stageName="v1")["methodSettings"]

    assert settings["*/*"]["throttlingRateLimit"] == 1.0
    assert settings["*/*"]["throttlingBurstLimit"] == 2
    assert settings["~1fast/GET"]["throttlingBurstLimit"] == 4
