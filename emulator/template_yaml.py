"""Reading CloudFormation templates: JSON, or YAML with the short-form intrinsic tags.

Copies how CloudFormation reads YAML templates
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html):
``!Ref X`` is ``{"Ref": X}``, ``!GetAtt A.B`` is ``{"Fn::GetAtt": ["A", "B"]}`` (split at the
first dot, so ``!GetAtt Db.Endpoint.Address`` names attribute ``Endpoint.Address``),
``!Condition C`` is ``{"Condition": C}`` and every other ``!Name`` is ``{"Fn::Name": ...}``.
Unquoted dates such as ``AWSTemplateFormatVersion: 2010-09-09`` stay strings, as they do
for CloudFormation, and a mapping with a duplicate key is an error, as in CloudFormation.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import yaml

from emulator.errors import TemplateError

logger = logging.getLogger(__name__)


#: libyaml's parser when PyYAML was built with it (about 10x faster on a large template:
#: start-up parses every template and OpenAPI file), else the pure-Python one.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _TemplateLoader(_SafeLoader):  # type: ignore[valid-type,misc]
    """SafeLoader with CloudFormation tags, no timestamps and no duplicate keys."""


# CloudFormation keeps 2010-09-09 a string; PyYAML would make it a datetime.date.
_TemplateLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _TemplateLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            mark = key_node.start_mark
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", mark)
        result[key] = loader.construct_object(value_node, deep=True)
    return result


def _construct_tag(loader: _TemplateLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    elif isinstance(node, yaml.MappingNode):
        value = _construct_mapping(loader, node)
    else:  # pragma: no cover - PyYAML has only these three node kinds
        raise yaml.constructor.ConstructorError(None, None, f"bad !{tag_suffix}", node.start_mark)
    if tag_suffix == "Ref":
        return {"Ref": value}
    if tag_suffix == "Condition":
        return {"Condition": value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        resource, _, attribute = value.partition(".")
        return {"Fn::GetAtt": [resource, attribute]}
    return {f"Fn::{tag_suffix}": value}


_TemplateLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_TemplateLoader.add_multi_constructor("!", _construct_tag)


def parse_text(text: str, path: Path) -> Any:
    """Parse template text (JSON or YAML); errors carry the file and line."""
    stripped = text.lstrip()
    if path.suffix.lower() == ".json" or stripped.startswith("{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            if path.suffix.lower() == ".json":
                raise TemplateError(
                    f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
                    path=path) from exc
            # A YAML flow mapping can start with "{" too: fall through to YAML.
    try:
        return yaml.load(text, Loader=_TemplateLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown line"
        problem = exc.problem or exc.context or "invalid YAML"
        raise TemplateError(f"invalid YAML at {where}: {problem}", path=path) from exc
    except yaml.YAMLError as exc:
        raise TemplateError(f"invalid YAML: {exc}".replace("\n", " "), path=path) from exc


def read_document(path: Path) -> Any:
    """Read and parse a template, OpenAPI or AWS::Include file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TemplateError(f"cannot read {path}: {exc.strerror}", path=path) from exc
    except UnicodeDecodeError as exc:
        raise TemplateError(f"{path} is not UTF-8 text", path=path) from exc
    return parse_text(text, path)
