"""Opaque, tamper-proof pagination cursors over DynamoDB ``LastEvaluatedKey``.

``Query`` pages with ``ExclusiveStartKey`` = the previous ``LastEvaluatedKey``
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html).
Handing that key to clients verbatim leaks the key schema and lets them start anywhere, so
the cursor is ``base64url(json) "." base64url(HMAC-SHA256)``: a changed byte is a 400.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from decimal import Decimal
from typing import Any


class InvalidCursor(ValueError):
    """A cursor that was not issued by this service or was altered."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    raise TypeError(f"{type(value).__name__} cannot be in a cursor")


def _signature(payload: str, key: str) -> str:
    return _b64(hmac.new(key.encode(), b"cursor:" + payload.encode(), hashlib.sha256).digest())


def encode_cursor(position: dict[str, Any], key: str) -> str:
    payload = _b64(json.dumps(position, sort_keys=True, separators=(",", ":"),
                              default=_plain).encode())
    return f"{payload}.{_signature(payload, key)}"


def decode_cursor(cursor: str, key: str) -> dict[str, Any]:
    payload, dot, signature = cursor.partition(".")
    if not dot or not payload or not hmac.compare_digest(signature.encode("ascii", "replace"),
                                                         _signature(payload, key).encode()):
        raise InvalidCursor("cursor signature does not match")
    try:
        position = json.loads(_unb64(payload))
    except (ValueError, binascii.Error) as exc:
        raise InvalidCursor("cursor is not readable") from exc
    if not isinstance(position, dict):
        raise InvalidCursor("cursor is not an object")
    return position
