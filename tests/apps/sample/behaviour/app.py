"""One handler, many behaviours, picked by the {case} path parameter."""
import base64
import json
import time

PNG_1PX = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def _case(event):
    params = event.get("pathParameters") or {}
    return params.get("case") or "picture"


def handler(event, context):
    case = _case(event)
    if case == "raise":
        raise ValueError("deliberate failure with a secret traceback")
    if case == "sleep":
        time.sleep(5)
        return {"statusCode": 200, "body": "too late"}
    if case == "nap":
        time.sleep(0.8)
        return {"statusCode": 200, "body": "rested"}
    if case == "no-status":
        return {"body": "where is my status"}
    if case == "dict-body":
        return {"statusCode": 200, "body": {"not": "a string"}}
    if case == "not-a-dict":
        return ["a", "list"]
    if case == "bare-dict":
        return {"message": "inferred"}
    if case == "bare-string":
        return "just a string"
    if case == "multi":
        return {"statusCode": 200, "headers": {"X-Dup": "single", "X-One": "1"},
                "multiValueHeaders": {"X-Dup": ["m1", "m2"]}, "body": "multi"}
    if case == "cookies":
        return {"statusCode": 200, "cookies": ["a=1; Path=/", "b=2; HttpOnly"],
                "headers": {"content-type": "text/plain"}, "body": "cookies"}
    if case == "picture":
        return {"statusCode": 200, "headers": {"Content-Type": "image/png"},
                "body": base64.b64encode(PNG_1PX).decode(), "isBase64Encoded": True}
    if case == "big":
        return {"statusCode": 200, "body": "x" * (6 * 1024 * 1024 + 10)}
    if case == "status":
        code = int((event.get("queryStringParameters") or {}).get("code", "201"))
        return {"statusCode": code, "body": json.dumps({"code": code})}
    return {"statusCode": 404, "body": json.dumps({"unknown": case})}
