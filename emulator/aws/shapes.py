"""CloudFormation resource properties -> service API parameters, by the API's own model.

CloudFormation accepts property values more loosely than the service APIs it calls: numbers
and booleans written as strings (``"5"``, ``"true"``), JSON documents as objects, and extra
CloudFormation-only properties (see "Template anatomy"/"Resources" in
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resources-section-structure.html).
For the many properties whose names match the API's, the botocore operation model is used
to keep only what the API knows and to convert each value to the type it expects.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

logger = logging.getLogger(__name__)


class PropertyError(ValueError):
    """A property value that cannot be converted to what the service API expects."""


def api_params(client: Any, operation: str, properties: Mapping[str, Any], *,
               exclude: Iterable[str] = ()) -> dict[str, Any]:
    """``properties`` reduced and converted to the input shape of ``operation``.

    Unknown members are dropped (logged at debug level); ``exclude`` drops known ones the
    caller sets itself.
    """
    shape = client.meta.service_model.operation_model(operation).input_shape
    skipped = set(exclude)
    values = {key: value for key, value in properties.items() if key not in skipped}
    result = coerce(values, shape, operation)
    return result if isinstance(result, dict) else {}


def shape_of(client: Any, operation: str, member: str) -> Shape:
    """The shape of one input member of ``operation`` (for nested conversions)."""
    input_shape = client.meta.service_model.operation_model(operation).input_shape
    members: Mapping[str, Shape] = input_shape.members
    return members[member]


def coerce(value: Any, shape: Shape, path: str) -> Any:
    """``value`` converted to ``shape``: structures filtered, scalars cast."""
    if value is None:
        return None
    if isinstance(shape, StructureShape):
        if not isinstance(value, Mapping):
            raise PropertyError(f"{path}: expected an object, got {type(value).__name__}")
        members: Mapping[str, Shape] = shape.members
        result: dict[str, Any] = {}
        for key, item in value.items():
            if key not in members:
                logger.debug("%s.%s is not an API parameter; ignored", path, key)
                continue
            converted = coerce(item, members[key], f"{path}.{key}")
            if converted is not None:
                result[key] = converted
        return result
    if isinstance(shape, ListShape):
        items = value if isinstance(value, list | tuple) else [value]
        return [coerce(item, shape.member, f"{path}[{index}]")
                for index, item in enumerate(items)]
    if isinstance(shape, MapShape):
        if not isinstance(value, Mapping):
            raise PropertyError(f"{path}: expected an object, got {type(value).__name__}")
        return {coerce(key, shape.key, path): coerce(item, shape.value, f"{path}.{key}")
                for key, item in value.items()}
    return _scalar(value, shape.type_name, path)


def _scalar(value: Any, kind: str, path: str) -> Any:
    if kind == "string":
        return to_text(value)
    if kind in ("integer", "long"):
        return _number(value, int, path)
    if kind in ("double", "float"):
        return _number(value, float, path)
    if kind == "boolean":
        return to_bool(value, path)
    return value


def to_text(value: Any) -> str:
    """A property value as the string an API expects (JSON documents serialised)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping | list):
        return json.dumps(value)
    return str(value)


def to_bool(value: Any, path: str = "value") -> bool:
    """CloudFormation's booleans: ``true``/``false`` in any case, or a real bool."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise PropertyError(f"{path}: expected a boolean, got {value!r}")


def to_int(value: Any, path: str = "value") -> int:
    """An integer property (CloudFormation accepts ``"30"`` as well as ``30``)."""
    return int(_number(value, int, path))


def _number(value: Any, kind: type[int] | type[float], path: str) -> int | float:
    if isinstance(value, bool):
        raise PropertyError(f"{path}: expected a number, got {value!r}")
    try:
        return kind(value)
    except (TypeError, ValueError) as exc:
        raise PropertyError(f"{path}: expected a number, got {value!r}") from exc


def tag_list(tags: Any) -> list[dict[str, str]]:
    """CloudFormation ``Tags`` (a list of Key/Value, or a map for SSM) as a Key/Value list."""
    if isinstance(tags, Mapping):
        return [{"Key": str(key), "Value": to_text(value)} for key, value in tags.items()]
    if isinstance(tags, list):
        return [{"Key": str(tag["Key"]), "Value": to_text(tag.get("Value", ""))}
                for tag in tags if isinstance(tag, Mapping) and "Key" in tag]
    return []


def tag_map(tags: Any) -> dict[str, str]:
    """CloudFormation ``Tags`` as a ``{key: value}`` map (SQS, Cognito, Lambda...)."""
    return {tag["Key"]: tag["Value"] for tag in tag_list(tags)}
