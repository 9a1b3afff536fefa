"""Alerts: raised from the health table's stream, published to SNS, listed and handled by
their owner.

The stream function receives the ``latest`` health item's records
(``FilterCriteria`` in the template keeps the history items out; the code checks again,
as a filter is an optimisation) with old and new images
(https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html). The alert id is derived from
the stream record's ``eventID``, so a retried batch writes the same alert once
(conditional put) and publishes it once. Batches report failures per record
(``ReportBatchItemFailures``: the sequence number of the first failed record).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from boto3.dynamodb.conditions import Attr
from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import ClientError
from lambda_common.aws import client, condition_failure_as, env, is_conditional_failure, table
from lambda_common.claims import cognito_subject
from lambda_common.clock import iso
from lambda_common.http import (
    Event,
    NotFound,
    Response,
    api_handler,
    json_response,
    path_param,
    query_params,
)
from lambda_common.logs import get_logger
from lambda_common.validation import Fields
from strata import store
from strata.alerting import alert_kind
from strata.inputs import ID_RE

logger = get_logger(__name__)
_deserializer = TypeDeserializer()
STATUSES = ("open", "acknowledged")


def _image(record: dict[str, Any], name: str) -> dict[str, Any] | None:
    image = record.get("dynamodb", {}).get(name)
    if not image:
        return None
    return {key: _deserializer.deserialize(value) for key, value in image.items()}


def _raise_alert(record: dict[str, Any]) -> None:
    new = _image(record, "NewImage")
    if record.get("eventName") not in ("INSERT", "MODIFY") or not new or new.get("sk") != "latest":
        return
    old = _image(record, "OldImage")
    previous = int(old["score"]) if old and "score" in old else None
    current = int(new["score"])
    project = table("PROJECTS_TABLE").get_item(
        Key={"ownerId": new["ownerId"], "projectId": new["projectId"]}).get("Item")
    if project is None:
        return
    kind = alert_kind(previous, current, drop_points=int(project.get("alertDropPoints", 10)),
                      min_score=int(project.get("alertMinScore", 50)))
    if kind is None:
        return
    created = int(record["dynamodb"].get("ApproximateCreationDateTime", 0)) * 1000
    digest = hashlib.sha256(str(record["eventID"]).encode()).hexdigest()
    alert = {"ownerId": new["ownerId"], "alertId": f"{created:013d}{digest[:19]}",
             "projectId": new["projectId"], "projectName": project.get("name", ""),
             "kind": kind, "previousScore": previous, "score": current,
             "dropPoints": int(project.get("alertDropPoints", 10)),
             "minScore": int(project.get("alertMinScore", 50)), "status": "open",
             "measuredAt": new.get("measuredAt"), "createdAt": iso()}
    try:
        table("ALERTS_TABLE").put_item(Item=alert,
                                       ConditionExpression="attribute_not_exists(alertId)")
    except ClientError as exc:
        if is_conditional_failure(exc):
            return  # a redelivered record: already raised and published
        raise
    change = f"from {previous} to {current}" if previous is not None else f"at {current}"
    client("sns").publish(
        TopicArn=env("ALERTS_TOPIC_ARN"),
        Subject=f"Gambix Strata: {project.get('name', 'project')} health {change}"[:100],
        Message=json.dumps(store.public(alert), default=str),
        MessageAttributes={"kind": {"DataType": "String", "StringValue": kind},
                           "projectId": {"DataType": "String",
                                         "StringValue": str(new["projectId"])}})
    logger.info("alert raised", alertId=alert["alertId"], kind=kind, score=current)


def on_health_change(event: dict[str, Any], context: Any) -> dict[str, Any]:
    for record in event.get("Records", []):
        try:
            _raise_alert(record)
        except Exception as exc:  # noqa: BLE001 - the batch resumes from this record
            logger.error("alert failed", eventID=record.get("eventID"),
                         error=f"{type(exc).__name__}: {exc}")
            return {"batchItemFailures": [
                {"itemIdentifier": record.get("dynamodb", {}).get("SequenceNumber")}]}
    return {"batchItemFailures": []}


@api_handler
def list_alerts(event: Event, context: Any) -> Response:
    owner = cognito_subject(event)
    params = query_params(event)
    fields = Fields(params)
    fields.only("limit", "cursor", "status", "projectId")
    fields.string("status", required=False, choices=STATUSES, strip=False)
    fields.string("projectId", required=False, pattern=ID_RE, strip=False)
    wanted = {key: value for key, value in fields.check().items()
              if key in ("status", "projectId")}
    condition = None
    for name, value in wanted.items():
        clause = Attr(name).eq(value)
        condition = clause if condition is None else condition & clause
    items, cursor = store.query_page(table("ALERTS_TABLE"), partition=("ownerId", owner),
                                     params=params, key_names=("ownerId", "alertId"),
                                     newest_first=True, filter_expression=condition)
    return json_response(200, {"items": items, "nextCursor": cursor})


def _owned_alert(event: Event) -> tuple[str, str]:
    return cognito_subject(event), store.require_id(path_param(event, "id"), "Alert")


@api_handler
def get_alert(event: Event, context: Any) -> Response:
    owner, alert_id = _owned_alert(event)
    item = table("ALERTS_TABLE").get_item(Key={"ownerId": owner, "alertId": alert_id}
                                          ).get("Item")
    if item is None:
        raise NotFound("Alert not found")
    return json_response(200, store.public(item))


@api_handler
def acknowledge_alert(event: Event, context: Any) -> Response:
    owner, alert_id = _owned_alert(event)
    with condition_failure_as(NotFound("Alert not found")):
        updated = table("ALERTS_TABLE").update_item(
            Key={"ownerId": owner, "alertId": alert_id},
            UpdateExpression="SET #status = :ack, acknowledgedAt = :at",
            ConditionExpression="attribute_exists(alertId)",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":ack": "acknowledged", ":at": iso()},
            ReturnValues="ALL_NEW")
    return json_response(200, store.public(updated["Attributes"]))


@api_handler
def delete_alert(event: Event, context: Any) -> Response:
    owner, alert_id = _owned_alert(event)
    with condition_failure_as(NotFound("Alert not found")):
        table("ALERTS_TABLE").delete_item(Key={"ownerId": owner, "alertId": alert_id},
                                          ConditionExpression="attribute_exists(alertId)")
    return json_response(204, None)
