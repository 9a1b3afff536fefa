"""Lambda authorizer answers as API Gateway reads them, and the result cache (pure)."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.policy.authorizers.cache import TtlCache
from emulator.policy.authorizers.lambda_authorizer import AnswerError, parse_answer

POLICY = {"Version": "2012-10-17",
          "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"}]}


def test_rest_answer_context_values_are_stringified() -> None:
    answer = parse_answer({"principalId": "u", "policyDocument": POLICY,
                           "context": {"s": "v", "n": 1, "f": 1.5, "t": True, "z": None}},
                          kind="REST", simple=False)
    assert answer.context == {"s": "v", "n": "1", "f": "1.5", "t": "true", "z": None}
    assert answer.principal_id == "u" and answer.policy is not None


@pytest.mark.parametrize("value", [{"a": 1}, [1, 2]])
def test_rest_answer_context_objects_and_arrays_are_configuration_errors(value: Any) -> None:
    with pytest.raises(AnswerError):
        parse_answer({"principalId": "u", "policyDocument": POLICY, "context": {"k": value}},
                     kind="REST", simple=False)


def test_http_answer_context_keeps_json_types() -> None:
    answer = parse_answer({"principalId": "u", "policyDocument": POLICY,
                           "context": {"list": [1], "map": {"a": True}}},
                          kind="HTTP", simple=False)
    assert answer.context == {"list": [1], "map": {"a": True}}


def test_usage_identifier_key_is_kept_for_rest_only() -> None:
    raw = {"principalId": 7, "policyDocument": POLICY, "usageIdentifierKey": "k"}
    assert parse_answer(raw, kind="REST", simple=False).usage_identifier_key == "k"
    assert parse_answer(raw, kind="REST", simple=False).principal_id == "7"
    assert parse_answer(raw, kind="HTTP", simple=False).usage_identifier_key is None


def test_simple_responses_need_a_boolean_is_authorized() -> None:
    assert parse_answer({"isAuthorized": False}, kind="HTTP", simple=True).authorized is False
    for raw in ({}, {"isAuthorized": "true"}, {"principalId": "u", "policyDocument": POLICY}):
        with pytest.raises(AnswerError):
            parse_answer(raw, kind="HTTP", simple=True)


@pytest.mark.parametrize("raw", [None, "allow", [POLICY], {"policyDocument": POLICY},
                                 {"principalId": "u"}, {"principalId": "u", "policyDocument": {}},
                                 {"principalId": "u", "policyDocument": POLICY, "context": "x"}])
def test_unreadable_policy_answers_are_configuration_errors(raw: Any) -> None:
    with pytest.raises(AnswerError):
        parse_answer(raw, kind="REST", simple=False)


answers = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                       lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                           st.sampled_from(["principalId", "policyDocument", "context",
                                            "isAuthorized", "Statement", "x"]),
                           inner, max_size=4), max_leaves=10)


@given(raw=answers, kind=st.sampled_from(["REST", "HTTP"]), simple=st.booleans())
def test_any_answer_is_either_read_or_an_answer_error(raw: Any, kind: str, simple: bool) -> None:
    with contextlib.suppress(AnswerError):
        parse_answer(raw, kind=kind, simple=simple)


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_cache_entries_live_exactly_for_the_ttl() -> None:
    clock = _Clock()
    cache: TtlCache[str] = TtlCache(60, clock)
    cache.put(("token",), "answer")
    clock.now += 59.9
    assert cache.get(("token",)) == "answer"
    clock.now += 0.1
    assert cache.get(("token",)) is None
    assert len(cache) == 0


def test_cache_with_ttl_zero_holds_nothing() -> None:
    cache: TtlCache[str] = TtlCache(0, _Clock())
    cache.put(("token",), "answer")
    assert cache.get(("token",)) is None and not cache.enabled


def test_cache_keys_are_all_identity_values_in_order() -> None:
    cache: TtlCache[str] = TtlCache(60, _Clock())
    cache.put(("a", "b"), "first")
    assert cache.get(("b", "a")) is None and cache.get(("a",)) is None
    assert cache.get(("a", "b")) == "first"


def test_a_full_cache_drops_expired_entries_then_the_oldest() -> None:
    clock = _Clock()
    cache: TtlCache[int] = TtlCache(10, clock, max_entries=3)
    cache.put(("old",), 0)
    clock.now += 11
    for index in range(3):
        cache.put((str(index),), index)
    assert cache.get(("old",)) is None and len(cache) == 3
    cache.put(("new",), 9)
    assert cache.get(("0",)) is None and cache.get(("new",)) == 9 and len(cache) == 3
