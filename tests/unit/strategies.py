"""Builders and hypothesis strategies shared by the gateway-HTTP unit tests."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, quote_plus

from hypothesis import strategies as st

from emulator.http import HttpRequest
from emulator.spec import ApiModel, parse_api
from emulator.stack import ApiConfig, ApiKind

FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:app-Fn-ABC"
URI = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{FUNCTION_ARN}/invocations"


def lambda_integration(version: str | None = None, **extra: Any) -> dict[str, Any]:
    integration: dict[str, Any] = {"type": "aws_proxy", "httpMethod": "POST", "uri": URI}
    if version is not None:
        integration["payloadFormatVersion"] = version
    integration.update(extra)
    return integration


def config(kind: ApiKind, definition: Mapping[str, Any], *, stage: str | None = None,
           binary: tuple[str, ...] = (), cors: Mapping[str, Any] | None = None,
           stage_variables: Mapping[str, str] | None = None) -> ApiConfig:
    return ApiConfig(
        logical_id="Api",
        api_id="abc123defg",
        kind=kind,
        stage=stage or ("Prod" if kind == "REST" else "$default"),
        definition=definition,
        stage_variables=dict(stage_variables or {}),
        binary_media_types=binary,
        cors_configuration=cors,
    )


def routes(kind: ApiKind, paths: Mapping[str, Any], **kwargs: Any) -> ApiModel:
    """An API whose ``paths`` map path -> list of methods (``"ANY"`` allowed)."""
    doc_paths: dict[str, Any] = {}
    for path, methods in paths.items():
        item: dict[str, Any] = {}
        for method in methods:
            key = "x-amazon-apigateway-any-method" if method == "ANY" else method.lower()
            item[key] = {"operationId": f"{method}{path}",
                         "x-amazon-apigateway-integration": lambda_integration()}
        doc_paths[path] = item
    document = {"openapi": "3.0.1", "info": {"title": "t", "version": "1"}, "paths": doc_paths}
    return parse_api(config(kind, document, **kwargs))


def request(method: str = "GET", path: str = "/", *, query: str = "",
            headers: tuple[tuple[str, str], ...] = (), body: bytes = b"",
            host: str = "127.0.0.1:3000", source_ip: str = "127.0.0.1") -> HttpRequest:
    return HttpRequest(method=method, path=path, raw_query=query,
                       headers=(("Host", host), *headers), body=body,
                       source_ip=source_ip, host=host)


# --- strategies -----------------------------------------------------------------------

#: A literal path part as API Gateway allows it (a-zA-Z0-9._-).
_LITERAL_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"
literal_segments = st.text(alphabet=_LITERAL_CHARS, min_size=1, max_size=12)
#: Parameter names.
param_names = st.from_regex(r"[a-z][a-zA-Z0-9]{0,8}", fullmatch=True)
#: A raw (unencoded) path parameter value, any printable text.
param_values = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12)


def encode_segment(value: str) -> str:
    """Percent-encode a value the way a client puts it in one path segment."""
    return quote(value, safe="")


#: Header names: RFC 7230 tokens, mixed case.
header_names = st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,15}", fullmatch=True).filter(
    lambda name: name.lower() not in {"host", "cookie", "content-type", "x-forwarded-for",
                                      "x-forwarded-port", "x-forwarded-proto", "x-amzn-trace-id"})
#: Header values: visible ASCII without surrounding spaces and without commas.
header_values = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126,
                                               blacklist_characters=","), max_size=20)
#: Query pairs as decoded text.
query_pairs = st.lists(st.tuples(st.text(min_size=1, max_size=8), st.text(max_size=8)), max_size=8)


def encode_query(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{quote_plus(k)}={quote_plus(v)}" for k, v in pairs)
