"""The one exception ingest uses internally; it never leaves ``read_inputs``."""

from __future__ import annotations


class IngestProblem(Exception):
    """A whole input cannot be read; the message is the user's one line."""


def human_size(n_bytes: int) -> str:
    if n_bytes >= 100_000:
        return f"{n_bytes / 1_000_000:.1f} MB"
    if n_bytes >= 1_000:
        return f"{n_bytes / 1_000:.1f} kB"
    return f"{n_bytes} bytes"


def human_limit(n_bytes: int) -> str:
    # Limits are usually round numbers the user typed; "50 MB", not "50.0 MB".
    if n_bytes >= 1_000_000:
        return f"{n_bytes / 1_000_000:g} MB"
    if n_bytes >= 1_000:
        return f"{n_bytes / 1_000:g} kB"
    return f"{n_bytes} bytes"


def over_limit(what: str, n_bytes: int, limit: int) -> str:
    return f"{what} is {human_size(n_bytes)}, over the {human_limit(limit)} limit (--max-bytes)"
