"""Ingest: files, folders and stdin in; Articles (or Rejections) out.

    for item in read_inputs(["news/", "extra.jsonl", "-"]):
        ...  # Article, or Rejection(input, problem) for what could not be read

New formats slot in with ``register(".ext")`` on a ``(label, stream, max_bytes)``
reader; see ``rashomon.ingest.formats``. ``parse_json(text, max_depth=64)`` parses
untrusted JSON anywhere (the web API too): it raises ``JsonProblem``, an
``IngestProblem`` with a one-line message, and nothing else.
"""

from rashomon.ingest.decoding import MAX_JSON_DEPTH, JsonProblem, parse_json
from rashomon.ingest.formats import READERS, Reader, register, supported_extensions
from rashomon.ingest.ids import article_id
from rashomon.ingest.problems import IngestProblem
from rashomon.ingest.sources import DEFAULT_MAX_BYTES, read_inputs, read_uploads

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_JSON_DEPTH",
    "READERS",
    "IngestProblem",
    "JsonProblem",
    "Reader",
    "article_id",
    "parse_json",
    "read_inputs",
    "read_uploads",
    "register",
    "supported_extensions",
]
