"""Admin routes: the admin role (checked by the functions) AND the API key (the gateway)."""

from __future__ import annotations

from .conftest import ADMIN_API_KEY, GabiYoga

ADMIN_ROUTES = [("GET", "/admin/dashboard", None), ("GET", "/admin/users", None),
                ("PUT", "/admin/settings", {"studioName": "X"}),
                ("GET", "/admin/analytics", None),
                ("POST", "/admin/communications", {"subject": "s", "body": "b"})]


def test_the_dashboard_counts_the_studio(gabi: GabiYoga) -> None:
    response = gabi.api.get("/admin/dashboard", headers=gabi.admin())
    assert response.status_code == 200
    totals = response.get_json()
    assert totals["users"] >= 3 and totals["classes"] >= 14 and totals["posts"] >= 4
    assert totals["revenueCents"] >= 0


def test_members_with_the_api_key_are_forbidden_on_every_admin_route(gabi: GabiYoga) -> None:
    headers = {**gabi.bearer(), "x-api-key": ADMIN_API_KEY}
    for method, path, body in ADMIN_ROUTES:
        response = gabi.api.request(method, path, headers=headers, json=body)
        assert response.status_code == 403, path
        assert response.get_json() == {"message": "Admin role required"}


def test_admins_without_or_with_a_wrong_api_key_are_forbidden_by_the_gateway(gabi: GabiYoga
                                                                            ) -> None:
    before = gabi.emulator.runtime.stats().get("AdminDashboardFunction")
    invocations = before.invocations if before else 0
    for headers in (gabi.admin(api_key=False),
                    {**gabi.admin(api_key=False), "x-api-key": "not-the-key-000000000"}):
        response = gabi.api.get("/admin/dashboard", headers=headers)
        assert response.status_code == 403
        assert response.get_json() == {"message": "Forbidden"}
    after = gabi.emulator.runtime.stats().get("AdminDashboardFunction")
    assert (after.invocations if after else 0) == invocations


def test_admin_routes_without_a_token_are_unauthorized(gabi: GabiYoga) -> None:
    response = gabi.api.get("/admin/users", headers={"x-api-key": ADMIN_API_KEY})
    assert response.status_code == 401


def test_the_user_list_never_contains_password_hashes(gabi: GabiYoga) -> None:
    users = gabi.api.get("/admin/users", headers=gabi.admin()).get_json()["items"]
    assert {"gabi@gabiyoga.example", "maya@gabiyoga.example"} <= {u["email"] for u in users}
    assert not any("passwordHash" in u or "resetJti" in u for u in users)


def test_settings_are_validated_and_stored(gabi: GabiYoga) -> None:
    bad = gabi.api.put("/admin/settings", headers=gabi.admin(),
                       json={"contactEmail": "nope", "bookingWindowDays": 0})
    assert bad.status_code == 400
    assert set(bad.get_json()["errors"]) == {"contactEmail", "bookingWindowDays"}
    assert gabi.api.put("/admin/settings", headers=gabi.admin(), json={}).status_code == 400

    good = gabi.api.put("/admin/settings", headers=gabi.admin(),
                        json={"studioName": "Gabi Yoga Lisboa", "cancellationHours": 24})
    assert good.status_code == 200
    stored = good.get_json()
    assert stored["studioName"] == "Gabi Yoga Lisboa" and stored["cancellationHours"] == 24
    assert stored["contactEmail"] == "hello@gabiyoga.example"  # untouched seed value kept


def test_analytics_report_fill_rates_per_class(gabi: GabiYoga) -> None:
    class_id = gabi.add_class(capacity=4)
    gabi.api.post(f"/classes/{class_id}/book", headers=gabi.mint("u-analytics"))
    report = gabi.api.get("/admin/analytics", headers=gabi.admin()).get_json()
    row = next(c for c in report["classes"] if c["classId"] == class_id)
    assert (row["booked"], row["capacity"], row["fillRate"]) == (1, 4, 0.25)


def test_the_newsletter_goes_to_each_subscriber_separately(gabi: GabiYoga) -> None:
    gabi.verify_sender()
    subscriber, _, _ = gabi.register(newsletter=True)
    response = gabi.api.post("/admin/communications", headers=gabi.admin(),
                             json={"subject": "March timetable", "body": "New classes!"})
    assert response.status_code == 202
    result = response.get_json()
    assert result["recipients"] == result["sent"] >= 3  # maya, leo and the new subscriber
    mails = [m for m in gabi.sent_emails(subscriber) if m.subject == "March timetable"]
    assert len(mails) == 1 and mails[0].destinations["ToAddresses"] == [subscriber]
    assert gabi.sent_emails("gabi@gabiyoga.example") == []  # the admin is not subscribed


def test_an_empty_newsletter_is_rejected(gabi: GabiYoga) -> None:
    response = gabi.api.post("/admin/communications", headers=gabi.admin(), json={"subject": ""})
    assert response.status_code == 400
    assert set(response.get_json()["errors"]) == {"subject", "body"}
