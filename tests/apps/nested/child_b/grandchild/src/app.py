import os


def handler(event, context):
    return {"prefix": os.environ["PREFIX"], "path": event["rawPath"]}
