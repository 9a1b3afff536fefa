"""Lambda authorizers: REST TOKEN / REQUEST and HTTP API REQUEST (payload 1.0 and 2.0).

Copies
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html,
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html
and https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html:

* Events. REST TOKEN: ``{type: "TOKEN", authorizationToken, methodArn}`` (the whole header
  value). REST REQUEST: ``type``, ``methodArn`` and the proxy event's ``resource``, ``path``,
  ``httpMethod``, ``headers``, ``multiValueHeaders``, query maps, ``pathParameters``,
  ``stageVariables``, ``requestContext`` - no body. HTTP 1.0: the same plus ``version``,
  ``identitySource`` and ``authorizationToken`` (identity values comma-joined). HTTP 2.0:
  ``version``, ``type``, ``routeArn``, ``identitySource`` (list), ``routeKey``, ``rawPath``,
  ``rawQueryString``, ``cookies``, ``headers``, ``queryStringParameters``,
  ``requestContext``, ``pathParameters``, ``stageVariables``.
* Answers. An IAM policy (``principalId``, ``policyDocument``, optional ``context`` and, on
  REST, ``usageIdentifierKey``) evaluated against the request's ARN, or - HTTP 2.0 with
  ``enableSimpleResponses`` - ``{isAuthorized, context}``.
* What the integration sees in ``requestContext.authorizer``. REST: the context with every
  value stringified (``1`` -> ``"1"``, ``true`` -> ``"true"``, ``null`` stays ``null``;
  an object or array is a 500 AuthorizerConfigurationException), then ``principalId`` and
  ``integrationLatency`` (ms of the authorizer call, 0 from the cache) - observed on AWS in
  DefinitelyTyped#69823, serverless-offline#1376. HTTP payload 2.0 integration:
  ``{"lambda": context}`` with JSON types kept (arrays and maps are allowed there). HTTP
  payload 1.0 integration: the context keys at the top, then ``principalId`` (when the
  answer had one) and ``integrationLatency`` (an emulator choice: AWS does not document it).
* Failures: a function error whose message is exactly ``Unauthorized`` is a 401; any other
  error or a timeout a 500 (see :mod:`.rejections`); an answer that cannot be read a 500.
* Caching per :mod:`.cache`, keyed by the identity values; the policy is re-evaluated per
  request, a simple answer applies to every route.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from emulator.errors import EmulatorError, GatewayError, SpecError
from emulator.events import payload_format_version
from emulator.events.http_v1 import build_http_v1_event
from emulator.events.http_v2 import build_http_v2_event
from emulator.events.rest_v1 import build_rest_event
from emulator.http import HttpRequest
from emulator.policy.authorizers import rejections
from emulator.policy.authorizers.base import rejected, request_arn
from emulator.policy.authorizers.cache import TtlCache
from emulator.policy.authorizers.config import AuthorizerConfig
from emulator.policy.authorizers.iam_policy import Policy, PolicyError, parse_policy
from emulator.policy.authorizers.identity import identity_values
from emulator.policy.pipeline import PolicyContext, RequestState
from emulator.responses import scalar_text
from emulator.routing import RouteMatch
from emulator.runtime import CallerTimeout, TooManyRequests
from emulator.spec import ApiModel

logger = logging.getLogger(__name__)


class AnswerError(EmulatorError):
    """An authorizer answer API Gateway cannot use (configuration error)."""


@dataclass(frozen=True)
class Answer:
    """A successful authorizer call, normalised; this is what the cache holds."""

    policy: Policy | None  # None: a simple response
    authorized: bool
    principal_id: str | None
    context: Mapping[str, Any] | None
    usage_identifier_key: str | None


def _rest_context_value(key: str, value: Any) -> str | None:
    try:
        return scalar_text(value)
    except TypeError:
        raise AnswerError(f"context value {key!r} is a {type(value).__name__}; "
                          "only strings, numbers and booleans are allowed") from None


def parse_answer(payload: Any, *, kind: str, simple: bool) -> Answer:
    """Read an authorizer function's return value; :class:`AnswerError` if unusable."""
    if not isinstance(payload, Mapping):
        raise AnswerError(f"the authorizer returned {type(payload).__name__}, not an object")
    raw_context = payload.get("context")
    if raw_context is not None and not isinstance(raw_context, Mapping):
        raise AnswerError("context must be an object")
    context: dict[str, Any] | None = None
    if raw_context is not None:
        context = ({str(k): _rest_context_value(str(k), v) for k, v in raw_context.items()}
                   if kind == "REST" else dict(raw_context))
    if simple:
        authorized = payload.get("isAuthorized")
        if not isinstance(authorized, bool):
            raise AnswerError("a simple response needs a boolean isAuthorized")
        return Answer(None, authorized, None, context, None)
    principal = payload.get("principalId")
    if principal is None or isinstance(principal, (Mapping, list)):
        raise AnswerError("principalId is missing")
    try:
        policy = parse_policy(payload.get("policyDocument"))
    except PolicyError as exc:
        raise AnswerError(f"Could not parse policy: {exc}") from exc
    usage_key = payload.get("usageIdentifierKey")
    return Answer(policy, True, str(principal), context,
                  usage_key if isinstance(usage_key, str) and kind == "REST" else None)


def _without_body(event: dict[str, Any]) -> dict[str, Any]:
    event.pop("body", None)
    event.pop("isBase64Encoded", None)
    return event


class LambdaAuthorizer:
    """One Lambda authorizer of one API."""

    def __init__(self, config: AuthorizerConfig, api: ApiModel, context: PolicyContext) -> None:
        self.name = config.name
        self.config = config
        self._api = api
        self._context = context
        self._kind = api.kind
        self._pattern: re.Pattern[str] | None = None
        if config.validation_expression is not None:
            try:
                self._pattern = re.compile(config.validation_expression)
            except re.error as exc:
                raise SpecError(f"{api.config.logical_id}: authorizer {config.name}: "
                                f"identityValidationExpression does not compile: {exc}") from exc
        assert config.function_arn is not None
        function = context.stack.function_by_arn(config.function_arn)
        self._function_id = function.logical_id if function is not None else None
        if function is None:
            logger.warning("%s: authorizer %s names %s, which the stack does not define; "
                           "its requests will fail with 500", api.config.logical_id,
                           config.name, config.function_arn)
        self.cache: TtlCache[Answer] = TtlCache(config.ttl_s, context.clock)
        if config.ttl_s and not config.identity_sources:
            logger.warning("%s: authorizer %s caches without identity sources; caching is off",
                           api.config.logical_id, config.name)
            self.cache = TtlCache(0, context.clock)

    # -- the request path ------------------------------------------------------------------

    def authorize(self, request: HttpRequest, match: RouteMatch, scopes: tuple[str, ...],
                  state: RequestState) -> None:
        values, missing = identity_values(self.config.identity_sources, request, match,
                                          self._api, state.request_id)
        if values is None:
            raise self._reject(rejections.unauthorized(self._kind), match, state,
                               f"identity source {missing} is missing or empty")
        if self._pattern is not None and self._pattern.fullmatch(values[0]) is None:
            raise self._reject(rejections.unauthorized(self._kind), match, state,
                               "the token does not match identityValidationExpression")
        settings = self._context.settings
        arn = request_arn(self._api, settings.region, settings.account_id, request)
        answer = self.cache.get(values)
        latency_ms = 0
        if answer is None:
            started = time.perf_counter()
            answer = self._call(self._event(request, match, state, values, arn), match, state)
            latency_ms = int((time.perf_counter() - started) * 1000)
            self.cache.put(values, answer)
        self._decide(answer, arn, match, state)
        state.authorizer = self._integration_view(answer, latency_ms, match)
        if answer.usage_identifier_key is not None:
            state.usage_identifier_key = answer.usage_identifier_key

    def _decide(self, answer: Answer, arn: str, match: RouteMatch, state: RequestState) -> None:
        if answer.policy is None:
            if not answer.authorized:
                raise self._reject(rejections.access_denied(self._kind, explicit=True), match,
                                   state, "isAuthorized is false")
            return
        decision = answer.policy.evaluate(arn)
        if decision == "allow":
            return
        explicit = decision == "explicit_deny"
        raise self._reject(rejections.access_denied(self._kind, explicit=explicit), match, state,
                           f"{'an explicit Deny' if explicit else 'no Allow'} in the policy "
                           f"for {arn}")

    def _integration_view(self, answer: Answer, latency_ms: int,
                          match: RouteMatch) -> dict[str, Any]:
        if self._kind == "HTTP" and payload_format_version(self._api, match) == "2.0":
            return {"lambda": dict(answer.context) if answer.context is not None else None}
        view: dict[str, Any] = dict(answer.context or {})
        if answer.principal_id is not None:
            view["principalId"] = answer.principal_id
        view["integrationLatency"] = latency_ms
        return view

    # -- calling the function -----------------------------------------------------------------

    def _event(self, request: HttpRequest, match: RouteMatch, state: RequestState,
               values: tuple[str, ...], arn: str) -> dict[str, Any]:
        config = self.config
        if config.type == "token":
            return {"type": "TOKEN", "authorizationToken": values[0], "methodArn": arn}
        common: dict[str, Any] = {
            "request_id": state.request_id,
            "time_epoch_ms": int(self._context.clock() * 1000),
            "account_id": self._context.settings.account_id,
        }
        if self._kind == "REST":
            base = _without_body(build_rest_event(request, match, self._api, **common))
            return {"type": "REQUEST", "methodArn": arn, **base}
        if config.payload_format_version == "1.0":
            base = _without_body(build_http_v1_event(request, match, self._api, **common))
            base.pop("version", None)
            joined = ",".join(values)
            return {"version": "1.0", "type": "REQUEST", "methodArn": arn,
                    "identitySource": joined, "authorizationToken": joined, **base}
        base = _without_body(build_http_v2_event(request, match, self._api, **common))
        base.pop("version", None)
        return {"version": "2.0", "type": "REQUEST", "routeArn": arn,
                "identitySource": list(values), **base}

    def _call(self, event: dict[str, Any], match: RouteMatch, state: RequestState) -> Answer:
        kind = self._kind
        if self._function_id is None:
            raise self._reject(rejections.authorizer_configuration_error(kind), match, state,
                               f"function {self.config.function_arn} is not in the stack")
        timeout_s = self._context.settings.integration_timeout_ms / 1000
        try:
            result = self._context.runtime.invoke(self._function_id, event,
                                                  caller_timeout_s=timeout_s)
        except CallerTimeout:
            raise self._reject(rejections.authorizer_failure(kind), match, state,
                               f"the authorizer did not answer within {timeout_s:g} s") from None
        except TooManyRequests:
            raise self._reject(rejections.authorizer_configuration_error(kind), match, state,
                               "the authorizer function is throttled") from None
        if result.error is not None:
            if result.error.errorMessage == rejections.UNAUTHORIZED:
                raise self._reject(rejections.unauthorized(kind), match, state,
                                   "the authorizer failed with 'Unauthorized'")
            raise self._reject(rejections.authorizer_failure(kind), match, state,
                               f"the authorizer function failed: {result.error.errorType}")
        try:
            return parse_answer(result.payload, kind=kind, simple=self.config.simple_responses)
        except AnswerError as exc:
            raise self._reject(rejections.authorizer_configuration_error(kind), match, state,
                               f"Execution failed due to configuration error: {exc}") from None

    def _reject(self, error: GatewayError, match: RouteMatch, state: RequestState,
                reason: str) -> GatewayError:
        return rejected(error, authorizer=self.name, match=match, state=state, reason=reason)
