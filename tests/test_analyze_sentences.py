"""Sentence splitting: every language, abbreviations, numbers, quotations, paragraphs."""

from __future__ import annotations

import pytest

from conftest import seed_article
from rashomon.analyze.doc import AnalysisDoc
from rashomon.analyze.sentences import split_sentences


def sentences(text: str, language: str) -> list[str]:
    doc = AnalysisDoc(text=text, language=language)
    split_sentences(doc)
    return [text[s:e] for s, e in doc.sentences]


def assert_covering(doc: AnalysisDoc) -> None:
    """Sentences are in order, trimmed, non-overlapping, and cover every non-space character."""
    covered = bytearray(len(doc.text))
    previous_end = 0
    for start, end in doc.sentences:
        assert previous_end <= start < end <= len(doc.text)
        assert not doc.text[start].isspace() and not doc.text[end - 1].isspace()
        covered[start:end] = b"\x01" * (end - start)
        previous_end = end
    assert all(covered[i] or ch.isspace() for i, ch in enumerate(doc.text))


CASES = {
    "en": (
        "The attack began on Oct. 15 in Raqqa. About 3,000 people fled, and 3.5 percent of U.S. troops stayed. "
        '"We will win," he said. Mr. Smith agreed.\n\nA new paragraph without a full stop',
        [
            "The attack began on Oct. 15 in Raqqa.",
            "About 3,000 people fled, and 3.5 percent of U.S. troops stayed.",
            '"We will win," he said.',
            "Mr. Smith agreed.",
            "A new paragraph without a full stop",
        ],
    ),
    "fr": (
        "M. Macron a parlé le 3 oct. à Paris. « Nous gagnerons », a-t-il dit. Environ 3,5 % des soldats sont partis.",
        [
            "M. Macron a parlé le 3 oct. à Paris.",
            "« Nous gagnerons », a-t-il dit.",
            "Environ 3,5 % des soldats sont partis.",
        ],
    ),
    "es": (
        "El Sr. García llegó a EE.UU. el lunes. Dijo que 3.000 personas huyeron. «No lo sé», afirmó.",
        ["El Sr. García llegó a EE.UU. el lunes.", "Dijo que 3.000 personas huyeron.", "«No lo sé», afirmó."],
    ),
    "de": (
        "Am 3. Oktober sprach Dr. Müller in Berlin, z.B. über die Nr. 5 der Liste. Rund 3.000 Menschen flohen. "
        "„Wir gewinnen“, sagte er. Das ist bzw. war richtig.",
        [
            "Am 3. Oktober sprach Dr. Müller in Berlin, z.B. über die Nr. 5 der Liste.",
            "Rund 3.000 Menschen flohen.",
            "„Wir gewinnen“, sagte er.",
            "Das ist bzw. war richtig.",
        ],
    ),
    "ru": (
        "Президент России Владимир Путин заявил в понедельник, т.е. 3 окт., что г. Москва готова. "
        "В 2020 г. Путина поддержали.",
        [
            "Президент России Владимир Путин заявил в понедельник, т.е. 3 окт., что г. Москва готова.",
            "В 2020 г. Путина поддержали.",
        ],
    ),
    "ar": (
        "قال الرئيس السوري بشار الأسد إن 3,000 شخص فروا. وأضاف أن الوضع صعب؟ د. أحمد وافق.",
        ["قال الرئيس السوري بشار الأسد إن 3,000 شخص فروا.", "وأضاف أن الوضع صعب؟", "د. أحمد وافق."],
    ),
}


@pytest.mark.parametrize("language", sorted(CASES))
def test_sentences_per_language(language: str) -> None:
    text, expected = CASES[language]
    assert sentences(text, language) == expected


def test_unsupported_language_uses_the_rules() -> None:
    assert sentences("To jest zdanie. A to drugie, o 3.5 proc. więcej!", "pl") == [
        "To jest zdanie.",
        "A to drugie, o 3.5 proc. więcej!",
    ]
    assert sentences("这是第一句。这是第二句！", "zh") == ["这是第一句。", "这是第二句！"]


def test_paragraph_break_always_splits() -> None:
    # No full stop before the break, and a lower-case start after it.
    assert sentences("Raqqa falls\n\nthe convoy left", "en") == ["Raqqa falls", "the convoy left"]
    assert sentences("Raqqa fällt\n\nder Konvoi fuhr ab", "de") == ["Raqqa fällt", "der Konvoi fuhr ab"]


def test_headline_line_break_splits_but_wrapped_line_does_not() -> None:
    text = "Coronavirus: New York ist Epizentrum\nNew York. Die Stadt ist schlecht\nvorbereitet."
    assert sentences(text, "de") == [
        "Coronavirus: New York ist Epizentrum",
        "New York.",
        "Die Stadt ist schlecht\nvorbereitet.",
    ]


def test_parse_is_kept_for_later_components() -> None:
    doc = AnalysisDoc(text="He did not go. She went.", language="en")
    split_sentences(doc)
    assert doc.parsed is not None and doc.parsed.char_span(0, 14) is not None
    doc = AnalysisDoc(text="Er ging nicht.", language="de")
    split_sentences(doc)
    assert doc.parsed is None


def seed_doc(prefix: str) -> AnalysisDoc:
    article = seed_article(prefix)
    return AnalysisDoc(text=article.text, language=article.language or "")


@pytest.mark.parametrize("prefix", ["000", "001", "002"])
def test_seed_sentences_cover_the_text(prefix: str) -> None:
    doc = seed_doc(prefix)
    split_sentences(doc)
    assert_covering(doc)
    texts = [doc.text[s:e] for s, e in doc.sentences]
    assert all(not t[0].islower() for t in texts), texts


def test_seed_quotation_stays_whole() -> None:
    doc = seed_doc("000")
    split_sentences(doc)
    texts = [doc.text[s:e] for s, e in doc.sentences]
    assert any(t.startswith('"Last night') and "Mostafa Bali said on Sunday" in t for t in texts)
    doc = seed_doc("002")
    split_sentences(doc)
    texts = [doc.text[s:e] for s, e in doc.sentences]
    assert "About 3,000 trapped civilians also left the city." in texts
