"""Background ingest from the browser and the API: jobs kept in the store, inputs spooled to disk, one worker.

A 202 is a promise kept. Before the server answers, the job's inputs (the
validated articles, the URLs, or the uploaded files) are written to a spool
folder beside the database and the job is a ``queued`` row in the store; a
server stopped, killed or restarted finds its ``queued`` and ``running`` jobs
there when it starts and runs them (ingest is idempotent: articles are keyed
by their content, and analysis resumes batch by batch). Nothing a job waits on
is held in memory, so a burst of uploads costs disk, not RAM, and the queue is
bounded: past ``max_active`` unfinished jobs a submit is refused (HTTP 429 with
Retry-After) instead of piling up.

One worker thread, because SQLite has one writer and analysis already uses
every core through the encoder; it opens its own connection (a connection
belongs to the thread that made it). Each job runs the same analysis as
``rashomon analyze`` (``pipeline.run_analysis``), and its progress is written
to its row, at most a few times a second, for ``GET /api/jobs/{id}`` and the
job page.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import threading
import time
from pathlib import Path
from typing import Any, Iterator

from ..model import Article, Rejection, problem_line
from ..store import JobRecord, Store
from ..store.jobs import DONE, FAILED, RUNNING

STAGE_TITLES = {
    "queued": "waiting for earlier jobs",
    "reading": "reading the inputs",
    "analyse": "analysing articles",
    "entities": "resolving entities",
    "stories": "grouping into stories",
    "compare": "comparing sources",
    "done": "done",
    "failed": "failed",
}
KEEP_FINISHED = 200  # finished jobs remembered for their pages
# Unfinished jobs accepted before a submit is refused with 429: each may hold up to a request body of spool on
# disk, and a queue this long already takes minutes to work through on a laptop.
DEFAULT_MAX_ACTIVE = 32
RETRY_AFTER_S = 30  # told to a refused client: about one job's analysis
PROGRESS_EVERY_S = 0.25  # progress writes are throttled: the page polls a few times a second at most
CHUNK = 1 << 20  # uploads are copied to the spool this many bytes at a time

ARTICLES, URLS, UPLOADS = "articles", "urls", "uploads"


class QueueFull(Exception):
    """Too many unfinished jobs: the client should come back after ``RETRY_AFTER_S``."""


def job_record(job: JobRecord) -> dict[str, Any]:
    """What the API and the job page show of a job."""
    progress, result = job.progress, job.result
    stage = progress.get("stage", job.state)
    return {
        "id": job.id,
        "state": job.state,
        "stage": stage,
        "stage_title": STAGE_TITLES.get(stage, stage),
        "done": progress.get("done", 0),
        "total": progress.get("total"),
        "inputs": job.inputs,
        "added": list(result.get("added", [])),
        "duplicates": list(result.get("duplicates", [])),
        "rejections": list(result.get("rejections", [])),
        "summary": list(result.get("summary", [])),
        "error": result.get("error"),
    }


class Spool:
    """A job's inputs on disk, in a folder of their own, written before the job is accepted."""

    def __init__(self, root: Path):
        self.job_id = secrets.token_hex(8)
        self.path = root / self.job_id
        self.path.mkdir(parents=True)
        self._files: list[dict[str, str]] = []

    def write_json(self, name: str, data: Any) -> None:
        with open(self.path / name, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False)
            out.flush()
            os.fsync(out.fileno())

    async def add_upload(self, label: str, upload: Any) -> None:
        """Copy one uploaded file (a Starlette ``UploadFile``) into the spool, a chunk at a time."""
        name = str(len(self._files))
        with open(self.path / name, "wb") as out:
            while chunk := await upload.read(CHUNK):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        self._files.append({"label": label, "file": name})

    def close_uploads(self) -> int:
        self.write_json("uploads.json", self._files)
        return len(self._files)

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def read_spool(job: JobRecord, *, max_bytes: int, allow_private: bool) -> Iterator[Article | Rejection]:
    """The job's inputs, read back from its spool one at a time."""
    from ..ingest import read_uploads
    from ..ingest.fetch import read_urls
    from ..ingest.records import article_from_record

    folder = Path(job.spool)
    if job.kind == ARTICLES:
        given = json.loads((folder / "articles.json").read_text(encoding="utf-8"))
        for n, record in enumerate(given["articles"], 1):
            yield article_from_record(record, f"{given['label']}:{n}")
    elif job.kind == URLS:
        urls = json.loads((folder / "urls.json").read_text(encoding="utf-8"))
        yield from read_urls(urls, max_bytes=max_bytes, allow_private=allow_private)
    elif job.kind == UPLOADS:
        files = json.loads((folder / "uploads.json").read_text(encoding="utf-8"))
        # A generator, so only one uploaded file is in memory at a time.
        yield from read_uploads(((f["label"], (folder / f["file"]).read_bytes()) for f in files), max_bytes=max_bytes)
    else:
        raise ValueError(f"unknown job kind {job.kind!r}")


class JobQueue:
    """Jobs in the store at ``db_path``, their inputs spooled under ``spool_root``, run by one worker thread."""

    def __init__(
        self,
        db_path: str,
        spool_root: Path,
        *,
        max_bytes: int,
        allow_private: bool = False,
        max_active: int = DEFAULT_MAX_ACTIVE,
    ):
        self.db_path = db_path
        self.spool_root = spool_root
        self.max_bytes = max_bytes
        self.allow_private = allow_private
        self.max_active = max_active
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None

    def start(self) -> None:
        """Sweep spools no job owns (a server killed between spooling and accepting), then resume unfinished jobs."""
        self.spool_root.mkdir(parents=True, exist_ok=True)
        with Store(self.db_path) as store:
            owned = {Path(job.spool).name for job in store.jobs.unfinished()}
            pending = bool(owned)
        for folder in self.spool_root.iterdir():
            if folder.name not in owned:
                shutil.rmtree(folder, ignore_errors=True)
        if pending:
            self._ensure_worker()

    def new_spool(self) -> Spool:
        return Spool(self.spool_root)

    def check_room(self, store: Store) -> None:
        """Raise QueueFull before a request body is even read, when the queue is already full."""
        if store.jobs.active() >= self.max_active:
            raise QueueFull()

    def submit(self, store: Store, spool: Spool, kind: str, inputs: int) -> JobRecord:
        """Accept a spooled job: from here on it survives restarts. QueueFull (and the spool discarded) if no room."""
        try:
            with store.transaction():
                # Counted inside the write transaction, so two submits at once cannot both take the last place.
                if store.jobs.active() >= self.max_active:
                    raise QueueFull()
                job = store.jobs.add(spool.job_id, kind, inputs, str(spool.path))
        except BaseException:
            spool.discard()
            raise
        self._ensure_worker()
        self._wake.set()
        return job

    def _ensure_worker(self) -> None:
        with self._lock:
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._work, name="rashomon-ingest", daemon=True)
                self._worker.start()

    def _work(self) -> None:
        store = Store(self.db_path)
        while True:
            self._wake.clear()
            unfinished = store.jobs.unfinished()
            if not unfinished:
                self._wake.wait(timeout=5.0)
                continue
            job = unfinished[0]
            try:
                self._run(store, job)
            except Exception as error:  # a failed job is reported on its page; the worker serves the next one
                store.jobs.finish(job.id, FAILED, {"error": problem_line(error)})
            shutil.rmtree(job.spool, ignore_errors=True)
            for old in store.jobs.forget_finished(KEEP_FINISHED):
                shutil.rmtree(old.spool, ignore_errors=True)

    def _run(self, store: Store, job: JobRecord) -> None:
        from ..pipeline import ingest_items, run_analysis
        from ..run import InProcess

        progress = _Progress(store, job.id)
        progress("reading", 0, job.inputs, state=RUNNING)
        seen = 0

        def on_item(item: Article | Rejection, result) -> None:
            nonlocal seen
            seen += 1
            progress("reading", seen, job.inputs)

        items = read_spool(job, max_bytes=self.max_bytes, allow_private=self.allow_private)
        report = ingest_items(store, items, on_item=on_item)
        store.jobs.set_result(
            job.id,
            {
                "rejections": [{"input": r.input, "problem": r.problem} for r in report.rejections],
                "duplicates": [d.article_id for d in report.duplicates],
            },
        )
        summary = run_analysis(store, InProcess(), on_progress=progress)
        added = []
        for result in [*report.added, *report.duplicates]:
            article = store.articles.get(result.article_id)
            if article is not None:
                added.append(
                    {
                        "id": article.id,
                        "title": article.title or "(untitled)",
                        "story_id": store.stories.of_article(article.id),
                        "new": result.is_new,
                    }
                )
        progress.flush()
        store.jobs.finish(job.id, DONE, {"added": added, "summary": summary.lines(store.path)})


class _Progress:
    """Writes a job's progress to its row: at each new stage, then at most every PROGRESS_EVERY_S."""

    def __init__(self, store: Store, job_id: str):
        self.store, self.job_id = store, job_id
        self._last: tuple[str, int, int | None] | None = None
        self._written_stage: str | None = None
        self._written_at = 0.0

    def __call__(self, stage: str, done: int, total: int | None, *, state: str | None = None) -> None:
        self._last = (stage, done, total)
        now = time.monotonic()
        if state is not None or stage != self._written_stage or now - self._written_at >= PROGRESS_EVERY_S:
            self.store.jobs.set_progress(self.job_id, stage, done, total, state=state)
            self._written_stage, self._written_at = stage, now

    def flush(self) -> None:
        if self._last is not None:
            self.store.jobs.set_progress(self.job_id, *self._last)
