"""Signature Version 4 of a request to an ``execute-api`` endpoint: read it, then check it.

Copies SigV4 as AWS documents it for signed requests
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-authentication-methods.html):

* the signature travels in the ``Authorization`` header
  (``AWS4-HMAC-SHA256 Credential=AKID/YYYYMMDD/REGION/execute-api/aws4_request,
  SignedHeaders=host;x-amz-date, Signature=<hex>``, time in ``X-Amz-Date`` or ``Date``) or
  in the query string of a presigned URL (``X-Amz-Algorithm``, ``X-Amz-Credential``,
  ``X-Amz-Date``, ``X-Amz-Expires``, ``X-Amz-SignedHeaders``, ``X-Amz-Signature``); temporary
  credentials add ``X-Amz-Security-Token``;
* the canonical request is the method, the path as sent encoded once more (every service but
  S3), the query parameters sorted and RFC 3986-encoded (a presigned URL's
  ``X-Amz-Signature`` left out), the signed headers (lowercase names, values trimmed,
  repeated ones joined with commas) and the payload's SHA-256 (or ``X-Amz-Content-SHA256``);
* the credential scope must name this region and ``execute-api``, and its date the
  timestamp's; a header-signed request must be within 5 minutes of the server's clock, a
  presigned URL is good from its timestamp until ``X-Amz-Expires`` seconds later.

The arithmetic is botocore's ``SigV4Auth`` (the signer of the AWS SDK for Python), fed the
request exactly as it arrived; signatures are compared in constant time. The messages are
the ones API Gateway answers with (``IncompleteSignatureException``,
``InvalidSignatureException``), including the canonical string and string-to-sign a
mismatch reports, which are what one needs to debug a client's signer.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Literal
from urllib.parse import quote, unquote

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest, HTTPHeaders
from botocore.credentials import Credentials

from emulator.http import HttpRequest

logger = logging.getLogger(__name__)

ALGORITHM = "AWS4-HMAC-SHA256"
SERVICE = "execute-api"
#: How far a header-signed request's time may be from the server's, either way.
MAX_SKEW = timedelta(minutes=5)
#: The longest validity a presigned URL may ask for (7 days).
MAX_EXPIRES_S = 604800
_TIME_FORMAT = "%Y%m%dT%H%M%SZ"

Problem = Literal["missing", "incomplete", "invalid", "expired"]


class SignatureError(Exception):
    """Why a request is not validly signed; ``problem`` picks API Gateway's answer."""

    def __init__(self, problem: Problem, message: str) -> None:
        super().__init__(message)
        self.problem = problem
        self.message = message


@dataclass(frozen=True)
class SignedRequest:
    """What a request says about its signature (nothing checked yet but the syntax)."""

    access_key_id: str
    scope_date: str
    region: str
    service: str
    terminator: str
    signed_headers: tuple[str, ...]
    signature: str
    timestamp: str
    session_token: str | None
    #: Presigned URLs only: seconds of validity from ``timestamp``.
    expires_s: int | None

    @property
    def presigned(self) -> bool:
        return self.expires_s is not None


def read_signature(request: HttpRequest) -> SignedRequest:
    """The request's SigV4 fields; :class:`SignatureError` when absent or malformed."""
    query = _query_pairs(request.raw_query)
    names = {name for name, _ in query}
    if "X-Amz-Algorithm" in names or "X-Amz-Signature" in names:
        return _from_query(dict(query))
    authorization = request.header("Authorization")
    if authorization is None:
        raise SignatureError("missing", "Missing Authentication Token")
    return _from_header(authorization, request)


def _from_header(value: str, request: HttpRequest) -> SignedRequest:
    algorithm, _, rest = value.strip().partition(" ")
    if algorithm != ALGORITHM:
        digest = base64.b64encode(hashlib.sha256(value.encode()).digest()).decode()
        raise SignatureError("incomplete", "Invalid key=value pair (missing equal-sign) in "
                             "Authorization header (hashed with SHA-256 and encoded with "
                             f"Base64): '{digest}'.")
    fields: dict[str, str] = {}
    for part in rest.split(","):
        name, equals, field_value = part.strip().partition("=")
        if not equals:
            digest = base64.b64encode(hashlib.sha256(value.encode()).digest()).decode()
            raise SignatureError("incomplete", "Invalid key=value pair (missing equal-sign) in "
                                 "Authorization header (hashed with SHA-256 and encoded with "
                                 f"Base64): '{digest}'.")
        fields[name] = field_value
    timestamp = request.header("X-Amz-Date") or _from_http_date(request.header("Date"))
    missing = [f"Authorization header requires '{name}' parameter."
               for name in ("Credential", "Signature", "SignedHeaders") if not fields.get(name)]
    if timestamp is None:
        missing.append("Authorization header requires existence of either a 'X-Amz-Date' or "
                       "a 'Date' header.")
    if missing:
        raise SignatureError("incomplete", " ".join(missing) + f" Authorization={algorithm}")
    assert timestamp is not None
    return _signed(fields["Credential"], fields["SignedHeaders"], fields["Signature"],
                   timestamp, request.header("X-Amz-Security-Token"), None)


def _from_query(query: dict[str, str]) -> SignedRequest:
    if query.get("X-Amz-Algorithm") != ALGORITHM:
        raise SignatureError("incomplete", "X-Amz-Algorithm only supports 'AWS4-HMAC-SHA256'")
    required = ("X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date",
                "X-Amz-Expires")
    missing = [f"AWS query-string parameters must include '{name}'." for name in required
               if not query.get(name)]
    if missing:
        raise SignatureError("incomplete", " ".join(missing) + " Re-examine the query-string "
                             "parameters.")
    try:
        expires_s = int(query["X-Amz-Expires"])
    except ValueError:
        raise SignatureError("incomplete", "X-Amz-Expires should be a number") from None
    if not 0 <= expires_s <= MAX_EXPIRES_S:
        raise SignatureError("incomplete", "X-Amz-Expires must be non-negative and less than "
                             f"{MAX_EXPIRES_S} seconds")
    return _signed(query["X-Amz-Credential"], query["X-Amz-SignedHeaders"],
                   query["X-Amz-Signature"], query["X-Amz-Date"],
                   query.get("X-Amz-Security-Token"), expires_s)


def _signed(credential: str, signed_headers: str, signature: str, timestamp: str,
            token: str | None, expires_s: int | None) -> SignedRequest:
    parts = credential.split("/")
    if len(parts) != 5 or not parts[0]:
        raise SignatureError("incomplete", f"Credential should be of the form "
                             f"'AKID/YYYYMMDD/REGION/SERVICE/aws4_request', not '{credential}'.")
    access_key_id, scope_date, region, service, terminator = parts
    return SignedRequest(access_key_id, scope_date, region, service, terminator,
                         tuple(name.strip().lower() for name in signed_headers.split(";")),
                         signature.strip(), timestamp, token, expires_s)


def _from_http_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).astimezone(UTC).strftime(_TIME_FORMAT)
    except (TypeError, ValueError):
        return None


def check_scope(signed: SignedRequest, *, region: str, now: datetime) -> None:
    """The credential scope and the time window; :class:`SignatureError` when off."""
    if signed.terminator != "aws4_request":
        raise SignatureError("invalid", "Credential should be scoped with a valid terminator: "
                             f"'aws4_request', not '{signed.terminator}'. ")
    if signed.service != SERVICE:
        raise SignatureError("invalid", "Credential should be scoped to correct service: "
                             f"'{SERVICE}'. ")
    if signed.region != region:
        raise SignatureError("invalid", "Credential should be scoped to a valid region. ")
    try:
        moment = datetime.strptime(signed.timestamp, _TIME_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise SignatureError("incomplete", f"Date must be in ISO-8601 'basic format'. Got "
                             f"'{signed.timestamp}'. See "
                             "http://en.wikipedia.org/wiki/ISO_8601") from None
    if signed.scope_date != signed.timestamp[:8]:
        raise SignatureError("invalid", "Date in Credential scope does not match YYYYMMDD "
                             f"from ISO-8601 version of date from HTTP: '{signed.scope_date}' "
                             f"!= '{signed.timestamp[:8]}', from '{signed.timestamp}'.")
    stamp = now.strftime(_TIME_FORMAT)
    if signed.expires_s is not None:
        if now < moment - MAX_SKEW:
            raise SignatureError("expired", f"Request is not yet valid: {signed.timestamp} is "
                                 f"later than {stamp}")
        if now > moment + timedelta(seconds=signed.expires_s):
            oldest = (now - timedelta(seconds=signed.expires_s)).strftime(_TIME_FORMAT)
            raise SignatureError("expired", f"Signature expired: {signed.timestamp} is now "
                                 f"earlier than {oldest} ({stamp} - {signed.expires_s} sec.)")
        return
    if moment < now - MAX_SKEW:
        raise SignatureError("expired", f"Signature expired: {signed.timestamp} is now earlier "
                             f"than {(now - MAX_SKEW).strftime(_TIME_FORMAT)} ({stamp} - 5 min.)")
    if moment > now + MAX_SKEW:
        raise SignatureError("expired", f"Signature not yet current: {signed.timestamp} is "
                             f"still later than {(now + MAX_SKEW).strftime(_TIME_FORMAT)} "
                             f"({stamp} + 5 min.)")


def check_signature(signed: SignedRequest, request: HttpRequest, *, path: str,
                    secret_access_key: str) -> None:
    """Recompute the signature of ``request`` (``path``: as sent, stage included) with
    ``secret_access_key``; :class:`SignatureError` when it differs from the one sent."""
    verifier = _Verifier(signed, request, secret_access_key)
    aws_request = AWSRequest(method=request.method, url=f"http://{request.host}{path}",
                             data=request.body)
    aws_request.context["timestamp"] = signed.timestamp
    content_hash = request.header("X-Amz-Content-SHA256")
    if content_hash is not None:
        aws_request.headers["X-Amz-Content-SHA256"] = content_hash
    canonical = verifier.canonical_request(aws_request)
    string_to_sign = verifier.string_to_sign(aws_request, canonical)
    expected = verifier.signature(string_to_sign, aws_request)
    if not hmac.compare_digest(expected.encode(), signed.signature.encode()):
        raise SignatureError("invalid", "The request signature we calculated does not match "
                             "the signature you provided. Check your AWS Secret Access Key and "
                             "signing method. Consult the service documentation for details."
                             f"\n\nThe Canonical String for this request should have been\n"
                             f"'{canonical}'\n\nThe String-to-Sign should have been\n"
                             f"'{string_to_sign}'\n")


def canonical_query(raw_query: str, *, drop_signature: bool) -> str:
    """SigV4's canonical query string of ``raw_query`` as it arrived."""
    pairs = [(quote(unquote(key), safe="-_.~"), quote(unquote(value), safe="-_.~"))
             for key, value in _raw_pairs(raw_query)
             if not (drop_signature and unquote(key) == "X-Amz-Signature")]
    return "&".join(f"{key}={value}" for key, value in sorted(pairs))


def _raw_pairs(raw_query: str) -> list[tuple[str, str]]:
    pairs = []
    for item in raw_query.split("&"):
        if item:
            key, _, value = item.partition("=")
            pairs.append((key, value))
    return pairs


def _query_pairs(raw_query: str) -> list[tuple[str, str]]:
    return [(unquote(key), unquote(value)) for key, value in _raw_pairs(raw_query)]


class _Verifier(SigV4Auth):  # type: ignore[misc]  # botocore is untyped
    """botocore's signer, told which headers and query the client signed."""

    def __init__(self, signed: SignedRequest, request: HttpRequest, secret: str) -> None:
        super().__init__(Credentials(signed.access_key_id, secret, signed.session_token),
                         signed.service, signed.region)
        self._signed = signed
        self._request = request

    def headers_to_sign(self, request: AWSRequest) -> HTTPHeaders:
        wanted = set(self._signed.signed_headers)
        headers = HTTPHeaders()
        for name, value in self._request.headers:
            if name.lower() in wanted:
                headers[name.lower()] = value
        return headers

    def canonical_query_string(self, request: AWSRequest) -> str:
        return canonical_query(self._request.raw_query, drop_signature=self._signed.presigned)
