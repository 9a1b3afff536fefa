"""The ``context`` object passed to a Python handler.

Copies awslambdaric's ``LambdaContext``
(https://docs.aws.amazon.com/lambda/latest/dg/python-context.html): ``function_name``,
``function_version``, ``memory_limit_in_mb``, ``log_group_name`` and ``log_stream_name`` are
read from the environment's variables when the context is built, so ``memory_limit_in_mb``
is a *string* ("128"), as in the real runtime; ``identity`` is a ``CognitoIdentity`` whose
fields are ``None`` unless the caller sent one, ``client_context`` is ``None`` unless the
caller sent one, and ``get_remaining_time_in_millis()`` counts down (never below 0) from
the function timeout, measured with the runtime's injected clock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

logger = logging.getLogger(__name__)


class CognitoIdentity:
    __slots__ = ("cognito_identity_id", "cognito_identity_pool_id")

    def __init__(self, identity: Mapping[str, Any] | None = None) -> None:
        identity = identity or {}
        self.cognito_identity_id: str | None = identity.get("cognitoIdentityId")
        self.cognito_identity_pool_id: str | None = identity.get("cognitoIdentityPoolId")

    def __repr__(self) -> str:
        return (f"CognitoIdentity([cognito_identity_id={self.cognito_identity_id},"
                f"cognito_identity_pool_id={self.cognito_identity_pool_id}])")


class Client:
    __slots__ = ("installation_id", "app_title", "app_version_name", "app_version_code",
                 "app_package_name")

    def __init__(self, client: Mapping[str, Any]) -> None:
        for name in self.__slots__:
            setattr(self, name, client.get(name))


class ClientContext:
    __slots__ = ("custom", "env", "client")

    def __init__(self, context: Mapping[str, Any]) -> None:
        self.custom: Any = context.get("custom")
        self.env: Any = context.get("env")
        client = context.get("client")
        self.client: Client | None = Client(client) if isinstance(client, Mapping) else None


class LambdaContext:
    """What ``handler(event, context)`` receives."""

    def __init__(self, *, request_id: str, invoked_function_arn: str,
                 environment: Mapping[str, str], deadline: float,
                 clock: Callable[[], float], log_sink: list[str] | None,
                 client_context: Mapping[str, Any] | None = None,
                 cognito_identity: Mapping[str, Any] | None = None) -> None:
        self.aws_request_id = request_id
        self.log_group_name = environment.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = environment.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = environment.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = environment.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = environment.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_function_arn
        self.tenant_id: str | None = None
        self.client_context = ClientContext(client_context) if client_context else None
        self.identity = CognitoIdentity(cognito_identity)
        self._deadline = deadline
        self._clock = clock
        self._log_sink = log_sink

    def get_remaining_time_in_millis(self) -> int:
        remaining = int((self._deadline - self._clock()) * 1000)
        return remaining if remaining > 0 else 0

    def log(self, msg: object) -> None:
        """awslambdaric's ``context.log``: write to the log without a newline."""
        if self._log_sink is not None:
            self._log_sink.append(str(msg))

    def __repr__(self) -> str:
        return (f"LambdaContext([aws_request_id={self.aws_request_id},"
                f"log_group_name={self.log_group_name},"
                f"log_stream_name={self.log_stream_name},"
                f"function_name={self.function_name},"
                f"memory_limit_in_mb={self.memory_limit_in_mb},"
                f"function_version={self.function_version},"
                f"invoked_function_arn={self.invoked_function_arn},"
                f"client_context={self.client_context},"
                f"identity={self.identity},"
                f"tenant_id={self.tenant_id}])")
