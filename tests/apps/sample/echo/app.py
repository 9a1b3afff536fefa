"""Returns the event it received, so tests can assert on every field."""
import json
import os

import shared_lib


def handler(event, context):
    body = {
        "event": event,
        "context": {
            "function_name": context.function_name,
            "function_version": context.function_version,
            "invoked_function_arn": context.invoked_function_arn,
            "memory_limit_in_mb": int(context.memory_limit_in_mb),
            "aws_request_id": context.aws_request_id,
            "log_group_name": context.log_group_name,
            "log_stream_name": context.log_stream_name,
            "remaining_ms": context.get_remaining_time_in_millis(),
        },
        "environment": {name: os.environ.get(name) for name in (
            "TABLE_NAME", "GREETING", "LOG_LEVEL", "SECOND_FLAG", "JOINED", "QUEUE_URL",
            "QUEUE_ARN", "BUCKET", "TOPIC_ARN", "USER_POOL_ID", "USER_POOL_CLIENT_ID",
            "SECRET_ARN", "PARAM_NAME", "ONLY_IN_PROD", "AWS_REGION", "AWS_LAMBDA_FUNCTION_NAME",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "_HANDLER")},
        "layer": shared_lib.LAYER_MARKER,
    }
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json", "X-Echo": "yes"},
        "body": json.dumps(body),
    }
