"""Echoes what reached the handler; a body containing {"explode": true} raises instead."""
import json


def handler(event, context):
    body = event.get("body")
    if body and '"explode": true' in body:
        raise RuntimeError("the handler failed on purpose")
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({
            "reached": "handler",
            "resource": event.get("resource"),
            "query": event.get("queryStringParameters"),
            "body": body,
        }),
    }
