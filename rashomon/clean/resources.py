"""Packaged data files the cleaning stage reads (once, on first use).

Boilerplate patterns live with the other per-language data in
``rashomon/lang/data/<code>/boilerplate.txt``; the cleaning stage's own
per-language resources (dateline words, outlet-name suffixes) live in
``rashomon/clean/data/<code>/``. ``xx`` holds what is language-neutral.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.abc import Traversable

LANGUAGE_NEUTRAL = "xx"

# A line that is exactly "[name]" starts a section (a boilerplate category).
_SECTION = re.compile(r"\[([a-z][a-z0-9-]*)\]")


@dataclass(frozen=True)
class DataLine:
    """One meaningful line of a data file, with where it came from."""

    code: str  # language code of the file, "xx" for language-neutral
    line_no: int
    section: str  # the last "[name]" above it, "" before any
    value: str


def lang_data_dir() -> Traversable:
    # Located from the top package so that importing rashomon.lang (owned by the
    # language-identification stage, possibly heavy) is not needed to read data.
    return resources.files("rashomon").joinpath("lang", "data")


def clean_data_dir() -> Traversable:
    return resources.files("rashomon").joinpath("clean", "data")


def read_data_files(root: Traversable, filename: str) -> list[DataLine]:
    """Every ``<root>/<code>/<filename>``'s lines, language-neutral first."""
    if not root.is_dir():
        return []
    codes = sorted(
        (d.name for d in root.iterdir() if d.is_dir() and d.joinpath(filename).is_file()),
        key=lambda code: (code != LANGUAGE_NEUTRAL, code),
    )
    lines: list[DataLine] = []
    for code in codes:
        lines.extend(parse_data_file(code, root.joinpath(code, filename).read_text(encoding="utf-8")))
    return lines


def parse_data_file(code: str, content: str) -> list[DataLine]:
    """Lines of a data file: ``#`` starts a comment line, ``[name]`` a section.

    Values are stripped; a value that must start with ``#`` is written ``\\#``.
    """
    section = ""
    lines: list[DataLine] = []
    for line_no, raw in enumerate(content.splitlines(), start=1):
        value = raw.strip()
        if not value or value.startswith("#"):
            continue
        if header := _SECTION.fullmatch(value):
            section = header.group(1)
            continue
        lines.append(DataLine(code, line_no, section, value))
    return lines


def data_codes(root: Traversable, filename: str) -> list[str]:
    if not root.is_dir():
        return []
    return sorted(d.name for d in root.iterdir() if d.is_dir() and d.joinpath(filename).is_file())


def digest_code_files(digest, root: Traversable, names: Sequence[str]) -> None:
    """Feed every ``<code>/<name>`` under ``root`` into ``digest``, each after its path, in a stable order.

    Stage versions are built on it, so that editing a per-language data file re-runs the stage that reads it.
    """
    if not root.is_dir():
        return
    for code_dir in sorted(root.iterdir(), key=lambda d: d.name):
        for name in names:
            if code_dir.is_dir() and code_dir.joinpath(name).is_file():
                digest.update(f"{code_dir.name}/{name}\n".encode())
                digest.update(code_dir.joinpath(name).read_bytes())


@cache
def data_fingerprint() -> str:
    """A short hash of every data file cleaning reads, for the stage version."""
    digest = hashlib.sha256()
    for root in (lang_data_dir(), clean_data_dir()):
        digest_code_files(digest, root, ("boilerplate.txt", "dateline.txt", "site_suffix.txt"))
    return digest.hexdigest()[:12]
