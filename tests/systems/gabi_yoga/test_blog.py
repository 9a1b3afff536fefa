"""Blog routes: public, paginated reading of published posts; admin writing and publishing."""

from __future__ import annotations

from .conftest import GabiYoga


def test_public_list_shows_published_posts_newest_first_and_never_drafts(gabi: GabiYoga
                                                                         ) -> None:
    items = gabi.api.get("/blog", query={"limit": "50"}).get_json()["items"]
    assert [p["postId"] for p in items][:3] == ["post-003", "post-002", "post-001"]
    assert all(p["status"] == "published" for p in items)
    assert "post-draft-001" not in {p["postId"] for p in items}


def test_pages_follow_the_opaque_cursor_until_the_end(gabi: GabiYoga) -> None:
    seen: list[str] = []
    query = {"limit": "2"}
    for _ in range(10):
        page = gabi.api.get("/blog", query=query).get_json()
        seen += [p["postId"] for p in page["items"]]
        if not page["nextCursor"]:
            break
        query = {"limit": "2", "cursor": page["nextCursor"]}
    assert len(seen) == len(set(seen)) >= 3
    assert seen[:3] == ["post-003", "post-002", "post-001"]


def test_a_tampered_cursor_is_a_bad_request(gabi: GabiYoga) -> None:
    cursor = gabi.api.get("/blog", query={"limit": "1"}).get_json()["nextCursor"]
    tampered = ("A" if cursor[0] != "A" else "B") + cursor[1:]
    response = gabi.api.get("/blog", query={"cursor": tampered})
    assert response.status_code == 400
    assert response.get_json()["errors"] == {"cursor": "invalid"}


def test_an_out_of_range_limit_is_a_bad_request(gabi: GabiYoga) -> None:
    response = gabi.api.get("/blog", query={"limit": "500"})
    assert response.status_code == 400 and "limit" in response.get_json()["errors"]


def test_a_draft_is_not_found_for_the_public_and_members_but_visible_to_admins(gabi: GabiYoga
                                                                              ) -> None:
    assert gabi.api.get("/blog/post-draft-001").status_code == 404
    assert gabi.api.get("/blog/post-draft-001", headers=gabi.bearer()).status_code == 404
    response = gabi.api.get("/blog/post-draft-001", headers=gabi.admin(api_key=False))
    assert response.status_code == 200 and response.get_json()["status"] == "draft"


def test_an_unknown_post_is_not_found(gabi: GabiYoga) -> None:
    assert gabi.api.get("/blog/no-such-post").status_code == 404


def test_admin_creates_updates_publishes_and_deletes_a_post(gabi: GabiYoga) -> None:
    admin = gabi.admin(api_key=False)
    created = gabi.api.post("/blog", headers=admin, json={"title": "Hip openers",
                                                          "body": "Slowly.", "tags": ["hips"]})
    assert created.status_code == 201
    post = created.get_json()
    assert post["status"] == "draft" and post["slug"] == "hip-openers"
    assert gabi.api.get(f"/blog/{post['postId']}").status_code == 404

    updated = gabi.api.put(f"/blog/{post['postId']}", headers=admin,
                           json={"title": "Hip openers, part 1", "body": "Slowly, breathe."})
    assert updated.status_code == 200 and updated.get_json()["slug"] == "hip-openers-part-1"

    published = gabi.api.post(f"/blog/{post['postId']}/publish", headers=admin)
    assert published.status_code == 200 and published.get_json()["publishedAt"]
    first = gabi.api.get("/blog", query={"limit": "1"}).get_json()["items"][0]
    assert first["postId"] == post["postId"]
    again = gabi.api.post(f"/blog/{post['postId']}/publish", headers=admin)
    assert again.status_code == 409

    assert gabi.api.delete(f"/blog/{post['postId']}", headers=admin).status_code == 204
    assert gabi.api.get(f"/blog/{post['postId']}").status_code == 404
    assert gabi.api.delete(f"/blog/{post['postId']}", headers=admin).status_code == 404


def test_members_may_not_write_posts(gabi: GabiYoga) -> None:
    member = gabi.bearer()
    assert gabi.api.post("/blog", headers=member,
                         json={"title": "Mine", "body": "x"}).status_code == 403
    assert gabi.api.put("/blog/post-001", headers=member,
                        json={"title": "Mine", "body": "x"}).status_code == 403
    assert gabi.api.delete("/blog/post-001", headers=member).status_code == 403
    assert gabi.api.post("/blog/post-draft-001/publish", headers=member).status_code == 403


def test_writing_without_a_token_is_unauthorized(gabi: GabiYoga) -> None:
    assert gabi.api.post("/blog", json={"title": "x", "body": "y"}).status_code == 401


def test_invalid_posts_are_rejected_with_field_errors(gabi: GabiYoga) -> None:
    response = gabi.api.post("/blog", headers=gabi.admin(api_key=False),
                             json={"title": "", "tags": "not-a-list"})
    assert response.status_code == 400
    assert set(response.get_json()["errors"]) == {"title", "body"}


def test_updating_or_publishing_an_unknown_post_is_not_found(gabi: GabiYoga) -> None:
    admin = gabi.admin(api_key=False)
    assert gabi.api.put("/blog/nope", headers=admin,
                        json={"title": "t", "body": "b"}).status_code == 404
    assert gabi.api.post("/blog/nope/publish", headers=admin).status_code == 404
