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
import json
import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
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


@dataclass(frozen=True)
class IamCredentialRecord:
    """An access key moto issued (IAM ``CreateAccessKey`` or STS ``AssumeRole``), with whom it
    belongs to and the policy documents that apply to that principal."""

    secret_access_key: str
    active: bool
    #: STS credentials only: the token that must come with the key, and when both expire.
    session_token: str | None
    expires_at: datetime | None
    arn: str
    #: ``AIDA...`` for a user, ``AROA...:session`` for an assumed role.
    user_id: str
    #: Identity-based policy documents (JSON text): inline, attached, and the user's groups'.
    policies: tuple[str, ...]


def iam_credential(account_id: str, access_key_id: str) -> IamCredentialRecord | None:
    """The IAM user or assumed-role key ``access_key_id`` of ``account_id``, if moto has it.

    moto keeps every key it issued in ``IAMBackend.access_keys`` (users' keys and STS's
    temporary ones, which carry ``role_arn``) and the sessions in ``STSBackend.assumed_roles``.
    """
    from moto.iam.exceptions import NotFoundException
    from moto.iam.models import iam_backends
    from moto.sts.models import sts_backends

    with MOTO_LOCK:
        if account_id not in iam_backends:
            return None
        iam = iam_backends[account_id]["aws"]
        key = iam.access_keys.get(access_key_id)
        if key is None:
            return None
        if key.role_arn is None and key.user_name is not None:
            user = iam.get_user(key.user_name)
            owners = [user, *iam.get_groups_for_user(user.name)]
            return IamCredentialRecord(key.secret_access_key, key.status == "Active", None, None,
                                       user.arn, user.id, _policy_documents(owners))
        session = sts_backends[account_id]["aws"].get_assumed_role_from_access_key(
            access_key_id)
        if session is None:
            return None
        try:
            roles = [iam.get_role_by_arn(session.role_arn)]
        except NotFoundException:  # AssumeRole on moto does not need the role to exist
            roles = []
        return IamCredentialRecord(session.secret_access_key, True, session.session_token,
                                   session.expiration.replace(tzinfo=UTC), session.arn,
                                   session.user_id, _policy_documents(roles))


def _policy_documents(owners: list[Any]) -> tuple[str, ...]:
    documents: list[str] = []
    for owner in owners:
        documents.extend(owner.policies.values())
        for managed in owner.managed_policies.values():
            documents.extend(version.document for version in managed.versions
                             if version.version_id == managed.default_version_id)
    return tuple(documents)


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


# -- event-source hooks ------------------------------------------------------------------
#
# The event sources (emulator/sources) learn of writes at the single place in moto each
# kind passes through. A hook runs inside the moto request (under MOTO_LOCK): listeners
# only copy plain data and wake a thread, never call moto or a function themselves.

#: Hook kind -> listeners. ``sqs``: (queue_arn); ``dynamodb``: (stream_arn, record);
#: ``s3``: (S3ObjectEvent); ``sns``: (SnsPublication); ``events``: (bus_name, event).
_LISTENERS: dict[str, list[Any]] = {"sqs": [], "dynamodb": [], "s3": [], "sns": [],
                                     "events": []}
_HOOKS_INSTALLED = False


@dataclass(frozen=True)
class S3ObjectEvent:
    """One S3 event notification moto raised (``s3:ObjectCreated:Put``...)."""

    account_id: str
    region: str
    bucket: str
    key: str
    event_name: str
    size: int
    etag: str
    version_id: str | None


@dataclass(frozen=True)
class SnsPublication:
    """One message published to a topic, as subscribers receive it."""

    topic_arn: str
    message: str
    message_id: str
    subject: str | None
    #: ``{name: {"Type": ..., "Value": ...}}`` as SNS delivers them.
    message_attributes: dict[str, Any]
    message_structure: str | None


def add_listener(kind: str, listener: Any) -> None:
    """Call ``listener`` on every write of ``kind`` (installs the hooks once)."""
    with MOTO_LOCK:
        _install_source_hooks()
        _LISTENERS[kind].append(listener)


def remove_listener(kind: str, listener: Any) -> None:
    with MOTO_LOCK:
        if listener in _LISTENERS[kind]:
            _LISTENERS[kind].remove(listener)


def _notify(kind: str, *args: Any) -> None:
    for listener in tuple(_LISTENERS[kind]):
        try:
            listener(*args)
        except Exception:
            # The write itself succeeded, as on AWS, where a failed notification never
            # fails the PutObject or SendMessage that caused it; the log says why.
            logger.exception("event source listener for %s failed", kind)


def _install_source_hooks() -> None:
    global _HOOKS_INSTALLED  # noqa: PLW0603 - process-wide, like moto's backends
    if _HOOKS_INSTALLED:
        return
    from moto.dynamodb.models.table import StreamShard
    from moto.events.models import EventsBackend
    from moto.s3 import notifications
    from moto.sns.models import Topic
    from moto.sqs.models import Queue

    for owner, name in ((Queue, "add_message"), (StreamShard, "add"), (Topic, "publish"),
                        (EventsBackend, "put_events"), (notifications, "send_event")):
        if not callable(getattr(owner, name, None)):
            raise MotoInternalsError(
                f"moto's {owner.__name__}.{name} is gone; emulator/aws/internals.py was "
                f"checked against moto {MOTO_VERSION_CHECKED}")

    original_add_message = Queue.add_message

    def add_message(self: Any, message: Any) -> None:
        original_add_message(self, message)
        _notify("sqs", str(self.queue_arn))

    original_stream_add = StreamShard.add

    def stream_add(self: Any, old: Any, new: Any) -> None:
        original_stream_add(self, old, new)
        table = self.table
        # moto drops the shard's items once its own (never created here) mappings took them.
        if self.items:
            record = json.loads(json.dumps(self.items[-1].to_json(), default=str))
            _notify("dynamodb", _stream_arn(table), record)

    original_publish = Topic.publish

    def publish(self: Any, message: str, subject: str | None = None,
                message_attributes: dict[str, Any] | None = None,
                group_id: str | None = None, deduplication_id: str | None = None,
                message_structure: str | None = None) -> str:
        message_id = str(original_publish(
            self, message, subject=subject, message_attributes=message_attributes,
            group_id=group_id, deduplication_id=deduplication_id,
            message_structure=message_structure))
        _notify("sns", SnsPublication(
            topic_arn=str(self.arn), message=message, message_id=message_id,
            subject=subject, message_attributes=dict(message_attributes or {}),
            message_structure=message_structure))
        return message_id

    original_put_events = EventsBackend.put_events

    def put_events(self: Any, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = original_put_events(self, events)
        for event, entry in zip(events, entries, strict=False):
            if "EventId" in entry:
                bus = str(event.get("EventBusName") or "default").rsplit("/", 1)[-1]
                _notify("events", bus, _event_envelope(self, event, entry["EventId"]))
        return entries

    original_send_event = notifications.send_event

    def send_event(account_id: str, event_name: Any, bucket: Any, key: Any) -> None:
        name = str(getattr(event_name, "value", event_name))
        if name == "s3:ObjectCreated:Put" and getattr(key, "multipart", None) is not None:
            # moto's CompleteMultipartUpload stores the object with put_object, which sends
            # a Put event before the CompleteMultipartUpload one; S3 sends only the latter.
            return
        _notify("s3", S3ObjectEvent(
            account_id=account_id, region=str(bucket.region_name), bucket=str(bucket.name),
            key=str(key.name), event_name=name,
            size=int(getattr(key, "size", 0) or 0),
            etag=str(getattr(key, "etag", "") or "").strip('"'),
            version_id=_version_id(key) if getattr(bucket, "is_versioned", False) else None))
        original_send_event(account_id, event_name, bucket, key)

    Queue.add_message = add_message  # type: ignore[method-assign]
    StreamShard.add = stream_add  # type: ignore[method-assign]
    Topic.publish = publish  # type: ignore[method-assign]
    EventsBackend.put_events = put_events  # type: ignore[method-assign]
    notifications.send_event = send_event
    _HOOKS_INSTALLED = True


def _stream_arn(table: Any) -> str:
    return f"{table.table_arn}/stream/{table.latest_stream_label}"


def _version_id(key: Any) -> str | None:
    version = getattr(key, "version_id", None)
    return None if version in (None, "null") else str(version)


def _event_envelope(backend: Any, event: dict[str, Any], event_id: str) -> dict[str, Any]:
    """The event EventBridge hands to targets
    (https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html);
    ``time`` is None unless the entry set ``Time`` (the listener stamps it with its clock)."""
    when = event.get("Time")
    stamp = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") \
        if isinstance(when, datetime) else None
    return {"version": "0", "id": event_id, "detail-type": event["DetailType"],
            "source": event["Source"], "account": str(backend.account_id), "time": stamp,
            "region": str(backend.region_name), "resources": list(event.get("Resources") or []),
            "detail": json.loads(event["Detail"])}


def stream_records(stream_arn: str) -> list[dict[str, Any]]:
    """The records moto's stream shard of a table holds now (for ``TRIM_HORIZON``)."""
    from moto.dynamodb.models import dynamodb_backends

    parts = stream_arn.split(":")
    table_name = parts[5].split("/")[1]
    backend = dynamodb_backends[parts[4]][parts[3]]
    table = backend.tables.get(table_name)
    shard = getattr(table, "stream_shard", None)
    if shard is None:
        return []
    return [json.loads(json.dumps(item.to_json(), default=str)) for item in shard.items]
