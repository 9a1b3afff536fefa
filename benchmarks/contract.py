"""Contract kit costs: response validation per request, and schemathesis cases per second
in-process (WSGI) versus over loopback HTTP against ``python -m emulator serve``.

    python benchmarks/contract.py validation --requests 500
    python benchmarks/contract.py throughput --max-examples 25

validation: Gabi Yoga's GET /classes?date=2026-03-02 (two classes) and GET /blog?limit=10
(three posts) through the in-process gateway, rounds interleaved with and without
``--validate-responses``; plus the validator alone on the same responses.
throughput: the same schemathesis fuzzing run (fixed seed) of tests/apps/contract_faults'
POST /echo (a trivial handler, so the transport and the gateway dominate), once
in-process and once against a served copy (a separate process) over loopback HTTP.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from emulator.contract.diff_load import load_spec  # noqa: E402
from emulator.contract.response_validation import ResponseValidator  # noqa: E402
from emulator.testing import start_emulator  # noqa: E402

GABI = ROOT / "handlers" / "gabi_yoga" / "template.yaml"
FAULTS = ROOT / "tests" / "apps" / "contract_faults"


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _fast_clock() -> Callable[[], float]:
    """A second passes per reading: the stage throttle (100 rps) never answers 429 here."""
    ticks = itertools.count()
    return lambda: time.time() + next(ticks)


def validation(requests: int) -> None:
    with start_emulator(GABI, clock=_fast_clock()) as emulator:
        gateway = emulator.gateways["GabiYogaApi"]
        validator = ResponseValidator(load_spec(str(ROOT / "openapi" / "gabi_yoga.yaml")))
        client = emulator.client()
        routes: dict[str, Callable[[], object]] = {
            "GET /classes": lambda: client.get("/classes", query={"date": "2026-03-02"}),
            "GET /blog": lambda: client.get("/blog", query={"limit": "10"}),
        }
        for call in routes.values():  # cold starts out of the way
            response = call()
            assert getattr(response, "status_code", None) == 200, response
        print("| route | without ms | with ms | added ms | validator alone ms |")
        print("|---|---|---|---|---|")
        for name, call in routes.items():
            plain: list[float] = []
            checked: list[float] = []
            for _round in range(10):
                for samples, check in ((plain, None), (checked, validator.check)):
                    gateway.response_check = check
                    for _ in range(requests // 10):
                        started = time.perf_counter()
                        call()
                        samples.append(time.perf_counter() - started)
            gateway.response_check = None
            alone = _validator_alone(emulator, validator, name, requests)
            print(f"| {name} | {_median_ms(plain):.3f} | {_median_ms(checked):.3f} | "
                  f"{_median_ms(checked) - _median_ms(plain):.3f} | {alone:.3f} |")


def _validator_alone(emulator: object, validator: ResponseValidator, name: str,
                     requests: int) -> float:
    """The validator on a recorded (request, match, response), no gateway around it."""
    captured: list[tuple[object, object, object]] = []
    from emulator.testing import TestEmulator

    assert isinstance(emulator, TestEmulator)
    gateway = emulator.gateways["GabiYogaApi"]

    def record(request, match, response, request_id):  # type: ignore[no-untyped-def]
        captured.append((request, match, response))
        return response

    gateway.response_check = record
    client = emulator.client()
    if name == "GET /classes":
        client.get("/classes", query={"date": "2026-03-02"})
    else:
        client.get("/blog", query={"limit": "10"})
    gateway.response_check = None
    request, match, response = captured[0]
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        found = validator.violations(request, match, response)  # type: ignore[arg-type]
        samples.append(time.perf_counter() - started)
        assert not found, found
    return _median_ms(samples)


def throughput(max_examples: int) -> None:
    import schemathesis
    from schemathesis.engine import events, from_schema

    from emulator.contract.runner import RunOptions, schemathesis_config
    from emulator.contract.schema import load_schema
    from emulator.contract.targets import discover_targets
    from tests.e2e.conftest import start_serve, stop_serve

    options = RunOptions(max_examples=max_examples, seed=1, phases=("fuzzing",))

    def run(schema: Any) -> tuple[int, float]:
        cases = 0
        started = time.perf_counter()
        for event in from_schema(schema.include(path="/echo")).execute():
            if isinstance(event, events.ScenarioFinished):
                cases += len(event.recorder.cases)
        return cases, time.perf_counter() - started

    with start_emulator(FAULTS / "template.yaml") as emulator:
        target = discover_targets(emulator)[0]
        assert emulator.client().get("/health").status_code == 200  # warm
        in_process = run(load_schema(emulator, target, schemathesis_config(target, options)))
    served = start_serve(FAULTS / "template.yaml")
    try:
        assert requests.get(f"{served.origin}/Prod/health", timeout=10).status_code == 200
        schema = schemathesis.openapi.from_path(FAULTS / "openapi.yaml",
                                                config=schemathesis_config(target, options))
        schema.config.update(base_url=f"{served.origin}/Prod")
        loopback = run(schema)
    finally:
        stop_serve(served.process)
    print("| transport | cases | seconds | cases/s |")
    print("|---|---|---|---|")
    for name, (count, seconds) in (("in-process (WSGI)", in_process),
                                   ("loopback HTTP to serve", loopback)):
        print(f"| {name} | {count} | {seconds:.2f} | {count / seconds:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="which", required=True)
    commands.add_parser("validation").add_argument("--requests", type=int, default=500)
    commands.add_parser("throughput").add_argument("--max-examples", type=int, default=25)
    args = parser.parse_args()
    if args.which == "validation":
        validation(args.requests)
    else:
        throughput(args.max_examples)


if __name__ == "__main__":
    main()
