"""Split the original into lines, each repaired and whitespace-normalised.

Every line keeps the pieces it is made of, so text assembled from lines can be
traced back to ``Article.original``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rashomon.bounds import MAX_ARTICLE_CHARS, MAX_ARTICLE_LINES, cut_at_break
from rashomon.clean.builder import Piece
from rashomon.clean.repair import repair

# The same boundaries str.splitlines() knows, found with their positions.
_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")

# Inside a line: a run of two or more spaces, or one space-like character that is
# not a plain space (tab, NBSP, thin space...), becomes a single space. A BOM
# inside text is invisible noise left by concatenated files.
_SPACE_RUN = re.compile(r"[\s\ufeff]{2,}|[^\S ]|\ufeff")
_CONTENT = re.compile(r"\S")


@dataclass(slots=True)
class Line:
    """One non-empty line of the original after repair and whitespace clean-up."""

    text: str
    pieces: list[Piece]
    start: int  # original offset of the first kept character
    end: int  # original offset just past the last kept character
    after_blank: bool  # a blank line (or the start of the text) comes before it


# A line continues the one above (text hard-wrapped mid-sentence) only if that one
# is at least this long, ends without sentence punctuation, and the line starts
# in lower case right below it.
MIN_WRAPPED_LINE = 30
_SENTENCE_PUNCTUATION = frozenset(".!?:;…\"'”’»)]}。！？؟۔")


def continues(previous: Line, line: Line) -> bool:
    return (
        not line.after_blank
        and len(previous.text) >= MIN_WRAPPED_LINE
        and previous.text[-1] not in _SENTENCE_PUNCTUATION
        and line.text[0].islower()
    )


def readable_end(original: str) -> tuple[int, str | None]:
    """How much of ``original`` cleaning reads, and in plain words why it stops early (None when it reads
    all of it, or all but trailing whitespace).

    At most ``MAX_ARTICLE_CHARS`` characters (up to a line break when one lies in the second half) and
    ``MAX_ARTICLE_LINES`` non-empty lines: a text beyond either is not one news article, and every stage
    after cleaning costs per character or per paragraph.
    """
    end = cut_at_break(original, MAX_ARTICLE_CHARS)
    lines = 0
    line_start = 0
    for brk in _LINE_BREAK.finditer(original, 0, end):
        if _CONTENT.search(original, line_start, brk.start()):
            lines += 1
            if lines == MAX_ARTICLE_LINES:
                if _CONTENT.search(original, brk.start()):
                    return brk.start(), f"the text has more than {MAX_ARTICLE_LINES:,} lines"
                break
        line_start = brk.end()
    if _CONTENT.search(original, end):
        return end, f"the text is longer than {MAX_ARTICLE_CHARS:,} characters"
    return end, None  # nothing but whitespace past the cut


def read_lines(original: str) -> list[Line]:
    """The non-empty lines of ``original``, in order."""
    lines: list[Line] = []
    after_blank = True
    line_start = 0
    for brk in _LINE_BREAK.finditer(original):
        after_blank = _add_line(lines, original, line_start, brk.start(), after_blank)
        line_start = brk.end()
    _add_line(lines, original, line_start, len(original), after_blank)
    return lines


def _add_line(lines: list[Line], original: str, start: int, end: int, after_blank: bool) -> bool:
    """Append the line if it has content; return whether the next one follows a blank."""
    pieces = _strip(_collapse_spaces(repair(original, start, end)))
    if not pieces:
        return True
    text = "".join(p.text for p in pieces)
    lines.append(Line(text, pieces, pieces[0].orig_start, pieces[-1].orig_end, after_blank))
    return False


def _collapse_spaces(pieces: list[Piece]) -> list[Piece]:
    out: list[Piece] = []
    for piece in pieces:
        if not _SPACE_RUN.search(piece.text):
            out.append(piece)
        elif piece.is_copy:
            out.extend(_collapse_copy(piece))
        else:
            out.append(Piece(_SPACE_RUN.sub(" ", piece.text), piece.orig_start, piece.orig_end))
    return _drop_doubled_spaces(out)


def _collapse_copy(piece: Piece) -> list[Piece]:
    text, base = piece.text, piece.orig_start
    out: list[Piece] = []
    done = 0
    for run in _SPACE_RUN.finditer(text):
        if run.start() > done:
            out.append(Piece(text[done : run.start()], base + done, base + run.start()))
        out.append(Piece(" ", base + run.start(), base + run.end()))
        done = run.end()
    if done == 0:
        return [piece]
    if done < len(text):
        out.append(Piece(text[done:], base + done, piece.orig_end))
    return out


def _drop_doubled_spaces(pieces: list[Piece]) -> list[Piece]:
    """Runs split across pieces (a repaired NBSP next to a space) leave one space."""
    out: list[Piece] = []
    for piece in pieces:
        if out and out[-1].text.endswith(" ") and piece.text.startswith(" "):
            piece = _without_first_char(piece)
        if piece.text:
            out.append(piece)
    return out


def _strip(pieces: list[Piece]) -> list[Piece]:
    while pieces and pieces[0].text[:1].isspace():
        first = _without_first_char(pieces[0])
        pieces = ([first] if first.text else []) + pieces[1:]
    while pieces and pieces[-1].text[-1:].isspace():
        last = _without_last_char(pieces[-1])
        pieces = pieces[:-1] + ([last] if last.text else [])
    return pieces


def _without_first_char(piece: Piece) -> Piece:
    if piece.is_copy:
        return Piece(piece.text[1:], piece.orig_start + 1, piece.orig_end)
    return Piece(piece.text[1:], piece.orig_start, piece.orig_end)


def _without_last_char(piece: Piece) -> Piece:
    if piece.is_copy:
        return Piece(piece.text[:-1], piece.orig_start, piece.orig_end - 1)
    return Piece(piece.text[:-1], piece.orig_start, piece.orig_end)
