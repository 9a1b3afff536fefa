"""From a loaded template and its provisioned resources to the :class:`Stack` model.

Copies what Lambda and API Gateway make of the CloudFormation resources: a function's
configuration (``AWS::Lambda::Function``:
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-function.html;
environment values are strings, as Lambda stores them; handler ``pkg/mod.fn`` or
``pkg.mod.fn`` names ``pkg/mod.py``; layers land under ``/opt`` and Python finds them in
``python/lib/python3.x/site-packages`` and ``python/``, per
https://docs.aws.amazon.com/lambda/latest/dg/packaging-layers.html#packaging-layers-paths),
and an API's deployed stage (``AWS::ApiGateway::Stage`` naming the RestApi, or the
``StageName`` of its ``AWS::ApiGateway::Deployment``; ``AWS::ApiGatewayV2::Stage`` for an
HTTP API) with its OpenAPI body fully resolved. In a nested stack, function and API ids
carry the stack path (``Child/HelloFunction``), as SAM CLI names them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from emulator.config import DEFAULT_FUNCTION_TIMEOUT_S, DEFAULT_MEMORY_MB
from emulator.errors import TemplateError
from emulator.intrinsics import Resolver, to_cfn_string
from emulator.stack import (
    ApiConfig,
    ApiKind,
    FunctionConfig,
    Output,
    PhysicalResource,
    Stack,
    qualified_id,
)
from emulator.template_model import Resource, Template

logger = logging.getLogger(__name__)

_EXECUTE_API_URL = re.compile(
    r"https://([a-z0-9]+)\.execute-api\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?")


def rewrite_execute_api_urls(value: str, base_urls: Mapping[str, str]) -> str:
    """Point ``https://{apiId}.execute-api.{region}.amazonaws.com/...`` at local base URLs.

    URLs of APIs not in ``base_urls`` and every other text are left as they are.
    """
    def replace(match: re.Match[str]) -> str:
        base = base_urls.get(match.group(1))
        return base.rstrip("/") if base is not None else match.group(0)

    return _EXECUTE_API_URL.sub(replace, value)


class _Builder:
    def __init__(self, template: Template, registry: Mapping[str, PhysicalResource]) -> None:
        self.template = template
        self.registry = registry
        self.resolver = Resolver(template, registry)
        self.warnings: list[str] = list(template.warnings)

    def error(self, message: str, logical_id: str) -> TemplateError:
        return TemplateError(message, path=self.template.path, logical_id=logical_id)

    def warn(self, message: str) -> None:
        logger.warning("%s: %s", self.template.path, message)
        self.warnings.append(message)

    def physical(self, logical_id: str) -> PhysicalResource:
        entry = self.registry.get(logical_id)
        if entry is None:
            raise self.error("the resource has no physical resource in the registry",
                             logical_id)
        return entry

    def resolve(self, resource: Resource) -> dict[str, Any]:
        resolved = self.resolver.resolve(resource.properties, logical_id=resource.logical_id)
        return resolved if isinstance(resolved, dict) else {}

    def of_type(self, kind: str) -> list[Resource]:
        return [res for res in self.template.resources.values() if res.type == kind]

    # -- functions ------------------------------------------------------------------------

    def function(self, resource: Resource) -> FunctionConfig | None:
        lid = resource.logical_id
        props = self.resolve(resource)
        if props.get("PackageType") == "Image":
            self.warn(f"{lid}: container image functions are not emulated; skipped")
            return None
        code_dir = self.template.code_locations.get(lid)
        if code_dir is None:
            code = props.get("Code")
            what = ("inline ZipFile code" if isinstance(code, Mapping) and "ZipFile" in code
                    else f"code at {code!r}")
            self.warn(f"{lid}: {what} is not a local folder; function skipped")
            return None
        if not code_dir.is_dir():
            raise self.error(f"code directory {code_dir} not found", lid)
        handler, runtime = props.get("Handler"), str(props.get("Runtime", ""))
        if not isinstance(handler, str) or not handler:
            raise self.error("Handler is required for a zip-packaged function", lid)
        layer_paths = self.layer_paths(lid, props.get("Layers") or [], runtime)
        if runtime.startswith("python"):
            self.check_handler(lid, handler, code_dir, layer_paths)
        else:
            self.warn(f"{lid}: runtime {runtime or '(none)'} is not supported by the emulator's "
                      "Python runtime")
        entry = self.physical(lid)
        environment = (props.get("Environment") or {}).get("Variables") or {}
        try:
            variables = {str(key): to_cfn_string(value) for key, value in environment.items()}
        except TypeError as exc:
            raise self.error(f"Environment Variables must be strings: {exc}", lid) from exc
        reserved = props.get("ReservedConcurrentExecutions")
        return FunctionConfig(
            logical_id=qualified_id(self.template.stack_path, lid), name=entry.physical_id,
            arn=str(entry.attributes.get("Arn", entry.physical_id)), handler=handler,
            runtime=runtime, code_dir=code_dir, layer_paths=tuple(layer_paths),
            timeout_s=float(props.get("Timeout", DEFAULT_FUNCTION_TIMEOUT_S)),
            memory_mb=int(props.get("MemorySize", DEFAULT_MEMORY_MB)),
            environment=MappingProxyType(variables),
            architectures=tuple(props.get("Architectures") or ("x86_64",)),
            reserved_concurrency=None if reserved is None else int(reserved))

    def check_handler(self, lid: str, handler: str, code_dir: Path,
                      layer_paths: list[Path]) -> None:
        module, _, function = handler.rpartition(".")
        if not module or not function:
            raise self.error(f"Handler {handler!r} must be module.function", lid)
        module_path = module.replace(".", "/")
        for root in (code_dir, *layer_paths):
            if (root / f"{module_path}.py").is_file() or \
                    (root / module_path / "__init__.py").is_file():
                return
        raise self.error(f"handler file {module_path}.py not found in {code_dir}", lid)

    def layer_paths(self, lid: str, layers: list[Any], runtime: str) -> list[Path]:
        local = {self.registry[res.logical_id].physical_id: res
                 for res in self.of_type("AWS::Lambda::LayerVersion")
                 if res.logical_id in self.registry}
        site_dirs: list[Path] = []
        python_dirs: list[Path] = []
        # Layers are extracted into /opt in order, so a later layer's files win: search it first.
        for arn in reversed([str(layer) for layer in layers]):
            layer = local.get(arn)
            layer_dir = self.template.code_locations.get(layer.logical_id) if layer else None
            if layer is None or layer_dir is None:
                self.warn(f"{lid}: layer {arn} is not a local layer of this template; ignored")
                continue
            if str(layer.metadata.get("BuildMethod", "")).startswith("python"):
                # `sam build` installs such a layer's folder as the layer's python/.
                python_dirs.append(layer_dir)
                continue
            version = runtime if runtime.startswith("python") else "python3*"
            found = sorted(layer_dir.glob(f"python/lib/{version}/site-packages"))
            site_dirs.extend(found)
            if (layer_dir / "python").is_dir():
                python_dirs.append(layer_dir / "python")
            elif not found:
                self.warn(f"{lid}: layer {layer.logical_id} has no python/ folder; Lambda "
                          "would not import from it")
        return site_dirs + python_dirs

    # -- APIs -----------------------------------------------------------------------------

    def apis(self) -> list[ApiConfig]:
        configs: list[ApiConfig] = []
        for resource in self.of_type("AWS::ApiGateway::RestApi"):
            configs.extend(self.api(resource, "REST", "AWS::ApiGateway::Stage", "RestApiId"))
        for resource in self.of_type("AWS::ApiGatewayV2::Api"):
            configs.extend(self.api(resource, "HTTP", "AWS::ApiGatewayV2::Stage", "ApiId"))
        return configs

    def api(self, resource: Resource, kind: ApiKind, stage_type: str, api_key: str
            ) -> list[ApiConfig]:
        lid = resource.logical_id
        props = self.resolve(resource)
        if kind == "HTTP" and props.get("ProtocolType", "HTTP") != "HTTP":
            self.warn(f"{lid}: {props.get('ProtocolType')} APIs are not emulated; skipped")
            return []
        body = props.get("Body")
        if not isinstance(body, dict):
            self.warn(f"{lid}: API without an inline OpenAPI Body is not emulated; skipped")
            return []
        api_id = self.physical(lid).physical_id
        stages: list[tuple[str, dict[str, Any], Mapping[str, Any]]] = []
        for stage in self.of_type(stage_type):
            if self.resolver.resolve(stage.properties.get(api_key),
                                     logical_id=stage.logical_id) == api_id:
                stage_props = self.resolve(stage)
                variables = stage_props.get("Variables" if kind == "REST" else "StageVariables")
                stages.append((str(stage_props.get("StageName", "$default")), stage_props,
                               variables or {}))
        if not stages and kind == "REST":
            for deployment in self.of_type("AWS::ApiGateway::Deployment"):
                deployment_props = self.resolve(deployment)
                if deployment_props.get("RestApiId") == api_id and \
                        deployment_props.get("StageName"):
                    description = deployment_props.get("StageDescription") or {}
                    stages.append((str(deployment_props["StageName"]), description,
                                   description.get("Variables") or {}))
        if not stages:
            self.warn(f"{lid}: the API has no stage; it cannot be invoked")
            return []
        binary = [*(props.get("BinaryMediaTypes") or []),
                  *(body.get("x-amazon-apigateway-binary-media-types") or [])]
        cors = props.get("CorsConfiguration")
        if not cors and isinstance(body.get("x-amazon-apigateway-cors"), dict):
            # SAM moves CorsConfiguration into the body as x-amazon-apigateway-cors
            # (allowOrigins...); give consumers the property's shape (AllowOrigins...).
            cors = {key[:1].upper() + key[1:]: value
                    for key, value in body["x-amazon-apigateway-cors"].items()}
        return [ApiConfig(
            logical_id=qualified_id(self.template.stack_path, lid), api_id=api_id, kind=kind,
            stage=name, definition=body,
            stage_variables=MappingProxyType({str(key): to_cfn_string(value)
                                              for key, value in variables.items()}),
            binary_media_types=tuple(dict.fromkeys(str(item).replace("~1", "/")
                                                   for item in binary)),
            cors_configuration=MappingProxyType(cors) if kind == "HTTP" and cors else None,
            stage_properties=MappingProxyType(stage_props))
            for name, stage_props, variables in stages]

    # -- outputs --------------------------------------------------------------------------

    def output(self, key: str, raw: Mapping[str, Any]) -> Output:
        value = self.resolver.resolve(raw.get("Value"), logical_id=key)
        description = self.resolver.resolve(raw.get("Description"), logical_id=key)
        export = raw.get("Export")
        export_name = (self.resolver.resolve(export.get("Name"), logical_id=key)
                       if isinstance(export, Mapping) else None)
        try:
            text = (",".join(to_cfn_string(item) for item in value)
                    if isinstance(value, list) else to_cfn_string(value))
        except TypeError as exc:
            raise self.error(f"output Value must resolve to a string, got {value!r}",
                             key) from exc
        return Output(key=key, value=text,
                      description=None if description is None else str(description),
                      export_name=None if export_name is None else str(export_name))


def build_stack(template: Template, registry: Mapping[str, PhysicalResource], *,
                children: Mapping[str, Stack] | None = None) -> Stack:
    """The :class:`Stack` a template becomes once its resources exist (``registry``).

    ``children`` are the nested stacks it created, by logical id.
    """
    builder = _Builder(template, registry)
    functions: dict[str, FunctionConfig] = {}
    for resource in builder.of_type("AWS::Lambda::Function"):
        config = builder.function(resource)
        if config is not None:
            functions[config.logical_id] = config
    apis = builder.apis()
    outputs = {key: builder.output(key, raw) for key, raw in template.outputs.items()}
    return Stack(
        name=template.stack_name, template_path=template.path, region=template.region,
        account_id=template.account_id, functions=MappingProxyType(functions),
        apis=tuple(apis), resources=MappingProxyType(dict(registry)),
        outputs=MappingProxyType(outputs), warnings=tuple(dict.fromkeys(builder.warnings)),
        path=template.stack_path, children=MappingProxyType(dict(children or {})))
