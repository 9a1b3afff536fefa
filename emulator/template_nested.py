"""Nested stacks and nested applications: the static half (locations, names, parameters).

Copies how CloudFormation and SAM treat ``AWS::CloudFormation::Stack``
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudformation-stack.html)
and ``AWS::Serverless::Application``
(https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-sam-template-nested-applications.html),
which the SAM transform turns into the former (``Location`` becomes ``TemplateURL``):

- a local ``TemplateURL`` / ``Location`` is a path relative to the parent template's folder
  (or a ``file://`` URL), as ``sam package`` and SAM CLI's ``SamLocalStackProvider`` read it;
  ``s3://`` and ``http(s)://`` templates and Serverless Application Repository applications
  cannot be read offline: the resource is skipped with a warning, and ``Ref`` /
  ``Fn::GetAtt`` on it give placeholder values, as for any type the emulator does not emulate;
- the nested stack is named ``{ParentStackName}-{LogicalId}-{13 upper-case alphanumerics}``
  (deterministic here), ``Ref`` returns its stack id (ARN) and ``Fn::GetAtt
  Child.Outputs.Name`` one of its outputs;
- the ``Parameters`` passed must be declared by the child ("Parameters: [X] do not exist in
  the template") and cover every parameter without a ``Default`` ("Parameters: [X] must have
  values"); values are strings (a list must be joined first, as CloudFormation requires);
- a template that nests itself, directly or not, is an error naming the chain (SAM CLI would
  recurse for ever).

Creating the nested stacks (which needs moto) is :mod:`emulator.template_nested_deploy`.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final
from urllib.parse import unquote, urlparse

from emulator.errors import TemplateError
from emulator.intrinsics import stack_id, to_cfn_string
from emulator.stack import PhysicalResource, qualified_id
from emulator.template_model import Resource, Template
from emulator.template_physical import generated_name
from emulator.template_yaml import read_document

logger = logging.getLogger(__name__)

NESTED_STACK_TYPE: Final = "AWS::CloudFormation::Stack"
APPLICATION_TYPE: Final = "AWS::Serverless::Application"
#: Stands in for a Serverless Application Repository application's TemplateURL: the
#: application cannot be fetched offline (the SAM transform would call the SAR API).
SAR_SCHEME: Final = "serverlessrepo://"
_MAX_STACK_NAME: Final = 128


def nested_stack_name(parent_stack_name: str, logical_id: str) -> str:
    """The name CloudFormation gives a nested stack: ``{parent}-{LogicalId}-{SUFFIX}``."""
    return generated_name(parent_stack_name, logical_id, max_length=_MAX_STACK_NAME)


def nested_stack_id(parent: Template, logical_id: str) -> str:
    """The nested stack's id (what ``Ref`` returns and its own ``AWS::StackId``)."""
    name = nested_stack_name(parent.stack_name, logical_id)
    return stack_id(dataclasses.replace(parent, stack_name=name))


def local_template(template_url: Any, base_dir: Path) -> Path | None:
    """The local template file a ``TemplateURL`` / ``Location`` names; None when remote.

    A string without a scheme is a path relative to ``base_dir``; ``file://`` URLs are
    accepted as SAM CLI accepts them; any other scheme (``s3://``, ``https://``...) and
    anything but a string (an intrinsic, a SAR location) is not local.
    """
    if not isinstance(template_url, str) or not template_url.strip():
        return None
    text = template_url.strip()
    if text.startswith("file://"):
        parsed = urlparse(text)
        netloc = "" if parsed.netloc in ("", "localhost") else parsed.netloc
        text = unquote(netloc + parsed.path)
    elif "://" in text:
        return None
    return (base_dir / text).resolve()


def prepare_applications(document: Mapping[str, Any]) -> None:
    """Point Serverless Application Repository applications at an offline placeholder.

    The SAM transform would ask the Serverless Application Repository for the template of
    an ``AWS::Serverless::Application`` whose ``Location`` is ``{ApplicationId,
    SemanticVersion}``; the emulator has no network, so ``Location`` becomes a
    ``serverlessrepo://`` URL the nested-stack step recognises and skips (in place).
    """
    resources = document.get("Resources")
    if not isinstance(resources, Mapping):
        return
    for entry in resources.values():
        if not isinstance(entry, dict) or entry.get("Type") != APPLICATION_TYPE:
            continue
        properties = entry.get("Properties")
        location = properties.get("Location") if isinstance(properties, dict) else None
        if isinstance(properties, dict) and isinstance(location, Mapping):
            application = _describe(location.get("ApplicationId"))
            version = _describe(location.get("SemanticVersion"))
            properties["Location"] = f"{SAR_SCHEME}{application}@{version}"


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, default=str)


def _skip_warning(logical_id: str, template_url: Any) -> str:
    if isinstance(template_url, str) and template_url.startswith(SAR_SCHEME):
        application, _, version = template_url[len(SAR_SCHEME):].rpartition("@")
        what = (f"Serverless Application Repository application {application} "
                f"(version {version}) cannot be fetched offline")
    elif isinstance(template_url, str):
        what = f"TemplateURL {template_url} is not a local file"
    else:
        what = f"TemplateURL {_describe(template_url)} is not a local path"
    return (f"{logical_id}: {what}; the nested stack is skipped (Ref and Fn::GetAtt on it "
            "give placeholder values)")


def check_nested(resources: Mapping[str, Mapping[str, Any]], path: Path,
                 warnings: list[str]) -> None:
    """Check the nested stacks among a transformed template's (kept) resources.

    Remote ones get a warning; a local one must exist, must not nest a template that nests
    it back, and must be passed exactly the parameters its template declares (when its
    ``Parameters`` are written as a mapping; their values are checked when created).
    """
    for logical_id, entry in resources.items():
        if entry.get("Type") != NESTED_STACK_TYPE:
            continue
        properties = entry.get("Properties") or {}
        template_url = properties.get("TemplateURL") if isinstance(properties, Mapping) \
            else None
        child = local_template(template_url, path.parent)
        if child is None:
            warnings.append(_skip_warning(logical_id, template_url))
            continue
        if child == path:
            raise TemplateError(f"nested stacks form a cycle: {path} -> {path}", path=path,
                                logical_id=logical_id)
        document = _read_child(child, logical_id, path, template_url)
        _scan_descendants(child, document, (path, child), logical_id)
        passed = properties.get("Parameters") if isinstance(properties, Mapping) else None
        if passed is None or isinstance(passed, Mapping) and not _is_intrinsic(passed):
            check_parameter_names(logical_id, passed or {}, document, child, path)


def _is_intrinsic(value: Mapping[str, Any]) -> bool:
    return len(value) == 1 and str(next(iter(value))).startswith(("Ref", "Fn::"))


def _read_child(child: Path, logical_id: str, path: Path, written: Any) -> Any:
    if not child.is_file():
        raise TemplateError(f"nested stack template {written} not found ({child})",
                            path=path, logical_id=logical_id)
    try:
        return read_document(child)
    except TemplateError as exc:
        raise TemplateError(f"nested stack template {written}: {exc.message}", path=path,
                            logical_id=logical_id) from exc


def _raw_nested(document: Any) -> Iterable[tuple[str, Any]]:
    """(logical id, TemplateURL or Location) of a raw document's nested stack resources."""
    resources = document.get("Resources") if isinstance(document, Mapping) else None
    if not isinstance(resources, Mapping):
        return []
    found: list[tuple[str, Any]] = []
    for logical_id, entry in resources.items():
        if not isinstance(entry, Mapping):
            continue
        properties = entry.get("Properties")
        if not isinstance(properties, Mapping):
            continue
        if entry.get("Type") == NESTED_STACK_TYPE:
            found.append((str(logical_id), properties.get("TemplateURL")))
        elif entry.get("Type") == APPLICATION_TYPE:
            found.append((str(logical_id), properties.get("Location")))
    return found


def _scan_descendants(template: Path, document: Any, chain: tuple[Path, ...],
                      stack_path: str) -> None:
    """Every local template below ``template`` exists and none nests one of its ancestors.

    The raw documents are read (as ``sam package`` reads every local artifact), whatever
    the Conditions of the resources: a file cycle would make CloudFormation and SAM CLI
    nest for ever.
    """
    for logical_id, template_url in _raw_nested(document):
        child = local_template(template_url, template.parent)
        if child is None:
            continue
        where = qualified_id(stack_path, logical_id)
        if child in chain:
            cycle = " -> ".join(str(item) for item in (*chain[chain.index(child):], child))
            raise TemplateError(f"nested stacks form a cycle: {cycle}", path=template,
                                logical_id=where)
        _scan_descendants(child, _read_child(child, where, template, template_url),
                          (*chain, child), where)


def check_parameter_names(logical_id: str, passed: Mapping[str, Any], document: Any,
                          child: Path, path: Path) -> None:
    """The names passed to a nested stack against the Parameters its template declares."""
    declared = document.get("Parameters") if isinstance(document, Mapping) else None
    declared = declared if isinstance(declared, Mapping) else {}
    unknown = [str(name) for name in passed if name not in declared]
    if unknown:
        raise TemplateError(f"Parameters: [{', '.join(unknown)}] do not exist in the template "
                            f"{child}", path=path, logical_id=logical_id)
    missing = [str(name) for name, spec in declared.items()
               if name not in passed and not (isinstance(spec, Mapping) and "Default" in spec)]
    if missing:
        raise TemplateError(f"Parameters: [{', '.join(missing)}] must have values (nested "
                            f"stack template {child})", path=path, logical_id=logical_id)


def parameter_values(logical_id: str, passed: Any, path: Path) -> dict[str, str]:
    """Resolved ``Parameters`` of a nested stack as the strings the child is given."""
    if passed is None:
        return {}
    if not isinstance(passed, Mapping):
        raise TemplateError("Parameters of a nested stack must be a mapping of names to "
                            f"strings, got {passed!r}", path=path, logical_id=logical_id)
    values: dict[str, str] = {}
    for name, value in passed.items():
        try:
            values[str(name)] = to_cfn_string(value)
        except TypeError:
            hint = " (join a list with Fn::Join)" if isinstance(value, list) else ""
            raise TemplateError(f"Parameters: {name} must resolve to a string, got "
                                f"{value!r}{hint}", path=path, logical_id=logical_id) from None
    return values


def output_attributes(outputs: Mapping[str, str]) -> dict[str, str]:
    """``Fn::GetAtt`` attributes of a nested stack resource: ``Outputs.{Name}``."""
    return {f"Outputs.{key}": value for key, value in outputs.items()}


def nested_physical_resource(template: Template, resource: Resource,
                             properties: Mapping[str, Any]) -> PhysicalResource:
    """The nested stack a resource stands for: created by the template's deployer when it
    has one and the template is local, else a placeholder with the stack id."""
    child = local_template(resource.properties.get("TemplateURL"), template.path.parent)
    if child is not None and template.nested_deployer is not None:
        return template.nested_deployer(template, resource, properties)
    return PhysicalResource(logical_id=resource.logical_id, type=resource.type,
                            physical_id=nested_stack_id(template, resource.logical_id),
                            emulated=False)
