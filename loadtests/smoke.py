"""A short, bounded load test of every system against a ``serve`` started for it.

    python -m loadtests.smoke                  # every system in loadtests/targets.yaml
    python -m loadtests.smoke --system gabi_yoga --users 10 --run-time 15

Starts ``python -m emulator serve`` on free loopback ports, waits for ``/_emulator/info``,
then for each system with an ``api`` in the targets file runs its locustfile
(``<locustfiles>/<system>.py``) headless against that API's URL, with CSV and HTML reports
in ``--out``, and stops the server. Requests are bounded by users x run time (every user
waits between tasks). Exit status: 0 when every system's gates pass, 1 when one fails,
2 when the server or a locust run could not start.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import yaml

from loadtests import serving

ROOT = Path(__file__).resolve().parent.parent
logger = logging.getLogger(__name__)


class SmokeError(RuntimeError):
    """A system has no API in the served template, or a locust run could not start."""


def systems_of(targets: Path, only: Sequence[str]) -> dict[str, str]:
    """{system: API logical id} from the targets file (systems with an ``api``)."""
    document = yaml.safe_load(targets.read_text(encoding="utf-8")) or {}
    found = {name: str(block["api"]) for name, block in (document.get("systems") or {}).items()
             if block and block.get("api")}
    missing = sorted(set(only) - set(found))
    if missing:
        raise SmokeError(f"{targets}: no system {', '.join(missing)} with an api "
                         f"(systems: {', '.join(sorted(found)) or 'none'})")
    return {name: api for name, api in found.items() if not only or name in only}


def locust_command(locustfile: Path, host: str, *, users: int, spawn_rate: float,
                   run_time_s: int, targets: Path, report_prefix: Path) -> list[str]:
    return [sys.executable, "-m", "locust", "-f", str(locustfile), "--headless",
            "-u", str(users), "-r", str(spawn_rate), "-t", f"{run_time_s}s",
            "--host", host.rstrip("/"), "--targets", str(targets), "--only-summary",
            "--stop-timeout", "5",
            "--csv", str(report_prefix), "--html", f"{report_prefix}.html"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--template", type=Path, default=ROOT / "template.yaml")
    parser.add_argument("--targets", type=Path, default=ROOT / "loadtests" / "targets.yaml")
    parser.add_argument("--locustfiles", type=Path, default=ROOT / "loadtests",
                        help="folder of the <system>.py locustfiles")
    parser.add_argument("--system", action="append", default=[],
                        help="only this system (repeatable; default: all)")
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--spawn-rate", type=float, default=2)
    parser.add_argument("--run-time", type=int, default=15, help="seconds per system")
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "smoke",
                        help="CSV and HTML reports go here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="smoke: %(message)s")

    try:
        systems = systems_of(args.targets, args.system)
        args.out.mkdir(parents=True, exist_ok=True)
        log_path = Path(tempfile.mkstemp(prefix="smoke-serve-", suffix=".log")[1])
        failed: list[str] = []
        served = serving.start(args.template, log_path)
        try:
            apis = served.apis()
            for system, api in systems.items():
                if api not in apis:
                    raise SmokeError(f"{system}: API {api} is not served by {args.template} "
                                     f"(APIs: {', '.join(apis)})")
                command = locust_command(
                    args.locustfiles / f"{system}.py", apis[api], users=args.users,
                    spawn_rate=args.spawn_rate, run_time_s=args.run_time,
                    targets=args.targets, report_prefix=args.out / system)
                logger.info("%s: %s", system, " ".join(command))
                # The run time plus locust's start, stop timeout and reports.
                code = subprocess.run(command, cwd=ROOT, timeout=args.run_time + 90,
                                      env={**os.environ, "PYTHONUNBUFFERED": "1"}).returncode
                if code not in (0, 1):
                    raise SmokeError(f"{system}: locust exited with {code}")
                if code:
                    failed.append(system)
        finally:
            served.stop()
    except (SmokeError, serving.ServeError, OSError, subprocess.TimeoutExpired) as exc:
        logger.error("%s", exc)
        return 2
    logger.info("gates %s%s", "failed: " if failed else "passed",
                ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
