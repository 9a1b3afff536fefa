import json
import os

import boto3
import helper


def handler(event, context):
    table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
    items = sorted(item["id"] for item in table.scan()["Items"])
    return {"statusCode": 200, "body": json.dumps({
        "who": helper.WHO, "greeting": os.environ["GREETING"], "items": items,
        "shared_topic": os.environ["SHARED_TOPIC_ARN"], "stack": os.environ["OWN_STACK"],
        "function": context.function_name})}
