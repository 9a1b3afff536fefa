"""Gambix Strata's data access shared by its functions: ids, owned projects, pages, TTLs.

Every item a user can reach is keyed under its owner (the Cognito ``sub``) or under a
project that is looked up with the owner first, so another owner's id is simply not found:
404, never 403, which would confirm that the id exists
(https://cheatsheetseries.owasp.org/cheatsheets/Authorization_Cheat_Sheet.html#enforce-authorization-checks-on-static-resources).
Pages of a ``Query`` continue from lambda_common's signed cursors, with a key derived from
the ``CURSOR_SECRET_ARN`` secret; a cursor is only accepted for the partition it came from.
"""

from __future__ import annotations

import functools
import hashlib
import time
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from boto3.dynamodb.conditions import ConditionBase, Key
from lambda_common.aws import client, env, table
from lambda_common.cursors import InvalidCursor, decode_cursor, encode_cursor
from lambda_common.http import BadRequest, NotFound
from lambda_common.validation import parse_limit

from .inputs import CURSOR_RE, ID_RE

DAY_S = 24 * 3600
#: Attributes that are storage details, never part of an API response.
PRIVATE_FIELDS = frozenset({"ownerId", "sk", "expiresAt"})


def new_id() -> str:
    return uuid.uuid4().hex


def sortable_id(at: float | None = None) -> str:
    """32 hex-compatible characters that sort by creation time (milliseconds first)."""
    millis = int((time.time() if at is None else at) * 1000)
    return f"{millis:013d}{uuid.uuid4().hex[:19]}"


def expires_in(days: int, *, now: float | None = None) -> int:
    """A DynamoDB TTL value (epoch seconds) ``days`` from now."""
    return int((time.time() if now is None else now) + days * DAY_S)


def public(item: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in item.items() if key not in PRIVATE_FIELDS}


def require_id(value: str, what: str) -> str:
    """``value`` when it is an id this service issues; 404 otherwise (no lookup needed)."""
    if not ID_RE.match(value):
        raise NotFound(f"{what} not found")
    return value


def get_project(owner_id: str, project_id: str) -> dict[str, Any]:
    require_id(project_id, "Project")
    item = table("PROJECTS_TABLE").get_item(
        Key={"ownerId": owner_id, "projectId": project_id}).get("Item")
    if item is None:
        raise NotFound("Project not found")
    return dict(item)


@functools.cache
def cursor_key() -> str:
    secret = client("secretsmanager").get_secret_value(SecretId=env("CURSOR_SECRET_ARN"))
    return hashlib.sha256(b"strata-cursor:" + str(secret["SecretString"]).encode()).hexdigest()


def query_page(tbl: Any, *, partition: tuple[str, str], params: Mapping[str, str],
               key_names: Iterable[str], sort_condition: ConditionBase | None = None,
               newest_first: bool = False, index: str | None = None,
               filter_expression: ConditionBase | None = None,
               ) -> tuple[list[dict[str, Any]], str | None]:
    """One page of a partition (``limit`` 1-50, default 10, ``cursor``), and the next cursor."""
    name, value = partition
    condition = Key(name).eq(value)
    if sort_condition is not None:
        condition = condition & sort_condition
    query: dict[str, Any] = {"KeyConditionExpression": condition,
                             "Limit": parse_limit(params.get("limit")),
                             "ScanIndexForward": not newest_first}
    if index:
        query["IndexName"] = index
    if filter_expression is not None:
        query["FilterExpression"] = filter_expression
    if "cursor" in params:
        if not CURSOR_RE.match(params["cursor"]):
            raise BadRequest("Invalid request", errors={"cursor": "invalid"})
        try:
            start = decode_cursor(params["cursor"], cursor_key())
        except InvalidCursor as exc:
            raise BadRequest("Invalid request", errors={"cursor": "invalid"}) from exc
        if set(start) != set(key_names) or start.get(name) != value:
            raise BadRequest("Invalid request", errors={"cursor": "invalid"})
        query["ExclusiveStartKey"] = start
    page = tbl.query(**query)
    last = page.get("LastEvaluatedKey")
    return ([public(item) for item in page.get("Items", [])],
            encode_cursor(last, cursor_key()) if last else None)


def query_all(tbl: Any, condition: ConditionBase, **kwargs: Any) -> list[dict[str, Any]]:
    """Every item matching ``condition`` (small partitions: one project's records)."""
    items: list[dict[str, Any]] = []
    query: dict[str, Any] = {"KeyConditionExpression": condition, **kwargs}
    while True:
        page = tbl.query(**query)
        items.extend(page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            return items
        query["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def latest_health(project_id: str) -> dict[str, Any] | None:
    item = table("HEALTH_TABLE").get_item(Key={"projectId": project_id, "sk": "latest"}
                                          ).get("Item")
    return dict(item) if item else None
