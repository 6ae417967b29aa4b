"""Fetching pages to ingest: private addresses refused, real HTTP on loopback when explicitly allowed."""

from __future__ import annotations

import http.server
import threading

import pytest

from conftest import run_cli
from rashomon.ingest.fetch import read_urls, refused_address
from rashomon.model import Article, Rejection
from webserver import WebServer

PAGE = b"""<!doctype html><html><head><title>Convoy leaves Raqqa</title>
<meta property="og:site_name" content="Loopback Gazette"></head><body><nav>Home | World | Sport</nav>
<article><h1>Convoy leaves Raqqa</h1><p>A convoy of buses left Raqqa at dawn on Sunday carrying the last fighters
and their families, a local official told reporters.</p><p>The official said no foreigners were among them, a claim
the coalition did not confirm. About 3,000 civilians also left the city during the night, he added.</p></article>
</body></html>"""


class Pages(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the stdlib's name
        routes = {
            "/page.html": (200, "text/html; charset=utf-8", PAGE),
            "/notes.txt": (200, "text/plain; charset=utf-8", b"Plain notes: the convoy left Raqqa on Sunday at dawn."),
            "/image.png": (200, "image/png", b"\x89PNG\r\n\x1a\n" + b"0" * 100),
            "/big.html": (200, "text/html", b"<p>" + b"x" * 5000 + b"</p>"),
        }
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/page.html")
            self.end_headers()
            return
        if self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
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


@pytest.fixture(scope="module")
def site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "192.168.0.1", "172.16.5.4", "169.254.169.254",
                                     "0.0.0.0", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "224.0.0.1",
                                     "100.64.0.1"])
def test_non_public_addresses_are_refused(address):
    assert refused_address(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_pass(address):
    assert refused_address(address) is None


def test_loopback_and_bad_schemes_are_refused_by_default(site):
    urls = [f"{site}/page.html", site.replace("127.0.0.1", "localhost") + "/page.html", "ftp://example.org/a",
            "http://user:pw@example.org/"]
    found = list(read_urls(urls))
    assert all(isinstance(r, Rejection) for r in found)
    problems = [r.problem for r in found]
    assert problems[0].startswith("refused: 127.0.0.1 resolves to a loopback address")
    assert problems[1].startswith("refused: localhost resolves to a loopback address")
    assert "only http and https" in problems[2] and "credentials" in problems[3]
    assert [r.input for r in found] == urls


def test_fetching_a_page_when_private_addresses_are_allowed(site):
    page, moved, notes, image, missing, big, loop = read_urls(
        [f"{site}/page.html", f"{site}/moved", f"{site}/notes.txt", f"{site}/image.png", f"{site}/gone",
         f"{site}/big.html", f"{site}/loop"],
        allow_private=True, max_bytes=4000)
    assert isinstance(page, Article) and "no foreigners were among them" in page.original
    assert page.url == f"{site}/page.html" and "Home | World" not in page.original
    assert isinstance(moved, Article) and moved.url == f"{site}/page.html"  # redirect followed, final url kept
    assert isinstance(notes, Article) and notes.original.startswith("Plain notes")
    assert isinstance(image, Rejection) and "image/png" in image.problem
    assert isinstance(missing, Rejection) and missing.problem == "HTTP 404 Not Found"
    assert isinstance(big, Rejection) and "over the" in big.problem
    assert isinstance(loop, Rejection) and "redirects" in loop.problem


def test_cli_refuses_a_loopback_url_with_one_line(site, tmp_path):
    result = run_cli("ingest", f"{site}/page.html", cwd=tmp_path)
    assert result.returncode == 1
    lines = [line for line in result.stderr.decode().splitlines() if line.strip()]
    assert any(line.startswith(f"rejected: {site}/page.html: refused: 127.0.0.1 resolves to a loopback address") for line in lines)


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
