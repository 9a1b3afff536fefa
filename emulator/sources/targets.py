"""What an EventBridge target hands the function: ``Input``, ``InputPath`` or
``InputTransformer`` applied to the event.

Copies https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
and the ``Target`` properties of ``AWS::Events::Rule``: ``Input`` replaces the event with a
constant JSON text; ``InputPath`` selects part of it with a JSONPath (``$.detail``);
``InputTransformer`` fills ``<name>`` placeholders of ``InputTemplate`` from
``InputPathsMap`` (a string value goes in as its text, other values as JSON).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from typing import Any

logger = logging.getLogger(__name__)

_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.-]+)>")


def target_input(target: Mapping[str, Any], event: Any) -> Any:
    """The payload a target with these settings receives for ``event``."""
    if target.get("Input") is not None:
        text = target["Input"]
        return json.loads(text) if isinstance(text, str) else text
    if target.get("InputPath"):
        return json_path(event, str(target["InputPath"]))
    transformer = target.get("InputTransformer")
    if isinstance(transformer, Mapping):
        return _transform(transformer, event)
    return event


def json_path(document: Any, path: str) -> Any:
    """The value at a dotted JSONPath (``$``, ``$.detail.items[0]``); None when absent."""
    if not path.startswith("$"):
        raise ValueError(f"JSONPath {path!r} must start with $")
    value = document
    for name, index in re.findall(r"\.([^.\[\]]+)|\[(\d+)\]", path[1:]):
        if name:
            value = value.get(name) if isinstance(value, Mapping) else None
        else:
            value = value[int(index)] if isinstance(value, list) and \
                int(index) < len(value) else None
    return value


def _transform(transformer: Mapping[str, Any], event: Any) -> Any:
    paths = transformer.get("InputPathsMap") or {}
    values = {name: json_path(event, str(path)) for name, path in paths.items()}
    if "aws.events.event" not in values:
        values["aws.events.event"] = event
    template = str(transformer.get("InputTemplate") or "")

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            return match.group(0)
        value = values[name]
        return value if isinstance(value, str) else json.dumps(value)

    text = _PLACEHOLDER.sub(fill, template)
    try:
        return json.loads(text)
    except ValueError:
        return text
