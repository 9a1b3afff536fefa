"""Property tests for the layer's pure parts: JWTs, webhook signatures, pagination cursors."""

from __future__ import annotations

import json

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from handlers.common.lambda_common import cursors, tokens, webhooks

keys = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=32,
               max_size=64)
subjects = st.text(min_size=1, max_size=40)
now_s = st.integers(min_value=1_600_000_000, max_value=2_000_000_000)
bodies = st.binary(max_size=2048)


@given(key=keys, subject=subjects, role=st.sampled_from(["member", "admin"]), issued=now_s,
       elapsed=st.integers(min_value=0, max_value=tokens.ACCESS_TTL_S - 1))
def test_an_access_token_round_trips_until_it_expires(key: str, subject: str, role: str,
                                                       issued: int, elapsed: int) -> None:
    issued_token = tokens.issue_access(subject, role, key, now=issued)
    claims = tokens.decode(issued_token.token, key, "access", now=issued + elapsed)
    assert (claims["sub"], claims["role"], claims["jti"]) == (subject, role, issued_token.jti)
    with pytest.raises(tokens.InvalidToken):
        tokens.decode(issued_token.token, key, "access", now=issued + tokens.ACCESS_TTL_S)


@given(key=keys, other=keys, subject=subjects, issued=now_s)
def test_a_token_never_verifies_with_another_key_or_as_another_kind(key: str, other: str,
                                                                     subject: str,
                                                                     issued: int) -> None:
    assume(key != other)
    refresh = tokens.issue_refresh(subject, "member", "fam", key, now=issued).token
    with pytest.raises(tokens.InvalidToken):
        tokens.decode(refresh, other, "refresh", now=issued)
    with pytest.raises(tokens.InvalidToken):
        tokens.decode(refresh, key, "access", now=issued)
    assert tokens.decode(refresh, key, "refresh", now=issued)["fam"] == "fam"


@given(key=keys, subject=subjects, issued=now_s, position=st.integers(min_value=0),
       flip=st.integers(min_value=1, max_value=255))
def test_any_changed_byte_of_a_token_is_rejected(key: str, subject: str, issued: int,
                                                  position: int, flip: int) -> None:
    token = tokens.issue_access(subject, "member", key, now=issued).token.encode()
    index = position % len(token)
    tampered = bytearray(token)
    tampered[index] = (tampered[index] + flip) % 128 or 65
    assume(bytes(tampered) != token)
    try:
        claims = tokens.decode(tampered.decode("ascii", "replace"), key, "access", now=issued)
    except tokens.InvalidToken:
        return
    # Base64 padding bits: a few last-character changes decode to the same bytes.
    assert claims["sub"] == subject


@given(secret=keys, body=bodies, timestamp=now_s,
       skew=st.integers(min_value=-webhooks.TOLERANCE_S, max_value=webhooks.TOLERANCE_S))
def test_a_signature_verifies_for_any_body_within_the_tolerance(secret: str, body: bytes,
                                                                timestamp: int,
                                                                skew: int) -> None:
    header = webhooks.sign(secret, timestamp, body)
    assert webhooks.verify(header, body, secret, now=timestamp + skew) == timestamp


@given(secret=keys, body=bodies, timestamp=now_s,
       late=st.integers(min_value=webhooks.TOLERANCE_S + 1, max_value=10**6),
       sign_=st.sampled_from([-1, 1]))
def test_a_signature_outside_the_tolerance_fails(secret: str, body: bytes, timestamp: int,
                                                 late: int, sign_: int) -> None:
    header = webhooks.sign(secret, timestamp, body)
    with pytest.raises(webhooks.InvalidSignature):
        webhooks.verify(header, body, secret, now=timestamp + sign_ * late)


@given(secret=keys, body=bodies, other_body=bodies, timestamp=now_s,
       other_time=now_s, other_secret=keys)
def test_any_tampering_of_body_timestamp_or_secret_fails(secret: str, body: bytes,
                                                         other_body: bytes, timestamp: int,
                                                         other_time: int,
                                                         other_secret: str) -> None:
    header = webhooks.sign(secret, timestamp, body)
    if other_body != body:
        with pytest.raises(webhooks.InvalidSignature):
            webhooks.verify(header, other_body, secret, now=timestamp)
    if other_secret != secret:
        with pytest.raises(webhooks.InvalidSignature):
            webhooks.verify(header, body, other_secret, now=timestamp)
    if other_time != timestamp:
        signature = header.split("v1=", 1)[1]
        with pytest.raises(webhooks.InvalidSignature):
            webhooks.verify(f"t={other_time},v1={signature}", body, secret, now=other_time)


@given(header=st.text(max_size=200), body=bodies)
def test_garbage_signature_headers_never_verify(header: str, body: bytes) -> None:
    with pytest.raises(webhooks.InvalidSignature):
        webhooks.verify(header, body, "whsec_test_secret", now=1_700_000_000)


positions = st.fixed_dictionaries({
    "postId": st.text(min_size=1, max_size=40), "status": st.just("published"),
    "publishedAt": st.text(min_size=1, max_size=30)})


@given(key=keys, position=positions)
def test_a_cursor_round_trips(key: str, position: dict[str, str]) -> None:
    assert cursors.decode_cursor(cursors.encode_cursor(position, key), key) == position


@given(key=keys, position=positions, index=st.integers(min_value=0),
       replacement=st.characters(min_codepoint=33, max_codepoint=126))
def test_a_tampered_cursor_is_rejected(key: str, position: dict[str, str], index: int,
                                       replacement: str) -> None:
    cursor = cursors.encode_cursor(position, key)
    at = index % len(cursor)
    tampered = cursor[:at] + replacement + cursor[at + 1:]
    assume(tampered != cursor)
    try:
        decoded = cursors.decode_cursor(tampered, key)
    except cursors.InvalidCursor:
        return
    # Only base64 padding-bit variants of the very same bytes may still verify.
    assert decoded == position


@given(key=keys, other=keys, position=positions)
def test_a_cursor_made_with_another_key_is_rejected(key: str, other: str,
                                                    position: dict[str, str]) -> None:
    assume(key != other)
    with pytest.raises(cursors.InvalidCursor):
        cursors.decode_cursor(cursors.encode_cursor(position, other), key)


@given(raw=st.text(max_size=100))
def test_arbitrary_strings_are_never_accepted_as_cursors(raw: str) -> None:
    try:
        decoded = cursors.decode_cursor(raw, "k" * 32)
    except cursors.InvalidCursor:
        return
    raise AssertionError(f"forged cursor accepted: {json.dumps(decoded)}")
