"""The trained named-entity recogniser (rashomon.analyze.ner), its bench and its training, on real files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from rashomon.analyze import backends, ner
from rashomon.analyze.doc import AnalysisDoc
from rashomon.analyze.mentions import cluster_mentions, find_mentions
from rashomon.analyze.sentences import split_sentences
from rashomon.bench.ner import run_ner_bench
from rashomon.datasets.wikiann import read_iob

FIXTURES = ROOT / "tests" / "fixtures" / "ner"
SHIPPED = ("de", "en", "es", "nl", "pl", "ru")


def test_spans_conlleval_style() -> None:
    tags = ["B-PER", "I-PER", "O", "I-LOC", "I-LOC", "B-ORG", "B-ORG", "I-PER", "O"]
    # An I- after O, or after another type, starts an entity; a B- after a B- of the same type too.
    assert ner.spans_of(tags) == [(0, 2, "PER"), (3, 5, "LOC"), (5, 6, "ORG"), (6, 7, "ORG"), (7, 8, "PER")]


def test_bench_scores_by_hand() -> None:
    # gold: PER 2, ORG 3, LOC 3; system (fixture comments in tests/fixtures/ner/README.md): PER 1 of 3 found
    # right, ORG 2 of 2, LOC 1 of 3. PER F1 = 2(1/3)(1/2)/(1/3+1/2) = 0.4, ORG 2(1)(2/3)/(5/3) = 0.8, LOC 1/3.
    out = io.StringIO()
    result = run_ner_bench(FIXTURES / "gold.conllu", "en", system=FIXTURES / "system.conllu", out=out)
    assert result["PER"][0] == pytest.approx(0.4)
    assert result["ORG"][0] == pytest.approx(0.8)
    assert result["LOC"][0] == pytest.approx(1 / 3)
    assert result["all"] == pytest.approx((0.5, 0.5, 0.5))
    assert out.getvalue().splitlines()[-1] == "f1=0.5000 precision=0.5000 recall=0.5000"


def test_bench_cli_last_line_and_bad_input(tmp_path: Path) -> None:
    gold, system = str(FIXTURES / "gold.conllu"), str(FIXTURES / "system.conllu")
    result = run_cli("bench", "ner", gold, "--lang", "en", "--system", system, cwd=ROOT, check_ok=True)
    assert result.stdout.decode().strip().splitlines()[-1] == "f1=0.5000 precision=0.5000 recall=0.5000"
    bad = tmp_path / "bad.conllu"
    bad.write_text("0\tParis\tLOCATION\n", encoding="utf-8")
    result = run_cli("bench", "ner", str(bad), "--lang", "en", cwd=ROOT)
    assert result.returncode == 2
    assert "not an IOB tag" in result.stderr.decode()


def test_artifacts_are_small_and_complete() -> None:
    total = 0
    for language in SHIPPED:
        assert ner.has_recogniser(language), language
        for path in (ner.artifact_path(language), ner.names_path(language)):
            total += Path(str(path)).stat().st_size
    assert total < 30_000_000


# Plain news sentences. The English model is the weakest (WikiANN's English is mostly title fragments): "President
# Donald Trump said the Pentagon would leave Syria" comes out as one organisation, which is why the analysis keeps
# spaCy for English (docs/benchmarks.md).
KNOWN_SENTENCES = {
    "de": ("Bundeskanzlerin Angela Merkel traf in Berlin den Chef von Siemens.", "Angela Merkel", "Berlin"),
    "en": ("Donald Trump met Angela Merkel in Washington.", "Donald Trump", "Washington"),
    "es": ("El presidente Pedro Sánchez viajó a Madrid el lunes.", "Pedro Sánchez", "Madrid"),
    "nl": ("Premier Mark Rutte sprak maandag in Amsterdam.", "Mark Rutte", "Amsterdam"),
    "pl": ("Donald Tusk przyjechał do Warszawy w poniedziałek.", "Donald Tusk", "Warszawy"),
    "ru": ("Президент Владимир Путин прилетел в Москву в понедельник.", "Владимир Путин", "Москву"),
}


@pytest.mark.parametrize("language", SHIPPED)
def test_recogniser_tags_a_known_sentence(language: str) -> None:
    text, person, place = KNOWN_SENTENCES[language]
    found = {(text[s:e], label) for s, e, label in ner.entities(language, text, [(0, len(text))])}
    assert (person, "person") in found
    assert (place, "place") in found


@pytest.mark.parametrize("language", sorted(ner.registry()))
def test_registry_languages_take_types_from_the_recogniser(language: str) -> None:
    # Through the real analysis: where the registry picks the recogniser, its entities are the mentions.
    assert backends.uses_recogniser(language)
    text, person, place = KNOWN_SENTENCES[language]
    doc = AnalysisDoc(text=text, language=language)
    split_sentences(doc)
    find_mentions(doc)
    cluster_mentions(doc)
    got = {(m.text, m.label) for m in doc.mentions}
    assert (person, "person") in got
    assert (place, "place") in got


def test_training_end_to_end_is_deterministic(tmp_path: Path) -> None:
    train_file = FIXTURES / "train.conllu"
    for run in ("a", "b"):
        run_cli(
            "train", "ner", str(train_file), "--lang", "xx", "--out", str(tmp_path / run), "--iterations", "30",
            cwd=ROOT, check_ok=True,
        )  # fmt: skip
    for name in ("xx.crfsuite", "xx.names.tsv", "xx.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    import pycrfsuite

    from rashomon.analyze.ner import read_names, token_features

    tagger = pycrfsuite.Tagger()
    tagger.open(str(tmp_path / "a" / "xx.crfsuite"))
    names = read_names((tmp_path / "a" / "xx.names.tsv").read_text(encoding="utf-8"))
    assert names["Angela Merkel"] == "PER"
    # A training sentence comes back with its own tags.
    sentence = read_iob(train_file)[0]
    assert tuple(tagger.tag(token_features(sentence.words, names))) == sentence.tags


def test_tidy_cuts_headline_runs_into_names() -> None:
    words = "General Richard Dannatt : Donbass wird für immer russisch".split()
    # One PER over the whole run, as the CRF tags a title-case headline.
    spans = ner.tidy(words, [(0, len(words), "PER")], frozenset({"von"}))
    assert [" ".join(words[a:b]) for a, b, _ in spans] == ["General Richard Dannatt", "Donbass"]
    words = "Ave Maria von Bach".split()
    assert ner.tidy(words, [(0, 4, "PER")], frozenset({"von"})) == [(0, 4, "PER")]
    assert ner.tidy(words, [(0, 4, "PER")]) == [(0, 2, "PER"), (3, 4, "PER")]


def test_a_lone_surname_takes_the_full_names_type() -> None:
    text = "Joe Biden spoke. Later Biden and Bidens aides left."
    found = [(0, 9, "person"), (23, 28, "organisation"), (33, 39, "organisation")]
    assert ner._consistent(text, found) == [(0, 9, "person"), (23, 28, "person"), (33, 39, "person")]
