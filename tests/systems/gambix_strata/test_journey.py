"""End to end through ``python -m emulator serve`` of the repository's root template:
create a project -> scrape the fixture site -> analysis -> health score ->
recommendations -> score drop -> alert -> weekly report in S3 through its presigned link
(made on request, and by the weekly schedule fired through ``/_emulator/schedules``).

The fixture site is hosted by ``serve`` itself (``Metadata.Emulator.StaticSites``), the
scrape goes through the real SQS event source mapping and the alert through the health
table's stream; the test only waits for results over HTTP, with deadlines.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from tests.conftest import REPO_ROOT
from tests.e2e.conftest import ServedEmulator, start_serve, stop_serve

from .conftest import ANA, LEGACY_SCORE, SITE_SCORE


@pytest.fixture(scope="module")
def served() -> Iterator[ServedEmulator]:
    server = start_serve(REPO_ROOT / "template.yaml", timeout_s=120)
    yield server
    stop_serve(server.process)


def _until(check: Callable[[], Any], what: str, served: ServedEmulator,
           timeout_s: float = 60) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    errors = "\n".join(line for line in served.output().splitlines() if "rror" in line)
    raise AssertionError(f"{what} did not happen within {timeout_s} s\n{errors[-3000:]}")


def test_a_site_owner_follows_the_whole_journey_through_serve(served: ServedEmulator) -> None:
    site = served.info["static_sites"]["GambixFixtureSite"]
    assert requests.get(f"{site}/index.html", timeout=5).status_code == 200
    base = served.api("GambixStrata/GambixStrataApi")
    http = requests.Session()
    login = http.post(f"{base}/api/users/login", json={"email": ANA[0], "password": ANA[1]},
                      timeout=10)
    assert login.status_code == 200, login.text
    http.headers["Authorization"] = f"Bearer {login.json()['idToken']}"

    project = http.post(f"{base}/api/gambix/projects", timeout=10, json={
        "name": "Northwind Gardens", "url": f"{site}/index.html"})
    assert project.status_code == 201, project.text
    project_id = project.json()["projectId"]
    projects = f"{base}/api/gambix/projects/{project_id}"

    def scrape(**extra: Any) -> dict[str, Any]:
        queued = http.post(f"{base}/api/scrape", timeout=10,
                           json={"projectId": project_id, **extra})
        assert queued.status_code == 202, queued.text
        job_url = f"{base}/api/scrape/{queued.json()['jobId']}"
        return dict(_until(lambda: (job := http.get(job_url, timeout=10).json())["status"]
                           in ("done", "failed") and job, "the scrape", served))

    job = scrape()
    assert (job["status"], job["score"], job["pagesAnalyzed"]) == ("done", SITE_SCORE, 6)

    analysis = http.get(f"{projects}/analysis", timeout=10).json()
    services = next(p for p in analysis["pages"] if p["url"].endswith("/services.html"))
    assert services["skippedHeadings"] == ["h2->h4"] and services["titleLength"] > 60

    health = http.get(f"{projects}/health", timeout=10).json()
    assert health["score"] == SITE_SCORE and len(health["history"]) == 1

    recommendations = http.get(f"{projects}/recommendations", timeout=10).json()["items"]
    assert recommendations[0]["recommendationId"] == "broken_links"
    assert {r["priority"] for r in recommendations} == {"high", "medium", "low"}

    dropped = scrape(url=f"{site}/legacy.html", maxPages=1)
    assert dropped["score"] == LEGACY_SCORE
    alerts = _until(lambda: http.get(f"{base}/api/gambix/alerts", timeout=10,
                                     params={"projectId": project_id}).json()["items"],
                    "the score-drop alert", served)
    assert [(a["kind"], a["previousScore"], a["score"]) for a in alerts] == [
        ("score_drop", SITE_SCORE, LEGACY_SCORE)]

    report = http.post(f"{projects}/reports", timeout=10)
    assert report.status_code == 201, report.text
    fetched = requests.get(report.json()["url"], timeout=10)
    assert fetched.status_code == 200
    assert fetched.headers["Content-Type"].startswith("text/html")
    assert f"Health score: {LEGACY_SCORE} / 100" in fetched.text
    assert "Northwind Gardens" in fetched.text and "score_drop" in fetched.text

    # Monday's schedule, fired now through the management route: one more report.
    weekly = next(source["name"] for source in served.info["event_sources"]
                  if str(source["name"]).endswith("-weekly-reports"))
    fired = requests.post(f"{served.origin}/_emulator/schedules/{weekly}/fire", timeout=10)
    assert fired.status_code == 202, fired.text
    reports = _until(lambda: len(items := http.get(f"{projects}/reports", timeout=10
                                                   ).json()["items"]) == 2 and items,
                     "the weekly report", served)
    scheduled = requests.get(reports[0]["url"], timeout=10)
    assert scheduled.status_code == 200 and "Weekly SEO report" in scheduled.text

    gabi = served.api("GabiYoga/GabiYogaApi")
    assert requests.get(f"{gabi}/classes", params={"date": "2026-03-02"},
                        timeout=10).status_code == 200
