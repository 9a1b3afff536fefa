"""Gallery routes: presigned upload, save after upload (HeadObject), thumbnail, delete."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import requests
from PIL import Image

from tests.e2e.conftest import ServedEmulator

from .conftest import GabiYoga


def image_bytes(size: tuple[int, int], fmt: str, *, mode: str = "RGB",
                orientation: int | None = None) -> bytes:
    """An encoded test image; ``orientation`` sets the EXIF Orientation tag (0x0112)."""
    image = Image.new(mode, size, (200, 120, 40, 255)[:len(mode)])
    out = io.BytesIO()
    options: dict[str, Any] = {}
    if orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = orientation
        options["exif"] = exif.tobytes()
    image.save(out, format=fmt, **options)
    return out.getvalue()


PNG = image_bytes((40, 30), "PNG")


def _upload_and_save(gabi: GabiYoga, body: bytes, content_type: str, filename: str
                     ) -> tuple[dict[str, Any], Any]:
    """Presign, put ``body`` as the browser would, then POST /gallery; (upload, response)."""
    admin = gabi.admin(api_key=False)
    upload = gabi.api.post("/gallery/upload", headers=admin, json={
        "filename": filename, "contentType": content_type, "size": len(body)}).get_json()
    s3, bucket = gabi.emulator.aws.client("s3"), gabi.physical("GalleryBucket")
    s3.put_object(Bucket=bucket, Key=upload["key"], Body=body, ContentType=content_type)
    return upload, gabi.api.post("/gallery", headers=admin,
                                 json={"key": upload["key"], "title": filename})


def _thumbnail(gabi: GabiYoga, key: str) -> tuple[dict[str, Any], Image.Image]:
    s3, bucket = gabi.emulator.aws.client("s3"), gabi.physical("GalleryBucket")
    stored = s3.get_object(Bucket=bucket, Key=key)
    image = Image.open(io.BytesIO(stored["Body"].read()))
    image.load()
    return stored, image


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


def test_a_large_png_gets_a_real_png_thumbnail_of_at_most_256_pixels(gabi: GabiYoga) -> None:
    upload, saved = _upload_and_save(gabi, image_bytes((1000, 500), "PNG", mode="RGBA"),
                                     "image/png", "wide.png")
    assert saved.status_code == 201, saved.get_data(as_text=True)
    stored, thumb = _thumbnail(gabi, saved.get_json()["thumbnailKey"])
    assert thumb.format == "PNG" and thumb.size == (256, 128) and thumb.mode == "RGBA"
    assert stored["ContentType"] == "image/png"
    assert stored["Metadata"] == {"thumbnail-of": upload["key"], "derivative": "thumbnail-256px"}


def test_a_jpeg_thumbnail_applies_the_exif_orientation(gabi: GabiYoga) -> None:
    # Orientation 6: stored landscape 1200x600, displayed rotated 90 degrees (portrait).
    _, saved = _upload_and_save(gabi, image_bytes((1200, 600), "JPEG", orientation=6),
                                "image/jpeg", "phone.jpg")
    assert saved.status_code == 201, saved.get_data(as_text=True)
    stored, thumb = _thumbnail(gabi, saved.get_json()["thumbnailKey"])
    assert thumb.format == "JPEG" and stored["ContentType"] == "image/jpeg"
    assert thumb.size == (128, 256)
    assert thumb.getexif().get(0x0112) in (None, 1)


def test_a_small_image_keeps_its_size_in_the_thumbnail(gabi: GabiYoga) -> None:
    _, saved = _upload_and_save(gabi, PNG, "image/png", "tiny.png")
    assert saved.status_code == 201
    assert _thumbnail(gabi, saved.get_json()["thumbnailKey"])[1].size == (40, 30)


def test_non_image_bytes_with_an_image_type_are_rejected_and_nothing_is_stored(
        gabi: GabiYoga) -> None:
    upload, saved = _upload_and_save(gabi, b"MZ\x90\x00 definitely not a picture",
                                     "image/png", "evil.png")
    assert saved.status_code == 400
    assert set(saved.get_json()["errors"]) == {"key"}
    s3, bucket = gabi.emulator.aws.client("s3"), gabi.physical("GalleryBucket")
    thumbs = s3.list_objects_v2(Bucket=bucket, Prefix="thumbnails/").get("Contents", [])
    assert "thumbnails/" + upload["key"].split("/")[-1] not in {o["Key"] for o in thumbs}
    keys = {i["key"] for i in gabi.api.get("/gallery").get_json()["items"]}
    assert upload["key"] not in keys


def test_an_image_of_another_format_than_declared_is_rejected(gabi: GabiYoga) -> None:
    _, saved = _upload_and_save(gabi, image_bytes((50, 50), "JPEG"), "image/png", "liar.png")
    assert saved.status_code == 400
    assert "image/png" in saved.get_json()["errors"]["key"]
