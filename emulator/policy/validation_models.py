"""Request models: the JSON schemas a REST request validator checks bodies against.

Copies how API Gateway imports an OpenAPI body definition into ``requestModels`` and
validates with them
(https://docs.aws.amazon.com/apigateway/latest/developerguide/models-mappings-models.html,
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-request-validation.html):

* Swagger 2: the ``in: body`` parameter's ``schema``, for each media type of the operation's
  ``consumes`` (else the document's, else ``application/json``).
* OpenAPI 3: ``requestBody.content.<media type>.schema`` (``requestBody`` may be a ``$ref``
  into ``components/requestBodies``).
* ``$ref`` into ``#/definitions/...`` or ``#/components/schemas/...`` resolve against the
  document (SAM writes its ``Models`` there, names lower-cased). Models are JSON Schema
  **draft 4**, whatever the OpenAPI version.
* The model is picked by the request's ``Content-Type`` media type (``application/json``
  when the header is missing), else a ``$default`` model; a request whose type has no model
  is not validated - AWS lets it through, so the emulator does too (reported against
  LocalStack, which applied the JSON model: localstack discussion #65).

Each schema is compiled once at start-up with ``fastjsonschema`` (the per-request check,
tens of microseconds for a 1 KB body); ``jsonschema``'s draft-4 validator, also built once,
runs only on a failure, to explain it for the log and ``$context.error.validationErrorString``.
Format assertions are off in both (``format`` is an annotation here).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import fastjsonschema
import jsonschema
from jsonschema.exceptions import SchemaError

from emulator.errors import SpecError

logger = logging.getLogger(__name__)

DRAFT_4 = "http://json-schema.org/draft-04/schema#"
_MODEL_KEY = "x-emulator-request-model"
#: Where OpenAPI documents keep the schemas a model may ``$ref``.
_SCHEMA_HOMES = ("definitions", "components")


def plain(value: Any) -> Any:
    """A deep copy made of ``dict`` / ``list`` only (specs hold read-only mappings)."""
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def resolve_local(document: Mapping[str, Any], value: Any, where: str) -> Any:
    """Follow local ``$ref`` pointers (``#/a/b``) until a value that is not a reference."""
    seen: set[str] = set()
    while isinstance(value, Mapping) and isinstance(value.get("$ref"), str):
        ref = value["$ref"]
        if not ref.startswith("#/") or ref in seen:
            raise SpecError(f"{where}: cannot resolve $ref {ref!r}")
        seen.add(ref)
        node: Any = document
        for raw in ref[2:].split("/"):
            token = raw.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, Mapping) or token not in node:
                raise SpecError(f"{where}: $ref {ref!r} does not resolve")
            node = node[token]
        value = node
    return value


@dataclass(frozen=True)
class RequestModel:
    """A compiled model: a fast yes/no check and an explainer for failures."""

    name: str
    check: Callable[[Any], Any]
    explain: jsonschema.protocols.Validator

    def is_valid(self, instance: Any) -> bool:
        try:
            self.check(instance)
        except fastjsonschema.JsonSchemaValueException:
            return False
        return True

    def errors(self, instance: Any) -> list[str]:
        """Every violation as ``$.path: message``, in a stable order."""
        found = sorted(self.explain.iter_errors(instance),
                       key=lambda error: (error.json_path, error.message))
        return [f"{error.json_path}: {error.message}" for error in found]


class ModelCompiler:
    """Compiles the schemas of one API document, each distinct schema once."""

    def __init__(self, document: Mapping[str, Any], api_name: str) -> None:
        self._homes = {key: plain(document[key]) for key in _SCHEMA_HOMES
                       if isinstance(document.get(key), Mapping)}
        self._api_name = api_name
        self._cache: dict[str, RequestModel] = {}

    def compile(self, schema: Any, where: str) -> RequestModel:
        if not isinstance(schema, Mapping):
            raise SpecError(f"{self._api_name}: {where}: a body schema must be an object")
        schema = plain(schema)
        key = json.dumps(schema, sort_keys=True)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        ref = schema.get("$ref")
        name = ref.rsplit("/", 1)[-1] if isinstance(ref, str) else "(inline schema)"
        root = {"$schema": DRAFT_4, **self._homes, _MODEL_KEY: schema,
                "$ref": f"#/{_MODEL_KEY}"}
        try:
            jsonschema.Draft4Validator.check_schema(schema)
            check = fastjsonschema.compile(root, use_formats=False)
        except (SchemaError, fastjsonschema.JsonSchemaDefinitionException) as exc:
            message = getattr(exc, "message", str(exc))
            raise SpecError(f"{self._api_name}: {where}: invalid model {name}: "
                            f"{message}") from exc
        model = RequestModel(name=name, check=check, explain=jsonschema.Draft4Validator(root))
        self._cache[key] = model
        return model


@dataclass(frozen=True)
class BodyRule:
    """The models of one operation, by media type, and whether a body is required."""

    models: Mapping[str, RequestModel]
    required: bool

    def model_for(self, content_type: str | None) -> tuple[str, RequestModel] | None:
        media = content_type or "application/json"
        model = self.models.get(media)
        if model is not None:
            return media, model
        fallback = self.models.get("$default")
        return ("$default", fallback) if fallback is not None else None


def body_rule(operation: Mapping[str, Any], parameters: tuple[Mapping[str, Any], ...],
              document: Mapping[str, Any], compiler: ModelCompiler,
              where: str) -> BodyRule | None:
    """The operation's request models (Swagger 2 body parameter or OpenAPI 3 requestBody)."""
    for parameter in parameters:
        if parameter.get("in") != "body":
            continue
        consumes = operation.get("consumes") or document.get("consumes") or ["application/json"]
        model = compiler.compile(parameter.get("schema"), f"{where} body parameter")
        models = {str(media).split(";", 1)[0].strip().lower(): model for media in consumes}
        return BodyRule(models=models, required=parameter.get("required") is True)
    raw_body = operation.get("requestBody")
    if raw_body is None:
        return None
    request_body = resolve_local(document, raw_body, where)
    if not isinstance(request_body, Mapping):
        raise SpecError(f"{where}: requestBody must be an object")
    content = request_body.get("content") or {}
    if not isinstance(content, Mapping):
        raise SpecError(f"{where}: requestBody.content must be an object")
    by_media: dict[str, RequestModel] = {}
    for media, entry in content.items():
        schema = entry.get("schema") if isinstance(entry, Mapping) else None
        if schema is None:
            continue
        key = str(media).split(";", 1)[0].strip().lower()
        by_media[key] = compiler.compile(schema, f"{where} requestBody {media}")
    if not by_media:
        return None
    return BodyRule(models=by_media, required=request_body.get("required") is True)
