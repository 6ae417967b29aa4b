"""``rashomon bench load``: many clients at once against a real ``rashomon serve``, for a bounded time.

The server runs as a child process (the command a user runs), on a free loopback
port, over the given database or a synthetic one (``bench api``'s corpus). N
client threads, each with its own keep-alive connection as a browser tab has,
request the story list, story pages (page and API), search and, now and then,
the whole export, for S seconds. Every request counts: an HTTP status of 500 or
more, or a connection dropped or refused, is an error. The server's resident
memory is sampled throughout, so a leak or a buffer that grows with load shows.
"""

from __future__ import annotations

import http.client
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rashomon.web.server import free_port

# Request mix per client: (kind, weight). The export is the heaviest page by far and the rarest in real use.
MIX = [("story_list", 30), ("story_page", 40), ("search", 28), ("export", 2)]
SEARCH_WORDS = ["convoy", "ministry", "raqqa", "deal", "council", "police", "election", "protest", "border", "talks"]
RSS_EVERY_S = 0.5


@dataclass
class Sample:
    kind: str
    ms: float
    status: int  # 0: the connection failed (dropped, refused, reset)


@dataclass
class LoadResult:
    seconds: float
    samples: list[Sample] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)  # the server's resident memory, sampled during the run

    @property
    def errors(self) -> int:
        return sum(1 for s in self.samples if s.status == 0 or s.status >= 500)

    @property
    def dropped(self) -> int:
        return sum(1 for s in self.samples if s.status == 0)

    def by_kind(self) -> dict[str, list[Sample]]:
        kinds: dict[str, list[Sample]] = {}
        for sample in self.samples:
            kinds.setdefault(sample.kind, []).append(sample)
        return kinds


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


@contextmanager
def served(db_path: str, *extra: str, startup_s: float = 120.0) -> Iterator[tuple[str, subprocess.Popen]]:
    """``rashomon serve`` on ``db_path`` in a child process on a free loopback port: ``(base URL, process)``."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "rashomon", "serve", "--db", db_path, "--port", str(port), *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup_s
        while True:
            try:
                with urllib.request.urlopen(base + "/api/stories?limit=1", timeout=5):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    problem = process.stderr.read().decode(errors="replace") if process.stderr else ""
                    raise RuntimeError(f"rashomon serve did not start: {problem[-2000:]}") from None
                time.sleep(0.1)
        yield base, process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def rss_mb(pid: int) -> float | None:
    """Resident memory of a process in MB (Linux /proc), or None where it cannot be read."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def story_ids(base: str, limit: int = 200) -> list[str]:
    import json

    with urllib.request.urlopen(f"{base}/api/stories?limit={limit}", timeout=60) as response:
        return [s["id"] for s in json.loads(response.read())["stories"]]


def run_load(base: str, clients: int, seconds: float, *, pid: int | None = None, seed: int = 11) -> LoadResult:
    """``clients`` threads requesting the mix for ``seconds``; every request timed and its status kept."""
    stories = story_ids(base)
    if not stories:
        raise RuntimeError(f"{base}: the database holds no stories to load")
    host, port = base.removeprefix("http://").rsplit(":", 1)
    result = LoadResult(seconds)
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    kinds, weights = zip(*MIX)

    def path_for(kind: str, rng: random.Random) -> str:
        if kind == "story_list":
            return rng.choice(["/", "/api/stories", f"/api/stories?offset={rng.randrange(0, 100)}"])
        if kind == "story_page":
            story = rng.choice(stories)
            return rng.choice([f"/stories/{story}", f"/api/stories/{story}"])
        if kind == "search":
            return rng.choice(["/?q=", "/api/stories?q="]) + rng.choice(SEARCH_WORDS)
        return "/api/export"

    def client(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        connection: http.client.HTTPConnection | None = None
        mine: list[Sample] = []
        while time.monotonic() < stop_at:
            kind = rng.choices(kinds, weights)[0]
            path = path_for(kind, rng)
            started = time.perf_counter()
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(host, int(port), timeout=60)
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                status = response.status
                if response.getheader("connection", "").lower() == "close":
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException):
                status = 0
                if connection is not None:
                    connection.close()
                connection = None
            mine.append(Sample(kind, (time.perf_counter() - started) * 1000, status))
        if connection is not None:
            connection.close()
        with lock:
            result.samples.extend(mine)

    def watch_memory() -> None:
        while pid is not None and time.monotonic() < stop_at:
            value = rss_mb(pid)
            if value is not None:
                result.rss_mb.append(value)
            time.sleep(RSS_EVERY_S)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    threads.append(threading.Thread(target=watch_memory))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result


def report(result: LoadResult, clients: int, out: Callable[[str], None] = print) -> None:
    for kind, samples in sorted(result.by_kind().items()):
        ms = [s.ms for s in samples if s.status and s.status < 500]
        bad = sum(1 for s in samples if s.status == 0 or s.status >= 500)
        out(
            f"{kind}: {len(samples)} requests, p50 {percentile(ms, 0.5):.1f} ms, p95 {percentile(ms, 0.95):.1f} ms, "
            f"p99 {percentile(ms, 0.99):.1f} ms, errors {bad}"
        )
    if result.rss_mb:
        out(
            f"server memory: {result.rss_mb[0]:.0f} MB at the start, {max(result.rss_mb):.0f} MB at most, "
            f"{result.rss_mb[-1]:.0f} MB at the end (growth {max(result.rss_mb) - result.rss_mb[0]:.0f} MB)"
        )
    all_ms = [s.ms for s in result.samples if s.status and s.status < 500]
    statuses: dict[int, int] = {}
    for s in result.samples:
        statuses[s.status] = statuses.get(s.status, 0) + 1
    out(
        f"{clients} clients for {result.seconds:.0f} s: {len(result.samples)} requests, statuses "
        + ", ".join(f"{k or 'dropped'}: {v}" for k, v in sorted(statuses.items()))
        + (f", median {statistics.median(all_ms):.1f} ms" if all_ms else "")
    )
    total = len(result.samples)
    out(
        f"rps={total / result.seconds:.1f} p95_ms={percentile(all_ms, 0.95):.1f} "
        f"errors={result.errors / total if total else 1.0:.4f}"
    )


def run_load_bench(
    clients: int, seconds: float, *, db: str | None = None, articles: int = 2000, out: Callable[[str], None] = print
) -> LoadResult:
    """Serve ``db`` (or a fresh synthetic corpus of ``articles``) and load it; prints the figures."""
    from rashomon.bench.api import build_corpus

    with tempfile.TemporaryDirectory() as tmp:
        db_path = db
        if db_path is None:
            db_path = str(Path(tmp) / "load.db")
            n_stories, _ = build_corpus(db_path, articles)
            out(f"corpus: {articles} synthetic articles in {n_stories} stories")
        with served(db_path) as (base, process):
            result = run_load(base, clients, seconds, pid=process.pid)
    report(result, clients, out)
    return result
