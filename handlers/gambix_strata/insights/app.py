"""A project's health score and history, its latest page analysis, and recommendations.

Reads what the scrape worker saved (strata.results). The score's weights are returned with
the breakdown so clients can show "7.5 of 10" without hard-coding them.
"""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.conditions import Attr, Key
from lambda_common.aws import condition_failure_as, table
from lambda_common.claims import cognito_subject
from lambda_common.clock import iso
from lambda_common.http import (
    Event,
    NotFound,
    Response,
    api_handler,
    json_body,
    json_response,
    path_param,
    query_params,
)
from lambda_common.validation import Fields
from strata import store
from strata.recommendations import CODES, PRIORITIES
from strata.scoring import WEIGHTS

STATUSES = ("open", "in_progress", "done", "dismissed")


def _params(event: Event, *allowed: str) -> dict[str, str]:
    params = query_params(event)
    fields = Fields(params)
    fields.only(*allowed)
    fields.check()
    return params


@api_handler
def get_health(event: Event, context: Any) -> Response:
    owner = cognito_subject(event)
    params = _params(event, "limit", "cursor")
    project = store.get_project(owner, path_param(event, "id"))
    latest = store.latest_health(project["projectId"])
    history, cursor = store.query_page(
        table("HEALTH_TABLE"), partition=("projectId", project["projectId"]), params=params,
        key_names=("projectId", "sk"), sort_condition=Key("sk").begins_with("history#"),
        newest_first=True)
    return json_response(200, {
        "projectId": project["projectId"],
        "score": latest["score"] if latest else None,
        "measuredAt": latest["measuredAt"] if latest else None,
        "breakdown": latest["breakdown"] if latest else None,
        "weights": dict(WEIGHTS),
        "history": [{"score": item["score"], "measuredAt": item["measuredAt"],
                     "jobId": item["jobId"], "pages": item["pages"],
                     "brokenLinks": item["brokenLinks"]} for item in history],
        "nextCursor": cursor})


@api_handler
def get_analysis(event: Event, context: Any) -> Response:
    owner = cognito_subject(event)
    _params(event)
    project = store.get_project(owner, path_param(event, "id"))
    job_id = project.get("lastJobId")
    pages = store.query_all(table("PAGES_TABLE"), Key("jobId").eq(job_id)) if job_id else []
    return json_response(200, {
        "projectId": project["projectId"], "jobId": job_id,
        "pages": [{key: value for key, value in page.items()
                   if key not in ("jobId", "projectId", "rawKey", "expiresAt")}
                  for page in pages]})


@api_handler
def list_recommendations(event: Event, context: Any) -> Response:
    owner = cognito_subject(event)
    params = _params(event, "status", "priority")
    fields = Fields(params)
    fields.string("status", required=False, choices=STATUSES, strip=False)
    fields.string("priority", required=False, choices=PRIORITIES, strip=False)
    wanted = fields.check()
    project = store.get_project(owner, path_param(event, "id"))
    condition = None
    for name, value in wanted.items():
        clause = Attr(name).eq(value)
        condition = clause if condition is None else condition & clause
    extra: dict[str, Any] = {"FilterExpression": condition} if condition is not None else {}
    items = store.query_all(table("RECOMMENDATIONS_TABLE"),
                            Key("projectId").eq(project["projectId"]), **extra)
    items.sort(key=lambda rec: (PRIORITIES.index(str(rec["priority"])),
                                str(rec["recommendationId"])))
    return json_response(200, {"projectId": project["projectId"],
                               "items": [store.public(item) for item in items]})


@api_handler
def update_recommendation(event: Event, context: Any) -> Response:
    owner = cognito_subject(event)
    project = store.get_project(owner, path_param(event, "id"))
    recommendation_id = path_param(event, "recommendationId")
    fields = Fields(json_body(event))
    fields.only("status")
    fields.no_nulls()
    fields.string("status", choices=STATUSES, strip=False)
    status = fields.check()["status"]
    if recommendation_id not in CODES:
        raise NotFound("Recommendation not found")
    with condition_failure_as(NotFound("Recommendation not found")):
        updated = table("RECOMMENDATIONS_TABLE").update_item(
            Key={"projectId": project["projectId"], "recommendationId": recommendation_id},
            UpdateExpression="SET #status = :status, updatedAt = :at",
            ConditionExpression="attribute_exists(recommendationId)",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":status": status, ":at": iso()},
            ReturnValues="ALL_NEW")
    return json_response(200, store.public(updated["Attributes"]))

