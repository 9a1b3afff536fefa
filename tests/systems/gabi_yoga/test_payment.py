"""Payment routes: server-priced intents, signed idempotent webhooks, history."""

from __future__ import annotations

import json
import time
import uuid

from handlers.common.lambda_common import webhooks

from .conftest import WEBHOOK_SECRET, GabiYoga


def _book(gabi: GabiYoga, price_cents: int = 2300) -> tuple[dict[str, str], str]:
    member = gabi.mint(f"u-pay-{uuid.uuid4().hex[:8]}")
    class_id = gabi.add_class(price_cents=price_cents)
    booking = gabi.api.post(f"/classes/{class_id}/book", headers=member).get_json()
    return member, booking["bookingId"]


def _deliver(gabi: GabiYoga, event: dict[str, object], *, secret: str = WEBHOOK_SECRET,
             timestamp: int | None = None, body: bytes | None = None) -> object:
    raw = body if body is not None else json.dumps(event).encode()
    signature = webhooks.sign(secret, int(time.time()) if timestamp is None else timestamp, raw)
    return gabi.api.post("/payment/webhook", data=raw,
                         headers={"Content-Type": "application/json",
                                  "Stripe-Signature": signature})


def _succeeded(payment_id: str) -> dict[str, object]:
    return {"id": f"evt_{uuid.uuid4().hex}", "type": "payment_intent.succeeded",
            "data": {"object": {"id": payment_id}}}


def test_the_intent_amount_is_the_class_price_not_the_clients(gabi: GabiYoga) -> None:
    member, booking_id = _book(gabi, price_cents=2300)
    response = gabi.api.post("/payment/intent", headers=member,
                             json={"bookingId": booking_id, "amount": 1})
    assert response.status_code == 201
    intent = response.get_json()
    assert intent["amountCents"] == 2300 and intent["status"] == "requires_payment"
    assert intent["clientSecret"].startswith(intent["paymentId"])


def test_an_intent_for_someone_elses_or_an_unknown_booking_is_refused(gabi: GabiYoga) -> None:
    _, booking_id = _book(gabi)
    stranger = gabi.mint("u-stranger")
    assert gabi.api.post("/payment/intent", headers=stranger,
                         json={"bookingId": booking_id}).status_code == 403
    assert gabi.api.post("/payment/intent", headers=stranger,
                         json={"bookingId": "bk_nope"}).status_code == 404
    missing = gabi.api.post("/payment/intent", headers=stranger, json={})
    assert missing.status_code == 400 and missing.get_json()["errors"] == {"bookingId": "required"}


def test_a_signed_webhook_marks_the_payment_and_booking_paid_exactly_once(gabi: GabiYoga) -> None:
    member, booking_id = _book(gabi)
    intent = gabi.api.post("/payment/intent", headers=member,
                           json={"bookingId": booking_id}).get_json()
    event = _succeeded(intent["paymentId"])
    first = _deliver(gabi, event)
    assert first.status_code == 200
    assert first.get_json() == {"received": True, "duplicate": False, "handled": True}
    replay = _deliver(gabi, event)
    assert replay.status_code == 200 and replay.get_json()["duplicate"] is True

    booking = gabi.table("BookingsTable").get_item(Key={"bookingId": booking_id})["Item"]
    assert booking["paymentStatus"] == "paid"
    history = gabi.api.get("/payment/history", headers=member).get_json()["items"]
    assert [(p["paymentId"], p["status"]) for p in history] == [(intent["paymentId"],
                                                                 "succeeded")]
    assert "clientSecret" not in history[0]
    again = gabi.api.post("/payment/intent", headers=member, json={"bookingId": booking_id})
    assert again.status_code == 409


def test_webhooks_with_a_wrong_secret_a_stale_time_or_a_changed_body_are_refused(gabi: GabiYoga
                                                                                 ) -> None:
    event = _succeeded("pi_whatever")
    assert _deliver(gabi, event, secret="whsec_wrong").status_code == 400
    assert _deliver(gabi, event, timestamp=int(time.time()) - 301).status_code == 400
    raw = json.dumps(event).encode()
    signature = webhooks.sign(WEBHOOK_SECRET, int(time.time()), raw)
    tampered = gabi.api.post("/payment/webhook", data=raw.replace(b"succeeded", b"failed"),
                             headers={"Content-Type": "application/json",
                                      "Stripe-Signature": signature})
    assert tampered.status_code == 400
    unsigned = gabi.api.post("/payment/webhook", json=event)
    assert unsigned.status_code == 400
    assert "Stripe-Signature" in unsigned.get_json()["errors"]


def test_a_webhook_for_an_unknown_payment_is_acknowledged_but_not_applied(gabi: GabiYoga) -> None:
    response = _deliver(gabi, _succeeded("pi_unknown"))
    assert response.status_code == 200 and response.get_json()["handled"] is False


def test_history_needs_a_token(gabi: GabiYoga) -> None:
    assert gabi.api.get("/payment/history").status_code == 401
