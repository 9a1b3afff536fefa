"""Stage and route throttling: the per-method limits of a deployed stage.

Copies API Gateway's stage-level throttling
(https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html):

* REST APIs: the Stage's ``MethodSettings`` (``ThrottlingRateLimit`` /
  ``ThrottlingBurstLimit`` per ``ResourcePath`` + ``HttpMethod``; ``"/*"`` + ``"*"`` is the
  stage default, which every method gets for itself). ``ResourcePath`` is written as
  CloudFormation documents it, ``/~1resource~1sub`` (``~1`` is ``/``), or plainly
  (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-apigateway-stage-methodsetting.html).
  A stage made by a Deployment's ``StageDescription`` takes its ``MethodSettings`` and its
  own ``ThrottlingRateLimit`` / ``ThrottlingBurstLimit`` (the stage default).
* HTTP APIs: the Stage's ``DefaultRouteSettings`` and ``RouteSettings`` keyed by route key
  (``"GET /pets"``, ``"$default"``)
  (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html).
  A route setting overrides the default one value at a time.

Each method (route) has one token bucket shared by every client; a request that finds it
empty gets 429 ``{"message":"Too Many Requests"}`` (REST: ``x-amzn-ErrorType:
TooManyRequestsException``, gateway response type ``THROTTLED``). A limit left unset takes
the account-level default (10,000 requests per second, burst 5,000), which is otherwise
not enforced. The clock is :attr:`PolicyContext.clock`.

The 429 constructors for usage plans (``THROTTLED``, ``QUOTA_EXCEEDED`` with ``{"message":
"Limit Exceeded"}`` and ``LimitExceededException``) live here too, per
https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from emulator.errors import GatewayError
from emulator.http import HttpRequest
from emulator.policy.buckets import BucketTable, ThrottleLimit
from emulator.policy.pipeline import PolicyContext, PolicyStep, RequestState
from emulator.routing import RouteMatch
from emulator.spec import ApiModel, Operation
from emulator.stack import ApiKind

logger = logging.getLogger(__name__)

#: Account-level throttle per Region (the documented default quota).
ACCOUNT_RATE_LIMIT = 10_000.0
ACCOUNT_BURST_LIMIT = 5_000

_WILDCARD_PATH = "/*"
_WILDCARD_METHOD = "*"


def throttled(kind: ApiKind) -> GatewayError:
    """429 for a throttle (stage, route or usage plan)."""
    if kind == "REST":
        return GatewayError(429, {"message": "Too Many Requests"}, response_type="THROTTLED",
                            error_type="TooManyRequestsException")
    return GatewayError(429, {"message": "Too Many Requests"}, response_type="THROTTLED")


def quota_exceeded() -> GatewayError:
    """429 for a usage plan quota used up (REST APIs only have usage plans)."""
    return GatewayError(429, {"message": "Limit Exceeded"}, response_type="QUOTA_EXCEEDED",
                        error_type="LimitExceededException")


def _number(value: Any, convert: Callable[[Any], float | int], where: str) -> Any:
    if value is None:
        return None
    try:
        return convert(value)
    except (TypeError, ValueError):
        logger.warning("%s: ignoring a non-numeric throttling value %r", where, value)
        return None


def _partial(settings: Any, where: str) -> tuple[float | None, int | None]:
    """(rate, burst) of one settings object; either may be unset."""
    if not isinstance(settings, Mapping):
        return None, None
    rate = _number(settings.get("ThrottlingRateLimit"), float, where)
    burst = _number(settings.get("ThrottlingBurstLimit"), lambda v: int(float(v)), where)
    return rate, burst


def _merge(specific: tuple[float | None, int | None],
           default: tuple[float | None, int | None]) -> ThrottleLimit | None:
    rate = specific[0] if specific[0] is not None else default[0]
    burst = specific[1] if specific[1] is not None else default[1]
    if rate is None and burst is None:
        return None
    return ThrottleLimit(rate=ACCOUNT_RATE_LIMIT if rate is None else max(0.0, rate),
                         burst=ACCOUNT_BURST_LIMIT if burst is None else max(0, burst))


def _resource_path(raw: Any) -> str:
    text = str(raw or "")
    if "~1" in text:
        # CloudFormation's encoding: "/~1pets~1{id}" is /pets/{id}; "/" is the root.
        text = "/" + text.lstrip("/").replace("~1", "/").lstrip("/")
    return text or "/"


def _rest_limits(api: ApiModel) -> dict[str, ThrottleLimit]:
    props = api.config.stage_properties
    where = f"{api.config.logical_id} stage {api.stage}"
    # A Deployment's StageDescription carries stage-wide limits of its own.
    stage_default = _partial(props, where)
    specific: dict[tuple[str, str], tuple[float | None, int | None]] = {}
    for setting in props.get("MethodSettings") or ():
        if not isinstance(setting, Mapping):
            continue
        path = _resource_path(setting.get("ResourcePath", _WILDCARD_PATH))
        method = str(setting.get("HttpMethod", _WILDCARD_METHOD)).upper()
        values = _partial(setting, where)
        if path == _WILDCARD_PATH and method == _WILDCARD_METHOD:
            stage_default = (values[0] if values[0] is not None else stage_default[0],
                             values[1] if values[1] is not None else stage_default[1])
        else:
            specific[(path, method)] = values
    limits: dict[str, ThrottleLimit] = {}
    for operation in api.operations:
        own = specific.get((operation.path, operation.method),
                           specific.get((operation.path, _WILDCARD_METHOD), (None, None)))
        limit = _merge(own, stage_default)
        if limit is not None:
            limits[operation.route_key] = limit
    return limits


def _http_limits(api: ApiModel) -> dict[str, ThrottleLimit]:
    props = api.config.stage_properties
    where = f"{api.config.logical_id} stage {api.stage}"
    default = _partial(props.get("DefaultRouteSettings"), where)
    routes = props.get("RouteSettings")
    route_settings: Mapping[str, Any] = routes if isinstance(routes, Mapping) else {}
    limits: dict[str, ThrottleLimit] = {}
    for operation in api.operations:
        limit = _merge(_partial(route_settings.get(operation.route_key), where), default)
        if limit is not None:
            limits[operation.route_key] = limit
    return limits


def operation_limits(api: ApiModel) -> Mapping[str, ThrottleLimit]:
    """Route key -> the stage's throttle for it (routes without a limit are absent)."""
    limits = _rest_limits(api) if api.kind == "REST" else _http_limits(api)
    return MappingProxyType(limits)


class StageThrottleStep:
    """One token bucket per method (route) of a stage, shared by all clients."""

    name = "stage_throttle"

    def __init__(self, api: ApiModel, limits: Mapping[str, ThrottleLimit],
                 clock: Callable[[], float]) -> None:
        self._api_name = f"{api.config.api_id}/{api.stage}"
        self._kind = api.kind
        self._limits = limits
        self._clock = clock
        self._buckets = BucketTable()

    def check(self, request: HttpRequest, match: RouteMatch, state: RequestState) -> None:
        operation: Operation = match.operation
        limit = self._limits.get(operation.route_key)
        if limit is None or self._buckets.try_take(operation.route_key, limit, self._clock()):
            return
        logger.info("%s throttled: stage %s method throttle exceeded for %s. %s",
                    state.request_id, self._api_name, operation.route_key, limit.describe())
        raise throttled(self._kind)


def build_stage_throttle_step(api: ApiModel, context: PolicyContext) -> PolicyStep | None:
    """The stage's throttle step, or None when the stage sets no limits."""
    limits = operation_limits(api)
    if not limits:
        return None
    logger.debug("%s stage %s: throttles %s", api.config.logical_id, api.stage,
                 {key: limit.describe() for key, limit in limits.items()})
    return StageThrottleStep(api, limits, context.clock)
