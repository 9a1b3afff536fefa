"""The command line in-process: invoke, generate-event and the exit codes."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.cli import main
from tests.conftest import APPS

USER_APP = APPS / "user_app" / "template.yaml"


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """main() configures the root logger as the CLI process does; undo it after each test."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _json_out(capsys: pytest.CaptureFixture[str]) -> object:
    return json.loads(capsys.readouterr().out)


def test_invoke_prints_the_handler_result(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["invoke", "HelloWorldFunction", "--template", str(USER_APP)]) == 0
    result = _json_out(capsys)
    assert result == {"statusCode": 200, "body": json.dumps({"message": "hello world"})}


def test_invoke_reads_the_event_file_and_reports_function_errors_with_exit_1(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pathParameters": None}))
    code = main(["invoke", "GetTodoFunction", "--template", str(USER_APP), "--event", str(event)])
    assert code == 1
    error = _json_out(capsys)
    assert isinstance(error, dict)
    assert error["errorType"] == "TypeError", error
    assert "errorMessage" in error


def test_invoke_of_an_unknown_function_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["invoke", "Nope", "--template", str(USER_APP)]) == 2
    assert "Nope" in capsys.readouterr().err


@pytest.mark.parametrize(("source", "check"), [
    ("s3", lambda e: e["Records"][0]["eventSource"] == "aws:s3"),
    ("sqs", lambda e: e["Records"][0]["eventSource"] == "aws:sqs"),
    ("dynamodb-stream", lambda e: e["Records"][0]["eventName"] == "INSERT"),
    ("schedule", lambda e: e["detail-type"] == "Scheduled Event"),
    ("sns", lambda e: e["Records"][0]["Sns"]["Type"] == "Notification"),
    ("apigateway-rest", lambda e: e["requestContext"]["stage"] == "Prod"),
    ("apigateway-http", lambda e: e["version"] == "2.0"),
])
def test_generate_event_prints_a_realistic_event_for_each_source(
        source: str, check: object, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate-event", source]) == 0
    assert check(_json_out(capsys))  # type: ignore[operator]


def test_generate_event_fields_shape_the_api_event(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate-event", "apigateway-rest", "--set", "method=POST",
                 "--set", "resource=/users/{id}", "--set", "path=/users/7",
                 "--set", "body={\"a\": 1}", "--set", "header.X-Trace=abc"]) == 0
    event = _json_out(capsys)
    assert isinstance(event, dict)
    assert event["httpMethod"] == "POST"
    assert event["resource"] == "/users/{id}"
    assert event["pathParameters"] == {"id": "7"}
    assert event["body"] == "{\"a\": 1}"
    assert event["headers"]["X-Trace"] == "abc"


def test_generate_event_rejects_an_unknown_field(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate-event", "s3", "--set", "colour=blue"]) == 2
    assert "colour" in capsys.readouterr().err
