"""The local AWS endpoint: one set of moto backends, in-process and over HTTP; presigned URLs."""

from __future__ import annotations

import logging
import socket
import urllib.request
from collections.abc import Iterator

import boto3
import pytest
import requests

from emulator.aws import AwsEnvironment
from emulator.config import Settings

REGION = "us-east-1"


@pytest.fixture(scope="module")
def aws() -> Iterator[AwsEnvironment]:
    with AwsEnvironment(Settings(aws_port=0), serve_endpoint=True) as environment:
        yield environment


def _endpoint_client(aws: AwsEnvironment, service: str) -> object:
    return boto3.client(service, region_name=REGION, endpoint_url=aws.endpoint_url,
                        aws_access_key_id="outside", aws_secret_access_key="outside")


def test_port_zero_serves_on_a_real_free_port_and_reports_it(aws: AwsEnvironment) -> None:
    assert aws.endpoint_url is not None
    port = int(aws.endpoint_url.rsplit(":", 1)[1])
    assert port > 0
    with socket.create_connection(("127.0.0.1", port), timeout=2):
        pass


def test_in_process_writes_are_visible_on_the_endpoint_and_back(aws: AwsEnvironment) -> None:
    inside = aws.client("dynamodb")
    inside.create_table(TableName="shared", BillingMode="PAY_PER_REQUEST",
                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
    inside.put_item(TableName="shared", Item={"pk": {"S": "from-inside"}})
    outside = _endpoint_client(aws, "dynamodb")
    item = outside.get_item(TableName="shared", Key={"pk": {"S": "from-inside"}})  # type: ignore[attr-defined]
    assert item["Item"] == {"pk": {"S": "from-inside"}}
    outside.put_item(TableName="shared", Item={"pk": {"S": "from-outside"}})  # type: ignore[attr-defined]
    assert inside.get_item(TableName="shared", Key={"pk": {"S": "from-outside"}})["Item"]


def test_the_aws_cli_style_sqs_call_sees_queues_created_in_process(aws: AwsEnvironment) -> None:
    aws.client("sqs").create_queue(QueueName="shared-queue")
    outside = _endpoint_client(aws, "sqs")
    urls = outside.list_queues()["QueueUrls"]  # type: ignore[attr-defined]
    # moto spells queue URLs with the host the request came to, as AWS does.
    assert f"{aws.endpoint_url}/123456789012/shared-queue" in urls


def test_in_process_client_ignores_a_configured_endpoint_url(
        aws: AwsEnvironment, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens there
    with AwsEnvironment(Settings()) as second:  # shares the running moto
        s3 = second.client("s3")
        assert s3.meta.endpoint_url.startswith("https://")
        assert isinstance(s3.list_buckets()["Buckets"], list)


def test_function_environment_points_s3_at_a_local_listener(aws: AwsEnvironment) -> None:
    environment = aws.function_environment()
    assert environment == {"AWS_ENDPOINT_URL_S3": aws.s3_endpoint_url,
                           "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled"}
    assert environment["AWS_ENDPOINT_URL_S3"].startswith("http://127.0.0.1:")
    assert environment["AWS_ENDPOINT_URL_S3"] != aws.endpoint_url


def test_presigned_urls_built_by_a_handler_work_from_outside_the_process(
        aws: AwsEnvironment, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    aws.client("s3").create_bucket(Bucket="uploads-bucket")
    for key, value in aws.function_environment().items():
        monkeypatch.setenv(key, value)
    handler_s3 = boto3.client("s3", region_name=REGION)  # as a handler builds it
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        handler_s3.put_object(Bucket="uploads-bucket", Key="in-process.txt", Body=b"x")
    assert not [r for r in caplog.records if r.name == "werkzeug"], \
        "the handler's own S3 call went over HTTP instead of staying in-process"

    put_url = handler_s3.generate_presigned_url(
        "put_object", Params={"Bucket": "uploads-bucket", "Key": "photos/cat.txt"},
        ExpiresIn=300)
    assert put_url.startswith(f"{aws.s3_endpoint_url}/uploads-bucket/photos/cat.txt?")
    upload = requests.put(put_url, data=b"meow", timeout=5)
    assert upload.status_code == 200

    body = aws.client("s3").get_object(Bucket="uploads-bucket", Key="photos/cat.txt")["Body"]
    assert body.read() == b"meow"
    get_url = handler_s3.generate_presigned_url(
        "get_object", Params={"Bucket": "uploads-bucket", "Key": "photos/cat.txt"})
    with urllib.request.urlopen(get_url, timeout=5) as response:  # noqa: S310 - loopback
        assert response.read() == b"meow"
