"""The policy steps a request passes between routing and the integration.

API Gateway checks, in this order (https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-protect.html,
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html,
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-request-validation.html):

1. stage / route throttling (method settings, HTTP API route settings)
2. the authorizer (Lambda TOKEN/REQUEST, Cognito user pool, JWT)
3. the API key and its usage plan (throttle and quota; the key may come from the authorizer)
4. the request validator (required parameters, body schema)

Each step is compiled once per API at start-up and then only checks; a rejection is a
:class:`~emulator.errors.GatewayError`. What a step learns (authorizer context, API key)
goes into :class:`RequestState`, which the event builder reads.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from emulator.config import Settings
from emulator.http import HttpRequest
from emulator.routing import RouteMatch
from emulator.spec import ApiModel
from emulator.stack import Stack

if TYPE_CHECKING:
    from emulator.aws import AwsEnvironment
    from emulator.runtime import Runtime


@dataclass
class RequestState:
    """Mutable per-request facts the policy steps establish, read by the event builder."""

    request_id: str
    #: ``requestContext.authorizer`` as the integration receives it (shape per API kind).
    authorizer: dict[str, Any] | None = None
    #: The API key value and id the request was accepted with (``identity.apiKey[Id]``).
    api_key: str | None = None
    api_key_id: str | None = None
    #: The SigV4 signer under IAM authorization: ``accessKey``, ``accountId``, ``caller``,
    #: ``user``, ``userArn`` of ``requestContext.identity`` (REST, HTTP payload 1.0).
    iam_caller: dict[str, str] | None = None
    #: ``usageIdentifierKey`` returned by a Lambda authorizer (API key source AUTHORIZER).
    usage_identifier_key: str | None = None
    #: Who answered when no step rejected: ``handler``, ``mock`` or ``cors`` (the
    #: local-only ``X-Emulator-Layer`` header; gateway rejections name their own layer).
    layer: str = "handler"


class PolicyStep(Protocol):
    """One check; raise GatewayError to reject, update ``state`` to pass facts on."""

    name: str

    def check(self, request: HttpRequest, match: RouteMatch, state: RequestState) -> None: ...


@dataclass(frozen=True)
class PolicyContext:
    """What steps may use: the runtime (authorizer functions), moto, the clock."""

    stack: Stack
    settings: Settings
    runtime: Runtime
    aws: AwsEnvironment | None = None
    #: Wall clock in seconds; tests inject a fake one to make TTLs, buckets and quotas exact.
    clock: Callable[[], float] = field(default=time.time)


StepFactory = Callable[[ApiModel, PolicyContext], "PolicyStep | None"]


def build_policy(api: ApiModel, context: PolicyContext) -> tuple[PolicyStep, ...]:
    """The steps this API needs, in API Gateway's order; APIs without policy get none."""
    from emulator.policy.api_keys import build_api_key_step
    from emulator.policy.authorizers import build_authorizer_step
    from emulator.policy.throttling import build_stage_throttle_step
    from emulator.policy.validation import build_validation_step

    factories: Sequence[StepFactory] = (build_stage_throttle_step, build_authorizer_step,
                                        build_api_key_step, build_validation_step)
    steps = (factory(api, context) for factory in factories)
    return tuple(step for step in steps if step is not None)
