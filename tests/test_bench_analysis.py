"""The hand-checked analysis gold set (tests/fixtures/gold) and the scorer of `rashomon bench analysis`."""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from rashomon.bench.analysis import gold_as_system, run_analysis_bench, score, speaker_string_matches
from rashomon.datasets import repair_text
from rashomon.datasets.gold import GoldDataMissing, gold_doc_from_record, load_gold, read_gold_records

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "fixtures" / "gold" / "gold.jsonl"
DATA = ROOT.parent / "shared" / "data"
REQUIRED = ("en", "fr", "de", "es", "ru", "ar", "it", "pl", "tr", "zh")

needs_data = pytest.mark.skipif(
    not (DATA / "semeval2022-task8" / "pairs.csv").is_file(),
    reason=f"shared datasets not found at {DATA} (<repo>/../shared/data); the gold set only stores references",
)


# ------------------------------------------------------------- the gold file


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return read_gold_records(GOLD)


def test_gold_size_and_languages(records):
    assert len(records) >= 30
    counts = Counter(r["language"] for r in records)
    for lang in REQUIRED:
        assert counts[lang] >= 5, counts
    assert {r["dataset"] for r in records} <= {"semeval2022-task8", "semeval2023-task3"}
    for r in records:
        assert r["entities"], r["doc_id"]
        if r["dataset"] == "semeval2022-task8":
            assert set(r["ref"]) == {"pair_id", "side"} and r["ref"]["side"] in (1, 2)
        else:
            assert set(r["ref"]) == {"file"}
        assert len(r["sha256"]) == 64


def test_gold_stores_no_article_text(records):
    for r in records:
        assert "text" not in r
        for e in r["entities"]:
            assert all(len(m["text"]) <= 80 for m in e["mentions"])
        assert all(len(q["snippet"]) <= 120 for q in r["quotes"])


def test_gids_are_consistent(records):
    types: dict[str, set[str]] = defaultdict(set)
    langs: dict[str, set[str]] = defaultdict(set)
    for r in records:
        gids = [e["gid"] for e in r["entities"]]
        assert len(gids) == len(set(gids)), f"{r['doc_id']}: an entity listed twice"
        for e in r["entities"]:
            assert e["gid"].startswith("E-") and e["gid"][2:] == e["gid"][2:].lower(), e["gid"]
            assert e["type"] in ("person", "organisation", "place", "group", "other")
            assert e["mentions"], e["gid"]
            types[e["gid"]].add(e["type"])
            langs[e["gid"]].add(r["language"])
        for q in r["quotes"]:
            for g in [q["speaker_gid"], *q.get("alt_speaker_gids", [])]:
                assert g is None or g in gids, f"{r['doc_id']}: speaker {g} has no mention in the article"
            assert q["speaker_text"] and q["snippet"]
    assert all(len(t) == 1 for t in types.values()), {g: t for g, t in types.items() if len(t) > 1}
    # Cross-language merging is measured: the same entities recur across languages.
    cross = {g for g, ls in langs.items() if len(ls) > 1}
    assert len(cross) >= 15
    for g in ("E-donald-trump", "E-joe-biden", "E-pope-francis", "E-andreas-kalbitz", "E-andrea-bocelli"):
        assert g in cross


@needs_data
def test_gold_loads_and_every_sha256_matches():
    gold = load_gold(GOLD, DATA)  # raises on any hash or occurrence mismatch
    assert len(gold) >= 30
    for d in gold:
        assert hashlib.sha256(d.text.encode("utf-8")).hexdigest() == d.sha256
        for m in d.mentions:
            assert d.text[m.start : m.end] == m.text
        for q in d.quotes:
            assert d.text[q.start : q.end] == q.snippet
        spans = sorted((m.start, m.end) for m in d.mentions)
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), f"{d.doc_id}: overlapping mentions"


@needs_data
def test_gold_against_itself_is_perfect():
    gold = load_gold(GOLD, DATA)
    report = score(gold, gold_as_system(gold))
    rows = list(report.languages.values()) + [report.overall]
    for s in rows:
        for prf in (s.mentions, s.mentions_typed, s.merge, s.quotes_found, s.quotes_attributed):
            assert prf.precision == prf.recall == prf.f1 == 1.0
    assert report.merge_cross_language.n_gold > 100
    assert report.merge_cross_language.f1 == 1.0
    assert set(report.languages) >= set(REQUIRED)


# ------------------------------------------------------------- hand-made examples

TEXT_EN = 'Omar Alloush visited Raqqa. "The city is safe," Alloush said. Police said the roads were open.'
TEXT_FR = "Omar Alloush a visité Raqqa. Selon la police, les routes sont ouvertes."
REC_EN = {
    "doc_id": "a",
    "dataset": "test",
    "ref": {},
    "language": "en",
    "entities": [
        {
            "gid": "E-alloush",
            "type": "person",
            "mentions": [{"text": "Omar Alloush", "occurrence": 0}, {"text": "Alloush", "occurrence": 1}],
        },
        {"gid": "E-raqqa", "type": "place", "mentions": [{"text": "Raqqa", "occurrence": 0}]},
    ],
    "quotes": [
        {"speaker_gid": "E-alloush", "speaker_text": "Alloush", "snippet": "The city is safe", "direct": True},
        {"speaker_gid": None, "speaker_text": "Police", "snippet": "the roads were open", "direct": False},
    ],
}
REC_FR = {
    "doc_id": "b",
    "dataset": "test",
    "ref": {},
    "language": "fr",
    "entities": [
        {"gid": "E-alloush", "type": "person", "mentions": [{"text": "Omar Alloush", "occurrence": 0}]},
        {"gid": "E-raqqa", "type": "place", "mentions": [{"text": "Raqqa", "occurrence": 0}]},
    ],
    "quotes": [
        {"speaker_gid": None, "speaker_text": "la police", "snippet": "les routes sont ouvertes", "direct": False}
    ],
}


@pytest.fixture
def gold():
    return [
        gold_doc_from_record(REC_EN, TEXT_EN, check_hash=False),
        gold_doc_from_record(REC_FR, TEXT_FR, check_hash=False),
    ]


@pytest.fixture
def system(gold):
    return gold_as_system(gold)


def entity(system, eid):
    return next(e for e in system["entities"] if e["id"] == eid)


def test_occurrences_resolve_to_offsets(gold):
    en = gold[0]
    assert [(m.text, m.start) for m in en.mentions] == [("Omar Alloush", 0), ("Raqqa", 21), ("Alloush", 48)]
    assert en.quotes[0].start == TEXT_EN.index("The city")


def test_perfect_system(gold, system):
    r = score(gold, system)
    assert r.overall.mentions.f1 == r.overall.merge.f1 == r.overall.quotes_attributed.f1 == 1.0
    # gold pairs: Alloush within the English article (1), across languages Alloush 2x1 and Raqqa 1x1.
    assert r.overall.merge.n_gold == 4
    assert r.merge_cross_language.n_gold == 3
    assert r.merge_language_pairs["en-fr"].n_gold == 3
    assert r.overall.merge_within_doc.n_gold == 1
    assert r.headline() == "entity_merge_f1=1.0000 quote_attribution_f1=1.0000"


def test_missed_mention_lowers_recall_only(gold, system):
    raqqa = entity(system, "E-raqqa")
    raqqa["mentions"] = [m for m in raqqa["mentions"] if m["article_id"] != "b"]
    r = score(gold, system)
    assert r.overall.mentions.precision == 1.0
    assert r.overall.mentions.recall == pytest.approx(4 / 5)
    assert r.languages["fr"].mentions.recall == pytest.approx(1 / 2)
    assert r.languages["en"].mentions.recall == 1.0
    # Merging counts only matched mentions: what is left is linked right.
    assert r.overall.merge.f1 == 1.0 and r.overall.merge.n_gold == 3


def test_spurious_and_partial_mentions(gold, system):
    alloush = entity(system, "E-alloush")
    alloush["mentions"][0] = {"article_id": "a", "text": "Omar", "start": 0, "end": 4}  # overlaps: still a match
    system["entities"].append(
        {
            "id": "X",
            "name": "Police",
            "type": "org",
            "aliases": [],
            "mentions": [{"article_id": "a", "text": "Police", "start": 62, "end": 68}],
        }
    )
    r = score(gold, system)
    assert r.overall.mentions.recall == 1.0
    assert r.overall.mentions.precision == pytest.approx(5 / 6)
    assert r.languages["en"].mentions.precision == pytest.approx(3 / 4)


def test_split_entity_lowers_merge_recall(gold, system):
    alloush = entity(system, "E-alloush")
    fr = [m for m in alloush["mentions"] if m["article_id"] == "b"]
    alloush["mentions"] = [m for m in alloush["mentions"] if m["article_id"] != "b"]
    system["entities"].append(
        {"id": "alloush-fr", "name": "Omar Alloush", "type": "person", "aliases": [], "mentions": fr}
    )
    r = score(gold, system)
    assert r.overall.mentions.f1 == 1.0
    assert r.overall.merge.precision == 1.0
    assert r.overall.merge.recall == pytest.approx(2 / 4)
    assert r.merge_cross_language.recall == pytest.approx(1 / 3)
    assert r.overall.merge_within_doc.f1 == 1.0
    assert r.languages["en"].merge.f1 == 1.0


def test_over_merge_lowers_merge_precision(gold, system):
    alloush, raqqa = entity(system, "E-alloush"), entity(system, "E-raqqa")
    alloush["mentions"] += raqqa["mentions"]
    system["entities"].remove(raqqa)
    r = score(gold, system)
    assert r.overall.merge.recall == 1.0
    assert r.overall.merge.precision == pytest.approx(4 / 10)  # all 5 mentions linked: C(5,2) = 10 pairs
    assert r.languages["en"].merge.precision == pytest.approx(1 / 3)
    assert r.languages["fr"].merge.precision == 0.0  # one wrong pair, no right one
    assert r.overall.mentions.f1 == 1.0


def test_mislabelled_type_lowers_typed_scores_only(gold, system):
    entity(system, "E-raqqa")["type"] = "PERSON"
    r = score(gold, system)
    assert r.overall.mentions.f1 == 1.0
    assert r.overall.mentions_typed.precision == pytest.approx(3 / 5)
    assert r.overall.mentions_typed.recall == pytest.approx(3 / 5)
    assert r.overall.merge.f1 == 1.0


def test_wrong_speaker_lowers_attribution_not_detection(gold, system):
    q = system["quotes"][0]
    q["speaker"], q["speaker_entity_id"] = "Police", None
    r = score(gold, system)
    assert r.overall.quotes_found.f1 == 1.0
    assert r.overall.quotes_attributed.precision == pytest.approx(2 / 3)
    assert r.overall.quotes_attributed.recall == pytest.approx(2 / 3)
    assert r.languages["en"].quotes_attributed.recall == pytest.approx(1 / 2)
    assert r.languages["fr"].quotes_attributed.recall == 1.0


def test_missed_and_spurious_quotes(gold, system):
    system["quotes"] = [q for q in system["quotes"] if q["article_id"] != "b"]
    system["quotes"].append(
        {
            "id": "x",
            "article_id": "a",
            "speaker": "Omar Alloush",
            "speaker_entity_id": None,
            "text": "visited",
            "direct": False,
            "start": 13,
            "end": 20,
        }
    )
    r = score(gold, system)
    assert r.overall.quotes_found.recall == pytest.approx(2 / 3)
    assert r.overall.quotes_found.precision == pytest.approx(2 / 3)
    assert r.languages["fr"].quotes_found.recall == 0.0
    assert r.languages["fr"].quotes_found.precision == 0.0
    assert r.overall.indirect_gold == 2 and r.overall.indirect_found == 1


def test_speaker_by_entity_id_or_string(gold, system):
    q = system["quotes"][0]
    # The entity id alone: a mention of that system entity overlaps a gold mention of the speaker.
    q["speaker"], q["speaker_entity_id"] = None, "E-alloush"
    assert score(gold, system).overall.quotes_attributed.f1 == 1.0
    # A string with the role in front of the name.
    q["speaker"], q["speaker_entity_id"] = "rebel commander Omar Alloush", None
    assert score(gold, system).overall.quotes_attributed.f1 == 1.0
    # An entity id that points at someone else.
    q["speaker"], q["speaker_entity_id"] = None, "E-raqqa"
    assert score(gold, system).overall.quotes_attributed.recall == pytest.approx(2 / 3)


def test_speaker_string_rules():
    assert speaker_string_matches("Kalbitz", ["Andreas Kalbitz"], named=True)
    assert speaker_string_matches("ÉMILE  zola", ["Emile Zola"], named=True)
    assert speaker_string_matches("Фрэнсис", ["Фрэнсис"], named=True)
    assert speaker_string_matches("SDF spokesman Mostafa Bali", ["Mostafa Bali"], named=True)
    # For an unnamed gold speaker a part of it is not enough: "Biden" is not "an aide to Biden".
    assert not speaker_string_matches("Biden", ["un assistant de Biden"], named=False)
    assert speaker_string_matches("la police", ["la police"], named=False)
    assert not speaker_string_matches("", ["x"], named=True)
    assert not speaker_string_matches("Trump", ["Biden"], named=True)


def test_text_mismatch_is_an_error(gold, system):
    system["articles"][0]["text"] = TEXT_EN + " "
    with pytest.raises(ValueError, match="differs"):
        score(gold, system)


def test_empty_system(gold):
    r = score(gold, {"articles": [], "entities": [], "quotes": []})
    assert r.overall.mentions.recall == 0.0 and r.overall.mentions.precision == 0.0
    assert r.entity_merge_f1 == 0.0 and r.quote_attribution_f1 == 0.0


# ------------------------------------------------------------- loading by reference


def fake_data(tmp_path: Path, text: str) -> Path:
    root = tmp_path / "data"
    (root / "semeval2022-task8").mkdir(parents=True)
    with open(root / "semeval2022-task8" / "pairs.csv", "w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow(["pair_id", "lang1", "lang2", "text1", "text2", "Overall"])
        w.writerow(["1_2", "en", "fr", text, TEXT_FR, "1.0"])
    return root


def write_gold(tmp_path: Path, records: list[dict]) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def referenced(rec: dict, side: int, text: str) -> dict:
    rec = copy.deepcopy(rec)
    rec.update(
        dataset="semeval2022-task8",
        ref={"pair_id": "1_2", "side": side},
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )
    return rec


def test_load_by_reference_repairs_and_checks_hash(tmp_path):
    mojibake = TEXT_EN.replace("Omar", "Ã‰mile Omar", 1)  # "Émile" read as cp1252
    repaired = repair_text(mojibake)
    assert repaired.startswith("Émile Omar")
    rec = referenced(REC_EN, 1, repaired)
    rec["entities"][0]["mentions"][0] = {"text": "Émile Omar Alloush", "occurrence": 0}
    root = fake_data(tmp_path, mojibake)
    gold = load_gold(write_gold(tmp_path, [rec, referenced(REC_FR, 2, TEXT_FR)]), root)
    assert [d.doc_id for d in gold] == ["a", "b"]
    assert gold[0].text == repaired

    bad = dict(rec, sha256="0" * 64)
    with pytest.raises(ValueError, match="sha256"):
        load_gold(write_gold(tmp_path, [bad]), root)


def test_missing_data_is_a_clear_error(tmp_path):
    path = write_gold(tmp_path, [referenced(REC_EN, 1, TEXT_EN)])
    with pytest.raises(GoldDataMissing, match="shared/data"):
        load_gold(path, tmp_path / "nowhere")


def test_run_analysis_bench_prints_tables_and_headline(tmp_path):
    root = fake_data(tmp_path, TEXT_EN)
    path = write_gold(tmp_path, [referenced(REC_EN, 1, TEXT_EN), referenced(REC_FR, 2, TEXT_FR)])
    seen = []

    def analyze(docs):
        seen.extend(docs)
        system = gold_as_system(load_gold(path, root))
        system["quotes"] = []
        return system

    out = io.StringIO()
    report = run_analysis_bench(path, root, analyze, out=out)
    assert [(d, lang) for d, _, lang in seen] == [("a", "en"), ("b", "fr")]
    assert seen[0][1] == TEXT_EN
    lines = out.getvalue().splitlines()
    assert lines[-1] == "entity_merge_f1=1.0000 quote_attribution_f1=0.0000"
    assert any(line.startswith("en-fr") for line in lines)
    assert report.quote_attribution_f1 == 0.0
