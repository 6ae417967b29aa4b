"""Fetch web pages to ingest, refusing every address a fetch must never reach.

A URL typed into a local tool (or posted to its web app) is untrusted: it could
point at the machine itself, the home router or a cloud metadata service. So
the host is resolved here, every address it resolves to must be public
(no loopback, private, link-local, multicast, reserved or unspecified range;
an IPv6 address that leads to IPv4 judged by the IPv4 it embeds, see
``refused_address``), and the connection goes to the address that was
checked, never to a second lookup that DNS could answer differently. Redirects
are followed by hand, a few at most, each target checked the same way. The
body is capped in bytes; time is capped twice: no single wait on the server
over ``timeout``, and the whole fetch (connections, TLS, headers, bodies, every
redirect) within ``deadline_s``, so a server dripping a byte at a time cannot
hold a fetch open.
"""

from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import ssl
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import SplitResult, quote, urljoin, urlsplit

from rashomon.ingest.decoding import decode_html, decode_text
from rashomon.ingest.html import article_from_html
from rashomon.ingest.problems import IngestProblem, over_limit
from rashomon.ingest.records import build_article
from rashomon.model import Article, Rejection

DEFAULT_TIMEOUT_S = 10.0  # the longest wait for any one connect, handshake, send or read
DEFAULT_DEADLINE_S = 30.0  # the whole fetch, redirects included
READ_CHUNK_BYTES = 64 * 1024
DEFAULT_MAX_FETCH_BYTES = 10_000_000
MAX_REDIRECTS = 3
USER_AGENT = "rashomon (news comparison; +https://github.com/rashomon)"


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def refused_address(address: str) -> str | None:
    """Why a fetch may not go to this IP address ("a loopback address 127.0.0.1"), or None when it may.

    IPv6 addresses that lead to an IPv4 address (IPv4-mapped, 6to4, Teredo, NAT64) are judged by the IPv4
    addresses they embed: the connection ends up there. One that embeds only public IPv4 addresses is allowed,
    whatever Python's flags say about its prefix (they differ between releases: 3.12.4 and later call all of
    2002::/16 non-global, earlier ones call it global). IPv4-compatible (::a.b.c.d, deprecated) and site-local
    (fec0::/10, deprecated, routed inside a site) addresses are refused outright.
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # a zone id ("fe80::1%eth0") changes nothing here
    if isinstance(ip, ipaddress.IPv6Address):
        embedding = _embedded_ipv4(ip)
        if embedding:
            kind, carried = embedding
            for carried_ipv4 in carried:
                problem = _address_problem(carried_ipv4)
                if problem:
                    return f"{_with_article(kind)} address {ip} embedding {problem}"
            if kind == "IPv4-compatible":
                return f"{_with_article(kind)} address {ip} (deprecated; embedding {carried[0]})"
            return None
        if ip.is_site_local:
            return f"a site-local address {ip}"
    problem = _address_problem(ip)
    return _with_article(problem) if problem else None


def _address_problem(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    # Unspecified first: 0.0.0.0 and :: are also "private", but a connection to them lands on this machine.
    for flag, name in (
        ("is_unspecified", "unspecified"),
        ("is_loopback", "loopback"),
        ("is_link_local", "link-local"),
        ("is_private", "private"),
        ("is_multicast", "multicast"),
        ("is_reserved", "reserved"),
    ):
        if getattr(ip, flag):
            return f"{name} address {ip}"
    if not ip.is_global:
        return f"non-public address {ip}"
    return None


_NAT64_WELL_KNOWN = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052: the IPv4 address is the last 32 bits
# RFC 8215. Read as DNS64 writes it, IPv4 in the last 32 bits (a /96 prefix); a network that chose a shorter
# prefix puts it elsewhere (RFC 6052 layouts), which no address alone can tell.
_NAT64_LOCAL_USE = ipaddress.IPv6Network("64:ff9b:1::/48")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[str, list[ipaddress.IPv4Address]] | None:
    """What kind of IPv6 address leads to IPv4, and the IPv4 addresses it embeds; None for plain IPv6."""
    last_32_bits = ipaddress.IPv4Address(int(ip) & 0xFFFF_FFFF)
    if ip.ipv4_mapped is not None:
        return "IPv4-mapped", [ip.ipv4_mapped]
    if ip.sixtofour is not None:
        return "6to4", [ip.sixtofour]
    if ip.teredo is not None:
        # (server, client); ipaddress has already undone the bit inversion of the client address.
        server, client = ip.teredo
        return "Teredo", [server, client]
    if ip in _NAT64_WELL_KNOWN:
        return "NAT64", [last_32_bits]
    if ip in _NAT64_LOCAL_USE:
        return "local-use NAT64", [last_32_bits]
    if ip in _IPV4_COMPATIBLE and int(ip) > 1:  # :: and ::1 are the unspecified and loopback addresses
        return "IPv4-compatible", [last_32_bits]
    return None


def _with_article(phrase: str) -> str:
    return ("an " if phrase[0] in "aeiouAEIOU" else "a ") + phrase


# What a connection goes to: the address family and the socket address getaddrinfo returned (an IPv6
# one keeps its scope id).
_Address = tuple[int, Any]


def _resolve(host: str, port: int, allow_private: bool) -> _Address:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise IngestProblem(f"cannot resolve host {host!r} ({error.strerror})") from None
    except UnicodeError:  # the IDNA codec refuses an empty or over-long label ("a..b")
        raise IngestProblem(f"cannot resolve host {host!r} (not a valid host name)") from None
    if not allow_private:
        # An IPv4 or IPv6 socket address starts with the host as a string (typeshed allows an int for other families).
        for address in dict.fromkeys(str(info[4][0]) for info in infos):
            problem = refused_address(address)
            if problem:
                # One bad address is enough: a later connection could land on it.
                raise IngestProblem(f"refused: {host} resolves to {problem}")
    family, _, _, _, sockaddr = infos[0]
    return family, sockaddr


class _PastDeadline(Exception):
    """The fetch's time is up; fetch() turns this into the user's one line."""


class _Deadline:
    """The time one fetch has left, shared by every socket it opens, redirects included."""

    def __init__(self, seconds: float, wait_s: float):
        self.ends_at = time.monotonic() + seconds
        self.wait_s = wait_s

    def next_wait(self) -> tuple[float, bool]:
        """The timeout for the next socket call, and whether the deadline (rather than wait_s) sets it."""
        left = self.ends_at - time.monotonic()
        if left <= 0:
            raise _PastDeadline
        return (left, True) if left < self.wait_s else (self.wait_s, False)


class _DeadlineBound(socket.socket):
    """Socket calls that wait on the server, each given no more than the time the fetch has left.

    A socket timeout bounds one call, and a server dripping a byte at a time answers every call in time:
    http.client reads headers and body through many calls. Setting the timeout before each call to the
    time left bounds them all. An SSL socket's read and handshake spend their timeout across the whole
    call, so a TLS record dripped byte by byte is bounded as well. Mixed in before ``socket.socket`` or
    ``ssl.SSLSocket``: ``super()`` is then the plain or the TLS socket's own call.
    """

    deadline: _Deadline

    def _waiting(self, operation, *args):
        timeout, deadline_sets_it = self.deadline.next_wait()
        self.settimeout(timeout)
        try:
            return operation(*args)
        except TimeoutError:
            if deadline_sets_it:
                raise _PastDeadline from None
            raise

    def connect(self, address):
        return self._waiting(super().connect, address)

    def sendall(self, data, *args):
        return self._waiting(super().sendall, data, *args)

    def recv_into(self, buffer, *args):
        return self._waiting(super().recv_into, buffer, *args)


class _DeadlineSocket(_DeadlineBound, socket.socket):
    pass


class _DeadlineSSLSocket(_DeadlineBound, ssl.SSLSocket):
    def do_handshake(self, *args):
        return self._waiting(super().do_handshake, *args)


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the address already checked, whatever DNS says now, on sockets bound by the deadline."""

    def __init__(self, host: str, port: int, address: _Address, deadline: _Deadline):
        super().__init__(host, port, timeout=deadline.wait_s)
        self._address = address
        self._deadline = deadline

    def connect(self) -> None:
        self.sock = self._connected_socket()

    def _connected_socket(self) -> _DeadlineSocket:
        family, sockaddr = self._address
        sock = _DeadlineSocket(family, socket.SOCK_STREAM)
        sock.deadline = self._deadline
        try:
            sock.connect(sockaddr)
        except BaseException:
            sock.close()
            raise
        return sock


class _PinnedHTTPS(_PinnedHTTP):
    default_port = http.client.HTTPS_PORT  # so the Host header leaves out :443

    def connect(self) -> None:
        context = ssl.create_default_context()
        context.sslsocket_class = _DeadlineSSLSocket
        sock = self._connected_socket()
        try:
            # The certificate is checked against the host name, not the address.
            # wrap_socket builds context.sslsocket_class, set above; typeshed can only say SSLSocket.
            tls = cast(
                _DeadlineSSLSocket, context.wrap_socket(sock, server_hostname=self.host, do_handshake_on_connect=False)
            )
        except BaseException:
            sock.close()
            raise
        tls.deadline = self._deadline
        try:
            tls.do_handshake()
        except BaseException:
            tls.close()
            raise
        self.sock = tls


@dataclass
class Fetched:
    url: str  # after redirects
    body: bytes
    content_type: str  # "text/html", without parameters
    charset: str | None


def fetch(
    url: str,
    *,
    max_bytes: int = DEFAULT_MAX_FETCH_BYTES,
    timeout: float = DEFAULT_TIMEOUT_S,
    deadline_s: float = DEFAULT_DEADLINE_S,
    allow_private: bool = False,
) -> Fetched:
    """GET one page; raises IngestProblem with one line saying why not.

    ``timeout`` bounds each wait on a server; ``deadline_s`` the whole fetch, every redirect included. (Host
    name lookups are the resolver's own: the deadline is checked before and after each, not during.)
    """
    deadline = _Deadline(deadline_s, timeout)
    try:
        return _fetch_within(url, deadline, max_bytes, allow_private)
    except _PastDeadline:
        raise IngestProblem(f"ran past the {deadline_s:g} s deadline for a whole fetch (redirects included)") from None


def _fetch_within(url: str, deadline: _Deadline, max_bytes: int, allow_private: bool) -> Fetched:
    current = url
    for hop in range(MAX_REDIRECTS + 1):
        parts, port = _split(current, redirected=hop > 0)
        if parts.scheme not in ("http", "https"):
            raise IngestProblem(f"refused: only http and https URLs are fetched, not {parts.scheme or 'no scheme'}")
        if not parts.hostname:
            raise IngestProblem("not a URL with a host")
        if parts.username or parts.password:
            raise IngestProblem("refused: URLs with credentials are not fetched")
        deadline.next_wait()  # raises once the time is up: no new lookup or connection after it
        address = _resolve(parts.hostname, port, allow_private)
        connection_type = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
        connection = connection_type(parts.hostname, port, address, deadline)
        try:
            connection.request(
                "GET",
                _request_target(parts),
                headers={"User-Agent": USER_AGENT, "Accept": "text/html, text/plain;q=0.8"},
            )
            response = connection.getresponse()
            location = response.getheader("Location")
            if response.status in (301, 302, 303, 307, 308) and location:
                current = _redirect_target(current, location)
                continue
            if response.status != 200:
                raise IngestProblem(f"HTTP {response.status} {response.reason}")
            declared = response.getheader("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise IngestProblem(over_limit("page", int(declared), max_bytes))
            body = bytearray()
            # In chunks, each read under the deadline; one byte past the limit is enough to refuse the page.
            while chunk := response.read(min(READ_CHUNK_BYTES, max_bytes + 1 - len(body))):
                body += chunk
                if len(body) > max_bytes:
                    raise IngestProblem(over_limit("page", len(body), max_bytes))
            content_type = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
            charset = response.headers.get_content_charset()
            return Fetched(current, bytes(body), content_type, charset)
        except (OSError, http.client.HTTPException) as error:
            raise IngestProblem(f"fetch failed ({type(error).__name__}: {error})") from None
        finally:
            connection.close()
    raise IngestProblem(f"more than {MAX_REDIRECTS} redirects")


def _split(url: str, *, redirected: bool) -> tuple[SplitResult, int]:
    """The URL's parts and the port to connect to, or one line saying why the URL is not valid."""
    try:
        parts = urlsplit(url)
        port = parts.port  # raises on "host:abc" and ports over 65535
    except ValueError as error:
        raise IngestProblem(
            f"redirected to a URL that is not valid: {url} ({error})" if redirected else f"not a valid URL ({error})"
        ) from None
    return parts, port if port is not None else (443 if parts.scheme == "https" else 80)


def _redirect_target(current: str, location: str) -> str:
    try:
        return urljoin(current, location)
    except ValueError as error:  # urljoin parses both: "http://[::1" is an invalid IPv6 URL
        raise IngestProblem(f"redirected to a URL that is not valid: {location} ({error})") from None


def _request_target(parts: SplitResult) -> str:
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    # Sent as a browser sends it: non-ASCII as UTF-8 escapes, and spaces and control characters escaped too
    # (http.client cannot encode the first and refuses the others).
    return re.sub(r"[^\x21-\x7e]+", lambda match: quote(match.group(), safe=""), target)


def article_from_fetched(page: Fetched, where: str) -> Article | Rejection:
    if not page.body:
        return Rejection(where, "empty page")
    if page.content_type in ("text/plain",):
        text = decode_text(page.body, page.charset)
        return build_article(text, where, {"url": page.url}) if text.strip() else Rejection(where, "empty page")
    if page.content_type and page.content_type not in ("text/html", "application/xhtml+xml"):
        return Rejection(where, f"not a web page or text ({page.content_type})")
    return article_from_html(decode_html(page.body, page.charset), where, url=page.url)


def read_urls(
    urls: Iterable[str],
    *,
    max_bytes: int = DEFAULT_MAX_FETCH_BYTES,
    timeout: float = DEFAULT_TIMEOUT_S,
    deadline_s: float = DEFAULT_DEADLINE_S,
    allow_private: bool = False,
) -> Iterator[Article | Rejection]:
    """One article or one Rejection per URL; a bad URL never stops the rest."""
    for url in urls:
        try:
            page = fetch(url, max_bytes=max_bytes, timeout=timeout, deadline_s=deadline_s, allow_private=allow_private)
        except IngestProblem as problem:
            yield Rejection(url, str(problem))
            continue
        yield article_from_fetched(page, url)
