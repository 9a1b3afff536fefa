"""Reads its configuration from the environment at import time and at call time."""
import os
import time

TABLE_AT_IMPORT = os.environ["TABLE_NAME"]
REGION_AT_IMPORT = os.getenv("AWS_REGION")

NAMES = [
    "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_INITIALIZATION_TYPE", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "_HANDLER",
    "TZ", "AWS_ENDPOINT_URL_S3", "HOST_ONLY",
]


def handler(event, context):
    time.sleep(event.get("sleep", 0))
    os.environ["WRITTEN_BY"] = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
    if event.get("delete_host_only"):
        del os.environ["HOST_ONLY"]
    seen = {name: os.environ.get(name) for name in NAMES}
    time.sleep(event.get("sleep", 0))
    return {
        "import": TABLE_AT_IMPORT,
        "call": os.getenv("TABLE_NAME"),
        "written": os.environ["WRITTEN_BY"],
        "region_at_import": REGION_AT_IMPORT,
        "listed": "TABLE_NAME" in dict(os.environ),
        "vars": seen,
    }
