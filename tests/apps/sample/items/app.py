"""DynamoDB- and S3-backed handler: the hot path of the benchmark and the presigned URL test."""
import json
import os

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
S3 = boto3.client("s3")


def handler(event, context):
    method = event["httpMethod"]
    if event["resource"] == "/uploads":
        url = S3.generate_presigned_url(
            "put_object", Params={"Bucket": os.environ["BUCKET"], "Key": "upload.txt"},
            ExpiresIn=300)
        return {"statusCode": 200, "body": json.dumps({"url": url})}
    item_id = event["pathParameters"]["id"]
    if method == "PUT":
        item = {"pk": item_id, **json.loads(event["body"] or "{}")}
        TABLE.put_item(Item=item)
        return {"statusCode": 200, "body": json.dumps(item)}
    item = TABLE.get_item(Key={"pk": item_id}).get("Item")
    if item is None:
        return {"statusCode": 404, "body": json.dumps({"message": "not found"})}
    return {"statusCode": 200, "body": json.dumps(item, default=str)}
