"""Reasons in plain words (rashomon/present/reasons.py): on the seeds through the real pipeline, and on hand-built
relations for what the seeds do not hold (other languages, uncertain calls, long statements)."""

from __future__ import annotations

import io

import pytest
from markupsafe import Markup
from rich.console import Console

from conftest import seeds_export
from rashomon.model import Article, Claim, Proposition, Quote, Relation, Story
from rashomon.present.compare import matrix_panel, relations_table
from rashomon.present.reasons import (
    UNCERTAIN_BELOW,
    certainty,
    explain,
    explanations,
    shorten,
    statements,
)

PRESS_TV, ASHARQ = "000_beb97b786951395b.txt", "002_5c1f82888a9eaaa3.txt"


@pytest.fixture(scope="module")
def doc(seeds_output):
    doc = seeds_export(seeds_output)
    doc["texts"] = {item["id"]: item["text"] for key in ("claims", "quotes") for item in doc[key]}
    doc["texts"].update({f"h-{a['id']}": a["title"] for a in doc["articles"] if a["title"]})
    return doc


def by_type(doc, kind):
    return [r for r in doc["relations"] if r["type"] == kind]


def opening(text: str, words: int = 5) -> str:
    """The first words of a statement, as a sentence quotes them."""
    return " ".join(text.split()[:words])


def test_every_relation_has_a_plain_sentence_quoting_its_statements_and_naming_their_sources(doc):
    assert {r["type"] for r in doc["relations"]} == {"agree", "contradict", "discuss", "omission", "quote_drift"}
    for r in doc["relations"]:
        sentence = r["explanation"]
        assert sentence and "\n" not in sentence, r
        for cid, aid in zip(r["claim_ids"], r["article_ids"]):
            assert f"“{opening(doc['texts'][cid])}" in sentence, (cid, sentence)
            outlet = doc["by_id"][aid]["source"]
            assert outlet in sentence, (outlet, sentence)
        # The machine reasons stay the API, beside the sentence; none is phrased as a code in the sentence.
        assert r["reasons"] and r["reason"] == r["reasons"][0]
        assert "same-speaker" not in sentence and "single-source" not in sentence
        assert r["uncertain"] is (r["confidence"] < UNCERTAIN_BELOW)


def test_contradiction_between_the_sources_quotes_the_speaker_both_ways(doc):
    (r,) = [r for r in by_type(doc, "contradict") if "negation-mismatch" in r["reasons"]]
    sentence = r["explanation"]
    assert "presstv.ir reports Omar Alloush saying “a deal had been reached" in sentence
    assert "Asharq Al-Awsat reports Omar Alloush saying “no foreigners had left Raqqa in the convoy”" in sentence
    assert sentence.endswith("(one negates what the other says)")


def test_quote_drift_within_one_source_says_elsewhere(doc):
    within = [r for r in by_type(doc, "quote_drift") if len(set(r["article_ids"])) == 1]
    assert len(within) == 1
    assert within[0]["explanation"].startswith(
        "Asharq Al-Awsat reports Omar Alloush saying “the evacuation would include foreign fighters”, and elsewhere "
        "“no foreigners had left Raqqa in the convoy”"
    )


def test_omission_agreement_and_hedge_sentences(doc):
    omissions = {r["explanation"] for r in by_type(doc, "omission")}
    assert "Only Asharq Al-Awsat reports: “About 3,000 trapped civilians also left the city.”" in omissions
    assert any(s.startswith("Only Asharq Al-Awsat reports this, citing ") and "275 Syrian ISIS" in s for s in omissions)
    (agree,) = by_type(doc, "agree")
    assert agree["explanation"].startswith("Both say it: ")
    (discuss,) = by_type(doc, "discuss")
    # The side that states it first, then the one that hedges.
    assert discuss["explanation"].startswith("presstv.ir ") and "Asharq Al-Awsat hedges: “" in discuss["explanation"]


def test_statements_in_other_languages_are_quoted_as_written_with_their_language():
    a = Article(id="fr1", original="", source="Le Monde", language="fr", title="Titre")
    a.quotes.append(Quote(0, 10, "aucun étranger n'a quitté Raqqa", direct=True, speaker="Omar Alloush"))
    a.claims.append(Claim(0, 10, "aucun étranger n'a quitté Raqqa", quote=0, speaker="Omar Alloush"))
    b = Article(id="en1", original="", source="Press TV", language="en")
    b.claims.append(Claim(0, 10, "foreign-born fighters left with the convoy"))
    r = Relation("r-1", "contradict", ["c-fr1-0", "c-en1-0"], ["fr1", "en1"], 0.7, "negation-mismatch")
    r.reasons = ["negation-mismatch", "cross-lingual"]
    sentence = explain(r, statements([a, b]))
    assert sentence == (
        "Le Monde quotes Omar Alloush saying “aucun étranger n'a quitté Raqqa” (French); "
        "Press TV says “foreign-born fighters left with the convoy” (English) (one negates what the other says)"
    )


def test_shorten_cuts_at_a_word_or_anywhere_in_scripts_without_spaces():
    long = "word " * 60
    short = shorten(long, 40)
    assert len(short) <= 40 and short.endswith(" …") and "wor …" not in short
    chinese = "叙利亚民主力量表示" * 20
    assert len(shorten(chinese, 30)) <= 30 and shorten(chinese, 30).endswith("…")
    assert shorten('  "quoted\tline\nbreak"  ') == "quoted line break"


def test_uncertain_calls_are_marked_in_the_matrix_and_the_terminal():
    a = Article(id="u1", original="x", source="Outlet A", language="en")
    a.claims.append(Claim(0, 1, "The convoy left on Sunday."))
    b = Article(id="u2", original="x", source="Outlet B", language="en")
    b.claims.append(Claim(0, 1, "The convoy did not leave on Sunday."))
    p = Proposition("p-1", "The convoy left on Sunday.", ["c-u1-0", "c-u2-0"], ["u1", "u2"], ["asserts", "denies"])
    low = Relation("r-low", "contradict", p.claim_ids, p.article_ids, 0.5, "negation-mismatch", ["negation-mismatch"])
    low.proposition_id = "p-1"
    assert certainty(low) == "uncertain" and certainty(Relation("r", "agree", [], [], 0.6, "x")) == ""
    explained = explanations([low], [a, b], [], [p])
    panel = matrix_panel(Story("s-u", "t", ["u1", "u2"]), [a, b], [p], [low], explained)
    assert isinstance(panel.html, Markup)
    assert (
        'class="cmp-conflict cmp-doubtful"' in panel.html
        and '<span class="cmp-uncertain">uncertain</span>' in panel.html
    )
    assert "Outlet A says “The convoy left on Sunday.”" in panel.html
    console = Console(width=160, record=True, file=io.StringIO())
    console.print(relations_table([low], explained))
    text = console.export_text()
    assert "uncertain" in text and "Outlet B says" in text and "[negation-mismatch]" in text


def test_a_reported_denial_is_said_in_the_voice_that_holds_it(doc):
    # Asharq's sentence "the deal, which the Coalition denied being involved in, ..." is the Coalition's denial,
    # reported: the plain sentence names the Coalition, not Asharq, as the one who says it.
    (r,) = [r for r in by_type(doc, "contradict") if r["reason"] == "denial"]
    sentence = r["explanation"]
    assert "Asharq Al-Awsat reports the Coalition saying “However, details related to the deal" in sentence
    assert "Asharq Al-Awsat says" not in sentence
