"""A schemathesis schema whose requests reach the emulator's gateway in-process (WSGI).

Every case goes through the same path a request served on loopback takes (routing, CORS,
authorizer, API key, throttling, validator, Lambda, response translation), without a socket.
URLs in reports are the ones ``python -m emulator serve`` serves the API on, so a printed
``curl`` line reproduces a failure against a running ``serve``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import schemathesis
from schemathesis.auths import AuthContext
from schemathesis.config import SchemathesisConfig
from schemathesis.generation.case import Case
from schemathesis.specs.openapi.schemas import OpenApiSchema
from schemathesis.transport import BaseTransport
from schemathesis.transport.wsgi import WSGI_TRANSPORT, WSGITransport

from emulator import config as emulator_config
from emulator.app import Emulator
from emulator.contract.credentials import auth_headers
from emulator.contract.targets import ContractTarget
from emulator.management import ManagementApi
from emulator.wsgi import Dispatcher, GatewayWsgiApp

logger = logging.getLogger(__name__)

#: Socket-level request options the engine passes to every transport; werkzeug's test
#: client takes none of them. schemathesis 4.32 drops them only when a requests.Session is
#: given, so checks that re-send a case (ignored_auth...) would fail with a TypeError.
_SOCKET_OPTIONS = ("max_redirects", "verify", "cert", "proxies")


class _InProcessTransport(WSGITransport):
    def send(self, case: Case[Any], *, session: Any = None, **kwargs: Any) -> Any:
        for name in _SOCKET_OPTIONS:
            kwargs.pop(name, None)
        return super().send(case, session=session, **kwargs)


_TRANSPORT = _InProcessTransport()
_TRANSPORT._copy_serializers_from(WSGI_TRANSPORT)


class InProcessSchema(OpenApiSchema):
    """An OpenAPI schema sending its cases to a WSGI app with :class:`_InProcessTransport`."""

    @property
    def transport(self) -> BaseTransport[Any]:
        return _TRANSPORT


def serve_base_url(emulator: Emulator, api_logical_id: str) -> str:
    """The invoke URL ``serve`` gives the API with default options (each API its port)."""
    index = list(emulator.gateways).index(api_logical_id)
    stage = emulator.gateways[api_logical_id].stage
    origin = f"http://{emulator_config.DEFAULT_HOST}:{emulator_config.DEFAULT_PORT + index}"
    return origin if stage == "$default" else f"{origin}/{stage}"


def wsgi_app(emulator: Emulator, api_logical_id: str) -> GatewayWsgiApp:
    """The emulator as a WSGI app whose requests reach ``api_logical_id`` by default."""
    return GatewayWsgiApp(Dispatcher(emulator.gateways_by_api_id,
                                     emulator.gateways[api_logical_id],
                                     ManagementApi(emulator)))


def load_schema(emulator: Emulator, target: ContractTarget,
                config: SchemathesisConfig | None = None) -> InProcessSchema:
    """``target``'s spec bound to the emulator in-process, with the system's credentials."""
    schema = load_unbound(target.spec_path, config)
    bind_schema(schema, emulator, target, config)
    return schema


class DeferredWsgiApp:
    """Stands for the emulator until one is bound (a schema is loaded at import, in pytest
    collection; the emulator starts in a fixture). Clones of a schema share this object."""

    def __init__(self) -> None:
        self.target: GatewayWsgiApp | None = None

    def __call__(self, environ: Any, start_response: Any) -> Any:
        if self.target is None:
            raise RuntimeError("no emulator is bound to this contract schema yet")
        return self.target(environ, start_response)


def load_unbound(spec: Path, config: SchemathesisConfig | None = None) -> InProcessSchema:
    """The spec as an in-process schema not yet bound to an emulator (see bind_schema)."""
    schema = schemathesis.openapi.from_path(spec, config=config)
    # Same dataclass, one property different: the in-process transport.
    schema.__class__ = InProcessSchema
    assert isinstance(schema, InProcessSchema)
    schema.app = DeferredWsgiApp()
    return schema


def bind_schema(schema: InProcessSchema, emulator: Emulator, target: ContractTarget,
                config: SchemathesisConfig | None = None) -> None:
    """Send ``schema``'s cases (and its clones') to ``target``'s API, with the system's
    credentials and accepted statuses; everything is changed in place, as clones share
    the app, config and auth objects."""
    if config is not None:
        schema.config.operations = config.projects.get(schema.raw_schema).operations
    if isinstance(schema.app, DeferredWsgiApp):
        schema.app.target = wsgi_app(emulator, target.api_logical_id)
    else:
        schema.app = wsgi_app(emulator, target.api_logical_id)
    schema.config.update(base_url=serve_base_url(emulator, target.api_logical_id))
    schema.auth.unregister()
    if target.auth.login or target.auth.cognito or target.auth.headers:
        _register_auth(schema, emulator, target)


def _register_auth(schema: InProcessSchema, emulator: Emulator, target: ContractTarget) -> None:
    class SystemAuth:
        """Logs the fixture user in once; again after a 401 (e.g. a fuzzed logout
        revoked the token), which schemathesis' caching provider does on ``retry_on``."""

        def get(self, case: Case[Any], context: AuthContext) -> dict[str, str]:
            return auth_headers(emulator, target.api_logical_id, target.auth)

        def set(self, case: Case[Any], data: dict[str, str], context: AuthContext) -> None:
            case.headers.update(data)

    schema.auth.auth(refresh_interval=3600, retry_on=[401])(SystemAuth)
