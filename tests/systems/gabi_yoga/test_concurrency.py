"""Capacity under contention: 50 parallel bookings of a 10-seat class through ``serve``.

Real sockets, the threaded server and concurrent execution environments: exactly 10
bookings succeed, the other 40 get 409, and DynamoDB holds ``booked == 10`` and 10 rows.

This also checks the emulator: moto's DynamoDB is not thread-safe by itself (a conditional
UpdateItem can pass its check twice; TransactWriteItems deep-copies tables other threads
are writing), so the test passes reliably only when the emulator serialises DynamoDB calls.
"""

from __future__ import annotations

import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest
import requests
from boto3.dynamodb.conditions import Key

from handlers.common.lambda_common import tokens
from tests.e2e.conftest import ServedEmulator

from .conftest import serve_errors

pytestmark = pytest.mark.slow


def _aws(served: ServedEmulator, service: str, kind: str = "client") -> object:
    factory = boto3.client if kind == "client" else boto3.resource
    return factory(service, endpoint_url=served.aws_endpoint, region_name="us-east-1",
                   aws_access_key_id="testing", aws_secret_access_key="testing")


def test_fifty_parallel_bookings_fill_a_ten_seat_class_exactly(served: ServedEmulator) -> None:
    resources = served.info["resources"]
    secret = _aws(served, "secretsmanager").get_secret_value(  # type: ignore[attr-defined]
        SecretId=resources["JwtSecret"]["physical_id"])["SecretString"]
    dynamodb = _aws(served, "dynamodb", "resource")
    classes = dynamodb.Table(resources["ClassesTable"]["physical_id"])  # type: ignore[attr-defined]
    bookings = dynamodb.Table(resources["BookingsTable"]["physical_id"])  # type: ignore[attr-defined]
    class_id = f"cls-race-{uuid.uuid4().hex[:8]}"
    classes.put_item(Item={"classId": class_id, "title": "Race", "date": "2026-03-10",
                           "startTime": "2026-03-10T09:00:00Z", "capacity": 10, "booked": 0,
                           "priceCents": 1000, "currency": "eur"})
    url = f"{served.api('GabiYogaApi').rstrip('/')}/classes/{class_id}/book"
    headers = [{"Authorization": "Bearer "
                + tokens.issue_access(f"u-race-{n}", "member", secret).token} for n in range(50)]

    def book(h: dict[str, str]) -> int:
        return requests.post(url, headers=h, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = Counter(pool.map(book, headers))

    assert statuses == Counter({201: 10, 409: 40}), serve_errors()
    assert classes.get_item(Key={"classId": class_id})["Item"]["booked"] == 10
    rows = bookings.query(IndexName="ClassBookingsIndex",
                          KeyConditionExpression=Key("classId").eq(class_id))["Items"]
    assert len(rows) == 10
