"""The scraper's SSRF guard and its fetcher: refused addresses in every spelling, redirects
re-validated, DNS resolved once, and the size, time and redirect limits.

The resolver is injected: no test touches real DNS or leaves the loopback interface.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.gambix_strata.core.strata.fetch import (
    Fetcher,
    FetchError,
    FetchLimits,
    tcp_connector,
)
from handlers.gambix_strata.core.strata.ssrf import AllowList, Target, UnsafeUrl, validate_url

PUBLIC_IP = "93.184.216.34"


def resolves_to(*addresses: str) -> Any:
    return lambda host, port: list(addresses)


def public_resolver(host: str, port: int) -> list[str]:
    return [PUBLIC_IP]


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://127.5.6.7:8080/admin", "http://10.0.0.5/",
    "http://172.16.0.1/", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/", "http://0.0.0.0/", "http://0/", "http://224.0.0.1/",
    "http://240.0.0.1/", "http://255.255.255.255/", "http://198.18.0.1/",
    "http://[::1]/", "http://[::]/", "http://[fe80::1]/", "http://[fc00::1]/",
    "http://[fd12:3456::1]/", "http://[ff02::1]/", "http://[fec0::1]/",
    "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/", "http://[::ffff:10.0.0.1]/",
    "http://[64:ff9b::a00:1]/", "http://[2002:7f00:1::]/", "http://[2001::1]/",
])
def test_private_loopback_link_local_and_reserved_addresses_are_refused(url: str) -> None:
    with pytest.raises(UnsafeUrl, match="not public"):
        validate_url(url, resolver=public_resolver)


@pytest.mark.parametrize("host", [
    "2130706433",          # decimal 127.0.0.1
    "0177.0.0.1",          # octal first octet
    "0x7f.0.0.1",          # hex first octet
    "0x7f000001",          # one hex number
    "017700000001",        # one octal number
    "127.1",               # two-part form
    "0xa9.0xfe.0xa9.0xfe",  # 169.254.169.254 in hex
    "10.1",                # 10.0.0.1
])
def test_numeric_ip_encodings_are_decoded_before_the_check(host: str) -> None:
    with pytest.raises(UnsafeUrl, match="not public"):
        validate_url(f"http://{host}/", resolver=public_resolver)


@pytest.mark.parametrize("addresses", [
    ["127.0.0.1"], ["10.0.0.7"], ["169.254.169.254"], ["::1"], ["::ffff:192.168.0.1"],
    [PUBLIC_IP, "10.0.0.7"],  # one private answer among public ones is enough to refuse
])
def test_names_that_resolve_to_a_private_address_are_refused(addresses: list[str]) -> None:
    with pytest.raises(UnsafeUrl, match="resolves to a non-public address"):
        validate_url("https://innocent.example/", resolver=resolves_to(*addresses))


@pytest.mark.parametrize("url, reason", [
    ("ftp://example.com/", "only http and https"),
    ("file:///etc/passwd", "only http and https"),
    ("gopher://example.com:70/", "only http and https"),
    ("javascript:alert(1)", "only http and https"),
    ("http://user:pass@example.com/", "credentials"),
    ("http://example.com@127.0.0.1/", "credentials"),
    ("http:///path", "no host"),
    ("http://example.com:99999/", "malformed"),
    ("http://[fe80::1%25eth0]/", "zone ids"),
    ("http://exa mple.com/", "whitespace"),
    ("http://example.com/\r\nX-Injected: 1", "whitespace or control"),
    ("http://" + "a" * 2050 + ".com/", "1 to 2048"),
    ("http://999.1/", "malformed numeric host"),
])
def test_urls_that_are_not_plain_http_are_refused_with_a_reason(url: str, reason: str) -> None:
    with pytest.raises(UnsafeUrl, match=reason):
        validate_url(url, resolver=public_resolver)


def test_a_name_that_does_not_resolve_is_refused() -> None:
    with pytest.raises(UnsafeUrl, match="does not resolve"):
        validate_url("http://nowhere.example/", resolver=resolves_to())


def test_a_public_url_is_normalised_and_pinned_to_its_resolved_address() -> None:
    target = validate_url("HTTPS://Example.COM./a%20b?q=é#frag",
                          resolver=resolves_to(PUBLIC_IP, "2606:2800:220:1::1"))
    assert target == Target(url="https://example.com/a%20b?q=%C3%A9", scheme="https",
                            host="example.com", port=443, ip=PUBLIC_IP,
                            request_target="/a%20b?q=%C3%A9")
    assert target.host_header == "example.com"


def test_the_allow_list_admits_exactly_its_hosts_and_ports() -> None:
    allow = AllowList.parse(" 127.0.0.1:8123 , staging.internal ,")
    assert validate_url("http://127.0.0.1:8123/", allow_list=allow).ip == "127.0.0.1"
    assert validate_url("http://staging.internal:9000/", allow_list=allow,
                        resolver=resolves_to("10.1.2.3")).ip == "10.1.2.3"
    with pytest.raises(UnsafeUrl):
        validate_url("http://127.0.0.1:8124/", allow_list=allow)
    with pytest.raises(UnsafeUrl):
        validate_url("http://localhost:8123/", allow_list=allow,
                     resolver=resolves_to("127.0.0.1"))


@given(st.ip_addresses(v=4))
def test_every_ipv4_address_is_either_refused_or_global(address: Any) -> None:
    try:
        target = validate_url(f"http://{address}/")
    except UnsafeUrl:
        assert not address.is_global or address.is_multicast or address.is_reserved
    else:
        assert address.is_global and not address.is_multicast
        assert target.ip == str(address)


@given(st.ip_addresses(v=4))
def test_an_ipv4_address_mapped_into_ipv6_is_always_refused(address: Any) -> None:
    with pytest.raises(UnsafeUrl):
        validate_url(f"http://[::ffff:{address}]/")


@given(st.ip_addresses(v=4).filter(lambda a: not a.is_global))
def test_a_non_public_ipv4_address_is_refused_in_its_decimal_form(address: Any) -> None:
    with pytest.raises(UnsafeUrl):
        validate_url(f"http://{int(address)}/", resolver=public_resolver)


# ---- the fetcher against loopback servers (allowed by the allow-list) ---------------------


class _Handler(BaseHTTPRequestHandler):
    """/ok, /big, /loop, /to?url=..., anything else 404."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:
        if self.path == "/ok":
            self._send(200, b"<html><title>ok</title></html>")
        elif self.path == "/big":
            self._send(200, b"x" * 5000)
        elif self.path == "/loop":
            self._redirect("/loop")
        elif self.path.startswith("/to?url="):
            self._redirect(self.path.removeprefix("/to?url="))
        else:
            self._send(404, b"missing")

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _fetcher(server: str, **kwargs: Any) -> Fetcher:
    return Fetcher(allow_list=AllowList.parse(server), **kwargs)


def test_an_allowed_loopback_page_is_fetched(server: str) -> None:
    result = _fetcher(server).fetch(f"http://{server}/ok")
    assert (result.status, result.body, result.is_html) == (200, b"<html><title>ok</title></html>",
                                                           True)


@pytest.mark.parametrize("location", [
    "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://[::1]/",
    "http://2130706433/", "http://127.0.0.1:1/", "file:///etc/passwd",
])
def test_a_redirect_to_a_private_or_non_http_target_is_refused(server: str,
                                                               location: str) -> None:
    with pytest.raises(UnsafeUrl):
        _fetcher(server).fetch(f"http://{server}/to?url={location}")


def test_a_redirect_to_a_name_resolving_to_a_private_address_is_refused(server: str) -> None:
    fetcher = _fetcher(server, resolver=resolves_to("10.0.0.9"))
    with pytest.raises(UnsafeUrl, match="non-public"):
        fetcher.fetch(f"http://{server}/to?url=http://intranet.example/")


def test_a_redirect_within_the_allowed_site_is_followed_and_recorded(server: str) -> None:
    result = _fetcher(server).fetch(f"http://{server}/to?url=/ok")
    assert result.status == 200
    assert result.redirects == (f"http://{server}/to?url=/ok",)


def test_redirects_beyond_the_limit_fail(server: str) -> None:
    with pytest.raises(FetchError, match="more than 3 redirects"):
        _fetcher(server, limits=FetchLimits(max_redirects=3)).fetch(f"http://{server}/loop")


def test_a_response_over_the_size_limit_fails(server: str) -> None:
    with pytest.raises(FetchError, match="larger than 1000 bytes"):
        _fetcher(server, limits=FetchLimits(max_bytes=1000)).fetch(f"http://{server}/big")


def test_a_server_that_never_answers_times_out() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        host = f"127.0.0.1:{silent.getsockname()[1]}"
        fetcher = Fetcher(allow_list=AllowList.parse(host),
                          limits=FetchLimits(connect_timeout_s=0.5, read_timeout_s=0.2))
        with pytest.raises(FetchError, match="timed out"):
            fetcher.fetch(f"http://{host}/")


def test_the_connection_goes_to_the_address_validated_once_no_rebinding(server: str) -> None:
    """DNS answers public first and loopback afterwards (a rebinding attack): the name is
    resolved once and the socket connects to the checked address, never asking DNS again."""
    answers = iter([[PUBLIC_IP], ["127.0.0.1"]])
    lookups: list[str] = []
    connected: list[str] = []

    def rebinding(host: str, port: int) -> list[str]:
        lookups.append(host)
        return next(answers)

    def connector(target: Target, timeout: float) -> socket.socket:
        connected.append(target.ip)
        host, port = server.split(":")
        return tcp_connector(Target(target.url, target.scheme, target.host, int(port), host,
                                    target.request_target), timeout)

    result = Fetcher(resolver=rebinding, connector=connector).fetch("http://rebind.example/ok")
    assert result.status == 200
    assert lookups == ["rebind.example"]
    assert connected == [PUBLIC_IP]


def test_https_verifies_the_certificate_for_the_host_name_not_the_address(
        tmp_path: Any) -> None:
    """A TLS server with a self-signed certificate: the pinned connection still verifies
    the certificate (against the system trust store, for the URL's host name)."""
    import datetime
    import ssl

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "secure.example")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(1)
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("secure.example")]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    port = httpd.server_address[1]

    def connector(target: Target, timeout: float) -> socket.socket:
        return socket.create_connection(("127.0.0.1", port), timeout=timeout)

    try:
        fetcher = Fetcher(resolver=public_resolver, connector=connector)
        with pytest.raises(FetchError, match="request to secure.example failed") as caught:
            fetcher.fetch("https://secure.example/ok")
        assert isinstance(caught.value.__cause__, ssl.SSLCertVerificationError)
    finally:
        httpd.shutdown()
        httpd.server_close()
