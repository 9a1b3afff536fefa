"""Weekly reports: an HTML page per project in S3, handed out as a presigned GET URL.

``POST /api/gambix/projects/{id}/reports`` makes one now; the ``WeeklyReports`` schedule
makes one for every project each Monday. The object is private; clients get a presigned URL
valid for ``REPORT_URL_TTL_S`` (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ShareObjectPreSignedURL.html),
a fresh one each time reports are listed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from boto3.dynamodb.conditions import Attr, Key
from lambda_common.aws import client, env, scan_all, table
from lambda_common.claims import cognito_subject
from lambda_common.clock import iso, now
from lambda_common.http import (
    Event,
    Response,
    api_handler,
    json_response,
    path_param,
    query_params,
)
from lambda_common.logs import get_logger
from lambda_common.validation import Fields
from strata import store
from strata.report import render_report

logger = get_logger(__name__)
REPORT_URL_TTL_S = 24 * 3600
REPORT_DAYS = 180
WEEK_S = 7 * 24 * 3600


def _presigned(key: str) -> dict[str, Any]:
    url = client("s3").generate_presigned_url(
        "get_object", Params={"Bucket": env("ARTIFACTS_BUCKET"), "Key": key},
        ExpiresIn=REPORT_URL_TTL_S)
    return {"url": url, "urlExpiresAt": iso(now() + REPORT_URL_TTL_S)}


def generate_report(project: dict[str, Any]) -> dict[str, Any]:
    """Render, store and record one report for ``project`` covering the last seven days."""
    end = now()
    since = iso(end - WEEK_S)
    project_id = project["projectId"]
    history = store.query_all(table("HEALTH_TABLE"), Key("projectId").eq(project_id)
                              & Key("sk").between(f"history#{since}", "history#~"))
    recommendations = store.query_all(
        table("RECOMMENDATIONS_TABLE"), Key("projectId").eq(project_id),
        FilterExpression=Attr("status").is_in(["open", "in_progress"]))
    alerts = store.query_all(table("ALERTS_TABLE"), Key("ownerId").eq(project["ownerId"]),
                             FilterExpression=Attr("projectId").eq(project_id)
                             & Attr("createdAt").gte(since))
    latest = store.latest_health(project_id)
    html = render_report(project, latest, history, recommendations, alerts,
                         period=(since, iso(end)))
    report_id = store.sortable_id(end)
    key = f"reports/{project_id}/{report_id}.html"
    client("s3").put_object(Bucket=env("ARTIFACTS_BUCKET"), Key=key, Body=html.encode(),
                            ContentType="text/html; charset=utf-8")
    item = {"projectId": project_id, "reportId": report_id, "s3Key": key,
            "periodStart": since, "periodEnd": iso(end),
            "score": latest["score"] if latest else None, "createdAt": iso(end),
            "expiresAt": store.expires_in(REPORT_DAYS)}
    table("REPORTS_TABLE").put_item(Item=item)
    return item


def _public(item: dict[str, Any]) -> dict[str, Any]:
    return {**{k: v for k, v in store.public(item).items() if k != "s3Key"},
            **_presigned(str(item["s3Key"]))}


@api_handler
def create_report(event: Event, context: Any) -> Response:
    owner = cognito_subject(event)
    project = store.get_project(owner, path_param(event, "id"))
    return json_response(201, _public(generate_report(project)))


@api_handler
def list_reports(event: Event, context: Any) -> Response:
    owner = cognito_subject(event)
    params = query_params(event)
    fields = Fields(params)
    fields.only("limit", "cursor")
    fields.check()
    project = store.get_project(owner, path_param(event, "id"))
    items, cursor = store.query_page(table("REPORTS_TABLE"),
                                     partition=("projectId", project["projectId"]),
                                     params=params, key_names=("projectId", "reportId"),
                                     newest_first=True)
    return json_response(200, {"items": [_public(item) for item in items],
                               "nextCursor": cursor})


def weekly_reports(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Scheduled (EventBridge): one report per project; a failing project does not stop
    the others, and the run fails (so it is retried and alarmed on) if any failed."""
    made, failed = 0, []
    for project in scan_all(table("PROJECTS_TABLE")):
        try:
            generate_report(dict(project))
            made += 1
        except Exception as exc:  # noqa: BLE001 - collected, re-raised below
            logger.error("report failed", projectId=project.get("projectId"),
                         error=f"{type(exc).__name__}: {exc}")
            failed.append(str(project.get("projectId")))
    logger.info("weekly reports", made=made, failed=len(failed),
                day=dt.datetime.now(dt.UTC).date().isoformat())
    if failed:
        raise RuntimeError(f"reports failed for {len(failed)} projects: {', '.join(failed)}")
    return {"reports": made}
