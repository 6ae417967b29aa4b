"""Mojibake repair that keeps track of where each repaired character came from.

ftfy does the repairing, restricted to encoding fixes. A line that shows no sign
of damage never reaches it (ftfy costs ~0.2 ms a line even on clean text).
"""

from __future__ import annotations

import re
from functools import lru_cache

import ftfy
import ftfy.bad_codecs  # noqa: F401  registers "sloppy-windows-1252"
from ftfy.badness import is_bad
from ftfy.chardata import HTML_ENTITY_RE, UTF8_DETECTOR_RE
from ftfy.fixes import unescape_html

from rashomon.clean.builder import Piece

# Only encoding repairs: curly quotes, widths, ligatures and normal forms are the
# outlet's own spelling and stay as they are.
_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html="auto",
    fix_encoding=True,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    normalization=None,
    explain=False,
)

# Signs of damage: a UTF-8 lead byte read as cp1252 followed by a continuation
# byte read the same way ("Ã©", "â€™"), the same read as cp1251 ("РџСЂ"), C1 or
# other control characters, lone surrogates, HTML entities.
_CONTINUATION_BYTES = bytes(range(0x80, 0xC0))
_CP1252_LEADS = bytes(range(0xC2, 0xF5)).decode("sloppy-windows-1252")
_CP1252_CONTINUATIONS = _CONTINUATION_BYTES.decode("sloppy-windows-1252")
_CP1251_LEADS = bytes([0xD0, 0xD1]).decode("windows-1251")  # Cyrillic letters' leads
_CP1251_CONTINUATIONS = _CONTINUATION_BYTES.decode("windows-1251", errors="ignore")
_DAMAGE_SIGN = re.compile(
    f"[{re.escape(_CP1252_LEADS)}][{re.escape(_CP1252_CONTINUATIONS)}]"
    f"|[{re.escape(_CP1251_LEADS)}][{re.escape(_CP1251_CONTINUATIONS)}]"
    r"|[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff]"
    r"|&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8}\d{0,2});"
)

# ftfy leaves "Ã©" unrepaired right after a no-break space that is really a
# space ("mot\xa0Ã©tÃ©"); such a space is made plain for it (same length, and
# whitespace is collapsed later anyway). A no-break space after a lead byte
# ("Ã\xa0" = "à") is part of the mojibake and stays.
_SPACE_BEFORE_MOJIBAKE = re.compile("(?<![\xc2-\xf4])\xa0(?=[\xc2-\xf4])")

_WORD = re.compile(r"\S+")


def repair(original: str, start: int, end: int) -> list[Piece]:
    """``original[start:end]`` repaired, as pieces that map back to it."""
    raw = original[start:end]
    if not raw or not _DAMAGE_SIGN.search(raw):
        return [Piece(raw, start, end)] if raw else []
    quick = _repair_runs(raw, start)
    if quick is not None:
        return quick
    return _repair_whole_line(raw, start)


def _repair_runs(raw: str, start: int) -> list[Piece] | None:
    """The common cases repaired run by run, with ftfy's own detectors and
    judgement, so that each repair maps to exactly what it came from: UTF-8 read
    as cp1252 ("Ã©", "â€™") and HTML entities ("&amp;"; left alone, as ftfy
    does, in a line that looks like markup). None when other damage remains."""
    runs = [(run.start(), run.end(), _repaired_run(run.group())) for run in UTF8_DETECTOR_RE.finditer(raw)]
    if "<" not in raw:
        runs += [(ent.start(), ent.end(), unescape_html(ent.group())) for ent in HTML_ENTITY_RE.finditer(raw)]
    pieces: list[Piece] = []
    done = 0
    for run_start, run_end, fixed in sorted(runs):
        if run_start < done or fixed == raw[run_start:run_end]:
            continue
        if run_start > done:
            pieces.append(Piece(raw[done:run_start], start + done, start + run_start))
        pieces.extend(_run_pieces(raw[run_start:run_end], fixed, start + run_start))
        done = run_end
    if done < len(raw):
        pieces.append(Piece(raw[done:], start + done, start + len(raw)))
    if _DAMAGE_SIGN.search("".join(piece.text for piece in pieces)):
        return None
    return pieces


@lru_cache(maxsize=4096)
def _repaired_run(run: str) -> str:
    # The same runs ("Ã©", "â€™") recur all through a damaged text.
    return ftfy.fix_encoding(run) if is_bad(run) else run


def _run_pieces(run: str, fixed: str, base: int) -> list[Piece]:
    """One piece a repaired character when the run is plain UTF-8 read as cp1252
    (one character a byte), else one piece for the run (an entity, say)."""
    if len(fixed) == 1:  # the usual "Ã©" -> "é": the run is that character's source
        return [Piece(fixed, base, base + len(run))]
    try:
        exact = run.encode("sloppy-windows-1252").decode("utf-8") == fixed
    except UnicodeError:
        exact = False
    if not exact:
        return [Piece(fixed, base, base + len(run))]
    pieces: list[Piece] = []
    offset = 0
    for char in fixed:
        width = len(char.encode("utf-8"))
        pieces.append(Piece(char, base + offset, base + offset + width))
        offset += width
    return pieces


def _repair_whole_line(raw: str, start: int) -> list[Piece]:
    """Any other damage (entities, cp1251, controls): ftfy on the line, then an
    alignment of its output with the input to map it back."""
    prepared = _SPACE_BEFORE_MOJIBAKE.sub(" ", raw)  # same length as raw
    fixed = _fix_leftovers(ftfy.fix_text(prepared, _FTFY_CONFIG))
    if fixed == raw:
        return [Piece(raw, start, start + len(raw))]
    return _align(prepared, fixed, start)


def _fix_leftovers(fixed: str) -> str:
    """Repair words ftfy skipped in context: in mixed lines ("Москва  Ã©tÃ©") it
    can leave part of the damage, which it repairs when shown the word alone."""
    if not _DAMAGE_SIGN.search(fixed):
        return fixed
    return _WORD.sub(lambda word: _fix_word(word.group()), fixed)


def _fix_word(word: str) -> str:
    return ftfy.fix_text(word, _FTFY_CONFIG) if _DAMAGE_SIGN.search(word) else word


def _align(raw: str, fixed: str, start: int) -> list[Piece]:
    """Pieces of ``fixed`` that map back to ``raw`` (which starts at ``start``).

    Repairs stay inside words, so when both have the same spaces the words are
    paired one to one, and each word is aligned on its own: a word repaired
    beyond recognition ("РњРѕСЃРєРІР°" -> "Москва") still maps to exactly its
    source. Otherwise (a repair ate a space: "voilÃ  tout") the line is aligned
    as one.
    """
    raw_words, fixed_words = raw.split(" "), fixed.split(" ")
    if len(raw_words) != len(fixed_words):
        return _align_chars(raw, fixed, start)
    pieces: list[Piece] = []
    offset = 0
    for index, (raw_word, fixed_word) in enumerate(zip(raw_words, fixed_words)):
        if index:
            pieces.append(Piece(" ", start + offset, start + offset + 1))
            offset += 1
        pieces.extend(_align_chars(raw_word, fixed_word, start + offset))
        offset += len(raw_word)
    return pieces


def _align_chars(raw: str, fixed: str, start: int) -> list[Piece]:
    """Unchanged stretches map exactly, repairs map as blocks.

    Repairs are local (a few characters become one), so a walk that copies equal
    runs and, at each difference, resynchronises at the nearest point where both
    texts agree again is enough, and linear, where difflib is quadratic on long
    damaged lines. Equal runs are compared, so they are exact by construction.
    """
    pieces: list[Piece] = []
    i = j = 0
    while i < len(raw) or j < len(fixed):
        same = _common_prefix_length(raw, i, fixed, j)
        if same:
            pieces.append(Piece(fixed[j : j + same], start + i, start + i + same))
            i, j = i + same, j + same
            continue
        skip_raw, skip_fixed = _resync(raw, i, fixed, j)
        if skip_fixed == 0 and j < len(fixed):
            # A deletion ("amp;" of "&amp;T" once "&" matched): the next character
            # stands for it too, so no stretch of the original goes unaccounted.
            skip_raw, skip_fixed = skip_raw + 1, 1
        if skip_fixed:
            pieces.append(Piece(fixed[j : j + skip_fixed], start + i, start + i + skip_raw))
        elif pieces:  # deleted at the very end: the last character stands for it
            pieces.extend(_absorb_into_last_char(pieces.pop(), start + i + skip_raw))
        i, j = i + skip_raw, j + skip_fixed
    return pieces


def _absorb_into_last_char(piece: Piece, orig_end: int) -> list[Piece]:
    if len(piece.text) > 1 and piece.is_copy:
        head = Piece(piece.text[:-1], piece.orig_start, piece.orig_end - 1)
        return [head, Piece(piece.text[-1], piece.orig_end - 1, orig_end)]
    return [Piece(piece.text, piece.orig_start, orig_end)]


# How far to look for the texts to agree again: an HTML entity such as
# "&#x1F600;" is the longest stretch a single repaired character comes from.
# A two-character agreement is preferred, one accepted when repairs sit close
# together ("T Ã©" in "AT&amp;T Ã©tÃ©"). A chance agreement can only blur the
# inside of a repaired stretch, since the stretches copied as equal are compared.
_RESYNC_AGREEMENTS = (2, 1)
_RESYNC_WINDOW = 16


def _common_prefix_length(a: str, i: int, b: str, j: int) -> int:
    length = 0
    while a[i + length : i + length + 32] == b[j + length : j + length + 32] and i + length < len(a):
        length += 32
    while i + length < len(a) and j + length < len(b) and a[i + length] == b[j + length]:
        length += 1
    return min(length, len(a) - i, len(b) - j)


def _resync(raw: str, i: int, fixed: str, j: int) -> tuple[int, int]:
    """The shortest (raw, fixed) stretches after which the two texts agree again.

    A repair never lengthens text (mojibake, entities and escapes all shrink), so
    the fixed stretch is never the longer: that rules out chance agreements such
    as the "am" of "Gamble" when "&amp; Gamble" became "& Gamble"."""
    for agreement in _RESYNC_AGREEMENTS:
        best: tuple[int, int] | None = None  # (total, skip_fixed)
        for skip_fixed in range(0, min(_RESYNC_WINDOW, len(fixed) - j) + 1):
            if best is not None and 2 * skip_fixed > best[0]:
                break  # the raw stretch is at least as long: no shorter total left
            skip_raw = _next_agreement(raw, i, fixed, j + skip_fixed, agreement, max(skip_fixed, 1))
            if skip_raw is not None and (best is None or skip_raw + skip_fixed < best[0]):
                best = (skip_raw + skip_fixed, skip_fixed)
        if best is not None:
            return best[0] - best[1], best[1]
    return len(raw) - i, len(fixed) - j


def _next_agreement(raw: str, i: int, fixed: str, j: int, agreement: int, least: int) -> int | None:
    """How far past ``i`` (at least ``least``) raw agrees with ``fixed[j:]`` again."""
    wanted = fixed[j : j + agreement]
    if len(wanted) < agreement:  # near the end, only both ending together agrees
        skip = len(raw) - i - len(wanted)
        return skip if least <= skip <= _RESYNC_WINDOW and raw.endswith(wanted) else None
    found = raw.find(wanted, i + least, i + _RESYNC_WINDOW + agreement)
    return found - i if found >= 0 else None
