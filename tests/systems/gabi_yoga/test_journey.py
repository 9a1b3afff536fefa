"""The whole member journey: register -> login -> book -> pay -> webhook -> history -> admin."""

from __future__ import annotations

import json
import time
import uuid

from handlers.common.lambda_common import webhooks

from .conftest import WEBHOOK_SECRET, GabiYoga


def test_a_new_member_registers_books_pays_and_the_admin_sees_the_revenue(gabi: GabiYoga
                                                                          ) -> None:
    api = gabi.api
    revenue_before = api.get("/admin/dashboard",
                             headers=gabi.admin()).get_json()["revenueCents"]

    email, password, user = gabi.register()
    member = {"Authorization": f"Bearer {gabi.login(email, password)['accessToken']}"}

    classes = api.get("/classes", query={"date": "2026-03-05"}).get_json()["items"]
    evening = next(c for c in classes if c["classId"].endswith("-pm"))
    booking = api.post(f"/classes/{evening['classId']}/book", headers=member).get_json()
    assert booking["userId"] == user["userId"]
    assert [b["bookingId"] for b in api.get("/bookings", headers=member).get_json()["items"]] \
        == [booking["bookingId"]]

    intent = api.post("/payment/intent", headers=member,
                      json={"bookingId": booking["bookingId"]}).get_json()
    assert intent["amountCents"] == evening["priceCents"]

    body = json.dumps({"id": f"evt_{uuid.uuid4().hex}", "type": "payment_intent.succeeded",
                       "data": {"object": {"id": intent["paymentId"]}}}).encode()
    hook = api.post("/payment/webhook", data=body, headers={
        "Content-Type": "application/json",
        "Stripe-Signature": webhooks.sign(WEBHOOK_SECRET, int(time.time()), body)})
    assert hook.status_code == 200

    history = api.get("/payment/history", headers=member).get_json()["items"]
    assert [(p["paymentId"], p["status"]) for p in history] == [(intent["paymentId"],
                                                                 "succeeded")]
    dashboard = api.get("/admin/dashboard", headers=gabi.admin()).get_json()
    assert dashboard["revenueCents"] == revenue_before + evening["priceCents"]
