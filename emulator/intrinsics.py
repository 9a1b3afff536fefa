"""CloudFormation intrinsic functions, condition functions and pseudo parameters.

Copies what CloudFormation computes when it creates a stack, per the intrinsic function
reference (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html)
and the pseudo parameter reference
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html).
Quirks kept on purpose: ``Ref`` to a ``Number`` parameter returns a string; ``Ref`` to a
list parameter returns a list; ``${!Literal}`` in ``Fn::Sub`` yields ``${Literal}``;
``AWS::NoValue`` removes the property or list item it stands for; ``Fn::GetAtt`` accepts
``[Resource, Attr]`` and ``"Resource.Attr"`` and splits at the first dot.
"""

from __future__ import annotations

import base64
import copy
import ipaddress
import itertools
import json
import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from emulator.errors import TemplateError
from emulator.stack import PhysicalResource
from emulator.template_model import Template, partition_for, url_suffix_for
from emulator.template_refs import (
    LIST_PARAMETER_TYPES,
    PSEUDO_PARAMETERS,
    references,
    split_getatt,
    sub_parts,
    to_cfn_string,
)

__all__ = [
    "LIST_PARAMETER_TYPES", "NO_VALUE", "PSEUDO_PARAMETERS", "Resolver", "availability_zones",
    "evaluate_conditions", "pseudo_parameters", "references", "stack_id", "sub_parts",
    "to_cfn_string",
]

logger = logging.getLogger(__name__)

# Regions and their Availability Zone letters (what Fn::GetAZs returns for an account
# whose AZs are all enabled); other regions get a, b and c.
_AZ_LETTERS: Final = {"us-east-1": "abcdef", "us-west-2": "abcd", "ap-northeast-1": "acd"}


class _NoValue:
    """``AWS::NoValue``: the property or list item disappears."""

    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE: Final = _NoValue()


def stack_id(template: Template) -> str:
    """``AWS::StackId``: a real-looking ARN, stable for a stack name."""
    stack_uuid = uuid.uuid5(uuid.NAMESPACE_URL, f"cloudformation/{template.stack_name}")
    return (f"arn:{template.partition}:cloudformation:{template.region}:"
            f"{template.account_id}:stack/{template.stack_name}/{stack_uuid}")


def pseudo_parameters(template: Template) -> dict[str, Any]:
    """Values of the pseudo parameters for a template's stack."""
    return {
        "AWS::AccountId": template.account_id,
        "AWS::NotificationARNs": [],
        "AWS::Partition": partition_for(template.region),
        "AWS::Region": template.region,
        "AWS::StackId": stack_id(template),
        "AWS::StackName": template.stack_name,
        "AWS::URLSuffix": url_suffix_for(template.region),
    }


def availability_zones(region: str) -> list[str]:
    """``Fn::GetAZs``: the region's Availability Zones."""
    return [f"{region}{letter}" for letter in _AZ_LETTERS.get(region, "abc")]


class Resolver:
    """Resolves intrinsics against a template's parameters and a resource registry."""

    def __init__(self, template: Template, registry: Mapping[str, PhysicalResource]) -> None:
        self._template = template
        self._registry = registry
        self._pseudo = pseudo_parameters(template)
        self._functions: dict[str, Callable[[Any, str | None], Any]] = {
            "Ref": self._ref,
            "Fn::GetAtt": self._get_att,
            "Fn::Sub": self._sub,
            "Fn::Join": self._join,
            "Fn::Split": self._split,
            "Fn::Select": self._select,
            "Fn::If": self._if,
            "Fn::FindInMap": self._find_in_map,
            "Fn::Base64": self._base64,
            "Fn::GetAZs": self._get_azs,
            "Fn::Cidr": self._cidr,
            "Fn::Equals": self._equals,
            "Fn::And": self._and,
            "Fn::Or": self._or,
            "Fn::Not": self._not,
            "Fn::ImportValue": self._import_value,
            "Fn::Transform": self._transform,
            "Fn::Length": self._length,
            "Fn::ToJsonString": self._to_json_string,
        }

    def resolve(self, value: Any, *, logical_id: str | None = None) -> Any:
        """``value`` with every intrinsic replaced by its value (``AWS::NoValue`` -> None)."""
        result = self._resolve(value, logical_id)
        return None if result is NO_VALUE else result

    def condition(self, name: str, logical_id: str | None = None) -> bool:
        """The evaluated value of a named condition."""
        try:
            return self._template.conditions[name]
        except KeyError:
            raise self._error(f"Condition {name} is not defined in Conditions",
                              logical_id) from None

    # -- plumbing -------------------------------------------------------------------------

    def _error(self, message: str, logical_id: str | None) -> TemplateError:
        return TemplateError(message, path=self._template.path, logical_id=logical_id)

    def _resolve(self, value: Any, lid: str | None) -> Any:
        if isinstance(value, Mapping):
            if len(value) == 1:
                key, argument = next(iter(value.items()))
                function = self._functions.get(key)
                if function is not None:
                    return function(argument, lid)
            resolved = {key: self._resolve(item, lid) for key, item in value.items()}
            return {key: item for key, item in resolved.items() if item is not NO_VALUE}
        if isinstance(value, (list, tuple)):
            items = [self._resolve(item, lid) for item in value]
            return [item for item in items if item is not NO_VALUE]
        return value

    def _string(self, value: Any, lid: str | None, what: str) -> str:
        resolved = self._resolve(value, lid)
        try:
            return to_cfn_string(resolved)
        except TypeError as exc:
            raise self._error(f"{what} must resolve to a string, got {resolved!r}", lid) from exc

    def _list(self, value: Any, lid: str | None, what: str) -> list[Any]:
        resolved = self._resolve(value, lid)
        if not isinstance(resolved, list):
            raise self._error(f"{what} must resolve to a list, got {resolved!r}", lid)
        return resolved

    def _arguments(self, argument: Any, count: Sequence[int], name: str, lid: str | None
                   ) -> list[Any]:
        if not isinstance(argument, list) or len(argument) not in count:
            wanted = (f"{count[0]} to {count[-1]}" if len(count) > 2
                      else " or ".join(map(str, count)))
            raise self._error(f"{name} takes a list of {wanted} arguments, got {argument!r}",
                              lid)
        return argument

    def _bool(self, argument: Any, lid: str | None, what: str) -> bool:
        if isinstance(argument, Mapping) and list(argument) == ["Condition"]:
            return self.condition(str(argument["Condition"]), lid)
        resolved = self._resolve(argument, lid)
        if isinstance(resolved, bool):
            return resolved
        if resolved in ("true", "false"):
            return bool(resolved == "true")
        raise self._error(f"{what} needs condition functions, got {argument!r}", lid)

    # -- Ref and GetAtt -------------------------------------------------------------------

    def _ref(self, argument: Any, lid: str | None) -> Any:
        if not isinstance(argument, str):
            raise self._error(f"Ref takes a logical id or parameter name, got {argument!r}", lid)
        if argument == "AWS::NoValue":
            return NO_VALUE
        if argument in self._pseudo:
            return copy.deepcopy(self._pseudo[argument])
        if argument in self._template.parameters:
            value = self._template.parameters[argument]
            declared = self._template.parameter_types.get(argument, "String")
            if declared.startswith(LIST_PARAMETER_TYPES):
                return [item.strip() for item in value.split(",")] if value else []
            return value
        return self._physical(argument, "Ref", lid).physical_id

    def _physical(self, target: str, function: str, lid: str | None) -> PhysicalResource:
        entry = self._registry.get(target)
        if entry is not None:
            return entry
        if target in self._template.resources:
            raise self._error(f"{function} to {target}: the resource has no physical id yet", lid)
        raise self._error(f"{function} to unknown resource or parameter {target}", lid)

    def _get_att(self, argument: Any, lid: str | None) -> Any:
        try:
            target, attribute = split_getatt(argument)
        except ValueError as exc:
            raise self._error(str(exc), lid) from exc
        attribute = self._string(attribute, lid, "Fn::GetAtt attribute name")
        if not isinstance(target, str):
            raise self._error(f"Fn::GetAtt needs a logical id, got {target!r}", lid)
        return self._attribute(target, attribute, lid)

    def _attribute(self, target: str, attribute: str, lid: str | None) -> Any:
        entry = self._physical(target, "Fn::GetAtt", lid)
        if attribute in entry.attributes:
            return copy.deepcopy(entry.attributes[attribute])
        if not entry.emulated:
            # Types the emulator does not emulate still resolve, to a recognisable placeholder.
            logger.warning("Fn::GetAtt %s.%s: %s is not emulated; using a placeholder",
                           target, attribute, entry.type)
            return f"{entry.physical_id}.{attribute}"
        known = ", ".join(sorted(entry.attributes)) or "none"
        raise self._error(f"Fn::GetAtt {target}.{attribute}: {entry.type} {target} has no "
                          f"attribute {attribute} (it has: {known})", lid)

    # -- string functions -----------------------------------------------------------------

    def _sub(self, argument: Any, lid: str | None) -> str:
        variables: Mapping[str, Any] = {}
        text = argument
        if isinstance(argument, list):
            if len(argument) != 2 or not isinstance(argument[1], Mapping):
                raise self._error("Fn::Sub takes a string or [string, {variables}]", lid)
            text, variables = argument
        if not isinstance(text, str):
            raise self._error(f"Fn::Sub needs a string, got {text!r}", lid)
        pieces: list[str] = []
        for literal, name in sub_parts(text):
            pieces.append(literal)
            if name is None:
                continue
            if name in variables:
                value = self._resolve(variables[name], lid)
            elif "." in name and name not in self._pseudo:
                target, attribute = name.split(".", 1)
                value = self._attribute(target, attribute, lid)
            else:
                value = self._ref(name, lid)
            try:
                pieces.append(to_cfn_string(value))
            except TypeError as exc:
                raise self._error(f"Fn::Sub variable {name} does not resolve to a string: "
                                  f"{value!r}", lid) from exc
        return "".join(pieces)

    def _join(self, argument: Any, lid: str | None) -> str:
        delimiter, items = self._arguments(argument, (2,), "Fn::Join", lid)
        separator = self._string(delimiter, lid, "Fn::Join delimiter")
        values = self._list(items, lid, "Fn::Join list")
        try:
            return separator.join(to_cfn_string(item) for item in values)
        except TypeError as exc:
            raise self._error(f"Fn::Join items must be strings, got {values!r}", lid) from exc

    def _split(self, argument: Any, lid: str | None) -> list[str]:
        delimiter, source = self._arguments(argument, (2,), "Fn::Split", lid)
        separator = self._string(delimiter, lid, "Fn::Split delimiter")
        if not separator:
            raise self._error("Fn::Split delimiter must not be empty", lid)
        return self._string(source, lid, "Fn::Split source").split(separator)

    def _select(self, argument: Any, lid: str | None) -> Any:
        index_value, items = self._arguments(argument, (2,), "Fn::Select", lid)
        index_text = self._string(index_value, lid, "Fn::Select index")
        values = self._list(items, lid, "Fn::Select list")
        if not index_text.isdigit():
            raise self._error(f"Fn::Select index must be a non-negative integer, got "
                              f"{index_text!r}", lid)
        index = int(index_text)
        if index >= len(values):
            raise self._error(f"Fn::Select index {index} is out of range for a list of "
                              f"{len(values)} items", lid)
        return values[index]

    def _base64(self, argument: Any, lid: str | None) -> str:
        text = self._string(argument, lid, "Fn::Base64 argument")
        return base64.b64encode(text.encode("utf-8")).decode("ascii")

    def _length(self, argument: Any, lid: str | None) -> int:
        return len(self._list(argument, lid, "Fn::Length argument"))

    def _to_json_string(self, argument: Any, lid: str | None) -> str:
        return json.dumps(self._resolve(argument, lid), separators=(",", ":"))

    # -- lookups --------------------------------------------------------------------------

    def _find_in_map(self, argument: Any, lid: str | None) -> Any:
        arguments = self._arguments(argument, (3, 4), "Fn::FindInMap", lid)
        names = [self._string(part, lid, "Fn::FindInMap key") for part in arguments[:3]]
        mapping = self._template.mappings.get(names[0])
        if not isinstance(mapping, Mapping):
            raise self._error(f"Fn::FindInMap: mapping {names[0]} is not defined", lid)
        level = mapping.get(names[1])
        if isinstance(level, Mapping) and names[2] in level:
            return self._resolve(copy.deepcopy(level[names[2]]), lid)
        if len(arguments) == 4:
            default = arguments[3]
            if isinstance(default, Mapping) and "DefaultValue" in default:
                return self._resolve(default["DefaultValue"], lid)
            raise self._error("Fn::FindInMap fourth argument must be {DefaultValue: ...}", lid)
        raise self._error(f"Fn::FindInMap: key {names[1]}/{names[2]} not found in mapping "
                          f"{names[0]}", lid)

    def _get_azs(self, argument: Any, lid: str | None) -> list[str]:
        region = self._string(argument, lid, "Fn::GetAZs region") if argument else ""
        return availability_zones(region or self._template.region)

    def _cidr(self, argument: Any, lid: str | None) -> list[str]:
        block, count, bits = (self._string(part, lid, "Fn::Cidr argument")
                              for part in self._arguments(argument, (3,), "Fn::Cidr", lid))
        try:
            network = ipaddress.ip_network(block, strict=False)
            prefix = network.max_prefixlen - int(bits)
            subnets = network.subnets(new_prefix=prefix)
            wanted = int(count)
            result = [str(subnet) for subnet in itertools.islice(subnets, wanted)]
        except ValueError as exc:
            raise self._error(f"Fn::Cidr [{block}, {count}, {bits}]: {exc}", lid) from exc
        if len(result) < wanted:
            raise self._error(f"Fn::Cidr: {block} holds only {len(result)} subnets of "
                              f"{bits} host bits, {wanted} asked", lid)
        return result

    # -- conditions -----------------------------------------------------------------------

    def _if(self, argument: Any, lid: str | None) -> Any:
        name, when_true, when_false = self._arguments(argument, (3,), "Fn::If", lid)
        chosen = when_true if self.condition(str(name), lid) else when_false
        return self._resolve(chosen, lid)

    def _equals(self, argument: Any, lid: str | None) -> bool:
        left, right = (self._comparable(self._resolve(part, lid))
                       for part in self._arguments(argument, (2,), "Fn::Equals", lid))
        return bool(left == right)

    def _comparable(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self._comparable(item) for item in value]
        try:
            return to_cfn_string(value)
        except TypeError:
            return value

    def _and(self, argument: Any, lid: str | None) -> bool:
        parts = self._arguments(argument, range(2, 11), "Fn::And", lid)
        return all([self._bool(part, lid, "Fn::And") for part in parts])

    def _or(self, argument: Any, lid: str | None) -> bool:
        parts = self._arguments(argument, range(2, 11), "Fn::Or", lid)
        return any([self._bool(part, lid, "Fn::Or") for part in parts])

    def _not(self, argument: Any, lid: str | None) -> bool:
        (part,) = self._arguments(argument, (1,), "Fn::Not", lid)
        return not self._bool(part, lid, "Fn::Not")

    # -- unsupported ----------------------------------------------------------------------

    def _import_value(self, argument: Any, lid: str | None) -> Any:
        try:
            name = repr(self.resolve(argument, logical_id=lid))
        except TemplateError:
            name = repr(argument)
        raise self._error(f"Fn::ImportValue is not supported: {name} is another stack's "
                          "export; pass the value as a parameter instead", lid)

    def _transform(self, argument: Any, lid: str | None) -> Any:
        name = argument.get("Name") if isinstance(argument, Mapping) else argument
        raise self._error(f"Fn::Transform {name} is not supported", lid)


class _ConditionResolver(Resolver):
    """Evaluates the Conditions section: conditions may name each other, not resources."""

    def __init__(self, template: Template, raw: Mapping[str, Any]) -> None:
        super().__init__(template, {})
        self._raw = raw
        self._values: dict[str, bool] = {}
        self._evaluating: list[str] = []

    def condition(self, name: str, logical_id: str | None = None) -> bool:
        if name in self._values:
            return self._values[name]
        if name not in self._raw:
            raise self._error(f"Condition {name} is not defined in Conditions", logical_id)
        if name in self._evaluating:
            cycle = ", ".join([*self._evaluating, name])
            raise self._error(f"Circular dependency between conditions: [{cycle}]", name)
        self._evaluating.append(name)
        try:
            value = self._bool(self._raw[name], name, f"Condition {name}")
        finally:
            self._evaluating.pop()
        self._values[name] = value
        return value

    def _physical(self, target: str, function: str, lid: str | None) -> PhysicalResource:
        if target in self._template.resources:
            raise self._error(f"{function} to {target}: Conditions cannot refer to resources",
                              lid)
        raise self._error(f"{function} to unknown parameter {target}", lid)


def evaluate_conditions(template: Template, raw: Mapping[str, Any]) -> dict[str, bool]:
    """Every condition of the Conditions section, evaluated (``template.conditions`` unused)."""
    resolver = _ConditionResolver(template, raw)
    return {name: resolver.condition(name) for name in raw}
