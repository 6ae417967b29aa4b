"""The web app under load, hostile requests and restarts, over a real SQLite file.

Load and restarts run the real `rashomon serve` in a child process (the command a user runs), so a kill is a
real kill; the cases that need a page server on loopback use the in-process server the other web tests use.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from rashomon.bench.load import rss_mb, run_load, served
from rashomon.store import Store
from rashomon.web.app import CONTENT_SECURITY_POLICY
from webserver import WebServer


@pytest.fixture
def seeds_copy(seeds_db, tmp_path) -> Path:
    db = tmp_path / "web.db"
    shutil.copy(seeds_db, db)
    return db


def post_json(base: str, path: str, data) -> tuple[int, dict, dict]:
    request = urllib.request.Request(
        base + path, data=json.dumps(data).encode(), method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def get_json(base: str, path: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(base + path, timeout=120) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def wait_for_jobs(base: str, job_ids: list[str], timeout: float = 600) -> dict[str, dict]:
    deadline = time.monotonic() + timeout
    finished: dict[str, dict] = {}
    while len(finished) < len(job_ids):
        assert time.monotonic() < deadline, f"jobs not finished: {set(job_ids) - set(finished)}"
        for job_id in job_ids:
            if job_id not in finished:
                status, data = get_json(base, f"/api/jobs/{job_id}")
                assert status == 200, data  # a job answered 202 for is never forgotten
                if data["job"]["state"] in ("done", "failed"):
                    finished[job_id] = data["job"]
        time.sleep(0.3)
    return finished


def article(n: int) -> dict[str, str]:
    return {
        "title": f"Council vote number {n}",
        "text": f"The city council of Lyon voted {n} times on Tuesday on the new tram line, its spokesman said. "
        f"Opponents said the {n}th vote was rushed.",
        "source": f"Outlet {n % 3}",
        "language": "en",
    }


def test_eight_clients_at_once_get_no_errors_and_no_dropped_connections(seeds_copy):
    with served(str(seeds_copy)) as (base, process):
        result = run_load(base, clients=8, seconds=6, pid=process.pid)
    statuses = {s.status for s in result.samples}
    assert len(result.samples) >= 40
    assert result.dropped == 0 and result.errors == 0, statuses
    assert statuses == {200}
    assert {"story_list", "story_page", "search"} <= set(result.by_kind())


def test_jobs_answered_202_survive_sigterm_and_kill_9(seeds_copy):
    posted = [article(n) for n in range(15)]
    with served(str(seeds_copy)) as (base, process):
        jobs = []
        for record in posted:
            status, _, data = post_json(base, "/api/articles", record)
            assert status == 202, data
            jobs.append(data["job"]["id"])
        process.send_signal(signal.SIGTERM)  # stopped as a service manager stops it, jobs still waiting
        process.wait(timeout=60)
    # Started again: the jobs are there and run; then killed hard while one is running, and started again.
    with served(str(seeds_copy)) as (base, process):
        deadline = time.monotonic() + 300
        while get_json(base, f"/api/jobs/{jobs[0]}")[1]["job"]["state"] == "queued":
            assert time.monotonic() < deadline
            time.sleep(0.1)
        process.kill()
        process.wait(timeout=60)
    with served(str(seeds_copy)) as (base, process):
        finished = wait_for_jobs(base, jobs)
    assert {job["state"] for job in finished.values()} == {"done"}
    with Store(seeds_copy) as store:
        titles = {a.title for a in store.articles.all()}
        assert {record["title"] for record in posted} <= titles
        assert store.jobs.unfinished() == []
    assert not any((Path(f"{seeds_copy}.work") / "jobs").iterdir())  # every spool cleared once its job finished


class StalledPage:
    """A loopback page server that starts an answer and then holds it, a byte every second, until released."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen()
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}/page"
        self.released = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        try:
            connection, _ = self.socket.accept()
        except OSError:
            return
        with connection:
            connection.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            while not self.released.wait(1.0):
                try:
                    connection.sendall(b"x")
                except OSError:
                    return

    def __enter__(self) -> "StalledPage":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.released.set()
        self.socket.close()
        self.thread.join(timeout=10)


def test_a_full_queue_answers_429_and_bodies_wait_on_disk_not_in_memory(tmp_path):
    accepted, body_chars = 30, 1_900_000  # 57 MB of articles waiting; each one under the 2,000,000-character limit
    with (
        StalledPage() as page,
        WebServer(
            tmp_path / "queue.db", fetch_private=True, max_active_jobs=accepted + 1, max_body_bytes=4_000_000
        ) as server,
    ):
        # The first job fetches a page that does not come: the worker waits on it, and every later job queues.
        status, blocked = server.post_json("/api/articles", {"urls": [page.url]})
        assert status == 202, blocked
        before = rss_mb(os.getpid())
        statuses, refused = [], None
        for n in range(accepted + 3):
            record = {"title": f"Long record {n}", "text": f"word{n:03d} " * (body_chars // 8)}
            status, headers, body = server.request(
                "/api/articles",
                method="POST",
                body=json.dumps(record).encode(),
                headers={"Content-Type": "application/json"},
            )
            statuses.append(status)
            if status == 429:
                refused = headers, json.loads(body)
        grown = rss_mb(os.getpid()) - before
        assert statuses == [202] * accepted + [429] * 3
        headers, body = refused
        assert int(headers["retry-after"]) > 0 and headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert body["error"]["status"] == 429
        # What was accepted waits as files beside the database, not as objects in the server.
        spooled = sum(f.stat().st_size for f in Path(f"{server.db_path}.work", "jobs").rglob("*") if f.is_file())
        assert spooled > accepted * body_chars
        assert grown < 25, f"the server grew by {grown:.0f} MB while accepting {accepted * body_chars / 1e6:.0f} MB"


def test_every_error_is_json_with_the_security_headers(seeds_copy):
    with Store(seeds_copy) as store:
        damaged = store.articles.ids()[0]
    raw = sqlite3.connect(seeds_copy)
    raw.execute("UPDATE articles SET layers = '{not json' WHERE id = ?", (damaged,))
    raw.commit()
    raw.close()
    with WebServer(seeds_copy) as server:
        # An unexpected error (a damaged row) is a 500 in the error shape, page or API, with every header.
        status, headers, body = server.request(f"/api/articles/{damaged}")
        assert status == 500 and headers["content-type"] == "application/json"
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert json.loads(body)["error"]["status"] == 500 and "Traceback" not in body.decode()
        status, headers, body = server.request(f"/articles/{damaged}")
        assert status == 500 and headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        # The server goes on serving.
        assert server.json("/api/stories")[0] == 200

        # JSON nested 100,000 deep is refused in one line, not a crash.
        status, headers, body = server.request(
            "/api/articles",
            method="POST",
            body=b"[" * 100_000 + b"]" * 100_000,
            headers={"Content-Type": "application/json"},
        )
        assert status == 400 and json.loads(body)["error"]["message"].startswith("request body:")
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY

        # A request line uvicorn cannot parse is answered in the same shape, with the same headers.
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as raw_socket:
            raw_socket.sendall(b"GET /api/stories?q=a b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            answer = b""
            while chunk := raw_socket.recv(65536):
                answer += chunk
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 400")
        assert b"content-security-policy: " + CONTENT_SECURITY_POLICY.encode() in head.lower()
        assert json.loads(body)["error"]["status"] == 400
