"""The one exception ingest uses, and how any problem becomes the user's one line.

``IngestProblem`` never leaves ``read_inputs`` or ``read_uploads``: ``guarded`` turns it (and anything else an
input or a record raises) into a ``Rejection``. ``parse_json`` raises it too, for callers outside ingest.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rashomon.model import Article, Rejection

# A rejection is read in a terminal, a log or a web page: long enough for a path, a position and a reason, short
# enough that a message quoting untrusted content (a JSON key, a parser's error) cannot flood any of them.
MAX_LINE_CHARS = 500

# Line breaks of every kind (\n, \r, \v, \f, NEL, U+2028/2029) and other control characters: any of them would
# start a new line, or hide text, in a terminal or a log.
_BREAKS_AND_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class IngestProblem(Exception):
    """A whole input (or one record, inside a record's guard) cannot be read; the message is the user's one line."""


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


def without_lone_surrogates(text: str) -> str:
    """``text`` with each lone surrogate (U+D800..U+DFFF) replaced by U+FFFD, so that it encodes as UTF-8.

    JSON may escape half of a character ("\\ud83d", an emoji cut by a truncating exporter) and file names that are
    not UTF-8 reach Python as surrogate escapes; neither can be written to SQLite, a terminal or a web page.
    """
    return _LONE_SURROGATE.sub("\ufffd", text) if _LONE_SURROGATE.search(text) else text


def one_line(text: str) -> str:
    """``text`` as one printable line: breaks and control characters become a space, lone surrogates U+FFFD,
    and anything past ``MAX_LINE_CHARS`` characters is cut (marked with an ellipsis)."""
    line = _BREAKS_AND_CONTROLS.sub(" ", without_lone_surrogates(text)).strip()
    return line if len(line) <= MAX_LINE_CHARS else line[: MAX_LINE_CHARS - 1] + "\u2026"


def printable(item: Article | Rejection) -> Article | Rejection:
    """A Rejection whose input and problem are one printable line each (Articles pass unchanged: ``build_article``
    already made their strings safe)."""
    if isinstance(item, Rejection):
        return Rejection(one_line(item.input), one_line(item.problem))
    return item


def describe_os_error(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "no such file or folder"
    if isinstance(error, PermissionError):
        return "permission denied"
    return (error.strerror or str(error)).lower()


def describe_unexpected(error: BaseException) -> str:
    return f"could not read ({type(error).__name__}: {error})"


def guarded(label: str, items: Iterator[Article | Rejection]) -> Iterator[Article | Rejection]:
    """Pass items through; turn whatever stops them into one Rejection labelled ``label``.

    Used for each input (a WARC archive corrupt at record 900 still gives the first 899, and the batch goes on
    with the next input) and for each record of a JSON, JSON Lines or CSV file (a bad record is its own line,
    and the next record goes on).
    """
    try:
        yield from items
    except IngestProblem as problem:
        yield Rejection(label, str(problem))
    except OSError as error:
        yield Rejection(label, describe_os_error(error))
    except Exception as error:  # the promise is that one bad input or record never stops the rest
        yield Rejection(label, describe_unexpected(error))
