"""``emulator contract``: schemathesis against each API's published spec, in-process.

Every default schemathesis check runs (response status, content type, schema and headers
conformance, ``not_a_server_error``, ``positive_data_acceptance``,
``negative_data_rejection``, ``use_after_free``, ``ensure_resource_availability``,
``ignored_auth``, ``missing_required_header``...) over the examples, coverage, fuzzing and
stateful (OpenAPI ``links``) phases - https://schemathesis.readthedocs.io/en/stable/reference/checks/.
One check is off by default: ``unsupported_method`` wants 405 for an undeclared method,
while API Gateway answers 403 ``Missing Authentication Token`` (REST) or 404 (HTTP API) -
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-troubleshooting-errors.html
- which the emulator reproduces on purpose; ``--checks all`` turns it back on.

Each failure keeps what is needed to chase it: a ``curl`` line against ``serve``, the
gateway request id (``x-amzn-RequestId`` / ``apigw-requestid``, also in the handler's log
lines) and the layer that answered (``X-Emulator-Layer``: handler, validator, authorizer...).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from schemathesis.config import SchemathesisConfig
from schemathesis.config._checks import POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES
from schemathesis.core.transport import Response
from schemathesis.engine import events, from_schema
from schemathesis.reporting.junitxml import JunitXmlWriter
from schemathesis.reporting.recorders import grouped_failures_from_recorder

from emulator.app import Emulator
from emulator.contract import DEFAULT_MAX_EXAMPLES, PHASES
from emulator.contract.schema import load_schema
from emulator.contract.targets import ContractTarget
from emulator.gateway_responses import LAYER_HEADER

logger = logging.getLogger(__name__)

#: On by default in schemathesis but contrary to API Gateway's documented answers.
OFF_BY_DEFAULT = ("unsupported_method",)
_REQUEST_ID_HEADERS = ("x-amzn-requestid", "apigw-requestid")


@dataclass(frozen=True)
class RunOptions:
    max_examples: int = DEFAULT_MAX_EXAMPLES
    phases: tuple[str, ...] = PHASES
    #: ``None``: every default check; else exactly these (``all`` = every check there is).
    checks: tuple[str, ...] | None = None
    seed: int | None = None
    max_failures: int | None = None


@dataclass(frozen=True)
class ContractFailure:
    """One failed case: what broke, and how to send the same request again."""

    api: str
    operation: str
    checks: tuple[str, ...]
    titles: tuple[str, ...]
    messages: tuple[str, ...]
    curl: str | None
    status: int | None
    request_id: str | None
    layer: str | None


@dataclass
class ContractResult:
    api: str
    spec: Path
    failures: list[ContractFailure] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    cases: int = 0
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.failures and not self.errors


def schemathesis_config(target: ContractTarget, options: RunOptions) -> SchemathesisConfig:
    """The engine configuration for one target (built as schemathesis' own TOML would be)."""
    checks: dict[str, Any]
    if options.checks is None:
        checks = {name: {"enabled": False} for name in OFF_BY_DEFAULT}
    elif "all" in options.checks:
        checks = {}
    else:
        from schemathesis.checks import CHECKS

        checks = {name: {"enabled": name in options.checks} for name in CHECKS.get_all_names()}
    data: dict[str, Any] = {
        # A gate must not fail because a shared CI machine generated data slowly.
        "suppress-health-check": ["too_slow"],
        "phases": {phase: {"enabled": phase in options.phases} for phase in PHASES},
        "generation": {"max-examples": options.max_examples},
        "checks": checks,
        "operations": [
            {"include-operation-id": operation_id,
             "checks": {"positive_data_acceptance": {"expected-statuses": [
                 *POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES, *map(str, statuses)]}}}
            for operation_id, statuses in target.expected_statuses.items()
        ],
    }
    if options.seed is not None:
        data["seed"] = options.seed
    if options.max_failures is not None:
        data["max-failures"] = options.max_failures
    return SchemathesisConfig.from_dict(data)


def run_contract(emulator: Emulator, target: ContractTarget, options: RunOptions, *,
                 junit: JunitXmlWriter | None = None,
                 on_failure: Callable[[ContractFailure], None] | None = None) -> ContractResult:
    """Run every phase against ``target``; failures are collected, never raised."""
    schema = load_schema(emulator, target, schemathesis_config(target, options))
    result = ContractResult(api=target.api_logical_id, spec=target.spec_path)
    started = time.perf_counter()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            result.cases += len(event.recorder.cases)
            if junit is not None:
                junit.write(event.recorder, event.elapsed_time, status=event.status)
            for failure in _failures(target.api_logical_id, event):
                result.failures.append(failure)
                if on_failure is not None:
                    on_failure(failure)
        elif isinstance(event, events.NonFatalError):
            result.errors.append(f"{event.label}: {event.info.format(base_url_is_set=True)}")
        elif isinstance(event, events.FatalError):
            result.errors.append(f"fatal: {event.exception}")
    result.seconds = time.perf_counter() - started
    return result


def _failures(api: str, event: events.ScenarioFinished) -> list[ContractFailure]:
    found = []
    for group in grouped_failures_from_recorder(event.recorder):
        case = event.recorder.cases.get(group.case_id or "")
        operation = case.value.operation.label if case is not None else event.recorder.label
        response = group.response
        found.append(ContractFailure(
            api=api, operation=operation,
            checks=tuple(sorted({node.name for node in event.recorder.checks.get(
                group.case_id or "", ()) if node.failure_info is not None})),
            titles=tuple(f.title for f in group.failures),
            messages=tuple(f.message for f in group.failures),
            curl=group.code_sample, status=response.status_code if response else None,
            request_id=_header(response, *_REQUEST_ID_HEADERS),
            layer=_header(response, LAYER_HEADER.lower())))
    return found


def _header(response: Response | None, *names: str) -> str | None:
    if response is None:
        return None
    lowered = {key.lower(): value for key, value in response.headers.items()}
    for name in names:
        values = lowered.get(name)
        if values:
            return str(values[0])
    return None


def passed_all(results: Sequence[ContractResult]) -> bool:
    return all(result.passed for result in results)

