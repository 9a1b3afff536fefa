"""Gallery service: presigned uploads to S3, metadata in DynamoDB, a thumbnail on save.

Uploads go straight from the browser to S3 with a presigned POST
(https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html): its
policy pins the object key, the ``Content-Type`` and a ``content-length-range`` of 1 byte to
the declared size (at most 5 MiB), so S3 itself refuses other types or bigger files -
something a presigned PUT cannot do for the size. The client then saves the metadata;
``HeadObject`` proves the object exists first, so no metadata points at nothing.

Thumbnails are made on save with Pillow (``requirements.txt`` of this function): the
upload is decoded (which also proves it is an image of its declared type - S3 only pinned
the ``Content-Type`` header, not the bytes), its EXIF orientation is applied, and it is
scaled to at most ``THUMBNAIL_MAX_PX`` on the longest side, aspect ratio kept, in the same
format (JPEG -> JPEG, PNG -> PNG, WebP -> WebP, GIF -> GIF, first frame only). Metadata
such as EXIF/GPS is not copied into the thumbnail. Bytes that do not decode as the declared
type, or images over ``MAX_PIXELS``, are a 400 with a ``key`` field error and nothing is
stored. The thumbnail goes under ``thumbnails/`` with the upload's basename, with object
metadata ``thumbnail-of: <key>`` and ``derivative: thumbnail-<N>px``.
"""

from __future__ import annotations

import io
import posixpath
import uuid
import warnings
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
from lambda_common.logs import get_logger
from lambda_common.principal import require_admin
from lambda_common.validation import Fields
from PIL import Image, ImageOps, UnidentifiedImageError

logger = get_logger(__name__)

ALLOWED_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp",
                 "image/gif": ".gif"}
MAX_BYTES = 5 * 1024 * 1024
UPLOAD_TTL_S = 900
UPLOAD_PREFIX = "uploads/"
THUMBNAIL_PREFIX = "thumbnails/"
THUMBNAIL_MAX_PX = 256
#: Decoding more pixels than this is refused (decompression bombs): 25 MP in RGBA is 100 MB,
#: within SaveImageFunction's 512 MB. JPEGs are decoded at a reduced scale anyway.
MAX_PIXELS = 25_000_000
#: Pillow format name per allowed content type: the thumbnail keeps the upload's format.
PIL_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP",
               "image/gif": "GIF"}


class NotAnImage(ValueError):
    """The uploaded bytes are not a decodable image of the declared content type."""


def make_thumbnail(data: bytes, content_type: str, max_px: int = THUMBNAIL_MAX_PX) -> bytes:
    """``data`` scaled to fit ``max_px`` x ``max_px`` in its own format, EXIF rotation applied.

    Raises NotAnImage when ``data`` does not decode as ``content_type``.
    """
    expected = PIL_FORMATS[content_type]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            # Phones write multi-picture JPEGs, which Pillow reports as MPO.
            if image.format != expected and not (expected == "JPEG" and image.format == "MPO"):
                raise NotAnImage(f"is {image.format or 'unknown'} data, not {content_type}")
            if image.width * image.height > MAX_PIXELS:
                raise NotAnImage(f"has more than {MAX_PIXELS} pixels")
            if expected == "JPEG":
                # Let libjpeg decode at a reduced scale: much faster for big photos.
                image.draft("RGB", (max_px, max_px))
            image.load()
    except NotAnImage:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise NotAnImage(f"is not a decodable {content_type} image") from exc
    image = ImageOps.exif_transpose(image)
    if expected == "JPEG":
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA"):
        # Palette / 1-bit images would be resized with NEAREST; resample in full colour.
        image = image.convert("RGBA")
    image.thumbnail((max_px, max_px), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    options: dict[str, Any] = {"quality": 85, "optimize": True} if expected == "JPEG" else {}
    image.save(out, format=expected, **options)
    return out.getvalue()


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
    original = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    try:
        thumbnail = make_thumbnail(original, content_type)
    except NotAnImage as exc:
        logger.info("upload is not an image", key=key, reason=str(exc))
        raise BadRequest("Invalid request", errors={"key": str(exc)}) from exc
    thumbnail_key = THUMBNAIL_PREFIX + posixpath.basename(key)
    s3.put_object(Bucket=bucket, Key=thumbnail_key, Body=thumbnail, ContentType=content_type,
                  Metadata={"thumbnail-of": key,
                            "derivative": f"thumbnail-{THUMBNAIL_MAX_PX}px"})
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
