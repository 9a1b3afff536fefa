"""Push sources: S3 notifications, SNS ``lambda`` subscriptions and EventBridge rules.

Copies https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html
(event types with ``*`` wildcards, one ``prefix`` and one ``suffix`` key rule),
https://docs.aws.amazon.com/sns/latest/dg/sns-lambda-as-subscriber.html (filter policies on
message attributes or, with ``FilterPolicyScope: MessageBody``, on the JSON body; a JSON
``MessageStructure`` gives Lambda its ``lambda`` or ``default`` text) and
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rules.html (every enabled rule
of the bus whose pattern matches sends to its targets). Each is an asynchronous invocation.
These listeners run inside the moto request that caused them: they only queue work.
"""

from __future__ import annotations

import fnmatch
import itertools
import json
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from emulator.aws.internals import S3ObjectEvent, SnsPublication
from emulator.events.records import s3_event, sns_record
from emulator.sources.async_invoke import AsyncInvoker
from emulator.sources.counters import Counters
from emulator.sources.destinations import Destinations
from emulator.sources.dispatch import Dispatcher
from emulator.sources.models import BucketNotification, RuleTarget, TopicSubscription
from emulator.sources.targets import target_input

logger = logging.getLogger(__name__)


class _Fanout:
    def __init__(self, invoker: AsyncInvoker, dispatcher: Dispatcher,
                 clock: Callable[[], float]) -> None:
        self._invoker = invoker
        self._dispatcher = dispatcher
        self._clock = clock

    def now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), UTC)


class BucketNotifications(_Fanout):
    def __init__(self, notifications: Sequence[BucketNotification], invoker: AsyncInvoker,
                 dispatcher: Dispatcher, clock: Callable[[], float],
                 destinations: Callable[[], Destinations]) -> None:
        super().__init__(invoker, dispatcher, clock)
        self.entries = [(entry, Counters()) for entry in notifications]
        self._destinations = destinations
        #: S3's sequencer only grows (for ordering events of one key); a counter does too.
        self._sequence = itertools.count(1)

    def __call__(self, change: S3ObjectEvent) -> None:
        event_name = change.event_name.removeprefix("s3:")
        for entry, counters in self.entries:
            if entry.bucket != change.bucket or not fnmatch.fnmatchcase(
                    change.event_name, entry.event) or not change.key.startswith(entry.prefix) \
                    or not change.key.endswith(entry.suffix):
                continue
            event = s3_event(bucket=change.bucket, key=change.key, region=change.region,
                             event_name=event_name, size=change.size, etag=change.etag,
                             time=self.now(), version_id=change.version_id,
                             sequencer=f"{next(self._sequence):018X}")
            if entry.function is not None:
                self._invoker.invoke(entry.function, event, counters)
            else:
                counters.add("deliveries")
                self._dispatcher.submit(f"s3 -> {entry.target_arn}", self._sender(
                    entry.target_arn, event))

    def _sender(self, arn: str, event: dict[str, Any]) -> Callable[[], None]:
        return lambda: self._destinations().send(arn, event)

    def info(self) -> list[dict[str, Any]]:
        return [{"kind": "s3", "name": entry.name,
                 "function": entry.function.logical_id if entry.function else None,
                 "source": f"arn:aws:s3:::{entry.bucket}", "enabled": True,
                 "settings": {"Event": entry.event, "Prefix": entry.prefix,
                              "Suffix": entry.suffix, "Target": entry.target_arn},
                 **counters.snapshot()} for entry, counters in self.entries]


class TopicSubscriptions(_Fanout):
    def __init__(self, subscriptions: Sequence[TopicSubscription], invoker: AsyncInvoker,
                 dispatcher: Dispatcher, clock: Callable[[], float]) -> None:
        super().__init__(invoker, dispatcher, clock)
        self.entries = [(entry, Counters()) for entry in subscriptions]

    def __call__(self, publication: SnsPublication) -> None:
        for entry, counters in self.entries:
            if entry.topic_arn != publication.topic_arn:
                continue
            if entry.filter_policy is not None and not entry.filter_policy.matches(
                    _filter_view(entry, publication)):
                counters.add("filtered_out")
                continue
            record = sns_record(topic_arn=publication.topic_arn,
                                message=_lambda_message(publication), time=self.now(),
                                subject=publication.subject,
                                message_id=publication.message_id,
                                message_attributes=publication.message_attributes,
                                subscription_arn=entry.subscription_arn or None)
            self._invoker.invoke(entry.function, {"Records": [record]}, counters)

    def info(self) -> list[dict[str, Any]]:
        return [{"kind": "sns", "name": entry.name, "function": entry.function.logical_id,
                 "source": entry.topic_arn, "enabled": True,
                 "settings": {"FilterPolicy": entry.filter_policy.source
                              if entry.filter_policy else None,
                              "FilterPolicyScope": entry.filter_scope},
                 **counters.snapshot()} for entry, counters in self.entries]


def _lambda_message(publication: SnsPublication) -> str:
    if publication.message_structure != "json":
        return publication.message
    try:
        per_protocol = json.loads(publication.message)
    except ValueError:
        return publication.message
    return str(per_protocol.get("lambda", per_protocol.get("default", publication.message)))


def _filter_view(entry: TopicSubscription, publication: SnsPublication) -> Any:
    if entry.filter_scope == "MessageBody":
        try:
            return json.loads(_lambda_message(publication))
        except ValueError:
            return {}
    view: dict[str, Any] = {}
    for name, attribute in publication.message_attributes.items():
        kind, value = str(attribute.get("Type", "String")), attribute.get("Value")
        if kind.startswith("Binary"):
            continue  # SNS ignores binary attributes when filtering
        if kind == "String.Array":
            try:
                view[name] = json.loads(str(value))
            except ValueError:
                view[name] = value
        elif kind.startswith("Number"):
            number = float(str(value))
            view[name] = int(number) if number.is_integer() else number
        else:
            view[name] = value
    return view


class RuleTargets(_Fanout):
    def __init__(self, rules: Sequence[RuleTarget], invoker: AsyncInvoker,
                 dispatcher: Dispatcher, clock: Callable[[], float]) -> None:
        super().__init__(invoker, dispatcher, clock)
        self.entries = [(entry, Counters()) for entry in rules]

    def __call__(self, bus: str, event: dict[str, Any]) -> None:
        if event.get("time") is None:
            event = {**event, "time": self.now().strftime("%Y-%m-%dT%H:%M:%SZ")}
        for entry, counters in self.entries:
            if entry.enabled and entry.bus == bus and entry.pattern.matches(event):
                self._invoker.invoke(entry.function, target_input(entry.target, event),
                                     counters)

    def info(self) -> list[dict[str, Any]]:
        return [{"kind": "eventbridge", "name": entry.name,
                 "function": entry.function.logical_id, "source": entry.arn,
                 "enabled": entry.enabled,
                 "settings": {"EventBusName": entry.bus, "EventPattern": entry.pattern.source,
                              **dict(entry.target)},
                 **counters.snapshot()} for entry, counters in self.entries]
