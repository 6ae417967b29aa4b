"""Fetching pages to ingest: private addresses refused, real HTTP on loopback when explicitly allowed."""

from __future__ import annotations

import http.server
import shutil
import socket
import ssl
import subprocess
import threading
import time
from urllib.parse import unquote

import pytest

from conftest import run_cli
from rashomon.ingest.fetch import fetch, read_urls, refused_address
from rashomon.ingest.problems import IngestProblem
from rashomon.model import Article, Rejection
from webserver import WebServer

PAGE = b"""<!doctype html><html><head><title>Convoy leaves Raqqa</title>
<meta property="og:site_name" content="Loopback Gazette"></head><body><nav>Home | World | Sport</nav>
<article><h1>Convoy leaves Raqqa</h1><p>A convoy of buses left Raqqa at dawn on Sunday carrying the last fighters
and their families, a local official told reporters.</p><p>The official said no foreigners were among them, a claim
the coalition did not confirm. About 3,000 civilians also left the city during the night, he added.</p></article>
</body></html>"""


DRIP_EVERY_S = 0.5  # the slow routes send a byte this often, for 100 s
DRIPPED_BYTES = 200


class Pages(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the stdlib's name
        try:
            self.serve()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the fetch gave up on a slow route

    def drip(self, data: bytes):
        for byte in data:
            self.wfile.write(bytes([byte]))
            time.sleep(DRIP_EVERY_S)

    def serve(self):
        if self.path == "/drip-body":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(DRIPPED_BYTES))
            self.end_headers()
            self.drip(b"x" * DRIPPED_BYTES)
            return
        if self.path == "/drip-headers":
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            self.drip(b"X-Slow: " + b"x" * DRIPPED_BYTES)
            return
        if self.path.startswith("/hop/"):  # /hop/1 -> /hop/2 -> /hop/3 -> the page, each answer after 0.5 s
            time.sleep(0.5)
            hop = int(self.path.removeprefix("/hop/"))
            self.send_response(302)
            self.send_header("Location", f"/hop/{hop + 1}" if hop < 3 else "/page.html")
            self.end_headers()
            return
        routes = {
            "/page.html": (200, "text/html; charset=utf-8", PAGE),
            "/notes.txt": (200, "text/plain; charset=utf-8", b"Plain notes: the convoy left Raqqa on Sunday at dawn."),
            "/image.png": (200, "image/png", b"\x89PNG\r\n\x1a\n" + b"0" * 100),
            "/big.html": (200, "text/html", b"<p>" + b"x" * 5000 + b"</p>"),
            "/caf%C3%A9%20noir.html": (200, "text/html; charset=utf-8", PAGE),  # asked for as /café noir.html
        }
        redirects = {"/moved": "/page.html", "/loop": "/loop"}
        if self.path.startswith("/redirect?to="):
            redirects[self.path] = unquote(self.path.removeprefix("/redirect?to="))
        if self.path in redirects:
            self.send_response(302)
            self.send_header("Location", redirects[self.path])
            self.end_headers()
            return
        status, content_type, body = routes.get(self.path, (404, "text/plain", b"no"))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve(tls: ssl.SSLContext | None = None):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    if tls:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def site():
    server = serve()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def tls_site(tmp_path_factory):
    """The same pages over HTTPS, with a certificate for 127.0.0.1 made here and trusted through SSL_CERT_FILE."""
    if not shutil.which("openssl"):
        pytest.skip("needs the openssl command to make a certificate")
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            folder / "key.pem",
            "-out",
            folder / "cert.pem",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    server = serve(context)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SSL_CERT_FILE", str(folder / "cert.pem"))
        yield f"https://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "192.168.0.1",
        "172.16.5.4",
        "169.254.169.254",
        "0.0.0.0",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "224.0.0.1",
        "100.64.0.1",
    ],
)
def test_non_public_addresses_are_refused(address):
    assert refused_address(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address):
    assert refused_address(address) is None


# IPv6 addresses that lead to an IPv4 address, with what refused_address says about each.
EMBEDDING_IPV4 = [
    ("2002:7f00:1::", "a 6to4 address 2002:7f00:1:: embedding loopback address 127.0.0.1"),
    ("2002:a9fe:a9fe::", "a 6to4 address 2002:a9fe:a9fe:: embedding link-local address 169.254.169.254"),
    ("2002:c0a8:101::1", "a 6to4 address 2002:c0a8:101::1 embedding private address 192.168.1.1"),
    ("2002::", "a 6to4 address 2002:: embedding unspecified address 0.0.0.0"),
    ("2002:0808:0808::", None),  # 6to4 for 8.8.8.8: a relay carries it to that public address
    # Teredo: 2001:0:SERVER:flags:port:CLIENT, the client bit-inverted (RFC 4380's example has a documentation client).
    (
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",
        "a Teredo address 2001:0:4136:e378:8000:63bf:3fff:fdd2 embedding private address 192.0.2.45",
    ),
    (
        "2001:0:4136:e378:8000:63bf:80ff:fffe",
        "a Teredo address 2001:0:4136:e378:8000:63bf:80ff:fffe embedding loopback address 127.0.0.1",
    ),
    ("2001:0:a00:1::f7f7:f7f7", "a Teredo address 2001:0:a00:1::f7f7:f7f7 embedding private address 10.0.0.1"),
    ("2001:0:4136:e378:8000:63bf:f7f7:f7f7", None),  # server 65.54.227.120, client 8.8.8.8: both public
    ("64:ff9b::7f00:1", "a NAT64 address 64:ff9b::7f00:1 embedding loopback address 127.0.0.1"),
    ("64:ff9b::a9fe:a9fe", "a NAT64 address 64:ff9b::a9fe:a9fe embedding link-local address 169.254.169.254"),
    ("64:ff9b::808:808", None),  # how a DNS64 network reaches 8.8.8.8
    ("64:ff9b:1::a00:1", "a local-use NAT64 address 64:ff9b:1::a00:1 embedding private address 10.0.0.1"),
    (
        "64:ff9b:1:2:3:4:c0a8:1",
        "a local-use NAT64 address 64:ff9b:1:2:3:4:c0a8:1 embedding private address 192.168.0.1",
    ),
    ("64:ff9b:1::808:808", None),
    ("::127.0.0.1", "an IPv4-compatible address ::7f00:1 embedding loopback address 127.0.0.1"),
    ("::8.8.8.8", "an IPv4-compatible address ::808:808 (deprecated; embedding 8.8.8.8)"),
    ("::ffff:127.0.0.1", "an IPv4-mapped address ::ffff:7f00:1 embedding loopback address 127.0.0.1"),
    ("::ffff:169.254.169.254", "an IPv4-mapped address ::ffff:a9fe:a9fe embedding link-local address 169.254.169.254"),
    ("::ffff:8.8.8.8", None),
    ("fec0::1", "a site-local address fec0::1"),
    ("feff:ffff::1", "a site-local address feff:ffff::1"),
    ("::", "an unspecified address ::"),
    ("::1", "a loopback address ::1"),
    ("0.0.0.0", "an unspecified address 0.0.0.0"),
    ("fe80::1%eth0", "a link-local address fe80::1"),
]


@pytest.mark.parametrize(("address", "problem"), EMBEDDING_IPV4)
def test_ipv6_addresses_are_judged_by_the_ipv4_they_embed(address, problem):
    assert refused_address(address) == problem


@pytest.fixture
def no_connections(monkeypatch):
    """Any attempt to connect fails the test: refusals must come before connecting."""

    def connect(sock, address):
        raise AssertionError(f"a refused fetch connected to {address}")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect)


@pytest.fixture
def dns(monkeypatch):
    """Make names resolve to chosen addresses (others resolve as usual), as a hostile DNS server could."""
    answers: dict[str, list[str]] = {}
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            return real_getaddrinfo(host, port, *args, **kwargs)
        return [
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0))
            if ":" in address
            else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))
            for address in answers[host]
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


@pytest.mark.parametrize(("address", "problem"), [(address, problem) for address, problem in EMBEDDING_IPV4 if problem])
def test_fetch_refuses_a_host_resolving_to_an_embedded_private_ipv4(dns, no_connections, address, problem):
    dns["example.test"] = [address]
    with pytest.raises(IngestProblem) as refusal:
        fetch("http://example.test/news")
    assert str(refusal.value) == f"refused: example.test resolves to {problem}"


def test_fetch_refuses_a_host_when_any_of_its_addresses_is_refused(dns, no_connections):
    dns["example.test"] = ["8.8.8.8", "2002:a9fe:a9fe::"]
    [rejection] = read_urls(["https://example.test/"])
    assert rejection.problem == (
        "refused: example.test resolves to a 6to4 address 2002:a9fe:a9fe:: embedding link-local address 169.254.169.254"
    )


# How getaddrinfo reads numeric hosts (inet_aton forms, zone ids): the address it returns is the one checked.
@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://2130706433/", "refused: 2130706433 resolves to a loopback address 127.0.0.1"),
        ("http://0x7f.1/", "refused: 0x7f.1 resolves to a loopback address 127.0.0.1"),
        ("http://0177.0.0.1/", "refused: 0177.0.0.1 resolves to a loopback address 127.0.0.1"),
        ("http://127.1:8080/", "refused: 127.1 resolves to a loopback address 127.0.0.1"),
        ("http://0xa9fea9fe/latest/meta-data/", "refused: 0xa9fea9fe resolves to a link-local address 169.254.169.254"),
        ("http://0/", "refused: 0 resolves to an unspecified address 0.0.0.0"),
        ("http://0.0.0.0:8000/", "refused: 0.0.0.0 resolves to an unspecified address 0.0.0.0"),
        ("http://[::]/", "refused: :: resolves to an unspecified address ::"),
        (
            "http://[::ffff:7f00:1]/",
            "refused: ::ffff:7f00:1 resolves to an IPv4-mapped address ::ffff:7f00:1 "
            "embedding loopback address 127.0.0.1",
        ),
        (
            "http://[::127.0.0.1]/",
            "refused: ::127.0.0.1 resolves to an IPv4-compatible address ::7f00:1 embedding loopback address 127.0.0.1",
        ),
        ("http://[fe80::1%251]:8080/", "refused: fe80::1%251 resolves to a link-local address fe80::1"),
        (
            "https://[2002:7f00:1::]/",
            "refused: 2002:7f00:1:: resolves to a 6to4 address 2002:7f00:1:: embedding loopback address 127.0.0.1",
        ),
    ],
)
def test_numeric_hosts_are_checked_as_resolved(no_connections, url, problem):
    [rejection] = read_urls([url])
    assert rejection.problem == problem


def test_a_malformed_url_is_one_rejection_and_the_rest_still_run(no_connections):
    urls = ["http://example.test:abc/", "http://[::1/", "http://example.test:99999/", "http://a..b/", "http://[::1]/"]
    found = list(read_urls(urls))
    assert [r.input for r in found] == urls and all(isinstance(r, Rejection) for r in found)
    assert [r.problem for r in found] == [
        "not a valid URL (Port could not be cast to integer value as 'abc')",
        "not a valid URL (Invalid IPv6 URL)",
        "not a valid URL (Port out of range 0-65535)",
        "cannot resolve host 'a..b' (not a valid host name)",
        "refused: ::1 resolves to a loopback address ::1",
    ]


@pytest.fixture
def public_stand_in(monkeypatch, dns, site):
    """news.test resolves to a public address; connections to it reach the loopback site instead, and no
    connection goes anywhere else. So a redirect from a public host can be followed without leaving loopback."""
    public_address, site_port = "93.184.216.34", int(site.rsplit(":", 1)[1])
    dns["news.test"] = [public_address]
    real_connect = socket.socket.connect

    def connect(sock, address):
        if address[0] != public_address:
            raise AssertionError(f"a refused fetch connected to {address}")
        return real_connect(sock, ("127.0.0.1", site_port))

    monkeypatch.setattr(socket.socket, "connect", connect)
    return f"http://news.test:{site_port}"


def test_the_public_stand_in_serves_the_site(public_stand_in):
    [page] = read_urls([f"{public_stand_in}/moved"])
    assert isinstance(page, Article) and page.url == f"{public_stand_in}/page.html"


@pytest.mark.parametrize(
    ("target", "problem"),
    [
        ("http://127.0.0.1:22/", "refused: 127.0.0.1 resolves to a loopback address 127.0.0.1"),
        ("//127.0.0.1:8080/admin", "refused: 127.0.0.1 resolves to a loopback address 127.0.0.1"),
        ("http://2130706433:6379/", "refused: 2130706433 resolves to a loopback address 127.0.0.1"),
        (
            "http://[::ffff:169.254.169.254]/latest/meta-data/",
            "refused: ::ffff:169.254.169.254 resolves to an "
            "IPv4-mapped address ::ffff:a9fe:a9fe embedding link-local address 169.254.169.254",
        ),
        (
            "http://[2002:a9fe:a9fe::]:81/",
            "refused: 2002:a9fe:a9fe:: resolves to a 6to4 address 2002:a9fe:a9fe:: "
            "embedding link-local address 169.254.169.254",
        ),
        ("file:///etc/passwd", "refused: only http and https URLs are fetched, not file"),
        ("http://[::1/", "redirected to a URL that is not valid: http://[::1/ (Invalid IPv6 URL)"),
        (
            "http://news.test:abc/",
            "redirected to a URL that is not valid: http://news.test:abc/ "
            "(Port could not be cast to integer value as 'abc')",
        ),
    ],
)
def test_a_redirect_from_a_public_host_is_checked_again(public_stand_in, target, problem):
    [rejection] = read_urls([f"{public_stand_in}/redirect?to={target}"])
    assert isinstance(rejection, Rejection) and rejection.problem == problem


def test_a_url_with_non_ascii_and_spaces_is_sent_escaped(site):
    [page] = read_urls([f"{site}/café noir.html"], allow_private=True)
    assert isinstance(page, Article) and page.title == "Convoy leaves Raqqa"


def test_loopback_and_bad_schemes_are_refused_by_default(site):
    urls = [
        f"{site}/page.html",
        site.replace("127.0.0.1", "localhost") + "/page.html",
        "ftp://example.org/a",
        "http://user:pw@example.org/",
    ]
    found = list(read_urls(urls))
    assert all(isinstance(r, Rejection) for r in found)
    problems = [r.problem for r in found]
    assert problems[0].startswith("refused: 127.0.0.1 resolves to a loopback address")
    assert problems[1].startswith("refused: localhost resolves to a loopback address")
    assert "only http and https" in problems[2] and "credentials" in problems[3]
    assert [r.input for r in found] == urls


def test_fetching_a_page_when_private_addresses_are_allowed(site):
    page, moved, notes, image, missing, big, loop = read_urls(
        [
            f"{site}/page.html",
            f"{site}/moved",
            f"{site}/notes.txt",
            f"{site}/image.png",
            f"{site}/gone",
            f"{site}/big.html",
            f"{site}/loop",
        ],
        allow_private=True,
        max_bytes=4000,
    )
    assert isinstance(page, Article) and "no foreigners were among them" in page.original
    assert page.url == f"{site}/page.html" and "Home | World" not in page.original
    assert isinstance(moved, Article) and moved.url == f"{site}/page.html"  # redirect followed, final url kept
    assert isinstance(notes, Article) and notes.original.startswith("Plain notes")
    assert isinstance(image, Rejection) and "image/png" in image.problem
    assert isinstance(missing, Rejection) and missing.problem == "HTTP 404 Not Found"
    assert isinstance(big, Rejection) and "over the" in big.problem
    assert isinstance(loop, Rejection) and "redirects" in loop.problem


def test_fetching_a_page_over_tls(tls_site):
    page, moved = read_urls([f"{tls_site}/page.html", f"{tls_site}/moved"], allow_private=True)
    assert isinstance(page, Article) and "no foreigners were among them" in page.original
    assert isinstance(moved, Article) and moved.url == f"{tls_site}/page.html"


# A server that answers every read in time but never finishes: the per-read timeout (10 s) never fires,
# only the whole fetch's deadline ends it. The time bound is a guard against hanging, not a speed target.
@pytest.mark.parametrize("route", ["/drip-body", "/drip-headers"])
@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_dripping_server_is_cut_off_at_the_deadline(request, scheme, route):
    base = request.getfixturevalue("tls_site" if scheme == "https" else "site")
    started = time.monotonic()
    [rejection] = read_urls([f"{base}{route}"], allow_private=True, deadline_s=2)
    assert rejection.problem == "ran past the 2 s deadline for a whole fetch (redirects included)"
    assert time.monotonic() - started < DRIPPED_BYTES * DRIP_EVERY_S / 4


def test_the_deadline_spans_redirects(site):
    # Each of the four answers comes in 0.5 s, within the deadline alone; together they take 2 s.
    [completed] = read_urls([f"{site}/hop/1"], allow_private=True, deadline_s=10)
    assert isinstance(completed, Article) and completed.url == f"{site}/page.html"
    [rejection] = read_urls([f"{site}/hop/1"], allow_private=True, deadline_s=1.2)
    assert rejection.problem == "ran past the 1.2 s deadline for a whole fetch (redirects included)"


def test_a_tls_handshake_that_never_comes_is_cut_off_at_the_deadline():
    with socket.create_server(("127.0.0.1", 0)) as silent:  # connections queue up, nothing ever answers
        started = time.monotonic()
        [rejection] = read_urls([f"https://127.0.0.1:{silent.getsockname()[1]}/"], allow_private=True, deadline_s=1)
    assert rejection.problem == "ran past the 1 s deadline for a whole fetch (redirects included)"
    assert time.monotonic() - started < 9  # the 10 s per-wait timeout would have ended it later, differently


def test_cli_refuses_a_loopback_url_with_one_line(site, tmp_path):
    result = run_cli("ingest", f"{site}/page.html", cwd=tmp_path)
    assert result.returncode == 1
    lines = [line for line in result.stderr.decode().splitlines() if line.strip()]
    assert any(
        line.startswith(f"rejected: {site}/page.html: refused: 127.0.0.1 resolves to a loopback address")
        for line in lines
    )


def test_web_api_fetches_urls_only_where_allowed(site, tmp_path):
    with WebServer(tmp_path / "refusing.db") as server:
        status, data = server.post_json("/api/articles", {"urls": [f"{site}/page.html"]})
        assert status == 202, data
        job = server.wait_for_job(data["job"]["id"])
        assert not job["added"] and "loopback" in job["rejections"][0]["problem"]
        assert server.post_json("/api/articles", {"urls": ["file:///etc/passwd"]})[0] == 422
    with WebServer(tmp_path / "allowing.db", fetch_private=True) as server:
        status, data = server.post_json("/api/articles", {"urls": [f"{site}/page.html"]})
        job = server.wait_for_job(data["job"]["id"])
        assert job["state"] == "done" and len(job["added"]) == 1, job
        assert job["added"][0]["title"] == "Convoy leaves Raqqa"
