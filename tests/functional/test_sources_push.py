"""S3 notifications, SNS subscriptions and EventBridge rules: pushed, filtered, async."""

from __future__ import annotations

import json

from emulator.testing import TestEmulator
from tests.functional.sources_helpers import (
    clear,
    clock,
    drain_queue,
    emulator,
    received,
    source_info,
)

__all__ = ["clock", "emulator"]


def _bucket(emulator: TestEmulator) -> str:
    return emulator.stack.resources["UploadsBucket"].physical_id


def test_s3_put_matching_prefix_and_suffix_invokes_with_a_real_s3_record(
        emulator: TestEmulator) -> None:
    clear(emulator)
    s3 = emulator.aws.client("s3")
    s3.put_object(Bucket=_bucket(emulator), Key="incoming/a b.csv", Body=b"x,y\n")
    assert emulator.sources.wait_idle(10)
    (event,) = received(emulator, "UploadFunction")
    (record,) = event["Records"]
    assert record["eventSource"] == "aws:s3"
    assert record["eventName"] == "ObjectCreated:Put"
    assert record["s3"]["bucket"]["name"] == _bucket(emulator)
    assert record["s3"]["object"]["key"] == "incoming/a+b.csv"  # URL-encoded, as S3 sends it
    assert record["s3"]["object"]["size"] == 4


def test_s3_suffix_filter_keeps_non_matching_keys_from_invoking(
        emulator: TestEmulator) -> None:
    clear(emulator)
    s3 = emulator.aws.client("s3")
    s3.put_object(Bucket=_bucket(emulator), Key="incoming/a.txt", Body=b"no")
    s3.put_object(Bucket=_bucket(emulator), Key="elsewhere/a.csv", Body=b"no")
    assert emulator.sources.wait_idle(10)
    assert received(emulator, "UploadFunction") == []


def test_s3_copy_and_delete_send_their_own_event_names(emulator: TestEmulator) -> None:
    s3 = emulator.aws.client("s3")
    bucket = _bucket(emulator)
    s3.put_object(Bucket=bucket, Key="incoming/source.csv", Body=b"1")
    assert emulator.sources.wait_idle(10)
    clear(emulator)
    s3.copy_object(Bucket=bucket, Key="incoming/copy.csv",
                   CopySource={"Bucket": bucket, "Key": "incoming/source.csv"})
    s3.delete_object(Bucket=bucket, Key="incoming/copy.csv")
    assert emulator.sources.wait_idle(10)
    names = sorted(event["Records"][0]["eventName"]
                   for event in received(emulator, "UploadFunction"))
    assert names == ["ObjectCreated:Copy", "ObjectRemoved:Delete"]


def test_sns_filter_policy_decides_which_messages_reach_the_function(
        emulator: TestEmulator) -> None:
    clear(emulator)
    sns = emulator.aws.client("sns")
    topic = emulator.stack.resources["AlertsTopic"].physical_id
    for severity in ("low", "critical"):
        sns.publish(TopicArn=topic, Message=f"disk {severity}", Subject="disk",
                    MessageAttributes={"severity": {"DataType": "String",
                                                    "StringValue": severity}})
    assert emulator.sources.wait_idle(10)
    (event,) = received(emulator, "TopicFunction")
    record = event["Records"][0]
    assert record["EventSource"] == "aws:sns"
    assert record["Sns"]["Message"] == "disk critical"
    assert record["Sns"]["Subject"] == "disk"
    assert record["Sns"]["TopicArn"] == topic
    assert record["Sns"]["MessageAttributes"] == {
        "severity": {"Type": "String", "Value": "critical"}}
    assert source_info(emulator, "TopicFunctionAlerts")["filtered_out"] == 1
    # The SQS subscription (raw delivery) is moto's and got both messages.
    bodies = sorted(m["Body"] for m in drain_queue(emulator, "AlertsCopyQueue"))
    assert bodies == ["disk critical", "disk low"]


def test_eventbridge_pattern_routes_matching_events_to_the_rule_target(
        emulator: TestEmulator) -> None:
    clear(emulator)
    events = emulator.aws.client("events")
    entries = [{"Source": "shop.orders", "DetailType": "OrderPlaced",
                "Detail": json.dumps({"id": n, "total": total})}
               for n, total in ((1, 250), (2, 20))]
    entries.append({"Source": "shop.other", "DetailType": "OrderPlaced",
                    "Detail": json.dumps({"id": 3, "total": 500})})
    events.put_events(Entries=entries)
    assert emulator.sources.wait_idle(10)
    (event,) = received(emulator, "RuleFunction")
    assert event["detail"] == {"id": 1, "total": 250}
    assert event["source"] == "shop.orders" and event["detail-type"] == "OrderPlaced"
    assert set(event) >= {"version", "id", "account", "time", "region", "resources"}
    # Stamped with the emulator's (manual) clock, which starts in 2026.
    assert event["time"].startswith("2026-01-")
    # A queue target of another rule (delivered by moto) got both shop.orders events.
    audited = [json.loads(m["Body"])["detail"]["id"]
               for m in drain_queue(emulator, "OrdersAuditQueue")]
    assert sorted(audited) == [1, 2]


def test_s3_notification_to_a_queue_sends_the_s3_event_as_the_message(
        emulator: TestEmulator) -> None:
    s3 = emulator.aws.client("s3")
    bucket = emulator.stack.resources["ReportsBucket"].physical_id
    s3.put_object(Bucket=bucket, Key="weekly/report.json", Body=b"{}")
    s3.put_object(Bucket=bucket, Key="weekly/report.html", Body=b"<p>")
    assert emulator.sources.wait_idle(10)
    (message,) = drain_queue(emulator, "S3EventsQueue")
    record = json.loads(message["Body"])["Records"][0]
    assert record["eventName"] == "ObjectCreated:Put"
    assert record["s3"]["object"]["key"] == "weekly/report.json"


def test_sns_message_body_filter_policy_reads_the_json_message(
        emulator: TestEmulator) -> None:
    clear(emulator)
    sns = emulator.aws.client("sns")
    topic = emulator.stack.resources["OrdersTopic"].physical_id
    for total in (50, 500):
        sns.publish(TopicArn=topic, Message=json.dumps({"order": {"total": total}}))
    sns.publish(TopicArn=topic, Message="not json")
    assert emulator.sources.wait_idle(10)
    messages = [json.loads(event["Records"][0]["Sns"]["Message"])
                for event in received(emulator, "TopicFunction")]
    assert messages == [{"order": {"total": 500}}]


def test_s3_multipart_upload_sends_complete_multipart_upload(emulator: TestEmulator) -> None:
    clear(emulator)
    s3 = emulator.aws.client("s3")
    bucket = _bucket(emulator)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="incoming/big.csv")
    part = s3.upload_part(Bucket=bucket, Key="incoming/big.csv", PartNumber=1,
                          UploadId=upload["UploadId"], Body=b"a,b\n")
    s3.complete_multipart_upload(
        Bucket=bucket, Key="incoming/big.csv", UploadId=upload["UploadId"],
        MultipartUpload={"Parts": [{"ETag": part["ETag"], "PartNumber": 1}]})
    assert emulator.sources.wait_idle(10)
    names = [event["Records"][0]["eventName"] for event in received(emulator, "UploadFunction")]
    assert names == ["ObjectCreated:CompleteMultipartUpload"]
