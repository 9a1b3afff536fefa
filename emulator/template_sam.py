"""Local artifacts and the SAM transform, done offline the way SAM CLI does them.

Copies ``sam package`` / ``aws cloudformation package``
(https://docs.aws.amazon.com/cli/latest/reference/cloudformation/package.html): local
``CodeUri`` / ``ContentUri`` / ``Code`` / ``Content`` paths (relative to the template's folder;
a function without ``CodeUri`` uses ``Globals.Function.CodeUri`` or the folder itself) become
``s3://`` URIs, while the local folder is remembered; a local ``DefinitionUri`` or
``BodyS3Location`` file is inlined as the body; ``Fn::Transform: {Name: AWS::Include}``
snippets (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/create-reusable-transform-function-snippets-and-add-to-your-template-with-aws-include-transform.html)
are inlined. Then the official SAM transform (aws-sam-translator) runs with an IAM-free
managed-policy loader, as ``sam validate --lint`` does offline. Note that CloudFormation
does not resolve intrinsics inside a ``DefinitionUri`` file (only in ``DefinitionBody``);
SAM CLI's ``start-api`` does, and so does the emulator, with a warning.
"""

from __future__ import annotations

import copy
import logging
import os
import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from samtranslator.model.exceptions import ExceptionWithMessage, InvalidDocumentException
from samtranslator.translator.transform import transform

from emulator.errors import TemplateError
from emulator.template_yaml import read_document

logger = logging.getLogger(__name__)

PLACEHOLDER_BUCKET = "emulator-local-artifacts"
_REGION_LOCK = threading.Lock()
_RESOURCE_ID = re.compile(r"Resource with id \[([^\]]+)\] is invalid\. ?")


class _HostedTransformNoise(logging.Filter):
    """Drops samtranslator's notes about the AWS-hosted transform's telemetry and feature
    toggles, which mean nothing offline and would print on every start."""

    _NOISE = ("There are unpublished metrics", "not available in Feature Toggle Config")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not any(noise in message for noise in self._NOISE)


for _name in ("samtranslator.metrics.metrics", "samtranslator.feature_toggle.feature_toggle"):
    _logger = logging.getLogger(_name)
    if not any(isinstance(item, _HostedTransformNoise) for item in _logger.filters):
        _logger.addFilter(_HostedTransformNoise())


class _OfflinePolicyLoader:
    """Managed-policy lookup with no IAM call: SAM falls back on its bundled policy map."""

    def load(self) -> dict[str, str]:
        return {}


def _is_local(uri: Any) -> bool:
    return isinstance(uri, str) and "://" not in uri


def _has_intrinsics(value: Any) -> bool:
    if isinstance(value, Mapping):
        if len(value) == 1 and next(iter(value)) in ("Ref", "Condition") or any(
                str(key).startswith("Fn::") for key in value):
            return True
        return any(_has_intrinsics(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_intrinsics(item) for item in value)
    return False


class ArtifactMap:
    """Local folders swapped for placeholder ``s3://`` URIs, found again after the transform."""

    def __init__(self, base_dir: Path) -> None:
        self.base_dir = base_dir
        self._paths: dict[str, Path] = {}

    def placeholder(self, local: str, logical_id: str) -> tuple[str, str]:
        """(bucket, key) standing for a local path."""
        key = f"{len(self._paths)}/{logical_id}"
        self._paths[key] = (self.base_dir / (local or ".")).resolve()
        return PLACEHOLDER_BUCKET, key

    def uri(self, local: str, logical_id: str) -> str:
        bucket, key = self.placeholder(local, logical_id)
        return f"s3://{bucket}/{key}"

    def local_dir(self, location: Any) -> Path | None:
        """The local folder a transformed ``Code`` / ``Content`` value stands for."""
        if isinstance(location, Mapping) and location.get("S3Bucket") == PLACEHOLDER_BUCKET:
            return self._paths.get(str(location.get("S3Key")))
        return None


def inline_includes(value: Any, base_dir: Path, path: Path, warnings: list[str]) -> Any:
    """``value`` with each local ``AWS::Include`` replaced by the file's content."""
    if isinstance(value, list):
        return [inline_includes(item, base_dir, path, warnings) for item in value]
    if not isinstance(value, Mapping):
        return value
    result = {key: inline_includes(item, base_dir, path, warnings)
              for key, item in value.items() if key != "Fn::Transform"}
    spec = value.get("Fn::Transform")
    if spec is None:
        return result
    if not isinstance(spec, Mapping) or spec.get("Name") != "AWS::Include":
        result["Fn::Transform"] = spec
        return result
    parameters = spec.get("Parameters")
    location = parameters.get("Location") if isinstance(parameters, Mapping) else None
    if not _is_local(location):
        warnings.append(f"AWS::Include of {location!r} cannot be read offline; it was left out")
        return result
    snippet = inline_includes(read_document(base_dir / str(location)), base_dir, path,
                              warnings)
    if not result:
        return snippet
    if isinstance(snippet, Mapping):
        return {**result, **snippet}
    raise TemplateError(f"AWS::Include {location} must hold a mapping here, beside other keys",
                        path=path)


def localize_artifacts(document: dict[str, Any], artifacts: ArtifactMap, path: Path,
                       warnings: list[str]) -> None:
    """Swap local artifact paths for placeholders and inline local API definitions (in place)."""
    globals_section = document.get("Globals")
    global_function = globals_section.get("Function") if isinstance(globals_section,
                                                                      dict) else None
    default_code_uri: Any = "."
    if isinstance(global_function, dict) and "CodeUri" in global_function:
        default_code_uri = global_function.pop("CodeUri")
    resources = document.get("Resources")
    if not isinstance(resources, dict):
        return
    for logical_id, resource in resources.items():
        if not isinstance(resource, dict) or not isinstance(resource.get("Properties", {}), dict):
            continue
        kind = resource.get("Type")
        properties: dict[str, Any] = resource.setdefault("Properties", {})
        if kind == "AWS::Serverless::Function":
            if properties.get("PackageType") == "Image" or "InlineCode" in properties:
                continue
            code_uri = properties.get("CodeUri", default_code_uri)
            properties["CodeUri"] = (artifacts.uri(code_uri, logical_id)
                                     if _is_local(code_uri) else code_uri)
        elif kind == "AWS::Serverless::LayerVersion" and _is_local(properties.get("ContentUri")):
            properties["ContentUri"] = artifacts.uri(properties["ContentUri"], logical_id)
        elif kind == "AWS::Lambda::Function" and _is_local(properties.get("Code")):
            bucket, key = artifacts.placeholder(properties["Code"], logical_id)
            properties["Code"] = {"S3Bucket": bucket, "S3Key": key}
        elif kind == "AWS::Lambda::LayerVersion" and _is_local(properties.get("Content")):
            bucket, key = artifacts.placeholder(properties["Content"], logical_id)
            properties["Content"] = {"S3Bucket": bucket, "S3Key": key}
        elif kind in ("AWS::Serverless::Api", "AWS::Serverless::HttpApi"):
            _inline_definition(properties, "DefinitionUri", "DefinitionBody", artifacts,
                               logical_id, path, warnings)
        elif kind in ("AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"):
            _inline_definition(properties, "BodyS3Location", "Body", artifacts, logical_id,
                               path, warnings)
        elif kind == "AWS::Serverless::StateMachine" and _is_local(
                properties.get("DefinitionUri")):
            properties["DefinitionUri"] = artifacts.uri(properties["DefinitionUri"], logical_id)


def _inline_definition(properties: dict[str, Any], uri_key: str, body_key: str,
                       artifacts: ArtifactMap, logical_id: str, path: Path,
                       warnings: list[str]) -> None:
    location = properties.get(uri_key)
    if not _is_local(location):
        return
    definition_path = artifacts.base_dir / str(location)
    try:
        body = inline_includes(read_document(definition_path), artifacts.base_dir, path,
                               warnings)
    except TemplateError as exc:
        raise TemplateError(f"{uri_key} {location}: {exc.message}", path=path,
                            logical_id=logical_id) from exc
    if _has_intrinsics(body):
        warnings.append(f"{logical_id}: {uri_key} {location} uses intrinsic functions; "
                        "CloudFormation does not resolve them in an external file (use "
                        f"{body_key} with AWS::Include), the emulator does")
    del properties[uri_key]
    properties[body_key] = body


@contextmanager
def _default_region(region: str) -> Iterator[None]:
    # samtranslator reads the region from a boto3 session, i.e. from AWS_DEFAULT_REGION;
    # set it only for the transform, then put the environment back.
    with _REGION_LOCK:
        previous = os.environ.get("AWS_DEFAULT_REGION")
        os.environ["AWS_DEFAULT_REGION"] = region
        try:
            yield
        finally:
            if previous is None:
                os.environ.pop("AWS_DEFAULT_REGION", None)
            else:
                os.environ["AWS_DEFAULT_REGION"] = previous


def _error_from(cause: Any, path: Path) -> TemplateError:
    message = " ".join(str(cause.message).split())
    match = _RESOURCE_ID.search(message)
    logical_id = match.group(1) if match else None
    if match:
        message = message[:match.start()] + message[match.end():]
    return TemplateError(f"SAM transform failed: {message.strip()}", path=path,
                         logical_id=logical_id)


def sam_transform(document: Mapping[str, Any], parameter_values: Mapping[str, Any],
                  region: str, path: Path) -> dict[str, Any]:
    """The CloudFormation template the SAM transform makes of ``document``."""
    with _default_region(region):
        try:
            result: dict[str, Any] = transform(copy.deepcopy(dict(document)),
                                               dict(parameter_values), _OfflinePolicyLoader(),
                                               passthrough_metadata=True)
        except InvalidDocumentException as exc:
            causes = list(exc.causes) or [exc]
            first = _error_from(causes[0], path)
            if len(causes) > 1:
                others = "; ".join(_error_from(cause, path).message.removeprefix(
                    "SAM transform failed: ") for cause in causes[1:])
                raise TemplateError(f"{first.message}; {others}", path=path,
                                    logical_id=first.logical_id) from exc
            raise first from exc
        except ExceptionWithMessage as exc:
            raise _error_from(exc, path) from exc
    return result


def code_locations(resources: Mapping[str, Any], artifacts: ArtifactMap) -> dict[str, Path]:
    """Transformed function / layer logical id -> the local folder of its code."""
    found: dict[str, Path] = {}
    for logical_id, resource in resources.items():
        if not isinstance(resource, Mapping):
            continue
        properties = resource.get("Properties") or {}
        if resource.get("Type") == "AWS::Lambda::Function":
            local = artifacts.local_dir(properties.get("Code"))
        elif resource.get("Type") == "AWS::Lambda::LayerVersion":
            local = artifacts.local_dir(properties.get("Content"))
        else:
            continue
        if local is not None:
            found[logical_id] = local
    return found
