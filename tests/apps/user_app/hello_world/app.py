import json


def lambda_handler(event, context):
    """Sample pure Lambda function, as `sam init` generates it."""
    return {
        "statusCode": 200,
        "body": json.dumps({"message": "hello world"}),
    }
