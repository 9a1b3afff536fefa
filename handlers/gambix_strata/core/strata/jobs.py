"""Queueing a scrape job: a ``queued`` item in ``JOBS_TABLE`` and a message on the queue.

The item is written first: the worker looks the job up by id, so a message never names a
job that does not exist (if the send fails, the job stays ``queued`` and the API call
fails, and the TTL removes the item).
"""

from __future__ import annotations

import json
from typing import Any

from lambda_common.aws import client, env, table
from lambda_common.clock import iso

from . import store

JOB_DAYS = 30
DEFAULT_MAX_PAGES = 10


def queue_job(owner: str, project: dict[str, Any], url: str,
              max_pages: int = DEFAULT_MAX_PAGES) -> dict[str, Any]:
    job = {"jobId": store.new_id(), "ownerId": owner, "projectId": project["projectId"],
           "url": url, "maxPages": max_pages, "status": "queued", "createdAt": iso(),
           "expiresAt": store.expires_in(JOB_DAYS)}
    table("JOBS_TABLE").put_item(Item=job, ConditionExpression="attribute_not_exists(jobId)")
    client("sqs").send_message(QueueUrl=env("SCRAPE_QUEUE_URL"),
                               MessageBody=json.dumps({"jobId": job["jobId"]}))
    return job
