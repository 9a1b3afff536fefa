"""Schedules on a manual clock, and the fire route."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from emulator.http import HttpRequest
from emulator.management import ManagementApi
from emulator.sources import ManualClock
from emulator.testing import TestEmulator
from tests.functional.sources_helpers import clear, clock, emulator, received, source_info

__all__ = ["clock", "emulator"]


def _management(emulator: TestEmulator, method: str, path: str) -> tuple[int, Any]:
    response = ManagementApi(emulator)(HttpRequest(
        method=method, path=path, raw_query="", headers=(), body=b"", source_ip="127.0.0.1",
        host="127.0.0.1:3000"))
    return response.status, json.loads(response.body)


def test_rate_schedule_runs_only_when_the_clock_reaches_it(
        emulator: TestEmulator, clock: ManualClock) -> None:
    clear(emulator)
    clock.advance(299)
    assert emulator.sources.wait_idle(10)
    assert [e for e in received(emulator, "ScheduledFunction") if e.get("job")] == []
    clock.advance(1)
    assert emulator.sources.wait_idle(10)
    assert [e for e in received(emulator, "ScheduledFunction") if e.get("job")] == [
        {"job": "tick"}]


def test_rate_schedule_catches_up_every_missed_run_when_time_jumps(
        emulator: TestEmulator, clock: ManualClock) -> None:
    clear(emulator)
    clock.advance(3600)
    assert emulator.sources.wait_idle(20)
    ticks = [e for e in received(emulator, "ScheduledFunction") if e.get("job")]
    assert len(ticks) == 12


def test_cron_schedule_runs_at_noon_and_not_a_minute_before(
        emulator: TestEmulator, clock: ManualClock) -> None:
    # The clock starts on Thursday 2026-01-01 00:00 UTC (cron(0 12 ? * MON-FRI *)).
    clock.set(datetime(2026, 1, 1, 11, 59, tzinfo=UTC).timestamp())
    assert emulator.sources.wait_idle(60)
    clear(emulator)
    assert [e for e in received(emulator, "ScheduledFunction") if not e.get("job")] == []
    clock.set(datetime(2026, 1, 1, 12, 0, tzinfo=UTC).timestamp())
    assert emulator.sources.wait_idle(60)
    # A Scheduler schedule without Input sends {}.
    assert [e for e in received(emulator, "ScheduledFunction") if not e.get("job")] == [{}]
    assert source_info(emulator, "noon-on-weekdays")["settings"]["NextRun"] == \
        "2026-01-02T12:00:00+00:00"


def test_disabled_schedule_never_runs_but_can_be_fired(emulator: TestEmulator) -> None:
    info = source_info(emulator, "disabled-schedule")
    assert info["enabled"] is False and info["settings"]["NextRun"] is None
    clear(emulator)
    status, body = _management(emulator, "POST", "/_emulator/schedules/disabled-schedule/fire")
    assert status == 202 and body["requestId"]
    assert emulator.sources.wait_idle(10)
    (event,) = received(emulator, "ScheduledFunction")
    assert event["detail-type"] == "Scheduled Event"
    assert event["source"] == "aws.events"
    assert event["resources"] == [info["source"]]
    assert event["time"] == datetime.fromtimestamp(emulator.sources._clock(), UTC) \
        .strftime("%Y-%m-%dT%H:%M:%SZ")


def test_fire_route_answers_404_json_for_an_unknown_schedule(emulator: TestEmulator) -> None:
    status, body = _management(emulator, "POST", "/_emulator/schedules/nope/fire")
    assert status == 404
    assert body["message"] == "no schedule named 'nope'"
    assert "every-five-minutes" in body["schedules"]
    assert _management(emulator, "GET", "/_emulator/schedules/nope/fire")[0] == 405
