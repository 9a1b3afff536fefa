"""Blog service: public reading of published posts, admin writing and publishing.

Public lists read the ``StatusIndex`` GSI (``status`` + ``publishedAt``) newest first.
Drafts have no ``publishedAt``, so they are not in the index at all (a sparse index,
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-indexes-general-sparse-indexes.html):
the public list cannot show them whatever the query. Pages continue from a signed, opaque
cursor (lambda_common.cursors); an altered cursor is a 400.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from typing import Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError
from lambda_common.aws import condition_failure_as, is_conditional_failure, table
from lambda_common.clock import iso
from lambda_common.cursors import InvalidCursor, decode_cursor, encode_cursor
from lambda_common.http import (
    BadRequest,
    Conflict,
    Event,
    NotFound,
    Response,
    api_handler,
    json_body,
    json_response,
    path_param,
    query_params,
)
from lambda_common.principal import optional_principal, require_admin
from lambda_common.tokens import signing_key
from lambda_common.validation import Fields, parse_limit

CURSOR_FIELDS = {"postId", "status", "publishedAt"}


def cursor_key() -> str:
    """A key for cursors derived from (never equal to) the token signing key."""
    return hashlib.sha256(b"blog-cursor:" + signing_key().encode()).hexdigest()


def slugify(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:80] or "post"


def _post_fields(event: Event) -> dict[str, Any]:
    data = json_body(event)
    fields = Fields(data)
    fields.string("title", max_length=200)
    fields.string("body", max_length=50_000)
    values = fields.check()
    if "tags" in data:
        tags = data["tags"]
        # null is not a list: the contract's tags are never nullable.
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise BadRequest("Invalid request", errors={"tags": "must be a list of strings"})
        values["tags"] = tags
    return values


@api_handler
def list_posts(event: Event, context: Any) -> Response:
    params = query_params(event)
    limit = parse_limit(params.get("limit"))
    query: dict[str, Any] = {"IndexName": "StatusIndex", "ScanIndexForward": False,
                             "KeyConditionExpression": Key("status").eq("published"),
                             "Limit": limit}
    if params.get("cursor"):
        try:
            start = decode_cursor(params["cursor"], cursor_key())
        except InvalidCursor as exc:
            raise BadRequest("Invalid request", errors={"cursor": "invalid"}) from exc
        if set(start) != CURSOR_FIELDS or start.get("status") != "published":
            raise BadRequest("Invalid request", errors={"cursor": "invalid"})
        query["ExclusiveStartKey"] = start
    page = table("BLOG_TABLE").query(**query)
    last = page.get("LastEvaluatedKey")
    return json_response(200, {"items": page.get("Items", []),
                               "nextCursor": encode_cursor(last, cursor_key()) if last else None})


@api_handler
def get_post(event: Event, context: Any) -> Response:
    post_id = path_param(event, "id")
    item = table("BLOG_TABLE").get_item(Key={"postId": post_id}).get("Item")
    if item is None:
        raise NotFound("Post not found")
    if item.get("status") != "published":
        who = optional_principal(event)
        if who is None or not who.is_admin:
            raise NotFound("Post not found")  # a draft's existence is not public either
    return json_response(200, item)


@api_handler
def create_post(event: Event, context: Any) -> Response:
    admin = require_admin(event)
    values = _post_fields(event)
    stamp = iso()
    item = {"postId": uuid.uuid4().hex, **values, "slug": slugify(values["title"]),
            "status": "draft", "authorId": admin.user_id, "createdAt": stamp,
            "updatedAt": stamp}
    table("BLOG_TABLE").put_item(Item=item, ConditionExpression="attribute_not_exists(postId)")
    return json_response(201, item)


@api_handler
def update_post(event: Event, context: Any) -> Response:
    require_admin(event)
    post_id = path_param(event, "id")
    values = _post_fields(event)
    names = {f"#{k}": k for k in values}
    expression = "SET " + ", ".join(f"#{k} = :{k}" for k in values) + ", slug = :slug, " \
        "updatedAt = :updatedAt"
    with condition_failure_as(NotFound("Post not found")):
        updated = table("BLOG_TABLE").update_item(
            Key={"postId": post_id}, UpdateExpression=expression,
            ConditionExpression="attribute_exists(postId)", ExpressionAttributeNames=names,
            ExpressionAttributeValues={**{f":{k}": v for k, v in values.items()},
                                       ":slug": slugify(values["title"]), ":updatedAt": iso()},
            ReturnValues="ALL_NEW")
    return json_response(200, updated["Attributes"])


@api_handler
def delete_post(event: Event, context: Any) -> Response:
    require_admin(event)
    post_id = path_param(event, "id")
    with condition_failure_as(NotFound("Post not found")):
        table("BLOG_TABLE").delete_item(Key={"postId": post_id},
                                        ConditionExpression="attribute_exists(postId)")
    return json_response(204, None)


@api_handler
def publish_post(event: Event, context: Any) -> Response:
    require_admin(event)
    post_id = path_param(event, "id")
    posts = table("BLOG_TABLE")
    try:
        updated = posts.update_item(
            Key={"postId": post_id},
            UpdateExpression="SET #status = :published, publishedAt = :at, updatedAt = :at",
            ConditionExpression="attribute_exists(postId) AND #status = :draft",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":published": "published", ":draft": "draft",
                                       ":at": iso()},
            ReturnValues="ALL_NEW")
    except ClientError as exc:
        if not is_conditional_failure(exc):
            raise
        if posts.get_item(Key={"postId": post_id}).get("Item") is None:
            raise NotFound("Post not found") from exc
        raise Conflict("Post is already published") from exc
    return json_response(200, updated["Attributes"])
