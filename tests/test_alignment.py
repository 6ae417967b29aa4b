"""Statement alignment across languages: the calibration artifact, the statement-pair gold set, one Spanish and
one English report of the same arrests through the real pipeline, and `rashomon bench alignment` on a tiny
pairs file."""

import csv
import json

import numpy as np
import pytest

from conftest import ROOT, run_cli
from rashomon.compare import calibration, compare_story
from rashomon.datasets.alignment import DEFAULT_ALIGNMENT_GOLD, held_out, read_statement_gold
from rashomon.pipeline import analyze_texts

# <repo>/../shared, or two levels up for a git worktree kept in a folder of worktrees.
PAIRS = next(
    (
        base / "shared" / "data" / "semeval2022-task8" / "pairs.csv"
        for base in (ROOT.parent, ROOT.parent.parent)
        if (base / "shared" / "data" / "semeval2022-task8" / "pairs.csv").is_file()
    ),
    ROOT.parent / "shared" / "data" / "semeval2022-task8" / "pairs.csv",
)
needs_data = pytest.mark.skipif(not PAIRS.is_file(), reason=f"shared datasets not found at {PAIRS}")

ES_ARRESTS = (
    "La policía detuvo a 87 personas tras el asesinato de nueve mineros\n\n"
    "JOHANNESBURGO - Durante la operación nocturna, la policía detuvo a 87 personas para interrogarlas "
    "sobre el asesinato de nueve mineros en Roodepoort. La búsqueda continuará hasta que todos los "
    "sospechosos sean arrestados, dijo el portavoz de la policía."
)
EN_ARRESTS = (
    "Police take in 87 people after nine miners killed\n\n"
    "JOHANNESBURG - During the night operation, police took in 87 people for questioning about the murder "
    "of nine miners in Roodepoort. The manhunt will continue until all the suspects are arrested, the police "
    "spokesperson said."
)
DE_WEATHER = (
    "Sturmtief bringt Schnee in die Alpen\n\n"
    "MÜNCHEN - Ein Sturmtief hat am Wochenende bis zu 40 Zentimeter Neuschnee in die bayerischen Alpen gebracht. "
    "Der Deutsche Wetterdienst warnte vor Lawinen."
)
EN_FOOTBALL = (
    "United beat City in the derby\n\n"
    "MANCHESTER - Manchester United beat Manchester City 2-1 on Sunday with a late goal from the captain. "
    "The manager praised his players after the match."
)


def test_the_shipped_calibration_loads_and_saves_back_as_it_was():
    shipped = calibration.Calibration.load()
    path = ROOT / "rashomon" / "compare" / "data" / "alignment.json"
    on_disk = json.loads(path.read_text("utf-8"))
    assert shipped.to_dict() == on_disk
    again = calibration.Calibration.from_dict(json.loads(json.dumps(shipped.to_dict())))
    rows = [[0.8, 1, 0.8, 1, 1, 1, 0, 0, 0], [0.2, 1, 0.2, 0, 0, 0, 0, 0, 0], [0.6, 0, 0, 2, 0, 0, 0, 3, 1]]
    assert np.allclose(again.probabilities(rows), shipped.probabilities(rows))
    high, low, _ = shipped.probabilities(rows)
    assert high > shipped.threshold("en-es") > low  # same meaning and number across languages vs nothing shared
    assert shipped.model.inputs == list(calibration.FEATURES)


def test_a_calibration_for_other_features_is_refused():
    data = calibration.Calibration.load().to_dict()
    data["model"]["inputs"] = data["model"]["inputs"][:-1]
    with pytest.raises(ValueError, match="reads"):
        calibration.Calibration.from_dict(data)


def test_spanish_and_english_reports_of_the_same_arrests_are_aligned():
    analysed, entities = analyze_texts([("es1", ES_ARRESTS, "es"), ("en1", EN_ARRESTS, "en")])
    for article in analysed:
        article.source = f"outlet-{article.id}"
    found = compare_story(analysed, entities)
    across = [
        r for r in found.relations if r.type in ("agree", "contradict", "discuss") and len(set(r.article_ids)) == 2
    ]
    assert across, [(r.type, r.claim_ids) for r in found.relations]
    assert any(r.type == "agree" and "cross-lingual" in r.reasons for r in across)
    # Neither side's 87 is single-sourced any more: the other language reports it.
    assert not [r for r in found.relations if r.type == "omission" and "87" in str(r.claim_ids)]


def _write_pairs(path, rows):
    fields = ["pair_id", "lang1", "lang2", "text1", "text2", "Geography", "Entities", "Time", "Narrative", "Overall"]
    fields += ["Style", "Tone"]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        for pair_id, (lang1, text1), (lang2, text2), overall in rows:
            writer.writerow(
                {
                    "pair_id": pair_id,
                    "lang1": lang1,
                    "lang2": lang2,
                    "text1": text1,
                    "text2": text2,
                    **{k: overall for k in ("Geography", "Entities", "Time", "Narrative", "Overall", "Style", "Tone")},
                }
            )


def test_bench_alignment_counts_same_and_different_story_pairs_and_reuses_its_cache(tmp_path):
    pairs = tmp_path / "pairs.csv"
    _write_pairs(
        pairs,
        [
            ("1_2", ("es", ES_ARRESTS), ("en", EN_ARRESTS), "1.0"),
            ("3_4", ("de", DE_WEATHER), ("en", EN_FOOTBALL), "4.0"),
            ("5_6", ("en", EN_ARRESTS), ("en", EN_FOOTBALL), "2.5"),  # neither same nor different: not scored
        ],
    )
    cache = tmp_path / "articles.pkl"
    first = run_cli("bench", "alignment", str(pairs), "--articles-cache", str(cache), cwd=tmp_path, check_ok=True)
    out = first.stdout.decode()
    assert "analysing 4 articles" in out
    assert "| es-en | 1/1 1.00 | - | yes |" in out
    assert "| de-en | - | 0/1 0.00 | yes |" in out
    assert out.strip().splitlines()[-1] == "same_mono=0.000 same_cross=1.000 different=0.000"
    again = run_cli("bench", "alignment", str(pairs), "--articles-cache", str(cache), cwd=tmp_path, check_ok=True)
    assert "analysing" not in again.stdout.decode()  # every article came from the cache
    assert again.stdout.decode().strip().splitlines()[-1] == out.strip().splitlines()[-1]


def test_held_out_part_is_a_fixed_hash_of_the_pair():
    assert held_out("1511216591_1511221676") == held_out("1511216591_1511221676")
    shares = [held_out(f"{n}_{n + 1}") for n in range(2000)]
    assert 0.2 < sum(shares) / len(shares) < 0.3


@needs_data
def test_the_statement_gold_set_reads_back_with_its_hashes(tmp_path):
    gold = read_statement_gold(PAIRS)
    assert len(gold) >= 300
    assert {g.sample for g in gold} == {"candidate", "near-miss", "random"}
    cross = {g.languages for g in gold if g.languages.split("-")[0] != g.languages.split("-")[1]}
    assert {"de-en", "es-en", "de-fr"} <= cross
    assert 0.2 < sum(g.aligned for g in gold) / len(gold) < 0.6
    arrests = [g for g in gold if "87" in g.a.text and "87" in g.b.text and g.languages == "es-en"]
    assert arrests and all(g.aligned for g in arrests)
    # A text that changed under a reference is refused, not silently misread.
    line = json.loads(DEFAULT_ALIGNMENT_GOLD.read_text("utf-8").splitlines()[0])
    line["a"]["sha256"] = "0" * 64
    tampered = tmp_path / "gold.jsonl"
    tampered.write_text(json.dumps(line) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="hash differs"):
        read_statement_gold(PAIRS, tampered)
