"""One account per email: registration is a DynamoDB transaction with an email reservation.

The reservation item (``userId = "EMAIL#<email>"``) lives in the Users table, so the tests
also check that admin listings, dashboard counts and the migration respect it.
"""

from __future__ import annotations

import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from boto3.dynamodb.conditions import Attr, Key

from .conftest import GabiYoga
from .test_migration import build_legacy_db, run

PASSWORD = "a-long-password-1"


def _users_with(gabi: GabiYoga, email: str) -> list[dict[str, object]]:
    return list(gabi.table("UsersTable").query(
        IndexName="EmailIndex", KeyConditionExpression=Key("email").eq(email))["Items"])


def test_twenty_parallel_registrations_of_one_email_create_exactly_one_account(
        gabi: GabiYoga) -> None:
    email = f"race-{uuid.uuid4().hex[:10]}@example.com"

    def register(n: int) -> int:
        api = gabi.emulator.client("GabiYogaApi")
        response = api.post("/auth/register", json={
            "email": email if n % 2 else email.upper(), "password": PASSWORD,
            "name": f"Racer {n}"})
        return int(response.status_code)

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = Counter(pool.map(register, range(20)))

    assert statuses == Counter({201: 1, 409: 19})
    users = _users_with(gabi, email)
    assert len(users) == 1
    reservation = gabi.table("UsersTable").get_item(Key={"userId": f"EMAIL#{email}"})["Item"]
    assert reservation["ownerId"] == users[0]["userId"]


def test_a_reserved_email_is_refused_even_when_no_account_carries_it(gabi: GabiYoga) -> None:
    # The EmailIndex check cannot see this reservation: only the transaction can refuse it.
    email = f"reserved-{uuid.uuid4().hex[:10]}@example.com"
    gabi.table("UsersTable").put_item(Item={"userId": f"EMAIL#{email}", "ownerId": "u-other",
                                            "kind": "email-uniqueness"})
    response = gabi.api.post("/auth/register", json={"email": email, "password": PASSWORD,
                                                     "name": "Late"})
    assert response.status_code == 409
    assert response.get_json()["errors"] == {"email": "already registered"}
    assert _users_with(gabi, email) == []


def test_seeded_accounts_have_their_email_reserved(gabi: GabiYoga) -> None:
    for email, owner in (("gabi@gabiyoga.example", "u-admin-gabi"),
                         ("maya@gabiyoga.example", "u-member-maya"),
                         ("leo@gabiyoga.example", "u-member-leo")):
        item = gabi.table("UsersTable").get_item(Key={"userId": f"EMAIL#{email}"})["Item"]
        assert item["ownerId"] == owner


def test_admin_listings_and_counts_leave_the_reservations_out(gabi: GabiYoga) -> None:
    gabi.register()
    users = gabi.api.get("/admin/users", headers=gabi.admin()).get_json()["items"]
    assert users and all("email" in u and not u["userId"].startswith("EMAIL#") for u in users)
    dashboard = gabi.api.get("/admin/dashboard", headers=gabi.admin()).get_json()
    accounts = gabi.table("UsersTable").scan(
        Select="COUNT", FilterExpression=~Attr("userId").begins_with("EMAIL#"))["Count"]
    assert dashboard["users"] == accounts == len(users)


def test_migrated_users_cannot_be_registered_again(gabi: GabiYoga, tmp_path: Path) -> None:
    db = build_legacy_db(tmp_path)
    status, report = run("--from", f"sqlite:///{db}", "--stack-name", gabi.emulator.stack.name)
    assert status == 0, report
    item = gabi.table("UsersTable").get_item(Key={"userId": "EMAIL#ines@example.com"})["Item"]
    assert item["ownerId"] == "legacy-u-2"
    response = gabi.api.post("/auth/register", json={"email": "INES@example.com",
                                                     "password": PASSWORD, "name": "Inês"})
    assert response.status_code == 409
    assert [u["userId"] for u in _users_with(gabi, "ines@example.com")] == ["legacy-u-2"]


def test_migration_validation_reports_a_missing_email_reservation(gabi: GabiYoga,
                                                                   tmp_path: Path) -> None:
    db = build_legacy_db(tmp_path)
    stack = gabi.emulator.stack.name
    assert run("--from", f"sqlite:///{db}", "--stack-name", stack)[0] == 0
    gabi.table("UsersTable").delete_item(Key={"userId": "EMAIL#ines@example.com"})
    status, report = run("--from", f"sqlite:///{db}", "--stack-name", stack, "--validate-only",
                         "--sample", "100")
    assert status == 1
    assert any("EMAIL#ines@example.com" in m for m in report["mismatches"])
