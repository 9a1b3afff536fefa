"""``AWS::DynamoDB::Table`` (and SAM's ``SimpleTable``, which the transform turns into one).

Copies what CloudFormation does with the properties documented at
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-dynamodb-table.html:
``CreateTable`` with the key schema, billing mode, indexes and stream; then
``UpdateTimeToLive`` and ``UpdateContinuousBackups``. ``Ref`` is the table name;
``Fn::GetAtt`` gives ``Arn`` and, with a stream, ``StreamArn`` (the latest stream ARN).
``SSESpecification`` is accepted and ignored: moto does not encrypt.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from emulator.aws.provisioners.base import Context, existing, require, result
from emulator.aws.shapes import PropertyError, api_params, tag_list, to_bool
from emulator.stack import PhysicalResource
from emulator.template import Resource

logger = logging.getLogger(__name__)

# Set from other properties or by other calls, never passed to CreateTable as they are.
_NOT_CREATE_TABLE = ("TableName", "StreamSpecification", "SSESpecification", "Tags",
                     "TimeToLiveSpecification", "PointInTimeRecoverySpecification")


def provision_table(ctx: Context, resource: Resource,
                    properties: Mapping[str, Any]) -> PhysicalResource:
    dynamodb = ctx.client("dynamodb")
    name = ctx.name(resource, properties, "TableName", allowed=r"A-Za-z0-9_.-")
    found = existing(lambda: dynamodb.describe_table(TableName=name)["Table"],
                     "ResourceNotFoundException")
    if found is None:
        found = dynamodb.create_table(**_create_table_params(dynamodb, name, properties))[
            "TableDescription"]
        _after_create(dynamodb, name, properties)
    else:
        logger.debug("table %s exists; reused", name)
    attributes: dict[str, Any] = {"Arn": found["TableArn"]}
    if found.get("LatestStreamArn"):
        attributes["StreamArn"] = found["LatestStreamArn"]
    return result(resource, name, attributes)


def _create_table_params(dynamodb: Any, name: str,
                         properties: Mapping[str, Any]) -> dict[str, Any]:
    params = api_params(dynamodb, "CreateTable", properties, exclude=_NOT_CREATE_TABLE)
    params["TableName"] = name
    require(properties, "KeySchema")
    billing = str(properties.get("BillingMode") or "PROVISIONED")
    params["BillingMode"] = billing
    if billing == "PROVISIONED" and "ProvisionedThroughput" not in params:
        raise PropertyError("ProvisionedThroughput is required when BillingMode is "
                            "PROVISIONED (the default)")
    if billing == "PAY_PER_REQUEST":
        # CloudFormation tolerates throughput settings left over from a provisioned table.
        params.pop("ProvisionedThroughput", None)
        for index in params.get("GlobalSecondaryIndexes", []):
            index.pop("ProvisionedThroughput", None)
    stream = properties.get("StreamSpecification")
    if isinstance(stream, Mapping) and stream.get("StreamViewType"):
        params["StreamSpecification"] = {"StreamEnabled": True,
                                         "StreamViewType": str(stream["StreamViewType"])}
    tags = tag_list(properties.get("Tags"))
    if tags:
        params["Tags"] = tags
    return params


def _after_create(dynamodb: Any, name: str, properties: Mapping[str, Any]) -> None:
    ttl = properties.get("TimeToLiveSpecification")
    if isinstance(ttl, Mapping) and to_bool(ttl.get("Enabled", False),
                                            "TimeToLiveSpecification.Enabled"):
        dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification={
            "AttributeName": str(require(ttl, "AttributeName")), "Enabled": True})
    recovery = properties.get("PointInTimeRecoverySpecification")
    if isinstance(recovery, Mapping) and to_bool(
            recovery.get("PointInTimeRecoveryEnabled", False),
            "PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled"):
        dynamodb.update_continuous_backups(
            TableName=name,
            PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
