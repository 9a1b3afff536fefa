def handler(event, context):
    if event["authorizationToken"] != "Bearer bench-token":
        raise Exception("Unauthorized")
    return {
        "principalId": "bench-user",
        "policyDocument": {"Version": "2012-10-17", "Statement": [
            {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": "*"}]},
        "context": {"role": "member"},
    }
