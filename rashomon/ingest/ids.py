"""Content-derived article ids."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_WHITESPACE_RUN = re.compile(r"\s+")


def normalise_for_id(text: str) -> str:
    """The form of ``text`` that the id is computed from.

    Compatibility forms, case and whitespace layout vary between copies of the
    same article (a JSON dump re-wrapped, a .txt saved with NBSPs), so they must
    not change the id. Mojibake repair is deliberately left out: it is a
    guess, and a guess that changes between ftfy versions would change ids.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _WHITESPACE_RUN.sub(" ", folded).strip()


def article_id(text: str) -> str:
    """A stable 16-hex-digit id for an article's content (sha256 prefix)."""
    digest = hashlib.sha256(normalise_for_id(text).encode("utf-8")).hexdigest()
    return digest[:16]
