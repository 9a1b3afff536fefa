"""Template parameters and the stack name, bound as ``sam deploy`` / CloudFormation bind them.

Copies the Parameters section rules of
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html:
a value comes from an override (``--parameter-overrides``) or the ``Default``; a parameter
with neither fails the deployment ("Parameters: [X] must have values"); ``AllowedValues``,
``AllowedPattern`` (whole-value match; each item for ``CommaDelimitedList``),
``MinLength`` / ``MaxLength`` and ``MinValue`` / ``MaxValue`` are enforced, with the
``ConstraintDescription`` as the message when the template gives one.
``AWS::SSM::Parameter::Value<...>`` parameters would be read from Parameter Store at deploy
time; offline the given value is used as it is, with a warning. Stack names follow
``[a-zA-Z][-a-zA-Z0-9]*``, at most 128 characters
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emulator.config import Settings
from emulator.errors import TemplateError
from emulator.intrinsics import LIST_PARAMETER_TYPES, to_cfn_string

logger = logging.getLogger(__name__)

_STACK_NAME = re.compile(r"[a-zA-Z][-a-zA-Z0-9]*")
_MAX_STACK_NAME = 128
_KNOWN_TYPES = ("String", "Number", "CommaDelimitedList", "List<", "AWS::")


@dataclass(frozen=True)
class BoundParameters:
    """Parameter values as strings, their declared types, and what was worth a warning."""

    values: Mapping[str, str]
    types: Mapping[str, str]
    warnings: tuple[str, ...]


def stack_name_for(path: Path, settings: Settings) -> str:
    """``settings.stack_name``, else the template folder's name made a valid stack name."""
    if settings.stack_name is not None:
        if not _STACK_NAME.fullmatch(settings.stack_name) or len(settings.stack_name) > 128:
            raise TemplateError(
                f"stack name {settings.stack_name!r} must satisfy regular expression pattern "
                "[a-zA-Z][-a-zA-Z0-9]* and be at most 128 characters", path=path)
        return settings.stack_name
    name = re.sub(r"[^-a-zA-Z0-9]+", "-", path.resolve().parent.name).strip("-")
    name = re.sub(r"-{2,}", "-", name)
    if not name:
        return "stack"
    if not name[0].isalpha():
        name = f"stack-{name}"
    return name[:_MAX_STACK_NAME].rstrip("-")


def _as_string(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(to_cfn_string(item) for item in value)
    return to_cfn_string(value)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _check(name: str, declared: str, spec: Mapping[str, Any], value: str, path: Path) -> None:
    is_list = declared.startswith(LIST_PARAMETER_TYPES)
    items = [item.strip() for item in value.split(",")] if is_list else [value]
    constraint = spec.get("ConstraintDescription")

    def fail(message: str) -> TemplateError:
        text = (f"Parameter '{name}' failed to satisfy constraint: {constraint}"
                if constraint else f"Parameter '{name}' {message}")
        return TemplateError(text, path=path, logical_id=name)

    if declared in ("Number", "List<Number>"):
        for item in items:
            if not _is_number(item):
                raise TemplateError(f"Parameter '{name}' must be a number, got {item!r}",
                                    path=path, logical_id=name)
    allowed = spec.get("AllowedValues")
    if isinstance(allowed, list):
        allowed_text = {_as_string(option) for option in allowed}
        if any(item not in allowed_text for item in items):
            raise fail("must be one of AllowedValues")
    pattern = spec.get("AllowedPattern")
    if isinstance(pattern, str):
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            raise TemplateError(f"Parameter '{name}' AllowedPattern is not a valid regular "
                                f"expression: {exc}", path=path, logical_id=name) from exc
        if any(not compiled.fullmatch(item) for item in items):
            raise fail(f"must match pattern {pattern}")
    if "MinLength" in spec and len(value) < int(spec["MinLength"]):
        raise fail(f"must contain at least {spec['MinLength']} characters")
    if "MaxLength" in spec and len(value) > int(spec["MaxLength"]):
        raise fail(f"must contain at most {spec['MaxLength']} characters")
    if declared == "Number":
        if "MinValue" in spec and float(value) < float(spec["MinValue"]):
            raise fail(f"must be a number not less than {spec['MinValue']}")
        if "MaxValue" in spec and float(value) > float(spec["MaxValue"]):
            raise fail(f"must be a number not greater than {spec['MaxValue']}")


def bind_parameters(section: Any, overrides: Mapping[str, str], path: Path) -> BoundParameters:
    """Bind the Parameters section to overrides and defaults, checking every constraint."""
    if section is None:
        section = {}
    if not isinstance(section, Mapping):
        raise TemplateError("Parameters must be a mapping", path=path)
    values: dict[str, str] = {}
    types: dict[str, str] = {}
    warnings: list[str] = []
    for name in overrides:
        if name not in section:
            warnings.append(f"parameter override {name} is not declared in the template; "
                            "ignored")
    missing: list[str] = []
    for name, spec in section.items():
        if not isinstance(spec, Mapping):
            raise TemplateError("parameter declaration must be a mapping", path=path,
                                logical_id=str(name))
        declared = str(spec.get("Type", ""))
        if not declared.startswith(_KNOWN_TYPES):
            raise TemplateError(f"Parameter '{name}' has an invalid Type {declared!r}",
                                path=path, logical_id=str(name))
        types[name] = declared
        if name in overrides:
            value = str(overrides[name])
        elif "Default" in spec:
            try:
                value = _as_string(spec["Default"])
            except TypeError as exc:
                raise TemplateError(f"Parameter '{name}' Default must be a string",
                                    path=path, logical_id=str(name)) from exc
        else:
            missing.append(str(name))
            continue
        if declared.startswith("AWS::SSM::Parameter::Value<"):
            warnings.append(f"parameter {name} ({declared}) would be read from SSM Parameter "
                            f"Store at deploy time; using {value!r} as its value")
        _check(str(name), declared, spec, value, path)
        values[str(name)] = value
    if missing:
        raise TemplateError(f"Parameters: [{', '.join(missing)}] must have values",
                            path=path, logical_id=missing[0])
    return BoundParameters(values=values, types=types, warnings=tuple(warnings))
