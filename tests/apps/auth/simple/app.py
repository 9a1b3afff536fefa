"""An HTTP API Lambda authorizer with simple responses (payload 2.0, enableSimpleResponses)."""
import json


def handler(event, context):
    token = (event.get("headers") or {}).get("x-token", "")
    if token == "crash":
        raise RuntimeError("the token service is down")
    return {"isAuthorized": token == "let-me-in",
            "context": {"event": json.dumps(event), "roles": ["reader", "writer"], "level": 3}}
