"""Direct quotes: the outermost stretches of a text inside quotation marks of any style.

Every script's marks are read in every text (copy mixes styles: “…” in German
articles, «…» in English ones), so the marks are not a per-language trait; how
each mark opens and closes is written beside ``_PAIRS``.
"""

from __future__ import annotations

import bisect

# Opening mark -> the marks that may close it. Straight double quotes pair with
# themselves; straight single quotes are left alone (apostrophes).
_PAIRS: dict[str, str] = {
    "“": "”“",  # “…” English; “ may also close „ below
    "„": "“”",
    "«": "»",
    "»": "«",  # German »…«
    "‘": "’",
    "‚": "‘’",
    "‹": "›",
    "›": "‹",
    "「": "」",
    "『": "』",
    '"': '"',
}
QUOTE_CHARS = '"“”„«»‘’‚‹›「」『』'
# A quotation longer than this without a closing mark is a stray mark.
_MAX_QUOTE = 2000


class _OpenMarks:
    """The quotation marks open at a point of the text, innermost last, counted per mark: the marks
    are asked about at every character, and hundreds can be open at once («a «a «a …)."""

    def __init__(self) -> None:
        self.stack: list[tuple[str, int]] = []
        self.count: dict[str, int] = {}

    def __bool__(self) -> bool:
        return bool(self.stack)

    def push(self, mark: str, pos: int) -> None:
        self.stack.append((mark, pos))
        self.count[mark] = self.count.get(mark, 0) + 1

    def pop(self) -> tuple[str, int]:
        mark, pos = self.stack.pop()
        self.count[mark] -= 1
        return mark, pos

    def clear(self) -> None:
        self.stack.clear()
        self.count.clear()

    def has(self, mark: str) -> bool:
        return self.count.get(mark, 0) > 0

    def marks(self) -> list[str]:
        return [mark for mark, n in self.count.items() if n]


def _opens(text: str, i: int, stack: _OpenMarks) -> bool:
    mark = text[i]
    if mark not in _PAIRS:
        return False
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if nxt.isspace() and mark not in "«»‹›":  # « » ‹ › are spaced in French
        return False
    if mark == '"':
        prev = text[i - 1] if i else " "
        return prev.isspace() or prev in "([{—–-:,;/" or i == 0
    if mark in "‘‚":
        prev = text[i - 1] if i else " "
        return not prev.isalnum()
    if mark == "»":  # German »…« only when no « is open
        return not stack.has("«")
    if mark == "›":
        return not stack.has("‹")
    return True


def _closes(text: str, i: int, opener: str) -> bool:
    mark = text[i]
    if mark not in _PAIRS.get(opener, ""):
        return False
    if mark in "’‘":  # an apostrophe inside a word does not close
        nxt = text[i + 1] if i + 1 < len(text) else " "
        return not nxt.isalnum()
    return True


def direct_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the content of every outermost quotation, marks excluded."""
    spans: list[tuple[int, int]] = []
    stack = _OpenMarks()
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\n" and i + 1 < len(text) and text[i + 1] == "\n" or (stack and i - stack.stack[0][1] > _MAX_QUOTE):
            # A paragraph ends every open quotation: news style reopens it in the next one.
            stack.clear()
        elif stack and any(_closes(text, i, m) for m in stack.marks()):
            # Close the innermost matching mark, dropping unclosed marks inside it.
            while stack and not _closes(text, i, stack.stack[-1][0]):
                stack.pop()
            _, pos = stack.pop()
            if not stack and i > pos + 1:
                spans.append((pos + 1, i))
        elif ch in _PAIRS and _opens(text, i, stack):
            stack.push(ch, i)
        elif ch == "\n" and stack:
            # A line break inside a quotation: keep it open only if the next line reopens it.
            nxt = text[i + 1 : i + 2]
            if nxt not in QUOTE_CHARS or not nxt:
                stack.clear()
        i += 1
    return spans


class Quotations:
    """The direct quotations of a text (outermost, in text order, never overlapping) and the lookups
    the speech cues need, as binary searches: scanning them all for each cue was quadratic."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = spans
        self.starts = [a for a, _ in spans]
        self.ends = [b for _, b in spans]

    def __iter__(self):
        return iter(self.spans)

    def holding(self, pos: int) -> bool:
        """Whether ``pos`` lies inside a quotation."""
        i = bisect.bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.ends[i]

    def last_end_before(self, pos: int) -> int | None:
        """The end of the last quotation closing before ``pos``."""
        i = bisect.bisect_left(self.ends, pos)
        return self.ends[i - 1] if i else None

    def last_closing(self, floor: int, pos: int, skip) -> tuple[int, int] | None:
        """The last quotation ending in ``[floor, pos]`` that is not in ``skip``."""
        i = bisect.bisect_right(self.ends, pos) - 1
        while i >= 0 and self.ends[i] >= floor:
            if self.spans[i] not in skip:
                return self.spans[i]
            i -= 1
        return None

    def first_opening_after(self, pos: int, skip) -> tuple[int, int] | None:
        """The first quotation starting after ``pos`` that is not in ``skip``."""
        for i in range(bisect.bisect_right(self.starts, pos), len(self.spans)):
            if self.spans[i] not in skip:
                return self.spans[i]
        return None

    def within(self, start: int, end: int) -> list[tuple[int, int]]:
        """The quotations lying in ``[start, end]``."""
        out = []
        for i in range(bisect.bisect_left(self.starts, start), len(self.spans)):
            if self.ends[i] > end:
                break
            out.append(self.spans[i])
        return out
