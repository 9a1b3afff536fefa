"""``serve`` start-up time and memory: the full system, and growth with the number of functions.

Each measurement starts ``python -m emulator serve`` as a fresh process (loadtests.serving)
and times, from just before the process is spawned:

- listening: ``GET /_emulator/info`` answers (template loaded, SAM transform, moto resources
  provisioned, seed loaded, every API compiled and listening);
- first 200: the first request through an API answers 200, including that function's cold
  start;

then reads the server's resident memory (``VmRSS`` in ``/proc/<pid>/status``). For the
generated templates (N functions, each its own route ``GET /f{i}`` on one REST API, one
shared ``CodeUri`` whose handler imports only ``json``) it also invokes every function once
and reads RSS again: what N warm execution environments cost.

Usage: python benchmarks/startup.py [--runs 3] [--functions 10 100 500]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loadtests import serving  # noqa: E402

HANDLER = '''import json


def handler(event, context):
    return {"statusCode": 200, "body": json.dumps({"path": event["path"]})}
'''


def generate(folder: Path, functions: int) -> Path:
    """A SAM template with ``functions`` functions, each behind ``GET /f{i}``."""
    (folder / "src").mkdir(parents=True, exist_ok=True)
    (folder / "src" / "app.py").write_text(HANDLER, encoding="utf-8")
    resources = {
        f"Fn{index}": {"Type": "AWS::Serverless::Function",
                       "Properties": {"Events": {"Api": {"Type": "Api", "Properties": {
                           "Path": f"/f{index}", "Method": "get"}}}}}
        for index in range(functions)}
    template = {"AWSTemplateFormatVersion": "2010-09-09",
                "Transform": "AWS::Serverless-2016-10-31",
                "Globals": {"Function": {"Runtime": "python3.11", "CodeUri": "src/",
                                         "Handler": "app.handler", "Timeout": 5}},
                "Resources": resources}
    path = folder / "template.yaml"
    path.write_text(yaml.safe_dump(template, sort_keys=False), encoding="utf-8")
    return path


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def first_200(url: str, deadline_s: float = 60) -> None:
    end = time.monotonic() + deadline_s
    while requests.get(url, timeout=30).status_code != 200:
        if time.monotonic() > end:
            raise RuntimeError(f"{url} never answered 200")
        time.sleep(0.02)


def measure(template: Path, first_path: str, api: str,
            every_path: list[str] | None = None) -> dict[str, float]:
    log = Path(tempfile.mkstemp(prefix="bench-startup-", suffix=".log")[1])
    began = time.perf_counter()
    served = serving.start(template, log, timeout_s=600)
    try:
        listening = time.perf_counter() - began
        base = served.apis()[api]
        first_200(base + first_path)
        row = {"listening_s": listening, "first_200_s": time.perf_counter() - began,
               "rss_mib": rss_mib(served.process.pid)}
        if every_path is not None:
            tick = time.perf_counter()
            for path in every_path:
                response = requests.get(base + path, timeout=30)
                if response.status_code != 200:
                    raise RuntimeError(f"{path}: {response.status_code}")
            row["invoke_all_s"] = time.perf_counter() - tick
            row["rss_all_warm_mib"] = rss_mib(served.process.pid)
        return row
    finally:
        served.stop()
        log.unlink()


def median_row(rows: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(row[key] for row in rows) for key in rows[0]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--functions", type=int, nargs="+", default=[10, 100, 500])
    args = parser.parse_args()

    full = median_row([measure(ROOT / "template.yaml", "/classes?date=2026-03-02",
                               "GabiYoga/GabiYogaApi") for _ in range(args.runs)])
    print(f"Full system (root template.yaml), median of {args.runs} fresh starts\n")
    print("| listening s | first 200 s (GET /classes) | RSS MiB |")
    print("|---|---|---|")
    print(f"| {full['listening_s']:.2f} | {full['first_200_s']:.2f} | {full['rss_mib']:.0f} |")

    print(f"\nGenerated templates, median of {args.runs} fresh starts\n")
    print("| functions | listening s | first 200 s | RSS MiB after start | "
          "invoke all once s | RSS MiB all warm |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="bench-functions-") as tmp:
        for count in args.functions:
            template = generate(Path(tmp) / f"n{count}", count)
            row = median_row([measure(template, "/f0", "ServerlessRestApi",
                                      [f"/f{i}" for i in range(count)])
                              for _ in range(args.runs)])
            print(f"| {count} | {row['listening_s']:.2f} | {row['first_200_s']:.2f} | "
                  f"{row['rss_mib']:.0f} | {row['invoke_all_s']:.2f} | "
                  f"{row['rss_all_warm_mib']:.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
