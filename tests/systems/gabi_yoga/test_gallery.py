"""Gallery routes: presigned upload, save after upload (HeadObject), thumbnail, delete."""

from __future__ import annotations

import base64
import json

import requests

from tests.e2e.conftest import ServedEmulator

from .conftest import GabiYoga

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00"
       b"\x00\x90wS\xde")


def test_the_public_gallery_lists_the_seeded_image(gabi: GabiYoga) -> None:
    response = gabi.api.get("/gallery")
    assert response.status_code == 200
    assert "img-studio" in {i["imageId"] for i in response.get_json()["items"]}


def test_upload_returns_a_presigned_post_pinning_type_and_size(gabi: GabiYoga) -> None:
    response = gabi.api.post("/gallery/upload", headers=gabi.admin(api_key=False),
                             json={"filename": "mat.png", "contentType": "image/png",
                                   "size": 2048})
    assert response.status_code == 201
    upload = response.get_json()
    assert upload["key"].startswith("uploads/") and upload["key"].endswith(".png")
    assert upload["fields"]["Content-Type"] == "image/png"
    assert upload["fields"]["key"] == upload["key"]
    assert "policy" in upload["fields"] and upload["expiresIn"] == 900


def test_upload_refuses_other_types_and_oversized_files(gabi: GabiYoga) -> None:
    response = gabi.api.post("/gallery/upload", headers=gabi.admin(api_key=False),
                             json={"filename": "x.exe", "contentType": "application/x-msdownload",
                                   "size": 50 * 1024 * 1024})
    assert response.status_code == 400
    assert set(response.get_json()["errors"]) == {"contentType", "size"}


def test_members_may_not_upload(gabi: GabiYoga) -> None:
    response = gabi.api.post("/gallery/upload", headers=gabi.bearer(),
                             json={"filename": "a.png", "contentType": "image/png", "size": 1})
    assert response.status_code == 403


def test_saving_a_key_that_was_never_uploaded_is_rejected(gabi: GabiYoga) -> None:
    response = gabi.api.post("/gallery", headers=gabi.admin(api_key=False),
                             json={"key": "uploads/never-uploaded.png", "title": "Ghost"})
    assert response.status_code == 400
    assert response.get_json()["errors"] == {"key": "not uploaded"}


def test_saving_outside_the_upload_prefix_is_rejected(gabi: GabiYoga) -> None:
    response = gabi.api.post("/gallery", headers=gabi.admin(api_key=False),
                             json={"key": "thumbnails/studio.png", "title": "Sneaky"})
    assert response.status_code == 400 and "key" in response.get_json()["errors"]


def test_save_after_upload_makes_a_thumbnail_and_delete_removes_everything(gabi: GabiYoga
                                                                           ) -> None:
    admin = gabi.admin(api_key=False)
    upload = gabi.api.post("/gallery/upload", headers=admin, json={
        "filename": "pose.png", "contentType": "image/png", "size": len(PNG)}).get_json()
    s3, bucket = gabi.emulator.aws.client("s3"), gabi.physical("GalleryBucket")
    # What the browser's form POST to S3 results in.
    s3.put_object(Bucket=bucket, Key=upload["key"], Body=PNG, ContentType="image/png")

    saved = gabi.api.post("/gallery", headers=admin,
                          json={"key": upload["key"], "title": "Tree pose", "alt": "A tree"})
    assert saved.status_code == 201
    image = saved.get_json()
    assert image["size"] == len(PNG) and image["contentType"] == "image/png"
    thumb = s3.head_object(Bucket=bucket, Key=image["thumbnailKey"])
    assert thumb["Metadata"]["thumbnail-of"] == upload["key"]
    assert image["imageId"] in {i["imageId"] for i in gabi.api.get("/gallery").get_json()["items"]}

    assert gabi.api.delete(f"/gallery/{image['imageId']}", headers=admin).status_code == 204
    remaining = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
    assert not {upload["key"], image["thumbnailKey"]} & {o["Key"] for o in remaining}
    assert gabi.api.delete(f"/gallery/{image['imageId']}", headers=admin).status_code == 404


def test_the_presigned_policy_pins_key_type_and_size(gabi: GabiYoga) -> None:
    upload = gabi.api.post("/gallery/upload", headers=gabi.admin(api_key=False),
                           json={"filename": "a.webp", "contentType": "image/webp",
                                 "size": 1234}).get_json()
    policy = json.loads(base64.b64decode(upload["fields"]["policy"]))
    conditions = policy["conditions"]
    assert {"Content-Type": "image/webp"} in conditions
    assert ["content-length-range", 1, 1234] in conditions
    assert {"key": upload["key"]} in conditions


def test_a_browser_style_form_upload_through_serve_can_then_be_saved(served: ServedEmulator
                                                                      ) -> None:
    base = served.api("GabiYogaApi").rstrip("/")
    login = requests.post(f"{base}/auth/login", timeout=30, json={
        "email": "gabi@gabiyoga.example", "password": "admin-dev-password"}).json()
    admin = {"Authorization": f"Bearer {login['accessToken']}"}
    upload = requests.post(f"{base}/gallery/upload", headers=admin, timeout=30, json={
        "filename": "pose.png", "contentType": "image/png", "size": len(PNG)}).json()
    # The presigned URL points at the emulator's S3 endpoint, as it would at S3.
    posted = requests.post(upload["url"], data=upload["fields"], timeout=30,
                           files={"file": ("pose.png", PNG, "image/png")})
    assert posted.status_code == 204
    saved = requests.post(f"{base}/gallery", headers=admin, timeout=30,
                          json={"key": upload["key"], "title": "Pose"})
    assert saved.status_code == 201 and saved.json()["size"] == len(PNG)
