"""Projects: CRUD, the paginated list and stats, strictly per owner."""

from __future__ import annotations

import pytest

from .conftest import Strata


def test_a_project_is_created_read_updated_and_deleted(strata: Strata) -> None:
    user = strata.new_user()
    created = strata.project(user, name="Northwind", description="The shop")
    assert created["alertDropPoints"] == 10 and created["alertMinScore"] == 50
    assert created["lastScore"] is None and "ownerId" not in created
    path = f"/api/gambix/projects/{created['projectId']}"
    assert strata.api.get(path, headers=user).get_json() == created
    updated = strata.api.put(path, headers=user, json={"name": "Northwind Gardens",
                                                      "alertMinScore": 70})
    assert updated.status_code == 200
    body = updated.get_json()
    assert (body["name"], body["alertMinScore"], body["url"]) == \
        ("Northwind Gardens", 70, created["url"])
    assert body["updatedAt"] >= created["updatedAt"]
    assert strata.api.delete(path, headers=user).status_code == 204
    assert strata.api.get(path, headers=user).status_code == 404
    assert strata.api.delete(path, headers=user).status_code == 404


def test_the_list_pages_through_the_callers_projects_only(strata: Strata) -> None:
    user, other = strata.new_user(), strata.new_user()
    mine = {strata.project(user, name=f"P{i}")["projectId"] for i in range(5)}
    strata.project(other, name="Not mine")
    seen: list[str] = []
    cursor = None
    while True:
        query = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        page = strata.api.get("/api/gambix/projects", headers=user, query=query).get_json()
        assert len(page["items"]) <= 2
        seen += [item["projectId"] for item in page["items"]]
        cursor = page["nextCursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(mine)


def test_another_owners_project_is_not_found_for_every_route(strata: Strata) -> None:
    owner, intruder = strata.new_user(), strata.new_user()
    project_id = strata.project(owner)["projectId"]
    base = f"/api/gambix/projects/{project_id}"
    api = strata.api
    for response in (
        api.get(base, headers=intruder),
        api.put(base, headers=intruder, json={"name": "Taken"}),
        api.delete(base, headers=intruder),
        api.get(f"{base}/stats", headers=intruder),
        api.get(f"{base}/health", headers=intruder),
        api.get(f"{base}/analysis", headers=intruder),
        api.get(f"{base}/recommendations", headers=intruder),
        api.put(f"{base}/recommendations/title", headers=intruder, json={"status": "done"}),
        api.get(f"{base}/reports", headers=intruder),
        api.post(f"{base}/reports", headers=intruder),
        api.post("/api/scrape", headers=intruder, json={"projectId": project_id}),
    ):
        assert response.status_code == 404, response.request.path
        assert response.get_json()["message"].endswith("not found")
    assert api.get(base, headers=owner).get_json()["name"] == "Northwind"


def test_a_cursor_from_another_owner_or_altered_is_a_400(strata: Strata) -> None:
    user, other = strata.new_user(), strata.new_user()
    for i in range(2):
        strata.project(other, name=f"O{i}")
    cursor = strata.api.get("/api/gambix/projects", headers=other,
                            query={"limit": "1"}).get_json()["nextCursor"]
    assert cursor
    for bad in (cursor, cursor[:-2] + "xx", "garbage", ""):
        response = strata.api.get("/api/gambix/projects", headers=user, query={"cursor": bad})
        assert response.status_code == 400
        assert response.get_json()["errors"] == {"cursor": "invalid"}


def test_a_string_with_an_unpaired_surrogate_is_a_400_not_a_server_error(
        strata: Strata) -> None:
    response = strata.api.post(
        "/api/gambix/projects", headers={**strata.auth(), "Content-Type": "application/json"},
        data='{"name": "North\\udae8wind", "url": "http://example.com/"}')
    assert response.status_code == 400
    assert response.get_json()["errors"] == {"body": "contains an unpaired surrogate"}


def test_project_routes_need_a_token(strata: Strata) -> None:
    assert strata.api.get("/api/gambix/projects").status_code == 401
    assert strata.api.post("/api/gambix/projects", json={"name": "x",
                                                         "url": "http://a.b/"}).status_code == 401


@pytest.mark.parametrize("body, field", [
    ({"url": "https://example.com/"}, "name"),
    ({"name": "x"}, "url"),
    ({"name": "x", "url": "ftp://example.com/"}, "url"),
    ({"name": "x", "url": "https://user:pw@example.com/"}, "url"),
    ({"name": "x", "url": "https://example.com:0/"}, "url"),
    ({"name": "x", "url": "https://exämple.com/"}, "url"),
    ({"name": "x", "url": "https://example.com/", "alertDropPoints": 0}, "alertDropPoints"),
    ({"name": "x", "url": "https://example.com/", "alertMinScore": 101}, "alertMinScore"),
    ({"name": "x", "url": "https://example.com/", "alertMinScore": 5.5}, "alertMinScore"),
    ({"name": "x" * 101, "url": "https://example.com/"}, "name"),
    ({"name": "x", "url": "https://example.com/", "ownerId": "me"}, "ownerId"),
    ({"name": "x", "url": "https://example.com/", "alertMinScore": None}, "alertMinScore"),
    ({"name": None, "url": "https://example.com/"}, "name"),
])
def test_invalid_projects_are_refused_with_the_field_named(strata: Strata,
                                                           body: dict[str, object],
                                                           field: str) -> None:
    response = strata.api.post("/api/gambix/projects", headers=strata.auth(), json=body)
    assert response.status_code == 400
    assert field in response.get_json()["errors"]


def test_an_empty_update_or_an_unknown_id_format_is_refused(strata: Strata) -> None:
    user = strata.new_user()
    project_id = strata.project(user)["projectId"]
    empty = strata.api.put(f"/api/gambix/projects/{project_id}", headers=user, json={})
    assert empty.status_code == 400
    assert strata.api.get("/api/gambix/projects/not-an-id", headers=user).status_code == 404
    assert strata.api.get("/api/gambix/projects/" + "0" * 32, headers=user).status_code == 404


def test_stats_summarise_a_project_before_any_scrape(strata: Strata) -> None:
    user = strata.new_user()
    project_id = strata.project(user)["projectId"]
    stats = strata.api.get(f"/api/gambix/projects/{project_id}/stats", headers=user).get_json()
    assert stats == {"projectId": project_id, "measurements": 0, "latestScore": None,
                     "previousScore": None, "bestScore": None, "worstScore": None,
                     "averageScore": None, "lastScrapedAt": None,
                     "openRecommendations": {"high": 0, "medium": 0, "low": 0},
                     "openAlerts": 0}
