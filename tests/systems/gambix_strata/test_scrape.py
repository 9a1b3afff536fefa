"""Scraping: the request (validation, SSRF, ownership), the SQS worker's results and its
delivery semantics (failed sites, redelivery, malformed messages)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from emulator.events.records import records, sqs_record

from .conftest import SITE_SCORE, Strata


def test_a_scrape_crawls_the_site_and_stores_html_pages_and_the_score(strata: Strata) -> None:
    user = strata.new_user()
    project = strata.project(user)
    job = strata.scrape(user, project["projectId"])
    assert job["status"] == "done", job
    assert (job["score"], job["pagesAnalyzed"], job["brokenLinks"]) == (SITE_SCORE, 6, 1)
    assert job["openRecommendations"] == 8
    analysis = strata.api.get(f"/api/gambix/projects/{project['projectId']}/analysis",
                              headers=user).get_json()
    assert analysis["jobId"] == job["jobId"]
    by_page = {page["url"].rsplit("/", 1)[1]: page for page in analysis["pages"]}
    assert sorted(by_page) == ["about.html", "blog.html", "contact.html", "index.html",
                               "services.html", "team.html"]
    assert by_page["services.html"]["skippedHeadings"] == ["h2->h4"]
    assert by_page["contact.html"]["noindex"] is True
    s3 = strata.emulator.aws.client("s3")
    listed = s3.list_objects_v2(Bucket=strata.physical("ArtifactsBucket"),
                                Prefix=f"raw/{project['projectId']}/{job['jobId']}/")
    keys = [obj["Key"] for obj in listed["Contents"]]
    assert len(keys) == 6
    raw = s3.get_object(Bucket=strata.physical("ArtifactsBucket"), Key=keys[0])
    assert raw["Body"].read() == (strata.site.folder / "index.html").read_bytes()
    assert raw["Metadata"]["source-url"] == f"{strata.site.url}/index.html"
    refreshed = strata.api.get(f"/api/gambix/projects/{project['projectId']}",
                               headers=user).get_json()
    assert (refreshed["lastScore"], refreshed["lastJobId"]) == (SITE_SCORE, job["jobId"])


@pytest.mark.parametrize("url, reason", [
    ("http://127.0.0.1:9/", "loopback"),
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://10.1.2.3/", "private"),
    ("http://2130706433/", "loopback"),
    ("http://0x7f.1/", "loopback"),
])
def test_a_project_on_a_private_address_cannot_be_scraped(strata: Strata, url: str,
                                                          reason: str) -> None:
    user = strata.new_user()
    project = strata.project(user, url=url)
    response = strata.api.post("/api/scrape", headers=user,
                               json={"projectId": project["projectId"]})
    assert response.status_code == 422
    assert reason in response.get_json()["errors"]["url"]


def test_a_scrape_url_must_be_on_the_projects_site(strata: Strata) -> None:
    user = strata.new_user()
    project = strata.project(user)
    other_port = strata.site.host_port.rsplit(":", 1)[0] + ":1"
    for url in (f"http://{other_port}/", f"https://{strata.site.host_port}/"):
        response = strata.api.post("/api/scrape", headers=user,
                                   json={"projectId": project["projectId"], "url": url})
        assert response.status_code == 422, url
        assert response.get_json()["errors"] == {"url": "must be on the project's site"}


@pytest.mark.parametrize("body, field", [
    ({}, "projectId"), ({"projectId": "nope"}, "projectId"),
    ({"projectId": "a" * 32, "maxPages": 0}, "maxPages"),
    ({"projectId": "a" * 32, "maxPages": 26}, "maxPages"),
    ({"projectId": "a" * 32, "url": "gopher://x/"}, "url"),
    ({"projectId": "a" * 32, "depth": 3}, "depth"),
])
def test_invalid_scrape_requests_are_a_400(strata: Strata, body: dict[str, object],
                                           field: str) -> None:
    response = strata.api.post("/api/scrape", headers=strata.auth(), json=body)
    assert response.status_code == 400
    assert field in response.get_json()["errors"]


def test_a_job_is_visible_to_its_owner_only(strata: Strata) -> None:
    owner, intruder = strata.new_user(), strata.new_user()
    job = strata.scrape(owner, strata.project(owner)["projectId"], maxPages=1)
    assert strata.api.get(f"/api/scrape/{job['jobId']}", headers=intruder).status_code == 404
    assert strata.api.get(f"/api/scrape/{job['jobId']}").status_code == 401
    assert strata.api.get("/api/scrape/" + "f" * 32, headers=owner).status_code == 404


def test_a_site_that_cannot_be_fetched_ends_the_job_failed_with_the_reason(
        strata: Strata) -> None:
    user = strata.new_user()
    project = strata.project(user, url=f"{strata.site.url}/gone.html")
    job = strata.scrape(user, project["projectId"])
    assert job["status"] == "failed"
    assert job["error"] == "the start page answered 404"
    health = strata.api.get(f"/api/gambix/projects/{project['projectId']}/health",
                            headers=user).get_json()
    assert health["score"] is None and health["history"] == []


def _worker_event(strata: Strata, *bodies: str) -> dict[str, object]:
    queue_arn = strata.emulator.stack.resources["ScrapeQueue"].attributes["Arn"]
    return records([sqs_record(body=body, queue_arn=str(queue_arn), region="us-east-1",
                               sent_at=datetime.now(UTC), message_id=f"m{i}")
                    for i, body in enumerate(bodies)])


def test_a_redelivered_message_for_a_finished_job_changes_nothing(strata: Strata) -> None:
    user = strata.new_user()
    project = strata.project(user)
    job = strata.scrape(user, project["projectId"], maxPages=1)
    result = strata.emulator.runtime.invoke(
        "ScrapeWorkerFunction", _worker_event(strata, json.dumps({"jobId": job["jobId"]})))
    assert result.payload == {"batchItemFailures": []}
    again = strata.api.get(f"/api/scrape/{job['jobId']}", headers=user).get_json()
    assert again == job
    history = strata.api.get(f"/api/gambix/projects/{project['projectId']}/health",
                             headers=user).get_json()["history"]
    assert len(history) == 1


def test_only_the_malformed_messages_of_a_batch_are_reported_as_failures(
        strata: Strata) -> None:
    event = _worker_event(strata, json.dumps({"jobId": "0" * 32}), "not json",
                          json.dumps({"no": "job"}))
    result = strata.emulator.runtime.invoke("ScrapeWorkerFunction", event)
    assert result.payload == {"batchItemFailures": [{"itemIdentifier": "m1"},
                                                    {"itemIdentifier": "m2"}]}
