"""Gateway response mapping templates: reference substitution, not a VTL engine.

A gateway response template "isn't processed by the Velocity Template Language (VTL) engine":
it supports "only simple variable substitution"
(https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-gateway-responses.responseTemplates.html).
References are VTL-shaped: ``$context.error.messageString``, formal ``${context.requestId}``,
quiet ``$!context.x``, map look-ups ``.get('k')`` and ``$input.params('name')`` /
``$input.params().header.get('name')`` / ``$input.body``. Roots: ``$context``,
``$stageVariables``, ``$input``; a reference to one of them that has no value renders as
nothing, any other ``$...`` (``$util``, a price) stays literal text. Templates are split into
literal text and references once, at start-up.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

#: Roots a gateway response template may reference; any other ``$name`` stays literal text.
TEMPLATE_ROOTS = frozenset({"context", "stageVariables", "input"})


@dataclass(frozen=True)
class Reference:
    """``$root.a.b`` / ``${root.a}`` / ``$input.params('x')``: a path of names and calls."""

    root: str
    #: ``(name, argument)``; ``argument`` is ``None`` for an attribute, the string for a call
    #: (``""`` for ``()``).
    segments: tuple[tuple[str, str | None], ...]
    text: str


TemplatePart = str | Reference


def _identifier_end(template: str, start: int) -> int:
    end = start
    if end < len(template) and template[end].isascii() and template[end].isalpha():
        end += 1
        while end < len(template) and (template[end].isascii() and template[end].isalnum()
                                       or template[end] in "_-"):
            end += 1
    return end


def _call_end(template: str, start: int) -> tuple[int, str] | None:
    """``('x')`` or ``()`` at ``start`` -> (index after ``)``, argument)."""
    if template.startswith("()", start):
        return start + 2, ""
    for quote in ("'", '"'):
        if template.startswith("(" + quote, start):
            close = template.find(quote + ")", start + 2)
            if close != -1:
                return close + 2, template[start + 2:close]
    return None


def _parse_reference(template: str, start: int) -> tuple[Reference, int] | None:
    """The reference whose ``$`` is at ``start`` and the index after it, or ``None``."""
    index = start + 1
    if template.startswith("!", index):
        index += 1
    formal = template.startswith("{", index)
    if formal:
        index += 1
    end = _identifier_end(template, index)
    if end == index:
        return None
    root = template[index:end]
    segments: list[tuple[str, str | None]] = []
    index = end
    while index < len(template):
        if template[index] == "." and index + 1 < len(template):
            seg_end = _identifier_end(template, index + 1)
            if seg_end == index + 1:
                break
            name = template[index + 1:seg_end]
            call = _call_end(template, seg_end)
            if call is not None:
                seg_end, argument = call
                segments.append((name, argument))
            else:
                segments.append((name, None))
            index = seg_end
        else:
            break
    if formal:
        if not template.startswith("}", index):
            return None
        index += 1
    return Reference(root, tuple(segments), template[start:index]), index


def compile_template(template: str) -> tuple[TemplatePart, ...]:
    """Split a template into literal text and references, once, at start-up."""
    parts: list[TemplatePart] = []
    literal: list[str] = []
    index = 0
    while index < len(template):
        dollar = template.find("$", index)
        if dollar == -1:
            literal.append(template[index:])
            break
        literal.append(template[index:dollar])
        parsed = _parse_reference(template, dollar)
        if parsed is None or parsed[0].root not in TEMPLATE_ROOTS:
            end = parsed[1] if parsed is not None else dollar + 1
            literal.append(template[dollar:end])
            index = end
            continue
        reference, index = parsed
        if literal:
            parts.append("".join(literal))
            literal = []
        parts.append(reference)
    if literal and "".join(literal):
        parts.append("".join(literal))
    return tuple(parts)


def as_text(value: Any) -> str:
    """How a value prints in a template (``None`` prints as nothing)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (Mapping, list)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def lookup(value: Any, segments: tuple[tuple[str, str | None], ...]) -> Any:
    """Follow ``.name`` / ``.get('name')`` segments through nested mappings."""
    for name, argument in segments:
        if argument is not None and name == "get":
            name = argument
        elif argument is not None:
            return None
        if not isinstance(value, Mapping):
            return None
        found = value.get(name)
        # Header maps are keyed in lower case: header names are case-insensitive.
        value = found if found is not None else value.get(name.lower())
    return value


def resolve_reference(reference: Reference, variables: Mapping[str, Any]) -> str:
    """The text a reference renders to; a missing value renders as nothing."""
    if reference.root == "input":
        return as_text(_input_value(reference.segments, variables.get("input") or {}))
    return as_text(lookup(variables.get(reference.root), reference.segments))


def _input_value(segments: tuple[tuple[str, str | None], ...],
                 request_input: Mapping[str, Any]) -> Any:
    if not segments:
        return None
    (name, argument), rest = segments[0], segments[1:]
    params = request_input.get("params") or {}
    if name == "params" and argument:
        for location in ("path", "querystring", "header"):
            values = params.get(location) or {}
            found = values.get(argument if location != "header" else argument.lower())
            if found is not None:
                return found if not rest else None
        return None
    if name == "params" and argument == "":
        return lookup(params, rest)
    if name == "body" and argument is None and not rest:
        return request_input.get("body")
    if name == "json" and argument == "$" and not rest:
        return request_input.get("body")
    return None


def render_template(parts: tuple[TemplatePart, ...], variables: Mapping[str, Any]) -> str:
    """Substitute every reference of a compiled template."""
    return "".join(part if isinstance(part, str) else resolve_reference(part, variables)
                   for part in parts)
