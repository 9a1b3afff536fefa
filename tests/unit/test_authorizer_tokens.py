"""JWT verification, claim formats and the JWKS resolver (pure: keys made here, no moto)."""

from __future__ import annotations

import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import given
from hypothesis import strategies as st
from jwt import PyJWKSet

from emulator.errors import SpecError
from emulator.policy.authorizers.cognito import java_date, pool_of, rest_claim
from emulator.policy.authorizers.jwks import (
    FAILURE_TTL_S,
    KEYS_TTL_S,
    JwksResolver,
    KeysUnavailable,
    cognito_pool,
    moto_key_set,
)
from emulator.policy.authorizers.jwt_authorizer import (
    TokenRejected,
    http_claim,
    strip_bearer,
    token_scopes,
    verify_token,
)

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
NOW = 1_700_000_000.0


def _jwks(key: Any = KEY, kid: str = "k1") -> dict[str, Any]:
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    public.update(kid=kid, alg="RS256", use="sig")
    return {"keys": [public]}


KEYS = PyJWKSet.from_dict(_jwks())


def _token(claims: dict[str, Any] | None = None, *, key: Any = KEY, kid: str = "k1",
           algorithm: str = "RS256") -> str:
    body = {"iss": "https://issuer", "exp": NOW + 60, "iat": NOW - 1}
    body.update(claims or {})
    return jwt.encode(body, key, algorithm=algorithm, headers={"kid": kid})


def test_valid_token_verifies_and_returns_its_claims() -> None:
    claims = verify_token(_token({"sub": "u"}), KEYS, now=NOW)
    assert claims["sub"] == "u"


@pytest.mark.parametrize("token,reason", [
    (_token({"exp": NOW}), "expired"),
    (_token({"exp": NOW - 100}), "expired"),
    (_token({"nbf": NOW + 60}), "nbf"),
    (_token({"iat": NOW + 60}), "iat"),
    (_token(key=OTHER_KEY), "signature"),
    (_token(kid="k2"), "kid"),
    (_token(algorithm="PS256"), "RSA"),
    ("a.b.c", "readable"),
    ("", "readable"),
])
def test_invalid_tokens_are_rejected_with_a_reason(token: str, reason: str) -> None:
    with pytest.raises(TokenRejected, match=reason) as caught:
        verify_token(token, KEYS, now=NOW)
    assert caught.value.expired is (reason == "expired")


def test_a_token_without_exp_or_with_an_hmac_algorithm_is_rejected() -> None:
    no_exp = jwt.encode({"iss": "i"}, KEY, algorithm="RS256", headers={"kid": "k1"})
    with pytest.raises(TokenRejected, match="exp"):
        verify_token(no_exp, KEYS, now=NOW)
    hmac = jwt.encode({"exp": NOW + 60}, "a-secret-that-is-long-enough-for-hs256",
                      algorithm="HS256", headers={"kid": "k1"})
    with pytest.raises(TokenRejected, match="RSA"):
        verify_token(hmac, KEYS, now=NOW)


def test_small_clock_skew_on_iat_is_tolerated() -> None:
    assert verify_token(_token({"iat": NOW + 2}), KEYS, now=NOW)["iat"] == NOW + 2


@given(token=st.text(max_size=300))
def test_verifying_arbitrary_text_only_ever_rejects(token: str) -> None:
    with pytest.raises(TokenRejected):
        verify_token(token, KEYS, now=NOW)


def test_reasons_never_contain_the_token() -> None:
    token = _token(key=OTHER_KEY)
    with pytest.raises(TokenRejected) as caught:
        verify_token(token, KEYS, now=NOW)
    assert token not in str(caught.value)


def test_bearer_prefix_is_optional_and_case_insensitive() -> None:
    assert strip_bearer("Bearer abc") == strip_bearer("bearer abc") == strip_bearer("abc") == "abc"


def test_token_scopes_come_from_scope_or_scp() -> None:
    assert token_scopes({"scope": "a b"}) == ["a", "b"]
    assert token_scopes({"scp": ["a", "c"]}) == ["a", "c"]
    assert token_scopes({}) == []


def test_http_api_claims_are_strings_with_arrays_in_brackets() -> None:
    assert http_claim(1700000000) == "1700000000"
    assert http_claim(1.0) == "1" and http_claim(True) == "true"
    assert http_claim(["a", "b"]) == "[a b]"
    assert http_claim({"k": 1}) == '{"k":1}'


def test_rest_claims_use_java_dates_for_exp_and_iat_and_commas_for_arrays() -> None:
    assert java_date(1680629979) == "Tue Apr 04 17:39:39 UTC 2023"
    assert rest_claim("exp", 1680633579) == "Tue Apr 04 18:39:39 UTC 2023"
    assert rest_claim("auth_time", 1680629979) == "1680629979"
    assert rest_claim("cognito:groups", ["a", "b"]) == "a,b"
    assert rest_claim("email_verified", True) == "true"


def test_user_pool_arns_and_issuers_are_recognised() -> None:
    assert pool_of("arn:aws:cognito-idp:eu-west-1:1:userpool/eu-west-1_x") == ("eu-west-1",
                                                                             "eu-west-1_x")
    with pytest.raises(SpecError):
        pool_of("arn:aws:iam::1:role/x")
    assert cognito_pool("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_x") == (
        "us-east-1", "us-east-1_x")
    assert cognito_pool("https://idp.example.com") is None


class _Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


def test_remote_key_sets_are_cached_for_two_hours() -> None:
    clock, calls = _Clock(), []

    def fetch(url: str, timeout_s: float) -> Any:
        calls.append((url, timeout_s))
        return _jwks()

    resolver = JwksResolver(clock=clock, fetch=fetch)
    for _ in range(3):
        assert resolver.keys("https://idp.example.com/")["k1"] is not None
    assert calls == [("https://idp.example.com/.well-known/jwks.json", 2.0)]
    clock.now += KEYS_TTL_S
    resolver.keys("https://idp.example.com/")
    assert len(calls) == 2


def test_a_failed_fetch_is_remembered_briefly_then_retried() -> None:
    clock, calls = _Clock(), []

    def fetch(url: str, timeout_s: float) -> Any:
        calls.append(url)
        if len(calls) == 1:
            raise KeysUnavailable("connection refused")
        return {"keys": [{"kty": "oct"}]} if len(calls) == 2 else _jwks()

    resolver = JwksResolver(clock=clock, fetch=fetch)
    for _ in range(2):
        with pytest.raises(KeysUnavailable):
            resolver.keys("https://idp")
    assert len(calls) == 1
    clock.now += FAILURE_TTL_S
    with pytest.raises(KeysUnavailable):  # a set without a usable key is a failure too
        resolver.keys("https://idp")
    clock.now += FAILURE_TTL_S
    assert resolver.keys("https://idp")["k1"] is not None


def test_moto_user_pool_issuers_get_motos_key_set_without_fetching() -> None:
    asked: list[tuple[str, str]] = []

    def exists(region: str, pool_id: str) -> bool:
        asked.append((region, pool_id))
        return pool_id == "us-east-1_real"

    def fetch(url: str, timeout_s: float) -> Any:
        raise AssertionError("no HTTP for a moto pool")

    resolver = JwksResolver(clock=_Clock(), pool_exists=exists, fetch=fetch)
    issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_real"
    assert resolver.keys(issuer)["dummy"] is not None
    resolver.keys(issuer)
    assert asked == [("us-east-1", "us-east-1_real")]
    assert moto_key_set()["dummy"].algorithm_name == "RS256"


def test_time_is_injected_not_read() -> None:
    # A token that is valid "now" by the injected clock, whatever the real time is.
    past = 1_000_000_000.0
    token = _token({"exp": past + 60, "iat": past})
    assert verify_token(token, KEYS, now=past)
    with pytest.raises(TokenRejected):
        verify_token(token, KEYS, now=time.time())
