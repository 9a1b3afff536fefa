"""API Gateway REST APIs, stages, API keys, usage plans and usage plan keys, on moto.

Copies CloudFormation's ``AWS::ApiGateway::*`` resources
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/AWS_ApiGateway.html), and
so what SAM's ``Auth: {ApiKeyRequired: true, UsagePlan: {CreateUsagePlan: PER_API |
SHARED | SINGLE}}`` becomes (the transform emits an ``ApiKey`` with ``Enabled: true`` and
``StageKeys``, a ``UsagePlan`` with ``ApiStages``, ``Quota`` and ``Throttle``, and a
``UsagePlanKey``):

* ``RestApi``: ``Ref`` is the API id, which is the id the emulator serves the API under
  (``default_physical_resource``: stable per stack and logical id). moto 5.1.22 takes a
  resource's id from a ``_custom_id_`` tag (``moto.utilities.id_generator``,
  ``TAG_KEY_CUSTOM_ID``; ``CreateRestApi`` passes its tags to the id generator), so
  ``get-rest-apis`` on the AWS endpoint lists the very id the local URLs use. The tag stays
  visible in ``get-tags``. ``ApiKeySourceType`` (else the body's
  ``x-amazon-apigateway-api-key-source``) becomes the API's ``apiKeySource``.
  ``Fn::GetAtt RootResourceId`` is moto's root resource id. The body is not imported into
  moto (routes are served from it by the emulator itself).
* ``Stage`` (and the stage a ``Deployment`` with ``StageName`` creates): ``Ref`` is the
  stage name; throttling ``MethodSettings`` are copied onto moto's stage so ``get-stage``
  shows them.
* ``ApiKey``: ``Ref`` is the key id; ``Enabled`` defaults to false as in CloudFormation;
  ``Name`` (and a plan's ``UsagePlanName``) defaults to a CloudFormation-style generated
  name, ``{stack}-{LogicalId}-{SUFFIX}``. Without ``Value`` the key gets a
  40-character value derived from the stack name and logical id, so a restarted emulator
  hands out the same key (AWS's generated values are random but also survive redeploys).
* ``UsagePlan``: ``Ref`` is the plan id; ``ApiStages`` (with per-method ``Throttle`` keyed
  ``"/path/METHOD"``), ``Quota`` and ``Throttle`` are stored in moto, where the gateway reads
  them on every request (:mod:`emulator.policy.usage_plans`).
* ``UsagePlanKey``: ``Ref`` is the key id (``GetUsagePlanKey``'s ``id``).

Re-provisioning into the same moto reuses what exists (APIs by id, keys and plans by name).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from emulator.aws.internals import MOTO_VERSION_CHECKED, MotoInternalsError
from emulator.aws.provisioners.base import Context, Provisioner, existing, require, result
from emulator.aws.shapes import PropertyError, tag_map, to_bool, to_int, to_text
from emulator.stack import PhysicalResource
from emulator.template import Resource
from emulator.template_physical import MIXED_ALNUM, generated_name, stable_token

logger = logging.getLogger(__name__)

#: moto's tag that fixes a new resource's id (moto/utilities/id_generator.py).
CUSTOM_ID_TAG = "_custom_id_"
API_KEY_SOURCE_EXTENSION = "x-amazon-apigateway-api-key-source"
_NOT_FOUND = ("NotFoundException",)


def provision_rest_api(ctx: Context, resource: Resource,
                       properties: Mapping[str, Any]) -> PhysicalResource:
    apigateway = ctx.client("apigateway")
    api_id = ctx.default(resource, properties).physical_id
    found = existing(lambda: apigateway.get_rest_api(restApiId=api_id), *_NOT_FOUND)
    if found is None:
        params = _rest_api_params(ctx, resource, properties)
        params["tags"] = {**tag_map(properties.get("Tags")), CUSTOM_ID_TAG: api_id}
        created = apigateway.create_rest_api(**params)
        if created["id"] != api_id:
            raise MotoInternalsError(
                f"moto ignored the {CUSTOM_ID_TAG} tag (gave {created['id']}, not {api_id}); "
                f"emulator/aws/provisioners/apigateway.py was checked against moto "
                f"{MOTO_VERSION_CHECKED}")
    else:
        logger.debug("REST API %s exists; reused", api_id)
    resources = apigateway.get_resources(restApiId=api_id).get("items", [])
    root_id = next((str(item["id"]) for item in resources if item.get("path") == "/"), "")
    return result(resource, api_id, {"RestApiId": api_id, "RootResourceId": root_id})


def _rest_api_params(ctx: Context, resource: Resource,
                     properties: Mapping[str, Any]) -> dict[str, Any]:
    body = properties.get("Body")
    body = body if isinstance(body, Mapping) else {}
    info = body.get("info")
    title = info.get("title") if isinstance(info, Mapping) else None
    name = properties.get("Name") or title or f"{ctx.template.stack_name}-{resource.logical_id}"
    params: dict[str, Any] = {"name": to_text(name)}
    description = properties.get("Description") or (
        info.get("description") if isinstance(info, Mapping) else None)
    if description:
        params["description"] = to_text(description)
    source = properties.get("ApiKeySourceType") or body.get(API_KEY_SOURCE_EXTENSION)
    if source:
        params["apiKeySource"] = to_text(source).upper()
    binary = properties.get("BinaryMediaTypes")
    if isinstance(binary, list) and binary:
        params["binaryMediaTypes"] = [to_text(item) for item in binary]
    return params


def provision_deployment(ctx: Context, resource: Resource,
                         properties: Mapping[str, Any]) -> PhysicalResource:
    default = ctx.default(resource, properties)
    stage_name = properties.get("StageName")
    if stage_name:
        description = properties.get("StageDescription")
        description = description if isinstance(description, Mapping) else {}
        _ensure_stage(ctx, str(require(properties, "RestApiId")), to_text(stage_name),
                      default.physical_id, description)
    return default


def provision_stage(ctx: Context, resource: Resource,
                    properties: Mapping[str, Any]) -> PhysicalResource:
    stage_name = to_text(require(properties, "StageName"))
    deployment_id = to_text(properties.get("DeploymentId") or "")
    _ensure_stage(ctx, to_text(require(properties, "RestApiId")), stage_name, deployment_id,
                  properties)
    return result(resource, stage_name)


def _ensure_stage(ctx: Context, api_id: str, stage_name: str, deployment_id: str,
                  properties: Mapping[str, Any]) -> None:
    apigateway = ctx.client("apigateway")
    found = existing(lambda: apigateway.get_stage(restApiId=api_id, stageName=stage_name),
                     *_NOT_FOUND)
    if found is not None:
        logger.debug("stage %s of %s exists; reused", stage_name, api_id)
        return
    if existing(lambda: apigateway.get_rest_api(restApiId=api_id), *_NOT_FOUND) is None:
        # A RestApi this template does not create (an imported id): nothing to attach to.
        logger.debug("stage %s: REST API %s is not on moto; stage not recorded", stage_name,
                     api_id)
        return
    params: dict[str, Any] = {"restApiId": api_id, "stageName": stage_name,
                              "deploymentId": deployment_id or "emulator"}
    if properties.get("Description"):
        params["description"] = to_text(properties["Description"])
    variables = properties.get("Variables")
    if isinstance(variables, Mapping) and variables:
        params["variables"] = {str(key): to_text(value) for key, value in variables.items()}
    tags = tag_map(properties.get("Tags"))
    if tags:
        params["tags"] = tags
    apigateway.create_stage(**params)
    operations = _throttling_patches(properties)
    if operations:
        apigateway.update_stage(restApiId=api_id, stageName=stage_name,
                                patchOperations=operations)


def _encoded_path(raw: Any) -> str:
    """A MethodSetting ``ResourcePath`` as a patch path segment (``~1pets``, ``*``)."""
    text = to_text(raw or "/*")
    if text == "/*":
        return "*"
    return text.lstrip("/") if "~1" in text else text.replace("/", "~1")


def _throttling_patches(properties: Mapping[str, Any]) -> list[dict[str, str]]:
    operations: list[dict[str, str]] = []
    settings: list[Any] = list(properties.get("MethodSettings") or [])
    if properties.get("ThrottlingRateLimit") is not None or \
            properties.get("ThrottlingBurstLimit") is not None:
        settings.insert(0, {"ResourcePath": "/*", "HttpMethod": "*",
                            "ThrottlingRateLimit": properties.get("ThrottlingRateLimit"),
                            "ThrottlingBurstLimit": properties.get("ThrottlingBurstLimit")})
    for setting in settings:
        if not isinstance(setting, Mapping):
            continue
        prefix = f"/{_encoded_path(setting.get('ResourcePath'))}/" \
                 f"{to_text(setting.get('HttpMethod') or '*')}"
        for prop, suffix in (("ThrottlingRateLimit", "throttling/rateLimit"),
                             ("ThrottlingBurstLimit", "throttling/burstLimit")):
            if setting.get(prop) is not None:
                operations.append({"op": "replace", "path": f"{prefix}/{suffix}",
                                   "value": to_text(setting[prop])})
    return operations


def provision_api_key(ctx: Context, resource: Resource,
                      properties: Mapping[str, Any]) -> PhysicalResource:
    apigateway = ctx.client("apigateway")
    name = ctx.name(resource, properties, "Name", max_length=1024,
                    fallback=generated_name(ctx.template.stack_name, resource.logical_id))
    key_id = _find_by_name(apigateway.get_api_keys(nameQuery=name, limit=500), name)
    if key_id is None:
        params: dict[str, Any] = {
            "name": name,
            "enabled": to_bool(properties.get("Enabled", False), "Enabled"),
            "value": to_text(properties.get("Value") or stable_token(
                ctx.template.stack_name, resource.logical_id, "apikey-value", length=40,
                alphabet=MIXED_ALNUM)),
        }
        for prop, param in (("Description", "description"), ("CustomerId", "customerId")):
            if properties.get(prop):
                params[param] = to_text(properties[prop])
        stage_keys = [{"restApiId": to_text(item.get("RestApiId")),
                       "stageName": to_text(item.get("StageName"))}
                      for item in properties.get("StageKeys") or []
                      if isinstance(item, Mapping)]
        if stage_keys:
            params["stageKeys"] = stage_keys
        tags = tag_map(properties.get("Tags"))
        if tags:
            params["tags"] = tags
        key_id = str(apigateway.create_api_key(**params)["id"])
    else:
        logger.debug("API key %s (%s) exists; reused", name, key_id)
    return result(resource, key_id, {"APIKeyId": key_id})


def provision_usage_plan(ctx: Context, resource: Resource,
                         properties: Mapping[str, Any]) -> PhysicalResource:
    apigateway = ctx.client("apigateway")
    name = ctx.name(resource, properties, "UsagePlanName", max_length=1024,
                    fallback=generated_name(ctx.template.stack_name, resource.logical_id))
    plan_id = _find_by_name(apigateway.get_usage_plans(limit=500), name)
    if plan_id is None:
        params: dict[str, Any] = {"name": name}
        if properties.get("Description"):
            params["description"] = to_text(properties["Description"])
        stages = [_api_stage(item) for item in properties.get("ApiStages") or []]
        if stages:
            params["apiStages"] = stages
        throttle = _throttle(properties.get("Throttle"), "Throttle")
        if throttle:
            params["throttle"] = throttle
        quota = _quota(properties.get("Quota"))
        if quota:
            params["quota"] = quota
        tags = tag_map(properties.get("Tags"))
        if tags:
            params["tags"] = tags
        plan_id = str(apigateway.create_usage_plan(**params)["id"])
    else:
        logger.debug("usage plan %s (%s) exists; reused", name, plan_id)
    return result(resource, plan_id, {"Id": plan_id})


def _api_stage(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise PropertyError(f"ApiStages entries must be objects, got {raw!r}")
    stage: dict[str, Any] = {"apiId": to_text(require(raw, "ApiId")),
                             "stage": to_text(require(raw, "Stage"))}
    methods = raw.get("Throttle")
    if isinstance(methods, Mapping) and methods:
        stage["throttle"] = {str(path): _throttle(limits, f"ApiStages.Throttle.{path}")
                             for path, limits in methods.items()}
    return stage


def _throttle(raw: Any, where: str) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise PropertyError(f"{where}: expected an object, got {raw!r}")
    throttle: dict[str, Any] = {}
    if raw.get("BurstLimit") is not None:
        throttle["burstLimit"] = to_int(raw["BurstLimit"], f"{where}.BurstLimit")
    if raw.get("RateLimit") is not None:
        try:
            throttle["rateLimit"] = float(raw["RateLimit"])
        except (TypeError, ValueError) as exc:
            raise PropertyError(f"{where}.RateLimit: expected a number, "
                                f"got {raw['RateLimit']!r}") from exc
    return throttle


def _quota(raw: Any) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise PropertyError(f"Quota: expected an object, got {raw!r}")
    quota: dict[str, Any] = {}
    if raw.get("Limit") is not None:
        quota["limit"] = to_int(raw["Limit"], "Quota.Limit")
    if raw.get("Offset") is not None:
        quota["offset"] = to_int(raw["Offset"], "Quota.Offset")
    if raw.get("Period") is not None:
        period = to_text(raw["Period"]).upper()
        if period not in ("DAY", "WEEK", "MONTH"):
            raise PropertyError(f"Quota.Period must be DAY, WEEK or MONTH, got {period!r}")
        quota["period"] = period
    return quota


def provision_usage_plan_key(ctx: Context, resource: Resource,
                             properties: Mapping[str, Any]) -> PhysicalResource:
    apigateway = ctx.client("apigateway")
    key_id = to_text(require(properties, "KeyId"))
    plan_id = to_text(require(properties, "UsagePlanId"))
    found = existing(lambda: apigateway.get_usage_plan_key(usagePlanId=plan_id, keyId=key_id),
                     *_NOT_FOUND)
    if found is None:
        apigateway.create_usage_plan_key(usagePlanId=plan_id, keyId=key_id,
                                         keyType=to_text(properties.get("KeyType") or "API_KEY"))
    return result(resource, key_id, {"Id": key_id})


def _find_by_name(page: Mapping[str, Any], name: str) -> str | None:
    for item in page.get("items", []):
        if item.get("name") == name:
            return str(item["id"])
    return None


#: This module's provisioners by resource type (merged into ``PROVISIONERS``).
APIGATEWAY_PROVISIONERS: Mapping[str, Provisioner] = {
    "AWS::ApiGateway::RestApi": provision_rest_api,
    "AWS::ApiGateway::Deployment": provision_deployment,
    "AWS::ApiGateway::Stage": provision_stage,
    "AWS::ApiGateway::ApiKey": provision_api_key,
    "AWS::ApiGateway::UsagePlan": provision_usage_plan,
    "AWS::ApiGateway::UsagePlanKey": provision_usage_plan_key,
}
