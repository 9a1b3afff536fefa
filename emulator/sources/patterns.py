"""Content-based filtering shared by EventBridge rules, SNS filter policies and Lambda event
filtering: one pattern language, three consumers.

Copies the event-pattern syntax of
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html and
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html,
which SNS subscription filter policies
(https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html) and Lambda
``FilterCriteria`` (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html)
share: a pattern mirrors the event's structure; a leaf is a list of alternatives (literal
values, ``prefix``, ``suffix``, ``equals-ignore-case``, ``wildcard``, ``anything-but``,
``numeric``, ``exists``, ``cidr``); ``$or`` joins sub-patterns. A leaf matches when any
alternative matches any of the event's values (an array field offers each element); every
field of the pattern must match. Numeric operators compare JSON numbers only, so a
DynamoDB ``{"N": "5"}`` (a string) never matches ``numeric``, as on AWS.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

_MISSING = object()
_NUMERIC_OPS: dict[str, Callable[[float, float], bool]] = {
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, "=": lambda a, b: a == b,
    ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}

Matcher = Callable[[Any], bool]


class PatternError(ValueError):
    """The pattern is not valid event-pattern syntax (AWS refuses it on create)."""


@dataclass(frozen=True)
class _Leaf:
    matchers: tuple[Matcher, ...]
    #: ``{"exists": false}`` among the alternatives: the field's absence matches.
    absent_matches: bool


@dataclass(frozen=True)
class _Object:
    fields: tuple[tuple[str, _Object | _Leaf], ...]
    alternatives: tuple[tuple[_Object, ...], ...]  # each ``$or`` list


@dataclass(frozen=True)
class Pattern:
    """A compiled pattern; ``matches(event)`` is pure and thread-safe."""

    source: Mapping[str, Any]
    _root: _Object

    def matches(self, event: Any) -> bool:
        return _match_object(self._root, event)


def compile_pattern(pattern: Any) -> Pattern:
    """Compile a pattern given as a mapping or as its JSON text."""
    if isinstance(pattern, str):
        try:
            pattern = json.loads(pattern)
        except ValueError as exc:
            raise PatternError(f"the pattern is not JSON: {exc}") from exc
    if not isinstance(pattern, Mapping):
        raise PatternError("a pattern must be a JSON object")
    return Pattern(source=pattern, _root=_compile_object(pattern, "$"))


def _compile_object(pattern: Mapping[str, Any], where: str) -> _Object:
    fields: list[tuple[str, _Object | _Leaf]] = []
    alternatives: list[tuple[_Object, ...]] = []
    for key, value in pattern.items():
        path = f"{where}.{key}"
        if key == "$or":
            if not isinstance(value, list) or len(value) < 2 or \
                    not all(isinstance(item, Mapping) for item in value):
                raise PatternError(f"{path}: $or takes a list of at least two objects")
            alternatives.append(tuple(_compile_object(item, path) for item in value))
        elif isinstance(value, Mapping):
            fields.append((key, _compile_object(value, path)))
        elif isinstance(value, list):
            fields.append((key, _compile_leaf(value, path)))
        else:
            raise PatternError(f"{path}: a match value must be an object or an array, "
                               f"got {json.dumps(value)}")
    return _Object(tuple(fields), tuple(alternatives))


def _compile_leaf(values: list[Any], where: str) -> _Leaf:
    matchers: list[Matcher] = []
    absent = False
    for value in values:
        if isinstance(value, Mapping):
            if len(value) != 1:
                raise PatternError(f"{where}: an operator object has exactly one key")
            ((name, operand),) = value.items()
            if name == "exists":
                if not isinstance(operand, bool):
                    raise PatternError(f"{where}: exists takes true or false")
                absent = absent or not operand
                if operand:
                    matchers.append(_EXISTS)
                continue
            matchers.append(_operator(str(name), operand, where))
        elif isinstance(value, list):
            raise PatternError(f"{where}: arrays cannot nest in a match value")
        else:
            matchers.append(_literal(value))
    return _Leaf(tuple(matchers), absent)


def _literal(expected: Any) -> Matcher:
    if _is_number(expected):
        return lambda value: _is_number(value) and float(value) == float(expected)
    return lambda value: value == expected and type(value) is type(expected)


def _operator(name: str, operand: Any, where: str) -> Matcher:
    if name in ("prefix", "suffix"):
        return _affix(name, operand, where)
    if name == "equals-ignore-case":
        text = _text(operand, name, where).casefold()
        return lambda value: isinstance(value, str) and value.casefold() == text
    if name == "wildcard":
        regex = _wildcard(_text(operand, name, where))
        return lambda value: isinstance(value, str) and regex.fullmatch(value) is not None
    if name == "numeric":
        return _numeric(operand, where)
    if name == "cidr":
        try:
            network = ipaddress.ip_network(_text(operand, name, where), strict=False)
        except ValueError as exc:
            raise PatternError(f"{where}: invalid cidr {operand!r}") from exc
        return lambda value: _in_network(value, network)
    if name == "anything-but":
        return _anything_but(operand, where)
    raise PatternError(f"{where}: unsupported operator {name!r}")


def _affix(name: str, operand: Any, where: str) -> Matcher:
    ignore_case = isinstance(operand, Mapping)
    if ignore_case:
        if set(operand) != {"equals-ignore-case"}:
            raise PatternError(f"{where}: {name} takes a string or "
                               "{\"equals-ignore-case\": string}")
        operand = operand["equals-ignore-case"]
    text = _text(operand, name, where)
    if ignore_case:
        text = text.casefold()
    check = str.startswith if name == "prefix" else str.endswith

    def matcher(value: Any) -> bool:
        if not isinstance(value, str):
            return False
        return check(value.casefold() if ignore_case else value, text)

    return matcher


def _anything_but(operand: Any, where: str) -> Matcher:
    if isinstance(operand, Mapping):
        if len(operand) != 1 or next(iter(operand)) not in (
                "prefix", "suffix", "equals-ignore-case", "wildcard"):
            raise PatternError(f"{where}: anything-but takes values or one of prefix, suffix, "
                               "equals-ignore-case, wildcard")
        ((name, inner),) = operand.items()
        if name == "equals-ignore-case" and isinstance(inner, list):
            folded = {_text(item, name, where).casefold() for item in inner}
            return lambda value: isinstance(value, str) and value.casefold() not in folded
        excluded = _operator(str(name), inner, where)
        # Only strings are compared by these operators; other types pass.
        return lambda value: isinstance(value, str) and not excluded(value)
    items = operand if isinstance(operand, list) else [operand]
    if any(isinstance(item, Mapping | list) for item in items):
        raise PatternError(f"{where}: anything-but values must be strings or numbers")
    literals = [_literal(item) for item in items]
    return lambda value: not any(literal(value) for literal in literals)


def _numeric(operand: Any, where: str) -> Matcher:
    if not isinstance(operand, list) or not operand or len(operand) % 2 or len(operand) > 4:
        raise PatternError(f"{where}: numeric takes one or two [operator, number] pairs")
    checks: list[tuple[Callable[[float, float], bool], float]] = []
    for index in range(0, len(operand), 2):
        op, bound = operand[index], operand[index + 1]
        if op not in _NUMERIC_OPS or not _is_number(bound):
            raise PatternError(f"{where}: numeric needs <, <=, =, >, >= and a number, "
                               f"got {op!r} {bound!r}")
        checks.append((_NUMERIC_OPS[op], float(bound)))
    return lambda value: _is_number(value) and all(check(float(value), bound)
                                                   for check, bound in checks)


def _wildcard(text: str) -> re.Pattern[str]:
    if "**" in text:
        raise PatternError("wildcard patterns cannot hold consecutive '*'")
    parts = re.split(r"(?<!\\)\*", text)
    return re.compile(".*".join(re.escape(part.replace("\\*", "*")) for part in parts),
                      re.DOTALL)


def _in_network(value: Any, network: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return ipaddress.ip_address(value) in network
    except ValueError:
        return False


def _text(operand: Any, name: str, where: str) -> str:
    if not isinstance(operand, str):
        raise PatternError(f"{where}: {name} takes a string, got {json.dumps(operand)}")
    return operand


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _match_object(node: _Object, event: Any) -> bool:
    for key, child in node.fields:
        value = event.get(key, _MISSING) if isinstance(event, Mapping) else _MISSING
        if isinstance(child, _Leaf):
            if not _match_leaf(child, value):
                return False
        elif value is _MISSING:
            if not _only_absence(child):
                return False
        elif not _match_object(child, value):
            return False
    return all(any(_match_object(option, event) for option in options)
               for options in node.alternatives)


def _only_absence(node: _Object) -> bool:
    """A nested pattern whose every leaf accepts absence matches a missing object."""
    return all(_only_absence(child) if isinstance(child, _Object) else child.absent_matches
               for _key, child in node.fields) and not node.alternatives


def _match_leaf(leaf: _Leaf, value: Any) -> bool:
    if value is _MISSING:
        return leaf.absent_matches
    if isinstance(value, Mapping):
        # A leaf names a scalar field; an object there only satisfies {"exists": true}.
        return any(matcher is _EXISTS for matcher in leaf.matchers)
    values = value if isinstance(value, list) else [value]
    return any(matcher(item) for item in values for matcher in leaf.matchers)


def _exists(_value: Any) -> bool:
    return True


_EXISTS: Matcher = _exists
