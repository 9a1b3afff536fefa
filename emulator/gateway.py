"""API Gateway: the one place where a request walks the whole path to a Lambda and back.

request -> stage -> CORS preflight -> route -> integration (Lambda proxy | MOCK)
        -> event -> runtime -> proxy result -> HTTP response

Status codes and bodies follow API Gateway's documented behaviour for REST APIs
(https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html)
and HTTP APIs
(https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html):
a handler exception, a function timeout or a malformed result is a 502 (REST) or 500 (HTTP);
the integration timeout is a 504 (REST) or 503 (HTTP); the client never sees a traceback,
the log does.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence

from emulator import gateway_responses
from emulator.config import MAX_REQUEST_BYTES, Settings
from emulator.errors import GatewayError
from emulator.events import build_event
from emulator.http import HttpRequest, HttpResponse
from emulator.integrations import mock_response
from emulator.policy.cors import apply_cors, preflight_response
from emulator.policy.pipeline import PolicyStep, RequestState
from emulator.policy.responses import GatewayResponseRenderer
from emulator.responses import MalformedResponse, translate_result
from emulator.routing import RouteMatch, Router
from emulator.runtime import CallerTimeout, InvocationResult, Runtime, TooManyRequests
from emulator.runtime.core import new_request_id
from emulator.spec import ApiModel
from emulator.stack import Stack

logger = logging.getLogger(__name__)

#: Local-only response header carrying the Init Duration of a cold start, in ms.
COLD_START_HEADER = "X-Emulator-Cold-Start"

#: Sends a response to the client from another thread (the server's, for served requests).
LateAnswer = Callable[[HttpResponse], None]

#: (request, match, handler response, request id) -> the response to send.
ResponseCheck = Callable[[HttpRequest, RouteMatch, HttpResponse, str], HttpResponse]


class ApiGateway:
    """One deployed API stage: routes compiled once, then :meth:`handle` per request."""

    def __init__(self, api: ApiModel, runtime: Runtime, stack: Stack, settings: Settings, *,
                 policy: Sequence[PolicyStep] = (),
                 clock: Callable[[], float] = time.time,
                 id_factory: Callable[[], str] = new_request_id) -> None:
        self.api = api
        #: ``serve --validate-responses``: sees each handler response (see
        #: emulator.contract.response_validation) and returns it or a replacement.
        self.response_check: ResponseCheck | None = None
        self.policy = tuple(policy)
        self._responses = GatewayResponseRenderer(api)
        self.kind = api.kind
        self.stage = api.stage
        self._router = Router(api)
        self._runtime = runtime
        self._stack = stack
        self._settings = settings
        self._clock = clock
        self._new_id = id_factory
        # "$default" is served at the root; any other stage is the first path segment.
        self._stage_prefix = "" if api.stage == "$default" else "/" + api.stage

    def handle(self, request: HttpRequest,
               late_answer: LateAnswer | None = None) -> HttpResponse:
        """Answer one request whose ``path`` still carries the stage prefix.

        A caller passing ``late_answer`` lets a warm Lambda run on its thread: a 502 at the
        function timeout or a 504 at the integration timeout then goes to ``late_answer``
        (from the runtime's watchdog) and this call raises
        :class:`~emulator.runtime.AnsweredAtDeadline` when the handler finally lets go.
        """
        request_id = self._new_id()
        state = RequestState(request_id=request_id)
        late: Callable[[GatewayError], None] | None = None
        if late_answer is not None:
            def late(error: GatewayError) -> None:
                late_answer(self._error_response(error, request, state))
        try:
            response = self._dispatch(request, state, late)
        except GatewayError as error:
            return self._error_response(error, request, state)
        response = _add_headers(response, ((gateway_responses.LAYER_HEADER, state.layer),))
        return self._with_request_headers(response, request_id)

    def _error_response(self, error: GatewayError, request: HttpRequest,
                        state: RequestState) -> HttpResponse:
        request_id = state.request_id
        logger.info("%s %s %s -> %d gateway response %s", request_id, request.method,
                    request.path, error.status, error.response_type)
        response = self._responses.render(error, request=request, request_id=request_id,
                                          state=state)
        layer = error.layer or gateway_responses.layer_of(error.response_type)
        response = _add_headers(response, ((gateway_responses.LAYER_HEADER, layer),))
        return self._with_request_headers(response, request_id)

    def _dispatch(self, request: HttpRequest, state: RequestState,
                  late: Callable[[GatewayError], None] | None) -> HttpResponse:
        if len(request.body) > MAX_REQUEST_BYTES:
            raise gateway_responses.request_too_large(self.kind)
        request = self._strip_stage(request)
        if self.api.cors is not None:
            preflight = preflight_response(self.api.cors, request)
            if preflight is not None:
                state.layer = "cors"
                return preflight
        match = self._router.match(request.method, request.path)
        if match is None:
            raise gateway_responses.missing_route(self.kind)
        for step in self.policy:
            step.check(request, match, state)
        response = self._integrate(request, match, state, late)
        if self.api.cors is not None:
            response = apply_cors(self.api.cors, request, response)
        return response

    def _strip_stage(self, request: HttpRequest) -> HttpRequest:
        if not self._stage_prefix:
            return request
        path = request.path
        prefix = self._stage_prefix
        if path == prefix:
            return _with_path(request, "/")
        if not path.startswith(prefix + "/"):
            raise gateway_responses.unknown_stage(self.kind)
        return _with_path(request, path[len(prefix):])

    def _integrate(self, request: HttpRequest, match: RouteMatch, state: RequestState,
                   late: Callable[[GatewayError], None] | None) -> HttpResponse:
        request_id = state.request_id
        operation = match.operation
        integration = operation.integration
        if integration is None:
            logger.error("%s %s has no x-amazon-apigateway-integration", self.api.config.logical_id,
                         operation.route_key)
            raise gateway_responses.api_configuration_error(self.kind)
        if integration.type == "mock":
            state.layer = "mock"
            return mock_response(operation, request)
        if integration.type != "aws_proxy" or integration.function_arn is None:
            logger.error("%s %s: integration type %r is not emulated (only aws_proxy and mock)",
                         self.api.config.logical_id, operation.route_key, integration.type)
            raise gateway_responses.api_configuration_error(self.kind)
        function = self._stack.function_by_arn(integration.function_arn)
        if function is None:
            logger.error("%s %s: integration names %s, which the stack does not define",
                         self.api.config.logical_id, operation.route_key,
                         integration.function_arn)
            raise gateway_responses.internal_error(self.kind)

        api_key = (state.api_key, state.api_key_id or "") if state.api_key else None
        event = build_event(request, match, self.api, request_id=request_id,
                            time_epoch_ms=int(self._clock() * 1000),
                            account_id=self._settings.account_id,
                            authorizer=state.authorizer, api_key=api_key,
                            iam_caller=state.iam_caller)
        def failure(outcome: CallerTimeout | InvocationResult) -> GatewayError:
            if isinstance(outcome, CallerTimeout):
                logger.error("%s %s: integration timed out after %d ms", request_id,
                             operation.route_key, integration.timeout_ms)
                return gateway_responses.integration_timeout(self.kind)
            assert outcome.error is not None
            logger.error("%s %s: Lambda execution failed: %s: %s", request_id,
                         operation.route_key, outcome.error.errorType,
                         outcome.error.errorMessage)
            return gateway_responses.integration_failure(self.kind)

        answer_late = None if late is None else (lambda outcome: late(failure(outcome)))
        try:
            result = self._runtime.invoke(function.logical_id, event,
                                          caller_timeout_s=integration.timeout_ms / 1000,
                                          event_owned=True, late_answer=answer_late)
        except CallerTimeout as exc:
            raise failure(exc) from None
        except TooManyRequests:
            logger.error("%s %s: Lambda throttled %s (reserved concurrency reached)",
                         request_id, operation.route_key, function.name)
            raise gateway_responses.internal_error(self.kind) from None

        if result.error is not None:
            raise failure(result)
        try:
            response = translate_result(result.payload, api=self.api,
                                        payload_format_version=integration.payload_format_version,
                                        request=request)
        except MalformedResponse as exc:
            logger.error("%s %s: Execution failed due to configuration error: "
                         "Malformed Lambda proxy response: %s", request_id,
                         operation.route_key, exc)
            raise gateway_responses.integration_failure(self.kind) from None
        if self.response_check is not None:
            checked = self.response_check(request, match, response, request_id)
            if checked is not response:
                state.layer = "response-validator"
            response = checked
        if result.cold_start and result.init_duration_ms is not None:
            response = _add_headers(response,
                                    ((COLD_START_HEADER, f"{result.init_duration_ms:.2f}"),))
        return response

    def _with_request_headers(self, response: HttpResponse, request_id: str) -> HttpResponse:
        if self.kind == "REST":
            extra: tuple[tuple[str, str], ...] = (
                ("x-amzn-RequestId", request_id),
                ("x-amz-apigw-id", _apigw_id(request_id)),
            )
        else:
            extra = (("apigw-requestid", _apigw_id(request_id)),)
        return _add_headers(response, extra)


# Plain constructor calls: dataclasses.replace re-inspects the fields on every call.
def _with_path(request: HttpRequest, path: str) -> HttpRequest:
    return HttpRequest(request.method, path, request.raw_query, request.headers, request.body,
                       request.source_ip, request.host, request.protocol)


def _add_headers(response: HttpResponse,
                 extra: tuple[tuple[str, str], ...]) -> HttpResponse:
    return HttpResponse(response.status, response.headers + extra, response.body)


def _apigw_id(request_id: str) -> str:
    # The extended request id API Gateway sends is 16 url-safe characters.
    return request_id.replace("-", "")[:14].upper() + "="
