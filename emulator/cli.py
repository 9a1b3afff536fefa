"""Command line: ``python -m emulator serve | invoke | generate-event | contract | diff``.

Modelled on SAM CLI (``sam local start-api``, ``sam local invoke``,
``sam local generate-event``: https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/using-sam-cli-local.html)
with one difference that matters: everything runs in one process with moto, so no Docker.
Exit codes: 0 success, 1 the invoked function failed, 2 bad template or arguments.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import FrameType, MappingProxyType
from typing import Any

from emulator import config
from emulator.contract import command as contract_command
from emulator.errors import EmulatorError, FunctionNotFound, TemplateError
from emulator.events.generate import GENERATORS, generate_event

logger = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    _configure_logging(args.log_level)
    try:
        result: int = args.command(args)
    except TemplateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except EmulatorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m emulator",
        description="Local serverless emulator (SAM + API Gateway + Lambda + moto).")
    parser.add_argument("--log-level", default="INFO",
                        choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    commands = parser.add_subparsers(dest="command_name", required=True)

    serve = commands.add_parser("serve", help="serve every API of a template on loopback")
    _template_options(serve)
    serve.add_argument("--host", default=config.DEFAULT_HOST)
    serve.add_argument("--port", type=int, default=config.DEFAULT_PORT,
                       help="port of the first API; each further API takes the next port "
                            "(0: free ports)")
    serve.add_argument("--aws-port", type=int, default=config.DEFAULT_AWS_PORT,
                       help="port of the AWS endpoint (moto) sharing state with the handlers")
    serve.add_argument("--seed", action="append", type=Path, default=None, metavar="DIR",
                       help="seed folder (repeatable); default: the template's "
                            "Metadata.Emulator.Seed, else none")
    serve.add_argument("--validate-responses", action="store_true",
                       help="check every handler response against the API's OpenAPI contract "
                            "(openapi-core) and log each violation")
    serve.add_argument("--strict", action="store_true",
                       help="with --validate-responses: answer 502 with the violation instead")
    serve.set_defaults(command=_serve)

    invoke = commands.add_parser("invoke", help="invoke one function once, like sam local invoke")
    _template_options(invoke)
    invoke.add_argument("function", nargs="?", help="logical id or function name, "
                        "Child/LogicalId for a nested stack's function "
                        "(optional when the template has one function)")
    invoke.add_argument("--event", "-e", default=None,
                        help="event JSON file, or - for standard input (default: {})")
    invoke.add_argument("--seed", action="append", type=Path, default=None, metavar="DIR")
    invoke.set_defaults(command=_invoke)

    contract = commands.add_parser(
        "contract", help="fuzz each API against its OpenAPI contract (schemathesis, in-process)")
    _template_options(contract)
    contract.add_argument("--seed-dir", dest="seed_dirs", action="append", type=Path,
                          default=None, metavar="DIR",
                          help="seed folder (repeatable); default: the template's")
    contract_command.add_options(contract)
    contract.set_defaults(command=_contract)

    diff = commands.add_parser(
        "diff", help="classify the changes between two OpenAPI files (breaking or not)")
    contract_command.add_diff_options(diff)
    diff.set_defaults(command=contract_command.run_diff)

    generate = commands.add_parser("generate-event", help="print a realistic sample event")
    generate.add_argument("source", choices=sorted(GENERATORS))
    generate.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                          help="override a field (see --help-fields); repeatable")
    generate.add_argument("--region", default=config.DEFAULT_REGION)
    generate.add_argument("--account-id", default=config.DEFAULT_ACCOUNT_ID)
    generate.set_defaults(command=_generate)
    return parser


def _template_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--template", "-t", type=Path, default=Path("template.yaml"))
    command.add_argument("--stack-name", default=None)
    command.add_argument("--region", default=config.DEFAULT_REGION)
    command.add_argument("--parameter-overrides", nargs="*", default=[], metavar="KEY=VALUE")


def _settings(args: argparse.Namespace, *, parameter_defaults: Mapping[str, str] | None = None,
              **extra: Any) -> config.Settings:
    overrides: dict[str, str] = dict(parameter_defaults or {})
    for item in args.parameter_overrides:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise EmulatorError(f"--parameter-overrides expects KEY=VALUE, got {item!r}")
        overrides[key.removeprefix("ParameterKey=")] = value.removeprefix("ParameterValue=")
    return config.Settings(region=args.region, stack_name=args.stack_name,
                           parameter_overrides=MappingProxyType(overrides), **extra)


def _serve(args: argparse.Namespace) -> int:
    from emulator.app import Emulator
    from emulator.server import ServerGroup
    from emulator.static_sites import StaticSites, site_specs

    if args.strict and not args.validate_responses:
        raise EmulatorError("--strict needs --validate-responses")
    # Metadata.Emulator.StaticSites: hosted first, so their host:port can fill parameters.
    sites = StaticSites(site_specs(args.template.resolve()), host=args.host)
    try:
        settings = _settings(args, parameter_defaults=sites.parameters(), host=args.host,
                             port=args.port, aws_port=args.aws_port)
        emulator = Emulator(args.template, settings, serve_aws_endpoint=True,
                            seed_dirs=args.seed)
    except BaseException:
        sites.close()
        raise
    emulator.static_sites = sites.urls()
    try:
        if args.validate_responses:
            from emulator.contract.response_validation import enable_response_validation

            validated = enable_response_validation(emulator, strict=args.strict)
            print(f"  Response validation{' (strict)' if args.strict else ''}: "
                  f"{', '.join(validated) or 'no API has an OpenAPI 3 contract'}",
                  file=sys.stderr)
        servers = ServerGroup(emulator, args.host, args.port)
    except BaseException:
        emulator.close()
        sites.close()
        raise
    stopping: list[bool] = []

    def _stop(signum: int, frame: FrameType | None) -> None:
        stopping.append(True)

    signal.signal(signal.SIGTERM, _stop)
    servers.start()
    print(f"Stack {emulator.stack.name} from {emulator.template_path}", file=sys.stderr)
    for api in emulator.info()["apis"]:
        print(f"  {api['type']:4} API {api['logical_id']}: {api['base_url']}", file=sys.stderr)
    print(f"  AWS endpoint: {emulator.aws.endpoint_url}", file=sys.stderr)
    for name, url in emulator.static_sites.items():
        print(f"  Static site {name}: {url}", file=sys.stderr)
    sources = emulator.sources.info()
    if sources:
        kinds = ", ".join(sorted({str(source["kind"]) for source in sources}))
        print(f"  Event sources: {len(sources)} ({kinds})", file=sys.stderr)
    print(f"  Info: http://{args.host}:{servers.ports[0]}/_emulator/info", file=sys.stderr)
    print("Press Ctrl-C to stop.", file=sys.stderr, flush=True)
    try:
        servers.wait(stop=lambda: bool(stopping))
    except KeyboardInterrupt:
        pass
    finally:
        servers.close()
        emulator.close()
        sites.close()
    return 0


def _contract(args: argparse.Namespace) -> int:
    return contract_command.run(args, _settings(args))


def _invoke(args: argparse.Namespace) -> int:
    from emulator.app import Emulator

    event = _read_event(args.event)
    with Emulator(args.template, _settings(args), seed_dirs=args.seed) as emulator:
        logical_id = _function_id(emulator.stack.all_functions, args.function)
        result = emulator.runtime.invoke(logical_id, event)
    if result.error is not None:
        print(json.dumps(result.error.as_payload()))
        return 1
    print(json.dumps(result.payload))
    return 0


def _function_id(functions: Any, name: str | None) -> str:
    """SAM CLI's lookup: the stack-path id (``Child/Function``), else the logical id or the
    function name in any stack; of several matches the first by stack path, with a warning."""
    if name is None:
        if len(functions) == 1:
            return str(next(iter(functions)))
        raise FunctionNotFound(f"name a function, the template has {len(functions)}: "
                               f"{', '.join(sorted(functions))}")
    if name in functions:
        return name
    found = sorted((str(full_id) for full_id, function in functions.items()
                    if name in (full_id.rpartition("/")[2], function.name)), key=str.lower)
    if len(found) > 1:
        logger.warning("Multiple functions found with keyword %s! Function %s will be invoked; "
                       "name one of them by its stack path: %s", name, found[0],
                       ", ".join(found))
    if found:
        return found[0]
    raise FunctionNotFound(f"no function {name!r}; the template has {', '.join(sorted(functions))}")


def _read_event(source: str | None) -> Any:
    if source is None:
        return {}
    text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    try:
        return json.loads(text)
    except ValueError as exc:
        raise EmulatorError(f"event {source} is not valid JSON: {exc}") from exc


def _generate(args: argparse.Namespace) -> int:
    fields: dict[str, str] = {}
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep:
            raise EmulatorError(f"--set expects KEY=VALUE, got {item!r}")
        fields[key] = value
    event = generate_event(args.source, fields, region=args.region, account_id=args.account_id)
    print(json.dumps(event, indent=2))
    return 0


class _LambdaAwareFormatter(logging.Formatter):
    """Function log lines print as they would in CloudWatch, prefixed with the function."""

    def format(self, record: logging.LogRecord) -> str:
        if record.name.startswith("emulator.lambda."):
            return f"[{record.name[len('emulator.lambda.'):]}] {record.getMessage()}"
        return super().format(record)


class _StderrHandler(logging.Handler):
    """Writes to whatever ``sys.stderr`` is at the time (it may be swapped, e.g. by pytest)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
            sys.stderr.flush()
        except (OSError, ValueError):
            self.handleError(record)


def _configure_logging(level: str) -> None:
    handler = _StderrHandler()
    handler.setFormatter(_LambdaAwareFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("botocore", "boto3", "urllib3", "werkzeug", "moto"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
