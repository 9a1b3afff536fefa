"""Gateway responses: how a rejection made by API Gateway itself is written to the client.

Defaults are API Gateway's (``{"message": ...}`` JSON with ``x-amzn-ErrorType`` on REST APIs).
A REST API's ``x-amazon-apigateway-gateway-responses`` customise them per response type
(https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-gatewayResponse-definition.html,
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-gateway-responses.gatewayResponse.html):

* ``statusCode`` replaces the status; without one the error keeps its own (AWS sends a
  customised ``INTEGRATION_FAILURE`` without a status as the 502 it was - DataBiosphere/azul#7470).
* A type without a customisation falls back to ``DEFAULT_4XX`` or ``DEFAULT_5XX`` by the
  class of its status ("If the response type is unspecified, this response defaults to the
  DEFAULT_4XX type" - https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html).
  A customisation replaces the whole default (status, headers, templates); nothing is merged.
* ``responseParameters`` map ``gatewayresponse.header.<name>`` from a ``'literal'``, from
  ``method.request.{header,multivalueheader,querystring,multivaluequerystring,path}.<name>``,
  ``stageVariables.<name>`` or ``context.<path>``; a value the request lacks sets no header.
  SAM's ``QueryStrings`` / ``Paths`` (``gatewayresponse.querystring|path``) mean nothing on a
  response and are ignored.
* ``responseTemplates`` are keyed by content type; the one for the first media type of
  ``Accept`` is used, else ``application/json``, else the first; its key is the
  ``Content-Type``. Templates are "not processed by the VTL engine": only references are
  substituted (:func:`compile_template`). ``x-amzn-ErrorType`` is still sent, as AWS does on
  customised responses (azul#7470).
* HTTP APIs have no gateway responses: their errors always use the default rendering.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from emulator.errors import GatewayError, SpecError
from emulator.gateway_responses import RESPONSE_TYPE_STATUS, RequestValidationError
from emulator.http import HttpRequest, HttpResponse, first_accept_type, parse_query
from emulator.policy.response_templates import (
    TemplatePart,
    as_text,
    compile_template,
    lookup,
    render_template,
)
from emulator.routing import Router
from emulator.spec import ApiModel

if TYPE_CHECKING:
    from emulator.policy.pipeline import RequestState

logger = logging.getLogger(__name__)

_EXTENSION = "x-amazon-apigateway-gateway-responses"
_HEADER_TARGET = "gatewayresponse.header."
_IGNORED_TARGETS = ("gatewayresponse.querystring.", "gatewayresponse.path.")


# ---------------------------------------------------------------------------------------------
# Compiled customisations
# ---------------------------------------------------------------------------------------------

ParameterSource = Callable[["_Variables"], "str | None"]


@dataclass(frozen=True)
class Customisation:
    """One response type's ``statusCode``, header mappings and templates, compiled."""

    status: int | None
    headers: tuple[tuple[str, ParameterSource], ...]
    #: ``(content type, compiled template)`` in definition order.
    templates: tuple[tuple[str, tuple[TemplatePart, ...]], ...]

    def template_for(self, accept: str | None) -> tuple[str, tuple[TemplatePart, ...]] | None:
        if not self.templates:
            return None
        by_type = dict(self.templates)
        wanted = first_accept_type(accept)
        if wanted is not None and wanted in by_type:
            return wanted, by_type[wanted]
        if "application/json" in by_type:
            return "application/json", by_type["application/json"]
        return self.templates[0]


class _Variables:
    """What templates and parameter mappings read, built only when a customisation applies."""

    def __init__(self, renderer: GatewayResponseRenderer, error: GatewayError,
                 request: HttpRequest, request_id: str, state: RequestState | None) -> None:
        self.request = request
        query = parse_query(request.raw_query)
        self.query: dict[str, list[str]] = {}
        for key, value in query:
            self.query.setdefault(key, []).append(value)
        routed = renderer.route(request)
        self.path_parameters: Mapping[str, str] = routed[1] if routed else {}
        resource_path = routed[0] if routed else ""
        message = error.body.get("message", error.body.get("Message", ""))
        authorizer: Mapping[str, Any] | None = state.authorizer if state is not None else None
        if authorizer is None and isinstance(error, RequestValidationError):
            authorizer = error.authorizer
        validation = (error.validation_error_string
                      if isinstance(error, RequestValidationError) else "")
        api = renderer.api
        self.context: dict[str, Any] = {
            "requestId": request_id,
            "extendedRequestId": extended_request_id(request_id),
            "stage": api.stage,
            "apiId": api.config.api_id,
            "resourcePath": resource_path,
            "httpMethod": request.method,
            "path": request.path,
            "protocol": request.protocol,
            "domainName": request.host.split(":", 1)[0],
            "identity": {"sourceIp": request.source_ip,
                         "userAgent": request.header("User-Agent")},
            "authorizer": dict(authorizer) if authorizer else {},
            "error": {
                "message": as_text(message),
                "messageString": json.dumps(as_text(message)),
                "responseType": error.response_type,
                "validationErrorString": validation,
            },
        }
        self.stage_variables = dict(api.config.stage_variables)
        body = request.body.decode("utf-8", errors="replace")
        self.template_variables: dict[str, Any] = {
            "context": self.context,
            "stageVariables": self.stage_variables,
            "input": {"body": body, "params": {
                "path": dict(self.path_parameters),
                "querystring": {key: values[-1] for key, values in self.query.items()},
                "header": {key.lower(): value for key, value in request.headers},
            }},
        }


def extended_request_id(request_id: str) -> str:
    """The ``x-amz-apigw-id`` the gateway derives from a request id (16 characters)."""
    return request_id.replace("-", "")[:14].upper() + "="


def _parameter_source(source: Any, where: str) -> ParameterSource:
    if not isinstance(source, str):
        raise SpecError(f"{where}: a response parameter value must be a string, got {source!r}")
    if len(source) >= 2 and source.startswith("'") and source.endswith("'"):
        literal = source[1:-1]
        return lambda _variables: literal
    kind, _, name = source.partition(".request.")
    if kind == "method" and name:
        location, _, key = name.partition(".")
        if location == "header":
            return lambda v: v.request.header(key)
        if location == "multivalueheader":
            return lambda v: ",".join(v.request.header_values(key)) or None
        if location == "querystring":
            return lambda v: v.query[key][-1] if key in v.query else None
        if location == "multivaluequerystring":
            return lambda v: ",".join(v.query.get(key) or []) or None
        if location == "path":
            return lambda v: v.path_parameters.get(key)
    if source.startswith("stageVariables."):
        variable = source[len("stageVariables."):]
        return lambda v: v.stage_variables.get(variable)
    if source.startswith("context."):
        segments = tuple((name_, None) for name_ in source[len("context."):].split("."))
        return lambda v: as_text(lookup(v.context, segments)) or None
    raise SpecError(f"{where}: unsupported response parameter value {source!r} (use 'literal', "
                    "method.request.*, stageVariables.* or context.*)")


def compile_customisation(response_type: str, raw: Any, where: str) -> Customisation:
    """One entry of ``x-amazon-apigateway-gateway-responses``; :class:`SpecError` if invalid."""
    where = f"{where}: {_EXTENSION}.{response_type}"
    if not isinstance(raw, Mapping):
        raise SpecError(f"{where} must be an object")
    status_raw = raw.get("statusCode")
    status: int | None = None
    if status_raw is not None:
        text = str(status_raw)
        if len(text) != 3 or not text.isdigit() or text[0] not in "12345":
            raise SpecError(f"{where}: statusCode must match [1-5]\\d\\d, got {status_raw!r}")
        status = int(text)
    parameters = raw.get("responseParameters") or {}
    templates = raw.get("responseTemplates") or {}
    if not isinstance(parameters, Mapping) or not isinstance(templates, Mapping):
        raise SpecError(f"{where}: responseParameters and responseTemplates must be objects")
    headers: list[tuple[str, ParameterSource]] = []
    for target, source in parameters.items():
        if isinstance(target, str) and target.startswith(_HEADER_TARGET):
            headers.append((target[len(_HEADER_TARGET):], _parameter_source(source, where)))
        elif isinstance(target, str) and target.startswith(_IGNORED_TARGETS):
            logger.debug("%s: %s has no meaning on a response; ignored", where, target)
        else:
            raise SpecError(f"{where}: response parameter {target!r} must be "
                            "gatewayresponse.header.<name>")
    compiled: list[tuple[str, tuple[TemplatePart, ...]]] = []
    for content_type, template in templates.items():
        if not isinstance(template, str):
            raise SpecError(f"{where}: the {content_type} template must be a string")
        compiled.append((str(content_type).lower(), compile_template(template)))
    return Customisation(status=status, headers=tuple(headers), templates=tuple(compiled))


class GatewayResponseRenderer:
    """Renders a :class:`GatewayError` for one API (customisations compiled once per API)."""

    def __init__(self, api: ApiModel) -> None:
        self.api = api
        self._customisations: dict[str, Customisation] = {}
        self._router: Router | None = None
        self._stage_prefix = "" if api.stage == "$default" else "/" + api.stage
        if api.kind != "REST":
            if api.gateway_responses:
                logger.warning("%s: %s applies to REST APIs only; ignored on this HTTP API",
                               api.config.logical_id, _EXTENSION)
            return
        for response_type, raw in api.gateway_responses.items():
            if response_type not in RESPONSE_TYPE_STATUS:
                raise SpecError(f"{api.config.logical_id}: {_EXTENSION}: unknown response type "
                                f"{response_type!r}")
            self._customisations[response_type] = compile_customisation(
                response_type, raw, api.config.logical_id)
        if self._customisations:
            self._router = Router(api)

    def customisation_for(self, error: GatewayError) -> Customisation | None:
        """The customisation that applies to ``error``: its type's, else its class default."""
        if error.response_type not in RESPONSE_TYPE_STATUS:
            return None
        found = self._customisations.get(error.response_type)
        if found is None:
            fallback = "DEFAULT_5XX" if error.status >= 500 else "DEFAULT_4XX"
            found = self._customisations.get(fallback)
        return found

    def route(self, request: HttpRequest) -> tuple[str, Mapping[str, str]] | None:
        """(resource path, path parameters) of the request, if it matches a resource."""
        if self._router is None:
            return None
        path = request.path
        if self._stage_prefix:
            if path == self._stage_prefix:
                path = "/"
            elif path.startswith(self._stage_prefix + "/"):
                path = path[len(self._stage_prefix):]
            else:
                return None
        match = self._router.match(request.method, path)
        if match is None:
            return None
        return match.operation.path, match.path_parameters

    def render(self, error: GatewayError, *, request: HttpRequest, request_id: str,
               state: RequestState | None = None) -> HttpResponse:
        customisation = self.customisation_for(error) if self._customisations else None
        if customisation is None:
            return _default_response(error)
        variables = _Variables(self, error, request, request_id, state)
        chosen = customisation.template_for(request.header("Accept"))
        if chosen is None:
            content_type = "application/json"
            body = _default_body(error)
        else:
            content_type, parts = chosen
            body = render_template(parts, variables.template_variables).encode()
        headers: list[tuple[str, str]] = [("Content-Type", content_type)]
        if error.error_type:
            headers.append(("x-amzn-ErrorType", error.error_type))
        headers.extend(error.headers.items())
        for name, source in customisation.headers:
            value = source(variables)
            if value is None:
                continue
            headers = [(key, old) for key, old in headers if key.lower() != name.lower()]
            headers.append((name, value))
        status = customisation.status if customisation.status is not None else error.status
        return HttpResponse(status=status, headers=tuple(headers), body=body)


def _default_body(error: GatewayError) -> bytes:
    return json.dumps(dict(error.body), separators=(",", ":")).encode()


def _default_response(error: GatewayError) -> HttpResponse:
    headers: list[tuple[str, str]] = [("Content-Type", "application/json")]
    if error.error_type:
        headers.append(("x-amzn-ErrorType", error.error_type))
    headers.extend(error.headers.items())
    return HttpResponse(status=error.status, headers=tuple(headers), body=_default_body(error))
