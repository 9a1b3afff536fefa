"""API keys and usage plans: the key check, the per-key throttle and the quota.

Copies API Gateway's behaviour for REST API methods that require an API key
(https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html,
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-key-usage-plan-oas.html):

* A method requires a key when its OpenAPI ``security`` (or the document's, when the
  operation has none) names a scheme ``{type: apiKey, name: x-api-key, in: header}`` that
  is not a Lambda authorizer - what SAM writes for ``Auth: {ApiKeyRequired: true}``.
* The key comes from the ``x-api-key`` header (``apiKeySource`` HEADER, the default) or from
  the ``usageIdentifierKey`` a Lambda authorizer returned (AUTHORIZER)
  (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-api-key-source.html);
  the RestApi's ``ApiKeySourceType`` wins over the body's
  ``x-amazon-apigateway-api-key-source``.
* A missing, unknown or disabled key, or one in no usage plan for this API stage: 403
  ``{"message":"Forbidden"}`` (``ForbiddenException``, gateway response ``INVALID_API_KEY``).
* Otherwise the key's usage plan meters it: the method's own throttle in the plan
  (``apiStages[].throttle["/path/METHOD"]``, a bucket per key and method) and the plan's
  throttle (a bucket per key, global to every API of the plan) -> 429 ``Too Many
  Requests``; then the quota -> 429 ``{"message":"Limit Exceeded"}``. The execution-log
  lines are written as API Gateway writes them ("Key throttle limit exceeded for Usage
  Plan ID ...", "Key quota exhausted for Usage Plan ID ..."), with the key id instead of
  the masked key.
* The accepted key's value and id reach ``requestContext.identity.apiKey`` / ``apiKeyId``.

Keys and plans are read from moto on every request (see
:mod:`emulator.policy.usage_plans`), so keys created later on the AWS endpoint work on the
next request. Key values are never logged.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

from emulator.errors import GatewayError
from emulator.http import HttpRequest
from emulator.policy.buckets import BucketTable, QuotaTable, QuotaUsage
from emulator.policy.pipeline import PolicyContext, PolicyStep, RequestState
from emulator.policy.throttling import quota_exceeded, throttled
from emulator.policy.usage_plans import UsagePlanDirectory
from emulator.routing import RouteMatch
from emulator.spec import ApiModel, Operation

logger = logging.getLogger(__name__)

API_KEY_HEADER = "x-api-key"
API_KEY_SOURCE_KEY = "x-amazon-apigateway-api-key-source"
HEADER_SOURCE = "HEADER"
AUTHORIZER_SOURCE = "AUTHORIZER"


def invalid_api_key() -> GatewayError:
    """403 for a missing, unknown or disabled key, or one outside every usage plan."""
    return GatewayError(403, {"message": "Forbidden"}, response_type="INVALID_API_KEY",
                        error_type="ForbiddenException")


@dataclass(frozen=True)
class _Meters:
    """Buckets and quota counters shared by every API of one AWS environment.

    A plan's throttle and quota are per key across all the plan's APIs, so they cannot
    belong to one API's step.
    """

    buckets: BucketTable = field(default_factory=BucketTable)
    quotas: QuotaTable = field(default_factory=QuotaTable)


_SHARED_METERS: dict[int, _Meters] = {}


def _meters_for(owner: object | None) -> _Meters:
    if owner is None:
        return _Meters()
    key = id(owner)
    meters = _SHARED_METERS.get(key)
    if meters is None:
        meters = _SHARED_METERS[key] = _Meters()
        weakref.finalize(owner, _SHARED_METERS.pop, key, None)
    return meters


def _api_key_schemes(document: Mapping[str, Any]) -> frozenset[str]:
    components = document.get("components")
    schemes = document.get("securityDefinitions") or (
        components.get("securitySchemes") if isinstance(components, Mapping) else None) or {}
    names = set()
    for name, scheme in schemes.items() if isinstance(schemes, Mapping) else ():
        if isinstance(scheme, Mapping) and str(scheme.get("type", "")).lower() == "apikey" \
                and str(scheme.get("in", "")).lower() == "header" \
                and str(scheme.get("name", "")).lower() == API_KEY_HEADER \
                and "x-amazon-apigateway-authorizer" not in scheme:
            names.add(str(name))
    return frozenset(names)


def key_required_routes(api: ApiModel) -> frozenset[str]:
    """Route keys of the operations that require an API key."""
    document = api.config.definition
    schemes = _api_key_schemes(document)
    if not schemes:
        return frozenset()
    default_security = document.get("security")
    required = set()
    for operation in api.operations:
        security = operation.definition.get("security", default_security)
        if isinstance(security, list) and any(
                isinstance(requirement, Mapping) and schemes.intersection(requirement)
                for requirement in security):
            required.add(operation.route_key)
    return frozenset(required)


def usage_plan_method_key(operation: Operation) -> str:
    """``"/resource/path/METHOD"``, how a usage plan names a method (root: ``"//GET"``)."""
    return f"{operation.path}/{operation.method}"


class ApiKeyStep:
    """Key check plus usage plan throttle and quota, for the methods that require a key."""

    name = "api_key"

    def __init__(self, api: ApiModel, required: Mapping[str, str], source: str,
                 directory: UsagePlanDirectory | None, meters: _Meters,
                 clock: Callable[[], float]) -> None:
        self._api_id = api.config.api_id
        self._stage = api.stage
        self._kind = api.kind
        self._required = required
        self._source = source
        self._directory = directory
        self._meters = meters
        self._clock = clock

    @property
    def source(self) -> str:
        return self._source

    def check(self, request: HttpRequest, match: RouteMatch, state: RequestState) -> None:
        operation = match.operation
        method_key = self._required.get(operation.route_key)
        if method_key is None:
            return
        if self._source == AUTHORIZER_SOURCE:
            value = state.usage_identifier_key
        else:
            value = request.header(API_KEY_HEADER)
        if not value:
            self._reject(state, operation, f"no API key ({self._source_text()})")
        if self._directory is None:
            self._reject(state, operation, "no AWS environment holds API keys")
        found = self._directory.lookup(value, self._api_id, self._stage, method_key)
        key, binding = found.key, found.binding
        if key is None:
            self._reject(state, operation, "the API key is not a key of this account")
        if not key.enabled:
            self._reject(state, operation, f"API key {key.id} is disabled")
        if binding is None:
            self._reject(state, operation, f"API key {key.id} is in no usage plan for API "
                                           f"stage {self._api_id}/{self._stage}")
        now = self._clock()
        buckets = self._meters.buckets
        if binding.method_throttle is not None and not buckets.try_take(
                (binding.plan_id, key.id, self._api_id, self._stage, method_key),
                binding.method_throttle, now):
            self._throttled(state, operation, binding.plan_id, key.id,
                            binding.method_throttle.describe())
        if binding.throttle is not None and not buckets.try_take(
                (binding.plan_id, key.id), binding.throttle, now):
            self._throttled(state, operation, binding.plan_id, key.id,
                            binding.throttle.describe())
        if binding.quota is not None and not self._meters.quotas.try_consume(
                (binding.plan_id, key.id), binding.quota, now):
            logger.info("%s API Key %s exceeded quota limit for API Stage %s/%s: Key quota "
                        "exhausted for Usage Plan ID %s. %s", state.request_id, key.id,
                        self._api_id, self._stage, binding.plan_id, binding.quota.describe())
            raise quota_exceeded()
        state.api_key = value
        state.api_key_id = key.id

    def usage(self, plan_id: str, key_id: str) -> QuotaUsage | None:
        """What ``GetUsage`` would say for a key in a plan now (None: the plan has no quota)."""
        quota = self._directory.plan_quota(plan_id) if self._directory is not None else None
        if quota is None:
            return None
        return self._meters.quotas.usage((plan_id, key_id), quota, self._clock())

    def _source_text(self) -> str:
        if self._source == AUTHORIZER_SOURCE:
            return "the authorizer returned no usageIdentifierKey"
        return f"no {API_KEY_HEADER} header"

    def _reject(self, state: RequestState, operation: Operation, reason: str) -> NoReturn:
        logger.info("%s %s forbidden: %s", state.request_id, operation.route_key, reason)
        raise invalid_api_key()

    def _throttled(self, state: RequestState, operation: Operation, plan_id: str,
                   key_id: str, limit: str) -> NoReturn:
        logger.info("%s API Key %s exceeded throttle limit for API Stage %s/%s: Key throttle "
                    "limit exceeded for Usage Plan ID %s, RestApi %s, Stage %s, Method %s. %s",
                    state.request_id, key_id, self._api_id, self._stage, plan_id,
                    self._api_id, self._stage, operation.route_key, limit)
        raise throttled(self._kind)


def build_api_key_step(api: ApiModel, context: PolicyContext) -> PolicyStep | None:
    """The API key step of a REST API with key-protected methods, else None."""
    if api.kind != "REST":
        return None
    required = key_required_routes(api)
    if not required:
        return None
    directory: UsagePlanDirectory | None = None
    source = None
    if context.aws is not None:
        directory = UsagePlanDirectory(context.settings.account_id, context.settings.region)
        source = directory.api_key_source(api.config.api_id)
    else:
        logger.warning("%s: no AWS environment; no API key can be valid",
                       api.config.logical_id)
    if source is None:
        source = str(api.config.definition.get(API_KEY_SOURCE_KEY) or HEADER_SOURCE).upper()
    if source not in (HEADER_SOURCE, AUTHORIZER_SOURCE):
        logger.warning("%s: unknown API key source %r; using HEADER", api.config.logical_id,
                       source)
        source = HEADER_SOURCE
    logger.debug("%s stage %s: %d methods require an API key (source %s)",
                 api.config.logical_id, api.stage, len(required), source)
    method_keys = {operation.route_key: usage_plan_method_key(operation)
                   for operation in api.operations if operation.route_key in required}
    return ApiKeyStep(api, method_keys, source, directory, _meters_for(context.aws),
                      context.clock)
