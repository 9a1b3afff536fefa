"""API keys and usage plans as API Gateway holds them, read from moto's backend per request.

Copies what API Gateway checks for a method that requires an API key
(https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html):
the key must exist and be enabled, and it must belong (``CreateUsagePlanKey``) to a usage
plan whose ``apiStages`` include the API stage called. The plan gives a per-key throttle
(``throttle``, global to every API of the plan for that key), optional per-method throttles
for one stage (``apiStages[].throttle`` keyed ``"/resource/path/METHOD"``) and a quota.

Keys and plans live in moto's API Gateway backend, so what a template created and what a
user adds later through the AWS endpoint (``aws apigateway create-api-key``,
``create-usage-plan``, ``create-usage-plan-key``, ``update-usage-plan``) count alike on
the next request. Reading the backend's dictionaries directly costs a few dictionary
lookups, where a boto3 call per request would cost a millisecond.

moto internals used (checked against moto 5.1.22, :data:`MOTO_VERSION_CHECKED`):
``moto.apigateway.models.apigateway_backends[account][region]`` and, on that backend,
``keys`` (id -> ``ApiKey`` with ``id``, ``value``, ``enabled``), ``usage_plans``
(id -> ``UsagePlan`` with ``api_stages``, ``throttle``, ``quota`` as the JSON payload's
camelCase dictionaries, values as sent or as strings after a patch), ``usage_plan_keys``
(plan id -> key id -> ``UsagePlanKey``; left behind when a plan is deleted) and ``apis``
(id -> ``RestAPI`` with ``api_key_source``). ``tests/functional/test_api_keys*.py`` fail
if one of them changes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from emulator.aws.internals import MOTO_VERSION_CHECKED, MotoInternalsError
from emulator.policy.buckets import QuotaLimit, QuotaPeriod, ThrottleLimit

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ApiKeyRecord:
    """An API key's id and whether callers may use it (never its value)."""

    id: str
    enabled: bool
    name: str | None = None


@dataclass(frozen=True)
class PlanBinding:
    """The usage plan that meters one key on one API stage, for one method."""

    plan_id: str
    throttle: ThrottleLimit | None
    method_throttle: ThrottleLimit | None
    quota: QuotaLimit | None


def throttle_from(raw: Any) -> ThrottleLimit | None:
    """``{"rateLimit": r, "burstLimit": b}`` (camelCase or CloudFormation's PascalCase).

    A side left out is unlimited on that side, as far as the usage plan goes (the stage and
    account limits still apply); both left out means no throttle.
    """
    if not isinstance(raw, dict):  # moto keeps the JSON payload's dicts
        return None
    rate = raw.get("rateLimit", raw.get("RateLimit"))
    burst = raw.get("burstLimit", raw.get("BurstLimit"))
    if rate is None and burst is None:
        return None
    return _cached(_THROTTLES, (rate, burst), _parse_throttle)


def _parse_throttle(raw: tuple[Any, Any]) -> ThrottleLimit | None:
    rate, burst = raw
    try:
        return ThrottleLimit(rate=float(rate) if rate is not None else float("inf"),
                             burst=int(float(burst)) if burst is not None else 2**31 - 1)
    except (TypeError, ValueError) as exc:
        logger.warning("ignoring a malformed usage plan throttle (rate %r, burst %r): %s",
                       rate, burst, exc)
        return None


def quota_from(raw: Any) -> QuotaLimit | None:
    """``{"limit": n, "period": "DAY"|"WEEK"|"MONTH", "offset": k}`` (either case)."""
    if not isinstance(raw, dict):
        return None
    limit = raw.get("limit", raw.get("Limit"))
    period = raw.get("period", raw.get("Period"))
    if limit is None or period is None:
        return None
    offset = raw.get("offset", raw.get("Offset"))
    return _cached(_QUOTAS, (limit, period, offset), _parse_quota)


def _parse_quota(raw: tuple[Any, Any, Any]) -> QuotaLimit | None:
    limit, period, offset = raw
    try:
        return QuotaLimit(limit=int(limit), period=QuotaPeriod(str(period).upper()),
                          offset=int(offset or 0))
    except (TypeError, ValueError) as exc:
        logger.warning("ignoring a malformed usage plan quota (limit %r, period %r, "
                       "offset %r): %s", limit, period, offset, exc)
        return None


# Parsed limits by their raw values: plans are read on every request, and their values
# change only when someone updates a plan, so parsing (and validating) happens once per
# distinct value. Bounded in case a long session patches plans many times.
_THROTTLES: dict[Any, ThrottleLimit | None] = {}
_QUOTAS: dict[Any, QuotaLimit | None] = {}
_CACHE_LIMIT = 1024
_T = TypeVar("_T")
_R = TypeVar("_R")


def _cached(cache: dict[Any, _R], raw: _T, parse: Callable[[_T], _R]) -> _R:
    try:
        return cache[raw]
    except KeyError:
        pass
    except TypeError:  # an unhashable value (a list...): parse it, it will be refused
        return parse(raw)
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    parsed = cache[raw] = parse(raw)
    return parsed


@dataclass(frozen=True)
class KeyLookup:
    """What API Gateway finds for a key value: the key (None: unknown) and, for an enabled
    key, the plan that meters it on the API stage (None: in no plan for it)."""

    key: ApiKeyRecord | None
    binding: PlanBinding | None = None


class UsagePlanDirectory:
    """Read-only view of one account/region's API keys and usage plans in moto."""

    def __init__(self, account_id: str, region: str) -> None:
        self._account_id = account_id
        self._region = region
        # Key value -> key id. Key values never change (UpdateApiKey cannot patch them), so
        # the index only needs rebuilding when a value is not found or its key is gone.
        self._ids_by_value: dict[str, str] = {}
        self._backends: Any = None

    def _backend(self) -> Any:
        if self._backends is None:
            from moto.apigateway.models import apigateway_backends

            self._backends = apigateway_backends
        # Looked up on every call: a moto reset replaces the backend object.
        return self._backends[self._account_id][self._region]

    def _collections(self) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        backend = self._backend()
        keys = getattr(backend, "keys", None)
        plans = getattr(backend, "usage_plans", None)
        plan_keys = getattr(backend, "usage_plan_keys", None)
        if not (isinstance(keys, dict) and isinstance(plans, dict)
                and isinstance(plan_keys, dict)):
            raise MotoInternalsError(
                "moto's APIGatewayBackend.keys/usage_plans/usage_plan_keys are gone; "
                f"emulator/policy/usage_plans.py was checked against moto {MOTO_VERSION_CHECKED}")
        return keys, plans, plan_keys

    def api_key_source(self, api_id: str) -> str | None:
        """``apiKeySource`` (HEADER | AUTHORIZER) of a REST API moto knows, else None."""
        api = getattr(self._backend(), "apis", {}).get(api_id)
        source = getattr(api, "api_key_source", None)
        return str(source).upper() if source else None

    def lookup(self, value: str, api_id: str, stage: str, method_key: str) -> KeyLookup:
        """The key whose value is ``value`` and the plan metering it on ``api_id``/``stage``.

        ``method_key`` is ``"/resource/path/METHOD"``, the form of ``apiStages[].throttle``
        keys. API Gateway lets a key join only one plan per API stage, so the first plan
        found (lowest id first) is the only one on a real account.
        """
        keys, plans, plan_keys = self._collections()
        key = self._key(keys, value)
        if key is None:
            return KeyLookup(None)
        enabled = key.enabled
        if isinstance(enabled, str):
            enabled = enabled.lower() == "true"
        record = ApiKeyRecord(id=str(key.id), enabled=bool(enabled), name=key.name)
        if not record.enabled:
            return KeyLookup(record)
        # dict(...) copies in one C call: a plan key added meanwhile by the AWS endpoint's
        # thread cannot break the iteration.
        member_of = [plan_id for plan_id, members in dict(plan_keys).items()
                     if record.id in members]
        if len(member_of) > 1:
            member_of.sort()
        for plan_id in member_of:
            plan = plans.get(plan_id)
            if plan is None:  # deleted plans leave their usage_plan_keys entry behind
                continue
            for api_stage in plan.api_stages or ():
                if not isinstance(api_stage, dict) or api_stage.get("apiId") != api_id \
                        or api_stage.get("stage") != stage:
                    continue
                methods = api_stage.get("throttle")
                method_throttle = (throttle_from(methods.get(method_key))
                                   if isinstance(methods, dict) else None)
                return KeyLookup(record, PlanBinding(
                    plan_id=str(plan_id), throttle=throttle_from(plan.throttle),
                    method_throttle=method_throttle, quota=quota_from(plan.quota)))
        return KeyLookup(record)

    def _key(self, keys: dict[str, Any], value: str) -> Any:
        key_id = self._ids_by_value.get(value)
        key = keys.get(key_id) if key_id is not None else None
        if key is not None and key.value == value:
            return key
        self._ids_by_value = {str(item.value): item_id
                              for item_id, item in dict(keys).items()}
        key_id = self._ids_by_value.get(value)
        return keys.get(key_id) if key_id is not None else None

    def plan_quota(self, plan_id: str) -> QuotaLimit | None:
        """The quota of a plan, for usage reports."""
        _, plans, _ = self._collections()
        plan = plans.get(plan_id)
        return quota_from(plan.quota) if plan is not None else None
