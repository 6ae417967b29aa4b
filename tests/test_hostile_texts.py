"""Valid texts no news article looks like: every article stage finishes, reads a bounded part, keeps offsets.

Nothing here is timed. The pathological cases run in a child process under a memory cap, with a hang
guard far above what they need, and the tests check what comes out: how much was read, what the
analysis note says, that spans stay in the original's offsets. ``rashomon bench hostile`` measures
the same cases at full size (docs/benchmarks.md, "Hostile input: pathological texts").
"""

from __future__ import annotations

import json
import math
import os
import resource
import subprocess
import sys
import textwrap

from conftest import ROOT
from rashomon import pipeline
from rashomon.bounds import (
    MAX_ARTICLE_CHARS,
    MAX_ARTICLE_LINES,
    MAX_NUMBER_DIGITS,
    MAX_PARSE_TOKENS,
    MAX_SENTENCE_CHARS,
    cut_at_break,
)
from rashomon.clean import BEYOND_LENGTH_LIMIT, clean_article, readable_end
from rashomon.model import Article, OffsetMap
from rashomon.stories.features import StoryFeatures, extract_numbers, normalise_number

# A normal article needs about 0.7 GB of address space with the English models and the encoder loaded
# (numpy and OpenBLAS reserve more than they touch; one BLAS thread keeps that small). Before the
# bounds, the long word and the initials took 4 to 9 GB in the encoder, and 30,000 one-letter lines a
# 3.6 GB paragraph-by-paragraph matrix.
MEMORY_CAP = 3 * 1024**3
# Far above what the cases need (well under a minute): only a hang trips it.
HANG_GUARD_S = 900
ONE_THREAD = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "RASHOMON_ENCODER_THREADS": "1",
}


def _run_capped(script: str) -> dict:
    """Run ``script`` in a child process under MEMORY_CAP; its last stdout line is JSON."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    env = dict(os.environ, PYTHONPATH=str(ROOT), **ONE_THREAD)
    child = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        cwd=ROOT,
        env=env,
        preexec_fn=cap,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
    )
    assert child.returncode == 0, child.stderr[-3000:]
    return json.loads(child.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- numbers


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


# --------------------------------------------------------------------------- how much is read


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


# --------------------------------------------------------------------------- pathological texts, capped


def test_pathological_texts_finish_within_a_memory_cap_and_say_how_much_they_read():
    report = _run_capped("""
        import json
        from rashomon.model import Article
        from rashomon.pipeline import STAGE_NAMES, AnalysisTask, analyze_batch

        cases = {
            # (text, language given; None: detected, as `rashomon analyze` does for a .txt file)
            "long-word": (("abcdefghijklmnopqrstuvwxyz" * 20_000)[:500_000], "en"),
            "initials": ("A. " * 100_000, None),
            "short-lines": ("a\\n" * 30_000, "en"),
            "digits": ("7" * 1_000_000, "en"),
        }
        out = {}
        for name, (text, language) in cases.items():
            given = {"language": language} if language else {}
            article = Article(id=name, original=text, language=language, given=given)
            a = analyze_batch(AnalysisTask([article], [STAGE_NAMES])).articles[0]
            spans = [*a.sentences, *a.mentions, *a.quantities, *a.claims, *a.techniques, *a.paragraph_languages]
            out[name] = {
                "note": a.analysis_note, "text": len(a.text), "genre": a.genre,
                "removed": [[r.start, r.end, r.reason] for r in a.removed],
                "max_span_end": max((s.end for s in spans), default=0),
                "sentences": len(a.sentences), "quantities": len(a.quantities),
                "paragraph_languages": len(a.paragraph_languages),
            }
        print(json.dumps(out))
    """)
    word = report["long-word"]
    assert (
        word["note"] == "analysed the first 300,000 of 500,000 characters: the text is longer than 300,000 characters"
    )
    assert word["text"] == 300_000 and word["removed"] == [[300_000, 500_000, "beyond-length-limit"]]
    assert 0 < word["max_span_end"] <= 300_000 and word["genre"]

    initials = report["initials"]  # read whole (300,000 characters): the encoder reads a bounded part
    assert initials["text"] == 299_999 and not initials["removed"] and initials["genre"]

    lines = report["short-lines"]
    assert lines["note"] == "analysed the first 9,999 of 60,000 characters: the text has more than 5,000 lines"
    assert lines["sentences"] == lines["paragraph_languages"] == 5_000
    assert lines["max_span_end"] <= 9_999

    digits = report["digits"]
    assert digits["note"].startswith("analysed the first 300,000 of 1,000,000 characters")
    assert digits["quantities"] == 0 and digits["max_span_end"] <= 300_000


def test_the_parser_reads_a_bounded_number_of_tokens_and_no_overlong_stretch():
    report = _run_capped("""
        import json
        from rashomon.analyze.doc import AnalysisDoc
        from rashomon.analyze.sentences import split_sentences

        commas = AnalysisDoc(text="A, " * 40_000, language="en")  # 80,000 tokens in 120,000 characters
        split_sentences(commas)
        punctuation = AnalysisDoc(text="It rained. " + "!?" * 2_000 + " It stopped.", language="en")
        split_sentences(punctuation)
        print(json.dumps({
            "tokens": len(commas.parsed), "parsed": len(commas.parsed.text),
            "sentences_end": commas.sentences[-1][1], "length": len(commas.text),
            "punctuation_parsed": len(punctuation.parsed.text),
            "punctuation_sentences": [punctuation.text[s:e][:12] for s, e in punctuation.sentences],
        }))
    """)
    assert report["tokens"] <= MAX_PARSE_TOKENS < 80_000
    # The rules take over where the parse stops: the sentences still cover the whole text.
    assert report["parsed"] < report["length"] and report["sentences_end"] == report["length"] - 1
    assert report["punctuation_parsed"] == len("It rained. ")
    assert report["punctuation_sentences"][-1] == "It stopped."


def test_analysis_components_stay_linear_on_long_repetitive_texts():
    # Each of these took minutes to hours before (a scan of every sentence, mention, quote or digit for
    # each one): a hang here is the failure. What they find is checked too.
    report = _run_capped("""
        import json, re
        from rashomon.analyze.claims import find_claims
        from rashomon.analyze.doc import AnalysisDoc
        from rashomon.analyze.mentions import cluster_mentions
        from rashomon.analyze.quantities import find_quantities
        from rashomon.analyze.quotes import find_quotes
        from rashomon.analyze.sentences import sentence_spans
        from rashomon.model import Mention

        out = {}
        text = "a. " * 100_000  # every break withdrawn: one sentence
        out["sentences"] = sentence_spans(text, "en")
        text = "!?" * 100_000 + " Then it stopped."
        out["exclamations"] = len(sentence_spans(text, "en"))

        text = "Omar Smith met the press. Smith said that 275 fighters had left Raqqa on Sunday. " * 8_000
        doc = AnalysisDoc(text=text, language="en")
        doc.sentences = sentence_spans(text, "en")
        doc.mentions = [Mention(m.start(), m.end(), m.group(), "person") for m in re.finditer(r"Omar Smith|Smith", text)]
        cluster_mentions(doc)
        find_quantities(doc)
        find_quotes(doc)
        find_claims(doc)
        out["clusters"] = len({m.cluster for m in doc.mentions})
        out["quotes"] = len(doc.quotes)
        out["speakers"] = sorted({q.speaker for q in doc.quotes})
        out["claims"] = len(doc.claims)
        out["quantities"] = len(doc.quantities)

        doc = AnalysisDoc(text="he said that it rained " * 10_000 + "«a " * 50_000, language="en")
        doc.sentences = sentence_spans(doc.text, "en")
        find_quotes(doc)
        out["run_on_longest_quote"] = max(q.end - q.start for q in doc.quotes)

        doc = AnalysisDoc(text="7" * 1_000_000 + " and 1,200 people", language="en")
        find_quantities(doc)
        out["digits"] = [q.text for q in doc.quantities]
        print(json.dumps(out))
    """)
    assert report["sentences"] == [[0, 299_999]]
    assert report["exclamations"] == 2
    assert report["clusters"] == 1  # "Smith" is Omar Smith throughout
    assert report["quotes"] == report["quantities"] == 8_000
    assert report["claims"] == 16_000  # each quote's content, and each "Omar Smith met the press."
    assert report["speakers"] == ["Smith"]
    # A sentence without end is read in bounded pieces: no reported clause runs on to its end.
    assert 0 < report["run_on_longest_quote"] <= MAX_SENTENCE_CHARS
    assert report["digits"] == ["1,200"]
