"""API keys and usage plans through the whole gateway, on a fake clock.

The app (tests/apps/keys) has SAM's ``Auth: {ApiKeyRequired: true, UsagePlan: PER_API}``
plan (throttle 2 rps / burst 3, quota 5 per DAY), a hand-written plan with a per-method
throttle and a monthly quota with an offset, and keys that are disabled or in no plan.
Each test that meters a key makes a fresh key, so buckets and counters start empty.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from emulator.config import Settings
from emulator.errors import GatewayError
from emulator.http import HttpRequest
from emulator.policy.api_keys import ApiKeyStep
from emulator.policy.pipeline import RequestState
from emulator.routing import Router
from emulator.testing import ApiClient, TestEmulator, start_emulator
from tests.conftest import APPS

KEYS_TEMPLATE = APPS / "keys" / "template.yaml"
FIXED_KEY = "fixed-key-value-0123456789"
_serial = itertools.count()


class FakeClock:
    """Wall-clock seconds that only move when a test moves them."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def set(self, moment: datetime) -> None:
        self.now = moment.timestamp()

    def advance(self, seconds: float) -> None:
        self.now += seconds


def _epoch(*parts: int) -> float:
    return datetime(*parts, tzinfo=UTC).timestamp()  # type: ignore[misc]


@pytest.fixture(scope="module")
def clock() -> FakeClock:
    return FakeClock(_epoch(2024, 3, 15, 12, 0, 0))


@pytest.fixture(scope="module")
def emulator(clock: FakeClock) -> Iterator[TestEmulator]:
    with start_emulator(KEYS_TEMPLATE, settings=Settings(aws_port=0),
                        serve_aws_endpoint=True, clock=clock) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def keyed(emulator: TestEmulator) -> ApiClient:
    return emulator.client("KeyedApi")


@pytest.fixture(scope="module")
def endpoint(emulator: TestEmulator) -> Any:
    """An API Gateway client on the AWS endpoint, as ``aws --endpoint-url`` would be."""
    return boto3.client("apigateway", region_name="us-east-1",
                        endpoint_url=emulator.aws.endpoint_url,
                        aws_access_key_id="outside", aws_secret_access_key="outside")


def _plan_id(emulator: TestEmulator, logical_id: str) -> str:
    return emulator.stack.resources[logical_id].physical_id


def _new_key(emulator: TestEmulator, plan_logical_id: str = "KeyedApiUsagePlan") -> str:
    """A fresh enabled key in a plan (in-process client); returns its value."""
    apigateway = emulator.aws.client("apigateway")
    value = f"test-key-{next(_serial):04d}-abcdefghijklmnop"
    key = apigateway.create_api_key(name=value, value=value, enabled=True)
    apigateway.create_usage_plan_key(usagePlanId=_plan_id(emulator, plan_logical_id),
                                     keyId=key["id"], keyType="API_KEY")
    return value


def _get(client: ApiClient, path: str, key: str | None = None) -> Any:
    return client.get(path, headers={"x-api-key": key} if key is not None else None)


def _assert_forbidden(response: Any) -> None:
    assert response.status_code == 403
    assert json.loads(response.data) == {"message": "Forbidden"}
    assert response.headers["x-amzn-ErrorType"] == "ForbiddenException"


def test_a_key_protected_method_called_without_a_key_is_forbidden(keyed: ApiClient) -> None:
    _assert_forbidden(_get(keyed, "/things"))


def test_an_unknown_key_is_forbidden(keyed: ApiClient) -> None:
    _assert_forbidden(_get(keyed, "/things", "no-such-key-0123456789abcdef"))


def test_a_disabled_key_is_forbidden_even_in_a_usage_plan(keyed: ApiClient) -> None:
    _assert_forbidden(_get(keyed, "/things", "disabled-key-value-0123456789"))


def test_an_enabled_key_in_no_usage_plan_for_the_stage_is_forbidden(keyed: ApiClient) -> None:
    _assert_forbidden(_get(keyed, "/things", "orphan-key-value-0123456789"))


def test_a_method_that_opts_out_of_api_keys_needs_none(keyed: ApiClient) -> None:
    response = _get(keyed, "/open")

    assert response.status_code == 200
    assert json.loads(response.data)["identity"]["apiKeyId"] is None


def test_an_accepted_key_reaches_the_event_with_its_id(emulator: TestEmulator,
                                                      keyed: ApiClient) -> None:
    response = _get(keyed, "/things", FIXED_KEY)

    assert response.status_code == 200
    identity = json.loads(response.data)["identity"]
    assert identity["apiKey"] == FIXED_KEY
    assert identity["apiKeyId"] == emulator.stack.resources["FixedKey"].physical_id


def test_the_key_sam_generates_is_enabled_and_in_its_plan(emulator: TestEmulator,
                                                         keyed: ApiClient) -> None:
    key_id = emulator.stack.resources["KeyedApiApiKey"].physical_id
    value = emulator.aws.client("apigateway").get_api_key(apiKey=key_id,
                                                         includeValue=True)["value"]

    response = _get(keyed, "/things", value)

    assert response.status_code == 200
    assert json.loads(response.data)["identity"]["apiKeyId"] == key_id


def test_the_rest_api_is_on_the_aws_endpoint_under_the_id_the_gateway_serves(
        emulator: TestEmulator, endpoint: Any) -> None:
    api_id = emulator.gateways["KeyedApi"].api.config.api_id

    assert endpoint.get_rest_api(restApiId=api_id)["id"] == api_id
    assert endpoint.get_stage(restApiId=api_id, stageName="v1")["stageName"] == "v1"


def test_a_key_created_at_run_time_on_the_aws_endpoint_is_honoured_on_the_next_request(
        emulator: TestEmulator, keyed: ApiClient, endpoint: Any) -> None:
    value = "created-on-the-endpoint-0123456789"
    key = endpoint.create_api_key(name="runtime-key", value=value)
    _assert_forbidden(_get(keyed, "/things", value))  # disabled: --enabled not given
    endpoint.update_api_key(apiKey=key["id"], patchOperations=[
        {"op": "replace", "path": "/enabled", "value": "true"}])
    _assert_forbidden(_get(keyed, "/things", value))  # in no usage plan yet
    plan = endpoint.create_usage_plan(name="runtime-plan", apiStages=[
        {"apiId": emulator.gateways["KeyedApi"].api.config.api_id, "stage": "v1"}])
    endpoint.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"],
                                   keyType="API_KEY")

    response = _get(keyed, "/things", value)

    assert response.status_code == 200
    assert json.loads(response.data)["identity"]["apiKeyId"] == key["id"]


def test_a_key_deleted_on_the_aws_endpoint_is_refused_on_the_next_request(
        emulator: TestEmulator, keyed: ApiClient, endpoint: Any) -> None:
    value = _new_key(emulator)
    assert _get(keyed, "/things", value).status_code == 200
    key_id = endpoint.get_api_keys(nameQuery=value)["items"][0]["id"]

    endpoint.delete_api_key(apiKey=key_id)

    _assert_forbidden(_get(keyed, "/things", value))


def test_a_key_gets_exactly_its_plans_burst_then_429(emulator: TestEmulator,
                                                    keyed: ApiClient) -> None:
    value = _new_key(emulator)

    statuses = [_get(keyed, "/things", value).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    throttled = _get(keyed, "/things", value)
    assert json.loads(throttled.data) == {"message": "Too Many Requests"}
    assert throttled.headers["x-amzn-ErrorType"] == "TooManyRequestsException"


def test_a_throttled_key_gets_one_token_back_after_one_over_rate_seconds(
        emulator: TestEmulator, keyed: ApiClient, clock: FakeClock) -> None:
    value = _new_key(emulator)
    for _ in range(3):
        assert _get(keyed, "/things", value).status_code == 200

    clock.advance(0.4)  # rate 2/s: a token takes 0.5 s
    assert _get(keyed, "/things", value).status_code == 429
    clock.advance(0.1)
    assert _get(keyed, "/things", value).status_code == 200
    assert _get(keyed, "/things", value).status_code == 429


def test_one_keys_throttle_leaves_another_keys_bucket_alone(emulator: TestEmulator,
                                                           keyed: ApiClient) -> None:
    first, second = _new_key(emulator), _new_key(emulator)
    for _ in range(3):
        _get(keyed, "/things", first)
    assert _get(keyed, "/things", first).status_code == 429

    assert _get(keyed, "/things", second).status_code == 200


def test_a_per_method_throttle_in_the_plan_limits_only_that_method(
        emulator: TestEmulator, keyed: ApiClient, clock: FakeClock) -> None:
    value = _new_key(emulator, "MeteredPlan")
    clock.set(datetime(2024, 3, 15, 13, 0, 0, tzinfo=UTC))

    assert _get(keyed, "/reports", value).status_code == 200
    assert _get(keyed, "/reports", value).status_code == 429  # "/reports/GET": burst 1
    assert _get(keyed, "/things", value).status_code == 200   # plan: burst 100
    clock.advance(2.0)  # rate 0.5/s
    assert _get(keyed, "/reports", value).status_code == 200


def test_a_daily_quota_is_used_up_then_resets_at_utc_midnight(
        emulator: TestEmulator, keyed: ApiClient, clock: FakeClock) -> None:
    value = _new_key(emulator)
    clock.set(datetime(2024, 3, 20, 23, 59, 0, tzinfo=UTC))
    for _ in range(5):  # Limit: 5 per DAY; one per second stays under the throttle
        assert _get(keyed, "/things", value).status_code == 200
        clock.advance(1.0)

    exhausted = _get(keyed, "/things", value)
    assert exhausted.status_code == 429
    assert json.loads(exhausted.data) == {"message": "Limit Exceeded"}
    assert exhausted.headers["x-amzn-ErrorType"] == "LimitExceededException"
    clock.set(datetime(2024, 3, 20, 23, 59, 59, 999_000, tzinfo=UTC))
    assert _get(keyed, "/things", value).status_code == 429
    clock.set(datetime(2024, 3, 21, 0, 0, 0, tzinfo=UTC))
    assert _get(keyed, "/things", value).status_code == 200


def test_a_monthly_quota_offset_shortens_only_the_first_month(
        emulator: TestEmulator, keyed: ApiClient, clock: FakeClock) -> None:
    value = _new_key(emulator, "MeteredPlan")  # Limit 4, Offset 1, MONTH
    clock.set(datetime(2024, 4, 10, 8, 0, 0, tzinfo=UTC))
    first_month = [_get(keyed, "/things", value).status_code for _ in range(4)]
    clock.set(datetime(2024, 4, 30, 23, 59, 59, tzinfo=UTC))
    end_of_first_month = _get(keyed, "/things", value).status_code
    clock.set(datetime(2024, 5, 1, 0, 0, 0, tzinfo=UTC))
    second_month = [_get(keyed, "/things", value).status_code for _ in range(5)]

    assert first_month == [200, 200, 200, 429]
    assert end_of_first_month == 429
    assert second_month == [200, 200, 200, 200, 429]


def test_quota_usage_is_reported_for_a_key_in_a_plan(emulator: TestEmulator,
                                                    keyed: ApiClient, clock: FakeClock) -> None:
    value = _new_key(emulator)
    clock.set(datetime(2024, 6, 3, 10, 0, 0, tzinfo=UTC))
    _get(keyed, "/things", value)
    clock.advance(1.0)
    _get(keyed, "/things", value)
    step = _api_key_step(emulator, "KeyedApi")
    key_id = emulator.aws.client("apigateway").get_api_keys(nameQuery=value)["items"][0]["id"]

    usage = step.usage(_plan_id(emulator, "KeyedApiUsagePlan"), key_id)

    assert usage is not None
    assert (usage.used, usage.remaining) == (2, 3)
    assert usage.period_end == _epoch(2024, 6, 4, 0, 0, 0)


def test_a_plan_throttle_changed_at_run_time_applies_to_the_next_request(
        emulator: TestEmulator, keyed: ApiClient, endpoint: Any, clock: FakeClock) -> None:
    value = _new_key(emulator, "MeteredPlan")
    clock.set(datetime(2024, 7, 1, 9, 0, 0, tzinfo=UTC))
    endpoint.update_usage_plan(usagePlanId=_plan_id(emulator, "MeteredPlan"), patchOperations=[
        {"op": "replace", "path": "/throttle/burstLimit", "value": "1"}])
    try:
        statuses = [_get(keyed, "/things", value).status_code for _ in range(2)]
    finally:
        endpoint.update_usage_plan(usagePlanId=_plan_id(emulator, "MeteredPlan"),
                                   patchOperations=[{"op": "replace",
                                                     "path": "/throttle/burstLimit",
                                                     "value": "100"}])

    assert statuses == [200, 429]


def _api_key_step(emulator: TestEmulator, logical_id: str) -> ApiKeyStep:
    steps = [step for step in emulator.gateways[logical_id].policy
             if isinstance(step, ApiKeyStep)]
    assert len(steps) == 1
    return steps[0]


def test_with_key_source_authorizer_the_key_is_the_authorizers_usage_identifier_key(
        emulator: TestEmulator) -> None:
    gateway = emulator.gateways["AuthorizerKeyApi"]
    step = _api_key_step(emulator, "AuthorizerKeyApi")
    match = Router(gateway.api).match("GET", "/by-authorizer")
    assert match is not None
    request = HttpRequest(method="GET", path="/by-authorizer", raw_query="",
                          headers=(("x-api-key", "ignored-with-this-source-0123"),),
                          body=b"", source_ip="127.0.0.1", host="localhost")
    without = RequestState(request_id="r1")
    with_key = RequestState(request_id="r2", usage_identifier_key=FIXED_KEY)

    with pytest.raises(GatewayError) as rejected:
        step.check(request, match, without)
    step.check(request, match, with_key)

    assert step.source == "AUTHORIZER"
    assert (rejected.value.status, rejected.value.response_type) == (403, "INVALID_API_KEY")
    assert with_key.api_key_id == emulator.stack.resources["FixedKey"].physical_id
