"""moto under concurrent requests: each request is atomic, as on AWS."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from emulator.aws import AwsEnvironment
from emulator.config import Settings

CAPACITY = 10
ATTEMPTS = 50


def _create_class(dynamodb: Any, table: str) -> None:
    dynamodb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                          AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                          KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    dynamodb.put_item(TableName=table, Item={"pk": {"S": "class"}, "booked": {"N": "0"},
                                             "capacity": {"N": str(CAPACITY)}})


def _book(dynamodb: Any, table: str, seat: int) -> bool:
    """One booking: a seat counter bump and a booking row, in one transaction."""
    try:
        dynamodb.transact_write_items(TransactItems=[
            {"Update": {"TableName": table, "Key": {"pk": {"S": "class"}},
                        "UpdateExpression": "SET booked = booked + :one",
                        "ConditionExpression": "booked < #capacity",
                        "ExpressionAttributeNames": {"#capacity": "capacity"},
                        "ExpressionAttributeValues": {":one": {"N": "1"}}}},
            {"Put": {"TableName": table, "Item": {"pk": {"S": f"booking-{seat}"}},
                     "ConditionExpression": "attribute_not_exists(pk)"}},
        ])
    except ClientError as error:
        assert error.response["Error"]["Code"] == "TransactionCanceledException"
        return False
    return True


def _race(client_factory: Callable[[], Any], table: str) -> tuple[int, int]:
    dynamodb = client_factory()
    _create_class(dynamodb, table)
    clients = [client_factory() for _ in range(8)]
    with ThreadPoolExecutor(max_workers=ATTEMPTS) as pool:
        results = list(pool.map(lambda seat: _book(clients[seat % 8], table, seat),
                                range(ATTEMPTS)))
    booked = dynamodb.get_item(TableName=table, Key={"pk": {"S": "class"}})["Item"]["booked"]
    return sum(results), int(booked["N"])


def test_concurrent_conditional_transactions_in_process_never_overbook() -> None:
    with AwsEnvironment(Settings()) as aws:
        for round_ in range(5):
            succeeded, booked = _race(lambda: aws.client("dynamodb"), f"classes-{round_}")
            assert (succeeded, booked) == (CAPACITY, CAPACITY)


@pytest.mark.slow
def test_concurrent_conditional_transactions_through_the_endpoint_never_overbook() -> None:
    with AwsEnvironment(Settings(aws_port=0), serve_endpoint=True) as aws:
        def client() -> Any:
            return boto3.client("dynamodb", endpoint_url=aws.endpoint_url, region_name="us-east-1",
                                aws_access_key_id="testing", aws_secret_access_key="testing")

        for round_ in range(3):
            assert _race(client, f"http-classes-{round_}") == (CAPACITY, CAPACITY)
