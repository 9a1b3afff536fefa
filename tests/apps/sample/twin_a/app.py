import json
import os

import helper

CALLS = 0


def handler(event, context):
    global CALLS
    CALLS += 1
    import lazy_helper  # imported at call time, from this function's own code

    return {"statusCode": 200, "body": json.dumps({
        "who": helper.WHO, "lazy": lazy_helper.WHO, "calls": CALLS,
        "twin_env": os.environ.get("TWIN_NAME")})}
