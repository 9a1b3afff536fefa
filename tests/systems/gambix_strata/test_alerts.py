"""Alerts: raised by the health stream, published to SNS once, listed and handled."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from emulator.events.records import dynamodb_stream_record, records

from .conftest import LEGACY_SCORE, SITE_SCORE, Strata


def _subscribe_queue(strata: Strata) -> str:
    """An SQS queue subscribed to the alerts topic, to see what SNS delivered."""
    sqs = strata.emulator.aws.client("sqs")
    url = sqs.create_queue(QueueName=f"alerts-{datetime.now(UTC).timestamp():.0f}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"]
                                   )["Attributes"]["QueueArn"]
    strata.emulator.aws.client("sns").subscribe(
        TopicArn=strata.physical("AlertsTopic"), Protocol="sqs", Endpoint=arn,
        Attributes={"RawMessageDelivery": "true"})
    return str(url)


def _published(strata: Strata, queue_url: str) -> list[dict[str, Any]]:
    sqs = strata.emulator.aws.client("sqs")
    messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10,
                                   WaitTimeSeconds=0).get("Messages", [])
    return [json.loads(m["Body"]) for m in messages]


def test_a_score_drop_raises_one_alert_published_to_sns(strata: Strata) -> None:
    queue = _subscribe_queue(strata)
    user = strata.new_user()
    project_id = strata.project(user, name="Drop Site")["projectId"]
    strata.scrape(user, project_id)
    assert strata.api.get("/api/gambix/alerts", headers=user).get_json()["items"] == []
    strata.scrape(user, project_id, url=f"{strata.site.url}/legacy.html", maxPages=1)
    alerts = strata.api.get("/api/gambix/alerts", headers=user).get_json()["items"]
    assert len(alerts) == 1
    alert = alerts[0]
    assert (alert["kind"], alert["previousScore"], alert["score"], alert["status"],
            alert["projectName"]) == ("score_drop", SITE_SCORE, LEGACY_SCORE, "open", "Drop Site")
    published = [m for m in _published(strata, queue) if m["projectId"] == project_id]
    assert [m["alertId"] for m in published] == [alert["alertId"]]
    stats = strata.api.get(f"/api/gambix/projects/{project_id}/stats", headers=user).get_json()
    assert stats["openAlerts"] == 1


def test_thresholds_are_per_project(strata: Strata) -> None:
    user = strata.new_user()
    lenient = strata.project(user, alertDropPoints=80, alertMinScore=10)["projectId"]
    strata.scrape(user, lenient)
    strata.scrape(user, lenient, url=f"{strata.site.url}/legacy.html", maxPages=1)
    assert strata.api.get("/api/gambix/alerts", headers=user).get_json()["items"] == []
    strict = strata.project(user, alertMinScore=90)["projectId"]
    strata.scrape(user, strict)
    alerts = strata.api.get("/api/gambix/alerts", headers=user).get_json()["items"]
    assert [(a["projectId"], a["kind"], a["previousScore"]) for a in alerts] == [
        (strict, "below_threshold", None)]


def test_alerts_are_acknowledged_filtered_and_deleted_by_their_owner_only(
        strata: Strata) -> None:
    user, intruder = strata.new_user(), strata.new_user()
    project_id = strata.project(user, alertMinScore=100)["projectId"]
    strata.scrape(user, project_id, maxPages=1)
    alert_id = strata.api.get("/api/gambix/alerts", headers=user).get_json()["items"][0]["alertId"]
    path = f"/api/gambix/alerts/{alert_id}"
    for response in (strata.api.get(path, headers=intruder),
                     strata.api.post(f"{path}/acknowledge", headers=intruder),
                     strata.api.delete(path, headers=intruder)):
        assert response.status_code == 404
    acknowledged = strata.api.post(f"{path}/acknowledge", headers=user)
    assert acknowledged.status_code == 200
    assert acknowledged.get_json()["status"] == "acknowledged"
    listed = strata.api.get("/api/gambix/alerts", headers=user,
                            query={"status": "open"}).get_json()["items"]
    assert listed == []
    by_project = strata.api.get("/api/gambix/alerts", headers=user,
                                query={"projectId": project_id}).get_json()["items"]
    assert [a["alertId"] for a in by_project] == [alert_id]
    assert strata.api.get("/api/gambix/alerts", headers=user,
                          query={"status": "new"}).status_code == 400
    assert strata.api.delete(path, headers=user).status_code == 204
    assert strata.api.get(path, headers=user).status_code == 404


def test_a_redelivered_stream_record_raises_the_alert_once(strata: Strata) -> None:
    user = strata.new_user()
    project_id = strata.project(user)["projectId"]
    strata.scrape(user, project_id, maxPages=1)
    owner = strata.table("ProjectsTable").scan()["Items"]
    owner_id = next(p["ownerId"] for p in owner if p["projectId"] == project_id)

    def image(score: int) -> dict[str, Any]:
        return {"projectId": {"S": project_id}, "sk": {"S": "latest"},
                "ownerId": {"S": owner_id}, "score": {"N": str(score)},
                "measuredAt": {"S": "2026-03-02T07:00:00.000Z"}}

    record = dynamodb_stream_record(
        event_name="MODIFY", keys={"projectId": {"S": project_id}, "sk": {"S": "latest"}},
        stream_arn="arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x",
        region="us-east-1", time=datetime.now(UTC), sequence_number=42,
        new_image=image(20), old_image=image(90))
    history = {"eventName": "INSERT", "eventID": "h", "dynamodb": {
        "NewImage": {**image(5), "sk": {"S": "history#2026"}}, "SequenceNumber": "1"}}
    for _ in range(2):
        result = strata.emulator.runtime.invoke("HealthAlertFunction", records([history, record]))
        assert result.payload == {"batchItemFailures": []}
    alerts = strata.api.get("/api/gambix/alerts", headers=user,
                            query={"projectId": project_id}).get_json()["items"]
    assert [(a["previousScore"], a["score"]) for a in alerts] == [(90, 20)]
