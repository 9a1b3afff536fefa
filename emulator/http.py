"""Framework-free HTTP request/response values and the small parsing rules API Gateway applies.

The gateway (werkzeug side) turns a wire request into an :class:`HttpRequest`; everything in
routing, events, responses and policy works on these values only (a sans-I/O layer, as
werkzeug keeps its own).

AWS behaviour copied here, with where it was checked:

* Query strings are form-decoded (``+`` is a space, ``%2B`` is ``+``), blank values are kept
  (``empty=`` and a bare ``flag`` both give ``""``) - live REST and HTTP API captures in
  hotsock/voker ``vokerhttp/testdata/apigw*-request.json`` and
  https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
* HTTP APIs deliver the path *decoded* (``rawPath`` and ``requestContext.http.path``): a
  ``%3F`` truncates the path at the decoded ``?``, a ``%25`` escape is decoded a second time
  and a request whose second decoding fails is rejected - same live captures
  (``vokerhttp/testdata/ingress-paths.json``). REST APIs keep the path percent-encoded.
* Only the *first* media type of ``Accept`` counts when API Gateway picks a binary
  conversion - https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-payload-encodings-workflow.html
* Request/response times use the CLF form ``09/Apr/2015:12:34:56 +0000`` (English month
  names whatever the process locale) - the payload examples on
  https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import unquote, unquote_plus

logger = logging.getLogger(__name__)

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_HEX = frozenset("0123456789abcdefABCDEF")


class _HeaderLookup:
    """Case-insensitive lookups over an ordered ``headers`` tuple that may repeat names."""

    headers: tuple[tuple[str, str], ...]

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or ``None``."""
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None

    def header_values(self, name: str) -> list[str]:
        """Every value of header ``name`` (case-insensitive), in order."""
        wanted = name.lower()
        return [value for key, value in self.headers if key.lower() == wanted]


@dataclass(frozen=True)
class HttpRequest(_HeaderLookup):
    """A request as the client sent it (REST: the ``/{stage}`` prefix already removed)."""

    method: str
    path: str
    raw_query: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    source_ip: str
    host: str
    protocol: str = "HTTP/1.1"


@dataclass(frozen=True)
class HttpResponse(_HeaderLookup):
    """A response ready for the wire; ``headers`` may repeat a name (``Set-Cookie``)."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def parse_query(raw_query: str) -> list[tuple[str, str]]:
    """Form-decode ``a=1&b=&c`` into ordered pairs, keeping blanks and duplicates."""
    if not raw_query:
        return []
    pairs: list[tuple[str, str]] = []
    for part in raw_query.split("&"):
        if not part:
            continue
        key, sep, value = part.partition("=")
        pairs.append((unquote_plus(key), unquote_plus(value) if sep else ""))
    return pairs


def media_type(content_type: str | None) -> str | None:
    """``"Text/HTML; charset=utf-8"`` -> ``"text/html"``; ``None`` for a missing/blank value."""
    if content_type is None:
        return None
    base = content_type.split(";", 1)[0].strip().lower()
    return base or None


def first_accept_type(accept: str | None) -> str | None:
    """The first media type of an ``Accept`` header, the only one API Gateway honours."""
    if accept is None:
        return None
    return media_type(accept.split(",", 1)[0])


def media_type_matches(candidate: str | None, patterns: Sequence[str]) -> bool:
    """Whether ``candidate`` matches a binaryMediaTypes entry (``a/b``, ``a/*``, ``*/*``)."""
    for pattern in patterns:
        pat = pattern.strip().lower()
        if pat in ("*/*", "*"):
            return True
        if candidate is None:
            continue
        if pat == candidate:
            return True
        if pat.endswith("/*") and candidate.split("/", 1)[0] == pat[:-2]:
            return True
    return False


def split_cookies(values: Iterable[str]) -> list[str]:
    """Split ``Cookie`` header values into ``name=value`` items, dropping empty pieces."""
    cookies: list[str] = []
    for value in values:
        cookies.extend(piece.strip() for piece in value.split(";") if piece.strip())
    return cookies


def _strict_unquote(text: str) -> str | None:
    """Percent-decode ``text``; ``None`` when an escape is malformed (``%zz``, trailing ``%``)."""
    index = text.find("%")
    while index != -1:
        escape = text[index + 1:index + 3]
        if len(escape) != 2 or escape[0] not in _HEX or escape[1] not in _HEX:
            return None
        index = text.find("%", index + 3)
    return unquote(text)


def http_api_decode_path(raw_path: str) -> str | None:
    """The path an HTTP API routes on and reports, or ``None`` when AWS rejects the request.

    Observed on real HTTP APIs: one decoding, truncation at a decoded ``?``, then a second
    decoding (``literal%252Fvalue`` -> ``literal/value``); ``percent%25done`` is rejected
    because ``%do`` is not a valid escape on the second pass.
    """
    once = unquote(raw_path)
    once = once.split("?", 1)[0]
    if "%" not in once:
        return once
    return _strict_unquote(once)


def clf_time(epoch_ms: int) -> str:
    """``1583348638390`` -> ``"04/Mar/2020:19:03:58 +0000"`` (locale-independent)."""
    moment = datetime.fromtimestamp(epoch_ms / 1000, tz=UTC)
    return (
        f"{moment.day:02d}/{_MONTHS[moment.month - 1]}/{moment.year:04d}:"
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d} +0000"
    )


def host_without_port(host: str) -> str:
    """``"api.example.com:3000"`` -> ``"api.example.com"``; IPv6 literals keep their brackets."""
    if host.startswith("["):
        end = host.find("]")
        return host[: end + 1] if end != -1 else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def host_port(host: str, default: int = 80) -> int:
    """The port in a ``Host`` value, or ``default``."""
    tail = host[len(host_without_port(host)):]
    if tail.startswith(":") and tail[1:].isdigit():
        return int(tail[1:])
    return default
