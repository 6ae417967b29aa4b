"""Ingest: files, folders and stdin in; Articles (or Rejections) out.

    for item in read_inputs(["news/", "extra.jsonl", "-"]):
        ...  # Article, or Rejection(input, problem) for what could not be read

New formats slot in with ``register(".ext")`` on a ``(label, stream, max_bytes)``
reader; see ``rashomon.ingest.formats``.
"""

from rashomon.ingest.formats import READERS, Reader, register, supported_extensions
from rashomon.ingest.ids import article_id
from rashomon.ingest.sources import DEFAULT_MAX_BYTES, read_inputs, read_uploads

__all__ = [
    "DEFAULT_MAX_BYTES",
    "READERS",
    "Reader",
    "article_id",
    "read_inputs",
    "read_uploads",
    "register",
    "supported_extensions",
]
