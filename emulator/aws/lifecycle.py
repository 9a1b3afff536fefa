"""The AWS side of the emulator: moto in-process, plus the local AWS endpoint.

Copies what a Lambda function sees on AWS: its SDK calls reach the regional service
endpoints (https://docs.aws.amazon.com/general/latest/gr/rande.html), here moto's
backends, in the same process. The same backends are also served over HTTP (moto's
``ThreadedMotoServer``) so ``aws --endpoint-url``, boto3 with ``AWS_ENDPOINT_URL``
(https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html) and external
test suites read and write the same data.

S3 presigned URLs are the one place where a URL built inside a function leaves the
process (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ShareObjectPreSignedURL.html).
Functions therefore get ``AWS_ENDPOINT_URL_S3`` pointing at a second loopback listener
dedicated to S3, which moto (``MOTO_S3_CUSTOM_ENDPOINTS``) still intercepts in-process. It
is a separate port on purpose: moto maps a custom S3 endpoint's *host* to S3 for every
request, so sharing the main endpoint would send an in-process DynamoDB client pointed at
``endpoint_url`` to the S3 backend.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Mapping
from typing import Any

import boto3
from botocore.config import Config
from moto import mock_aws
from moto.server import ThreadedMotoServer

from emulator.aws import internals
from emulator.config import DEFAULT_ACCOUNT_ID, Settings
from emulator.errors import EmulatorError

logger = logging.getLogger(__name__)

#: Dummy values, set only when the process has no credentials of its own.
_FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
_CREDENTIAL_SOURCES = ("AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                       "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_WEB_IDENTITY_TOKEN_FILE")
_S3_ENDPOINTS_VAR = "MOTO_S3_CUSTOM_ENDPOINTS"
# botocore >= 1.37 sends calls that carry an ARN (DynamoDB Streams' DescribeStream...) to
# account-based hosts such as ACCOUNT.streams-ddb.REGION.amazonaws.com, which moto 5.1.22
# does not route; the regional endpoint is what moto serves.
_ENDPOINT_MODE = {"AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled"}

# moto's DefaultConfig is merged shallowly, so "core" is given whole. Credentials are
# handled here instead of by moto, which would overwrite the user's for the duration.
_MOTO_CONFIG: Any = {
    "core": {
        "mock_credentials": False,
        "passthrough": {"urls": [], "services": []},
        "reset_boto3_session": True,
        "service_whitelist": None,
    },
}


class AwsEndpointError(EmulatorError):
    """The local AWS endpoint could not be started (port in use...)."""


class _ProcessEnviron:
    """Environment variables shared by every running :class:`AwsEnvironment` of the process.

    moto reads its settings from ``os.environ`` at call time, so they are process-wide:
    the first environment to start sets the defaults (fake credentials, region, account),
    later ones only add their S3 listeners, and the last to stop restores the originals.
    """

    _lock = threading.Lock()
    _users = 0
    _saved: dict[str, str | None] = {}
    _s3_endpoints: list[str] = []

    @classmethod
    def acquire(cls, defaults: Mapping[str, str]) -> None:
        with cls._lock:
            if cls._users == 0:
                for key, value in defaults.items():
                    if key not in os.environ:
                        cls._saved[key] = None
                        os.environ[key] = value
                cls._saved.setdefault(_S3_ENDPOINTS_VAR, os.environ.get(_S3_ENDPOINTS_VAR))
            cls._users += 1

    @classmethod
    def add_s3_endpoints(cls, endpoints: list[str]) -> None:
        with cls._lock:
            cls._s3_endpoints.extend(endpoints)
            cls._write_s3_endpoints()

    @classmethod
    def remove_s3_endpoints(cls, endpoints: list[str]) -> None:
        with cls._lock:
            for endpoint in endpoints:
                if endpoint in cls._s3_endpoints:
                    cls._s3_endpoints.remove(endpoint)
            cls._write_s3_endpoints()

    @classmethod
    def _write_s3_endpoints(cls) -> None:
        original = cls._saved.get(_S3_ENDPOINTS_VAR)
        values = ([original] if original else []) + cls._s3_endpoints
        if values:
            os.environ[_S3_ENDPOINTS_VAR] = ",".join(values)
        else:
            os.environ.pop(_S3_ENDPOINTS_VAR, None)

    @classmethod
    def release(cls) -> None:
        with cls._lock:
            cls._users -= 1
            if cls._users > 0:
                return
            cls._users = 0
            for key, value in cls._saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
            cls._saved = {}
            cls._s3_endpoints = []


class AwsEnvironment:
    """moto's backends for this process, optionally served on a local AWS endpoint.

    ``start()`` activates ``moto.mock_aws()`` (every boto3 call of the process, handlers
    included, is answered by moto) and, with ``serve_endpoint``, starts moto's threaded
    server on ``settings.host:settings.aws_port`` (port 0: any free port) sharing the same
    backends. ``stop()`` undoes both. Usable as a context manager.
    """

    def __init__(self, settings: Settings, *, serve_endpoint: bool = False) -> None:
        self.settings = settings
        self.serve_endpoint = serve_endpoint
        self._mock: Any = None
        self._server: ThreadedMotoServer | None = None
        self._s3_server: ThreadedMotoServer | None = None
        self._endpoint_url: str | None = None
        self._s3_endpoint_url: str | None = None
        self._s3_aliases: list[str] = []
        self._clients: dict[str, Any] = {}
        self._resources: dict[str, Any] = {}
        self._lock = threading.Lock()

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def started(self) -> bool:
        return self._mock is not None

    def start(self) -> AwsEnvironment:
        """Start moto (and the endpoint when asked); a second call is a no-op."""
        if self.started:
            return self
        _ProcessEnviron.acquire(self._environment_defaults())
        internals.serialize_moto_requests()
        self._mock = mock_aws(config=_MOTO_CONFIG)
        self._mock.start()
        try:
            if self.serve_endpoint:
                self._start_servers()
        except BaseException:
            self.stop()
            raise
        logger.info("moto started in-process%s",
                    f"; AWS endpoint {self._endpoint_url}" if self._endpoint_url else "")
        return self

    def stop(self) -> None:
        """Stop the endpoint and moto, restore the environment; safe to call twice."""
        if self._mock is None:
            return
        # Each serve loop polls for shutdown every 0.5 s: stop both at once.
        stoppers = [threading.Thread(target=internals.stop_threaded_server, args=(server,))
                    for server in (self._s3_server, self._server) if server is not None]
        for stopper in stoppers:
            stopper.start()
        for stopper in stoppers:
            stopper.join()
        if self._s3_aliases:
            _ProcessEnviron.remove_s3_endpoints(self._s3_aliases)
        self._server = self._s3_server = None
        self._endpoint_url = self._s3_endpoint_url = None
        self._s3_aliases = []
        self._clients.clear()
        self._resources.clear()
        mock, self._mock = self._mock, None
        try:
            mock.stop()
        finally:
            _ProcessEnviron.release()

    def __enter__(self) -> AwsEnvironment:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _environment_defaults(self) -> dict[str, str]:
        defaults: dict[str, str] = {}
        if not any(os.environ.get(name) for name in _CREDENTIAL_SOURCES):
            defaults.update(_FAKE_CREDENTIALS)
        if not (os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")):
            defaults["AWS_DEFAULT_REGION"] = self.settings.region
        defaults.update(_ENDPOINT_MODE)
        if self.settings.account_id != DEFAULT_ACCOUNT_ID:
            defaults["MOTO_ACCOUNT_ID"] = self.settings.account_id
        return defaults

    def _start_servers(self) -> None:
        host = self.settings.host
        self._server = self._start_server(host, self.settings.aws_port)
        self._endpoint_url = _url(host, self._server.get_host_and_port()[1])
        self._s3_server = self._start_server(host, 0)
        s3_port = self._s3_server.get_host_and_port()[1]
        self._s3_endpoint_url = _url(host, s3_port)
        aliases = {self._s3_endpoint_url}
        if self._s3_endpoint_url.split("//", 1)[1].rsplit(":", 1)[0] in _LOOPBACK:
            aliases |= {_url(name, s3_port) for name in _LOOPBACK}
        self._s3_aliases = sorted(aliases)
        _ProcessEnviron.add_s3_endpoints(self._s3_aliases)

    @staticmethod
    def _start_server(host: str, port: int) -> ThreadedMotoServer:
        # ThreadedMotoServer.start() waits forever when its thread fails to bind, so a
        # port already in use is detected here first.
        if port:
            try:
                with socket.socket(_family(host), socket.SOCK_STREAM) as probe:
                    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    probe.bind((host, port))
            except OSError as exc:
                raise AwsEndpointError(
                    f"cannot serve the AWS endpoint on {host}:{port}: {exc.strerror}") from exc
        server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
        server.start()
        return server

    # -- what others read ------------------------------------------------------------------

    @property
    def endpoint_url(self) -> str | None:
        """``http://HOST:PORT`` of the local AWS endpoint (the real port), or None."""
        return self._endpoint_url

    @property
    def s3_endpoint_url(self) -> str | None:
        """Where presigned S3 URLs built by functions point (served, and intercepted)."""
        return self._s3_endpoint_url

    def function_environment(self) -> dict[str, str]:
        """Variables the runtime adds to every function's environment.

        With the endpoint served, ``AWS_ENDPOINT_URL_S3`` makes a handler's S3 client build
        URLs (presigned ones included) on the local S3 listener, while moto keeps answering
        its calls in-process; without the endpoint there is nothing to point at.
        ``AWS_ACCOUNT_ID_ENDPOINT_MODE=disabled`` keeps SDK calls on the regional hosts
        moto intercepts.
        """
        environment = dict(_ENDPOINT_MODE)
        if self._s3_endpoint_url is not None:
            environment["AWS_ENDPOINT_URL_S3"] = self._s3_endpoint_url
        return environment

    def client(self, service: str) -> Any:
        """A (cached, thread-safe) boto3 client answered by the in-process mock.

        Endpoint settings of the process (``AWS_ENDPOINT_URL*``) are ignored on purpose:
        this client talks to moto directly, never over HTTP.
        """
        self._require_started()
        with self._lock:
            client = self._clients.get(service)
            if client is None:
                client = self._session().client(service, config=_IN_PROCESS)
                self._clients[service] = client
            return client

    def resource(self, service: str) -> Any:
        """A boto3 resource (``dynamodb``, ``s3``, ``sqs``, ``sns``) bound to the mock."""
        self._require_started()
        with self._lock:
            resource = self._resources.get(service)
            if resource is None:
                resource = self._session().resource(service, config=_IN_PROCESS)
                self._resources[service] = resource
            return resource

    def _session(self) -> boto3.session.Session:
        return boto3.session.Session(region_name=self.settings.region)

    def _require_started(self) -> None:
        if not self.started:
            raise EmulatorError("AwsEnvironment is not started")


_IN_PROCESS = Config(ignore_configured_endpoint_urls=True, account_id_endpoint_mode="disabled")


_LOOPBACK = ("127.0.0.1", "localhost")


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def _url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"
