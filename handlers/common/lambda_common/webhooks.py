"""Stripe-style webhook signatures: ``Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256>``.

The signed payload is ``"<t>.<raw body>"`` with the endpoint secret; a signature older or
newer than the tolerance (5 minutes) is refused against replays, and comparison is constant
time (https://docs.stripe.com/webhooks#verify-manually). Several ``v1`` entries may be sent
during secret rotation; any matching one is accepted.
"""

from __future__ import annotations

import hashlib
import hmac

TOLERANCE_S = 300


class InvalidSignature(ValueError):
    """A missing, malformed, stale or non-matching webhook signature."""


def compute(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The header value a sender puts on ``body`` at ``timestamp``."""
    return f"t={timestamp},v1={compute(secret, timestamp, body)}"


def verify(header: str | None, body: bytes, secret: str, *, now: float,
           tolerance_s: int = TOLERANCE_S) -> int:
    """Check ``header`` against ``body``; return its timestamp or raise InvalidSignature."""
    if not header:
        raise InvalidSignature("missing signature header")
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isdigit():
            timestamp = int(value)
        elif name == "v1" and value:
            candidates.append(value)
    if timestamp is None or not candidates:
        raise InvalidSignature("signature header lacks t= or v1=")
    if abs(now - timestamp) > tolerance_s:
        raise InvalidSignature("signature timestamp outside the tolerance")
    expected = compute(secret, timestamp, body).encode()
    if not any(hmac.compare_digest(expected, c.encode("ascii", "replace")) for c in candidates):
        raise InvalidSignature("no signature matches the body")
    return timestamp
