"""Cognito user pools, app clients, groups and domains.

Copies CloudFormation's ``AWS::Cognito::UserPool`` family
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cognito-userpool.html):
``Ref`` of a pool is its id (``REGION_xxxxxxxxx``) and ``Fn::GetAtt`` gives ``Arn``,
``ProviderName`` (``cognito-idp.REGION.amazonaws.com/POOLID``), ``ProviderURL``
(``https://`` + provider name, the JWT issuer) and ``UserPoolId``; ``Ref`` of a client is
its client id (``ClientSecret``, ``Name`` via ``Fn::GetAtt``); of a group its name; of a
domain its domain prefix. Properties whose names match the API's are passed through as far
as moto's model accepts them; ``EnabledMfas`` becomes ``SetUserPoolMfaConfig``.

Pool and client names are not unique on AWS; a restart finds the pool or client of the
same name again instead of creating a second one.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from emulator.aws.provisioners.base import Context, existing, require, result
from emulator.aws.shapes import api_params, tag_map
from emulator.stack import PhysicalResource
from emulator.template import Resource

logger = logging.getLogger(__name__)

_NOT_CREATE_POOL = ("UserPoolName", "PoolName", "EnabledMfas", "UserPoolTags")


def provision_user_pool(ctx: Context, resource: Resource,
                        properties: Mapping[str, Any]) -> PhysicalResource:
    cognito = ctx.client("cognito-idp")
    name = ctx.name(resource, properties, "UserPoolName", max_length=128,
                    allowed=r"\w\s+=,.@-",
                    fallback=f"{ctx.template.stack_name}-{resource.logical_id}")
    pool_id = _find_pool(cognito, name)
    if pool_id is None:
        params = api_params(cognito, "CreateUserPool", properties, exclude=_NOT_CREATE_POOL)
        params["PoolName"] = name
        tags = tag_map(properties.get("UserPoolTags"))
        if tags:
            params["UserPoolTags"] = tags
        pool_id = str(cognito.create_user_pool(**params)["UserPool"]["Id"])
        _set_mfa(cognito, pool_id, properties)
    else:
        logger.debug("user pool %s (%s) exists; reused", name, pool_id)
    arn = str(cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]["Arn"])
    provider = f"cognito-idp.{ctx.region}.amazonaws.com/{pool_id}"
    return result(resource, pool_id, {"Arn": arn, "ProviderName": provider,
                                      "ProviderURL": f"https://{provider}",
                                      "UserPoolId": pool_id})


def _find_pool(cognito: Any, name: str) -> str | None:
    for page in cognito.get_paginator("list_user_pools").paginate(MaxResults=60):
        for pool in page.get("UserPools", []):
            if pool.get("Name") == name:
                return str(pool["Id"])
    return None


def _set_mfa(cognito: Any, pool_id: str, properties: Mapping[str, Any]) -> None:
    enabled = [str(value) for value in properties.get("EnabledMfas") or []]
    if "SOFTWARE_TOKEN_MFA" not in enabled:
        return
    cognito.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration=str(properties.get("MfaConfiguration") or "OPTIONAL"))


def provision_user_pool_client(ctx: Context, resource: Resource,
                               properties: Mapping[str, Any]) -> PhysicalResource:
    cognito = ctx.client("cognito-idp")
    pool_id = str(require(properties, "UserPoolId"))
    name = ctx.name(resource, properties, "ClientName", max_length=128,
                    allowed=r"\w\s+=,.@-", fallback=resource.logical_id)
    client = _find_client(cognito, pool_id, name)
    if client is None:
        params = api_params(cognito, "CreateUserPoolClient", properties,
                            exclude=("UserPoolId", "ClientName"))
        params.update(UserPoolId=pool_id, ClientName=name)
        client = cognito.create_user_pool_client(**params)["UserPoolClient"]
    else:
        logger.debug("user pool client %s exists; reused", name)
    client_id = str(client["ClientId"])
    attributes: dict[str, Any] = {"ClientId": client_id, "Name": name}
    if client.get("ClientSecret"):
        attributes["ClientSecret"] = client["ClientSecret"]
    return result(resource, client_id, attributes)


def _find_client(cognito: Any, pool_id: str, name: str) -> dict[str, Any] | None:
    for page in cognito.get_paginator("list_user_pool_clients").paginate(
            UserPoolId=pool_id, MaxResults=60):
        for summary in page.get("UserPoolClients", []):
            if summary.get("ClientName") == name:
                found: dict[str, Any] = cognito.describe_user_pool_client(
                    UserPoolId=pool_id, ClientId=summary["ClientId"])["UserPoolClient"]
                return found
    return None


def provision_user_pool_group(ctx: Context, resource: Resource,
                              properties: Mapping[str, Any]) -> PhysicalResource:
    cognito = ctx.client("cognito-idp")
    pool_id = str(require(properties, "UserPoolId"))
    name = ctx.name(resource, properties, "GroupName", max_length=128,
                    allowed=r"\w\s+=,.@-", fallback=resource.logical_id)
    found = existing(lambda: cognito.get_group(GroupName=name, UserPoolId=pool_id),
                     "ResourceNotFoundException")
    if found is None:
        params = api_params(cognito, "CreateGroup", properties,
                            exclude=("UserPoolId", "GroupName"))
        cognito.create_group(UserPoolId=pool_id, GroupName=name, **params)
    return result(resource, name)


def provision_user_pool_domain(ctx: Context, resource: Resource,
                               properties: Mapping[str, Any]) -> PhysicalResource:
    cognito = ctx.client("cognito-idp")
    domain = str(require(properties, "Domain"))
    pool_id = str(require(properties, "UserPoolId"))
    described = cognito.describe_user_pool_domain(Domain=domain).get("DomainDescription") or {}
    if not described.get("UserPoolId"):
        params = api_params(cognito, "CreateUserPoolDomain", properties,
                            exclude=("Domain", "UserPoolId"))
        cognito.create_user_pool_domain(Domain=domain, UserPoolId=pool_id, **params)
        described = cognito.describe_user_pool_domain(Domain=domain).get(
            "DomainDescription") or {}
    return result(resource, domain,
                  {"CloudFrontDistribution": str(described.get("CloudFrontDistribution", ""))})

