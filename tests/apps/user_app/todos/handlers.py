import json
import os
import uuid

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def _response(status, body):
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body),
    }


def create(event, context):
    try:
        payload = json.loads(event["body"] or "{}")
    except ValueError:
        return _response(400, {"message": "body must be JSON"})
    title = payload.get("title")
    if not isinstance(title, str) or not title.strip():
        return _response(400, {"message": "title is required"})
    item = {"id": str(uuid.uuid4()), "title": title.strip(), "done": False}
    TABLE.put_item(Item=item)
    return _response(201, item)


def get(event, context):
    todo_id = event["pathParameters"]["id"]
    item = TABLE.get_item(Key={"id": todo_id}).get("Item")
    if item is None:
        return _response(404, {"message": f"todo {todo_id} not found"})
    return _response(200, item)


def list_todos(event, context):
    items = TABLE.scan()["Items"]
    return _response(200, {"items": sorted(items, key=lambda item: item["title"])})
