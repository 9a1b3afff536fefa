"""Move the legacy relational data (users, posts, classes, settings) into the DynamoDB tables.

    python -m handlers.gabi_yoga.migrate --from sqlite:///legacy.db \\
        [--endpoint-url http://127.0.0.1:4566] [--stack-name gabi-yoga | --table-prefix P] \\
        [--sample 20] [--validate-only]

Idempotent: every legacy row becomes the item with a derived key (``legacy-u-<id>``, ...),
written with ``UpdateItem`` ``SET`` so a re-run converges on the same items, and counters
owned by the new system (``booked``, ``failedLogins``) are only initialised
(``if_not_exists``). Then it validates: the number of migrated items per table equals the
number of source rows, and a deterministic sample of records matches field by field.
Exit status: 0 when valid, 1 on any mismatch or conflict, 2 on a usage/connection error.

Mapping decisions (documented in fixtures/gabi_yoga/README.md):

* legacy ``DATETIME`` values are UTC and become ISO-8601 ``...Z`` strings;
* bcrypt ``password_hash`` moves to ``legacyPasswordHash`` and is not accepted by login:
  migrated members set a new (Argon2id) password through ``/auth/forgot``;
* ``settings`` name/value rows become attributes of the ``site`` settings item
  (``booking_window_days`` -> ``bookingWindowDays``, numbers as numbers);
* a legacy email already used by a different account in DynamoDB is a conflict: reported,
  not overwritten;
* every migrated user also gets the email-reservation item registration relies on
  (``userId = "EMAIL#<email>"``, ``ownerId = legacy-u-<id>``, written before the user with
  ``attribute_not_exists(userId) OR ownerId = :me``), so a migrated address cannot be
  registered again; validation checks the reservation of every sampled user.

Tables are found through CloudFormation (``DescribeStackResource`` of the stack, as the
deployed or emulated stack reports them) or, with ``--table-prefix``, named
``<prefix><LogicalId>``. ``mysql://user:pass@host:port/db`` URLs need ``pymysql``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import sqlite3
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import unquote, urlparse

import boto3
from boto3.dynamodb.conditions import Attr, Key

logger = logging.getLogger("handlers.gabi_yoga.migrate")

TABLES = {"users": "UsersTable", "posts": "BlogPostsTable", "classes": "ClassesTable",
          "settings": "SettingsTable"}
KEYS = {"users": "userId", "posts": "postId", "classes": "classId", "settings": "settingKey"}
PREFIXES = {"users": "legacy-u-", "posts": "legacy-p-", "classes": "legacy-c-"}
SETTING_NAMES = {"studio_name": ("studioName", str), "contact_email": ("contactEmail", str),
                 "booking_window_days": ("bookingWindowDays", int),
                 "cancellation_hours": ("cancellationHours", int)}
SITE = "site"
#: Key prefix of the email-reservation items (see handlers/gabi_yoga/auth/app.py).
EMAIL_KEY_PREFIX = "EMAIL#"
#: Attributes the new system owns: initialised once, never overwritten by a re-run.
INITIAL_ONLY = {"classes": {"booked": 0}, "users": {"failedLogins": 0}}


class MigrationError(Exception):
    """A source that cannot be read or a target that cannot be found (exit status 2)."""


# -- source -------------------------------------------------------------------------------

@contextmanager
def connect(url: str) -> Iterator[Any]:
    """A DB-API connection whose cursors return rows as dicts."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(url.split("sqlite:///", 1)[1]) if url.startswith("sqlite:///") else ""
        if not path:
            raise MigrationError(f"expected sqlite:///path/to/file.db, got {url!r}")
        try:
            connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        except sqlite3.Error as exc:
            raise MigrationError(f"cannot open {path}: {exc}") from exc
        connection.row_factory = sqlite3.Row
    elif parsed.scheme in ("mysql", "mysql+pymysql"):
        try:
            import pymysql  # type: ignore[import-not-found]
            import pymysql.cursors  # type: ignore[import-not-found]
        except ImportError as exc:
            raise MigrationError("MySQL sources need the pymysql driver: pip install pymysql"
                                 ) from exc
        connection = pymysql.connect(
            host=parsed.hostname or "localhost", port=parsed.port or 3306,
            user=unquote(parsed.username or ""), password=unquote(parsed.password or ""),
            database=parsed.path.lstrip("/"), cursorclass=pymysql.cursors.DictCursor)
    else:
        raise MigrationError(f"unsupported source URL scheme {parsed.scheme!r} "
                             "(use sqlite:///file.db or mysql://user:pass@host/db)")
    try:
        yield connection
    finally:
        connection.close()


def fetch(connection: Any, query: str) -> list[dict[str, Any]]:
    cursor = connection.cursor()
    try:
        cursor.execute(query)
        return [dict(row) for row in cursor.fetchall()]
    except Exception as exc:  # DB-API drivers raise their own Error classes
        raise MigrationError(f"{query!r} failed: {exc}") from exc
    finally:
        cursor.close()


# -- mapping (pure) -----------------------------------------------------------------------

def iso(value: Any, *, millis: bool = True) -> str | None:
    """``2019-04-01 09:00:00`` (UTC) -> ``2019-04-01T09:00:00.000Z``."""
    if value is None:
        return None
    text = str(value).replace("T", " ")[:19]
    date, _, time = text.partition(" ")
    time = (time or "00:00:00").ljust(8, "0")[:8]
    return f"{date}T{time}.000Z" if millis else f"{date}T{time}Z"


def user_item(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"userId": f"{PREFIXES['users']}{row['id']}", "email": str(row["email"]).lower(),
            "name": row["name"], "role": "admin" if row["role"] == "admin" else "member",
            "emailVerified": bool(row["email_verified"]), "newsletter": bool(row["newsletter"]),
            "legacyPasswordHash": row["password_hash"], "legacyId": int(row["id"]),
            "createdAt": iso(row["created_at"])}


def post_item(row: Mapping[str, Any]) -> dict[str, Any]:
    item = {"postId": f"{PREFIXES['posts']}{row['id']}", "title": row["title"],
            "slug": row["slug"], "body": row["body"],
            "status": "published" if row["status"] == "published" else "draft",
            "authorId": f"{PREFIXES['users']}{row['author_id']}", "legacyId": int(row["id"]),
            "createdAt": iso(row["created_at"]), "updatedAt": iso(row["updated_at"])}
    if item["status"] == "published" and row.get("published_at"):
        # Drafts get no publishedAt, which keeps them out of the sparse StatusIndex.
        item["publishedAt"] = iso(row["published_at"])
    return item


def class_item(row: Mapping[str, Any]) -> dict[str, Any]:
    start = iso(row["starts_at"], millis=False)
    assert start is not None
    return {"classId": f"{PREFIXES['classes']}{row['id']}", "title": row["title"],
            "instructor": row["instructor"], "date": start[:10], "startTime": start,
            "durationMinutes": int(row["duration_minutes"]), "capacity": int(row["capacity"]),
            "priceCents": int(row["price_cents"]), "currency": str(row["currency"]).lower(),
            "legacyId": int(row["id"])}


def settings_item(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    item: dict[str, Any] = {"settingKey": SITE}
    for row in rows:
        name, convert = SETTING_NAMES.get(str(row["name"]), (None, str))
        if name is None:
            logger.warning("legacy setting %s has no counterpart; skipped", row["name"])
            continue
        item[name] = convert(row["value"])
    return item


# -- target -------------------------------------------------------------------------------

@dataclass
class Report:
    written: dict[str, int] = field(default_factory=dict)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    mismatches: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches and not self.conflicts


def resolve_tables(session: boto3.Session, endpoint_url: str | None, stack_name: str | None,
                   prefix: str | None) -> dict[str, str]:
    if prefix is not None:
        return {entity: f"{prefix}{logical}" for entity, logical in TABLES.items()}
    if not stack_name:
        raise MigrationError("give --stack-name or --table-prefix")
    cloudformation = session.client("cloudformation", endpoint_url=endpoint_url)
    names = {}
    for entity, logical in TABLES.items():
        try:
            described = cloudformation.describe_stack_resource(StackName=stack_name,
                                                               LogicalResourceId=logical)
        except Exception as exc:  # botocore ClientError / EndpointConnectionError
            raise MigrationError(f"stack {stack_name}: cannot find {logical}: {exc}") from exc
        names[entity] = described["StackResourceDetail"]["PhysicalResourceId"]
    return names


def _dynamo(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return Decimal(str(value))
    return value


def upsert(table: Any, key_name: str, item: Mapping[str, Any],
           initial: Mapping[str, Any] | None = None) -> None:
    """``SET`` every migrated attribute; ``if_not_exists`` for the new system's counters."""
    values = {k: v for k, v in item.items() if k != key_name and v is not None}
    names = {f"#a{i}": k for i, k in enumerate(values)}
    parts = [f"#a{i} = :v{i}" for i in range(len(values))]
    attribute_values = {f":v{i}": _dynamo(v) for i, v in enumerate(values.values())}
    for j, (name, default) in enumerate((initial or {}).items()):
        names[f"#i{j}"] = name
        attribute_values[f":i{j}"] = _dynamo(default)
        parts.append(f"#i{j} = if_not_exists(#i{j}, :i{j})")
    table.update_item(Key={key_name: item[key_name]}, UpdateExpression="SET " + ", ".join(parts),
                      ExpressionAttributeNames=names, ExpressionAttributeValues=attribute_values)


def _email_conflict(users: Any, item: Mapping[str, Any]) -> str | None:
    found = users.query(IndexName="EmailIndex",
                        KeyConditionExpression=Key("email").eq(item["email"]))["Items"]
    others = [u["userId"] for u in found if u["userId"] != item["userId"]]
    return f"{item['email']} already belongs to {others[0]}" if others else None


def email_reservation(item: Mapping[str, Any]) -> dict[str, Any]:
    """The Users-table item reserving a migrated user's email for that user."""
    return {"userId": f"{EMAIL_KEY_PREFIX}{item['email']}", "ownerId": item["userId"],
            "kind": "email-uniqueness", "createdAt": item["createdAt"]}


def reserve_email(users: Any, item: Mapping[str, Any]) -> str | None:
    """Claim the user's email (idempotent for its own owner); a conflict message otherwise."""
    reservation = email_reservation(item)
    try:
        users.put_item(Item={k: v for k, v in reservation.items() if v is not None},
                       ConditionExpression="attribute_not_exists(userId) OR ownerId = :me",
                       ExpressionAttributeValues={":me": item["userId"]})
    except users.meta.client.exceptions.ConditionalCheckFailedException:
        owner = users.get_item(Key={"userId": reservation["userId"]}).get("Item", {})
        return f"{item['email']} already belongs to {owner.get('ownerId', 'another account')}"
    return None


def count_migrated(table: Any, key_name: str, prefix: str) -> int:
    kwargs: dict[str, Any] = {"Select": "COUNT",
                              "FilterExpression": Attr(key_name).begins_with(prefix)}
    total = 0
    while True:
        page = table.scan(**kwargs)
        total += int(page["Count"])
        if "LastEvaluatedKey" not in page:
            return total
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def compare(expected: Mapping[str, Any], actual: Mapping[str, Any] | None, where: str
            ) -> list[str]:
    if actual is None:
        return [f"{where}: missing"]
    return [f"{where}.{name}: expected {value!r}, found {_plain(actual.get(name))!r}"
            for name, value in expected.items()
            if value is not None and _plain(actual.get(name)) != value]


def migrate(source: Any, tables: Mapping[str, Any], *, sample: int = 20,
            validate_only: bool = False, seed: int = 4) -> Report:
    report = Report()
    mappers: dict[str, tuple[str, Callable[[Mapping[str, Any]], dict[str, Any]]]] = {
        "users": ("SELECT * FROM users ORDER BY id", user_item),
        "posts": ("SELECT * FROM posts ORDER BY id", post_item),
        "classes": ("SELECT * FROM classes ORDER BY id", class_item)}
    expected: dict[str, list[dict[str, Any]]] = {}
    for entity, (query, mapper) in mappers.items():
        expected[entity] = [mapper(row) for row in fetch(source, query)]
    site = settings_item(fetch(source, "SELECT name, value FROM settings ORDER BY name"))

    if not validate_only:
        for entity, items in expected.items():
            written = 0
            for item in items:
                if entity == "users":
                    conflict = (_email_conflict(tables["users"], item)
                                or reserve_email(tables["users"], item))
                    if conflict:
                        report.conflicts.append(conflict)
                        continue
                upsert(tables[entity], KEYS[entity], item, INITIAL_ONLY.get(entity))
                written += 1
            report.written[entity] = written
        upsert(tables["settings"], KEYS["settings"], site)
        report.written["settings"] = 1

    rng = random.Random(seed)
    for entity, items in expected.items():
        found = count_migrated(tables[entity], KEYS[entity], PREFIXES[entity])
        report.counts[entity] = {"source": len(items), "target": found}
        if found != len(items):
            report.mismatches.append(f"{entity}: {len(items)} source rows, {found} items")
        for item in rng.sample(items, min(sample, len(items))):
            key = {KEYS[entity]: item[KEYS[entity]]}
            actual = tables[entity].get_item(Key=key).get("Item")
            report.mismatches += compare(item, actual, f"{entity}[{item[KEYS[entity]]}]")
            if entity == "users":
                reservation = email_reservation(item)
                stored = tables[entity].get_item(Key={"userId": reservation["userId"]})
                report.mismatches += compare({"ownerId": reservation["ownerId"]},
                                             stored.get("Item"),
                                             f"users[{reservation['userId']}]")
    actual_site = tables["settings"].get_item(Key={"settingKey": SITE}).get("Item")
    report.mismatches += compare(site, actual_site, "settings[site]")
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m handlers.gabi_yoga.migrate",
                                     description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--from", dest="source", required=True,
                        help="sqlite:///path/legacy.db or mysql://user:pass@host/db")
    parser.add_argument("--endpoint-url", help="AWS endpoint (the emulator's, for local runs)")
    parser.add_argument("--region", default=None)
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--stack-name", default=None,
                        help="find the tables in this CloudFormation stack (default: "
                             "$AWS_SAM_STACK_NAME or gabi-yoga)")
    target.add_argument("--table-prefix", default=None,
                        help="tables are named <prefix><LogicalId>, e.g. dev-UsersTable")
    parser.add_argument("--sample", type=int, default=20, help="records checked per table")
    parser.add_argument("--validate-only", action="store_true", help="check, write nothing")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")

    stack_name = args.stack_name or os.environ.get("AWS_SAM_STACK_NAME") or "gabi-yoga"
    session = boto3.Session(region_name=args.region or os.environ.get("AWS_DEFAULT_REGION")
                            or "us-east-1")
    try:
        names = resolve_tables(session, args.endpoint_url, stack_name, args.table_prefix)
        dynamodb = session.resource("dynamodb", endpoint_url=args.endpoint_url)
        tables = {entity: dynamodb.Table(name) for entity, name in names.items()}
        with connect(args.source) as source:
            report = migrate(source, tables, sample=args.sample,
                             validate_only=args.validate_only)
    except MigrationError as exc:
        logger.error("%s", exc)
        return 2
    for problem in report.conflicts + report.mismatches:
        logger.error("%s", problem)
    sys.stdout.write(json.dumps({"written": report.written, "counts": report.counts,
                                 "conflicts": report.conflicts,
                                 "mismatches": report.mismatches, "ok": report.ok},
                                indent=2) + "\n")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
