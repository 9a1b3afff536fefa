"""How a contract failure names the layer that answered (X-Emulator-Layer)."""

from __future__ import annotations

from emulator.contract.report import format_failure, layer_note
from emulator.contract.runner import ContractFailure


def _failure(check: str, layer: str | None, status: int = 200) -> ContractFailure:
    return ContractFailure(api="Api", operation="POST /things", checks=(check,),
                           titles=("Title",), messages=("line one\nline two",),
                           curl="curl -X POST http://127.0.0.1:3000/Prod/things",
                           status=status, request_id="rid-1", layer=layer)


def test_invalid_data_accepted_by_the_handler_blames_the_missing_validator() -> None:
    note = layer_note(_failure("negative_data_rejection", "handler"))
    assert note == ("the gateway passed the invalid request through (no request validator "
                    "rejected it) and the handler accepted it")


def test_valid_data_refused_by_a_gateway_layer_names_that_layer() -> None:
    assert layer_note(_failure("positive_data_acceptance", "validator", 400)) == (
        "the gateway's validator layer refused schema-valid data")
    assert layer_note(_failure("positive_data_acceptance", "handler", 400)) == (
        "the handler refused schema-valid data")
    assert layer_note(_failure("not_a_server_error", "integration", 502)) == (
        "answered by the gateway's integration layer, not the handler")


def test_a_failure_prints_the_request_id_the_message_and_a_curl_line() -> None:
    text = format_failure(_failure("not_a_server_error", "integration", 502))
    assert text.splitlines() == [
        "FAIL Api POST /things [not_a_server_error] Title",
        "  response 502 - answered by the gateway's integration layer, not the handler",
        "  request id rid-1 (grep the serve log for the handler's lines)",
        "  | line one",
        "  | line two",
        "  reproduce: curl -X POST http://127.0.0.1:3000/Prod/things",
    ]
