"""AwsEnvironment's lifecycle: start, stop, ports, and the process environment it touches.

Each test starts its own environment, so none may run while another module's is active.
"""

from __future__ import annotations

import os
import socket

import pytest

from emulator.aws import AwsEndpointError, AwsEnvironment
from emulator.config import Settings


def test_without_the_endpoint_functions_get_no_endpoint_variables() -> None:
    with AwsEnvironment(Settings(), serve_endpoint=False) as environment:
        assert environment.endpoint_url is None
        assert "AWS_ENDPOINT_URL_S3" not in environment.function_environment()
        assert environment.client("sqs").list_queues().get("QueueUrls", []) == []


def test_stop_frees_the_port_so_a_restart_can_bind_it_again() -> None:
    first = AwsEnvironment(Settings(aws_port=0), serve_endpoint=True).start()
    assert first.endpoint_url is not None
    port = int(first.endpoint_url.rsplit(":", 1)[1])
    first.stop()
    with socket.socket() as probe, pytest.raises(OSError):
        probe.settimeout(1)
        probe.connect(("127.0.0.1", port))
    with AwsEnvironment(Settings(aws_port=port), serve_endpoint=True) as second:
        assert second.endpoint_url == f"http://127.0.0.1:{port}"


def test_a_port_in_use_fails_fast_with_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        environment = AwsEnvironment(Settings(aws_port=port), serve_endpoint=True)
        with pytest.raises(AwsEndpointError, match=str(port)):
            environment.start()
    assert not environment.started


def test_fake_credentials_are_set_only_when_none_exist(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    with AwsEnvironment(Settings()) as environment:
        assert os.environ.get("AWS_ACCESS_KEY_ID") == "testing"
        environment.client("sqs").list_queues()
    assert "AWS_ACCESS_KEY_ID" not in os.environ

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "mine")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "mine-too")
    with AwsEnvironment(Settings()):
        assert os.environ["AWS_ACCESS_KEY_ID"] == "mine"
    assert os.environ["AWS_ACCESS_KEY_ID"] == "mine"


def test_stop_restores_moto_s3_custom_endpoints() -> None:
    before = os.environ.get("MOTO_S3_CUSTOM_ENDPOINTS")
    with AwsEnvironment(Settings(aws_port=0), serve_endpoint=True) as environment:
        assert environment.s3_endpoint_url is not None
        assert environment.s3_endpoint_url in os.environ["MOTO_S3_CUSTOM_ENDPOINTS"]
    assert os.environ.get("MOTO_S3_CUSTOM_ENDPOINTS") == before


def test_a_non_default_account_id_is_the_account_moto_answers_for() -> None:
    with AwsEnvironment(Settings(account_id="111122223333")) as environment:
        url = environment.client("sqs").create_queue(QueueName="acct")["QueueUrl"]
        arn = environment.client("sqs").get_queue_attributes(
            QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    assert arn == "arn:aws:sqs:us-east-1:111122223333:acct"
