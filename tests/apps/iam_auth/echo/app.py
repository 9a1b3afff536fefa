"""Returns the event it received, so tests can assert on who API Gateway says called."""
import json


def handler(event, context):
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
            "body": json.dumps({"event": event})}
