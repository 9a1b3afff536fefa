"""Weekly reports in S3 behind presigned links, and the scheduled jobs (fired on demand)."""

from __future__ import annotations

from urllib.parse import urlsplit

from .conftest import SITE_SCORE, Strata


def _schedule(strata: Strata, suffix: str) -> str:
    names = [name for name in strata.emulator.sources.schedules if name.endswith(suffix)]
    assert len(names) == 1, sorted(strata.emulator.sources.schedules)
    return names[0]


def _report_html(strata: Strata, url: str) -> str:
    key = urlsplit(url).path.lstrip("/")
    body = strata.emulator.aws.client("s3").get_object(
        Bucket=strata.physical("ArtifactsBucket"), Key=key)
    assert body["ContentType"].startswith("text/html")
    return str(body["Body"].read().decode())


def test_a_report_is_written_to_s3_and_handed_out_as_a_presigned_link(strata: Strata) -> None:
    user = strata.new_user()
    project_id = strata.project(user, name="<script>alert(1)</script> Gardens")["projectId"]
    strata.scrape(user, project_id)
    created = strata.api.post(f"/api/gambix/projects/{project_id}/reports", headers=user)
    assert created.status_code == 201
    report = created.get_json()
    assert report["score"] == SITE_SCORE
    assert "Signature=" in report["url"] or "X-Amz-Signature=" in report["url"]
    html = _report_html(strata, report["url"])
    assert f"Health score: {SITE_SCORE} / 100" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Gardens" in html and "<script>" not in html
    assert "Fix broken internal links" in html
    listed = strata.api.get(f"/api/gambix/projects/{project_id}/reports",
                            headers=user).get_json()["items"]
    assert [r["reportId"] for r in listed] == [report["reportId"]]
    assert "s3Key" not in listed[0]


def test_the_weekly_schedule_writes_a_report_for_every_project(strata: Strata) -> None:
    user = strata.new_user()
    projects = [strata.project(user, name=f"Weekly {i}")["projectId"] for i in range(2)]
    strata.emulator.sources.fire_schedule(_schedule(strata, "-weekly-reports"))
    assert strata.emulator.sources.wait_idle(60)
    for project_id in projects:
        reports = strata.api.get(f"/api/gambix/projects/{project_id}/reports",
                                 headers=user).get_json()["items"]
        assert len(reports) == 1
        assert "no measurement yet" in _report_html(strata, reports[0]["url"])


def test_the_daily_health_check_rescrapes_every_project(strata: Strata) -> None:
    user = strata.new_user()
    project_id = strata.project(user)["projectId"]
    strata.emulator.sources.fire_schedule(_schedule(strata, "-daily-health-check"))
    assert strata.emulator.sources.wait_idle(120)
    project = strata.api.get(f"/api/gambix/projects/{project_id}", headers=user).get_json()
    assert project["lastScore"] == SITE_SCORE


def test_the_monthly_cleanup_gives_old_history_and_handled_alerts_a_ttl(strata: Strata) -> None:
    health, alerts = strata.table("HealthTable"), strata.table("AlertsTable")
    old = "2020-01-01T00:00:00.000Z"
    health.put_item(Item={"projectId": "c" * 32, "sk": f"history#{old}", "measuredAt": old,
                          "score": 50})
    health.put_item(Item={"projectId": "c" * 32, "sk": "latest", "measuredAt": old,
                          "score": 50, "ownerId": "nobody"})
    alerts.put_item(Item={"ownerId": "cleanup", "alertId": "1" * 32, "status": "acknowledged",
                          "createdAt": old})
    alerts.put_item(Item={"ownerId": "cleanup", "alertId": "2" * 32, "status": "open",
                          "createdAt": old})
    strata.emulator.sources.fire_schedule(_schedule(strata, "-monthly-cleanup"))
    assert strata.emulator.sources.wait_idle(60)

    def ttl(table: object, key: dict[str, str]) -> object:
        return table.get_item(Key=key)["Item"].get("expiresAt")  # type: ignore[attr-defined]

    assert ttl(health, {"projectId": "c" * 32, "sk": f"history#{old}"}) is not None
    assert ttl(health, {"projectId": "c" * 32, "sk": "latest"}) is None
    assert ttl(alerts, {"ownerId": "cleanup", "alertId": "1" * 32}) is not None
    assert ttl(alerts, {"ownerId": "cleanup", "alertId": "2" * 32}) is None
