"""The runtime's pure parts: variable overlay, log formats, marshalling, import roots."""

from __future__ import annotations

import decimal
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.runtime import InvalidRequestContent, InvocationError, logs
from emulator.runtime.environ import ThreadAwareEnviron
from emulator.runtime.isolation import local_roots
from emulator.runtime.marshal import ResponseMarshalError, copy_event, marshal_response
from emulator.runtime.sandbox import SandboxState, current


@pytest.fixture
def sandbox() -> Iterator[SandboxState]:
    state = SandboxState(function_name="fn", environ={"OWN": "mine", "SHADOW": "overlay"},
                         local_roots=frozenset(), search_path=[])
    current.sandbox = state
    yield state
    current.sandbox = None


def test_the_overlay_reads_its_own_values_first_then_the_real_environment(
        sandbox: SandboxState) -> None:
    real = {"SHADOW": "host", "HOST": "host"}
    environ = ThreadAwareEnviron(real)
    assert (environ["OWN"], environ["SHADOW"], environ["HOST"]) == ("mine", "overlay", "host")
    assert environ.get("MISSING", "default") == "default"
    assert sorted(environ) == ["HOST", "OWN", "SHADOW"]
    assert len(environ) == 3


def test_writes_and_deletes_in_a_sandbox_never_reach_the_real_environment(
        sandbox: SandboxState) -> None:
    real = {"HOST": "host"}
    environ = ThreadAwareEnviron(real)
    environ["NEW"] = "value"
    del environ["HOST"]
    assert "HOST" not in environ and environ.get("HOST") is None
    with pytest.raises(KeyError):
        environ["HOST"]
    with pytest.raises(KeyError):
        del environ["HOST"]
    assert real == {"HOST": "host"}
    environ["HOST"] = "again"
    assert environ["HOST"] == "again" and real == {"HOST": "host"}
    with pytest.raises(TypeError):
        environ["NUMBER"] = 1  # type: ignore[assignment]


def test_outside_a_sandbox_the_overlay_is_the_real_environment() -> None:
    real = {"HOST": "host"}
    environ = ThreadAwareEnviron(real)
    environ["ADDED"] = "yes"
    assert real == {"HOST": "host", "ADDED": "yes"}
    assert environ.copy() == real


def test_report_line_matches_lambdas_layout() -> None:
    line = logs.report_line("rid", duration_ms=12.345, billed_ms=13, memory_mb=128,
                            max_memory_used_mb=60, init_duration_ms=150.123)
    assert line == ("REPORT RequestId: rid\tDuration: 12.35 ms\tBilled Duration: 13 ms"
                    "\tMemory Size: 128 MB\tMax Memory Used: 60 MB"
                    "\tInit Duration: 150.12 ms\n")
    timeout = logs.report_line("rid", duration_ms=3000.2, billed_ms=3001, memory_mb=128,
                               max_memory_used_mb=60, init_duration_ms=None,
                               status="timeout")
    assert timeout.endswith("Max Memory Used: 60 MB\tStatus: timeout\n")


@pytest.mark.parametrize(("duration", "init", "billed"), [
    (12.34, None, 13), (12.0, None, 12), (0.01, None, 1), (2.5, 150.25, 153)])
def test_billed_duration_rounds_up_to_the_millisecond_and_includes_init(
        duration: float, init: float | None, billed: int) -> None:
    assert logs.billed_duration_ms(duration, init) == billed


def test_error_lines_follow_awslambdarics_log_error() -> None:
    error = InvocationError("boom", "ValueError",
                            ('  File "/var/task/app.py", line 2, in handler\n    raise X\n',))
    assert logs.error_lines(error) == (
        "[ERROR] ValueError: boom\nTraceback (most recent call last):\n"
        '\u00a0\u00a0File "/var/task/app.py", line 2, in handler\n'
        "\u00a0\u00a0\u00a0\u00a0raise X\n")


def test_lambda_formatter_writes_level_utc_time_request_id_and_message() -> None:
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "bad %s", ("thing",), None)
    record.created = 0.5
    record.msecs = 500
    record.aws_request_id = "rid"
    assert logs.LambdaFormatter().format(record) == (
        "[ERROR]\t1970-01-01T00:00:00.500Z\trid\tbad thing\n")
    assert logs.iso_timestamp(86400.25) == "1970-01-02T00:00:00.250Z"
    assert logs.log_stream_name(0, "f" * 32) == "1970/01/01/[$LATEST]" + "f" * 32


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_a_decimal_marshals_to_the_number_its_digits_spell(value: decimal.Decimal) -> None:
    payload, size = marshal_response({"value": value})
    assert payload == {"value": json.loads(str(value))}
    assert size == len(json.dumps(payload))


def test_unserialisable_results_raise_a_marshal_error() -> None:
    with pytest.raises(ResponseMarshalError, match="Object of type set is not JSON"):
        marshal_response({1, 2})
    looped: list[object] = []
    looped.append(looped)
    with pytest.raises(ResponseMarshalError, match="Circular reference"):
        marshal_response(looped)


def test_local_roots_are_the_code_dirs_modules_minus_builtins_and_the_shared_sdk(
        tmp_path: Path) -> None:
    for name in ("app.py", "utils.py", "calendar.py", "sys.py", "native.abi3.so",
                 "not-a-module.py", "README.md"):
        (tmp_path / name).write_text("")
    for name in ("pkg", "boto3", "__pycache__", "lib.dist-info"):
        (tmp_path / name).mkdir()
    assert local_roots([tmp_path, tmp_path / "missing"]) == {
        "app", "utils", "calendar", "native", "pkg"}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children) | st.tuples(children, children)
    | st.dictionaries(st.text() | st.integers(), children),
    max_leaves=20)


@given(json_values)
def test_the_event_copy_equals_a_json_round_trip(event: object) -> None:
    copied = copy_event(event)
    assert copied == json.loads(json.dumps(event))
    assert json.dumps(copied) == json.dumps(json.loads(json.dumps(event)))


def test_the_event_copy_is_a_new_object_and_rejects_non_json_values() -> None:
    event = {"a": [{"b": 1}]}
    copied = copy_event(event)
    copied["a"][0]["b"] = 2
    assert event == {"a": [{"b": 1}]}
    assert copy_event(b'{"raw": true}') == {"raw": True}
    with pytest.raises(InvalidRequestContent):
        copy_event({"when": decimal.Decimal("1")})
    with pytest.raises(InvalidRequestContent):
        copy_event(b"not json")
