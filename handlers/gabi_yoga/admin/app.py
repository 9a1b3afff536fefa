"""Admin service: dashboard, users, settings, analytics and the newsletter.

Two independent gates, as the migration plan asks: API Gateway requires the admin API key
(``ApiKeyRequired`` + the AdminUsagePlan, so the key is throttled and metered) and each
function requires the ``admin`` role from the authorizer context (403 for members).
Counts use ``Scan`` with ``Select=COUNT`` - fine for a studio's few thousand items; a
bigger tenant would keep counters updated by streams instead. The Users table also holds
the email-reservation items of registration (``userId = "EMAIL#<email>"``, see the auth
service); every scan here filters them out, so they are never listed, counted or mailed.
"""

from __future__ import annotations

import uuid
from typing import Any

from boto3.dynamodb.conditions import Attr, ConditionBase
from lambda_common.aws import scan_all, send_email, table
from lambda_common.clock import iso
from lambda_common.http import BadRequest, Event, Response, api_handler, json_body, json_response
from lambda_common.logs import get_logger
from lambda_common.principal import require_admin
from lambda_common.validation import Fields

logger = get_logger(__name__)

PUBLIC_USER_FIELDS = ("userId", "email", "name", "role", "emailVerified", "newsletter",
                      "createdAt")
SITE_SETTINGS = "site"
#: Key prefix of the auth service's email-reservation items in the Users table.
EMAIL_KEY_PREFIX = "EMAIL#"
#: Only real accounts: excludes the email-reservation items.
ACCOUNTS = ~Attr("userId").begins_with(EMAIL_KEY_PREFIX)


def _count(env_name: str, filter_expression: ConditionBase | None = None) -> int:
    tbl, total = table(env_name), 0
    kwargs: dict[str, Any] = {"Select": "COUNT"}
    if filter_expression is not None:
        kwargs["FilterExpression"] = filter_expression
    while True:
        page = tbl.scan(**kwargs)
        total += int(page.get("Count", 0))
        if "LastEvaluatedKey" not in page:
            return total
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _revenue_cents() -> int:
    paid = scan_all(table("PAYMENTS_TABLE"), filter_expression=Attr("status").eq("succeeded"))
    return sum(int(p.get("amountCents", 0)) for p in paid)


@api_handler
def dashboard(event: Event, context: Any) -> Response:
    require_admin(event)
    return json_response(200, {"users": _count("USERS_TABLE", ACCOUNTS),
                               "bookings": _count("BOOKINGS_TABLE"),
                               "classes": _count("CLASSES_TABLE"),
                               "posts": _count("BLOG_TABLE"),
                               "revenueCents": _revenue_cents()})


@api_handler
def users(event: Event, context: Any) -> Response:
    require_admin(event)
    items = [{k: u[k] for k in PUBLIC_USER_FIELDS if k in u}
             for u in scan_all(table("USERS_TABLE"), filter_expression=ACCOUNTS)]
    items.sort(key=lambda u: str(u.get("createdAt", "")))
    return json_response(200, {"items": items})


@api_handler
def settings(event: Event, context: Any) -> Response:
    require_admin(event)
    fields = Fields(json_body(event))
    fields.string("studioName", required=False, max_length=100)
    fields.email("contactEmail", required=False)
    fields.integer("bookingWindowDays", required=False, minimum=1, maximum=90)
    fields.integer("cancellationHours", required=False, minimum=0, maximum=168)
    values = fields.check()
    if not values:
        raise BadRequest("Invalid request", errors={"body": "no known setting given"})
    updated = table("SETTINGS_TABLE").update_item(
        Key={"settingKey": SITE_SETTINGS},
        UpdateExpression="SET " + ", ".join(f"#{k} = :{k}" for k in values)
                         + ", updatedAt = :updatedAt",
        ExpressionAttributeNames={f"#{k}": k for k in values},
        ExpressionAttributeValues={**{f":{k}": v for k, v in values.items()},
                                   ":updatedAt": iso()},
        ReturnValues="ALL_NEW")
    stored = {k: v for k, v in updated["Attributes"].items() if k != "settingKey"}
    return json_response(200, stored)


@api_handler
def analytics(event: Event, context: Any) -> Response:
    require_admin(event)
    classes = []
    for item in scan_all(table("CLASSES_TABLE")):
        capacity, booked = int(item.get("capacity", 0)), int(item.get("booked", 0))
        classes.append({"classId": item["classId"], "title": item.get("title", ""),
                        "date": item.get("date"), "booked": booked, "capacity": capacity,
                        "fillRate": round(booked / capacity, 3) if capacity else 0.0})
    classes.sort(key=lambda c: (str(c["date"]), c["classId"]))
    return json_response(200, {"classes": classes, "revenueCents": _revenue_cents()})


@api_handler
def communications(event: Event, context: Any) -> Response:
    admin = require_admin(event)
    fields = Fields(json_body(event))
    fields.string("subject", max_length=200)
    fields.string("body", max_length=20_000)
    values = fields.check()
    recipients = [str(u["email"]) for u in scan_all(
        table("USERS_TABLE"), filter_expression=ACCOUNTS & Attr("newsletter").eq(True))]
    # One message per member: addresses of other members are never disclosed.
    sent = sum(send_email([address], values["subject"], values["body"]) for address in recipients)
    record = {"communicationId": uuid.uuid4().hex, "subject": values["subject"],
              "body": values["body"], "recipients": len(recipients), "sent": sent,
              "sentBy": admin.user_id, "sentAt": iso()}
    table("COMMUNICATIONS_TABLE").put_item(Item=record)
    logger.info("newsletter sent", recipients=len(recipients),
                sent=sent)
    return json_response(202, {"communicationId": record["communicationId"],
                               "recipients": len(recipients), "sent": sent})
