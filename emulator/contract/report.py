"""How a contract failure reads: the check, the layer that answered, a curl line, the id.

The layer comes from the emulator's local-only ``X-Emulator-Layer`` header, so a
``negative_data_rejection`` failure says whether the gateway's request validator let the
bad request through to a handler that accepted it, and a ``positive_data_acceptance``
failure says who refused valid data (validator, authorizer, API key or the handler).
"""

from __future__ import annotations

from collections.abc import Sequence

from emulator.contract.runner import ContractFailure, ContractResult

_MESSAGE_LINES = 6


def layer_note(failure: ContractFailure) -> str:
    """One sentence naming the layer that answered, in terms of the failed check."""
    layer = failure.layer or "unknown layer"
    if "negative_data_rejection" in failure.checks:
        if layer == "handler":
            return ("the gateway passed the invalid request through (no request validator "
                    "rejected it) and the handler accepted it")
        return f"accepted by the gateway's {layer} layer"
    if "positive_data_acceptance" in failure.checks:
        if layer == "handler":
            return "the handler refused schema-valid data"
        return f"the gateway's {layer} layer refused schema-valid data"
    if layer == "handler":
        return "answered by the handler"
    return f"answered by the gateway's {layer} layer, not the handler"


def format_failure(failure: ContractFailure) -> str:
    head = (f"FAIL {failure.api} {failure.operation} [{', '.join(failure.checks)}] "
            f"{'; '.join(failure.titles)}")
    lines = [head]
    status = failure.status if failure.status is not None else "no response"
    lines.append(f"  response {status} - {layer_note(failure)}")
    if failure.request_id:
        lines.append(f"  request id {failure.request_id} (grep the serve log for the "
                     "handler's lines)")
    for message in failure.messages:
        body = [line for line in message.strip().splitlines() if line.strip()]
        lines.extend(f"  | {line}" for line in body[:_MESSAGE_LINES])
        if len(body) > _MESSAGE_LINES:
            lines.append(f"  | ... ({len(body) - _MESSAGE_LINES} more lines)")
    if failure.curl:
        lines.append(f"  reproduce: {failure.curl}")
    return "\n".join(lines)


def format_summary(results: Sequence[ContractResult]) -> str:
    lines = []
    for result in results:
        verdict = "passed" if result.passed else (
            f"{len(result.failures)} failure(s), {len(result.errors)} error(s)")
        lines.append(f"{result.api} against {result.spec}: {result.cases} cases in "
                     f"{result.seconds:.1f} s, {verdict}")
        lines.extend(f"  ERROR {error.strip().splitlines()[0]}" for error in result.errors)
    return "\n".join(lines)
