"""The in-process Lambda runtime: environments, isolation, variables, logs, context, errors."""

from __future__ import annotations

import itertools
import logging
import math
import os
import re
import sys
import threading
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from emulator.config import Settings
from emulator.errors import FunctionNotFound
from emulator.runtime import (
    InvalidRequestContent,
    InvocationResult,
    Runtime,
    RuntimeShutDown,
)
from emulator.stack import FunctionConfig

APPS = Path(__file__).parent / "runtime_apps"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
TIMESTAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
REPORT = re.compile(
    r"^REPORT RequestId: (?P<id>" + UUID + r")\tDuration: \d+\.\d\d ms"
    r"\tBilled Duration: \d+ ms\tMemory Size: (?P<memory>\d+) MB\tMax Memory Used: \d+ MB"
    r"(?P<init>\tInit Duration: \d+\.\d\d ms)?$")


def function(logical_id: str, app: str, handler: str = "app.handler",
             **overrides: Any) -> FunctionConfig:
    name = f"stack-{logical_id}-1A2B3C4D"
    return FunctionConfig(logical_id=logical_id, name=name,
                          arn=f"arn:aws:lambda:us-east-1:123456789012:function:{name}",
                          handler=handler, runtime="python3.11", code_dir=APPS / app,
                          **overrides)


MakeRuntime = Callable[..., Runtime]


@pytest.fixture
def make_runtime() -> Iterator[MakeRuntime]:
    runtimes: list[Runtime] = []

    def make(*functions: FunctionConfig, **kwargs: Any) -> Runtime:
        runtime = Runtime({f.logical_id: f for f in functions}, Settings(), **kwargs)
        runtimes.append(runtime)
        return runtime

    yield make
    for runtime in runtimes:
        runtime.shutdown()


def in_parallel(*calls: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return results


# -- module isolation --------------------------------------------------------------------


def test_two_functions_with_the_same_module_names_each_get_their_own_when_alternated(
        make_runtime: MakeRuntime) -> None:
    runtime = make_runtime(function("A", "alpha"), function("B", "beta"))
    for round_ in range(1, 4):
        a = runtime.invoke("A", {}).payload
        b = runtime.invoke("B", {}).payload
        assert (a["app"], a["lazy"], a["calls"], a["utils_calls"]) == (
            "alpha", "lazy-alpha", round_, round_)
        assert (b["app"], b["lazy"], b["calls"], b["utils_calls"]) == (
            "beta", "lazy-beta", round_, round_)
        assert a["app_file"] == str(APPS / "alpha" / "app.py")
        assert b["utils_file"] == str(APPS / "beta" / "utils.py")


def test_two_functions_keep_their_own_modules_under_concurrent_invocations(
        make_runtime: MakeRuntime) -> None:
    runtime = make_runtime(function("A", "alpha"), function("B", "beta"))
    calls = [partial(runtime.invoke, lid, {"sleep": 0.01}) for lid in "AB" * 6]
    results: list[InvocationResult] = in_parallel(*calls)
    for lid, result in zip("AB" * 6, results, strict=True):
        expected = "alpha" if lid == "A" else "beta"
        assert result.error is None
        assert (result.payload["app"], result.payload["lazy"]) == (expected,
                                                                   f"lazy-{expected}")
        assert result.payload["token"].startswith(expected)


def test_each_environment_of_a_function_has_its_own_module_state(
        make_runtime: MakeRuntime) -> None:
    runtime = make_runtime(function("A", "alpha"))
    first, second = in_parallel(lambda: runtime.invoke("A", {"sleep": 0.2}),
                                lambda: runtime.invoke("A", {"sleep": 0.2}))
    assert first.cold_start and second.cold_start
    assert first.payload["token"] != second.payload["token"]
    assert first.payload["calls"] == second.payload["calls"] == 1


def test_function_modules_are_not_left_in_sys_modules(make_runtime: MakeRuntime) -> None:
    runtime = make_runtime(function("A", "alpha"), function("B", "beta"))
    runtime.invoke("A", {})
    runtime.invoke("B", {})
    assert not {"app", "utils", "lazy_helper"} & set(sys.modules)
    assert str(APPS / "alpha") not in sys.path


def test_threads_started_by_a_handler_run_inside_its_environment(
        make_runtime: MakeRuntime) -> None:
    runtime = make_runtime(function("T", "threads", environment={"TABLE_NAME": "jobs"}))
    result = runtime.invoke("T", {})
    assert result.payload == {"thread": ["jobs", "threads-helper"], "init": "init-helper"}
    assert "from a worker thread\n" in result.log


def test_layers_come_after_the_function_code_on_the_import_path(
        make_runtime: MakeRuntime) -> None:
    fn = function("L", "layered", layer_paths=(APPS / "layer" / "python",))
    payload = make_runtime(fn).invoke("L", {}).payload
    assert payload == {"layer": "from the layer", "common": "function code"}


# -- environment variables ---------------------------------------------------------------


def test_handler_sees_its_variables_and_lambdas_reserved_ones_at_import_and_call_time(
        make_runtime: MakeRuntime) -> None:
    fn = function("E", "envvars", environment={"TABLE_NAME": "orders"}, memory_mb=256)
    runtime = make_runtime(fn, extra_environment={"AWS_ENDPOINT_URL_S3": "http://127.0.0.1:4566"})
    payload = runtime.invoke("E", {}).payload
    assert payload["import"] == payload["call"] == "orders"
    assert payload["region_at_import"] == "us-east-1"
    assert payload["listed"] is True
    seen = payload["vars"]
    assert seen["AWS_REGION"] == seen["AWS_DEFAULT_REGION"] == "us-east-1"
    assert seen["AWS_LAMBDA_FUNCTION_NAME"] == fn.name
    assert seen["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert seen["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert seen["AWS_LAMBDA_LOG_GROUP_NAME"] == f"/aws/lambda/{fn.name}"
    assert re.fullmatch(r"\d{4}/\d\d/\d\d/\[\$LATEST\][0-9a-f]{32}",
                        seen["AWS_LAMBDA_LOG_STREAM_NAME"])
    assert seen["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.11"
    assert seen["AWS_LAMBDA_INITIALIZATION_TYPE"] == "on-demand"
    assert seen["LAMBDA_TASK_ROOT"] == str(APPS / "envvars")
    assert seen["LAMBDA_RUNTIME_DIR"] == "/var/runtime"
    assert seen["_HANDLER"] == "app.handler"
    assert seen["TZ"] == ":UTC"
    assert seen["AWS_ENDPOINT_URL_S3"] == "http://127.0.0.1:4566"
    assert "TABLE_NAME" not in os.environ


def test_concurrent_functions_read_different_values_for_the_same_variable(
        make_runtime: MakeRuntime) -> None:
    runtime = make_runtime(function("Orders", "envvars", environment={"TABLE_NAME": "orders"}),
                           function("Users", "envvars", environment={"TABLE_NAME": "users"}))
    lids = ["Orders", "Users"] * 5
    results: list[InvocationResult] = in_parallel(
        *[partial(runtime.invoke, lid, {"sleep": 0.02}) for lid in lids])
    for lid, result in zip(lids, results, strict=True):
        expected = lid.lower()
        assert (result.payload["import"], result.payload["call"]) == (expected, expected)
        assert result.payload["written"].startswith(f"stack-{lid}-")


def test_writes_to_os_environ_inside_a_handler_stay_in_its_environment(
        make_runtime: MakeRuntime, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOST_ONLY", "from-host")
    runtime = make_runtime(function("E", "envvars", environment={"TABLE_NAME": "orders"}),
                           function("F", "envvars", environment={"TABLE_NAME": "users"}))
    first = runtime.invoke("E", {})
    assert first.payload["vars"]["HOST_ONLY"] == "from-host"
    deleted = runtime.invoke("E", {"delete_host_only": True})
    assert deleted.payload["vars"]["HOST_ONLY"] is None
    assert runtime.invoke("F", {}).payload["vars"]["HOST_ONLY"] == "from-host"
    assert os.environ["HOST_ONLY"] == "from-host"
    assert "WRITTEN_BY" not in os.environ
    assert os.getenv("WRITTEN_BY") is None


def test_template_values_for_reserved_variables_are_ignored(make_runtime: MakeRuntime) -> None:
    fn = function("E", "envvars", environment={"TABLE_NAME": "t", "AWS_REGION": "mars-1"})
    payload = make_runtime(fn).invoke("E", {}).payload
    assert payload["vars"]["AWS_REGION"] == "us-east-1"


def test_os_environ_is_restored_after_shutdown() -> None:
    original = os.environ
    runtime = Runtime({"E": function("E", "envvars", environment={"TABLE_NAME": "t"})},
                      Settings())
    assert os.environ is not original
    runtime.invoke("E", {})
    runtime.shutdown()
    assert os.environ is original
    assert "WRITTEN_BY" not in os.environ


# -- cold and warm starts ----------------------------------------------------------------


def test_first_invocation_is_a_cold_start_with_init_duration_and_the_next_is_warm(
        make_runtime: MakeRuntime) -> None:
    runtime = make_runtime(function("A", "alpha"))
    cold = runtime.invoke("A", {})
    warm = runtime.invoke("A", {})
    assert cold.cold_start and cold.init_duration_ms is not None and cold.init_duration_ms > 0
    cold_report = REPORT.match(cold.log.splitlines()[-1])
    assert cold_report is not None and cold_report["init"] is not None
    assert not warm.cold_start and warm.init_duration_ms is None
    warm_report = REPORT.match(warm.log.splitlines()[-1])
    assert warm_report is not None and warm_report["init"] is None
    assert warm.payload["token"] == cold.payload["token"]
    stats = runtime.stats()["A"]
    assert (stats.invocations, stats.cold_starts, stats.environments) == (2, 1, 1)


def test_two_concurrent_invocations_run_in_two_environments(make_runtime: MakeRuntime) -> None:
    runtime = make_runtime(function("S", "sleeper"))
    first, second = in_parallel(lambda: runtime.invoke("S", {"sleep": 0.2}),
                                lambda: runtime.invoke("S", {"sleep": 0.2}))
    assert first.cold_start and second.cold_start
    stats = runtime.stats()["S"]
    assert (stats.cold_starts, stats.idle_environments, stats.busy_environments) == (2, 2, 0)
    assert not runtime.invoke("S", {}).cold_start


def test_init_time_does_not_count_against_the_function_timeout(
        make_runtime: MakeRuntime) -> None:
    runtime = make_runtime(function("I", "slow_init", timeout_s=0.2))
    result = runtime.invoke("I", {})
    assert result.payload == "ready" and not result.timed_out
    assert result.init_duration_ms is not None and result.init_duration_ms >= 300
    assert result.billed_duration_ms >= 300


def test_init_duration_leaves_out_the_time_spent_queueing_behind_another_cold_start(
        make_runtime: MakeRuntime) -> None:
    # Imports of concurrent cold starts are serialised here (AWS runs them side by side):
    # each environment's 0.3 s INIT must still read ~0.3 s, not 0.6 s for the second one.
    runtime = make_runtime(function("I", "slow_init"))
    first, second = in_parallel(lambda: runtime.invoke("I", {}),
                                lambda: runtime.invoke("I", {}))
    inits = sorted(result.init_duration_ms for result in (first, second))
    assert inits[0] >= 300
    assert inits[1] < 550, f"Init Durations {inits}: the queueing time was counted"


# -- logs ----------------------------------------------------------------------------------


def test_log_has_start_end_and_report_lines_in_lambda_format(make_runtime: MakeRuntime) -> None:
    runtime = make_runtime(function("T", "trivial", memory_mb=512))
    result = runtime.invoke("T", {})
    lines = result.log.splitlines()
    rid = result.request_id
    assert re.fullmatch(UUID, rid)
    assert lines[0] == f"START RequestId: {rid} Version: $LATEST"
    assert lines[-2] == f"END RequestId: {rid}"
    report = REPORT.match(lines[-1])
    assert report is not None and report["id"] == rid and report["memory"] == "512"
    assert f"Billed Duration: {result.billed_duration_ms} ms" in lines[-1]
    assert result.billed_duration_ms == math.ceil(result.duration_ms + result.init_duration_ms)
    assert 0 < result.max_memory_used_mb <= 512


def test_prints_stderr_and_logging_in_a_handler_go_to_its_log_in_lambda_format(
        make_runtime: MakeRuntime) -> None:
    runtime = make_runtime(function("P", "printer"))
    root = logging.getLogger()
    handlers_before, level_before = list(root.handlers), root.level
    result = runtime.invoke("P", {})
    rid = result.request_id
    lines = result.log.splitlines()
    assert lines[0] == "init says hello"
    assert lines[1] == f"START RequestId: {rid} Version: $LATEST"
    assert lines[2:4] == ["hello from print", "to stderr"]
    assert re.fullmatch(rf"\[WARNING\]\t{TIMESTAMP}\t{rid}\troot warning 42", lines[4])
    assert re.fullmatch(rf"\[INFO\]\t{TIMESTAMP}\t{rid}\tnamed info", lines[5])
    assert lines[6] == "via context.log"
    assert lines[7] == f"END RequestId: {rid}"
    assert REPORT.match(lines[8])
    # logging.basicConfig(level=DEBUG) in the handler changed nothing, as in Lambda.
    assert (root.handlers, root.level) == (handlers_before, level_before)
    warm = runtime.invoke("P", {})
    assert "init says hello" not in warm.log


def test_output_outside_handlers_is_not_captured(make_runtime: MakeRuntime,
                                                 capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # Keep the published copy of the log away from whatever handlers the host root has.
    monkeypatch.setattr(logging.getLogger("emulator.lambda"), "propagate", False)
    runtime = make_runtime(function("P", "printer"))
    result = runtime.invoke("P", {})
    print("printed by the host")
    out, err = capsys.readouterr()
    assert out == "printed by the host\n"
    assert "hello from print" not in out and "to stderr" not in err
    assert "printed by the host" not in result.log


def test_invocation_log_is_published_line_by_line_to_the_function_logger(
        make_runtime: MakeRuntime, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="emulator.lambda")
    fn = function("P", "printer")
    result = make_runtime(fn).invoke("P", {})
    published = [r.getMessage() for r in caplog.records
                 if r.name == f"emulator.lambda.{fn.name}"]
    assert published == result.log.splitlines()
    # The handler's own records reach the host only through that published log.
    assert not [r for r in caplog.records if r.name in ("root", "printer_app")]


# -- context -------------------------------------------------------------------------------


def test_context_carries_the_functions_identity_and_the_request_id(
        make_runtime: MakeRuntime) -> None:
    fn = function("C", "context", memory_mb=1024)
    result = make_runtime(fn).invoke("C", {}, request_id="11111111-2222-4333-8444-555555555555")
    payload = result.payload
    assert result.request_id == payload["aws_request_id"] == "11111111-2222-4333-8444-555555555555"
    assert payload["function_name"] == fn.name
    assert payload["function_version"] == "$LATEST"
    assert payload["invoked_function_arn"] == fn.arn
    assert payload["memory_limit_in_mb"] == "1024"  # a str, as awslambdaric reads it
    assert payload["log_group_name"] == f"/aws/lambda/{fn.name}"
    assert payload["log_stream_name"].startswith(payload["log_stream_name"][:10])
    assert "[$LATEST]" in payload["log_stream_name"]
    assert payload["identity"] == [None, None]
    assert payload["client_context"] is None


def test_remaining_time_counts_down_from_the_timeout_on_the_injected_clock(
        make_runtime: MakeRuntime) -> None:
    ticks = itertools.count(1000.0, 0.25)
    runtime = make_runtime(function("C", "context", timeout_s=3.0),
                           clock=partial(next, ticks))
    first, second = runtime.invoke("C", {}).payload["remaining"]
    assert 3000 > first > second >= 0
    assert first - second == 250


# -- errors --------------------------------------------------------------------------------


def test_handler_exception_is_reported_with_class_name_message_and_stack_trace(
        make_runtime: MakeRuntime) -> None:
    runtime = make_runtime(function("R", "raiser"))
    result = runtime.invoke("R", {})
    error = result.error
    assert error is not None and result.payload is None
    assert (error.errorType, error.errorMessage) == ("ValueError", "boom")
    assert error.stackTrace is not None and len(error.stackTrace) == 2
    assert error.stackTrace[0].startswith(f'  File "{APPS / "raiser" / "app.py"}", line ')
    assert error.stackTrace[0].rstrip().endswith("return _explode()")
    assert "in _explode" in error.stackTrace[1]
    assert error.as_payload() == {"errorMessage": "boom", "errorType": "ValueError",
                                  "requestId": result.request_id,
                                  "stackTrace": list(error.stackTrace)}
    lines = result.log.splitlines()
    start = lines.index("[ERROR] ValueError: boom")
    assert lines[start + 1] == "Traceback (most recent call last):"
    assert lines[start + 2].startswith('\u00a0\u00a0File "')
    assert lines[-2] == f"END RequestId: {result.request_id}"
    assert "Status:" not in lines[-1]
    assert not runtime.invoke("R", {}).cold_start  # a handler error keeps the environment


def test_a_custom_exception_is_reported_under_its_class_name(make_runtime: MakeRuntime) -> None:
    error = make_runtime(function("R", "raiser")).invoke("R", {"kind": "custom"}).error
    assert error is not None
    assert (error.errorType, error.errorMessage) == ("PaymentDeclined", "card declined")


def test_sys_exit_in_a_handler_is_runtime_exit_error_and_discards_the_environment(
        make_runtime: MakeRuntime) -> None:
    runtime = make_runtime(function("R", "raiser"))
    result = runtime.invoke("R", {"kind": "exit"})
    assert result.error is not None and result.error.errorType == "Runtime.ExitError"
    assert result.error.errorMessage == (f"RequestId: {result.request_id} Error: Runtime "
                                          "exited with error: exit status 3")
    assert result.log.splitlines()[-1].endswith("\tStatus: error\tError Type: Runtime.ExitError")
    assert runtime.invoke("R", {}).cold_start


def test_import_error_is_runtime_import_module_error_and_the_environment_is_discarded(
        make_runtime: MakeRuntime) -> None:
    runtime = make_runtime(function("X", "broken_import"))
    result = runtime.invoke("X", {})
    error = result.error
    assert error is not None and result.cold_start
    assert error.errorType == "Runtime.ImportModuleError"
    assert error.errorMessage == ("Unable to import module 'app': "
                                   "No module named 'does_not_exist_anywhere'")
    assert error.as_payload() == {"errorMessage": error.errorMessage,
                                  "errorType": "Runtime.ImportModuleError",
                                  "requestId": "", "stackTrace": []}
    lines = result.log.splitlines()
    assert re.fullmatch(rf"\[WARNING\]\t{TIMESTAMP}\t\tLAMBDA_WARNING: Unhandled exception\..*",
                        lines[0])
    assert lines[1] == f"[ERROR] Runtime.ImportModuleError: {error.errorMessage}"
    assert lines[2] == "Traceback (most recent call last):"
    assert lines[3] == f"START RequestId: {result.request_id} Version: $LATEST"
    assert lines[-1].endswith("\tStatus: error\tError Type: Runtime.ImportModuleError")
    assert "\tInit Duration: " in lines[-1]
    again = runtime.invoke("X", {})
    assert again.cold_start and again.error is not None
    stats = runtime.stats()["X"]
    assert (stats.cold_starts, stats.errors, stats.environments) == (2, 2, 0)


def test_an_exception_raised_at_import_is_reported_under_its_class_name(
        make_runtime: MakeRuntime) -> None:
    error = make_runtime(function("K", "init_fails")).invoke("K", {}).error
    assert error is not None
    assert (error.errorType, error.errorMessage) == ("KeyError", "'MISSING_VARIABLE'")
    assert error.stackTrace is not None
    assert f'{APPS / "init_fails" / "app.py"}", line 4, in <module>' in error.stackTrace[-2]
    assert "in __getitem__" in error.stackTrace[-1]
    assert not [frame for frame in error.stackTrace if "/emulator/" in frame]


def test_a_missing_handler_function_is_runtime_handler_not_found(
        make_runtime: MakeRuntime) -> None:
    error = make_runtime(function("H", "trivial", handler="app.missing")).invoke("H", {}).error
    assert error is not None
    assert error.errorType == "Runtime.HandlerNotFound"
    assert error.errorMessage == "Handler 'missing' missing on module 'app'"


def test_a_handler_setting_without_a_dot_is_runtime_malformed_handler_name(
        make_runtime: MakeRuntime) -> None:
    error = make_runtime(function("H", "trivial", handler="app")).invoke("H", {}).error
    assert error is not None and error.errorType == "Runtime.MalformedHandlerName"
    assert error.errorMessage.startswith("Bad handler 'app': ")


def test_a_syntax_error_is_runtime_user_code_syntax_error(make_runtime: MakeRuntime,
                                                          tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("def handler(event, context)\n    return 1\n")
    fn = function("Y", "trivial")
    fn = FunctionConfig(**{**fn.__dict__, "code_dir": tmp_path})
    error = make_runtime(fn).invoke("Y", {}).error
    assert error is not None and error.errorType == "Runtime.UserCodeSyntaxError"
    assert error.errorMessage.startswith("Syntax error in module 'app': ")
    assert error.stackTrace and error.stackTrace[0].startswith(f'  File "{tmp_path}/app.py"')


# -- marshalling -----------------------------------------------------------------------------


def test_a_decimal_result_is_serialised_as_a_json_number(make_runtime: MakeRuntime) -> None:
    payload = make_runtime(function("M", "marshalling")).invoke("M", {"kind": "decimal"}).payload
    assert payload["price"] == 1.1 and payload["qty"] == 3 and isinstance(payload["qty"], int)
    assert payload["big"] == 100.0 and math.isnan(payload["nan"])


def test_a_set_result_is_runtime_marshal_error(make_runtime: MakeRuntime) -> None:
    result = make_runtime(function("M", "marshalling")).invoke("M", {"kind": "set"})
    assert result.payload is None and result.error is not None
    assert result.error.errorType == "Runtime.MarshalError"
    assert result.error.errorMessage == ("Unable to marshal response: Object of type set "
                                          "is not JSON serializable")
    assert "[ERROR] Runtime.MarshalError: Unable to marshal response" in result.log


def test_bytes_pass_through_and_tuples_become_lists(make_runtime: MakeRuntime) -> None:
    runtime = make_runtime(function("M", "marshalling"))
    assert runtime.invoke("M", {"kind": "bytes"}).payload == b"\x00raw"
    assert runtime.invoke("M", {"kind": "tuple"}).payload == {"pair": [1, 2]}
    assert runtime.invoke("M", {"kind": "none"}).payload is None


def test_a_response_over_6_mb_is_function_response_size_too_large(
        make_runtime: MakeRuntime) -> None:
    error = make_runtime(function("M", "marshalling")).invoke("M", {"kind": "huge"}).error
    assert error is not None and error.errorType == "Function.ResponseSizeTooLarge"
    assert error.errorMessage.endswith(
        "exceeded maximum allowed payload size (6291556 bytes).")


def test_the_handler_gets_a_json_copy_of_the_event(make_runtime: MakeRuntime) -> None:
    runtime = make_runtime(function("M", "marshalling"))
    event = {"kind": "tuple", "extra": (1, 2)}
    assert runtime.invoke("M", event).payload == {"pair": [1, 2]}
    assert event == {"kind": "tuple", "extra": (1, 2)}
    with pytest.raises(InvalidRequestContent):
        runtime.invoke("M", {"kind": object()})


# -- handler settings and API edges ----------------------------------------------------------


def test_a_handler_in_a_subdirectory_is_imported_as_a_dotted_module(
        make_runtime: MakeRuntime) -> None:
    payload = make_runtime(function("S", "shapes", handler="src/app.handler")).invoke(
        "S", {}).payload
    assert payload == {"module": "src.app"}


def test_a_handler_in_a_package_module_can_use_relative_imports(
        make_runtime: MakeRuntime) -> None:
    runtime = make_runtime(function("S", "shapes", handler="pkg.mod.handler"))
    for _ in range(2):
        payload = runtime.invoke("S", {}).payload
        assert payload == {"module": "pkg.mod", "package": "pkg", "word": "sibling/sibling"}


def test_an_unknown_function_raises_function_not_found(make_runtime: MakeRuntime) -> None:
    with pytest.raises(FunctionNotFound):
        make_runtime(function("T", "trivial")).invoke("Nope", {})


def test_invocations_after_shutdown_are_refused() -> None:
    runtime = Runtime({"T": function("T", "trivial")}, Settings())
    runtime.invoke("T", {})
    runtime.shutdown()
    with pytest.raises(RuntimeShutDown):
        runtime.invoke("T", {})


def test_function_module_wins_over_a_same_named_module_the_host_imported_from_its_project(
        make_runtime: MakeRuntime, tmp_path: Path) -> None:
    host_dir, code_dir = tmp_path / "host", tmp_path / "code"
    host_dir.mkdir()
    code_dir.mkdir()
    (host_dir / "handlers_shadow.py").write_text("WHO = 'host project'\n")
    (code_dir / "handlers_shadow.py").write_text(
        "def get(event, context):\n    return {'who': 'function'}\n")
    sys.path.insert(0, str(host_dir))
    try:
        import handlers_shadow  # type: ignore[import-not-found]

        assert handlers_shadow.WHO == "host project"
        config = function("Shadow", "hello", handler="handlers_shadow.get")
        runtime = make_runtime(FunctionConfig(**{**config.__dict__, "code_dir": code_dir}))
        result = runtime.invoke("Shadow", {})
        assert result.error is None, result.error
        assert result.payload == {"who": "function"}
        assert sys.modules["handlers_shadow"] is handlers_shadow
    finally:
        sys.path.remove(str(host_dir))
        sys.modules.pop("handlers_shadow", None)


def test_handler_gets_a_copy_of_the_event_unless_the_caller_hands_it_over(
        make_runtime: MakeRuntime) -> None:
    runtime = make_runtime(function("Mutator", "mutator"))
    copied = {"a": [1, 2]}
    assert runtime.invoke("Mutator", copied).payload == {"keys": ["a", "touched"]}
    assert copied == {"a": [1, 2]}
    owned = {"a": [1, 2]}
    assert runtime.invoke("Mutator", owned, event_owned=True).payload == {"keys": ["a", "touched"]}
    assert owned == {"a": [1, 2], "touched": True}


def test_host_package_with_a_namespace_subpackage_is_hidden_cleanly_from_a_function(
        make_runtime: MakeRuntime, tmp_path: Path) -> None:
    host_dir, code_dir = tmp_path / "host", tmp_path / "code"
    (host_dir / "nsparent" / "ns").mkdir(parents=True)
    (host_dir / "nsparent" / "__init__.py").write_text("")
    (host_dir / "nsparent" / "ns" / "mod.py").write_text("VALUE = 1\n")
    code_dir.mkdir()
    (code_dir / "nsparent.py").write_text(
        "def get(event, context):\n    return {'who': 'function'}\n")
    sys.path.insert(0, str(host_dir))
    try:
        import nsparent.ns.mod  # type: ignore[import-not-found]  # noqa: F401

        config = function("Parent", "hello", handler="nsparent.get")
        runtime = make_runtime(FunctionConfig(**{**config.__dict__, "code_dir": code_dir}))
        result = runtime.invoke("Parent", {})
        assert result.error is None, result.error
        assert result.payload == {"who": "function"}
        assert "nsparent.ns" in sys.modules
    finally:
        sys.path.remove(str(host_dir))
        for name in [n for n in sys.modules if n.split(".")[0] == "nsparent"]:
            del sys.modules[name]
