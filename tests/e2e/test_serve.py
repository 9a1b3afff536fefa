"""``serve`` over real sockets: a user's SAM app and its own integration tests, unchanged."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import boto3
import requests

from tests.conftest import APPS, REPO_ROOT
from tests.e2e.conftest import ServedEmulator, start_serve, stop_serve


def test_users_own_integration_tests_pass_against_serve_unchanged(
        served_user_app: ServedEmulator, tmp_path: Path) -> None:
    # A copy, so the app's own `tests` package is not shadowed by this repository's.
    app = shutil.copytree(APPS / "user_app", tmp_path / "user_app")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/integration"],
        cwd=app, env=served_user_app.aws_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 passed" in result.stdout


def test_keep_alive_session_serves_many_requests_on_one_connection(
        served_user_app: ServedEmulator) -> None:
    url = served_user_app.api("ServerlessRestApi") + "/hello"
    with requests.Session() as session:
        for _ in range(20):
            response = session.get(url, timeout=5)
            assert response.status_code == 200
            assert response.json() == {"message": "hello world"}
            assert response.headers.get("Connection", "").lower() != "close"


def test_aws_endpoint_shares_state_with_the_handlers(served_user_app: ServedEmulator) -> None:
    url = served_user_app.api("ServerlessRestApi") + "/todos"
    created = requests.post(url, json={"title": "via endpoint"}, timeout=5).json()
    env = served_user_app.aws_env()
    table_name = served_user_app.info["resources"]["TodosTable"]["physical_id"]
    dynamodb = boto3.resource("dynamodb", endpoint_url=env["AWS_ENDPOINT_URL"],
                              region_name="us-east-1", aws_access_key_id="testing",
                              aws_secret_access_key="testing")
    item = dynamodb.Table(table_name).get_item(Key={"id": created["id"]})["Item"]
    assert item["title"] == "via endpoint"


def test_presigned_url_made_by_a_handler_works_from_outside_the_process() -> None:
    served = start_serve(APPS / "sample" / "template.yaml")
    try:
        upload = requests.post(served.api("ServerlessRestApi") + "/uploads", timeout=10)
        assert upload.status_code == 200, upload.text
        url = upload.json()["url"]
        assert url.startswith(served.info["s3_endpoint"] + "/")
        put = requests.put(url, data=b"hello from outside", timeout=10)
        assert put.status_code == 200, put.text
        s3 = boto3.client("s3", endpoint_url=served.aws_endpoint, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
        bucket = served.info["resources"]["UploadsBucket"]["physical_id"]
        body = s3.get_object(Bucket=bucket, Key="upload.txt")["Body"].read()
        assert body == b"hello from outside"
    finally:
        assert stop_serve(served.process) == 0


def test_serve_with_a_broken_template_exits_2_with_one_line(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text("Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n"
                        "    Type: AWS::Serverless::Function\n"
                        "    Properties:\n      Handler: app.handler\n      Runtime: python3.11\n"
                        "      Environment:\n        Variables:\n          T: !Ref Nope\n")
    result = subprocess.run([sys.executable, "-m", "emulator", "serve", "--template",
                             str(template), "--port", "0", "--aws-port", "0"],
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(error_lines) == 1
    assert str(template) in error_lines[0] and "Nope" in error_lines[0]
