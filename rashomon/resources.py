"""Packaged data files and trained artifacts: where they live, how they are read, how stage versions hash them.

Every stage reads its word lists, tables and models through here, so that reading a word list imports
nothing but the standard library (not the cleaning stage, not ftfy).

Data files are one value per line, ``#`` comment lines, ``[name]`` section headers (``parse_data_file``).
Per-language files live in ``<package>/data/<code>/<name>``: the shared language data in
``rashomon/lang/data/<code>/`` (``lang_data_dir``), a stage's own in its package (``clean/data``,
``persuasion/data``). The code ``xx`` holds what is language-neutral.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

LANGUAGE_NEUTRAL = "xx"

# A line that is exactly "[name]" starts a section.
_SECTION = re.compile(r"\[([a-z][a-z0-9-]*)\]")


@dataclass(frozen=True)
class DataLine:
    """One meaningful line of a data file, with where it came from."""

    code: str  # language code of the file, "xx" for language-neutral
    line_no: int
    section: str  # the last "[name]" above it, "" before any
    value: str


# ---------------------------------------------------------------- where


def package_data_dir(package: str) -> Traversable:
    """``<package>/data``, e.g. ``package_data_dir("clean")`` for the cleaning stage's own files."""
    # Located from the top package so that importing the stage (possibly heavy) is not needed to read its data.
    return resources.files("rashomon").joinpath(*package.split("."), "data")


def lang_data_dir() -> Traversable:
    """The per-language data every stage shares: ``rashomon/lang/data/<code>/``."""
    return package_data_dir("lang")


# ---------------------------------------------------------------- parsing


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


def read_data_file(root: Traversable, code: str, name: str) -> list[DataLine]:
    """The lines of ``<root>/<code>/<name>``; empty if there is no such file."""
    path = root.joinpath(code, name)
    if not path.is_file():
        return []
    return parse_data_file(code, path.read_text(encoding="utf-8"))


def read_data_files(root: Traversable, filename: str) -> list[DataLine]:
    """Every ``<root>/<code>/<filename>``'s lines, language-neutral first."""
    codes = sorted(data_codes(root, filename), key=lambda code: (code != LANGUAGE_NEUTRAL, code))
    lines: list[DataLine] = []
    for code in codes:
        lines.extend(read_data_file(root, code, filename))
    return lines


def data_codes(root: Traversable, filename: str) -> list[str]:
    """The codes under ``root`` that have a ``filename``, sorted."""
    if not root.is_dir():
        return []
    return sorted(d.name for d in root.iterdir() if d.is_dir() and d.joinpath(filename).is_file())


@cache
def data_lines(code: str, name: str) -> tuple[DataLine, ...]:
    """The lines of one language's shared resource file (``lang/data/<code>/<name>``); empty if it has none."""
    return tuple(read_data_file(lang_data_dir(), code, name))


@cache
def word_list(code: str, name: str) -> tuple[str, ...]:
    """The values of one language's shared resource file, in file order."""
    return tuple(line.value for line in data_lines(code, name))


def has_resource(code: str, name: str) -> bool:
    return lang_data_dir().joinpath(code, name).is_file()


def valued_words(lines: Iterable[str], cast=float) -> dict:
    """``"word or phrase VALUE"`` lines as ``{lowercased phrase: cast(VALUE)}`` (month numbers, number words)."""
    out = {}
    for line in lines:
        word, _, value = line.rpartition(" ")
        out[word.lower()] = cast(value)
    return out


def read_table(path: Traversable | Path) -> list[list[str]]:
    """A tab-separated file's rows (``#`` comment lines and blank lines skipped); cells are not stripped,
    so an empty cell stays a value (a letter that romanises to nothing)."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


# ---------------------------------------------------------------- versions


def digest_data_files(roots: Sequence[Traversable], names: Sequence[str], *, chars: int, seed: bytes = b"") -> str:
    """A short hash of every ``<root>/<code>/<name>``, each after its ``code/name`` path, in a stable order.

    Stage versions are built on it, so that editing a data file re-runs the stage that reads it; ``seed`` is
    hashed first (a model file the stage also reads). Paths are relative to their root, so moving code never
    changes a version.
    """
    digest = hashlib.sha256(seed)
    for root in roots:
        if not root.is_dir():
            continue
        for code_dir in sorted(root.iterdir(), key=lambda d: d.name):
            for name in names:
                if code_dir.is_dir() and code_dir.joinpath(name).is_file():
                    digest.update(f"{code_dir.name}/{name}\n".encode())
                    digest.update(code_dir.joinpath(name).read_bytes())
    return digest.hexdigest()[:chars]


# ---------------------------------------------------------------- trained artifacts


def load_json_artifact(package: str, default: str, path: str | Path | None = None) -> Any:
    """The JSON at ``path``, or the one shipped as ``default`` inside ``package`` when no path is given."""
    if path is None:
        text = resources.files(package).joinpath(default).read_text("utf-8")
    else:
        text = Path(path).read_text("utf-8")
    return json.loads(text)
