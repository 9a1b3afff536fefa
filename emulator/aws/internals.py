"""Every place the emulator reaches into moto's internals, and nowhere else.

Checked against moto 5.1.22 (the pinned version, see DESIGN.md). Re-check each function
below when moving the pin; ``tests/functional/test_aws_stacks.py`` and
``tests/functional/test_aws_lifecycle.py`` fail if one of them breaks.

What is copied from AWS: ``DescribeStackResource(s)`` / ``ListStackResources`` report each
resource's logical id, physical id and type
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackResource.html).
"""

from __future__ import annotations

import functools
import logging
import threading
from dataclasses import dataclass
from typing import Any

from moto.core.botocore_stubber import BotocoreStubber
from moto.moto_server.werkzeug_app import DomainDispatcherApplication
from moto.server import ThreadedMotoServer

from emulator.errors import EmulatorError

logger = logging.getLogger(__name__)

MOTO_VERSION_CHECKED = "5.1.22"


class MotoInternalsError(EmulatorError):
    """moto's internals no longer look like the version this module was written for."""


#: moto's backends are plain dicts and lists with no locking: handlers running in parallel
#: and the AWS endpoint's threads would race conditional writes (a 10-seat class taking 12
#: bookings) and break transactions ("dictionary changed size during iteration"). AWS
#: applies each request atomically, so every request moto serves takes this lock, in-process
#: and over HTTP. Re-entrant, because moto may handle one request inside another (SNS -> SQS).
#: Nothing may wait on another thread's AWS call while holding it.
MOTO_LOCK = threading.RLock()


def serialize_moto_requests() -> None:
    """Make every moto request atomic: wrap the in-process stubber and the HTTP dispatcher.

    Idempotent and process-wide (moto's backends are process-wide too).
    """
    if getattr(BotocoreStubber.process_request, "_emulator_locked", False):
        return
    BotocoreStubber.process_request = _locked(BotocoreStubber.process_request)  # type: ignore[method-assign]
    DomainDispatcherApplication.__call__ = _locked(DomainDispatcherApplication.__call__)  # type: ignore[method-assign]


def _locked(method: Any) -> Any:
    @functools.wraps(method)
    def locked(*args: Any, **kwargs: Any) -> Any:
        with MOTO_LOCK:
            return method(*args, **kwargs)

    locked._emulator_locked = True  # type: ignore[attr-defined]
    return locked


def stop_threaded_server(server: ThreadedMotoServer) -> None:
    """Stop a ``ThreadedMotoServer`` and close its listening socket.

    ``ThreadedMotoServer.stop()`` only shuts the serve loop down; the socket stays open
    (``socketserver`` needs ``server_close()``), so a restart on the same port would fail
    with "address already in use". The werkzeug server is its private ``_server``.
    """
    server.stop()
    inner = getattr(server, "_server", None)
    close = getattr(inner, "server_close", None)
    if callable(close):
        close()


@dataclass
class StackResourceRecord:
    """What moto's CloudFormation responses read from a resource of a stack.

    moto's ``StackResourceDTO`` and ``list_stack_resources`` use ``getattr`` on exactly
    ``logical_resource_id``, ``physical_resource_id`` and ``cf_resource_type``; its
    ``ResourceMap.create``/``delete`` call ``is_created()`` and ``delete()``. ``delete`` does
    nothing: replacing the stack record must never delete the emulated resources.
    """

    logical_resource_id: str
    physical_resource_id: str
    cf_resource_type: str

    def is_created(self) -> bool:
        return True

    def delete(self, account_id: str, region_name: str) -> None:
        del account_id, region_name


def attach_stack_resources(account_id: str, region: str, stack_name: str,
                           records: list[StackResourceRecord]) -> None:
    """Make the moto stack ``stack_name`` report ``records`` as its resources.

    The stack was created through the API from a template of
    ``AWS::CloudFormation::WaitConditionHandle`` placeholders, one per logical id: moto
    creates nothing for that type (``NULL_MODELS`` in ``moto/cloudformation/parsing.py``)
    and never caches it, so ``ResourceMap.__getitem__`` would yield None for it. Putting a
    record in ``ResourceMap._parsed_resources`` (the cache ``__getitem__`` reads first)
    makes every resource API answer with the real physical id and type.
    """
    from moto.cloudformation.models import cloudformation_backends

    backend = cloudformation_backends[account_id][region]
    stack = backend.get_stack(stack_name)
    resource_map: Any = getattr(stack, "resource_map", None)
    parsed = getattr(resource_map, "_parsed_resources", None)
    if not isinstance(parsed, dict):
        raise MotoInternalsError(
            "moto's Stack.resource_map._parsed_resources is gone; emulator/aws/internals.py "
            f"was checked against moto {MOTO_VERSION_CHECKED}")
    for record in records:
        parsed[record.logical_resource_id] = record
