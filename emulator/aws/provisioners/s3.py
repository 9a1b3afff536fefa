"""``AWS::S3::Bucket`` and ``AWS::S3::BucketPolicy``.

Copies https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-s3-bucket.html:
``CreateBucket`` then versioning, CORS (CloudFormation's ``CorsRules`` renamed to the API's
``CORSRules``), public access block and tags. ``Ref`` is the bucket name; ``Fn::GetAtt``
gives ``Arn``, ``DomainName``, ``RegionalDomainName``, ``DualStackDomainName`` and
``WebsiteURL`` as AWS spells them. ``NotificationConfiguration`` is kept on the resource's
attributes for the event-source side; nothing is configured on moto for it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError

from emulator.aws.provisioners.base import Context, error_code, existing, require, result
from emulator.aws.shapes import api_params, coerce, shape_of, tag_list
from emulator.stack import PhysicalResource
from emulator.template import Resource

logger = logging.getLogger(__name__)

# CloudFormation CorsRule -> S3 API CORSRule member names.
_CORS_RENAMES = {"Id": "ID", "ExposedHeaders": "ExposeHeaders", "MaxAge": "MaxAgeSeconds"}


def provision_bucket(ctx: Context, resource: Resource,
                     properties: Mapping[str, Any]) -> PhysicalResource:
    s3 = ctx.client("s3")
    name = ctx.name(resource, properties, "BucketName", max_length=63, lower=True,
                    allowed=r"a-z0-9.-")
    if existing(lambda: s3.head_bucket(Bucket=name), "404", "NoSuchBucket") is None:
        _create(ctx, s3, name)
        _configure(s3, name, properties)
    else:
        logger.debug("bucket %s exists; reused", name)
    attributes: dict[str, Any] = {
        "Arn": f"arn:{ctx.partition}:s3:::{name}",
        "DomainName": f"{name}.s3.amazonaws.com",
        "RegionalDomainName": f"{name}.s3.{ctx.region}.amazonaws.com",
        "DualStackDomainName": f"{name}.s3.dualstack.{ctx.region}.amazonaws.com",
        "WebsiteURL": f"http://{name}.s3-website-{ctx.region}.amazonaws.com",
    }
    if properties.get("NotificationConfiguration") is not None:
        attributes["NotificationConfiguration"] = properties["NotificationConfiguration"]
    return result(resource, name, attributes)


def _create(ctx: Context, s3: Any, name: str) -> None:
    params: dict[str, Any] = {"Bucket": name}
    if ctx.region != "us-east-1":
        params["CreateBucketConfiguration"] = {"LocationConstraint": ctx.region}
    try:
        s3.create_bucket(**params)
    except ClientError as exc:
        if error_code(exc) != "BucketAlreadyOwnedByYou":
            raise


def _configure(s3: Any, name: str, properties: Mapping[str, Any]) -> None:
    versioning = properties.get("VersioningConfiguration")
    if isinstance(versioning, Mapping):
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={
            "Status": str(require(versioning, "Status"))})
    cors = properties.get("CorsConfiguration")
    if isinstance(cors, Mapping):
        rules = [{_CORS_RENAMES.get(key, key): value for key, value in rule.items()}
                 for rule in require(cors, "CorsRules")]
        s3.put_bucket_cors(Bucket=name, CORSConfiguration=api_params(
            s3, "PutBucketCors", {"CORSConfiguration": {"CORSRules": rules}}
        )["CORSConfiguration"])
    block = properties.get("PublicAccessBlockConfiguration")
    if isinstance(block, Mapping):
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=coerce(
            block, shape_of(s3, "PutPublicAccessBlock", "PublicAccessBlockConfiguration"),
            "PublicAccessBlockConfiguration"))
    tags = tag_list(properties.get("Tags"))
    if tags:
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tags})


def provision_bucket_policy(ctx: Context, resource: Resource,
                            properties: Mapping[str, Any]) -> PhysicalResource:
    bucket = str(require(properties, "Bucket"))
    document = require(properties, "PolicyDocument")
    policy = document if isinstance(document, str) else json.dumps(document)
    ctx.client("s3").put_bucket_policy(Bucket=bucket, Policy=policy)
    return result(resource, ctx.default(resource, properties).physical_id)
