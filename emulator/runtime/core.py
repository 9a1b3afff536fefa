"""The runtime: synchronous invocations of a stack's functions, as Lambda's Invoke API runs them.

Copies ``Invoke`` with ``InvocationType=RequestResponse``
(https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html) as API Gateway's Lambda
proxy integration uses it: the request is routed to an idle or new execution environment of
the function, the call returns when the handler does, when the function's ``Timeout``
elapses (``Sandbox.Timedout``, environment discarded) or, raising :class:`CallerTimeout`,
when the caller's own limit (the integration's ``timeoutInMillis``) comes first - the
function then keeps running in its environment until it ends or times out, as it does on
AWS. Durations, ``Init Duration`` and ``get_remaining_time_in_millis`` use the injected
clock; waiting uses real time.

A caller that can be answered from another thread (the served path: it passes
``late_answer``) has a warm invocation run on its own thread instead of the environment's,
saving two thread switches per request (~0.1-0.2 ms on a busy 2-core machine). The
runtime's :class:`~.watchdog.Watchdog` then keeps every timeout rule: at the caller's
deadline it answers ``CallerTimeout`` through ``late_answer`` while the function runs on, at
the function's ``Timeout`` it ends the invocation, discards the environment and answers the
timed-out result, and the late-returning caller gets :class:`AnsweredAtDeadline`.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from functools import partial
from types import MappingProxyType
from typing import Any, NoReturn

from ..config import Settings
from ..errors import FunctionNotFound
from ..stack import FunctionConfig
from . import hooks, logs
from .environ import function_environment
from .environment import DONE, PENDING, ExecutionEnvironment, Finished, Job
from .isolation import local_roots
from .marshal import copy_event
from .memory import shared_probe
from .models import (
    AnsweredAtDeadline,
    CallerTimeout,
    FunctionStats,
    InvocationResult,
    RuntimeShutDown,
)
from .pool import FunctionPool
from .sandbox import SandboxState
from .timeouts import INIT_TIMEOUT_S, acquire_until, arm
from .watchdog import Watchdog

logger = logging.getLogger(__name__)

_INF = float("inf")
#: While a caller-abandoned cold invocation is still in INIT, its watchdog looks this often.
_INIT_POLL_S = 0.05

#: What a caller answered at a deadline receives: the caller timeout, or the timed-out result.
LateAnswer = Callable[[CallerTimeout | InvocationResult], None]


#: A private generator: ids need to be unique, not secret, and uuid4's urandom call costs
#: more than the rest of the warm path's bookkeeping. Handlers seeding ``random`` cannot
#: make two request ids collide.
_ids = random.Random()


def new_request_id() -> str:
    """A random (version 4) UUID string, like Lambda's request ids."""
    value = (_ids.getrandbits(128) & ~(0xF000 << 64) & ~(0xC000 << 48)) | (0x4000 << 64) | (
        0x8000 << 48)
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def _new_instance_id() -> str:
    return f"{_ids.getrandbits(128):032x}"


class Runtime:
    """Runs the Python handlers of ``functions`` (keyed by logical id) in this process."""

    def __init__(self, functions: Mapping[str, FunctionConfig], settings: Settings, *,
                 extra_environment: Mapping[str, str] | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 request_id_factory: Callable[[], str] = new_request_id,
                 wall_clock: Callable[[], float] = time.time,
                 instance_id_factory: Callable[[], str] = _new_instance_id) -> None:
        self._settings = settings
        self._clock = clock
        self._wall_clock = wall_clock
        self._request_ids = request_id_factory
        self._instance_ids = instance_id_factory
        self._extra = dict(extra_environment or {})
        self._timers: set[threading.Timer] = set()
        self._timers_lock = threading.Lock()
        self._closed = False
        self._watchdog = Watchdog()
        self._pools: dict[str, FunctionPool] = {}
        for logical_id, function in functions.items():
            variables = function_environment(function, region=settings.region,
                                             extra=self._extra)
            function_logger = logging.getLogger(logs.FUNCTION_LOGGER_PREFIX + function.name)
            factory = partial(self._create_environment, function, variables, function_logger)
            self._pools[logical_id] = FunctionPool(function, factory)
        hooks.acquire()

    def __enter__(self) -> Runtime:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.shutdown()

    # -- public API ----------------------------------------------------------------------

    def invoke(self, logical_id: str, event: Any, *, caller_timeout_s: float | None = None,
               request_id: str | None = None, event_owned: bool = False,
               late_answer: LateAnswer | None = None) -> InvocationResult:
        """Invoke a function synchronously and return what Lambda would.

        The handler gets its own copy of ``event``, as if parsed from the Invoke payload,
        unless ``event_owned``: the caller built this plain-JSON event for this invocation
        alone and never reads it again (the gateway's events), so it is handed over as is.

        With ``late_answer`` a warm invocation runs on the calling thread; if a deadline
        passes first, ``late_answer`` gets (on the watchdog's thread) what this call would
        have returned or raised at that moment, and this call raises
        :class:`AnsweredAtDeadline` once the handler is done with the thread.
        """
        pool = self._pools.get(logical_id)
        if pool is None:
            raise FunctionNotFound(f"Function not found: {logical_id}")
        if self._closed:
            raise RuntimeShutDown("the runtime is shut down")
        payload = event if event_owned else copy_event(event)
        rid = request_id if request_id is not None else self._request_ids()
        submitted = time.monotonic()
        environment, cold = pool.acquire()
        job = Job(rid, payload, cold=cold, submitted=submitted)
        if late_answer is not None and not cold:
            return self._run_here(environment, job, caller_timeout_s, late_answer)
        environment.submit(job)
        return self._await(environment, job, caller_timeout_s)

    def stats(self) -> Mapping[str, FunctionStats]:
        return MappingProxyType({logical_id: pool.stats()
                                 for logical_id, pool in self._pools.items()})

    def shutdown(self) -> None:
        """Stop idle environments, abandon busy ones, restore the process's hooks."""
        if self._closed:
            return
        self._closed = True
        with self._timers_lock:
            timers, self._timers = self._timers, set()
        for timer in timers:
            timer.cancel()
        self._watchdog.close()
        stopped: list[ExecutionEnvironment] = []
        for pool in self._pools.values():
            stopped.extend(pool.close())
        for environment in stopped:
            environment.thread.join(timeout=1.0)
        hooks.release()

    # -- internals -----------------------------------------------------------------------

    def _create_environment(self, function: FunctionConfig, variables: Mapping[str, str],
                            function_logger: logging.Logger, index: int,
                            finished: Finished) -> ExecutionEnvironment:
        search_path = [str(function.code_dir), *(str(path) for path in function.layer_paths)]
        environ = dict(variables)
        environ["AWS_LAMBDA_LOG_STREAM_NAME"] = logs.log_stream_name(self._wall_clock(),
                                                                    self._instance_ids())
        sandbox = SandboxState(function_name=function.name, environ=environ,
                               local_roots=local_roots([function.code_dir,
                                                        *function.layer_paths]),
                               search_path=search_path)
        environment = ExecutionEnvironment(function, sandbox, index=index, clock=self._clock,
                                           wall_clock=self._wall_clock, probe=shared_probe(),
                                           finished=finished, function_logger=function_logger)
        environment.start()
        return environment

    def _run_here(self, environment: ExecutionEnvironment, job: Job,
                  caller_timeout_s: float | None, late_answer: LateAnswer) -> InvocationResult:
        handler_deadline = job.submitted + environment.function.timeout_s
        caller_deadline = _INF if caller_timeout_s is None else job.submitted + caller_timeout_s

        def end_abandoned() -> None:
            environment.expire(job)

        def at_deadline() -> None:
            if time.monotonic() < handler_deadline:  # the caller's deadline came first
                with job.lock:
                    if job.state != PENDING:
                        return
                    job.abandoned = True
                late_answer(CallerTimeout(environment.function.name, job.request_id,
                                          caller_timeout_s or 0.0))
                self._watchdog.arm(handler_deadline, end_abandoned)
                return
            result = environment.expire(job)
            if result is not None and not job.abandoned:
                late_answer(result)

        alarm = self._watchdog.arm(min(handler_deadline, caller_deadline), at_deadline)
        try:
            environment.run_here(job)
        finally:
            alarm.cancel()
        with job.lock:
            answered = job.abandoned or job.state != DONE
        if answered:
            raise AnsweredAtDeadline(job.request_id)
        assert job.result is not None
        return job.result

    def _await(self, environment: ExecutionEnvironment, job: Job,
               caller_timeout_s: float | None) -> InvocationResult:
        timeout_s = environment.function.timeout_s
        caller_deadline = _INF if caller_timeout_s is None else job.submitted + caller_timeout_s
        if job.init_done is not None:
            init_deadline = job.submitted + INIT_TIMEOUT_S + timeout_s
            if not acquire_until(job.init_done, min(init_deadline, caller_deadline)):
                if caller_deadline < init_deadline:
                    self._leave(environment, job, caller_timeout_s)
                return self._expire(environment, job)
            started = job.handler_started_real
            handler_deadline = (started if started is not None else time.monotonic()) + timeout_s
        else:
            handler_deadline = job.submitted + timeout_s
        if acquire_until(job.done, min(handler_deadline, caller_deadline)):
            assert job.result is not None
            return job.result
        if caller_deadline < handler_deadline:
            self._leave(environment, job, caller_timeout_s)
        return self._expire(environment, job)

    @staticmethod
    def _expire(environment: ExecutionEnvironment, job: Job) -> InvocationResult:
        result = environment.expire(job)
        if result is None:
            # It finished while we decided: its result is moments away.
            job.done.acquire()
            result = job.result
        assert result is not None
        return result

    def _leave(self, environment: ExecutionEnvironment, job: Job,
               caller_timeout_s: float | None) -> NoReturn:
        """The caller gives up: enforce the function timeout without it, then raise."""
        self._watch(environment, job)
        raise CallerTimeout(environment.function.name, job.request_id, caller_timeout_s or 0.0)

    def _watch(self, environment: ExecutionEnvironment, job: Job) -> None:
        timeout_s = environment.function.timeout_s
        started = job.handler_started_real
        now = time.monotonic()
        if job.init_done is not None and started is None:
            delay = min(job.submitted + INIT_TIMEOUT_S + timeout_s - now, _INIT_POLL_S)
        else:
            delay = (started if started is not None else job.submitted) + timeout_s - now

        def fire() -> None:
            with self._timers_lock:
                self._timers.discard(threading.current_thread())
            if job.state != PENDING or self._closed:
                return
            in_init = job.init_done is not None and job.handler_started_real is None
            limit = (job.submitted + INIT_TIMEOUT_S + timeout_s if in_init
                     else (job.handler_started_real or job.submitted) + timeout_s)
            if time.monotonic() < limit:
                self._watch(environment, job)
            else:
                environment.expire(job)

        timer = arm(delay, fire)
        job.timer = timer
        with self._timers_lock:
            self._timers.add(timer)
