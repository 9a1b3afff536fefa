"""Deliberately faulty handlers: the contract gate's own test targets."""

import json


def health(event, context):
    if event.get("httpMethod") == "POST":  # /echo
        try:
            payload = json.loads(event.get("body") or "")
            text = payload["text"]
        except (ValueError, KeyError, TypeError):
            return {"statusCode": 400, "headers": {"Content-Type": "application/json"},
                    "body": json.dumps({"message": "expected {\"text\": string}"})}
        if not isinstance(text, str) or len(text) > 100:
            return {"statusCode": 400, "headers": {"Content-Type": "application/json"},
                    "body": json.dumps({"message": "text must be a string of 100 at most"})}
        return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
                "body": json.dumps({"text": text})}
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
            "body": json.dumps({"status": "ok"})}


def profile(event, context):
    # Fault (a): "email" is required by the contract but never sent.
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
            "body": json.dumps({"userId": "u-1"})}


def discount(event, context):
    raw = (event.get("queryStringParameters") or {}).get("percent", "")
    try:
        percent = int(raw)
    except ValueError:
        return {"statusCode": 400, "headers": {"Content-Type": "application/json"},
                "body": json.dumps({"message": "percent must be an integer"})}
    if not 0 <= percent <= 100:
        return {"statusCode": 400, "headers": {"Content-Type": "application/json"},
                "body": json.dumps({"message": "percent must be 0..100"})}
    # Fault (b): the boundary 100 divides by zero (an exception -> 502 from the gateway).
    price = 100.0 / (100 - percent) * (100 - percent)
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
            "body": json.dumps({"price": price})}
