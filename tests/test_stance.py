"""The stance model (agree / disagree / discuss / unrelated), its FNC-1 bench and its training, with the real encoder."""

import csv
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest

from conftest import run_cli
from rashomon.bench.stance import run_stance_bench
from rashomon.compare.stance import STANCES, StanceModel, StancePair, pair_reasons
from rashomon.datasets.fnc1 import (
    PARTS,
    StanceRow,
    fnc_score,
    headline_in_test,
    headline_key,
    macro_f1,
    pair_split,
    read_fnc,
    rows_in,
    split_of,
)
from rashomon.embed import get_encoder

FNC = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "fnc1"
DISAGREE, UNRELATED = STANCES.index("disagree"), STANCES.index("unrelated")


@pytest.fixture(scope="module")
def model():
    return StanceModel.load()


def test_shipped_model_is_small_and_records_its_split(model):
    path = Path(__file__).resolve().parent.parent / "rashomon" / "compare" / "data" / "stance.json"
    assert path.stat().st_size < 5_000_000
    split = model.info["split"]
    assert split["by"].startswith("body id and headline") and isinstance(split["seed"], int)
    assert split["pairs"]["dropped"] > 0 and split["pairs"]["test"] > 3000
    assert model.info["test"]["fnc_relative"] > 0.75


CASES = {
    "en": (
        "Apple will buy Tesla for $75 billion",
        "Apple has agreed to buy Tesla for $75 billion, the two companies announced on Monday.",
        "Apple denied the report that it will buy Tesla, calling the $75 billion story a hoax: it is not true.",
    ),
    "fr": (
        "Le gouvernement va fermer toutes les écoles du pays lundi",
        "Le gouvernement a confirmé que toutes les écoles du pays fermeront lundi.",
        "Le ministère a démenti cette rumeur : les écoles du pays ne fermeront pas lundi, l'information est fausse.",
    ),
    "es": (
        "El presidente dimitirá la próxima semana",
        "El presidente anunció que dimitirá la próxima semana, confirmó su portavoz.",
        "El portavoz desmiente el bulo: el presidente no dimitirá la próxima semana, es falso.",
    ),
}


@pytest.mark.parametrize("language", sorted(CASES))
def test_refuting_evidence_scores_more_disagree_than_agreeing(model, language):
    claim, agreeing, refuting = CASES[language]
    pairs = [StancePair(claim, [agreeing], language, language), StancePair(claim, [refuting], language, language)]
    proba = model.predict_proba(pairs)
    assert proba.shape == (2, 4)
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert proba[1, DISAGREE] > proba[0, DISAGREE]
    # Both are on topic.
    assert proba[0, UNRELATED] < 0.5 and proba[1, UNRELATED] < 0.5
    assert "refuting_cue" in pair_reasons(pairs[1])
    assert "refuting_cue" not in pair_reasons(pairs[0])


def test_unrelated_text_is_unrelated(model):
    body = (
        "The home side won the league title on Sunday after a dramatic final match. "
        "Their striker scored twice in the second half. Fans celebrated in the streets until late."
    )
    pairs = [
        StancePair("Apple will buy Tesla for $75 billion", body, "en", "en"),
        StancePair("Le gouvernement va fermer toutes les écoles du pays lundi", body, "fr", "en"),
    ]
    assert model.predict(pairs) == ["unrelated", "unrelated"]
    assert "low_overlap" in pair_reasons(pairs[0])


def test_given_vectors_are_used_and_languages_detected(model):
    encoder = get_encoder()
    claim, agreeing, refuting = CASES["en"]
    vectors = encoder.encode([claim, agreeing, refuting])
    with_vectors = StancePair(claim, [agreeing, refuting], claim_vector=vectors[0], evidence_vectors=vectors[1:])
    without = StancePair(claim, [agreeing, refuting])
    a, b = model.predict_proba([with_vectors, without])
    assert np.allclose(a, b, atol=1e-5)


def test_quantity_mismatch_reason():
    pair = StancePair(
        "The storm killed 12 people in the city",
        ["The storm killed 40 people in the city, officials said."],
        "en",
        "en",
    )
    assert "quantity_mismatch" in pair_reasons(pair)


def test_fnc_score_on_hand_made_confusion():
    gold = ["agree", "disagree", "unrelated", "discuss", "unrelated", "discuss"]
    predicted = ["agree", "discuss", "unrelated", "unrelated", "agree", "discuss"]
    # 1 (exact) + 0.25 (related, wrong label) + 0.25 (unrelated) + 0 + 0 + 1 (exact)
    score, best = fnc_score(gold, predicted)
    assert score == pytest.approx(2.5)
    assert best == pytest.approx(1 + 1 + 0.25 + 1 + 0.25 + 1)
    # F1 per class: agree P 1/2 R 1 -> 2/3; disagree 0; discuss P 1/2 R 1/2 -> 1/2; unrelated P 1/2 R 1/2 -> 1/2
    assert macro_f1(gold, predicted) == pytest.approx((2 / 3 + 0 + 1 / 2 + 1 / 2) / 4)


def test_split_is_by_body_and_disjoint():
    ids = [str(i) for i in range(3000)]
    parts = {name: {i for i in ids if split_of(i) == name} for name in ("train", "validation", "test")}
    assert set().union(*parts.values()) == set(ids)
    assert not (parts["train"] & parts["test"]) and not (parts["validation"] & parts["test"])
    assert 0.27 < len(parts["test"]) / len(ids) < 0.33
    assert split_of("17") == split_of("17") and split_of("17", seed=1) in ("train", "validation", "test")


def test_held_out_pairs_share_neither_body_nor_headline_with_training():
    # Every body with every headline: a split by body alone would put each headline on both sides.
    headlines = [f"Headline number {n} about a storm" for n in range(60)]
    rows = [StanceRow(h, str(b), "unrelated") for b in range(60) for h in headlines]
    parts = {name: rows_in(rows, name) for name in PARTS}
    assert sum(map(len, parts.values())) == len(rows) and all(parts.values())
    seen = parts["train"] + parts["validation"]
    test_bodies, test_headlines = {r.body_id for r in parts["test"]}, {r.headline for r in parts["test"]}
    assert not test_bodies & {r.body_id for r in seen}
    assert not test_headlines & {r.headline for r in seen}
    # The dropped pairs are exactly those with one foot on each side.
    for r in parts["dropped"]:
        assert (split_of(r.body_id) == "test") != headline_in_test(r.headline)
    # Spaces and case do not make a headline new.
    assert pair_split(StanceRow("  HEADLINE number 3   about a storm", "7", "agree")) == pair_split(
        StanceRow(headlines[3], "7", "agree")
    )
    if FNC.is_dir():
        bodies, fnc_rows = read_fnc(FNC / "train_bodies.csv", FNC / "train_stances.csv")
        test = rows_in(fnc_rows, "test")
        seen = [r for part in ("train", "validation") for r in rows_in(fnc_rows, part)]
        assert test and not {r.body_id for r in test} & {r.body_id for r in seen}
        assert not {headline_key(r.headline) for r in test} & {headline_key(r.headline) for r in seen}


TOPICS = [
    (
        "A meteorite fell on {p}",
        "A meteorite crashed near {p} overnight, officials confirmed.",
        "A small crater was found.",
    ),
    (
        "{p} bans plastic bags from next year",
        "Lawmakers in {p} voted to ban plastic bags from next year.",
        "Shops must comply.",
    ),
    (
        "A tiger escaped from the zoo in {p}",
        "A tiger escaped from the zoo in {p} on Tuesday, police said.",
        "Residents were warned.",
    ),
    ("The mayor of {p} resigned", "The mayor of {p} resigned on Friday after a long scandal.", "A vote follows."),
    ("A bridge collapsed in {p}", "A bridge collapsed in {p} during the morning rush hour.", "Rescuers were on site."),
]
PLACES = ["Lyon", "Porto", "Graz", "Tampere", "Cork", "Ghent", "Bergen", "Split", "Brno", "Turku"]


def _fixture(tmp_path: Path) -> tuple[Path, Path]:
    bodies, stances = [], []
    body_id = 0
    for t, (headline, fact, extra) in enumerate(TOPICS):
        for place in PLACES:
            h, f = headline.format(p=place), fact.format(p=place)
            texts = {
                "agree": f"{f} {extra} The news was confirmed by several witnesses.",
                "disagree": f"Officials denied reports that {h.lower()}. The story is a hoax and not true. {extra}",
                "discuss": f"Unconfirmed reports claim that {h.lower()}, but it is unclear. Local media said it may have happened.",
            }
            for stance, text in texts.items():
                bodies.append((body_id, text))
                stances.append((h, body_id, stance))
                other = TOPICS[(t + 1) % len(TOPICS)][0].format(p=PLACES[(PLACES.index(place) + 3) % len(PLACES)])
                stances.append((other, body_id, "unrelated"))
                body_id += 1
    bodies_csv, stances_csv = tmp_path / "bodies.csv", tmp_path / "stances.csv"
    with open(bodies_csv, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Body ID", "articleBody"])
        writer.writerows(bodies)
    with open(stances_csv, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Headline", "Body ID", "Stance"])
        writer.writerows(stances)
    return bodies_csv, stances_csv


def test_training_end_to_end_on_a_tiny_fixture(tmp_path):
    bodies_csv, stances_csv = _fixture(tmp_path)
    out = tmp_path / "model.json"
    run_cli(
        "train", "stance", str(bodies_csv), str(stances_csv), "--out", str(out), "--quiet", cwd=tmp_path, check_ok=True
    )
    data = json.loads(out.read_text("utf-8"))
    assert data["training"]["split"]["pairs"]["test"] > 0
    trained = StanceModel.load(out)
    buffer = io.StringIO()
    fnc, f1 = run_stance_bench(bodies_csv, stances_csv, out=buffer, model=trained, split="test")
    test_pairs, all_pairs = data["training"]["split"]["pairs"]["test"], len(read_fnc(bodies_csv, stances_csv)[1])
    assert 0 < test_pairs < all_pairs
    assert (
        f"scored {test_pairs} of {all_pairs} pairs (held-out test share: --split test)"
        in buffer.getvalue().splitlines()
    )
    last = buffer.getvalue().strip().splitlines()[-1]
    assert last == f"fnc={fnc:.4f} macro_f1={f1:.4f}"
    assert "confusion" in buffer.getvalue()
    # The fixture is easy: related vs unrelated and the cue words separate it.
    assert fnc > 0.8 and f1 > 0.6
    assert data["training"]["test"]["fnc_relative"] == pytest.approx(fnc, abs=1e-4)
    # By default the bench scores every pair it is given, training's too, through the real CLI.
    result = run_cli(
        "bench", "stance", str(bodies_csv), str(stances_csv), "--model", str(out), cwd=tmp_path, check_ok=True
    )
    lines = result.stdout.decode().strip().splitlines()
    assert f"scored {all_pairs} pairs (all of the given files)" in lines
    assert re.fullmatch(r"fnc=\d\.\d{4} macro_f1=\d\.\d{4}", lines[-1]), lines[-1]
