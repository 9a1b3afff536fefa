"""Which names a template value refers to: the static half of the intrinsic functions.

Copies how CloudFormation finds a resource's implicit dependencies
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-dependson.html):
every ``Ref``, ``Fn::GetAtt`` and every ``${Name}`` / ``${Name.Attr}`` of ``Fn::Sub`` (except
the keys of its variable map and ``${!Literal}`` escapes) is a dependency. Also the scalar
stringification CloudFormation applies where a string is expected (``true`` -> ``"true"``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final

logger = logging.getLogger(__name__)

LIST_PARAMETER_TYPES: Final = ("CommaDelimitedList", "List<")
PSEUDO_PARAMETERS: Final = frozenset({
    "AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition",
    "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix",
})
_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
def to_cfn_string(value: Any) -> str:
    """A scalar as CloudFormation stringifies it (booleans lower-case)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise TypeError(f"expected a string, got {type(value).__name__}")


def sub_parts(text: str) -> Iterator[tuple[str, str | None]]:
    """Split an ``Fn::Sub`` string into (literal, variable-or-None) pieces.

    ``${!Name}`` is a literal ``${Name}``; a ``${`` without ``}`` stays literal text.
    """
    position = 0
    for match in _SUB_VARIABLE.finditer(text):
        literal = text[position:match.start()]
        name = match.group(1)
        if name.startswith("!"):
            yield literal + "${" + name[1:] + "}", None
        else:
            yield literal, name.strip()
        position = match.end()
    yield text[position:], None


def split_getatt(argument: Any) -> tuple[Any, Any]:
    if isinstance(argument, str):
        resource, _, attribute = argument.partition(".")
        return resource, attribute
    if isinstance(argument, Sequence) and len(argument) == 2:
        return argument[0], argument[1]
    raise ValueError(f"Fn::GetAtt takes [LogicalId, Attribute], got {argument!r}")


def references(value: Any, conditions: Mapping[str, bool] | None = None
               ) -> Iterator[tuple[str, str]]:
    """Every (function, target) a value refers to: ("Ref", "Table"), ("GetAtt", "Fn")...

    With ``conditions`` the untaken branch of each ``Fn::If`` is skipped, since
    CloudFormation never evaluates it (a Ref there to a Condition-false resource is fine).
    Targets include parameters and pseudo parameters; ``Fn::Sub`` map keys are excluded.
    """
    if isinstance(value, Mapping):
        if len(value) == 1:
            key, argument = next(iter(value.items()))
            if key == "Ref" and isinstance(argument, str):
                yield "Ref", argument
                return
            if key == "Fn::GetAtt":
                try:
                    resource, attribute = split_getatt(argument)
                except ValueError:
                    return
                if isinstance(resource, str):
                    yield "GetAtt", resource
                yield from references(attribute, conditions)
                return
            if key == "Fn::Sub":
                yield from _sub_references(argument, conditions)
                return
            if (key == "Fn::If" and conditions is not None and isinstance(argument, list)
                    and len(argument) == 3 and argument[0] in conditions):
                yield from references(argument[1 if conditions[argument[0]] else 2], conditions)
                return
        for item in value.values():
            yield from references(item, conditions)
    elif isinstance(value, list):
        for item in value:
            yield from references(item, conditions)


def _sub_references(argument: Any, conditions: Mapping[str, bool] | None
                    ) -> Iterator[tuple[str, str]]:
    variables: Mapping[str, Any] = {}
    text = argument
    if isinstance(argument, list) and len(argument) == 2:
        text, variables = argument[0], argument[1] if isinstance(argument[1], Mapping) else {}
        yield from references(variables, conditions)
    if not isinstance(text, str):
        return
    for _literal, name in sub_parts(text):
        if name is None or name in variables:
            continue
        if "." in name:
            yield "GetAtt", name.split(".", 1)[0]
        else:
            yield "Ref", name
