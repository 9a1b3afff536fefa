"""The smallest handler: what the runtime's per-invocation overhead is measured against."""


def handler(event, context):
    return {"statusCode": 200, "body": "ok"}
