"""Echoes the request context, so tests can see what the gateway put into the event."""

import json


def handler(event, context):
    request_context = event.get("requestContext", {})
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"identity": request_context.get("identity"),
                            "routeKey": request_context.get("routeKey"),
                            "resourcePath": request_context.get("resourcePath")}),
    }
