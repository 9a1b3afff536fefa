"""Gallery service: presigned uploads to S3, metadata in DynamoDB, a thumbnail on save.

Uploads go straight from the browser to S3 with a presigned POST
(https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html): its
policy pins the object key, the ``Content-Type`` and a ``content-length-range`` of 1 byte to
the declared size (at most 5 MiB), so S3 itself refuses other types or bigger files -
something a presigned PUT cannot do for the size. The client then saves the metadata;
``HeadObject`` proves the object exists first, so no metadata points at nothing.

Thumbnails: Pillow is not available to this layer, so "on save" writes a placeholder
derivative - a server-side copy under ``thumbnails/`` tagged ``derivative: placeholder-copy``.
A later change can swap in a real resize (or an S3-triggered function) without touching the
API: clients already read ``thumbnailKey``.
"""

from __future__ import annotations

import posixpath
import uuid
from typing import Any

from botocore.exceptions import ClientError
from lambda_common.aws import client, env, scan_all, table
from lambda_common.clock import iso
from lambda_common.http import (
    BadRequest,
    Event,
    NotFound,
    Response,
    api_handler,
    json_body,
    json_response,
    path_param,
)
from lambda_common.principal import require_admin
from lambda_common.validation import Fields

ALLOWED_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp",
                 "image/gif": ".gif"}
MAX_BYTES = 5 * 1024 * 1024
UPLOAD_TTL_S = 900
UPLOAD_PREFIX = "uploads/"
THUMBNAIL_PREFIX = "thumbnails/"


@api_handler
def list_images(event: Event, context: Any) -> Response:
    items = sorted(scan_all(table("GALLERY_TABLE")), key=lambda i: i.get("createdAt", ""),
                   reverse=True)
    return json_response(200, {"items": items})


@api_handler
def create_upload(event: Event, context: Any) -> Response:
    require_admin(event)
    fields = Fields(json_body(event))
    fields.string("filename", max_length=200)
    content_type = fields.string("contentType", choices=ALLOWED_TYPES)
    fields.integer("size", minimum=1, maximum=MAX_BYTES)
    values = fields.check()
    assert content_type is not None
    key = f"{UPLOAD_PREFIX}{uuid.uuid4().hex}{ALLOWED_TYPES[content_type]}"
    post = client("s3").generate_presigned_post(
        Bucket=env("GALLERY_BUCKET"), Key=key, Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type},
                    ["content-length-range", 1, values["size"]]],
        ExpiresIn=UPLOAD_TTL_S)
    return json_response(201, {"url": post["url"], "fields": post["fields"], "key": key,
                               "expiresIn": UPLOAD_TTL_S})


@api_handler
def save_image(event: Event, context: Any) -> Response:
    admin = require_admin(event)
    fields = Fields(json_body(event))
    key = fields.string("key", max_length=300)
    fields.string("title", max_length=200)
    fields.string("alt", required=False, min_length=0, max_length=500)
    values = fields.check()
    assert key is not None
    if not key.startswith(UPLOAD_PREFIX) or ".." in key:
        raise BadRequest("Invalid request", errors={"key": f"must start with {UPLOAD_PREFIX}"})
    s3, bucket = client("s3"), env("GALLERY_BUCKET")
    try:
        head = s3.head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            raise BadRequest("Invalid request", errors={"key": "not uploaded"}) from exc
        raise
    content_type = head.get("ContentType", "")
    if content_type not in ALLOWED_TYPES:
        raise BadRequest("Invalid request", errors={"key": "is not an allowed image type"})
    thumbnail_key = THUMBNAIL_PREFIX + posixpath.basename(key)
    s3.copy_object(Bucket=bucket, Key=thumbnail_key, CopySource={"Bucket": bucket, "Key": key},
                   MetadataDirective="REPLACE", ContentType=content_type,
                   Metadata={"thumbnail-of": key, "derivative": "placeholder-copy"})
    item = {"imageId": uuid.uuid4().hex, "key": key, "thumbnailKey": thumbnail_key,
            "title": values["title"], "alt": values.get("alt", ""), "contentType": content_type,
            "size": int(head.get("ContentLength", 0)), "uploadedBy": admin.user_id,
            "createdAt": iso()}
    table("GALLERY_TABLE").put_item(Item=item)
    return json_response(201, item)


@api_handler
def delete_image(event: Event, context: Any) -> Response:
    require_admin(event)
    image_id = path_param(event, "id")
    images = table("GALLERY_TABLE")
    item = images.get_item(Key={"imageId": image_id}).get("Item")
    if item is None:
        raise NotFound("Image not found")
    s3, bucket = client("s3"), env("GALLERY_BUCKET")
    for key in (item.get("key"), item.get("thumbnailKey")):
        if key:
            s3.delete_object(Bucket=bucket, Key=key)
    images.delete_item(Key={"imageId": image_id})
    return json_response(204, None)
