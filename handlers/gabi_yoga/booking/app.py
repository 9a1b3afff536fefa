"""Booking service: classes by date, booking a seat, listing/updating/cancelling bookings.

Capacity is enforced by DynamoDB, never by reading first: one ``TransactWriteItems``
increments the class's ``booked`` under ``ConditionExpression booked < capacity`` and puts
the booking under ``attribute_not_exists`` (the booking id is derived from class + member,
so a second booking of the same class is refused by the same transaction). Either both
writes happen or neither
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html);
``CancellationReasons`` tell which condition failed. Transactions that collide with another
in-flight transaction (``TransactionConflict``) are retried with a short backoff.
"""

from __future__ import annotations

import hashlib
from typing import Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError
from lambda_common.aws import (
    cancellation_codes,
    condition_failure_as,
    env,
    table,
    transact_write,
)
from lambda_common.clock import iso
from lambda_common.http import (
    Conflict,
    Event,
    Forbidden,
    NotFound,
    Response,
    api_handler,
    json_body,
    json_response,
    path_param,
    query_params,
)
from lambda_common.logs import get_logger
from lambda_common.principal import principal
from lambda_common.validation import Fields, parse_date

logger = get_logger(__name__)

TRANSACTION_ATTEMPTS = 5


def booking_id(class_id: str, user_id: str) -> str:
    digest = hashlib.sha256(f"{class_id}|{user_id}".encode()).hexdigest()
    return f"bk_{digest[:24]}"


def _transact(items: list[dict[str, Any]]) -> None:
    """TransactWriteItems, retrying only ``TransactionConflict`` cancellations."""
    transact_write(items, attempts=TRANSACTION_ATTEMPTS)


@api_handler
def list_classes(event: Event, context: Any) -> Response:
    day = parse_date(query_params(event).get("date"))
    found = table("CLASSES_TABLE").query(IndexName="DateTimeIndex",
                                         KeyConditionExpression=Key("date").eq(day.isoformat()))
    return json_response(200, {"items": found.get("Items", [])})


@api_handler
def book_class(event: Event, context: Any) -> Response:
    who = principal(event)
    class_id = path_param(event, "id")
    notes = ""
    if event.get("body"):
        fields = Fields(json_body(event))
        notes = fields.string("notes", required=False, min_length=0, max_length=500) or ""
        fields.check()
    booking = {"bookingId": booking_id(class_id, who.user_id), "classId": class_id,
               "userId": who.user_id, "status": "confirmed", "paymentStatus": "unpaid",
               "notes": notes, "createdAt": iso()}
    try:
        _transact([
            {"Update": {"TableName": env("CLASSES_TABLE"), "Key": {"classId": class_id},
                        "UpdateExpression": "SET booked = booked + :one",
                        "ConditionExpression": "attribute_exists(classId) AND booked < #capacity",
                        "ExpressionAttributeNames": {"#capacity": "capacity"},
                        "ExpressionAttributeValues": {":one": 1}}},
            {"Put": {"TableName": env("BOOKINGS_TABLE"), "Item": booking,
                     "ConditionExpression": "attribute_not_exists(bookingId)"}},
        ])
    except ClientError as exc:
        codes = cancellation_codes(exc)
        if len(codes) < 2:
            raise
        if codes[1] == "ConditionalCheckFailed":
            raise Conflict("You have already booked this class") from exc
        if codes[0] == "ConditionalCheckFailed":
            if table("CLASSES_TABLE").get_item(Key={"classId": class_id}).get("Item") is None:
                raise NotFound("Class not found") from exc
            raise Conflict("Class is full") from exc
        raise
    logger.info("booked", classId=class_id, userId=who.user_id)
    return json_response(201, booking)


@api_handler
def list_bookings(event: Event, context: Any) -> Response:
    who = principal(event)
    found = table("BOOKINGS_TABLE").query(IndexName="UserBookingsIndex",
                                          KeyConditionExpression=Key("userId").eq(who.user_id),
                                          ScanIndexForward=False)
    return json_response(200, {"items": found.get("Items", [])})


def _owned_booking(event: Event) -> tuple[str, dict[str, Any]]:
    who = principal(event)
    bid = path_param(event, "id")
    item = table("BOOKINGS_TABLE").get_item(Key={"bookingId": bid}).get("Item")
    if item is None:
        raise NotFound("Booking not found")
    if item["userId"] != who.user_id and not who.is_admin:
        raise Forbidden("Not your booking")
    return bid, item


@api_handler
def update_booking(event: Event, context: Any) -> Response:
    bid, item = _owned_booking(event)
    fields = Fields(json_body(event))
    fields.string("notes", min_length=0, max_length=500)
    values = fields.check()
    with condition_failure_as(NotFound("Booking not found")):
        updated = table("BOOKINGS_TABLE").update_item(
            Key={"bookingId": bid}, UpdateExpression="SET notes = :n, updatedAt = :at",
            ConditionExpression="userId = :owner",
            ExpressionAttributeValues={":n": values["notes"], ":at": iso(),
                                       ":owner": item["userId"]},
            ReturnValues="ALL_NEW")
    return json_response(200, updated["Attributes"])


@api_handler
def cancel_booking(event: Event, context: Any) -> Response:
    bid, item = _owned_booking(event)
    try:
        _transact([
            {"Delete": {"TableName": env("BOOKINGS_TABLE"), "Key": {"bookingId": bid},
                        "ConditionExpression": "userId = :owner",
                        "ExpressionAttributeValues": {":owner": item["userId"]}}},
            {"Update": {"TableName": env("CLASSES_TABLE"), "Key": {"classId": item["classId"]},
                        "UpdateExpression": "SET booked = booked - :one",
                        "ConditionExpression": "booked > :zero",
                        "ExpressionAttributeValues": {":one": 1, ":zero": 0}}},
        ])
    except ClientError as exc:
        if cancellation_codes(exc)[:1] == ["ConditionalCheckFailed"]:
            raise NotFound("Booking not found") from exc
        raise
    return json_response(204, None)
