"""Schema-level rules of ``emulator diff``: how two versions of one JSON schema differ.

oasdiff's reasoning (https://github.com/oasdiff/oasdiff, docs/BREAKING-CHANGES.md) applied
to a schema used on the request side (what clients send may only get looser) or the response
side (what they receive may only get tighter): types, enums, numeric/length/item/property
limits, patterns and formats, properties and ``required``, ``allOf`` (merged) and
``oneOf``/``anyOf`` variants (by position). Also the :class:`Change` record all rules yield.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

Level = Literal["breaking", "possibly-breaking", "compatible"]
Direction = Literal["request", "response"]
# Numeric (integer, number) and a type's superset for widening/narrowing.
_WIDER = {("integer", "number")}
# (lower-bound keyword, upper-bound keyword) pairs.
_BOUNDS = (("minimum", "maximum"), ("minLength", "maxLength"), ("minItems", "maxItems"),
           ("minProperties", "maxProperties"))


@dataclass(frozen=True)
class Change:
    level: Level
    code: str
    location: str
    message: str
    #: Why a reviewed breaking change is let through (see :func:`accept`), else None.
    accepted: str | None = None


def merged(schema: Mapping[str, Any]) -> dict[str, Any]:
    """``schema`` with its ``allOf`` parts folded in (properties and required united)."""
    result = {key: value for key, value in schema.items() if key != "allOf"}
    for part in schema.get("allOf") or ():
        part = merged(part) if isinstance(part, Mapping) else {}
        for key, value in part.items():
            if key == "properties":
                result["properties"] = {**(result.get("properties") or {}), **value}
            elif key == "required":
                result["required"] = sorted({*(result.get("required") or ()), *value})
            else:
                result.setdefault(key, value)
    return result


def schema_changes(at: str, old: Mapping[str, Any], new: Mapping[str, Any],
                   direction: Direction) -> Iterator[Change]:
    """Changes between two (resolved) JSON schemas used on ``direction``'s side."""
    old, new = merged(old), merged(new)
    request = direction == "request"
    if "$ref" in old or "$ref" in new:  # a recursive reference: compare by name
        if old.get("$ref") != new.get("$ref"):
            yield Change("breaking", f"{direction}-schema-changed", at,
                         f"{at}: {old.get('$ref')} -> {new.get('$ref')}")
        return
    yield from _type(at, old.get("type"), new.get("type"), direction)
    if old.get("format") != new.get("format") and (old.get("format") or new.get("format")):
        yield Change("possibly-breaking", f"{direction}-format-changed", at,
                     f"{at}: format {old.get('format')} -> {new.get('format')}")
    yield from _enum(at, old.get("enum"), new.get("enum"), direction)
    yield from _bounds(at, old, new, direction)
    if old.get("pattern") != new.get("pattern") and new.get("pattern"):
        yield Change("breaking" if request else "compatible", f"{direction}-pattern-changed", at,
                     f"{at}: pattern {old.get('pattern')!r} -> {new.get('pattern')!r}")
    if bool(old.get("nullable")) and not new.get("nullable"):
        yield Change("breaking" if request else "compatible", f"{direction}-nullable-removed",
                     at, f"{at}: no longer nullable")
    elif new.get("nullable") and not old.get("nullable"):
        yield Change("compatible" if request else "breaking", f"{direction}-nullable-added",
                     at, f"{at}: now nullable")
    if request and old.get("additionalProperties", True) is not False \
            and new.get("additionalProperties", True) is False:
        yield Change("breaking", "request-additional-properties-forbidden", at,
                     f"{at}: additional properties no longer allowed")
    yield from _properties(at, old, new, direction)
    if isinstance(old.get("items"), Mapping) and isinstance(new.get("items"), Mapping):
        yield from schema_changes(f"{at}[]", old["items"], new["items"], direction)
    for keyword in ("oneOf", "anyOf"):
        yield from _variants(at, keyword, old.get(keyword) or [], new.get(keyword) or [],
                             direction)


def _type(at: str, old: Any, new: Any, direction: Direction) -> Iterator[Change]:
    if old == new or old is None and new is None:
        return
    if old is None:  # was any type
        level: Level = "breaking" if direction == "request" else "compatible"
    elif new is None or (old, new) in _WIDER:
        level = "compatible" if direction == "request" else "breaking"
    elif (new, old) in _WIDER:  # narrowed
        level = "breaking" if direction == "request" else "compatible"
    else:
        level = "breaking"
    yield Change(level, f"{direction}-type-changed", at, f"{at}: type {old} -> {new}")


def _enum(at: str, old: Any, new: Any, direction: Direction) -> Iterator[Change]:
    if old is None and new is None:
        return
    if old is not None and new is None:
        yield Change("compatible" if direction == "request" else "possibly-breaking",
                     f"{direction}-enum-removed", at, f"{at}: enum removed")
        return
    if old is None:
        yield Change("breaking" if direction == "request" else "compatible",
                     f"{direction}-enum-added", at, f"{at}: now restricted to {new}")
        return
    old_keys = {json.dumps(v, sort_keys=True): v for v in old}
    new_keys = {json.dumps(v, sort_keys=True): v for v in new}
    for key in sorted(set(old_keys) - set(new_keys)):
        yield Change("breaking" if direction == "request" else "compatible",
                     f"{direction}-enum-value-removed", at,
                     f"{at}: enum value {old_keys[key]!r} removed")
    for key in sorted(set(new_keys) - set(old_keys)):
        yield Change("compatible" if direction == "request" else "possibly-breaking",
                     f"{direction}-enum-value-added", at,
                     f"{at}: enum value {new_keys[key]!r} added")


def _bounds(at: str, old: Mapping[str, Any], new: Mapping[str, Any],
            direction: Direction) -> Iterator[Change]:
    for low_key, high_key in _BOUNDS:
        for key, tighter in ((low_key, _raised(old.get(low_key), new.get(low_key))),
                             (high_key, _lowered(old.get(high_key), new.get(high_key)))):
            if old.get(key) == new.get(key):
                continue
            if direction == "request":
                level: Level = "breaking" if tighter else "compatible"
            else:
                level = "compatible" if tighter else "possibly-breaking"
            verb = "narrowed" if tighter else "relaxed"
            yield Change(level, f"{direction}-{key}-{verb}", at,
                         f"{at}: {key} {old.get(key)} -> {new.get(key)} ({verb})")


def _raised(old: Any, new: Any) -> bool:
    """A lower bound got tighter (appeared or went up)."""
    return new is not None and (old is None or new > old)


def _lowered(old: Any, new: Any) -> bool:
    """An upper bound got tighter (appeared or went down)."""
    return new is not None and (old is None or new < old)


def _properties(at: str, old: Mapping[str, Any], new: Mapping[str, Any],
                direction: Direction) -> Iterator[Change]:
    old_props, new_props = old.get("properties") or {}, new.get("properties") or {}
    old_req, new_req = set(old.get("required") or ()), set(new.get("required") or ())
    request = direction == "request"
    for name in sorted(set(old_props) | set(new_props) | old_req | new_req):
        prop_at = f"{at} .{name}"
        if name in old_props and name not in new_props:
            if request:
                yield Change("possibly-breaking", "request-property-removed", prop_at,
                             f"{prop_at} removed")
            else:
                required = name in old_req
                yield Change("breaking" if required else "possibly-breaking",
                             "response-required-property-removed" if required
                             else "response-optional-property-removed", prop_at,
                             f"{prop_at} removed{' (it was required)' if required else ''}")
            continue
        if name in new_props and name not in old_props:
            if request and name in new_req:
                yield Change("breaking", "new-required-request-property", prop_at,
                             f"new required {prop_at}")
            else:
                yield Change("compatible", f"{direction}-property-added", prop_at,
                             f"{prop_at} added")
        elif name in old_props:
            yield from schema_changes(prop_at, old_props[name], new_props[name], direction)
        if name in new_req and name not in old_req and name in old_props:
            yield Change("breaking" if request else "compatible",
                         f"{direction}-property-became-required", prop_at,
                         f"{prop_at} became required")
        elif name in old_req and name not in new_req and name in new_props:
            yield Change("compatible" if request else "breaking",
                         f"{direction}-property-became-optional", prop_at,
                         f"{prop_at} became optional")


def _variants(at: str, keyword: str, old: Sequence[Any], new: Sequence[Any],
              direction: Direction) -> Iterator[Change]:
    for index in range(max(len(old), len(new))):
        variant_at = f"{at} {keyword}[{index}]"
        if index >= len(new):
            yield Change("breaking" if direction == "request" else "compatible",
                         f"{direction}-{keyword}-variant-removed", variant_at,
                         f"{variant_at} removed")
        elif index >= len(old):
            yield Change("compatible" if direction == "request" else "possibly-breaking",
                         f"{direction}-{keyword}-variant-added", variant_at,
                         f"{variant_at} added")
        elif isinstance(old[index], Mapping) and isinstance(new[index], Mapping):
            yield from schema_changes(variant_at, old[index], new[index], direction)
