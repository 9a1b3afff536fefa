"""Event and response serialisation as Lambda's Python runtime does it.

A handler receives ``json.loads`` of the invocation payload, so the emulator hands it a
JSON round trip of the event (lists, never tuples; a fresh object per call). The return
value goes through awslambdaric's marshaller
(``awslambdaric/lambda_runtime_marshaller.py``): ``Decimal`` is written as its exact digits
(``Decimal("1.10")`` -> ``1.10``, NaN -> ``NaN``), ``bytes`` are sent as they are, and any
other value JSON cannot encode fails the invocation with ``Runtime.MarshalError`` "Unable to
marshal response: Object of type set is not JSON serializable". A response over Lambda's
synchronous payload quota (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html)
fails with ``Function.ResponseSizeTooLarge``.
"""

from __future__ import annotations

import decimal
import json
import logging
import math
from typing import Any

from ..config import MAX_RESPONSE_BYTES
from .models import InvalidRequestContent

logger = logging.getLogger(__name__)

#: Lambda's error message names 6291556 bytes: the 6 MB quota plus 100 bytes of slack.
RESPONSE_LIMIT_BYTES = MAX_RESPONSE_BYTES + 100


class ResponseMarshalError(Exception):
    """The handler's return value cannot be serialised (``Runtime.MarshalError``)."""


def _decimal_default(value: object) -> Any:
    if isinstance(value, decimal.Decimal):
        if value.is_nan():
            return math.nan
        # awslambdaric writes str(value) as raw JSON; the client parses exactly this.
        return json.loads(str(value))
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


_encoder = json.JSONEncoder(default=_decimal_default)


_SCALARS = frozenset({str, int, float, bool, type(None)})


class _NotPlainJson(Exception):
    """A value the fast copy leaves to the JSON round trip."""


def _plain_copy(value: Any) -> Any:
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is dict:
        copied: dict[str, Any] = {}
        for key, item in value.items():
            if type(key) is not str:
                raise _NotPlainJson
            copied[key] = item if type(item) in _SCALARS else _plain_copy(item)
        return copied
    if kind is list or kind is tuple:
        return [item if type(item) in _SCALARS else _plain_copy(item) for item in value]
    raise _NotPlainJson


def copy_event(event: Any) -> Any:
    """The event as the handler receives it: parsed from the invocation's JSON payload.

    Events built of plain JSON types (what the gateway and the event sources build) are
    copied structurally, which gives the same result as ``json.loads(json.dumps(event))``
    (tuples become lists) at half the cost; anything else takes the real round trip.
    """
    try:
        if isinstance(event, (bytes, bytearray)):
            # Raw bytes are an Invoke payload: parse them as Lambda would.
            return json.loads(event)
        try:
            return _plain_copy(event)
        except (_NotPlainJson, RecursionError):
            return json.loads(json.dumps(event))
    except (TypeError, ValueError, RecursionError) as exc:
        raise InvalidRequestContent(f"Could not parse request body into json: {exc}") from exc


def marshal_response(value: Any) -> tuple[Any, int]:
    """The response the caller receives and its size in bytes."""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value), len(value)
    try:
        text = _encoder.encode(value)
    except (TypeError, ValueError, RecursionError) as exc:
        raise ResponseMarshalError(f"Unable to marshal response: {exc}") from exc
    # ensure_ascii output: characters are bytes.
    return json.loads(text), len(text)
