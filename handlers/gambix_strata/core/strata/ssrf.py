"""SSRF guard: which URLs the scraper may fetch, and at which IP address.

A scraper fetches URLs its users choose, from inside the VPC/Lambda network, so an unguarded
one reads cloud metadata (``http://169.254.169.254/``), internal admin pages or loopback
services (OWASP SSRF prevention:
https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html).
The rules, applied to the first URL and to EVERY redirect target (``fetch`` calls
:func:`validate_url` again for each ``Location``):

1. Scheme ``http`` or ``https`` only; no ``user:password@`` (parser-confusion attacks);
   URLs up to 2048 characters; a valid port; a host name that IDNA-encodes.
2. The host becomes IP addresses exactly once, here: an IP literal is parsed (IPv6 zone ids
   are refused); a host made only of digits/hex/dots (``2130706433``, ``0177.0.0.1``,
   ``0x7f.1``) is decoded the way ``inet_aton`` and browsers decode it; any other name goes
   through the injected resolver (``getaddrinfo`` by default).
3. EVERY address the name resolves to must be public (``ipaddress.is_global``) and not
   multicast, reserved, unspecified, IPv6 site-local, IPv4-mapped (``::ffff:a.b.c.d``),
   6to4 (``2002::/16``), Teredo or NAT64 (``64:ff9b::/96``) - those forms embed an IPv4
   address that may be private. One private answer refuses the URL (a name that resolves
   to both a public and a private address is a rebinding attempt).
4. The fetcher then connects to the returned :attr:`Target.ip` itself (TLS still verifies
   the certificate for the host name, via SNI), so a second DNS answer can never swap in
   another address between the check and the connection (no DNS-rebinding window).
5. Hosts on the allow-list (env ``SCRAPE_ALLOWED_HOSTS``: comma-separated ``host`` or
   ``host:port``) skip rule 3 only: a staging site on a private network, or the emulator's
   fixture site on loopback.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import SplitResult, quote, urlsplit, urlunsplit

#: host, port -> the IP addresses (text) the name resolves to.
Resolver = Callable[[str, int], list[str]]

MAX_URL_LENGTH = 2048
DEFAULT_PORTS = {"http": 80, "https": 443}
_NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}\.?$")
_URL_SAFE = "/%:@!$&'()*+,;=-._~"
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeUrl(ValueError):
    """A URL the scraper must not fetch; ``reason`` is safe to show the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Target:
    """A validated URL and the address to connect to."""

    url: str
    scheme: str
    host: str
    port: int
    ip: str
    #: path and query as sent in the request line (``/`` when empty; no fragment).
    request_target: str

    @property
    def host_header(self) -> str:
        name = f"[{self.host}]" if ":" in self.host else self.host
        return name if self.port == DEFAULT_PORTS[self.scheme] else f"{name}:{self.port}"


@dataclass(frozen=True)
class AllowList:
    """Hosts that may be private: ``host`` (any port) or ``host:port`` entries."""

    entries: frozenset[tuple[str, int | None]] = frozenset()

    @classmethod
    def parse(cls, text: str | None) -> AllowList:
        entries: set[tuple[str, int | None]] = set()
        for raw in (text or "").split(","):
            item = raw.strip().lower()
            if not item:
                continue
            host, sep, port = item.rpartition(":") if not item.endswith("]") else (item, "", "")
            if sep and port.isdigit() and host:
                entries.add((host.strip("[]"), int(port)))
            else:
                entries.add((item.strip("[]"), None))
        return cls(frozenset(entries))

    def allows(self, host: str, port: int) -> bool:
        return (host, port) in self.entries or (host, None) in self.entries


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``getaddrinfo`` returns for ``host`` (TCP), in its order, once each."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeUrl(f"host {host} does not resolve") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def unsafe_reason(ip: IpAddress) -> str | None:
    """Why ``ip`` must not be fetched, or None for a public unicast address."""
    if ip.is_unspecified:
        return "unspecified address"
    if ip.is_loopback:
        return "loopback address"
    if ip.is_link_local:
        return "link-local address"
    if ip.is_multicast:
        return "multicast address"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return "IPv4-mapped IPv6 address"
        if ip.sixtofour is not None or ip.teredo is not None or ip in _NAT64:
            return "IPv6 address embedding an IPv4 address"
        if ip.is_site_local:
            return "site-local address"
    if ip.is_reserved:
        return "reserved address"
    if ip.is_private or not ip.is_global:
        return "private address"
    return None


def _literal_ip(host: str) -> IpAddress | None:
    """The address a host spells directly (IPv4, IPv6, or numeric IPv4 forms), else None."""
    if "%" in host:
        raise UnsafeUrl("IPv6 zone ids are not allowed")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _NUMERIC_HOST.match(host):
        try:
            # inet_aton accepts 1-4 parts in decimal, octal (leading 0) and hex (0x): the forms
            # browsers and curl accept, so the check sees the address they would connect to.
            return ipaddress.IPv4Address(socket.inet_aton(host.rstrip(".")))
        except OSError as exc:
            raise UnsafeUrl("malformed numeric host") from exc
    return None


def _split(url: str) -> SplitResult:
    if not isinstance(url, str) or not url or len(url) > MAX_URL_LENGTH:
        raise UnsafeUrl(f"URL must be 1 to {MAX_URL_LENGTH} characters")
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        raise UnsafeUrl("URL must not contain whitespace or control characters")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as exc:
        raise UnsafeUrl("URL is malformed") from exc
    return parts


@dataclass(frozen=True)
class HttpUrl:
    """A syntactically valid http(s) URL, host IDNA-encoded and lower-cased."""

    parts: SplitResult
    scheme: str
    host: str
    port: int


def parse_http_url(url: str) -> HttpUrl:
    """Rule 1 (no DNS): :class:`UnsafeUrl` for anything but a plain http(s) URL with a host."""
    parts = _split(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise UnsafeUrl("only http and https URLs can be scraped")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise UnsafeUrl("URLs with credentials are not allowed")
    raw_host = (parts.hostname or "").rstrip(".")
    if not raw_host:
        raise UnsafeUrl("URL has no host")
    try:
        host = raw_host.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise UnsafeUrl("host name is not valid") from exc
    return HttpUrl(parts, scheme, host, parts.port or DEFAULT_PORTS[scheme])


def validate_url(url: str, *, allow_list: AllowList = AllowList(),
                 resolver: Resolver = system_resolver) -> Target:
    """The :class:`Target` to connect to for ``url``; :class:`UnsafeUrl` when refused."""
    parsed = parse_http_url(url)
    parts, scheme, host, port = parsed.parts, parsed.scheme, parsed.host, parsed.port
    literal = _literal_ip(host)
    if literal is not None:
        addresses: list[IpAddress] = [literal]
    else:
        answers = resolver(host, port)
        try:
            addresses = [ipaddress.ip_address(answer.split("%", 1)[0]) for answer in answers]
        except ValueError as exc:
            raise UnsafeUrl(f"host {host} resolved to an invalid address") from exc
        if not addresses:
            raise UnsafeUrl(f"host {host} does not resolve")
    if not allow_list.allows(host, port):
        for address in addresses:
            reason = unsafe_reason(address)
            if reason is not None:
                raise UnsafeUrl(f"host {host} is not public ({reason})" if literal is not None
                                else f"host {host} resolves to a non-public address ({reason})")
    netloc = f"[{host}]" if ":" in host else host
    if parts.port is not None:
        netloc = f"{netloc}:{parts.port}"
    # Percent-encode what a request line may not carry raw (non-ASCII, spaces), keeping
    # existing escapes: the URL a browser would request.
    path = quote(parts.path or "/", safe=_URL_SAFE)
    query = quote(parts.query, safe=_URL_SAFE + "?")
    normalized = urlunsplit((scheme, netloc, path, query, ""))
    request_target = path + (f"?{query}" if query else "")
    return Target(url=normalized, scheme=scheme, host=host, port=port,
                  ip=str(addresses[0]), request_target=request_target)

