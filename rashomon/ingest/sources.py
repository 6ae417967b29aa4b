"""From what the user named (files, folders, "-") to readers, one input at a time."""

from __future__ import annotations

import io
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from rashomon.ingest.decoding import SNIFF_BYTES, byte_order_mark, looks_binary
from rashomon.ingest.formats import READERS, Item, Reader, extension_for, supported_extensions
from rashomon.ingest.problems import IngestProblem, describe_os_error, guarded, over_limit, printable
from rashomon.model import Rejection

DEFAULT_MAX_BYTES = 50_000_000
STDIN = "-"
STDIN_LABEL = "<stdin>"


def read_inputs(
    inputs: Iterable[str], *, max_bytes: int = DEFAULT_MAX_BYTES, stdin: BinaryIO | None = None
) -> Iterator[Item]:
    """Every article in ``inputs``, in order; bad inputs come out as Rejections.

    Lazy and streaming: one file is open at a time and line-oriented formats
    are read a record at a time, so a large folder costs no more memory than
    its largest file. Every string of what comes out encodes as UTF-8, and a
    Rejection's input and problem are one line each.
    """
    for item in _read_inputs(inputs, max_bytes, stdin):
        yield printable(item)


def _read_inputs(inputs: Iterable[str], max_bytes: int, stdin: BinaryIO | None) -> Iterator[Item]:
    for given_name in inputs:
        name = os.fspath(given_name)  # pathlib.Path works too
        if name == STDIN:
            yield from guarded(STDIN_LABEL, _read_stdin(stdin, max_bytes))
        elif name.startswith(("http://", "https://")):
            from rashomon.ingest.fetch import read_urls  # only runs that fetch pay for the HTML parser

            yield from read_urls([name], max_bytes=max_bytes)
        else:
            yield from _read_named_path(name, max_bytes)


def read_uploads(files: Iterable[tuple[str, bytes]], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Item]:
    """Articles in files received whole (a browser upload): ``(label, content)``, the format from the label's extension.

    The same checks and one-Rejection-per-bad-file promise as files on disk, and the same one-line,
    UTF-8-encodable output.
    """
    for item in _read_uploads(files, max_bytes):
        yield printable(item)


def _read_uploads(files: Iterable[tuple[str, bytes]], max_bytes: int) -> Iterator[Item]:
    for label, data in files:
        extension = extension_for(os.path.basename(label))
        if extension is None:
            yield Rejection(label, _unsupported_type_problem(label))
            continue
        yield from guarded(label, _read_bytes(label, data, READERS[extension], max_bytes))


def _read_bytes(label: str, data: bytes, reader: Reader, max_bytes: int) -> Iterator[Item]:
    if not data:
        raise IngestProblem("empty file")
    if reader.whole_file and len(data) > max_bytes:
        raise IngestProblem(over_limit("file", len(data), max_bytes))
    if not reader.binary and looks_binary(data[:SNIFF_BYTES]):
        raise IngestProblem("binary file, not text")
    yield from reader.read(label, io.BytesIO(data), max_bytes)


def _read_named_path(path: str, max_bytes: int) -> Iterator[Item]:
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        yield Rejection(path, describe_os_error(error))
        return
    if stat.S_ISDIR(mode):
        yield from _read_folder(path, max_bytes)
        return
    extension = extension_for(os.path.basename(path))
    if extension is None:
        yield Rejection(path, _unsupported_type_problem(path))
        return
    yield from guarded(path, _read_file(path, READERS[extension], max_bytes))


def _read_folder(folder: str, max_bytes: int) -> Iterator[Item]:
    found_an_article_file = False
    for entry in _walk_files(folder):
        if isinstance(entry, Rejection):
            yield entry
            continue
        extension = extension_for(os.path.basename(entry))
        if extension is None:
            continue  # images, notes and the like sit next to articles
        found_an_article_file = True
        yield from guarded(entry, _read_file(entry, READERS[extension], max_bytes))
    if not found_an_article_file:
        yield Rejection(folder, f"no articles found in folder (looked for {supported_extensions()})")


def _walk_files(folder: str) -> Iterator[str | Rejection]:
    """Files under ``folder`` in name order, depth first, hidden ones skipped.

    Symlinked folders are not followed, so a link cycle cannot loop forever.
    """
    try:
        with os.scandir(folder) as scan:
            entries = sorted((entry for entry in scan if not entry.name.startswith(".")), key=lambda e: e.name)
    except OSError as error:
        yield Rejection(folder, describe_os_error(error))
        return
    for entry in entries:
        try:
            is_folder = entry.is_dir(follow_symlinks=False)
            is_file = entry.is_file()
        except OSError:
            continue
        if is_folder:
            yield from _walk_files(entry.path)
        elif is_file:
            yield entry.path


def _read_file(path: str, reader: Reader, max_bytes: int) -> Iterator[Item]:
    size = os.stat(path).st_size
    if size == 0:
        raise IngestProblem("empty file")
    if reader.whole_file and size > max_bytes:
        raise IngestProblem(over_limit("file", size, max_bytes))
    with open(path, "rb") as stream:
        if not reader.binary:
            if looks_binary(stream.read(SNIFF_BYTES)):
                raise IngestProblem("binary file, not text")
            stream.seek(0)
        yield from reader.read(path, stream, max_bytes)


def _read_stdin(stream: BinaryIO | None, max_bytes: int) -> Iterator[Item]:
    # Resolved here, inside the guard: a process with no stdin gets a Rejection.
    source = stream if stream is not None else sys.stdin.buffer
    # The format is decided from the content, which needs all of it; the limit
    # keeps an endless pipe from filling memory.
    data = source.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise IngestProblem(over_limit("input", len(data), max_bytes))
    if not data.strip():
        raise IngestProblem("empty input")
    if looks_binary(data[:SNIFF_BYTES]):
        raise IngestProblem("binary input, not text")
    reader = READERS[_stdin_format(data)]
    yield from reader.read(STDIN_LABEL, io.BytesIO(data), max_bytes)


def _stdin_format(data: bytes) -> str:
    """ ".jsonl" when every non-empty line is an object, ".html" for a page, else ".txt"."""
    mark = byte_order_mark(data)
    if mark is not None and mark.name != "UTF-8":
        return ".txt"
    body = data[len(mark.mark) :] if mark else data
    lines = [line.lstrip() for line in body.splitlines() if line.strip()]
    if lines and all(line.startswith(b"{") for line in lines):
        return ".jsonl"
    if body.lstrip()[:14].lower() in (b"<!doctype html",) or body.lstrip()[:5].lower() == b"<html":
        return ".html"
    return ".txt"


def _unsupported_type_problem(path: str) -> str:
    extension = os.path.splitext(path)[1]
    what = f"unsupported file type {extension}" if extension else "unsupported file type (no extension)"
    return f"{what} (supported: {supported_extensions()})"
