"""The legacy data migration: fixture SQL -> SQLite -> DynamoDB, idempotent, validated."""

from __future__ import annotations

import io
import json
import sqlite3
from collections.abc import Iterator
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from handlers.gabi_yoga import migrate
from tests.conftest import REPO_ROOT

from .conftest import GabiYoga

LEGACY_SQL = REPO_ROOT / "fixtures" / "gabi_yoga" / "legacy.sql"


def build_legacy_db(folder: Path) -> Path:
    """The fixture's relational schema and rows as a SQLite file."""
    path = folder / "legacy.db"
    with sqlite3.connect(path) as connection:
        connection.executescript(LEGACY_SQL.read_text(encoding="utf-8"))
    return path


@pytest.fixture
def legacy_db(tmp_path: Path) -> Iterator[Path]:
    yield build_legacy_db(tmp_path)


def run(*args: str) -> tuple[int, dict[str, object]]:
    out = io.StringIO()
    with redirect_stdout(out):
        status = migrate.main(list(args))
    text = out.getvalue()
    return status, json.loads(text) if text.strip() else {}


def test_migration_moves_every_row_and_validates(gabi: GabiYoga, legacy_db: Path) -> None:
    stack = gabi.emulator.stack.name
    status, report = run("--from", f"sqlite:///{legacy_db}", "--stack-name", stack)
    assert status == 0, report
    assert report["counts"] == {"users": {"source": 4, "target": 4},
                                "posts": {"source": 3, "target": 3},
                                "classes": {"source": 3, "target": 3}}
    user = gabi.table("UsersTable").get_item(Key={"userId": "legacy-u-2"})["Item"]
    assert (user["email"], user["name"], user["newsletter"]) == ("ines@example.com",
                                                                  "Inês Costa", True)
    assert user["createdAt"] == "2019-05-12T18:22:10.000Z" and "passwordHash" not in user
    settings = gabi.table("SettingsTable").get_item(Key={"settingKey": "site"})["Item"]
    assert settings["bookingWindowDays"] == 21


def test_migrated_data_is_served_by_the_api(gabi: GabiYoga, legacy_db: Path) -> None:
    run("--from", f"sqlite:///{legacy_db}", "--stack-name", gabi.emulator.stack.name)
    classes = gabi.api.get("/classes", query={"date": "2026-04-06"}).get_json()["items"]
    assert [c["classId"] for c in classes] == ["legacy-c-1", "legacy-c-2"]
    assert gabi.api.get("/blog/legacy-p-2").get_json()["publishedAt"] == \
        "2020-06-15T07:30:00.000Z"
    assert gabi.api.get("/blog/legacy-p-3").status_code == 404  # a legacy draft stays hidden


def test_running_the_migration_twice_changes_nothing_and_keeps_bookings(gabi: GabiYoga,
                                                                        legacy_db: Path) -> None:
    stack = gabi.emulator.stack.name
    assert run("--from", f"sqlite:///{legacy_db}", "--stack-name", stack)[0] == 0
    booked = gabi.api.post("/classes/legacy-c-3/book", headers=gabi.mint("u-migrated-fan"))
    assert booked.status_code in (201, 409)
    before = gabi.table("ClassesTable").get_item(Key={"classId": "legacy-c-3"})["Item"]
    status, report = run("--from", f"sqlite:///{legacy_db}", "--stack-name", stack)
    assert status == 0 and report["counts"]["users"] == {"source": 4, "target": 4}
    after = gabi.table("ClassesTable").get_item(Key={"classId": "legacy-c-3"})["Item"]
    assert after["booked"] == before["booked"] >= 1


def test_validation_fails_when_a_record_differs(gabi: GabiYoga, legacy_db: Path) -> None:
    stack = gabi.emulator.stack.name
    assert run("--from", f"sqlite:///{legacy_db}", "--stack-name", stack)[0] == 0
    gabi.table("UsersTable").update_item(Key={"userId": "legacy-u-3"},
                                         UpdateExpression="SET #n = :n",
                                         ExpressionAttributeNames={"#n": "name"},
                                         ExpressionAttributeValues={":n": "Someone Else"})
    status, report = run("--from", f"sqlite:///{legacy_db}", "--stack-name", stack,
                         "--validate-only")
    assert status == 1
    assert any("legacy-u-3" in m and "name" in m for m in report["mismatches"])


def test_validation_fails_when_items_are_missing(gabi: GabiYoga, legacy_db: Path) -> None:
    stack = gabi.emulator.stack.name
    assert run("--from", f"sqlite:///{legacy_db}", "--stack-name", stack)[0] == 0
    gabi.table("BlogPostsTable").delete_item(Key={"postId": "legacy-p-1"})
    status, report = run("--from", f"sqlite:///{legacy_db}", "--stack-name", stack,
                         "--validate-only")
    assert status == 1
    assert "posts: 3 source rows, 2 items" in report["mismatches"]


def test_a_legacy_email_taken_by_another_account_is_a_reported_conflict(gabi: GabiYoga,
                                                                         tmp_path: Path
                                                                         ) -> None:
    db = build_legacy_db(tmp_path)
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE users SET email = 'maya@gabiyoga.example' WHERE id = 4")
    status, report = run("--from", f"sqlite:///{db}", "--stack-name", gabi.emulator.stack.name)
    assert status == 1
    assert report["conflicts"] == ["maya@gabiyoga.example already belongs to u-member-maya"]


def test_a_mysql_url_without_the_driver_or_a_missing_stack_is_a_clear_error(
        gabi: GabiYoga, legacy_db: Path, caplog: pytest.LogCaptureFixture) -> None:
    try:
        import pymysql  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        assert run("--from", "mysql://u:p@127.0.0.1/gabi", "--stack-name",
                   gabi.emulator.stack.name)[0] == 2
        assert "pip install pymysql" in caplog.text
    assert run("--from", f"sqlite:///{legacy_db}", "--stack-name", "no-such-stack")[0] == 2
    assert run("--from", "postgres://x/y", "--stack-name", gabi.emulator.stack.name)[0] == 2
