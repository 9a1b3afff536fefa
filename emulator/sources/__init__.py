"""Event sources: what invokes functions besides API Gateway.

S3 notifications, SQS and DynamoDB Streams event source mappings, EventBridge schedules
(rules and Scheduler), EventBridge rules with event patterns, SNS subscriptions, and
Lambda's asynchronous invocation rules (retries, destinations, dead-letter queues), read
from the same template (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html,
https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html). See
:class:`EventSources` and :class:`ManualClock`.
"""

from __future__ import annotations

from emulator.sources.clock import ManualClock
from emulator.sources.manager import EventSources, UnknownSchedule

__all__ = ["EventSources", "ManualClock", "UnknownSchedule"]
