"""The event-pattern matcher shared by EventBridge rules, SNS filter policies and Lambda
FilterCriteria."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from emulator.sources.patterns import PatternError, compile_pattern

keys = st.text(alphabet="abcdefgh-_", min_size=1, max_size=6).filter(lambda k: k != "$or")
scalars = st.one_of(st.text(max_size=8), st.integers(-1000, 1000), st.booleans(), st.none())
flat_events = st.dictionaries(keys, scalars, min_size=1, max_size=5)
numbers = st.one_of(st.integers(-10**6, 10**6),
                    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False))


@given(event=flat_events)
def test_a_pattern_of_the_events_own_values_matches_it(event: dict[str, Any]) -> None:
    assert compile_pattern({key: [value] for key, value in event.items()}).matches(event)


@given(event=flat_events, key=keys)
def test_a_pattern_naming_a_missing_field_does_not_match(event: dict[str, Any],
                                                         key: str) -> None:
    assume(key not in event)
    assert not compile_pattern({key: ["x"]}).matches(event)
    assert compile_pattern({key: [{"exists": False}]}).matches(event)


@given(text=st.text(max_size=10), prefix=st.text(max_size=4), suffix=st.text(max_size=4))
def test_prefix_and_suffix_follow_string_semantics(text: str, prefix: str,
                                                   suffix: str) -> None:
    assert compile_pattern({"k": [{"prefix": prefix}]}).matches({"k": text}) == \
        text.startswith(prefix)
    assert compile_pattern({"k": [{"suffix": suffix}]}).matches({"k": text}) == \
        text.endswith(suffix)


@given(text=st.text(max_size=10), other=st.text(max_size=10))
def test_equals_ignore_case_compares_casefolded_text(text: str, other: str) -> None:
    assert compile_pattern({"k": [{"equals-ignore-case": other}]}).matches({"k": text}) == \
        (text.casefold() == other.casefold())


@given(value=numbers, low=numbers, high=numbers)
def test_numeric_range_matches_numbers_inside_it(value: float, low: float,
                                                 high: float) -> None:
    pattern = compile_pattern({"n": [{"numeric": [">", low, "<=", high]}]})
    assert pattern.matches({"n": value}) == (low < value <= high)
    assert not pattern.matches({"n": str(value)})  # numeric never matches a string


@given(value=st.text(max_size=5), excluded=st.lists(st.text(max_size=5), max_size=4))
def test_anything_but_matches_values_not_listed(value: str, excluded: list[str]) -> None:
    pattern = compile_pattern({"k": [{"anything-but": excluded}]})
    assert pattern.matches({"k": value}) == (value not in excluded)
    assert not pattern.matches({})


@given(values=st.lists(st.text(max_size=4), min_size=1, max_size=5), wanted=st.text(max_size=4))
def test_an_array_field_matches_when_any_element_does(values: list[str], wanted: str) -> None:
    assert compile_pattern({"tags": [wanted]}).matches({"tags": values}) == (wanted in values)


def test_nested_fields_numbers_and_or() -> None:
    pattern = compile_pattern({
        "source": ["shop.orders"],
        "detail": {"total": [{"numeric": [">=", 100]}], "note": [{"exists": False}]},
        "$or": [{"detail-type": ["Placed"]}, {"detail": {"vip": [True]}}],
    })
    assert pattern.matches({"source": "shop.orders", "detail-type": "Placed",
                            "detail": {"total": 100.0}})
    assert pattern.matches({"source": "shop.orders", "detail-type": "Other",
                            "detail": {"total": 300, "vip": True}})
    assert not pattern.matches({"source": "shop.orders", "detail-type": "Other",
                                "detail": {"total": 300}})
    assert not pattern.matches({"source": "shop.orders", "detail-type": "Placed",
                                "detail": {"total": 300, "note": "x"}})
    assert not pattern.matches({"source": "shop.orders", "detail-type": "Placed",
                                "detail": {"total": 99}})


def test_wildcard_cidr_and_anything_but_prefix() -> None:
    assert compile_pattern({"k": [{"wildcard": "img/*.png"}]}).matches({"k": "img/a/b.png"})
    assert not compile_pattern({"k": [{"wildcard": "img/*.png"}]}).matches({"k": "img.jpg"})
    assert compile_pattern({"ip": [{"cidr": "10.0.0.0/24"}]}).matches({"ip": "10.0.0.7"})
    assert not compile_pattern({"ip": [{"cidr": "10.0.0.0/24"}]}).matches({"ip": "10.0.1.7"})
    pattern = compile_pattern({"k": [{"anything-but": {"prefix": "tmp/"}}]})
    assert pattern.matches({"k": "data/x"}) and not pattern.matches({"k": "tmp/x"})


def test_dynamodb_json_images_match_by_type_key() -> None:
    pattern = compile_pattern('{"dynamodb": {"NewImage": {"level": {"S": [{"prefix": "al"}]}}}}')
    assert pattern.matches({"dynamodb": {"NewImage": {"level": {"S": "alert"}}}})
    assert not pattern.matches({"dynamodb": {"NewImage": {"level": {"S": "info"}}}})
    assert not pattern.matches({"dynamodb": {"OldImage": {"level": {"S": "alert"}}}})


@pytest.mark.parametrize("pattern", [
    "not json", "[1]", {"k": "scalar"}, {"k": [[1]]}, {"k": [{"prefix": 1}]},
    {"k": [{"numeric": [">"]}]}, {"k": [{"numeric": ["~", 1]}]}, {"k": [{"unknown": 1}]},
    {"k": [{"exists": "yes"}]}, {"$or": [{"a": ["x"]}]}, {"k": [{"prefix": "a", "suffix": "b"}]},
    {"k": [{"wildcard": "a**b"}]}, {"k": [{"cidr": "nope"}]},
])
def test_invalid_patterns_are_refused(pattern: Any) -> None:
    with pytest.raises(PatternError):
        compile_pattern(pattern)
