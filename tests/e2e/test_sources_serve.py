"""Event sources through ``serve``: the fire route and S3 writes from outside the process."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests

from tests.conftest import APPS
from tests.e2e.conftest import ServedEmulator, start_serve, stop_serve


@pytest.fixture(scope="module")
def served() -> Iterator[ServedEmulator]:
    running = start_serve(APPS / "sources" / "template.yaml")
    yield running
    stop_serve(running.process)


def _client(served: ServedEmulator, service: str) -> Any:
    return boto3.client(service, endpoint_url=served.aws_endpoint, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def _physical(served: ServedEmulator, logical_id: str) -> str:
    return str(served.info["resources"][logical_id]["physical_id"])


def _function_name(served: ServedEmulator, logical_id: str) -> str:
    return next(fn["name"] for fn in served.info["functions"] if fn["logical_id"] == logical_id)


def _wait_for_events(served: ServedEmulator, function: str, count: int,
                     timeout_s: float = 15) -> list[Any]:
    table = _physical(served, "RecordsTable")
    dynamodb = _client(served, "dynamodb")
    name = _function_name(served, function)
    deadline = time.monotonic() + timeout_s
    while True:
        items = dynamodb.query(TableName=table, KeyConditionExpression="fn = :fn",
                               ExpressionAttributeValues={":fn": {"S": name}})["Items"]
        if len(items) >= count or time.monotonic() > deadline:
            return [json.loads(item["event"]["S"]) for item in items]
        time.sleep(0.1)


def test_fire_route_runs_a_schedule_now_and_logs_the_invocation(served: ServedEmulator) -> None:
    response = requests.post(f"{served.origin}/_emulator/schedules/every-five-minutes/fire",
                             timeout=10)
    assert response.status_code == 202
    request_id = response.json()["requestId"]
    assert _wait_for_events(served, "ScheduledFunction", 1) == [{"job": "tick"}]
    deadline = time.monotonic() + 10
    while f"REPORT RequestId: {request_id}" not in served.output() and \
            time.monotonic() < deadline:
        time.sleep(0.1)
    assert f"START RequestId: {request_id}" in served.output()
    assert f"REPORT RequestId: {request_id}" in served.output()
    missing = requests.post(f"{served.origin}/_emulator/schedules/nope/fire", timeout=10)
    assert missing.status_code == 404 and "no schedule named" in missing.json()["message"]


def test_s3_put_through_the_aws_endpoint_and_a_presigned_url_invoke_the_function(
        served: ServedEmulator) -> None:
    s3 = _client(served, "s3")
    bucket = _physical(served, "UploadsBucket")
    s3.put_object(Bucket=bucket, Key="incoming/one.csv", Body=b"1")
    s3.put_object(Bucket=bucket, Key="incoming/skip.txt", Body=b"1")
    url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket,
                                                          "Key": "incoming/two.csv"})
    assert requests.put(url, data=b"2", timeout=10).status_code == 200
    # Handlers' presigned URLs point at the S3 listener (its own port, same moto state).
    handler_s3 = boto3.client("s3", endpoint_url=served.info["s3_endpoint"],
                              region_name="us-east-1", aws_access_key_id="testing",
                              aws_secret_access_key="testing")
    url = handler_s3.generate_presigned_url("put_object", Params={
        "Bucket": bucket, "Key": "incoming/three.csv"})
    assert requests.put(url, data=b"3", timeout=10).status_code == 200
    events = _wait_for_events(served, "UploadFunction", 3)
    keys = sorted(event["Records"][0]["s3"]["object"]["key"] for event in events)
    assert keys == ["incoming/one.csv", "incoming/three.csv", "incoming/two.csv"]
    info = requests.get(f"{served.origin}/_emulator/info", timeout=10).json()
    upload = [s for s in info["event_sources"] if s["kind"] == "s3" and
              s["settings"]["Suffix"] == ".csv"]
    assert upload and upload[0]["deliveries"] == 3
