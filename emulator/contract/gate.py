"""The contract regression gate: each ``openapi/*.yaml`` against the merge base with main.

A pull request may not break a published contract: every spec is diffed (see
:mod:`emulator.contract.diff`) against its version at ``git merge-base HEAD origin/main``
(else ``main``). No merge base (a shallow CI clone, a repository without main) or a spec
that is new on this branch is skipped with a note, never failed. Breaking changes made on
purpose are listed, with the reason, in ``openapi/accepted-changes.yaml``.

    python -m emulator.contract.gate [SPEC ...]      # default: openapi/*.yaml
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from emulator.contract.diff import accept, diff_specs, has_breaking, load_acceptances, render
from emulator.contract.diff_load import MissingBase, SpecLoadError, load_spec

_BASES = ("origin/main", "main")
#: Breaking changes reviewed and accepted on purpose, per spec path (see diff.accept).
ACCEPTED = Path("openapi") / "accepted-changes.yaml"


def merge_base() -> str | None:
    for branch in _BASES:
        completed = subprocess.run(["git", "merge-base", "HEAD", branch], capture_output=True,
                                   text=True, check=False)
        if completed.returncode == 0 and completed.stdout.strip():
            return completed.stdout.strip()
    return None


def main(argv: Sequence[str] | None = None) -> int:
    specs = [Path(arg) for arg in (argv if argv is not None else sys.argv[1:])] or sorted(
        spec for spec in Path("openapi").glob("*.yaml") if spec != ACCEPTED)
    base = merge_base()
    if base is None:
        print(f"contract gate skipped: no merge base with {' or '.join(_BASES)} "
              "(shallow clone or no main branch)")
        return 0
    breaking = False
    for spec in specs:
        try:
            old = load_spec(f"git:{base}:{spec.as_posix()}")
        except MissingBase:
            print(f"{spec}: new since {base[:12]}, nothing to compare")
            continue
        try:
            changes = diff_specs(old, load_spec(str(spec)))
            if ACCEPTED.is_file():
                changes = accept(changes, load_acceptances(ACCEPTED, spec.as_posix()))
        except SpecLoadError as exc:
            print(f"{spec}: {exc}")
            return 2
        print(render(changes, "text", f"{spec}@{base[:12]}", str(spec)))
        breaking = breaking or has_breaking(changes)
    return 1 if breaking else 0


if __name__ == "__main__":
    raise SystemExit(main())
