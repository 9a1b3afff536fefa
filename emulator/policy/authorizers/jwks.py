"""Signing keys of a JWT issuer: moto's user pools in-process, anything else over HTTP.

Copies how API Gateway finds the keys of JWT and Cognito authorizers
(https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html):
the issuer's public JWKS, cached ("API Gateway can cache public keys for two hours").

* An issuer ``https://cognito-idp.REGION.amazonaws.com/POOL_ID`` naming a user pool that
  exists in the in-process moto is answered with the key set moto signs every pool's tokens
  with (``moto/cognitoidp/resources/jwks-public.json``, ``kid`` ``dummy``, RS256) - what
  moto itself serves at ``/POOL_ID/.well-known/jwks.json``. No socket is opened.
* Any other issuer: ``GET {issuer}/.well-known/jwks.json`` with a short timeout; the key set
  is kept for two hours. A failure (unreachable, not JSON, no usable key) makes every token
  of that issuer invalid (401) and is remembered for :data:`FAILURE_TTL_S` so an issuer
  that is down does not cost the timeout on every request.

Time comes from the injected clock.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from jwt import PyJWKSet, PyJWTError

from emulator.errors import EmulatorError

logger = logging.getLogger(__name__)

KEYS_TTL_S = 2 * 3600
FAILURE_TTL_S = 30.0
FETCH_TIMEOUT_S = 2.0
_COGNITO_ISSUER = re.compile(r"https://cognito-idp\.([a-z0-9-]+)\.amazonaws\.com/([\w-]+)")

#: Fetches a URL and returns its parsed JSON body (injectable for tests).
Fetcher = Callable[[str, float], Any]


class KeysUnavailable(EmulatorError):
    """The issuer's key set could not be obtained."""


def http_fetch(url: str, timeout_s: float) -> Any:
    """GET ``url`` and parse the JSON body; :class:`KeysUnavailable` on any failure."""
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310
            return json.loads(response.read())
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        raise KeysUnavailable(f"GET {url} failed: {exc}") from exc


@lru_cache(maxsize=1)
def moto_key_set() -> PyJWKSet:
    """The public key set moto signs every user pool's tokens with (it never changes)."""
    from moto.utilities.utils import load_resource

    return PyJWKSet.from_dict(load_resource("moto.cognitoidp", "resources/jwks-public.json"))


def cognito_pool(issuer: str) -> tuple[str, str] | None:
    """(region, pool id) of a Cognito user pool issuer URL, else ``None``."""
    found = _COGNITO_ISSUER.fullmatch(issuer)
    return (found.group(1), found.group(2)) if found else None


class JwksResolver:
    """Key sets by issuer, cached; one per emulator (shared by its APIs' authorizers)."""

    def __init__(self, *, clock: Callable[[], float],
                 pool_exists: Callable[[str, str], bool] | None = None,
                 fetch: Fetcher = http_fetch, timeout_s: float = FETCH_TIMEOUT_S) -> None:
        self._clock = clock
        self._pool_exists = pool_exists
        self._fetch = fetch
        self._timeout_s = timeout_s
        self._moto_issuers: set[str] = set()
        self._remote: dict[str, tuple[float, PyJWKSet | None, str]] = {}
        self._lock = threading.Lock()

    def keys(self, issuer: str) -> PyJWKSet:
        """The key set of ``issuer``; :class:`KeysUnavailable` when there is none."""
        if issuer in self._moto_issuers:
            return moto_key_set()
        pool = cognito_pool(issuer)
        if pool is not None and self._pool_exists is not None and self._pool_exists(*pool):
            with self._lock:
                self._moto_issuers.add(issuer)
            return moto_key_set()
        return self._remote_set(issuer)

    def clear(self) -> None:
        """Forget every cached key set (the next request loads them again)."""
        with self._lock:
            self._moto_issuers.clear()
            self._remote.clear()

    def _remote_set(self, issuer: str) -> PyJWKSet:
        now = self._clock()
        with self._lock:
            cached = self._remote.get(issuer)
        if cached is not None and now < cached[0]:
            if cached[1] is None:
                raise KeysUnavailable(cached[2])
            return cached[1]
        url = issuer.rstrip("/") + "/.well-known/jwks.json"
        try:
            document = self._fetch(url, self._timeout_s)
            if not isinstance(document, dict):
                raise KeysUnavailable(f"{url} did not return a JSON object")
            keys = PyJWKSet.from_dict(document)
        except (KeysUnavailable, PyJWTError, KeyError, TypeError, ValueError) as exc:
            # pyjwt raises KeyError/TypeError on some malformed keys, not only PyJWKSetError.
            reason = str(exc)
            logger.warning("JWKS of %s unavailable: %s", issuer, reason)
            with self._lock:
                self._remote[issuer] = (now + FAILURE_TTL_S, None, reason)
            raise KeysUnavailable(reason) from exc
        logger.info("JWKS of %s loaded from %s (%d keys)", issuer, url, len(keys.keys))
        with self._lock:
            self._remote[issuer] = (now + KEYS_TTL_S, keys, "")
        return keys
