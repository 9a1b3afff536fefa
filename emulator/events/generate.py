"""``generate-event``: sample events for every source, like ``sam local generate-event``.

API Gateway events are built by the same code the gateway uses for real requests (a
one-route API is compiled for the occasion), so a generated event is exactly what a
served request would produce. Fields are set with ``--set key=value``; ``header.<Name>``
adds a request header.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from emulator.errors import EmulatorError
from emulator.events import build_event
from emulator.events import records as rec
from emulator.http import HttpRequest
from emulator.routing import Router
from emulator.spec import parse_api
from emulator.stack import ApiConfig, ApiKind

Fields = Mapping[str, str]
Generator = Callable[[Fields, str, str], dict[str, Any]]

_API_DEFAULTS = {"method": "GET", "resource": "/{proxy+}", "path": "/hello/world", "query": "",
                 "body": "", "stage": "", "source_ip": "127.0.0.1"}


def _known(fields: Fields, defaults: Mapping[str, str], source: str) -> dict[str, str]:
    unknown = [k for k in fields if k not in defaults and not k.startswith("header.")]
    if unknown:
        raise EmulatorError(f"{source} has no field {', '.join(unknown)}; "
                            f"fields: {', '.join(sorted(defaults))}, header.<Name>")
    return {**defaults, **fields}


def _api_event(kind: ApiKind, fields: Fields, region: str, account_id: str) -> dict[str, Any]:
    values = _known(fields, _API_DEFAULTS, f"apigateway-{kind.lower()}")
    stage = values["stage"] or ("Prod" if kind == "REST" else "$default")
    method = values["method"].upper()
    function_arn = f"arn:aws:lambda:{region}:{account_id}:function:GeneratedFunction"
    integration = {"type": "aws_proxy", "httpMethod": "POST",
                   "uri": f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/"
                          f"{function_arn}/invocations",
                   "payloadFormatVersion": "1.0" if kind == "REST" else "2.0"}
    definition = {"openapi": "3.0.1", "info": {"title": "generated", "version": "1"},
                  "paths": {values["resource"]: {method.lower(): {
                      "x-amazon-apigateway-integration": integration}}}}
    api = parse_api(ApiConfig(logical_id="GeneratedApi", api_id="1234567890", kind=kind,
                              stage=stage, definition=definition))
    match = Router(api).match(method, values["path"])
    if match is None:
        raise EmulatorError(f"path {values['path']} does not match resource {values['resource']}")
    headers = [("Host", f"1234567890.execute-api.{region}.amazonaws.com"),
               ("User-Agent", "curl/8.5.0"), ("Accept", "*/*")]
    headers += [(k[len("header."):], v) for k, v in values.items() if k.startswith("header.")]
    body = values["body"].encode()
    if body:
        headers.append(("Content-Type", "application/json"))
    request = HttpRequest(method=method, path=values["path"], raw_query=values["query"],
                          headers=tuple(headers), body=body, source_ip=values["source_ip"],
                          host=headers[0][1])
    now = datetime.now(UTC)
    return build_event(request, match, api, request_id=str(uuid.uuid4()),
                       time_epoch_ms=int(now.timestamp() * 1000), account_id=account_id)


def _s3(fields: Fields, region: str, account_id: str) -> dict[str, Any]:
    values = _known(fields, {"bucket": "example-bucket", "key": "uploads/photo.jpg",
                             "event_name": "ObjectCreated:Put", "size": "1024"}, "s3")
    return rec.s3_event(bucket=values["bucket"], key=values["key"], region=region,
                        event_name=values["event_name"], size=int(values["size"]),
                        time=datetime.now(UTC))


def _sqs(fields: Fields, region: str, account_id: str) -> dict[str, Any]:
    values = _known(fields, {"queue": "example-queue", "body": "Hello from SQS!"}, "sqs")
    arn = f"arn:aws:sqs:{region}:{account_id}:{values['queue']}"
    return rec.records([rec.sqs_record(body=values["body"], queue_arn=arn, region=region,
                                       sent_at=datetime.now(UTC))])


def _dynamodb(fields: Fields, region: str, account_id: str) -> dict[str, Any]:
    values = _known(fields, {"table": "example-table", "event_name": "INSERT",
                             "keys": '{"id": {"S": "1"}}',
                             "new_image": '{"id": {"S": "1"}, "name": {"S": "example"}}',
                             "old_image": ""}, "dynamodb-stream")
    now = datetime.now(UTC)
    stream = (f"arn:aws:dynamodb:{region}:{account_id}:table/{values['table']}/stream/"
              f"{now.strftime('%Y-%m-%dT%H:%M:%S.000')}")
    try:
        keys = json.loads(values["keys"])
        new_image = json.loads(values["new_image"]) if values["new_image"] else None
        old_image = json.loads(values["old_image"]) if values["old_image"] else None
    except ValueError as exc:
        raise EmulatorError(f"keys and images must be DynamoDB JSON: {exc}") from exc
    if values["event_name"] == "REMOVE":
        new_image = None
    return rec.records([rec.dynamodb_stream_record(
        event_name=values["event_name"], keys=keys, stream_arn=stream, region=region,
        time=now, sequence_number=1, new_image=new_image, old_image=old_image)])


def _schedule(fields: Fields, region: str, account_id: str) -> dict[str, Any]:
    values = _known(fields, {"rule": "example-schedule"}, "schedule")
    rule_arn = f"arn:aws:events:{region}:{account_id}:rule/{values['rule']}"
    return rec.scheduled_event(rule_arn=rule_arn,
                               account_id=account_id, region=region, time=datetime.now(UTC))


def _sns(fields: Fields, region: str, account_id: str) -> dict[str, Any]:
    values = _known(fields, {"topic": "example-topic", "message": "Hello from SNS!",
                             "subject": ""}, "sns")
    return rec.records([rec.sns_record(
        topic_arn=f"arn:aws:sns:{region}:{account_id}:{values['topic']}",
        message=values["message"], subject=values["subject"] or None, time=datetime.now(UTC))])


GENERATORS: dict[str, Generator] = {
    "apigateway-rest": lambda f, r, a: _api_event("REST", f, r, a),
    "apigateway-http": lambda f, r, a: _api_event("HTTP", f, r, a),
    "s3": _s3,
    "sqs": _sqs,
    "dynamodb-stream": _dynamodb,
    "schedule": _schedule,
    "sns": _sns,
}


def generate_event(source: str, fields: Fields, *, region: str, account_id: str) -> dict[str, Any]:
    try:
        generator = GENERATORS[source]
    except KeyError:
        raise EmulatorError(f"unknown event source {source!r}; one of {', '.join(GENERATORS)}") \
            from None
    return generator(fields, region, account_id)
