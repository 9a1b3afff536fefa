"""A Lambda authorizer whose answer is chosen by the token, so tests can ask for each case.

REST TOKEN: the token is the whole header value ("Bearer <case>"); REQUEST and HTTP API
events carry it in the X-Token header / identitySource. Every answer's context carries the
event it received (as a JSON string) so tests can assert on its shape.
"""
import json


def _token(event):
    if event.get("type") == "TOKEN":
        return event["authorizationToken"]
    headers = event.get("headers") or {}
    for name, value in headers.items():
        if name.lower() == "x-token":
            return value
    return ""


def _policy(effect, resource):
    return {"Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}]}


def handler(event, context):
    arn = event.get("methodArn") or event.get("routeArn")
    prefix, _, rest = arn.partition("/")          # arn:...:apiId  /  stage/METHOD/path
    stage = rest.split("/", 1)[0]
    case = _token(event).removeprefix("Bearer ")
    answer_context = {"event": json.dumps(event), "case": case}
    statements = None
    if case == "allow-all":
        statements = [{"Action": "execute-api:*", "Effect": "Allow", "Resource": "*"}]
    elif case == "allow-exact":
        statements = _policy("Allow", arn)["Statement"]
    elif case == "allow-get":
        statements = _policy("Allow", f"{prefix}/{stage}/GET/*")["Statement"]
    elif case == "allow-pets-two-chars":
        statements = _policy("Allow", f"{prefix}/*/GET/pets/??")["Statement"]
    elif case == "allow-other-api":
        statements = _policy("Allow", "arn:aws:execute-api:*:*:someotherapi/*")["Statement"]
    elif case == "deny":
        statements = _policy("Deny", arn)["Statement"]
    elif case == "allow-and-deny":
        statements = [{"Action": "*", "Effect": "Allow", "Resource": "*"},
                      {"Action": "execute-api:Invoke", "Effect": "Deny",
                       "Resource": [f"{prefix}/*/POST/*", f"{prefix}/*/GET/token"]}]
    elif case == "unauthorized":
        raise Exception("Unauthorized")
    elif case == "crash":
        raise ValueError("the token service is down")
    elif case == "no-policy":
        return {"principalId": "user-1"}
    elif case == "bad-context":
        return {"principalId": "user-1", "policyDocument": _policy("Allow", "*"),
                "context": {"nested": {"a": 1}}}
    elif case == "typed-context":
        return {"principalId": "user-1", "policyDocument": _policy("Allow", "*"),
                "context": {"str": "v", "num": 1, "float": 2.5, "yes": True, "no": False,
                            "none": None}}
    elif case.startswith("usage-"):
        return {"principalId": "user-1", "policyDocument": _policy("Allow", "*"),
                "usageIdentifierKey": case[len("usage-"):]}
    if statements is None:
        raise Exception("Unauthorized")
    return {"principalId": "user-1",
            "policyDocument": {"Version": "2012-10-17", "Statement": statements},
            "context": answer_context}
