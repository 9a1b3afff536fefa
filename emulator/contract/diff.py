"""``emulator diff``: classify every change between two versions of an OpenAPI contract.

The rules follow oasdiff's breaking-changes catalogue (https://github.com/oasdiff/oasdiff,
docs/BREAKING-CHANGES.md) in spirit. What a client *sends* may only get looser, what it
*receives* only tighter:

* breaking: a removed path or operation, a new required parameter or body property, an
  optional one made required, a removed request enum value, a narrowed request type or
  limit (min/max, minLength/maxLength, minItems/maxItems, a new or changed pattern), a
  removed request media type, a removed success status or a required response property
  removed (or made optional), a response type widened, a security requirement added or
  changed;
* possibly breaking: a new response enum value or a looser response limit (strict clients
  may choke), a removed optional response property or error status, a changed ``format``,
  security removed;
* compatible: anything added on the request side as optional, new paths, operations,
  statuses and response properties, a request limit relaxed, a response enum value removed.

``$ref`` is resolved first (:mod:`emulator.contract.diff_load`); ``allOf`` is merged into
one schema, ``oneOf``/``anyOf`` variants are compared by position.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

from emulator.contract.diff_load import SpecLoadError
from emulator.contract.diff_schema import Change, Direction, Level, schema_changes

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_LEVEL_ORDER = {"breaking": 0, "possibly-breaking": 1, "compatible": 2}


@dataclass(frozen=True)
class Acceptance:
    """A breaking change reviewed and accepted on purpose (oasdiff's ``--err-ignore``)."""

    code: str
    location: str
    reason: str


def load_acceptances(path: Path, spec: str) -> list[Acceptance]:
    """The entries for ``spec`` in an accepted-changes YAML file::

        openapi/orders.yaml:
          - {code: request-maxLength-narrowed, location: "POST /orders request body
             application/json .note", reason: "the handler always refused more (400)"}
    """
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        entries = document.get(spec) or []
        return [Acceptance(str(e["code"]), str(e["location"]), str(e["reason"]))
                for e in entries]
    except (OSError, yaml.YAMLError, AttributeError, KeyError, TypeError) as exc:
        raise SpecLoadError(f"{path}: accepted changes unreadable: {exc}") from exc


def accept(changes: Sequence[Change], acceptances: Sequence[Acceptance]) -> list[Change]:
    """``changes`` with each breaking change an acceptance names (exactly) marked accepted."""
    reasons = {(a.code, a.location): a.reason for a in acceptances}
    return [dataclasses.replace(c, accepted=reasons[(c.code, c.location)])
            if c.level == "breaking" and (c.code, c.location) in reasons else c
            for c in changes]


def diff_specs(base: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Every change from ``base`` to ``new`` (both with ``$ref`` resolved), worst first."""
    changes: list[Change] = []
    changes.extend(_security("", base.get("security"), new.get("security")))
    base_paths, new_paths = base.get("paths") or {}, new.get("paths") or {}
    for path in sorted(set(base_paths) | set(new_paths)):
        if path not in new_paths:
            changes.append(Change("breaking", "path-removed", path, f"path {path} removed"))
            continue
        if path not in base_paths:
            changes.append(Change("compatible", "path-added", path, f"path {path} added"))
            continue
        changes.extend(_path_item(path, base_paths[path], new_paths[path],
                                  base.get("security"), new.get("security")))
    return sorted(changes, key=lambda c: (_LEVEL_ORDER[c.level], c.location, c.code))


def has_breaking(changes: Sequence[Change]) -> bool:
    """Whether a breaking change is left that nobody accepted."""
    return any(change.level == "breaking" and change.accepted is None for change in changes)


def _path_item(path: str, base: Mapping[str, Any], new: Mapping[str, Any],
               base_security: Any, new_security: Any) -> Iterator[Change]:
    for method in _METHODS:
        where = f"{method.upper()} {path}"
        if method in base and method not in new:
            yield Change("breaking", "operation-removed", where, f"operation {where} removed")
        elif method in new and method not in base:
            yield Change("compatible", "operation-added", where, f"operation {where} added")
        elif method in base:
            old_op, new_op = base[method], new[method]
            params_old = _parameters(base.get("parameters"), old_op.get("parameters"))
            params_new = _parameters(new.get("parameters"), new_op.get("parameters"))
            yield from _params(where, params_old, params_new)
            yield from _request_body(where, old_op.get("requestBody"), new_op.get("requestBody"))
            yield from _responses(where, old_op.get("responses") or {},
                                  new_op.get("responses") or {})
            yield from _security(where, old_op.get("security", base_security),
                                 new_op.get("security", new_security))


def _parameters(*lists: Any) -> dict[tuple[str, str], Mapping[str, Any]]:
    found: dict[tuple[str, str], Mapping[str, Any]] = {}
    for params in lists:
        for param in params or ():
            if isinstance(param, Mapping) and "name" in param:
                name = str(param["name"])
                location = str(param.get("in", "query"))
                # Header names are case-insensitive (RFC 9110).
                found[(location, name.lower() if location == "header" else name)] = param
    return found


def _params(where: str, old: Mapping[tuple[str, str], Mapping[str, Any]],
            new: Mapping[tuple[str, str], Mapping[str, Any]]) -> Iterator[Change]:
    for key in sorted(set(old) | set(new)):
        location, name = key
        at = f"{where} {location} parameter {name}"
        if key not in new:
            # A client still sending it is ignored (oasdiff: request-parameter-removed, WARN).
            yield Change("possibly-breaking", "request-parameter-removed", at,
                         f"{at} removed")
            continue
        required_new = bool(new[key].get("required")) or location == "path"
        if key not in old:
            if required_new:
                yield Change("breaking", "new-required-request-parameter", at,
                             f"new required {at}")
            else:
                yield Change("compatible", "new-optional-request-parameter", at,
                             f"new optional {at}")
            continue
        required_old = bool(old[key].get("required")) or location == "path"
        if required_new and not required_old:
            yield Change("breaking", "request-parameter-became-required", at,
                         f"{at} became required")
        elif required_old and not required_new:
            yield Change("compatible", "request-parameter-became-optional", at,
                         f"{at} became optional")
        yield from schema_changes(at, old[key].get("schema") or {}, new[key].get("schema") or {},
                                  "request")


def _request_body(where: str, old: Any, new: Any) -> Iterator[Change]:
    at = f"{where} request body"
    if not old and not new:
        return
    if not new:
        yield Change("possibly-breaking", "request-body-removed", at, f"{at} removed")
        return
    if not old:
        level: Level = "breaking" if new.get("required") else "compatible"
        yield Change(level, "request-body-added", at,
                     f"{'required' if new.get('required') else 'optional'} {at} added")
        return
    if new.get("required") and not old.get("required"):
        yield Change("breaking", "request-body-became-required", at, f"{at} became required")
    yield from _content(at, old.get("content") or {}, new.get("content") or {}, "request")


def _content(at: str, old: Mapping[str, Any], new: Mapping[str, Any],
             direction: Direction) -> Iterator[Change]:
    """A request body's or response's media types: a removed one breaks, schemas compared."""
    side = "request-body" if direction == "request" else "response"
    for media in sorted(set(old) | set(new)):
        media_at = f"{at} {media}"
        if media not in new:
            yield Change("breaking", f"{side}-media-type-removed", media_at,
                         f"{media_at} removed")
        elif media not in old:
            yield Change("compatible", f"{side}-media-type-added", media_at,
                         f"{media_at} added")
        else:
            yield from schema_changes(media_at, old[media].get("schema") or {},
                                      new[media].get("schema") or {}, direction)


def _responses(where: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Change]:
    for status in sorted(set(old) | set(new), key=str):
        at = f"{where} response {status}"
        success = str(status).startswith("2")
        if status not in new:
            if success:
                yield Change("breaking", "response-success-status-removed", at,
                             f"{at} removed")
            else:
                yield Change("possibly-breaking", "response-non-success-status-removed", at,
                             f"{at} removed")
            continue
        if status not in old:
            yield Change("compatible", "response-status-added", at, f"{at} added")
            continue
        yield from _content(at, (old[status] or {}).get("content") or {},
                            (new[status] or {}).get("content") or {}, "response")
        yield from _response_headers(at, (old[status] or {}).get("headers") or {},
                                     (new[status] or {}).get("headers") or {})


def _response_headers(at: str, old: Mapping[str, Any],
                      new: Mapping[str, Any]) -> Iterator[Change]:
    old_l = {k.lower(): v for k, v in old.items()}
    new_l = {k.lower(): v for k, v in new.items()}
    for name in sorted(set(old_l) - set(new_l)):
        level: Level = "breaking" if old_l[name].get("required") else "possibly-breaking"
        yield Change(level, "response-header-removed", f"{at} header {name}",
                     f"{at} header {name} removed")


def _security(where: str, old: Any, new: Any) -> Iterator[Change]:
    at = f"{where} security".strip()
    old_set = _requirements(old)
    new_set = _requirements(new)
    if old_set == new_set:
        return
    if not old_set:
        yield Change("breaking", "security-added", at, f"{at}: authentication now required "
                     f"({_describe(new_set)})")
    elif not new_set:
        yield Change("possibly-breaking", "security-removed", at,
                     f"{at}: authentication no longer required (was {_describe(old_set)})")
    elif old_set - new_set:
        yield Change("breaking", "security-changed", at,
                     f"{at}: {_describe(old_set)} -> {_describe(new_set)}")
    else:
        yield Change("compatible", "security-alternative-added", at,
                     f"{at}: alternative {_describe(new_set - old_set)} added")


def _requirements(value: Any) -> frozenset[frozenset[tuple[str, tuple[str, ...]]]]:
    """Alternatives (OR) of scheme sets (AND); ``[{}]`` (optional auth) counts as none."""
    alternatives = set()
    for requirement in value or ():
        if isinstance(requirement, Mapping) and requirement:
            alternatives.add(frozenset((str(name), tuple(sorted(scopes or ())))
                                       for name, scopes in requirement.items()))
    return frozenset(alternatives)


def _describe(requirements: frozenset[frozenset[tuple[str, tuple[str, ...]]]]) -> str:
    return " or ".join(sorted(" + ".join(name + (f"[{','.join(scopes)}]" if scopes else "")
                                         for name, scopes in sorted(alt))
                              for alt in requirements)) or "none"


def render(changes: Sequence[Change], output_format: str, base: str, new: str) -> str:
    """``text``, ``markdown`` or ``json``."""
    if output_format == "json":
        return json.dumps({"base": base, "new": new,
                           "breaking": sum(c.level == "breaking" and c.accepted is None
                                           for c in changes),
                           "changes": [asdict(c) for c in changes]}, indent=2)
    counts = {level: sum(c.level == level for c in changes) for level in _LEVEL_ORDER}
    accepted = sum(c.accepted is not None for c in changes)
    summary = (f"{counts['breaking']} breaking ({accepted} accepted), "
               f"{counts['possibly-breaking']} possibly breaking, {counts['compatible']} "
               f"compatible change(s) from {base} to {new}")
    if output_format == "markdown":
        lines = [f"## Contract changes: {base} -> {new}", "", summary, ""]
        if changes:
            lines += ["| level | change | where | detail |", "|---|---|---|---|"]
            lines += [f"| {_label(c)} | `{c.code}` | `{c.location}` | "
                      f"{c.message.replace('|', chr(92) + '|')} |" for c in changes]
        return "\n".join(lines)
    return "\n".join([*(f"{_label(c, upper=True):17} {c.code}: {c.message}" for c in changes),
                      summary])


def _label(change: Change, *, upper: bool = False) -> str:
    level = change.level.upper() if upper else change.level
    return level if change.accepted is None else f"{level} (accepted: {change.accepted})"
