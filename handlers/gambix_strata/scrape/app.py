"""Scrape jobs: ``POST /api/scrape`` queues one, ``GET /api/scrape/{id}`` reports it, and the
SQS worker runs it (crawl -> S3 + pages + health score + recommendations).

The API checks the URL with the SSRF guard before queueing (a refused URL is a 422 with the
reason), and the worker checks every URL again while fetching (see strata.ssrf): the
allow-list (``SCRAPE_ALLOWED_HOSTS``) and DNS may change between the two. The worker takes
SQS batches with ``ReportBatchItemFailures``
(https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html): a message
whose processing raised goes back to the queue alone, and after ``maxReceiveCount`` to the
DLQ; a site that cannot be scraped is not an error of the worker - its job ends ``failed``
with the reason. Deliveries are at least once, so a job already finished is skipped.
"""

from __future__ import annotations

import json
import os
from typing import Any

from botocore.exceptions import ClientError
from lambda_common.aws import is_conditional_failure, table
from lambda_common.claims import cognito_subject
from lambda_common.clock import iso
from lambda_common.http import (
    ApiError,
    Event,
    NotFound,
    Response,
    api_handler,
    json_body,
    json_response,
    path_param,
)
from lambda_common.logs import get_logger
from lambda_common.validation import Fields
from strata import store
from strata.crawl import crawl
from strata.fetch import Fetcher, FetchError
from strata.inputs import ID_RE, SITE_URL_RE
from strata.jobs import DEFAULT_MAX_PAGES, queue_job
from strata.results import save_health, save_pages, save_recommendations
from strata.ssrf import AllowList, UnsafeUrl, parse_http_url, validate_url

logger = get_logger(__name__)


class Unprocessable(ApiError):
    status = 422


def allow_list() -> AllowList:
    return AllowList.parse(os.environ.get("SCRAPE_ALLOWED_HOSTS"))


@api_handler
def start_scrape(event: Event, context: Any) -> Response:
    owner = cognito_subject(event)
    fields = Fields(json_body(event))
    fields.only("projectId", "url", "maxPages")
    fields.no_nulls()
    fields.string("projectId", pattern=ID_RE, strip=False)
    fields.string("url", required=False, max_length=2048, pattern=SITE_URL_RE, strip=False)
    fields.integer("maxPages", required=False, minimum=1, maximum=25)
    values = fields.check()
    project = store.get_project(owner, values["projectId"])
    url = values.get("url") or str(project["url"])
    try:
        if not _same_site(url, str(project["url"])):
            raise Unprocessable("URL cannot be scraped",
                                errors={"url": "must be on the project's site"})
        target = validate_url(url, allow_list=allow_list())
    except UnsafeUrl as exc:
        raise Unprocessable("URL cannot be scraped", errors={"url": exc.reason}) from exc
    job = queue_job(owner, project, target.url, values.get("maxPages", DEFAULT_MAX_PAGES))
    return json_response(202, store.public(job),
                         {"Location": f"/api/scrape/{job['jobId']}"})


def _same_site(url: str, project_url: str) -> bool:
    a, b = parse_http_url(url), parse_http_url(project_url)
    return (a.scheme, a.host, a.port) == (b.scheme, b.host, b.port)


@api_handler
def get_job(event: Event, context: Any) -> Response:
    owner = cognito_subject(event)
    job_id = store.require_id(path_param(event, "id"), "Job")
    job = table("JOBS_TABLE").get_item(Key={"jobId": job_id}).get("Item")
    if job is None or job.get("ownerId") != owner:
        raise NotFound("Job not found")
    return json_response(200, store.public(job))


def _set_status(job_id: str, status: str, expected: tuple[str, ...], **fields: Any) -> bool:
    values = {"status": status, **fields}
    try:
        table("JOBS_TABLE").update_item(
            Key={"jobId": job_id},
            UpdateExpression="SET " + ", ".join(f"#{key} = :{key}" for key in values),
            ConditionExpression="#status IN (" + ", ".join(
                f":e{i}" for i in range(len(expected))) + ")",
            ExpressionAttributeNames={f"#{key}": key for key in values},
            ExpressionAttributeValues={**{f":{key}": value for key, value in values.items()},
                                       **{f":e{i}": e for i, e in enumerate(expected)}})
    except ClientError as exc:
        if is_conditional_failure(exc):
            return False
        raise
    return True


def run_job(job_id: str, fetcher: Fetcher) -> None:
    job = table("JOBS_TABLE").get_item(Key={"jobId": job_id}).get("Item")
    if job is None or not _set_status(job_id, "running", ("queued", "running"),
                                      startedAt=iso()):
        logger.info("job skipped", jobId=job_id, found=job is not None)
        return
    project = table("PROJECTS_TABLE").get_item(
        Key={"ownerId": job["ownerId"], "projectId": job["projectId"]}).get("Item")
    if project is None:
        _set_status(job_id, "failed", ("running",), error="project deleted", finishedAt=iso())
        return
    try:
        result = crawl(str(job["url"]), fetcher, max_pages=int(job["maxPages"]))
    except (FetchError, UnsafeUrl) as exc:
        logger.info("scrape failed", jobId=job_id, reason=exc.reason)
        _set_status(job_id, "failed", ("running",), error=exc.reason, finishedAt=iso())
        return
    save_pages(job, result)
    score, measured_at = save_health(job, result)
    open_recommendations = save_recommendations(job, result)
    table("PROJECTS_TABLE").update_item(
        Key={"ownerId": job["ownerId"], "projectId": job["projectId"]},
        UpdateExpression="SET lastScore = :score, lastScrapedAt = :at, lastJobId = :job",
        ConditionExpression="attribute_exists(projectId)",
        ExpressionAttributeValues={":score": score.total, ":at": measured_at,
                                   ":job": job_id})
    _set_status(job_id, "done", ("running",), finishedAt=iso(), score=score.total,
                pagesAnalyzed=len(result.site.pages),
                brokenLinks=len(result.site.broken_links),
                openRecommendations=open_recommendations)
    logger.info("scrape done", jobId=job_id, score=score.total, pages=len(result.site.pages))


def worker(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """SQS batch handler: the ids of the messages that failed go back to the queue."""
    fetcher = Fetcher(allow_list=allow_list())
    failures = []
    for record in event.get("Records", []):
        try:
            job_id = str(json.loads(record["body"])["jobId"])
        except (ValueError, KeyError, TypeError):
            # Never processable: failed on every delivery, it ends in the DLQ for inspection.
            logger.error("malformed message", messageId=record.get("messageId"))
            failures.append({"itemIdentifier": record["messageId"]})
            continue
        try:
            run_job(job_id, fetcher)
        except Exception as exc:  # noqa: BLE001 - reported per message, retried by SQS
            logger.error("job failed, message returned to the queue", jobId=job_id,
                         error=f"{type(exc).__name__}: {exc}")
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
