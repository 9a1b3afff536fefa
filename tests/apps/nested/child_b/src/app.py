import json
import os

import helper


def handler(event, context):
    return {"statusCode": 200, "body": json.dumps({
        "who": helper.WHO, "greeting": os.environ["GREETING"],
        "table": os.environ.get("TABLE_NAME"), "function": context.function_name})}
