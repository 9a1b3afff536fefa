"""REST API request validators: required parameters and the body model, before the handler.

Copies API Gateway's basic request validation
(https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-request-validation.html,
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-request-validators.html,
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-request-validator.html):

* ``x-amazon-apigateway-request-validators`` names validators, each with
  ``validateRequestBody`` / ``validateRequestParameters``; ``x-amazon-apigateway-request-validator``
  at the root is every method's default and on an operation overrides it. A method without a
  validator is not validated. Naming a validator that is not defined fails the deployment.
  SAM's ``RequestModel`` (``ValidateBody`` / ``ValidateParameters``) and ``RequestParameters``
  become exactly these (validators ``body-only``, ``params-only``, ``body-and-params``).
* Parameters: every ``required`` query string, header and path parameter must be present
  and non-blank ("included and non-blank"), else 400
  ``{"message": "Missing required request parameters: [a, b]"}``, the names sorted as AWS's
  ``method.request.<location>.<name>`` keys sort (header, then path, then querystring);
  header names are case-insensitive. Parameter *types* are not checked (AWS checks presence).
* Body: the model for the request's content type (:mod:`emulator.policy.validation_models`);
  an empty body is checked as ``{}`` and an unparsable one fails, 400
  ``{"message": "Invalid request body"}``. A body the definition marks ``required`` must be there.
* Parameters are checked before the body. HTTP APIs have no request validators.

Every rejection is logged with the request id, the validator, and the precise reason (which
parameters, which schema errors), so a gateway 400 is never mistaken for the handler's; the
schema errors also become ``$context.error.validationErrorString``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from emulator import gateway_responses
from emulator.errors import SpecError
from emulator.http import HttpRequest, media_type, parse_query
from emulator.policy.pipeline import PolicyContext, PolicyStep, RequestState
from emulator.policy.validation_models import BodyRule, ModelCompiler, body_rule
from emulator.routing import RouteMatch
from emulator.spec import ApiModel, Operation

logger = logging.getLogger(__name__)

VALIDATORS_KEY = "x-amazon-apigateway-request-validators"
VALIDATOR_KEY = "x-amazon-apigateway-request-validator"
#: OpenAPI ``in`` -> API Gateway's ``method.request.<location>``; cookies are not imported.
_LOCATIONS = {"query": "querystring", "header": "header", "path": "path"}


@dataclass(frozen=True)
class RequestValidator:
    """One entry of ``x-amazon-apigateway-request-validators``."""

    name: str
    body: bool
    parameters: bool


@dataclass(frozen=True)
class RequiredParameter:
    """``method.request.<location>.<name>: true``."""

    location: str  # "header" | "path" | "querystring"
    name: str

    @property
    def key(self) -> str:
        return f"method.request.{self.location}.{self.name}"


@dataclass(frozen=True)
class OperationRule:
    """What one method validates, compiled at start-up."""

    route_key: str
    validator: str
    parameters: tuple[RequiredParameter, ...]
    body: BodyRule | None


def parse_validators(document: Mapping[str, Any], where: str) -> dict[str, RequestValidator]:
    """The named validators of a definition; :class:`SpecError` if malformed."""
    raw = document.get(VALIDATORS_KEY) or {}
    if not isinstance(raw, Mapping):
        raise SpecError(f"{where}: {VALIDATORS_KEY} must be an object")
    validators: dict[str, RequestValidator] = {}
    for name, entry in raw.items():
        if not isinstance(entry, Mapping):
            raise SpecError(f"{where}: {VALIDATORS_KEY}.{name} must be an object")
        flags = {key: entry.get(key, False) for key in ("validateRequestBody",
                                                        "validateRequestParameters")}
        for key, value in flags.items():
            if not isinstance(value, bool):
                raise SpecError(f"{where}: {VALIDATORS_KEY}.{name}.{key} must be a boolean")
        validators[str(name)] = RequestValidator(
            name=str(name), body=flags["validateRequestBody"],
            parameters=flags["validateRequestParameters"])
    return validators


def required_parameters(parameters: tuple[Mapping[str, Any], ...]
                        ) -> tuple[RequiredParameter, ...]:
    """The required header / path / query parameters, in AWS's message order."""
    found = {RequiredParameter(_LOCATIONS[str(p["in"])], str(p["name"]))
             for p in parameters
             if p.get("in") in _LOCATIONS and (p.get("required") is True or p.get("in") == "path")}
    return tuple(sorted(found, key=lambda parameter: parameter.key))


def compile_rules(api: ApiModel) -> dict[tuple[str, str], OperationRule]:
    """Every validated operation of a REST API, keyed by (method, path)."""
    document = api.config.definition
    name = api.config.logical_id
    validators = parse_validators(document, name)
    default = document.get(VALIDATOR_KEY)
    compiler = ModelCompiler(document, name)
    rules: dict[tuple[str, str], OperationRule] = {}
    for operation in api.operations:
        rule = _operation_rule(operation, document, validators, default, compiler, name)
        if rule is not None:
            rules[(operation.method, operation.path)] = rule
    return rules


def _operation_rule(operation: Operation, document: Mapping[str, Any],
                    validators: Mapping[str, RequestValidator], default: Any,
                    compiler: ModelCompiler, api_name: str) -> OperationRule | None:
    where = f"{api_name}: {operation.route_key}"
    chosen = operation.definition.get(VALIDATOR_KEY, default)
    if chosen is None:
        return None
    if not isinstance(chosen, str) or chosen not in validators:
        raise SpecError(f"{where}: {VALIDATOR_KEY} names {chosen!r}, which "
                        f"{VALIDATORS_KEY} does not define")
    validator = validators[chosen]
    parameters = required_parameters(operation.parameters) if validator.parameters else ()
    body = (body_rule(operation.definition, operation.parameters, document, compiler, where)
            if validator.body else None)
    if not parameters and body is None:
        return None
    return OperationRule(route_key=operation.route_key, validator=chosen,
                         parameters=parameters, body=body)


def _is_blank(value: str | None) -> bool:
    return value is None or not value.strip()


def missing_parameters(rule: OperationRule, request: HttpRequest,
                       match: RouteMatch) -> list[str]:
    """Names of the rule's required parameters the request lacks or leaves blank."""
    missing: list[str] = []
    query: dict[str, str] | None = None
    for parameter in rule.parameters:
        if parameter.location == "header":
            values = request.header_values(parameter.name)
            present = any(not _is_blank(value) for value in values)
        elif parameter.location == "path":
            present = not _is_blank(match.path_parameters.get(parameter.name))
        else:
            if query is None:
                query = {}
                for key, value in parse_query(request.raw_query):
                    if not _is_blank(value) or key not in query:
                        query[key] = value
            present = not _is_blank(query.get(parameter.name))
        if not present:
            missing.append(parameter.name)
    return missing


def body_errors(rule: BodyRule, request: HttpRequest) -> tuple[str, list[str]] | None:
    """``None`` when the body passes (or has no model), else (model name, reasons)."""
    chosen = rule.model_for(media_type(request.header("Content-Type")))
    if chosen is None:
        return None
    _media, model = chosen
    if not request.body:
        if rule.required:
            return model.name, ["$: the request body is required but missing"]
        instance: Any = {}
    else:
        try:
            instance = json.loads(request.body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return model.name, [f"$: the body is not valid JSON: {exc}"]
    if model.is_valid(instance):
        return None
    return model.name, model.errors(instance) or ["$: does not match the model"]


class RequestValidationStep:
    """The REST request validator of one API (compiled once; a dict look-up per request)."""

    name = "request-validator"

    def __init__(self, api_name: str, rules: Mapping[tuple[str, str], OperationRule]) -> None:
        self._api_name = api_name
        self._rules = dict(rules)

    def check(self, request: HttpRequest, match: RouteMatch, state: RequestState) -> None:
        operation = match.operation
        rule = self._rules.get((operation.method, operation.path))
        if rule is None:
            return
        if rule.parameters:
            missing = missing_parameters(rule, request, match)
            if missing:
                error = gateway_responses.bad_request_parameters(missing,
                                                                 authorizer=state.authorizer)
                logger.info("%s %s %s: request validator %r rejected the request "
                            "(gateway 400, not the handler): %s", state.request_id,
                            self._api_name, rule.route_key, rule.validator,
                            error.validation_error_string)
                raise error
        if rule.body is not None:
            failed = body_errors(rule.body, request)
            if failed is not None:
                model, reasons = failed
                detail = "[" + ", ".join(reasons) + "]"
                logger.info("%s %s %s: request validator %r rejected the request "
                            "(gateway 400, not the handler): Invalid request body: model %s: %s",
                            state.request_id, self._api_name, rule.route_key, rule.validator,
                            model, detail)
                raise gateway_responses.bad_request_body(detail, authorizer=state.authorizer)


def build_validation_step(api: ApiModel, context: PolicyContext) -> PolicyStep | None:
    """The API's request validation step, or ``None`` (HTTP API, or nothing to validate)."""
    if api.kind != "REST":
        if VALIDATORS_KEY in api.config.definition or VALIDATOR_KEY in api.config.definition:
            logger.warning("%s: request validators exist only on REST APIs; this HTTP API "
                           "ignores %s", api.config.logical_id, VALIDATORS_KEY)
        return None
    rules = compile_rules(api)
    if not rules:
        return None
    logger.debug("%s: request validation on %d operations", api.config.logical_id, len(rules))
    return RequestValidationStep(api.config.logical_id, rules)
