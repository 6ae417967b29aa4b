"""Per-language traits as data: ``language(code)``, compiled once from ``rashomon/lang/data/<code>/language.txt``.

The pattern is spaCy's per-language ``Defaults``: a component asks the
language object what it needs to know ("is the subject often dropped?", "which
words open a noun phrase?") and never which language it is in, so adding a
language is adding data. The file has an ``[options]`` section of
``name value`` lines (traits) and any number of word-list sections
(``[determiners]``, ``[connectors]``, ...). The language-neutral
``xx/language.txt`` gives the defaults: an option or a section the language's
file lacks is read from there.

Which component reads which trait is written beside each trait in the data
files; ``en/language.txt`` documents them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from rashomon.resources import LANGUAGE_NEUTRAL, data_lines

FILENAME = "language.txt"


@dataclass(frozen=True, eq=False)  # one object per code (``language`` caches it): hashed by identity
class Language:
    """One language's traits: options by name and word lists by section, in file order."""

    code: str
    options: dict[str, str] = field(default_factory=dict)
    sections: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def option(self, name: str, default: str | None = None) -> str | None:
        return self.options.get(name, default)

    def flag(self, name: str) -> bool:
        """Whether option ``name`` is ``yes``."""
        return self.options.get(name) == "yes"

    def sequence(self, section: str) -> tuple[str, ...]:
        """A word list in file order (for lists read in order)."""
        return self.sections.get(section, ())

    def words(self, section: str) -> frozenset[str]:
        """A word list as a set (for membership)."""
        return _as_set(self, section)


@cache
def _as_set(lang: Language, section: str) -> frozenset[str]:
    return frozenset(lang.sections.get(section, ()))


def _read(code: str) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    options: dict[str, str] = {}
    sections: dict[str, list[str]] = {}
    for line in data_lines(code, FILENAME):
        if line.section == "options":
            name, _, value = line.value.partition(" ")
            options[name] = value.strip()
        else:
            sections.setdefault(line.section, []).append(line.value)
    return options, {name: tuple(values) for name, values in sections.items()}


@cache
def language(code: str | None) -> Language:
    """The traits of language ``code`` (an unknown or missing code gets the neutral defaults)."""
    neutral_options, neutral_sections = _read(LANGUAGE_NEUTRAL)
    options, sections = _read(code) if code and code != LANGUAGE_NEUTRAL else ({}, {})
    return Language(code or LANGUAGE_NEUTRAL, neutral_options | options, neutral_sections | sections)
