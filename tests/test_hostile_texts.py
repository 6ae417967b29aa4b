"""Valid texts no news article looks like: every article stage finishes, reads a bounded part, keeps offsets.

Nothing here is timed. The pathological cases run in a child process under a memory cap, with a hang
guard far above what they need, and the tests check what comes out: how much was read, what the
analysis note says, that spans stay in the original's offsets. ``rashomon bench hostile`` measures
the same cases at full size (docs/benchmarks.md, "Hostile input: pathological texts").
"""

from __future__ import annotations

import math

from rashomon import pipeline
from rashomon.bounds import MAX_ARTICLE_CHARS, MAX_ARTICLE_LINES, MAX_NUMBER_DIGITS, cut_at_break
from rashomon.clean import BEYOND_LENGTH_LIMIT, clean_article, readable_end
from rashomon.model import Article, OffsetMap
from rashomon.stories.features import StoryFeatures, extract_numbers, normalise_number


BIG = "7" * 5_000


def test_a_5000_digit_number_goes_through_every_article_stage():
    text = f"Officials said on Monday that {BIG} people had left the city of Paris, and 1,200 came back."
    article = Article(id="digits", original=text, language="en", given={"language": "en"})
    result = pipeline.analyze_batch(pipeline.AnalysisTask([article], [pipeline.STAGE_NAMES]))
    assert set(result.stages_run[0]) == set(pipeline.STAGE_NAMES)
    analysed = result.articles[0]
    # The long digit string is no quantity; the count beside it still is.
    assert [text[q.start : q.end] for q in analysed.quantities] == ["1,200"]
    assert analysed.quantities[0].value == 1200
    features = StoryFeatures.from_bytes(result.features[0])
    assert "1200" in features.numbers
    assert all(len(n) <= MAX_NUMBER_DIGITS for n in features.numbers)


def test_numbers_too_long_to_compare_are_no_evidence():
    assert normalise_number(BIG) == ""
    assert normalise_number("1" + ",000" * 1_500) == ""  # grouped, 4,501 digits
    assert normalise_number("0." + BIG) == ""
    assert normalise_number("3" * MAX_NUMBER_DIGITS) == "3" * MAX_NUMBER_DIGITS
    assert extract_numbers(f"{BIG} and 3,000 and 1" + ",000" * 1_500) == {"3000"}


def test_a_grouped_number_too_long_to_be_a_count_is_no_quantity():
    from rashomon.analyze.doc import AnalysisDoc
    from rashomon.analyze.quantities import find_quantities

    huge = "1" + ",000" * 150  # 451 digits: a float of it is infinite
    doc = AnalysisDoc(text=f"About {huge} people and 25 million dollars.", language="en")
    find_quantities(doc)
    assert [doc.text[q.start : q.end] for q in doc.quantities] == ["25 million"]
    assert all(math.isfinite(q.value) for q in doc.quantities)


def test_cleaning_reads_up_to_the_length_limit_and_says_what_it_left():
    paragraph = "The council met on Monday and voted on the budget for the coming year.\n\n"
    text = paragraph * (MAX_ARTICLE_CHARS // len(paragraph) + 500)
    end, reason = readable_end(text)
    assert end <= MAX_ARTICLE_CHARS and text[end] == "\n"  # at a line break
    assert reason == f"the text is longer than {MAX_ARTICLE_CHARS:,} characters"
    article = clean_article(Article(id="long", original=text))
    assert article.removed[-1].reason == BEYOND_LENGTH_LIMIT
    assert (article.removed[-1].start, article.removed[-1].end) == (end, len(text))
    # Repeated paragraphs collapse as usual; every kept character maps inside what was read.
    assert article.offsets.span_to_original(0, len(article.text)).end <= end


def test_cleaning_reads_up_to_the_line_limit():
    text = "a\n" * (MAX_ARTICLE_LINES + 10)
    end, reason = readable_end(text)
    assert reason == f"the text has more than {MAX_ARTICLE_LINES:,} lines"
    assert text[:end].count("a") == MAX_ARTICLE_LINES
    assert readable_end("a\n" * MAX_ARTICLE_LINES) == (2 * MAX_ARTICLE_LINES, None)
    # Trailing blank lines are nothing left unread.
    end, reason = readable_end("word " + "\n" * (2 * MAX_ARTICLE_CHARS))
    assert end <= MAX_ARTICLE_CHARS and reason is None


def test_a_normal_article_is_read_whole(seeds):
    for path in seeds.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        assert readable_end(text) == (len(text), None)
        article = clean_article(Article(id=path.stem, original=text))
        assert all(r.reason != BEYOND_LENGTH_LIMIT for r in article.removed)


def test_cut_at_break_prefers_a_line_break_in_the_second_half():
    assert cut_at_break("short", 10) == 5
    assert cut_at_break("aaaa\nbbbbbbbbbb", 10) == 10  # the only break is in the first half
    assert cut_at_break("aaaaaa\nbbbbbbbbbb", 10) == 6


def test_an_offset_map_follows_its_pieces_when_they_change():
    # Each piece: 2 cleaned characters for 3 original ones ("\n\n" for "\r\n\r"), as many as a text has lines.
    offsets = OffsetMap([(2 * i, 3 * i, 2, 3) for i in range(100_000)])
    assert [offsets.to_original(p) for p in (0, 2, 4, 199_998, 200_000)] == [0, 3, 6, 299_997, 300_000]
    assert (offsets.span_to_original(4, 6).start, offsets.span_to_original(4, 6).end) == (6, 9)
    offsets.pieces = [(0, 10, 5, 5)]  # replaced
    assert offsets.to_original(2) == 12
    offsets.pieces.append((5, 20, 5, 5))  # grown
    assert offsets.to_original(6) == 21
