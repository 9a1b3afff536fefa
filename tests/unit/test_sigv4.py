"""SigV4 reading and checking (emulator.policy.authorizers.sigv4) against botocore's signer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from hypothesis import given
from hypothesis import strategies as st

from emulator.http import HttpRequest
from emulator.policy.authorizers.sigv4 import (
    SignatureError,
    canonical_query,
    check_scope,
    check_signature,
    read_signature,
)

HOST = "abc123.execute-api.localhost:3000"
KEY, SECRET = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

segments = st.lists(st.text(min_size=1, max_size=6).filter(lambda s: s not in {".", ".."}),
                    min_size=1, max_size=3)
params = st.lists(st.tuples(st.text(min_size=1, max_size=6), st.text(max_size=6)), max_size=4)
bodies = st.binary(max_size=64)
methods = st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH"])


def _encode(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)


def signed_request(method: str, path: str, query: str, body: bytes, *, secret: str = SECRET,
                   region: str = "us-east-1", token: str | None = None,
                   presign_s: int | None = None) -> HttpRequest:
    """What a client signing with botocore would send, as the gateway receives it."""
    url = f"http://{HOST}{path}" + (f"?{query}" if query else "")
    request = AWSRequest(method=method, url=url, data=body, headers={"Host": HOST})
    credentials = Credentials(KEY, secret, token)
    if presign_s is None:
        SigV4Auth(credentials, "execute-api", region).add_auth(request)
    else:
        SigV4QueryAuth(credentials, "execute-api", region, expires=presign_s).add_auth(request)
    sent_path, _, sent_query = request.url.split(HOST, 1)[1].partition("?")
    return HttpRequest(method=method, path=sent_path, raw_query=sent_query,
                       headers=tuple(request.headers.items()), body=body,
                       source_ip="127.0.0.1", host=HOST)


def _check(request: HttpRequest, *, path: str | None = None, secret: str = SECRET) -> None:
    signed = read_signature(request)
    check_scope(signed, region="us-east-1", now=datetime.now(UTC))
    check_signature(signed, request, path=path or request.path, secret_access_key=secret)


@given(methods, segments, params, bodies)
def test_whatever_botocore_signs_verifies(method: str, parts: list[str],
                                          pairs: list[tuple[str, str]], body: bytes) -> None:
    path = "/Prod/" + "/".join(quote(p, safe="") for p in parts)
    _check(signed_request(method, path, _encode(pairs), body))


@given(methods, segments, params, bodies, st.binary(min_size=1, max_size=8))
def test_a_changed_body_fails_with_the_canonical_string_to_debug_with(
        method: str, parts: list[str], pairs: list[tuple[str, str]], body: bytes,
        extra: bytes) -> None:
    path = "/Prod/" + "/".join(quote(p, safe="") for p in parts)
    request = signed_request(method, path, _encode(pairs), body)
    tampered = HttpRequest(method=method, path=request.path, raw_query=request.raw_query,
                           headers=request.headers, body=body + extra, source_ip="127.0.0.1",
                           host=HOST)
    with pytest.raises(SignatureError) as caught:
        _check(tampered)
    assert caught.value.problem == "invalid"
    assert "The Canonical String for this request should have been" in caught.value.message


@given(params)
def test_canonical_query_is_botocores_for_any_parameters(pairs: list[tuple[str, str]]) -> None:
    signer = SigV4Auth(Credentials(KEY, SECRET), "execute-api", "us-east-1")
    assert canonical_query(_encode(pairs), drop_signature=False) == \
        signer._canonical_query_string_params(pairs)


@given(params)
def test_presigned_urls_verify_and_leave_their_signature_out_of_the_canonical_query(
        pairs: list[tuple[str, str]]) -> None:
    request = signed_request("GET", "/Prod/items/1", _encode(pairs), b"", presign_s=60)
    assert read_signature(request).presigned
    _check(request)


def test_a_wrong_secret_or_path_does_not_verify() -> None:
    request = signed_request("GET", "/Prod/items/1", "a=1", b"")
    with pytest.raises(SignatureError):
        _check(request, secret="not-the-secret")
    with pytest.raises(SignatureError):
        _check(request, path="/Prod/items/2")


def test_no_signature_at_all_is_a_missing_token() -> None:
    request = HttpRequest(method="GET", path="/x", raw_query="", headers=(("Host", HOST),),
                          body=b"", source_ip="127.0.0.1", host=HOST)
    with pytest.raises(SignatureError) as caught:
        read_signature(request)
    assert (caught.value.problem, caught.value.message) == ("missing",
                                                            "Missing Authentication Token")


@pytest.mark.parametrize(("authorization", "expected"), [
    ("Bearer abc.def", "Invalid key=value pair (missing equal-sign) in Authorization header"),
    ("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/execute-api/aws4_request",
     "Authorization header requires 'Signature' parameter. Authorization header requires "
     "'SignedHeaders' parameter. Authorization header requires existence of either a "
     "'X-Amz-Date' or a 'Date' header."),
])
def test_a_malformed_authorization_header_says_what_is_missing(authorization: str,
                                                               expected: str) -> None:
    request = HttpRequest(method="GET", path="/x", raw_query="",
                          headers=(("Host", HOST), ("Authorization", authorization)), body=b"",
                          source_ip="127.0.0.1", host=HOST)
    with pytest.raises(SignatureError) as caught:
        read_signature(request)
    assert caught.value.problem == "incomplete"
    assert expected in caught.value.message
    assert "abc.def" not in caught.value.message  # a bearer token is never echoed


def test_scope_must_name_this_region_and_execute_api() -> None:
    signed = read_signature(signed_request("GET", "/Prod/x", "", b"", region="eu-west-1"))
    with pytest.raises(SignatureError, match="scoped to a valid region"):
        check_scope(signed, region="us-east-1", now=datetime.now(UTC))


@pytest.mark.parametrize(("offset", "message"), [
    (timedelta(minutes=6), "Signature expired"),
    (timedelta(minutes=-6), "Signature not yet current"),
])
def test_a_header_signature_is_good_for_five_minutes_either_way(offset: timedelta,
                                                                 message: str) -> None:
    signed = read_signature(signed_request("GET", "/Prod/x", "", b""))
    check_scope(signed, region="us-east-1", now=datetime.now(UTC) + timedelta(minutes=4))
    with pytest.raises(SignatureError, match=message) as caught:
        check_scope(signed, region="us-east-1", now=datetime.now(UTC) + offset)
    assert caught.value.problem == "expired"


def test_a_presigned_url_is_good_until_it_expires() -> None:
    signed = read_signature(signed_request("GET", "/Prod/x", "", b"", presign_s=60))
    check_scope(signed, region="us-east-1", now=datetime.now(UTC) + timedelta(seconds=50))
    with pytest.raises(SignatureError, match="Signature expired"):
        check_scope(signed, region="us-east-1", now=datetime.now(UTC) + timedelta(seconds=70))
