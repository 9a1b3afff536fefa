"""Integration tests as `sam init` writes them: they find the API through the stack outputs.

Run against AWS: `AWS_SAM_STACK_NAME=<stack> pytest tests/integration`.
"""
import os

import boto3
import pytest
import requests


def _outputs():
    stack_name = os.environ.get("AWS_SAM_STACK_NAME")
    if stack_name is None:
        raise ValueError("Please set the AWS_SAM_STACK_NAME environment variable to the name of your stack")
    client = boto3.client("cloudformation")
    stacks = client.describe_stacks(StackName=stack_name)["Stacks"]
    return {output["OutputKey"]: output["OutputValue"] for output in stacks[0]["Outputs"]}


@pytest.fixture(scope="module")
def outputs():
    return _outputs()


def test_hello_world(outputs):
    response = requests.get(outputs["HelloWorldApi"], timeout=10)
    assert response.status_code == 200
    assert response.json() == {"message": "hello world"}


def test_create_then_get_todo(outputs):
    created = requests.post(outputs["TodosApi"], json={"title": "write tests"}, timeout=10)
    assert created.status_code == 201
    todo = created.json()
    fetched = requests.get(f"{outputs['TodosApi']}/{todo['id']}", timeout=10)
    assert fetched.status_code == 200
    assert fetched.json() == todo


def test_created_todo_is_in_the_table(outputs):
    created = requests.post(outputs["TodosApi"], json={"title": "check the table"}, timeout=10)
    table = boto3.resource("dynamodb").Table(outputs["TodosTableName"])
    item = table.get_item(Key={"id": created.json()["id"]})["Item"]
    assert item["title"] == "check the table"


def test_missing_title_is_rejected(outputs):
    response = requests.post(outputs["TodosApi"], json={}, timeout=10)
    assert response.status_code == 400
    assert response.json() == {"message": "title is required"}


def test_unknown_todo_is_404(outputs):
    response = requests.get(f"{outputs['TodosApi']}/does-not-exist", timeout=10)
    assert response.status_code == 404
