"""``python -m emulator contract``: the command line around :mod:`emulator.contract.runner`.

Exit status: 0 every contract held, 1 a check failed (or schemathesis hit an error),
2 bad arguments, template or spec (printed as one line by :mod:`emulator.cli`).
"""

from __future__ import annotations

import argparse
import logging
import secrets
import sys
from pathlib import Path

from emulator.config import Settings
from emulator.contract import DEFAULT_MAX_EXAMPLES, PHASES
from emulator.errors import EmulatorError

logger = logging.getLogger(__name__)


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--spec", type=Path, default=None,
                        help="OpenAPI file to test (default: every API of the template that "
                             "has one, nested applications included)")
    parser.add_argument("--api", default=None, metavar="LOGICAL_ID",
                        help="API to test (stack-path id, e.g. GabiYoga/GabiYogaApi)")
    parser.add_argument("--max-examples", type=_positive, default=DEFAULT_MAX_EXAMPLES,
                        help=f"examples per operation and phase (default {DEFAULT_MAX_EXAMPLES})")
    parser.add_argument("--phases", type=_phases, default=PHASES,
                        help=f"comma-separated subset of {','.join(PHASES)} (default: all)")
    parser.add_argument("--checks", type=_names, default=None,
                        help="comma-separated schemathesis checks, or 'all' (default: every "
                             "default check except unsupported_method)")
    parser.add_argument("--report", type=Path, default=None, metavar="JUNIT_XML",
                        help="write a JUnit XML report")
    parser.add_argument("--seed", type=int, default=None, help="hypothesis seed")
    parser.add_argument("--max-failures", type=_positive, default=None,
                        help="stop after this many failures")
    parser.add_argument("--log-file", type=Path, default=None,
                        help="write the emulator's and handlers' log lines (INFO) here; the "
                             "console shows warnings and errors only")


def run(args: argparse.Namespace, settings: Settings) -> int:
    # schemathesis takes a second to import: only the contract command pays for it.
    from schemathesis.config import OutputConfig
    from schemathesis.reporting.junitxml import JunitXmlWriter

    from emulator.contract.report import format_failure, format_summary
    from emulator.contract.runner import RunOptions, run_contract
    from emulator.contract.targets import ContractConfigError, discover_targets, target_for_spec
    from emulator.testing import start_emulator

    if args.spec is not None and not args.spec.is_file():
        raise EmulatorError(f"--spec {args.spec}: no such file")
    if args.checks is not None:
        from schemathesis.checks import CHECKS

        known = set(CHECKS.get_all_names())
        unknown = sorted(set(args.checks) - known - {"all"})
        if unknown:
            raise EmulatorError(f"--checks: unknown {', '.join(unknown)}; known: "
                                f"{', '.join(sorted(known))}")
    _quiet_console(args.log_file)
    # A random seed unless given, printed so that any run can be repeated exactly.
    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    options = RunOptions(max_examples=args.max_examples, phases=tuple(args.phases),
                         checks=args.checks, seed=seed, max_failures=args.max_failures)
    junit = (JunitXmlWriter(args.report, config=OutputConfig())
             if args.report is not None else None)
    results = []
    with start_emulator(args.template, settings=settings, seed_dirs=args.seed_dirs) as emulator:
        if args.spec is not None:
            targets = [target_for_spec(emulator, args.spec, args.api)]
        else:
            targets = [t for t in discover_targets(emulator)
                       if args.api is None or t.api_logical_id == args.api]
        if not targets:
            raise ContractConfigError("no API of the template has an OpenAPI file to test"
                                      + (f" named {args.api}" if args.api else ""))
        for target in targets:
            print(f"contract: {target.api_logical_id} against {target.spec_path} "
                  f"({args.max_examples} examples, phases {','.join(args.phases)}, "
                  f"--seed {seed})", file=sys.stderr, flush=True)
            results.append(run_contract(
                emulator, target, options, junit=junit,
                on_failure=lambda failure: print(format_failure(failure) + "\n", flush=True)))
    if junit is not None:
        junit.close()
    for result in results:
        for error in result.errors:
            print(f"ERROR {result.api}: {error}", flush=True)
    print(format_summary(results), flush=True)
    return 0 if all(result.passed for result in results) else 1


def _quiet_console(log_file: Path | None) -> None:
    root = logging.getLogger()
    for handler in root.handlers:
        handler.setLevel(max(handler.level, logging.WARNING))
    if log_file is not None:
        file_handler = logging.FileHandler(log_file, encoding="utf-8")
        file_handler.setFormatter(logging.Formatter(
            "%(asctime)s %(levelname)s %(name)s: %(message)s"))
        file_handler.setLevel(logging.INFO)
        root.addHandler(file_handler)
        root.setLevel(min(root.level, logging.INFO))


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _names(text: str) -> tuple[str, ...]:
    names = tuple(part.strip() for part in text.split(",") if part.strip())
    if not names:
        raise argparse.ArgumentTypeError("name at least one")
    return names


def _phases(text: str) -> tuple[str, ...]:
    phases = _names(text)
    unknown = [phase for phase in phases if phase not in PHASES]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown phase(s) {', '.join(unknown)}; "
                                         f"choose from {','.join(PHASES)}")
    return phases


def add_diff_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("base", help="the published contract: a file or git:REF:path")
    parser.add_argument("new", help="the changed contract: a file or git:REF:path")
    parser.add_argument("--format", dest="output_format", default="text",
                        choices=["text", "markdown", "json"])
    parser.add_argument("--accept", type=Path, default=None, metavar="YAML",
                        help="accepted breaking changes (reviewed on purpose), keyed by the "
                             "NEW spec path as given")
    parser.add_argument("--skip-missing-base", action="store_true",
                        help="exit 0 with a note when BASE is a git:REF:path that does not "
                             "exist (a new spec, or no merge base)")


def run_diff(args: argparse.Namespace) -> int:
    from emulator.contract.diff import accept, diff_specs, has_breaking, load_acceptances, render
    from emulator.contract.diff_load import MissingBase, load_spec

    try:
        base = load_spec(args.base)
    except MissingBase as exc:
        if not args.skip_missing_base:
            raise
        print(f"diff skipped: {exc}", flush=True)
        return 0
    changes = diff_specs(base, load_spec(args.new))
    if args.accept is not None:
        changes = accept(changes, load_acceptances(args.accept, args.new))
    print(render(changes, args.output_format, args.base, args.new), flush=True)
    return 1 if has_breaking(changes) else 0
