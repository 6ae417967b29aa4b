"""Background ingest from the browser and the API: a queue of jobs and one worker thread.

One worker, because SQLite has one writer and analysis already uses every core
through the encoder; it opens its own connection (a connection belongs to the
thread that made it). Each job reads its inputs, stores them, and runs the same
analysis as ``rashomon analyze`` (``pipeline.run_analysis``), reporting progress
that ``GET /api/jobs/{id}`` returns and the job page polls. Jobs live in memory:
a restarted server forgets finished jobs, never the articles they stored.
"""

from __future__ import annotations

import queue
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from ..model import Article, Rejection
from ..store import Store

# A job's input: a function producing articles and rejections, called in the worker.
ItemSource = Callable[[], Iterable[Article | Rejection]]

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


@dataclass
class Job:
    id: str
    inputs: int  # how many inputs (files, pasted texts) were given
    state: str = "queued"  # queued | running | done | failed
    stage: str = "queued"
    done: int = 0
    total: int | None = None
    added: list[dict[str, Any]] = field(default_factory=list)  # {id, title, story_id}
    duplicates: list[str] = field(default_factory=list)
    rejections: list[dict[str, str]] = field(default_factory=list)  # {input, problem}
    summary: list[str] = field(default_factory=list)
    error: str | None = None
    created: float = field(default_factory=time.time)
    finished: float | None = None

    def record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "state": self.state,
            "stage": self.stage,
            "stage_title": STAGE_TITLES.get(self.stage, self.stage),
            "done": self.done,
            "total": self.total,
            "inputs": self.inputs,
            "added": list(self.added),
            "duplicates": list(self.duplicates),
            "rejections": list(self.rejections),
            "summary": list(self.summary),
            "error": self.error,
        }


class JobQueue:
    def __init__(self, db_path: str):
        self.db_path = db_path
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._queue: queue.Queue[tuple[Job, ItemSource]] = queue.Queue()
        self._worker: threading.Thread | None = None

    def submit(self, source: ItemSource, inputs: int) -> Job:
        job = Job(id=secrets.token_hex(8), inputs=inputs)
        with self._lock:
            self._jobs[job.id] = job
            self._forget_old()
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._work, name="rashomon-ingest", daemon=True)
                self._worker.start()
        self._queue.put((job, source))
        return job

    def get(self, job_id: str) -> dict[str, Any] | None:
        with self._lock:
            job = self._jobs.get(job_id)
            return job.record() if job else None

    def _forget_old(self) -> None:
        finished = sorted((j for j in self._jobs.values() if j.finished), key=lambda j: j.finished or 0)
        for job in finished[: max(0, len(finished) - KEEP_FINISHED)]:
            del self._jobs[job.id]

    def _update(self, job: Job, **changes: Any) -> None:
        with self._lock:
            for name, value in changes.items():
                setattr(job, name, value)

    def _work(self) -> None:
        store: Store | None = None
        while True:
            job, source = self._queue.get()
            try:
                if store is None:
                    store = Store(self.db_path)
                self._run(store, job, source)
            except Exception as error:  # a failed job is reported on its page; the worker serves the next one
                self._update(job, state="failed", stage="failed", error=f"{type(error).__name__}: {error}",
                             finished=time.time())
            finally:
                self._queue.task_done()

    def _run(self, store: Store, job: Job, source: ItemSource) -> None:
        from ..pipeline import ingest_items, run_analysis
        from ..run import InProcess

        self._update(job, state="running", stage="reading", done=0, total=job.inputs)
        seen = 0

        def on_item(item: Article | Rejection, result) -> None:
            nonlocal seen
            seen += 1
            self._update(job, done=seen)

        report = ingest_items(store, source(), on_item=on_item)
        rejections = [{"input": r.input, "problem": r.problem} for r in report.rejections]
        self._update(job, rejections=rejections, duplicates=[d.article_id for d in report.duplicates])

        def on_progress(stage: str, done: int, total: int | None) -> None:
            self._update(job, stage=stage, done=done, total=total)

        summary = run_analysis(store, InProcess(), on_progress=on_progress)
        added = []
        for result in [*report.added, *report.duplicates]:
            article = store.article(result.article_id)
            if article is not None:
                added.append({"id": article.id, "title": article.title or "(untitled)",
                              "story_id": store.story_of_article(article.id), "new": result.is_new})
        self._update(job, added=added, summary=summary.lines(store.path), state="done", stage="done",
                     finished=time.time())
