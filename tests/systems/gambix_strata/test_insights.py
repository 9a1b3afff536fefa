"""Health score and history, recommendations and their status across re-scrapes."""

from __future__ import annotations

import pytest

from .conftest import LEGACY_SCORE, SITE_SCORE, Strata


def test_the_health_route_returns_the_latest_score_weights_and_history(strata: Strata) -> None:
    user = strata.new_user()
    project_id = strata.project(user, alertMinScore=0, alertDropPoints=100)["projectId"]
    first = strata.scrape(user, project_id)
    second = strata.scrape(user, project_id, url=f"{strata.site.url}/legacy.html", maxPages=1)
    health = strata.api.get(f"/api/gambix/projects/{project_id}/health",
                            headers=user).get_json()
    assert health["score"] == LEGACY_SCORE
    assert sum(health["weights"].values()) == 100
    assert health["breakdown"]["indexable"] == 0
    assert [(h["score"], h["jobId"]) for h in health["history"]] == [
        (LEGACY_SCORE, second["jobId"]), (SITE_SCORE, first["jobId"])]
    page = strata.api.get(f"/api/gambix/projects/{project_id}/health", headers=user,
                          query={"limit": "1"}).get_json()
    assert [h["score"] for h in page["history"]] == [LEGACY_SCORE]
    rest = strata.api.get(f"/api/gambix/projects/{project_id}/health", headers=user,
                          query={"limit": "1", "cursor": page["nextCursor"]}).get_json()
    assert [h["score"] for h in rest["history"]] == [SITE_SCORE]
    stats = strata.api.get(f"/api/gambix/projects/{project_id}/stats", headers=user).get_json()
    assert (stats["measurements"], stats["latestScore"], stats["previousScore"],
            stats["bestScore"], stats["worstScore"]) == (2, LEGACY_SCORE, SITE_SCORE,
                                                         SITE_SCORE, LEGACY_SCORE)


def test_recommendations_come_with_priorities_and_filters(strata: Strata) -> None:
    user = strata.new_user()
    project_id = strata.project(user)["projectId"]
    strata.scrape(user, project_id)
    base = f"/api/gambix/projects/{project_id}/recommendations"
    items = strata.api.get(base, headers=user).get_json()["items"]
    assert [(r["recommendationId"], r["priority"], r["status"]) for r in items] == [
        ("broken_links", "high", "open"), ("indexable", "high", "open"),
        ("title", "high", "open"), ("image_alt", "medium", "open"),
        ("meta_description", "medium", "open"), ("canonical", "low", "open"),
        ("content", "low", "open"), ("heading_order", "low", "open")]
    assert items[0]["pages"] == [f"{strata.site.url}/index.html"]
    high = strata.api.get(base, headers=user, query={"priority": "high"}).get_json()["items"]
    assert {r["recommendationId"] for r in high} == {"broken_links", "indexable", "title"}
    assert strata.api.get(base, headers=user, query={"priority": "urgent"}).status_code == 400
    assert strata.api.get(base, headers=user, query={"page": "2"}).status_code == 400


def test_status_updates_survive_a_rescrape_and_fixed_checks_become_done(strata: Strata) -> None:
    user = strata.new_user()
    project_id = strata.project(user, alertMinScore=0, alertDropPoints=100)["projectId"]
    strata.scrape(user, project_id)
    base = f"/api/gambix/projects/{project_id}/recommendations"
    dismissed = strata.api.put(f"{base}/canonical", headers=user, json={"status": "dismissed"})
    assert dismissed.status_code == 200 and dismissed.get_json()["status"] == "dismissed"
    assert strata.api.put(f"{base}/title", headers=user,
                          json={"status": "in_progress"}).status_code == 200
    # Only the legacy page now: no broken link, its title is missing, no skipped heading.
    strata.scrape(user, project_id, url=f"{strata.site.url}/legacy.html", maxPages=1)
    status = {r["recommendationId"]: r["status"]
              for r in strata.api.get(base, headers=user).get_json()["items"]}
    assert status["canonical"] == "dismissed"
    assert status["title"] == "in_progress"
    assert status["broken_links"] == "done" and status["heading_order"] == "done"
    assert status["h1"] == "open"


@pytest.mark.parametrize("code, body, expected", [
    ("title", {"status": "closed"}, 400), ("title", {}, 400),
    ("title", {"status": "done", "note": "x"}, 400), ("not_a_check", {"status": "done"}, 404),
    ("h1", {"status": "done"}, 404),  # a check that never failed has no recommendation
])
def test_invalid_recommendation_updates_are_refused(strata: Strata, code: str,
                                                    body: dict[str, object],
                                                    expected: int) -> None:
    user = strata.new_user()
    project_id = strata.project(user)["projectId"]
    strata.scrape(user, project_id, maxPages=1)
    response = strata.api.put(f"/api/gambix/projects/{project_id}/recommendations/{code}",
                              headers=user, json=body)
    assert response.status_code == expected
