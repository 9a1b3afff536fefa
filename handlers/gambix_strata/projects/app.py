"""Projects: the websites a user watches (CRUD, a paginated list, per-project stats).

``PROJECTS_TABLE`` is keyed ``ownerId`` (the Cognito ``sub``) + ``projectId``, so a list is a
``Query`` of the caller's partition and a lookup with another owner's id finds nothing: 404.
Each project carries its alert thresholds (``alertDropPoints``: a drop of at least that many
points raises an alert; ``alertMinScore``: falling below it raises one). Deleting a project
deletes its health history, recommendations, reports and alerts too.
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
from strata.inputs import OPTIONAL_TRIMMED_RE, SITE_URL_RE, TRIMMED_RE
from strata.ssrf import UnsafeUrl, parse_http_url

DEFAULT_DROP_POINTS = 10
DEFAULT_MIN_SCORE = 50
EDITABLE = ("name", "url", "description", "alertDropPoints", "alertMinScore")


def _project_fields(event: Event, *, partial: bool) -> dict[str, Any]:
    data = json_body(event)
    fields = Fields(data)
    fields.only(*EDITABLE)
    fields.no_nulls()
    fields.string("name", required=not partial, max_length=100, pattern=TRIMMED_RE,
                  strip=False)
    url = fields.string("url", required=not partial, max_length=2048, pattern=SITE_URL_RE,
                        strip=False)
    fields.string("description", required=False, min_length=0, max_length=500,
                  pattern=OPTIONAL_TRIMMED_RE, strip=False)
    fields.integer("alertDropPoints", required=False, minimum=1, maximum=100)
    fields.integer("alertMinScore", required=False, minimum=0, maximum=100)
    if url is not None:
        try:
            parsed = parse_http_url(url)
        except UnsafeUrl as exc:
            fields.errors["url"] = exc.reason
        else:
            fields.values["url"] = parsed.parts.geturl()
    if partial and not data:
        fields.errors["body"] = "name at least one field"
    return fields.check()


@api_handler
def create_project(event: Event, context: Any) -> Response:
    owner = cognito_subject(event)
    values = _project_fields(event, partial=False)
    stamp = iso()
    item = {"ownerId": owner, "projectId": store.new_id(), "description": "",
            "alertDropPoints": DEFAULT_DROP_POINTS, "alertMinScore": DEFAULT_MIN_SCORE,
            **values, "lastScore": None, "lastScrapedAt": None, "createdAt": stamp,
            "updatedAt": stamp}
    table("PROJECTS_TABLE").put_item(
        Item=item, ConditionExpression="attribute_not_exists(projectId)")
    return json_response(201, store.public(item),
                         {"Location": f"/api/gambix/projects/{item['projectId']}"})


@api_handler
def list_projects(event: Event, context: Any) -> Response:
    owner = cognito_subject(event)
    params = query_params(event)
    fields = Fields(params)
    fields.only("limit", "cursor")
    fields.check()
    items, cursor = store.query_page(table("PROJECTS_TABLE"), partition=("ownerId", owner),
                                     params=params, key_names=("ownerId", "projectId"))
    return json_response(200, {"items": items, "nextCursor": cursor})


@api_handler
def get_project(event: Event, context: Any) -> Response:
    owner = cognito_subject(event)
    return json_response(200, store.public(store.get_project(owner, path_param(event, "id"))))


@api_handler
def update_project(event: Event, context: Any) -> Response:
    owner = cognito_subject(event)
    project_id = store.require_id(path_param(event, "id"), "Project")
    values = {**_project_fields(event, partial=True), "updatedAt": iso()}
    with condition_failure_as(NotFound("Project not found")):
        updated = table("PROJECTS_TABLE").update_item(
            Key={"ownerId": owner, "projectId": project_id},
            UpdateExpression="SET " + ", ".join(f"#{key} = :{key}" for key in values),
            ConditionExpression="attribute_exists(projectId)",
            ExpressionAttributeNames={f"#{key}": key for key in values},
            ExpressionAttributeValues={f":{key}": value for key, value in values.items()},
            ReturnValues="ALL_NEW")
    return json_response(200, store.public(updated["Attributes"]))


@api_handler
def delete_project(event: Event, context: Any) -> Response:
    owner = cognito_subject(event)
    project_id = store.require_id(path_param(event, "id"), "Project")
    with condition_failure_as(NotFound("Project not found")):
        table("PROJECTS_TABLE").delete_item(Key={"ownerId": owner, "projectId": project_id},
                                            ConditionExpression="attribute_exists(projectId)")
    _purge(owner, project_id)
    return json_response(204, None)


def _purge(owner: str, project_id: str) -> None:
    """Delete the project's records (the project itself is already gone, so nothing new
    can be written for it by the API; a scrape in flight finds no project and fails)."""
    for env_name, sort_key in (("HEALTH_TABLE", "sk"), ("RECOMMENDATIONS_TABLE",
                                                        "recommendationId"),
                               ("REPORTS_TABLE", "reportId")):
        tbl = table(env_name)
        keys = store.query_all(tbl, Key("projectId").eq(project_id),
                               ProjectionExpression="projectId, #sk",
                               ExpressionAttributeNames={"#sk": sort_key})
        with tbl.batch_writer() as batch:
            for key in keys:
                batch.delete_item(Key={"projectId": key["projectId"], sort_key: key[sort_key]})
    alerts = table("ALERTS_TABLE")
    owned = store.query_all(alerts, Key("ownerId").eq(owner),
                            FilterExpression=Attr("projectId").eq(project_id),
                            ProjectionExpression="ownerId, alertId")
    with alerts.batch_writer() as batch:
        for key in owned:
            batch.delete_item(Key={"ownerId": key["ownerId"], "alertId": key["alertId"]})


@api_handler
def project_stats(event: Event, context: Any) -> Response:
    owner = cognito_subject(event)
    project = store.get_project(owner, path_param(event, "id"))
    project_id = project["projectId"]
    history = store.query_all(table("HEALTH_TABLE"), Key("projectId").eq(project_id)
                              & Key("sk").begins_with("history#"),
                              ProjectionExpression="score, measuredAt")
    scores = [int(item["score"]) for item in history]
    recommendations = store.query_all(table("RECOMMENDATIONS_TABLE"),
                                      Key("projectId").eq(project_id),
                                      ProjectionExpression="#s, priority",
                                      ExpressionAttributeNames={"#s": "status"})
    open_by_priority = {"high": 0, "medium": 0, "low": 0}
    for rec in recommendations:
        if rec["status"] in ("open", "in_progress"):
            open_by_priority[str(rec["priority"])] += 1
    alerts = store.query_all(table("ALERTS_TABLE"), Key("ownerId").eq(owner),
                             FilterExpression=Attr("projectId").eq(project_id)
                             & Attr("status").eq("open"),
                             ProjectionExpression="alertId")
    return json_response(200, {
        "projectId": project_id,
        "measurements": len(scores),
        "latestScore": scores[-1] if scores else None,
        "previousScore": scores[-2] if len(scores) > 1 else None,
        "bestScore": max(scores) if scores else None,
        "worstScore": min(scores) if scores else None,
        "averageScore": round(sum(scores) / len(scores), 1) if scores else None,
        "lastScrapedAt": project.get("lastScrapedAt"),
        "openRecommendations": open_by_priority,
        "openAlerts": len(alerts),
    })
