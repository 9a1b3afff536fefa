"""The input patterns of openapi/gambix_strata.yaml, shared by the handlers.

Each constant is the exact ECMA-262 regex string the contract publishes (tests compare them
with the spec), compiled here with Python semantics made to agree: ``$`` becomes ``\\Z``
(Python's ``$`` also matches before a final newline), and whitespace is spelled out as
``[ \\t\\n\\r\\f\\v]`` because ``\\s`` differs between the two engines (Python's includes
``\\x1c``-``\\x1f``). Values are checked exactly as sent (never stripped), so a value the
schema rejects is also rejected here, and the other way round.
"""

from __future__ import annotations

import re

_EDGE = r"[^ \t\n\r\f\v]"
TRIMMED = rf"^{_EDGE}(?:[\s\S]*{_EDGE})?$"
OPTIONAL_TRIMMED = rf"^(?:{_EDGE}(?:[\s\S]*{_EDGE})?)?$"
#: What Cognito accepts as an email username (ASCII; moto checks the same shape).
EMAIL = r"^[A-Za-z0-9_][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$"
CODE = r"^[0-9]{6}$"
ID = r"^[0-9a-f]{32}$"
#: lambda_common.cursors: base64url(JSON) "." base64url(HMAC-SHA256).
CURSOR = r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$"
_PORT = r"(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})"
#: An http(s) URL with an ASCII host name or IPv4 address, an optional port, printable ASCII.
SITE_URL = (r"^[hH][tT][tT][pP][sS]?://[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.?"
            rf"(?::{_PORT})?(?:[/?#][!-~]*)?$")


def compile_ecma(pattern: str) -> re.Pattern[str]:
    """``pattern`` for ``re.match`` with the meaning it has in JSON Schema."""
    return re.compile(pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern)


TRIMMED_RE = compile_ecma(TRIMMED)
OPTIONAL_TRIMMED_RE = compile_ecma(OPTIONAL_TRIMMED)
EMAIL_RE = compile_ecma(EMAIL)
CODE_RE = compile_ecma(CODE)
ID_RE = compile_ecma(ID)
CURSOR_RE = compile_ecma(CURSOR)
SITE_URL_RE = compile_ecma(SITE_URL)
