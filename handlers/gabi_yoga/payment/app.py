"""Payment service: payment intents priced on the server, signed webhooks, history.

* The amount is always the class's stored ``priceCents``; an ``amount`` sent by the client
  is ignored (a tampered browser must not choose its price).
* Webhooks are authenticated by a Stripe-style ``Stripe-Signature`` header
  (lambda_common.webhooks: HMAC-SHA256 over ``"t.body"``, 5-minute tolerance, constant-time
  comparison, https://docs.stripe.com/webhooks#verify-manually) and processed at most once
  per event id: a conditional put into the events table (with a TTL) claims the id; a
  delivery that fails half-way releases it so the provider's retry runs again.
"""

from __future__ import annotations

import base64
import os
import secrets
import uuid
from typing import Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError
from lambda_common import webhooks
from lambda_common.aws import is_conditional_failure, table
from lambda_common.clock import iso, now
from lambda_common.http import (
    BadRequest,
    Conflict,
    Event,
    Forbidden,
    NotFound,
    Response,
    api_handler,
    header,
    json_body,
    json_response,
)
from lambda_common.logs import get_logger
from lambda_common.principal import principal
from lambda_common.validation import Fields

logger = get_logger(__name__)

EVENT_RETENTION_S = 30 * 24 * 3600
STATUS_BY_EVENT = {"payment_intent.succeeded": ("succeeded", "paid"),
                   "payment_intent.payment_failed": ("failed", "failed")}


def _public(payment: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payment.items() if k != "clientSecret"}


@api_handler
def create_intent(event: Event, context: Any) -> Response:
    who = principal(event)
    fields = Fields(json_body(event))
    fields.string("bookingId", max_length=100)
    booking_id = fields.check()["bookingId"]
    booking = table("BOOKINGS_TABLE").get_item(Key={"bookingId": booking_id}).get("Item")
    if booking is None:
        raise NotFound("Booking not found")
    if booking["userId"] != who.user_id:
        raise Forbidden("Not your booking")
    if booking.get("paymentStatus") == "paid":
        raise Conflict("Booking is already paid")
    yoga_class = table("CLASSES_TABLE").get_item(Key={"classId": booking["classId"]}).get("Item")
    if yoga_class is None:
        raise NotFound("Class not found")
    payment_id = f"pi_{uuid.uuid4().hex}"
    payment = {"paymentId": payment_id, "userId": who.user_id, "bookingId": booking_id,
               "classId": booking["classId"], "amountCents": int(yoga_class["priceCents"]),
               "currency": str(yoga_class.get("currency", "eur")), "status": "requires_payment",
               "clientSecret": f"{payment_id}_secret_{secrets.token_urlsafe(18)}",
               "createdAt": iso()}
    table("PAYMENTS_TABLE").put_item(Item=payment)
    return json_response(201, payment)


def _raw_body(event: Event) -> bytes:
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        return base64.b64decode(body)
    return body.encode("utf-8")


@api_handler
def webhook(event: Event, context: Any) -> Response:
    body = _raw_body(event)
    try:
        webhooks.verify(header(event, "Stripe-Signature"), body, os.environ["WEBHOOK_SECRET"],
                        now=now())
    except webhooks.InvalidSignature as exc:
        logger.warning("webhook signature refused", reason=str(exc))
        raise BadRequest("Invalid signature", errors={"Stripe-Signature": str(exc)}) from exc
    data = json_body(event)
    fields = Fields(data)
    fields.string("id", max_length=255)
    fields.string("type", max_length=255)
    values = fields.check()
    obj = (data.get("data") or {}).get("object") if isinstance(data.get("data"), dict) else None
    if not isinstance(obj, dict) or not isinstance(obj.get("id"), str):
        raise BadRequest("Invalid request", errors={"data.object.id": "required"})
    events = table("WEBHOOK_EVENTS_TABLE")
    try:
        events.put_item(Item={"eventId": values["id"], "type": values["type"],
                              "receivedAt": iso(), "expiresAt": int(now()) + EVENT_RETENTION_S},
                        ConditionExpression="attribute_not_exists(eventId)")
    except ClientError as exc:
        if not is_conditional_failure(exc):
            raise
        return json_response(200, {"received": True, "duplicate": True})
    try:
        handled = _apply(values["type"], obj["id"])
    except Exception:
        events.delete_item(Key={"eventId": values["id"]})  # let the provider's retry run
        raise
    return json_response(200, {"received": True, "duplicate": False, "handled": handled})


def _apply(event_type: str, payment_id: str) -> bool:
    statuses = STATUS_BY_EVENT.get(event_type)
    if statuses is None:
        logger.info("webhook event type ignored", type=event_type)
        return False
    payment_status, booking_status = statuses
    try:
        updated = table("PAYMENTS_TABLE").update_item(
            Key={"paymentId": payment_id}, UpdateExpression="SET #s = :s, updatedAt = :at",
            ConditionExpression="attribute_exists(paymentId)",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":s": payment_status, ":at": iso()},
            ReturnValues="ALL_NEW")
    except ClientError as exc:
        if not is_conditional_failure(exc):
            raise
        logger.warning("webhook for an unknown payment", paymentId=payment_id)
        return False
    try:
        table("BOOKINGS_TABLE").update_item(
            Key={"bookingId": updated["Attributes"]["bookingId"]},
            UpdateExpression="SET paymentStatus = :p, paymentId = :id",
            ConditionExpression="attribute_exists(bookingId)",
            ExpressionAttributeValues={":p": booking_status, ":id": payment_id})
    except ClientError as exc:
        if not is_conditional_failure(exc):
            raise
        logger.warning("payment for a cancelled booking",
                       paymentId=payment_id)
    return True


@api_handler
def history(event: Event, context: Any) -> Response:
    who = principal(event)
    found = table("PAYMENTS_TABLE").query(IndexName="UserPaymentsIndex",
                                          KeyConditionExpression=Key("userId").eq(who.user_id),
                                          ScanIndexForward=False)
    return json_response(200, {"items": [_public(p) for p in found.get("Items", [])]})


