"""Event sources written as plain CloudFormation resources, and options not emulated."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from emulator.testing import start_emulator
from tests.conftest import APPS
from tests.functional.sources_helpers import received

TEMPLATE = """
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  RecordsTable:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - {{AttributeName: fn, AttributeType: S}}
        - {{AttributeName: id, AttributeType: S}}
      KeySchema:
        - {{AttributeName: fn, KeyType: HASH}}
        - {{AttributeName: id, KeyType: RANGE}}
  Jobs:
    Type: AWS::SQS::Queue
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: {code}
      Handler: app.handler
      Runtime: python3.11
      Environment:
        Variables:
          RECORDS_TABLE: !Ref RecordsTable
  HandWrittenMapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      EventSourceArn: !GetAtt Jobs.Arn
      FunctionName: !GetAtt Worker.Arn
      BatchSize: 5
      TumblingWindowInSeconds: 60
      FilterCriteria:
        Filters:
          - Pattern: '{{"body": {{"kind": ["job"]}}}}'
  KinesisMapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      EventSourceArn: arn:aws:kinesis:us-east-1:123456789012:stream/clicks
      FunctionName: !Ref Worker
      StartingPosition: LATEST
  StateMachineRule:
    Type: AWS::Events::Rule
    Properties:
      EventPattern: {{source: [app]}}
      Targets:
        - Arn: arn:aws:states:us-east-1:123456789012:stateMachine:flow
          Id: flow
  BrokenSchedule:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: rate(1 minutes)
      Targets:
        - Arn: !GetAtt Worker.Arn
          Id: worker
"""


def test_plain_cloudformation_sources_run_and_unsupported_options_are_named(
        tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(TEMPLATE.format(code=APPS / "sources" / "recorder"))
    with start_emulator(template) as emulator:
        warnings = "\n".join(emulator.info()["warnings"])
        assert "HandWrittenMapping (AWS::Lambda::EventSourceMapping): options not emulated: " \
               "TumblingWindowInSeconds" in warnings
        assert "KinesisMapping" in warnings and "kinesis" in warnings
        assert "StateMachineRule" in warnings and "stateMachine:flow" in warnings
        assert "BrokenSchedule" in warnings and "rate(1 minutes)" in warnings
        sqs = emulator.aws.client("sqs")
        url = emulator.stack.resources["Jobs"].physical_id
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"kind": "job", "n": 1}))
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"kind": "noise", "n": 2}))
        assert emulator.sources.wait_idle(10)
        bodies = [json.loads(record["body"]) for event in received(emulator, "Worker")
                  for record in event["Records"]]
        assert bodies == [{"kind": "job", "n": 1}]
        # Filtered-out messages are deleted, as Lambda does.
        assert sqs.receive_message(QueueUrl=url).get("Messages", []) == []
        (mapping,) = [s for s in emulator.info()["event_sources"]
                      if s["name"] == "HandWrittenMapping"]
        assert mapping["filtered_out"] == 1 and mapping["settings"]["BatchSize"] == 5
        assert any(thread.name.startswith("poller-") for thread in threading.enumerate())
    # close() stops every poller and worker: nothing of the sources outlives the emulator.
    assert not [thread.name for thread in threading.enumerate()
                if thread.name.startswith(("poller-", "sources-"))]
