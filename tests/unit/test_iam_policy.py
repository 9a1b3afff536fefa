"""IAM policy evaluation of Lambda authorizer answers (pure; no emulator)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.policy.authorizers.iam_policy import (
    PolicyError,
    arn_matches,
    method_arn,
    parse_policy,
    wildcard_match,
)

ARN = "arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/pets/42"


def _policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _allow(resource: Any, action: Any = "execute-api:Invoke") -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def _deny(resource: Any, action: Any = "execute-api:Invoke") -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource}


def _reference_match(pattern: str, value: str) -> bool:
    """A straightforward dynamic-programming glob matcher to check the regex one against."""
    rows, cols = len(pattern), len(value)
    table = [[False] * (cols + 1) for _ in range(rows + 1)]
    table[0][0] = True
    for i in range(1, rows + 1):
        table[i][0] = table[i - 1][0] and pattern[i - 1] == "*"
        for j in range(1, cols + 1):
            char = pattern[i - 1]
            if char == "*":
                table[i][j] = table[i - 1][j] or table[i][j - 1]
            elif char == "?" or char == value[j - 1]:
                table[i][j] = table[i - 1][j - 1]
    return table[rows][cols]


alphabet = st.sampled_from(list("ab/:*?.[]^$\\("))


@given(pattern=st.text(alphabet, max_size=8), value=st.text(alphabet.filter(
    lambda c: c not in "*?"), max_size=8))
def test_wildcard_match_agrees_with_a_reference_glob_matcher(pattern: str, value: str) -> None:
    assert wildcard_match(pattern, value) == _reference_match(pattern, value)


@given(value=st.text(max_size=30))
def test_a_pattern_without_wildcards_matches_only_itself(value: str) -> None:
    literal = value.replace("*", "x").replace("?", "x")
    assert wildcard_match(literal, literal)
    assert not wildcard_match(literal, literal + "z")


def test_method_arn_drops_the_leading_slash_of_the_path() -> None:
    assert method_arn("us-east-1", "123456789012", "abc123", "dev", "GET", "/pets/42") == ARN
    assert method_arn("eu-west-1", "1", "api", "$default", "POST", "/").endswith(
        "api/$default/POST/")


@pytest.mark.parametrize("pattern,expected", [
    ("*", True),
    (ARN, True),
    ("arn:aws:execute-api:us-east-1:123456789012:abc123/*", True),
    ("arn:aws:execute-api:us-east-1:123456789012:abc123/*/GET/*", True),
    ("arn:aws:execute-api:*:*:abc123/dev/*/pets/*", True),
    ("arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/pets/??", True),
    ("arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/pets/?", False),
    ("arn:aws:execute-api:us-east-1:123456789012:abc123/dev/POST/*", False),
    ("arn:aws:execute-api:us-east-1:123456789012:ABC123/*", False),
    ("arn:aws:execute-api:us-east-1:*/*", False),
    ("arn:aws:*", False),
    ("abc123/*", False),
])
def test_resource_patterns_match_field_by_field_with_wildcards(pattern: str,
                                                               expected: bool) -> None:
    assert arn_matches(pattern, ARN) is expected


def test_allow_on_the_method_arn_allows() -> None:
    assert parse_policy(_policy(_allow(ARN))).evaluate(ARN) == "allow"


def test_no_matching_statement_is_an_implicit_deny() -> None:
    policy = parse_policy(_policy(_allow("arn:aws:execute-api:*:*:other/*")))
    assert policy.evaluate(ARN) == "implicit_deny"


def test_explicit_deny_wins_whatever_the_order() -> None:
    for statements in ((_allow("*"), _deny(ARN)), (_deny(ARN), _allow("*"))):
        assert parse_policy(_policy(*statements)).evaluate(ARN) == "explicit_deny"


@given(allows=st.lists(st.sampled_from(["*", ARN, "arn:aws:execute-api:*:*:abc123/*"]),
                       max_size=3),
       denies=st.lists(st.sampled_from(["*", ARN, "arn:aws:execute-api:*:*:abc123/dev/*"]),
                       min_size=1, max_size=3))
def test_any_matching_deny_overrides_every_allow(allows: list[str], denies: list[str]) -> None:
    statements = [_allow(resource) for resource in allows] + [_deny(resource)
                                                              for resource in denies]
    assert parse_policy(_policy(*statements)).evaluate(ARN) == "explicit_deny"


def test_actions_match_case_insensitively_with_wildcards() -> None:
    for action in ("execute-api:Invoke", "EXECUTE-API:invoke", "execute-api:*", "*",
                   ["s3:GetObject", "execute-api:Inv*"]):
        assert parse_policy(_policy(_allow(ARN, action))).evaluate(ARN) == "allow"
    assert parse_policy(_policy(_allow(ARN, "execute-api:ManageConnections"))).evaluate(
        ARN) == "implicit_deny"


def test_statement_may_be_a_single_object_and_resources_a_list() -> None:
    document = {"Version": "2012-10-17",
                "Statement": _allow(["arn:aws:execute-api:*:*:x/*", ARN])}
    assert parse_policy(document).evaluate(ARN) == "allow"


def test_not_resource_and_not_action_invert_the_match() -> None:
    not_resource = {"Effect": "Allow", "Action": "execute-api:Invoke",
                    "NotResource": "arn:aws:execute-api:*:*:abc123/*/DELETE/*"}
    assert parse_policy(_policy(not_resource)).evaluate(ARN) == "allow"
    not_action = {"Effect": "Deny", "NotAction": "s3:*", "Resource": "*"}
    assert parse_policy(_policy(_allow("*"), not_action)).evaluate(ARN) == "explicit_deny"


def test_conditions_never_widen_access() -> None:
    conditional_allow = {**_allow("*"), "Condition": {"IpAddress": {"aws:SourceIp": "1.2.3.4"}}}
    assert parse_policy(_policy(conditional_allow)).evaluate(ARN) == "implicit_deny"
    conditional_deny = {**_deny("*"), "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    assert parse_policy(_policy(_allow("*"), conditional_deny)).evaluate(ARN) == "explicit_deny"


@pytest.mark.parametrize("document", [
    None, "allow", {}, {"Statement": []}, {"Statement": "x"},
    _policy({"Effect": "allow", "Action": "*", "Resource": "*"}),
    _policy({"Effect": "Allow", "Resource": "*"}),
    _policy({"Effect": "Allow", "Action": "*"}),
    _policy({"Effect": "Allow", "Action": [], "Resource": "*"}),
    _policy({"Effect": "Allow", "Action": "*", "NotAction": "x", "Resource": "*"}),
    _policy({"Effect": "Allow", "Action": "*", "Resource": 7}),
])
def test_documents_api_gateway_cannot_parse_raise_policy_error(document: Any) -> None:
    with pytest.raises(PolicyError):
        parse_policy(document)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.sampled_from(["Effect", "Action", "Resource", "NotAction", "Statement", "x"]),
        children, max_size=4),
    max_leaves=12)


@given(document=json_values)
def test_parsing_arbitrary_json_either_succeeds_or_raises_policy_error(document: Any) -> None:
    try:
        policy = parse_policy(document)
    except PolicyError:
        return
    assert policy.evaluate(ARN) in ("allow", "explicit_deny", "implicit_deny")
