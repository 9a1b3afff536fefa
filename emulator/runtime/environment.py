"""One Lambda execution environment: a sandbox thread that runs INIT, then invocations.

Copies the execution environment lifecycle
(https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html) and what
awslambdaric's ``bootstrap.py`` does inside it:

* INIT (on the first invocation only: a cold start) imports the handler module fresh into
  the environment; "app.handler", "src/app.handler" (imported as ``src.app``) and
  "pkg.mod.handler" are accepted. Failures are reported as awslambdaric reports them:
  ``Runtime.ImportModuleError`` "Unable to import module 'app': ...",
  ``Runtime.UserCodeSyntaxError``, ``Runtime.HandlerNotFound`` "Handler 'x' missing on module
  'app'", ``Runtime.MalformedHandlerName``, ``Runtime.BuiltInModuleConflict``, or the class
  name of whatever the module raised. An environment whose INIT failed is discarded.
* INVOKE calls ``handler(event, context)``; an exception becomes ``errorType`` = its class
  name, ``errorMessage`` = ``str(exc)`` and ``stackTrace`` = the formatted frames below the
  runtime's own, and is logged as ``[ERROR] Type: message`` plus the traceback.
  ``sys.exit()`` in a handler kills the runtime: ``Runtime.ExitError``, environment discarded.

The worker thread is long-lived: the caller hands it a :class:`Job` through a queue and
waits on a lock, which keeps the warm path to two thread switches. A warm invocation may
instead run on the caller's own thread (:meth:`ExecutionEnvironment.run_here`, no switch),
when the caller can be answered by the runtime's watchdog at a deadline.
"""

from __future__ import annotations

import logging
import queue
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..stack import FunctionConfig
from . import logs
from .capture import ensure_streams_wrapped, lambda_formatter
from .context import LambdaContext
from .isolation import import_handler_module
from .marshal import RESPONSE_LIMIT_BYTES, ResponseMarshalError, marshal_response
from .memory import MemoryProbe, reported_mb
from .models import InvocationError, InvocationResult
from .sandbox import SandboxState, current
from .timeouts import SandboxKilled, clear_interrupt, interrupt_thread

logger = logging.getLogger(__name__)

PENDING, DONE, TIMED_OUT = 0, 1, 2
_RUNTIME_DIR = str(Path(__file__).resolve().parent)
_EXIT_EXCEPTIONS = (SystemExit, KeyboardInterrupt, GeneratorExit)


class Job:
    """One invocation handed to an environment's thread."""

    __slots__ = ("request_id", "event", "cold", "submitted", "state", "lock", "done",
                 "init_done", "result", "init_output", "output", "init_duration_ms",
                 "handler_started", "handler_started_real", "timer", "thread_ident",
                 "abandoned")

    def __init__(self, request_id: str, event: Any, *, cold: bool, submitted: float) -> None:
        self.request_id = request_id
        self.event = event
        self.cold = cold
        self.submitted = submitted
        self.state = PENDING
        #: Guards ``state``: the worker (DONE) and the timeout (TIMED_OUT) race for it.
        self.lock = threading.Lock()
        self.done = threading.Lock()
        self.done.acquire()
        self.init_done: threading.Lock | None = None
        if cold:
            self.init_done = threading.Lock()
            self.init_done.acquire()
        self.result: InvocationResult | None = None
        self.init_output: list[str] = []
        self.output: list[str] = []
        self.init_duration_ms: float | None = None
        self.handler_started: float | None = None
        self.handler_started_real: float | None = None
        self.timer: threading.Timer | None = None
        #: The thread running the job when it is not the environment's own (run_here).
        self.thread_ident: int | None = None
        #: Set (under ``lock``, while PENDING) when the caller was answered at its deadline.
        self.abandoned = False


def fault_from_exception(exc: BaseException, request_id: str) -> InvocationError:
    """awslambdaric's error for an exception: class name, message, the function's frames."""
    # The emulator's own frames (the call site, the os.environ and import hooks) have no
    # counterpart in Lambda's traces; awslambdaric likewise drops its bootstrap frames.
    # Four-field frames, as awslambdaric formats them: no 3.11 caret lines.
    plain = [traceback.FrameSummary(frame.filename, frame.lineno, frame.name,
                                    lookup_line=False, line=frame.line)
             for frame in traceback.extract_tb(exc.__traceback__)
             if not frame.filename.startswith(_RUNTIME_DIR)]
    return InvocationError(str(exc), type(exc).__name__, tuple(traceback.format_list(plain)),
                           request_id)


def exit_error(request_id: str, exc: BaseException) -> InvocationError:
    code = exc.code if isinstance(exc, SystemExit) else 1
    if code is None or code == 0:
        reason = "Runtime exited without providing a reason"
    else:
        reason = f"Runtime exited with error: exit status {code if isinstance(code, int) else 1}"
    return InvocationError(f"RequestId: {request_id} Error: {reason}", "Runtime.ExitError",
                           None, None)


Finished = Callable[["ExecutionEnvironment", InvocationResult, bool, bool], None]


class ExecutionEnvironment:
    """A sandbox thread with its own modules, variables and log stream."""

    def __init__(self, function: FunctionConfig, sandbox: SandboxState, *, index: int,
                 clock: Callable[[], float], wall_clock: Callable[[], float],
                 probe: MemoryProbe, finished: Finished,
                 function_logger: logging.Logger) -> None:
        self.function = function
        self.sandbox = sandbox
        self.clock = clock
        self.wall_clock = wall_clock
        self.probe = probe
        self._finished = finished
        self._function_logger = function_logger
        self.handler: Callable[[Any, LambdaContext], Any] | None = None
        self.discarded = False
        self._rss_at_start = probe.rss_mb()
        self._peak_growth_mb = 0.0
        self._inbox: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._main, daemon=True,
                                       name=f"lambda:{function.name}:{index}")

    # -- caller side -------------------------------------------------------------------

    def start(self) -> None:
        self.thread.start()

    def submit(self, job: Job) -> None:
        self._inbox.put(job)

    def stop(self) -> None:
        """Let the thread end after the job it runs, if any."""
        self.discarded = True
        self._inbox.put(None)

    def expire(self, job: Job) -> InvocationResult | None:
        """End ``job`` at its timeout; ``None`` if it finished first."""
        with job.lock:
            if job.state != PENDING:
                return None
            job.state = TIMED_OUT
            self.discarded = True
            ident = job.thread_ident if job.thread_ident is not None else self.thread.ident
            if ident is not None:
                interrupt_thread(ident)
        if job.thread_ident is not None:
            self._inbox.put(None)  # the idle worker thread goes with its environment
        timeout_s = self.function.timeout_s
        started = job.handler_started
        duration_ms = ((self.clock() - started) * 1000.0 if started is not None
                       else timeout_s * 1000.0)
        rid = job.request_id
        text = (logs.join_output(list(job.init_output)) + logs.start_line(rid)
                + logs.join_output(list(job.output))
                + logs.timeout_line(self.wall_clock(), rid, timeout_s) + logs.end_line(rid))
        error = InvocationError(f"RequestId: {rid} Error: {logs.timeout_message(timeout_s)}",
                                "Sandbox.Timedout", None, None)
        result = self._result(job, None, error, duration_ms, text, status="timeout")
        logs.publish(self._function_logger, result.log)
        self._finished(self, result, True, True)
        job.result = result
        return result

    def run_here(self, job: Job) -> None:
        """Run a warm ``job`` on the calling thread, inside this environment's sandbox.

        A timeout interrupts the calling thread (``job.thread_ident``) as it would the
        environment's own; the :class:`SandboxKilled` it raises ends here.
        """
        job.thread_ident = threading.get_ident()
        previous = current.sandbox
        current.sandbox = self.sandbox
        try:
            self._run(job)
        except SandboxKilled:
            logger.debug("%s: request %s stopped at its timeout", self.function.name,
                         job.request_id)
        finally:
            current.sandbox = previous

    # -- sandbox thread ----------------------------------------------------------------

    def _main(self) -> None:
        current.sandbox = self.sandbox
        try:
            while True:
                job = self._inbox.get()
                if job is None:
                    return
                self._run(job)
                if self.discarded:
                    return
        except SandboxKilled:
            logger.debug("%s stopped after its timeout", self.thread.name)

    def _run(self, job: Job) -> None:
        ensure_streams_wrapped()
        sandbox = self.sandbox
        error: InvocationError | None = None
        status: str | None = None
        if job.cold:
            sandbox.log = job.init_output
            sandbox.request_id = ""
            queued_before = sandbox.import_wait_s
            init_started = self.clock()
            error = self._initialize(job.request_id)
            # Lambda initializes every environment on its own: the time this one queued
            # for the process-wide import lock (other environments' INIT) is not its own.
            queued_s = sandbox.import_wait_s - queued_before
            job.init_duration_ms = max(0.0, (self.clock() - init_started - queued_s) * 1000.0)
            if error is not None:
                if error.errorType != "Runtime.ExitError":
                    job.init_output.append(logs.warning_line(lambda_formatter(),
                                                             logs.UNHANDLED_EXCEPTION_WARNING))
                job.init_output.append(self._error_log(error))
                status = "error"
            job.handler_started_real = time.monotonic()
            if job.init_done is not None:
                job.init_done.release()
        sandbox.log = job.output
        sandbox.request_id = job.request_id
        job.handler_started = started = self.clock()
        payload: Any = None
        if error is None:
            payload, error = self._call(job, started)
            if error is not None:
                job.output.append(self._error_log(error))
                if error.errorType == "Runtime.ExitError":
                    status = "error"
        ended = self.clock()
        sandbox.log = None
        with job.lock:
            if job.state != PENDING:
                # Timed out meanwhile: the caller answered and discarded us.
                clear_interrupt(threading.get_ident())
                return
            job.state = DONE
        if job.timer is not None:
            job.timer.cancel()
        if status is not None:
            self.discarded = True
        rid = job.request_id
        text = (logs.join_output(job.init_output) + logs.start_line(rid)
                + logs.join_output(job.output) + logs.end_line(rid))
        result = self._result(job, payload, error, (ended - started) * 1000.0, text,
                              status=status)
        logs.publish(self._function_logger, result.log)
        self._finished(self, result, error is not None, False)
        job.result = result
        job.done.release()

    def _initialize(self, request_id: str) -> InvocationError | None:
        handler = self.function.handler
        if "." not in handler:
            return InvocationError(f"Bad handler '{handler}': not enough values to unpack "
                                   "(expected 2, got 1)", "Runtime.MalformedHandlerName", (), "")
        module_name, _, attribute = handler.rpartition(".")
        if module_name.split(".")[0] in sys.builtin_module_names:
            return InvocationError(f"Cannot use built-in module {module_name} as a handler "
                                   "module", "Runtime.BuiltInModuleConflict", (), "")
        try:
            module = import_handler_module(self.sandbox, module_name.replace("/", "."))
        except ImportError as exc:
            return InvocationError(f"Unable to import module '{module_name}': {exc}",
                                   "Runtime.ImportModuleError", (), "")
        except SyntaxError as exc:
            trace = f'  File "{exc.filename}" Line {exc.lineno}\n    {exc.text}'
            return InvocationError(f"Syntax error in module '{module_name}': {exc}",
                                   "Runtime.UserCodeSyntaxError", (trace,), "")
        except _EXIT_EXCEPTIONS as exc:
            return exit_error(request_id, exc)
        except Exception as exc:  # noqa: BLE001 - module code may raise anything; Lambda reports it
            return fault_from_exception(exc, "")
        try:
            self.handler = getattr(module, attribute)
        except AttributeError:
            return InvocationError(f"Handler '{attribute}' missing on module '{module_name}'",
                                   "Runtime.HandlerNotFound", (), "")
        return None

    def _call(self, job: Job, started: float) -> tuple[Any, InvocationError | None]:
        handler = self.handler
        assert handler is not None
        context = LambdaContext(request_id=job.request_id,
                                invoked_function_arn=self.function.arn,
                                environment=self.sandbox.environ.values,
                                deadline=started + self.function.timeout_s, clock=self.clock,
                                log_sink=job.output)
        try:
            payload, size = marshal_response(handler(job.event, context))
        except ResponseMarshalError as exc:
            return None, InvocationError(str(exc), "Runtime.MarshalError", (), job.request_id)
        except _EXIT_EXCEPTIONS as exc:
            return None, exit_error(job.request_id, exc)
        except Exception as exc:  # noqa: BLE001 - the handler's error is the invocation's result
            return None, fault_from_exception(exc, job.request_id)
        if size > RESPONSE_LIMIT_BYTES:
            return None, InvocationError(
                f"Response payload size ({size} bytes) exceeded maximum allowed payload size "
                f"({RESPONSE_LIMIT_BYTES} bytes).", "Function.ResponseSizeTooLarge", None, None)
        return payload, None

    @staticmethod
    def _error_log(error: InvocationError) -> str:
        if error.errorType == "Runtime.ExitError":
            return f"{error.errorMessage}\n{error.errorType}\n"
        return logs.error_lines(error)

    def _result(self, job: Job, payload: Any, error: InvocationError | None,
                duration_ms: float, text: str, *, status: str | None) -> InvocationResult:
        function = self.function
        self._peak_growth_mb = max(self._peak_growth_mb,
                                   self.probe.rss_mb() - self._rss_at_start)
        max_used = reported_mb(self._peak_growth_mb, function.memory_mb)
        billed = logs.billed_duration_ms(duration_ms, job.init_duration_ms)
        report = logs.report_line(
            job.request_id, duration_ms=duration_ms, billed_ms=billed,
            memory_mb=function.memory_mb, max_memory_used_mb=max_used,
            init_duration_ms=job.init_duration_ms, status=status,
            error_type=error.errorType if status == "error" and error else None)
        return InvocationResult(
            request_id=job.request_id, payload=payload if error is None else None, error=error,
            timed_out=status == "timeout", cold_start=job.cold,
            init_duration_ms=job.init_duration_ms, duration_ms=duration_ms,
            billed_duration_ms=billed, max_memory_used_mb=max_used, log=text + report)
