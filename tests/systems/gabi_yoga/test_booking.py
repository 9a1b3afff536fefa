"""Booking routes: classes by date, booking within capacity, listing, updating, cancelling."""

from __future__ import annotations

import uuid

from .conftest import GabiYoga


def test_classes_of_a_day_come_from_the_date_index_in_start_order(gabi: GabiYoga) -> None:
    response = gabi.api.get("/classes", query={"date": "2026-03-04"})
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert [c["classId"] for c in items] == ["cls-2026-03-04-am", "cls-2026-03-04-pm"]


def test_classes_need_a_valid_date(gabi: GabiYoga) -> None:
    assert gabi.api.get("/classes").get_json()["errors"] == {"date": "required"}
    response = gabi.api.get("/classes", query={"date": "04/03/2026"})
    assert response.status_code == 400
    assert response.get_json()["errors"] == {"date": "must be a date YYYY-MM-DD"}


def test_a_day_without_classes_is_an_empty_list(gabi: GabiYoga) -> None:
    assert gabi.api.get("/classes", query={"date": "2030-01-01"}).get_json() == {"items": []}


def test_booking_takes_a_seat_and_a_second_booking_is_a_conflict(gabi: GabiYoga) -> None:
    class_id = gabi.add_class(capacity=5)
    member = gabi.mint(f"u-{uuid.uuid4().hex[:8]}")
    booked = gabi.api.post(f"/classes/{class_id}/book", headers=member, json={"notes": "mat"})
    assert booked.status_code == 201
    assert booked.get_json()["notes"] == "mat"
    again = gabi.api.post(f"/classes/{class_id}/book", headers=member)
    assert again.status_code == 409
    assert again.get_json() == {"message": "You have already booked this class"}
    row = gabi.table("ClassesTable").get_item(Key={"classId": class_id})["Item"]
    assert row["booked"] == 1


def test_a_full_class_refuses_the_next_member(gabi: GabiYoga) -> None:
    class_id = gabi.add_class(capacity=2)
    for _ in range(2):
        assert gabi.api.post(f"/classes/{class_id}/book",
                             headers=gabi.mint(uuid.uuid4().hex)).status_code == 201
    full = gabi.api.post(f"/classes/{class_id}/book", headers=gabi.mint(uuid.uuid4().hex))
    assert full.status_code == 409 and full.get_json() == {"message": "Class is full"}


def test_booking_an_unknown_class_is_not_found(gabi: GabiYoga) -> None:
    response = gabi.api.post("/classes/cls-nope/book", headers=gabi.mint("u-any"))
    assert response.status_code == 404


def test_booking_needs_a_token(gabi: GabiYoga) -> None:
    assert gabi.api.post("/classes/cls-2026-03-02-am/book").status_code == 401


def test_booking_notes_are_validated(gabi: GabiYoga) -> None:
    response = gabi.api.post(f"/classes/{gabi.add_class()}/book", headers=gabi.mint("u-n"),
                             json={"notes": "x" * 501})
    assert response.status_code == 400 and "notes" in response.get_json()["errors"]


def test_members_list_update_and_cancel_only_their_own_bookings(gabi: GabiYoga) -> None:
    class_id = gabi.add_class(capacity=3)
    owner, other = gabi.mint("u-owner"), gabi.mint("u-other")
    booking = gabi.api.post(f"/classes/{class_id}/book", headers=owner).get_json()
    bid = booking["bookingId"]

    mine = gabi.api.get("/bookings", headers=owner).get_json()["items"]
    assert bid in {b["bookingId"] for b in mine}
    assert bid not in {b["bookingId"] for b in gabi.api.get("/bookings",
                                                           headers=other).get_json()["items"]}

    assert gabi.api.put(f"/bookings/{bid}", headers=other, json={"notes": "x"}).status_code == 403
    assert gabi.api.delete(f"/bookings/{bid}", headers=other).status_code == 403
    updated = gabi.api.put(f"/bookings/{bid}", headers=owner, json={"notes": "front row"})
    assert updated.status_code == 200 and updated.get_json()["notes"] == "front row"
    assert gabi.api.put(f"/bookings/{bid}", headers=owner, json={}).status_code == 400

    assert gabi.api.delete(f"/bookings/{bid}", headers=owner).status_code == 204
    row = gabi.table("ClassesTable").get_item(Key={"classId": class_id})["Item"]
    assert row["booked"] == 0
    assert gabi.api.delete(f"/bookings/{bid}", headers=owner).status_code == 404
    assert gabi.api.put(f"/bookings/{bid}", headers=owner, json={"notes": "x"}).status_code == 404
