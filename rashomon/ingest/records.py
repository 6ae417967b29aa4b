"""Structured input (a JSON object, a CSV row) to an Article."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime
from itertools import islice
from typing import Any, Callable

from rashomon.ingest.ids import article_id
from rashomon.ingest.problems import without_lone_surrogates
from rashomon.model import Article, Rejection

HINT_FIELDS: tuple[str, ...] = ("title", "url", "source", "published", "language")
_LONGEST_EXTRA_STRING = 500

_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")
# ISO 639 codes that say "no particular language"; a hint of these is no hint.
_NOT_A_LANGUAGE = frozenset({"und", "mul", "zxx", "mis"})
_EPOCH_DIGITS = re.compile(r"\d{9,13}")
# Unambiguous layouts only: "03/04/2017" is March or April depending on the
# outlet, and a wrong date is worse than none.
_DATE_LAYOUTS: tuple[str, ...] = (
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%B %d, %Y",
    "%b %d, %Y",
    "%b. %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
)
_DATETIME_LAYOUTS: tuple[str, ...] = ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%B %d, %Y %H:%M", "%b %d, %Y %H:%M")


def build_article(original: str, provenance: str, given: dict[str, Any]) -> Article:
    """An Article whose hint fields are exactly what the input gave.

    Every reader builds its Articles here, so this is where every string of one is made safe to store: a lone
    surrogate (JSON's "\\ud83d", a file name that is not UTF-8) cannot be encoded as UTF-8, and SQLite, the
    terminal and the web page would all fail on it. It is repaired to U+FFFD rather than the record rejected: it
    is one unreadable character, usually half an emoji cut by a truncating exporter, and the article around it
    is intact (U+FFFD is how every UTF-8 decoder shows the same damage). One character for one keeps lengths.
    """
    original = without_lone_surrogates(original)
    provenance = without_lone_surrogates(provenance)
    given = _encodable(given)
    return Article(
        id=article_id(original),
        original=original,
        paths=[provenance],
        url=given.get("url"),
        title=given.get("title"),
        source=given.get("source"),
        published=given.get("published"),
        language=given.get("language"),
        given=given,
    )


def article_from_record(record: Mapping[str, Any], where: str) -> Article | Rejection:
    """One JSON object or CSV row; ``where`` is both provenance and rejection label."""
    text = record.get("text")
    if text is None:
        return Rejection(where, _missing_text_problem(record))
    if not isinstance(text, str):
        return Rejection(where, f'"text" field is not a string (it is {_json_kind(text)})')
    if not text.strip():
        return Rejection(where, '"text" field is empty')
    return build_article(text, where, given_fields(record))


def _encodable(value: Any) -> Any:
    """``value`` with every string in it, dictionary keys included, free of lone surrogates."""
    if isinstance(value, str):
        return without_lone_surrogates(value)
    if isinstance(value, dict):
        return {_encodable(key): _encodable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encodable(item) for item in value]
    return value


def given_fields(record: Mapping[str, Any]) -> dict[str, Any]:
    """Normalised hints, plus what could not be normalised and unknown scalars.

    Hints that fail to normalise are kept under "unparsed" rather than dropped,
    so a later stage (or a person) can still read them; other small scalar
    fields (a dataset's own id, a label) ride along under "extra".
    """
    given: dict[str, Any] = {}
    unparsed: dict[str, Any] = {}
    for name in HINT_FIELDS:
        raw = record.get(name)
        if raw is None or raw == "":
            continue
        value = NORMALISERS[name](raw)
        if value is None:
            unparsed[name] = raw
        else:
            given[name] = value
    extra = {
        key: value
        for key, value in record.items()
        if key != "text" and key not in HINT_FIELDS and _is_small_key(key) and _is_small_scalar(value)
    }
    if unparsed:
        given["unparsed"] = unparsed
    if extra:
        given["extra"] = extra
    return given


def normalise_plain(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    cleaned = str(value).strip()
    return cleaned or None


def normalise_language(value: Any) -> str | None:
    """ "fr", "FR", "fr-FR", "fr_CA" -> "fr"; anything that is not a code -> None."""
    if not isinstance(value, str):
        return None
    primary = value.strip().lower().replace("_", "-").split("-")[0]
    if primary in _NOT_A_LANGUAGE or not _LANGUAGE_CODE.fullmatch(primary):
        return None
    return primary


def normalise_published(value: Any) -> str | None:
    """ISO 8601: a date, or a datetime when the input says what time it was."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return _from_epoch(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    for parse in (_iso_date, _iso_datetime, _epoch_string, _rfc2822, _layout_date, _layout_datetime):
        parsed = parse(text)
        if parsed is not None:
            return parsed
    return None


NORMALISERS: dict[str, Callable[[Any], str | None]] = {
    "title": normalise_plain,
    "url": normalise_plain,
    "source": normalise_plain,
    "published": normalise_published,
    "language": normalise_language,
}


def _iso_date(text: str) -> str | None:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        return None


def _iso_datetime(text: str) -> str | None:
    try:
        return datetime.fromisoformat(text).isoformat()
    except ValueError:
        return None


def _epoch_string(text: str) -> str | None:
    return _from_epoch(int(text)) if _EPOCH_DIGITS.fullmatch(text) else None


def _from_epoch(seconds: float) -> str | None:
    if seconds > 100_000_000_000:  # milliseconds, as JavaScript writes them
        seconds /= 1000
    try:
        return datetime.fromtimestamp(seconds, tz=timezone.utc).isoformat()
    except (OverflowError, OSError, ValueError):
        return None


def _rfc2822(text: str) -> str | None:
    # RSS dates: "Sun, 15 Oct 2017 11:03:00 +0000".
    if not re.search(r"\d{1,2}:\d{2}", text):
        return None
    try:
        return parsedate_to_datetime(text).isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _layout_date(text: str) -> str | None:
    for layout in _DATE_LAYOUTS:
        try:
            return datetime.strptime(text, layout).date().isoformat()
        except ValueError:
            continue
    return None


def _layout_datetime(text: str) -> str | None:
    for layout in _DATETIME_LAYOUTS:
        try:
            return datetime.strptime(text, layout).isoformat()
        except ValueError:
            continue
    return None


def _missing_text_problem(record: Mapping[str, Any]) -> str:
    # Keys are the input's own: a few, each cut short, keep the line readable.
    keys = ", ".join(_shortened(str(key)) for key in islice(record, 10))
    return f'no "text" field (found: {keys})' if keys else 'no "text" field (the object is empty)'


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _shortened(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _is_small_key(key: Any) -> bool:
    return len(str(key)) <= _LONGEST_EXTRA_STRING


def _is_small_scalar(value: Any) -> bool:
    if isinstance(value, str):
        return 0 < len(value) <= _LONGEST_EXTRA_STRING
    return isinstance(value, (int, float, bool))
