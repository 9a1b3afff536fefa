"""Which published OpenAPI contract goes with which API, and how a contract run logs in.

A contract run tests the document a team publishes (``openapi/x.yaml``), not the body
API Gateway builds from it: SAM merges ``Auth`` and the ``x-amazon-apigateway-*``
extensions into ``DefinitionBody``
(https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-api.html).
So each API's spec is found where the template points at it - ``DefinitionBody`` through
``Fn::Transform: AWS::Include`` (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/create-reusable-transform-function-snippets-and-add-to-your-template-with-aws-include-transform.html),
or a local ``DefinitionUri`` - unless the template's ``Metadata`` says otherwise.

Per-system settings live in the system's own template (CloudFormation ignores Metadata it
does not know), one entry per API, so adding a system is one small block::

    Metadata:
      Emulator:
        Contract:
          GabiYogaApi:                      # the API's logical id in this template
            Spec: ../../openapi/gabi_yoga.yaml   # optional: found from DefinitionBody
            Auth:
              Login: {Path: /auth/login, Body: {...}, Token: accessToken}
              # or Cognito: {UserPool: UserPool, Client: UserPoolClient,
              #              Username: u@x.example, Password: ..., Groups: [admins]}
              Headers: {x-api-key: dev-key}
            ExpectedStatuses:               # positive_data_acceptance, per operationId
              verifyEmail: [400]            # e.g. an opaque token no schema can make valid
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from emulator.app import Emulator
from emulator.errors import EmulatorError
from emulator.stack import qualified_id
from emulator.template_yaml import read_document

logger = logging.getLogger(__name__)

_API_TYPES = ("AWS::Serverless::Api", "AWS::Serverless::HttpApi", "AWS::ApiGateway::RestApi",
              "AWS::ApiGatewayV2::Api")


class ContractConfigError(EmulatorError):
    """``Metadata.Emulator.Contract`` of a template cannot be used."""


@dataclass(frozen=True)
class LoginAuth:
    """Log in through the API itself and send the token it returns."""

    path: str
    body: Mapping[str, Any]
    token_field: str = "accessToken"
    method: str = "POST"
    header: str = "Authorization"
    format: str = "Bearer {token}"


@dataclass(frozen=True)
class CognitoAuth:
    """Sign a user up in the stack's (moto) user pool, confirm it, log in, send a token.

    ``token``: ``IdToken`` (what a Cognito user-pool authorizer wants by default) or
    ``AccessToken`` (scoped routes, HTTP API JWT authorizers).
    """

    user_pool: str
    client: str
    username: str
    password: str
    attributes: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    groups: tuple[str, ...] = ()
    token: str = "IdToken"
    header: str = "Authorization"
    format: str = "Bearer {token}"


@dataclass(frozen=True)
class AuthConfig:
    login: LoginAuth | None = None
    cognito: CognitoAuth | None = None
    headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class ContractTarget:
    """One API of the stack with the contract it is tested against."""

    api_logical_id: str  # stack-path id, as ``emulator.gateways`` keys it
    spec_path: Path
    auth: AuthConfig = field(default_factory=AuthConfig)
    #: operationId -> extra statuses positive_data_acceptance accepts for it.
    expected_statuses: Mapping[str, tuple[int, ...]] = field(
        default_factory=lambda: MappingProxyType({}))


def discover_targets(emulator: Emulator) -> list[ContractTarget]:
    """Every API of the stack tree that has a spec file, in serving order."""
    by_api: dict[str, ContractTarget] = {}
    for stack_path, template in emulator.templates.items():
        document = read_document(template.path)
        if not isinstance(document, Mapping):
            continue
        settings = _contract_metadata(document, template.path)
        resources = document.get("Resources") or {}
        for logical_id, resource in resources.items():
            if not isinstance(resource, Mapping) or resource.get("Type") not in _API_TYPES:
                continue
            entry = settings.get(logical_id) or {}
            if not isinstance(entry, Mapping):
                raise ContractConfigError(
                    f"{template.path}: Metadata.Emulator.Contract.{logical_id} must be a mapping")
            spec = _spec_location(resource.get("Properties") or {}, entry)
            if spec is None:
                continue
            full_id = qualified_id(stack_path, logical_id)
            by_api[full_id] = ContractTarget(
                api_logical_id=full_id, spec_path=(template.path.parent / spec).resolve(),
                auth=_auth(entry.get("Auth") or {}, template.path),
                expected_statuses=_expected(entry.get("ExpectedStatuses") or {}, template.path))
        for logical_id in settings:
            if qualified_id(stack_path, logical_id) not in by_api:
                logger.warning("%s: Metadata.Emulator.Contract names %s, which is no API with "
                               "a spec file", template.path, logical_id)
    return [by_api[api_id] for api_id in emulator.gateways if api_id in by_api]


def target_for_spec(emulator: Emulator, spec: Path, api: str | None = None) -> ContractTarget:
    """The target testing ``spec``: the API configured with it, else ``api`` (or the only API)."""
    spec = spec.resolve()
    targets = discover_targets(emulator)
    for target in targets:
        if target.spec_path == spec and (api is None or target.api_logical_id == api):
            return target
    if api is None:
        if len(emulator.gateways) != 1:
            raise ContractConfigError(
                f"no API of the template uses {spec}; name one with --api "
                f"({', '.join(emulator.gateways)})")
        api = next(iter(emulator.gateways))
    if api not in emulator.gateways:
        raise ContractConfigError(f"no API {api!r}; the template has "
                                  f"{', '.join(emulator.gateways) or 'none'}")
    configured = next((t for t in targets if t.api_logical_id == api), None)
    if configured is not None:
        return ContractTarget(api, spec, configured.auth, configured.expected_statuses)
    return ContractTarget(api, spec)


def _contract_metadata(document: Mapping[str, Any], path: Path) -> Mapping[str, Any]:
    metadata = document.get("Metadata")
    emulator = metadata.get("Emulator") if isinstance(metadata, Mapping) else None
    contract = emulator.get("Contract") if isinstance(emulator, Mapping) else None
    if contract is None:
        return {}
    if not isinstance(contract, Mapping):
        raise ContractConfigError(f"{path}: Metadata.Emulator.Contract must be a mapping "
                                  "of API logical ids")
    return contract


def _spec_location(properties: Mapping[str, Any], entry: Mapping[str, Any]) -> str | None:
    if isinstance(entry.get("Spec"), str):
        return str(entry["Spec"])
    body = properties.get("DefinitionBody") or properties.get("Body")
    if isinstance(body, Mapping):
        transform = body.get("Fn::Transform")
        if isinstance(transform, Mapping) and transform.get("Name") == "AWS::Include":
            location = (transform.get("Parameters") or {}).get("Location")
            if isinstance(location, str) and "://" not in location:
                return location
    uri = properties.get("DefinitionUri") or properties.get("BodyS3Location")
    if isinstance(uri, str) and "://" not in uri:
        return uri
    return None


def _auth(raw: Mapping[str, Any], path: Path) -> AuthConfig:
    try:
        login = raw.get("Login")
        cognito = raw.get("Cognito")
        headers = {str(k): str(v) for k, v in (raw.get("Headers") or {}).items()}
        return AuthConfig(
            login=LoginAuth(
                path=str(login["Path"]), body=MappingProxyType(dict(login.get("Body") or {})),
                token_field=str(login.get("Token", "accessToken")),
                method=str(login.get("Method", "POST")).upper(),
                header=str(login.get("Header", "Authorization")),
                format=str(login.get("Format", "Bearer {token}"))) if login else None,
            cognito=CognitoAuth(
                user_pool=str(cognito["UserPool"]), client=str(cognito["Client"]),
                username=str(cognito["Username"]), password=str(cognito["Password"]),
                attributes=MappingProxyType({str(k): str(v) for k, v in
                                             (cognito.get("Attributes") or {}).items()}),
                groups=tuple(str(g) for g in cognito.get("Groups") or ()),
                token=str(cognito.get("Token", "IdToken")),
                header=str(cognito.get("Header", "Authorization")),
                format=str(cognito.get("Format", "Bearer {token}"))) if cognito else None,
            headers=MappingProxyType(headers))
    except (KeyError, TypeError, AttributeError) as exc:
        raise ContractConfigError(f"{path}: Metadata.Emulator.Contract Auth: missing or "
                                  f"malformed {exc}") from exc


def _expected(raw: Mapping[str, Any], path: Path) -> Mapping[str, tuple[int, ...]]:
    try:
        return MappingProxyType({str(op): tuple(int(s) for s in statuses)
                                 for op, statuses in raw.items()})
    except (TypeError, ValueError) as exc:
        raise ContractConfigError(f"{path}: Metadata.Emulator.Contract ExpectedStatuses must "
                                  f"map operationIds to status lists: {exc}") from exc
