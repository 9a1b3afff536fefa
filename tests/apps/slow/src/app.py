"""A fast route and a slow one (sleeps SLOW_MS), for the load-test gate tests."""

import json
import os
import time


def fast(event, context):
    return {"statusCode": 200, "body": json.dumps({"route": "fast"})}


def slow(event, context):
    time.sleep(int(os.environ["SLOW_MS"]) / 1000)
    return {"statusCode": 200, "body": json.dumps({"route": "slow"})}
