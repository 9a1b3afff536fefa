"""SAM / CloudFormation template loading: what ``sam deploy`` hands CloudFormation, offline.

Copies the stack-creation steps of CloudFormation
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html) as
SAM CLI prepares them (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-cli-command-reference-sam-deploy.html):
local artifacts are packaged (here: remembered), the ``AWS::Serverless-2016-10-31``
transform expands SAM resources, parameters are bound, Conditions are evaluated and
Condition-false resources and outputs dropped, and resources are ordered the way
CloudFormation creates them: after everything named by ``DependsOn``, ``Ref``,
``Fn::GetAtt`` and ``Fn::Sub``. References to nothing and dependency cycles fail with the
errors CloudFormation reports ("Unresolved resource dependencies", "Circular dependency
between resources"). Nested stacks are checked here and created by
:mod:`emulator.template_nested_deploy` (see :mod:`emulator.template_nested`).

Public API (other modules code against these names): :class:`Resource`, :class:`Template`,
:func:`load_template`, :class:`Resolver`, :func:`default_physical_resource`,
:func:`build_stack`, :func:`rewrite_execute_api_urls`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from emulator.config import Settings
from emulator.errors import TemplateError
from emulator.intrinsics import (
    LIST_PARAMETER_TYPES,
    PSEUDO_PARAMETERS,
    Resolver,
    evaluate_conditions,
    references,
)
from emulator.stack import PhysicalResource
from emulator.template_model import SAM_TRANSFORM, Resource, Template
from emulator.template_nested import (
    NESTED_STACK_TYPE,
    check_nested,
    nested_physical_resource,
    prepare_applications,
)
from emulator.template_params import bind_parameters, stack_name_for
from emulator.template_physical import KNOWN_TYPES
from emulator.template_physical import default_physical_resource as _default_physical
from emulator.template_sam import (
    ArtifactMap,
    code_locations,
    inline_includes,
    localize_artifacts,
    sam_transform,
)
from emulator.template_stack import build_stack, rewrite_execute_api_urls
from emulator.template_yaml import read_document

__all__ = [
    "Resolver", "Resource", "Template", "build_stack", "default_physical_resource",
    "load_template", "rewrite_execute_api_urls",
]

logger = logging.getLogger(__name__)

_UNRESOLVED = "Unresolved resource dependencies [{target}] in the {block} block of the template"


def _transforms(document: Mapping[str, Any]) -> list[str]:
    declared = document.get("Transform")
    if declared is None:
        return []
    items = declared if isinstance(declared, list) else [declared]
    return [item if isinstance(item, str) else str(item.get("Name", item))
            if isinstance(item, Mapping) else str(item) for item in items]


def _transform_parameters(values: Mapping[str, str], types: Mapping[str, str]
                          ) -> dict[str, Any]:
    # CloudFormation hands macros list parameters as lists (templateParameterValues).
    return {name: [item.strip() for item in value.split(",")]
            if types.get(name, "").startswith(LIST_PARAMETER_TYPES) else value
            for name, value in values.items()}


def _seed_dirs(document: Mapping[str, Any], base_dir: Path) -> tuple[Path, ...]:
    metadata = document.get("Metadata")
    emulator = metadata.get("Emulator") if isinstance(metadata, Mapping) else None
    seed = emulator.get("Seed") if isinstance(emulator, Mapping) else None
    folders = [seed] if isinstance(seed, str) else seed if isinstance(seed, list) else []
    return tuple((base_dir / str(folder)).resolve() for folder in folders)


def _section(document: Mapping[str, Any], name: str, path: Path) -> dict[str, Any]:
    value = document.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise TemplateError(f"Template format error: {name} must be a mapping", path=path)
    return value


def _keep(entry: Any, conditions: Mapping[str, bool], name: str, path: Path) -> bool:
    condition = entry.get("Condition") if isinstance(entry, Mapping) else None
    if condition is None:
        return True
    if not isinstance(condition, str) or condition not in conditions:
        raise TemplateError(f"Condition {condition} is not defined in Conditions", path=path,
                            logical_id=name)
    return conditions[condition]


def _depends_on(entry: Mapping[str, Any]) -> list[str]:
    declared = entry.get("DependsOn", [])
    return [declared] if isinstance(declared, str) else [str(item) for item in declared]


def _check_target(function: str, target: str, kept: Mapping[str, Any],
                  removed: Iterable[str], parameters: Mapping[str, str], block: str,
                  name: str, path: Path) -> bool:
    """True when ``target`` is a resource; errors for what CloudFormation rejects."""
    if target in kept:
        return True
    if function == "Ref" and (target in parameters or target in PSEUDO_PARAMETERS):
        return False
    if target in removed:
        why = "a resource its Condition removed"
    elif target in parameters:
        why = "a parameter, which has no attributes"
    else:
        why = "not a resource" if function == "DependsOn" else "not a resource or parameter"
    message = _UNRESOLVED.format(target=target, block=block)
    raise TemplateError(f"{message}: {function} to {target}, {why}", path=path, logical_id=name)


def _find_cycle(graph: Mapping[str, tuple[str, ...]]) -> list[str]:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, ()):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = 2
        stack.pop()
        return None

    for node in graph:
        if node not in state and (cycle := visit(node)):
            return cycle
    return sorted(graph)


def _topological(graph: Mapping[str, tuple[str, ...]], path: Path) -> list[str]:
    """Creation order: dependencies first, otherwise template order."""
    ordered: list[str] = []
    placed: set[str] = set()
    remaining = list(graph)
    while remaining:
        ready = next((node for node in remaining
                      if all(dep in placed for dep in graph[node])), None)
        if ready is None:
            cycle = _find_cycle({node: graph[node] for node in remaining})
            raise TemplateError(f"Circular dependency between resources: [{', '.join(cycle)}]",
                                path=path, logical_id=cycle[0])
        ordered.append(ready)
        placed.add(ready)
        remaining.remove(ready)
    return ordered


def default_physical_resource(template: Template, resource: Resource,
                              resolved_properties: Mapping[str, Any]) -> PhysicalResource:
    """The physical id and attributes CloudFormation would give ``resource``.

    A nested stack is created by the template's ``nested_deployer`` when it has one.
    """
    if resource.type == NESTED_STACK_TYPE:
        return nested_physical_resource(template, resource, resolved_properties)
    return _default_physical(template, resource, resolved_properties)


def _type_warnings(resources: Mapping[str, Mapping[str, Any]], path: Path) -> list[str]:
    warnings: list[str] = []
    unrecognized = sorted({str(entry.get("Type")) for entry in resources.values()
                           if str(entry.get("Type", "")).startswith("AWS::Serverless::")})
    if unrecognized:
        raise TemplateError(f"Template format error: Unrecognized resource types: "
                            f"[{', '.join(unrecognized)}] (add Transform: {SAM_TRANSFORM})",
                            path=path)
    for logical_id, entry in resources.items():
        kind = str(entry.get("Type"))
        if kind not in KNOWN_TYPES and kind != NESTED_STACK_TYPE:
            warnings.append(f"{logical_id}: {kind} is not emulated; Ref and Fn::GetAtt give "
                            "placeholder values")
    return warnings


def load_template(path: Path | str, settings: Settings) -> Template:
    """Read, transform and bind a SAM or CloudFormation template (see the module docstring)."""
    path = Path(path).resolve()
    if not path.is_file():
        raise TemplateError("template file not found", path=path)
    document = read_document(path)
    if not isinstance(document, dict) or not isinstance(document.get("Resources"), dict) \
            or not document["Resources"]:
        raise TemplateError("Template format error: At least one Resources member must be "
                            "defined.", path=path)
    warnings: list[str] = []
    stack_name = stack_name_for(path, settings)
    bound = bind_parameters(document.get("Parameters"), settings.parameter_overrides, path)
    warnings.extend(bound.warnings)

    document = inline_includes(document, path.parent, path, warnings)
    artifacts = ArtifactMap(path.parent)
    localize_artifacts(document, artifacts, path, warnings)
    transforms = _transforms(document)
    prepare_applications(document)
    if SAM_TRANSFORM in transforms:
        document = sam_transform(document, _transform_parameters(bound.values, bound.types),
                                 settings.region, path)
    for name in transforms:
        if name != SAM_TRANSFORM:
            warnings.append(f"transform {name} is not applied by the emulator")
    if "Rules" in document:
        warnings.append("the Rules section is not evaluated by the emulator")

    raw_resources = _section(document, "Resources", path)
    for logical_id in [key for key in raw_resources if key.startswith("Fn::ForEach")]:
        warnings.append(f"{logical_id} (AWS::LanguageExtensions) is not expanded; left out")
        del raw_resources[logical_id]
    for logical_id, entry in raw_resources.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("Type"), str):
            raise TemplateError("a resource must be a mapping with a Type", path=path,
                                logical_id=logical_id)
    raw_outputs = _section(document, "Outputs", path)
    mappings = _section(document, "Mappings", path)

    base = Template(
        path=path, stack_name=stack_name, region=settings.region,
        account_id=settings.account_id, parameters=MappingProxyType(dict(bound.values)),
        conditions=MappingProxyType({}),
        resources={lid: Resource(lid, entry["Type"], {}, ()) for lid, entry in
                   raw_resources.items()},
        outputs=MappingProxyType({}), mappings=MappingProxyType(mappings),
        code_locations=MappingProxyType({}), parameter_types=bound.types)
    conditions = evaluate_conditions(base, _section(document, "Conditions", path))

    kept = {lid: entry for lid, entry in raw_resources.items()
            if _keep(entry, conditions, lid, path)}
    removed = set(raw_resources) - set(kept)
    check_nested(kept, path, warnings)
    graph: dict[str, tuple[str, ...]] = {}
    for logical_id, entry in kept.items():
        targets: list[str] = []
        for target in _depends_on(entry):
            _check_target("DependsOn", target, kept, removed, {}, "Resources", logical_id, path)
            targets.append(target)
        for function, target in references(entry.get("Properties") or {}, conditions):
            if _check_target(function, target, kept, removed, bound.values, "Resources",
                             logical_id, path):
                targets.append(target)
        graph[logical_id] = tuple(dict.fromkeys(targets))
    outputs: dict[str, Mapping[str, Any]] = {}
    for key, output in raw_outputs.items():
        if not isinstance(output, Mapping) or "Value" not in output:
            raise TemplateError("an output must be a mapping with a Value", path=path,
                                logical_id=key)
        if _keep(output, conditions, key, path):
            for function, target in references(output, conditions):
                _check_target(function, target, kept, removed, bound.values, "Outputs", key,
                              path)
            outputs[key] = MappingProxyType(dict(output))

    resources = {
        lid: Resource(logical_id=lid, type=kept[lid]["Type"],
                      properties=MappingProxyType(dict(kept[lid].get("Properties") or {})),
                      depends_on=graph[lid],
                      metadata=MappingProxyType(dict(kept[lid].get("Metadata") or {})))
        for lid in _topological(graph, path)
    }
    warnings.extend(_type_warnings(kept, path))
    locations = code_locations(kept, artifacts)
    for warning in warnings:
        # Template.warnings is how callers show these; log them only for debugging.
        logger.debug("%s: %s", path, warning)
    return Template(
        path=path, stack_name=stack_name, region=settings.region,
        account_id=settings.account_id, parameters=base.parameters,
        conditions=MappingProxyType(conditions), resources=MappingProxyType(resources),
        outputs=MappingProxyType(outputs), mappings=base.mappings,
        code_locations=MappingProxyType(locations), warnings=tuple(dict.fromkeys(warnings)),
        parameter_types=MappingProxyType(dict(bound.types)),
        seed_dirs=_seed_dirs(document, path.parent))
