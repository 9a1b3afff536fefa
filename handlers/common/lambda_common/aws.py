"""boto3 clients and DynamoDB tables named by environment variables.

Handlers never hard-code resource names: the template passes them (``TABLE_NAME`` style,
https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html), so the same code
runs in any stack. Clients are created once per execution environment (outside the handler,
https://docs.aws.amazon.com/lambda/latest/dg/best-practices.html#function-code).
"""

from __future__ import annotations

import functools
import os
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import boto3
from boto3.dynamodb.conditions import ConditionBase
from botocore.exceptions import ClientError

from .logs import get_logger

logger = get_logger(__name__)


@functools.cache
def resource(service: str) -> Any:
    return boto3.resource(service)


@functools.cache
def client(service: str) -> Any:
    return boto3.client(service)


def env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"environment variable {name} is not configured")
    return value


def table(env_name: str) -> Any:
    """The DynamoDB Table named by environment variable ``env_name``."""
    return _table(env(env_name))


@functools.cache
def _table(name: str) -> Any:
    # boto3 builds a resource class on every Table(...) (milliseconds): once per name.
    return resource("dynamodb").Table(name)


def is_conditional_failure(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


@contextmanager
def condition_failure_as(error: Exception) -> Iterator[None]:
    """Turn a failed ``ConditionExpression`` inside the block into ``error`` (a 4xx)."""
    try:
        yield
    except ClientError as exc:
        if not is_conditional_failure(exc):
            raise
        raise error from exc


def cancellation_codes(error: ClientError) -> list[str]:
    """``CancellationReasons`` codes of a cancelled TransactWriteItems, in item order."""
    reasons = error.response.get("CancellationReasons") or []
    return [str(reason.get("Code", "None")) for reason in reasons]


def transact_write(items: list[dict[str, Any]], *, attempts: int = 5) -> None:
    """TransactWriteItems, retrying only ``TransactionConflict`` cancellations.

    DynamoDB cancels a transaction that races another one on the same item with
    ``TransactionConflict``; a retry then sees the winner's write (and usually fails its
    condition, which the caller handles). Items use plain Python values (resource client).
    """
    dynamodb = resource("dynamodb").meta.client
    for attempt in range(attempts):
        try:
            dynamodb.transact_write_items(TransactItems=items)
            return
        except ClientError as exc:
            if "TransactionConflict" not in cancellation_codes(exc) or attempt == attempts - 1:
                raise
            time.sleep(random.uniform(0.005, 0.02) * (attempt + 1))


def scan_all(tbl: Any, *, filter_expression: ConditionBase | None = None,
             projection: str | None = None) -> Iterator[dict[str, Any]]:
    """Every item of a (small) table, page by page."""
    kwargs: dict[str, Any] = {}
    if filter_expression is not None:
        kwargs["FilterExpression"] = filter_expression
    if projection:
        kwargs["ProjectionExpression"] = projection
    while True:
        page = tbl.scan(**kwargs)
        yield from page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def to_decimal(value: float | int) -> Decimal:
    return Decimal(str(value))


def send_email(to: list[str], subject: str, text: str) -> bool:
    """Send a plain-text email through SES from ``SENDER_EMAIL``; False when SES refuses.

    SES refuses mail from an unverified identity (sandbox); the caller decides whether that
    is fatal, and the refusal is logged with the correlation id.
    """
    try:
        client("ses").send_email(
            Source=env("SENDER_EMAIL"), Destination={"ToAddresses": to},
            Message={"Subject": {"Data": subject}, "Body": {"Text": {"Data": text}}})
    except ClientError as exc:
        logger.warning("email not sent",
                       error=exc.response.get("Error", {}).get("Code"), recipients=len(to))
        return False
    return True
