"""Saving one crawl: raw HTML to S3, page data, the health score and recommendations.

The health table holds ``history#<measuredAt>`` items (the history) and one ``latest`` item
per project that each measurement overwrites: its stream record (``MODIFY`` with old and
new images, https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html)
carries the previous and the new score, which is all the alert function needs.

Recommendations are keyed by their check ``code``: a re-scrape updates the same item. A
recommendation the user dismissed stays dismissed; one in ``done`` that fails again is
reopened; an open or in-progress one whose check now passes becomes ``done``.
"""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.conditions import Key
from lambda_common.aws import client, env, table, to_decimal
from lambda_common.clock import iso

from . import store
from .crawl import Crawl
from .recommendations import recommend
from .scoring import Score, compute_score

RAW_HTML_DAYS = 30
HISTORY_DAYS = 365


def _decimals(value: Any) -> Any:
    """DynamoDB numbers are Decimals: floats inside nested values are converted."""
    if isinstance(value, float):
        return to_decimal(value)
    if isinstance(value, dict):
        return {key: _decimals(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_decimals(item) for item in value]
    return value


def save_pages(job: dict[str, Any], crawl: Crawl) -> None:
    bucket = env("ARTIFACTS_BUCKET")
    pages = table("PAGES_TABLE")
    with pages.batch_writer() as batch:
        for number, page in enumerate(crawl.pages):
            key = f"raw/{job['projectId']}/{job['jobId']}/{number:03d}.html"
            client("s3").put_object(Bucket=bucket, Key=key, Body=page.html,
                                    ContentType="text/html; charset=utf-8",
                                    Metadata={"source-url": page.analysis.url[:1024]})
            batch.put_item(Item=_decimals({
                "jobId": job["jobId"], "url": page.analysis.url,
                "projectId": job["projectId"], **page.analysis.as_dict(), "rawKey": key,
                "expiresAt": store.expires_in(RAW_HTML_DAYS)}))


def save_health(job: dict[str, Any], crawl: Crawl) -> tuple[Score, str]:
    score = compute_score(crawl.site)
    measured_at = iso()
    record = _decimals({
        "projectId": job["projectId"], "ownerId": job["ownerId"], "score": score.total,
        "breakdown": dict(score.breakdown), "jobId": job["jobId"],
        "pages": len(crawl.site.pages), "brokenLinks": len(crawl.site.broken_links),
        "measuredAt": measured_at})
    health = table("HEALTH_TABLE")
    health.put_item(Item={**record, "sk": f"history#{measured_at}"})
    health.put_item(Item={**record, "sk": "latest"})
    return score, measured_at


def save_recommendations(job: dict[str, Any], crawl: Crawl) -> int:
    """Upsert the crawl's recommendations; returns how many are open after it."""
    recs = table("RECOMMENDATIONS_TABLE")
    existing = {item["recommendationId"]: item
                for item in store.query_all(recs, Key("projectId").eq(job["projectId"]))}
    stamp = iso()
    found = {rec.code: rec for rec in recommend(crawl.site)}
    open_count = 0
    with recs.batch_writer() as batch:
        for code, rec in found.items():
            previous = existing.get(code) or {}
            status = str(previous.get("status", "open"))
            if status == "done":
                status = "open"
            open_count += status in ("open", "in_progress")
            batch.put_item(Item={
                "projectId": job["projectId"], "recommendationId": code,
                "priority": rec.priority, "title": rec.title, "detail": rec.detail,
                "pages": list(rec.pages), "status": status, "jobId": job["jobId"],
                "createdAt": previous.get("createdAt", stamp), "updatedAt": stamp})
        for code, item in existing.items():
            if code not in found and item.get("status") in ("open", "in_progress"):
                batch.put_item(Item={**item, "status": "done", "updatedAt": stamp,
                                     "jobId": job["jobId"]})
    return open_count
