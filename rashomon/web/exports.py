"""The export as the web app serves it (every format and table `rashomon export` writes): built once per corpus
revision, format and table, then streamed from disk.

Building the export of a few thousand articles takes a second or more of CPU and
a hundred MB of memory; eight clients asking for it at once would take the server
with them. So it is built by one request at a time, inside one read snapshot,
written to a file named after the store's revision, and every request for the same
revision streams that file. A new commit to the store raises the revision, and
the next request builds the export afresh.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import BinaryIO, Iterator

from ..present.layers import export_corpus
from ..present.tables import write_export, write_workbook
from ..store import Store

KEEP = 2  # exports kept on disk: the newest, and the one before it for requests still streaming it
CHUNK = 1 << 20  # a thread hop per chunk: fewer, larger reads stream the export faster


class ExportCache:
    def __init__(self, folder: Path):
        self.folder = folder
        self._lock = threading.Lock()

    def open(self, store: Store, format: str = "json", table: str = "articles") -> BinaryIO:
        """The export of the store as it is now, opened for reading (an open file outlives its removal)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"export-{store.revision()}{_suffix(format, table)}"
        if not path.exists():
            with self._lock:
                if not path.exists():
                    path = self._build(store, format, table)
        return open(path, "rb")

    def _build(self, store: Store, format: str, table: str) -> Path:
        suffix = _suffix(format, table)
        with store.snapshot():
            path = self.folder / f"export-{store.revision()}{suffix}"
            partial = path.with_name(path.name + ".partial")
            corpus = store.corpus()
            doc = export_corpus(corpus)
            if format == "xlsx":
                write_workbook(doc, corpus, partial)
            else:
                with open(partial, "w", encoding="utf-8", newline="") as out:
                    write_export(doc, corpus, format, table, out)
        os.replace(partial, path)
        # The newest KEEP of this format and table stay; every other kind keeps its own.
        for old in sorted(self.folder.glob(f"export-*{suffix}"), key=lambda p: p.stat().st_mtime)[:-KEEP]:
            old.unlink(missing_ok=True)
        return path


def _suffix(format: str, table: str) -> str:
    """``.json``, ``.jsonl``, ``.xlsx``; csv names its table: ``-comparison.csv``."""
    return f"-{table}.csv" if format == "csv" else f".{format}"


def chunks(stream: BinaryIO) -> Iterator[bytes]:
    with stream:
        while data := stream.read(CHUNK):
            yield data
