"""Per-language resource files: ``rashomon/lang/data/<code>/<name>``.

One value per line, ``#`` comments, ``[section]`` headers (see
``rashomon.clean.resources.parse_data_file``). ``xx`` is language-neutral.
"""

from __future__ import annotations

from functools import cache

from rashomon.clean.resources import DataLine, lang_data_dir, parse_data_file


@cache
def data_lines(code: str, name: str) -> tuple[DataLine, ...]:
    """The lines of one language's resource file; empty if the language has none."""
    path = lang_data_dir().joinpath(code, name)
    if not path.is_file():
        return ()
    return tuple(parse_data_file(code, path.read_text(encoding="utf-8")))


@cache
def word_list(code: str, name: str) -> tuple[str, ...]:
    return tuple(line.value for line in data_lines(code, name))


def has_resource(code: str, name: str) -> bool:
    return lang_data_dir().joinpath(code, name).is_file()


def valued_words(lines: list[str], cast=float) -> dict:
    """``"word or phrase VALUE"`` lines as ``{lowercased phrase: cast(VALUE)}`` (month numbers, number words)."""
    out = {}
    for line in lines:
        word, _, value = line.rpartition(" ")
        out[word.lower()] = cast(value)
    return out
