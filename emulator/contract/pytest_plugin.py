"""Contract tests in users' own pytest suites, against the emulator in-process.

    from emulator.testing import contract_schema

    schema = contract_schema("openapi/orders.yaml")      # template.yaml found upward

    @schema.parametrize()
    def test_orders_api_keeps_its_contract(case):
        case.call_and_validate()                          # WSGI, no socket

The spec is loaded at import (so ``parametrize`` sees its operations); an autouse fixture
of the module starts the emulator before the module's first test and stops it after the
last. Cases carry the system's credentials from ``Metadata.Emulator.Contract`` (see
:mod:`emulator.contract.targets`) and ``call_and_validate`` runs the same checks as
``python -m emulator contract``. (schemathesis' own lazy ``from_fixture`` schema is not
used: with pytest 9 it fails on ``Function._nodeid``.)
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from emulator.config import Settings
from emulator.contract.runner import RunOptions, schemathesis_config
from emulator.contract.schema import DeferredWsgiApp, InProcessSchema, bind_schema, load_unbound
from emulator.contract.targets import ContractTarget, target_for_spec
from emulator.errors import EmulatorError

TEMPLATE_NAMES = ("template.yaml", "template.yml", "template.json")


def find_template(start: Path) -> Path:
    """The nearest SAM template at or above ``start`` (as ``sam`` looks in the cwd)."""
    for folder in (start, *start.parents):
        for name in TEMPLATE_NAMES:
            if (folder / name).is_file():
                return folder / name
    raise EmulatorError(f"no {' / '.join(TEMPLATE_NAMES)} at or above {start}; pass template=")


def contract_schema(spec: str | Path, *, template: str | Path | None = None,
                    api: str | None = None, settings: Settings | None = None,
                    max_examples: int | None = None,
                    caller_globals: dict[str, Any] | None = None) -> InProcessSchema:
    """A schemathesis schema for ``spec`` whose cases run against ``template`` in-process.

    Call it at module level: it also defines, in the calling module, the module-scoped
    autouse fixture that starts the emulator before the module's first test, binds the
    schema to it (app, serve URL, credentials, accepted statuses) and stops it after the
    module. ``spec`` and ``template`` are relative to the calling file's folder or absolute;
    the template defaults to the nearest one at or above the spec's folder.
    """
    caller = caller_globals if caller_globals is not None else sys._getframe(1).f_globals
    base = Path(str(caller.get("__file__", "."))).resolve().parent
    spec_path = _resolve(base, spec)
    if not spec_path.is_file():
        raise EmulatorError(f"contract_schema: no such spec {spec_path}")
    template_path = _resolve(base, template) if template is not None else find_template(
        spec_path.parent)
    options = RunOptions() if max_examples is None else RunOptions(max_examples=max_examples)
    schema = load_unbound(spec_path, schemathesis_config(ContractTarget("", spec_path), options))
    digest = hashlib.sha1(f"{spec_path}|{template_path}|{api}".encode()).hexdigest()[:10]
    name = f"emulator_contract_{digest}"

    @pytest.fixture(scope="module", autouse=True, name=name)
    def _emulator_for_contract() -> Iterator[None]:
        from emulator.testing import start_emulator

        with start_emulator(template_path, settings=settings) as emulator:
            target = target_for_spec(emulator, spec_path, api)
            bind_schema(schema, emulator, target, schemathesis_config(target, options))
            yield
            assert isinstance(schema.app, DeferredWsgiApp)
            schema.app.target = None

    caller[name] = _emulator_for_contract
    return schema


def _resolve(base: Path, path: str | Path) -> Path:
    candidate = Path(path)
    if candidate.is_absolute():
        return candidate
    local = base / candidate
    return local.resolve() if local.exists() else candidate.resolve()
