"""Paragraphs and their sentences, with character offsets into the text.

SemEval-2023 Task 3 numbers paragraphs by line (1-based, empty lines counted);
our articles keep paragraphs as lines too, so the same split serves training,
the bench and the analysis stage.
"""

from __future__ import annotations

from dataclasses import dataclass

from rashomon.analyze.sentences import sentence_spans

# A paragraph of 40 sentences is a list or a scrape accident; the first ones
# carry its tone and capping bounds encoding cost.
MAX_SENTENCES = 12


@dataclass(frozen=True)
class Paragraph:
    index: int  # 1-based line number, as in SemEval's paragraph_no
    start: int
    end: int
    text: str
    sentences: tuple[tuple[int, int], ...]  # absolute (start, end) into the article text


def paragraphs(text: str, language: str) -> list[Paragraph]:
    out = []
    offset = 0
    for number, line in enumerate(text.split("\n"), start=1):
        start = offset
        offset += len(line) + 1
        stripped = line.strip()
        if not stripped:
            continue
        lead = len(line) - len(line.lstrip())
        a = start + lead
        b = a + len(stripped)
        spans = tuple((a + s, a + e) for s, e in sentence_spans(stripped, language)[:MAX_SENTENCES]) or ((a, b),)
        out.append(Paragraph(number, a, b, stripped, spans))
    return out
