"""Nested applications from the outside: ``invoke Child/Function`` and one port per nested
API, with the stack outputs on the AWS endpoint naming those ports."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
import requests

from emulator.app import Emulator
from emulator.cli import main
from emulator.config import Settings
from emulator.server import ServerGroup
from tests.conftest import APPS

NESTED = APPS / "nested" / "template.yaml"


@pytest.fixture
def _restore_logging() -> Iterator[None]:
    """main() configures the root logger as the CLI process does; undo it after each test."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.usefixtures("_restore_logging")
def test_invoke_takes_the_stack_path_of_a_nested_function(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["invoke", "ChildB/HelloFunction", "--template", str(NESTED)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert json.loads(result["body"])["who"] == "child-b"


@pytest.mark.usefixtures("_restore_logging")
def test_invoke_reaches_a_grandchild_function_two_levels_down(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"rawPath": "/from-cli"}), encoding="utf-8")
    assert main(["invoke", "ChildB/Grandchild/EchoFunction", "--template", str(NESTED),
                 "--event", str(event)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["path"] == "/from-cli"
    assert result["prefix"].startswith("nested-ChildB-")


@pytest.mark.usefixtures("_restore_logging")
def test_invoke_of_a_logical_id_two_children_share_runs_the_first_and_warns(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["invoke", "HelloFunction", "--template", str(NESTED)]) == 0
    captured = capsys.readouterr()
    assert json.loads(json.loads(captured.out)["body"])["who"] == "child-a"
    assert "Multiple functions found with keyword HelloFunction" in captured.err
    assert "ChildA/HelloFunction, ChildB/HelloFunction" in captured.err


@pytest.mark.usefixtures("_restore_logging")
def test_invoke_of_an_unknown_nested_path_exits_2_listing_the_stack_paths(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["invoke", "ChildC/HelloFunction", "--template", str(NESTED)]) == 2
    assert "ChildA/HelloFunction, ChildB/Grandchild/EchoFunction" in capsys.readouterr().err


def test_serve_gives_every_nested_api_its_own_port_and_publishes_them() -> None:
    settings = Settings(aws_port=0)
    with Emulator(NESTED, settings, serve_aws_endpoint=True) as emulator:
        servers = ServerGroup(emulator, "127.0.0.1", 0)
        servers.start()
        try:
            urls = {api["logical_id"]: api["base_url"] for api in emulator.info()["apis"]}
            assert len(set(servers.ports)) == 3
            assert len({url.rsplit("/", 1)[0] for url in urls.values()}) == 3
            a = requests.get(f"{urls['ChildA/ServerlessRestApi']}/hello", timeout=5).json()
            b = requests.get(f"{urls['ChildB/ServerlessRestApi']}/hello", timeout=5).json()
            echo = requests.get(f"{urls['ChildB/Grandchild/ServerlessHttpApi']}/echo",
                                timeout=5).json()
            assert (a["who"], b["who"], echo["path"]) == ("child-a", "child-b", "/echo")
            # As an external suite would: the stack outputs, over the AWS endpoint.
            cloudformation = boto3.client(
                "cloudformation", region_name="us-east-1", endpoint_url=emulator.aws.endpoint_url,
                aws_access_key_id="suite", aws_secret_access_key="suite")
            child = cloudformation.describe_stacks(
                StackName=emulator.stack.children["ChildA"].name)["Stacks"][0]
            hello_url = {o["OutputKey"]: o["OutputValue"] for o in child["Outputs"]}["HelloUrl"]
            assert hello_url == f"{urls['ChildA/ServerlessRestApi']}/hello"
            assert requests.get(hello_url, timeout=5).json()["who"] == "child-a"
        finally:
            servers.close()
