"""Scheduled maintenance: the daily health check of every project, the monthly cleanup.

``daily_health_check`` queues a scrape of every project's URL (the scrape worker does the
rest, so a daily check is exactly a user's scrape). ``monthly_cleanup`` gives old records a
TTL (``expiresAt``, epoch seconds) so DynamoDB deletes them in the background at no write
cost (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html): health
history older than ``HISTORY_DAYS`` and acknowledged alerts older than ``ALERT_DAYS``.
Jobs, pages, reports and open alerts carry their TTL from the start; raw HTML and report
objects in S3 expire by the bucket's lifecycle rules.
"""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.conditions import Attr
from lambda_common.aws import scan_all, table
from lambda_common.clock import iso, now
from lambda_common.logs import get_logger
from strata import store
from strata.jobs import queue_job

logger = get_logger(__name__)
HISTORY_DAYS = 365
ALERT_DAYS = 90
#: Records past their retention expire within a day of the cleanup.
GRACE_DAYS = 1


def daily_health_check(event: dict[str, Any], context: Any) -> dict[str, Any]:
    queued = 0
    for project in scan_all(table("PROJECTS_TABLE")):
        queue_job(str(project["ownerId"]), dict(project), str(project["url"]))
        queued += 1
    logger.info("daily health check queued", jobs=queued)
    return {"queued": queued}


def _expire(env_name: str, keys: tuple[str, str], condition: Any) -> int:
    tbl = table(env_name)
    expires = store.expires_in(GRACE_DAYS)
    count = 0
    for item in scan_all(tbl, filter_expression=condition & Attr("expiresAt").not_exists(),
                         projection=", ".join(keys)):
        tbl.update_item(Key={key: item[key] for key in keys},
                        UpdateExpression="SET expiresAt = :expires",
                        ConditionExpression="attribute_exists(#pk)",
                        ExpressionAttributeNames={"#pk": keys[0]},
                        ExpressionAttributeValues={":expires": expires})
        count += 1
    return count


def monthly_cleanup(event: dict[str, Any], context: Any) -> dict[str, Any]:
    history_cutoff = iso(now() - HISTORY_DAYS * store.DAY_S)
    alert_cutoff = iso(now() - ALERT_DAYS * store.DAY_S)
    counts = {
        "health": _expire("HEALTH_TABLE", ("projectId", "sk"),
                          Attr("sk").begins_with("history#")
                          & Attr("measuredAt").lt(history_cutoff)),
        "alerts": _expire("ALERTS_TABLE", ("ownerId", "alertId"),
                          Attr("status").eq("acknowledged")
                          & Attr("createdAt").lt(alert_cutoff)),
    }
    logger.info("cleanup", **counts)
    return counts
