"""Read the head of a flattened article: its title, date line and outlet line.

Scraped pages pasted as text often start with metadata before the body: a blog
date line, the title (maybe with " | Outlet" appended), a dateline, the outlet's
domain. Those lines are recognised here so that cleaning can keep them out of the
body and ``extract_metadata`` can fill the article's fields from them. Nothing is
guessed: a line qualifies only by its own shape and what follows it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from rashomon.clean.dateline import Dateline, parse_dateline
from rashomon.clean.lines import Line, continues
from rashomon.resources import package_data_dir, read_data_files
from rashomon.text import fold

SITE_SUFFIX_FILE = "site_suffix.txt"

# How far the head reaches: this many lines that are not chrome, and never past
# the first line that reads as body text.
MAX_HEAD_LINES = 10
MAX_TITLE_CHARS = 150
MAX_TITLE_WORDS = 30
# A body paragraph: long, or a sentence of some words ending in a full stop.
# Question and exclamation marks also end titles, so they do not count here.
MIN_BODY_CHARS = 200
MIN_SENTENCE_WORDS = 6

_SENTENCE_END = re.compile(r"(?<![.…])[.。۔]['\"”’»)\]]*$")
_TITLE_BAD_END = re.compile(r"(?<![.…])[.,;:]$")
_BARE_DOMAIN = re.compile(
    r"(?:https?://)?(?:www\d?\.)?((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24})/?",
    re.IGNORECASE,
)
# "Title | Outlet" always names the outlet after the bar; after a dash it is only
# believed when the tail looks like a site (a domain, or carries site noise).
_PIPE = re.compile(r"\s+(?:\||｜|\|\||::)\s+")
_DASH = re.compile(r"\s+[-–—]\s+")


@dataclass
class HeadFacts:
    """What the head says, and which lines (by index) carry it."""

    title: str | None = None
    published: str | None = None  # ISO date
    ambiguous_date: tuple[int, int, int] | None = None  # "10/11/2017": needs the language
    source: str | None = None
    roles: dict[int, str] = field(default_factory=dict)  # line index -> removal reason


def read_head(lines: list[Line], chrome: list[str | None], title_hint: str | None) -> HeadFacts:
    """Find the metadata lines near the top. ``chrome[i]`` is line i's boilerplate
    reason, if any; ``title_hint`` is a title already known for the article."""
    facts = HeadFacts()
    title_line: int | None = None
    suffix_site: str | None = None
    examined = 0
    for i, line in enumerate(lines):
        if examined >= MAX_HEAD_LINES:
            break
        domain = bare_domain(line.text)
        if chrome[i] is not None:
            # A bare domain may have matched a link rule; at the top it names the outlet.
            if domain:
                _note_outlet(facts, i, domain)
            continue
        examined += 1
        if is_body(line.text):
            break
        if dateline := parse_dateline(line.text):
            _note_date(facts, i, dateline)
        elif domain:
            _note_outlet(facts, i, domain)
        elif title_line is None and _is_title(lines, chrome, i, title_hint):
            title_line = i
            facts.roles[i] = "metadata:title"
            facts.title, suffix_site = split_title(line.text)
    if suffix_site and facts.source is None:
        facts.source = outlet_name(suffix_site, _body_text(lines, facts, chrome))
    _mark_outlet_banners(lines, chrome, facts)
    return facts


def is_body(text: str) -> bool:
    if len(text) >= MIN_BODY_CHARS:
        return True
    return len(text.split()) >= MIN_SENTENCE_WORDS and _SENTENCE_END.search(text) is not None


def bare_domain(text: str) -> str | None:
    """The domain a line consists of ("presstv.ir", "www.example.com/" -> "example.com")."""
    found = _BARE_DOMAIN.fullmatch(text)
    if found is None or not any(ch.isalpha() for ch in found.group(1).rsplit(".", 1)[0]):
        return None
    return found.group(1).lower()


def split_title(text: str) -> tuple[str, str | None]:
    """("Title", "Outlet") from "Title | Outlet"; (text, None) when no outlet shows."""
    parts = _PIPE.split(text)
    if len(parts) > 1 and parts[0].strip():
        return parts[0].strip(), parts[-1].strip()
    dashes = list(_DASH.finditer(text))
    if dashes:
        head, tail = text[: dashes[-1].start()].strip(), text[dashes[-1].end() :].strip()
        if head and tail and (bare_domain(tail) or strip_site_noise(tail) != tail):
            return head, tail
    return text, None


def strip_site_noise(site: str) -> str:
    """The outlet's name without edition, archive or year noise:
    "ASHARQ AL-AWSAT English Archive 2005 -2017" -> "ASHARQ AL-AWSAT"."""
    return site_noise_pattern().sub("", site).strip(" -–—|,:")


def outlet_name(site: str, body: str) -> str | None:
    """The outlet's name as the article itself spells it, when it does.

    A suffix in capitals ("ASHARQ AL-AWSAT") is how the page styled it; the body's
    "told Asharq Al-Awsat" is how the name is written.
    """
    domain = bare_domain(site)
    if domain:
        return domain
    name = strip_site_noise(site)
    if not name:
        return None
    spelled = re.escape(name).replace(r"\ ", r"\s+")
    forms = Counter(m.group() for m in re.finditer(rf"(?<!\w){spelled}(?!\w)", body, re.IGNORECASE))
    mixed_case = [form for form, _ in forms.most_common() if not form.isupper()]
    if mixed_case:
        return " ".join(mixed_case[0].split())
    if not name.isupper():
        return name
    return " ".join(word if len(word) <= 3 else word.title() for word in name.split())


def _is_title(lines: list[Line], chrome: list[str | None], i: int, title_hint: str | None) -> bool:
    text = lines[i].text
    if title_hint:
        wanted = _comparable(title_hint)
        return wanted in (_comparable(text), _comparable(split_title(text)[0]))
    if i + 1 < len(lines) and continues(lines[i], lines[i + 1]):
        return False  # the first half of a hard-wrapped sentence
    return _looks_like_title(split_title(text)[0]) and _followed_by_body(lines, chrome, i)


def _looks_like_title(text: str) -> bool:
    words = text.split()
    return (
        2 <= len(words) <= MAX_TITLE_WORDS
        and len(text) <= MAX_TITLE_CHARS
        and not text[0].islower()
        and any(ch.isalpha() for ch in text)
        and _TITLE_BAD_END.search(text) is None
    )


def _followed_by_body(lines: list[Line], chrome: list[str | None], i: int) -> bool:
    """Whether the next line that is neither chrome nor metadata reads as body."""
    for j in range(i + 1, min(len(lines), i + 1 + MAX_HEAD_LINES)):
        text = lines[j].text
        if chrome[j] is not None or bare_domain(text) or parse_dateline(text):
            continue
        return is_body(text)
    return False


def _note_date(facts: HeadFacts, i: int, dateline: Dateline) -> None:
    facts.roles[i] = "metadata:date"
    if facts.published is None and facts.ambiguous_date is None:
        if dateline.date is not None:
            facts.published = dateline.date.isoformat()
        else:
            facts.ambiguous_date = dateline.ambiguous


def _note_outlet(facts: HeadFacts, i: int, domain: str) -> None:
    facts.roles[i] = "metadata:outlet"
    facts.source = facts.source or domain


def _mark_outlet_banners(lines: list[Line], chrome: list[str | None], facts: HeadFacts) -> None:
    """A head line "Sections | Outlet" naming the outlet found is the site's banner."""
    if not facts.source:
        return
    outlet = _comparable(facts.source)
    for i, line in enumerate(lines[: MAX_HEAD_LINES * 2]):
        if i in facts.roles or chrome[i] is not None:
            continue
        if is_body(line.text):
            break
        parts = _PIPE.split(line.text)
        if len(parts) > 1 and _comparable(strip_site_noise(parts[-1])) == outlet:
            facts.roles[i] = "metadata:outlet"


def _body_text(lines: list[Line], facts: HeadFacts, chrome: list[str | None]) -> str:
    return "\n".join(line.text for i, line in enumerate(lines) if i not in facts.roles and chrome[i] is None)


def _comparable(text: str) -> str:
    return " ".join(fold(text, keep_accents=True).split())


@cache
def site_noise_pattern() -> re.Pattern[str]:
    noise = [line.value for line in read_data_files(package_data_dir("clean"), SITE_SUFFIX_FILE)]
    if not noise:
        return re.compile(r"(?!)")
    alternatives = "|".join(f"(?:{pattern})" for pattern in noise)
    return re.compile(rf"(?:[\s,:|–—-]*(?<!\w)(?:{alternatives}))+\s*$", re.IGNORECASE)
