"""Voices: whose position each compared statement states, through the real pipeline on two small articles.

Two outlets tell one story. The Daily Courier's headline says the deal was US-backed and its
last paragraph quotes the coalition's spokesman saying it was not involved; the Evening Ledger
reports the Coalition's denial in a relative clause. Neither outlet denies anything itself.
"""

import json

import pytest

from conftest import positions_by_outlet, run_cli
from rashomon.compare.voice import name_key, rank, spoken_for
from rashomon.model import Proposition
from rashomon.present.compare import cells
from rashomon.store.rows import record

COMMON = [
    "Islamic State militants left Raqqa on Sunday in a convoy of buses, ending their three-year hold on the Syrian "
    "city after four months of fighting.",
    "The convoy of militants and their families drove east towards Deir Ezzor, residents of Raqqa said.",
    "The Syrian Democratic Forces said the battle for Raqqa would end within days.",
    "About 3,000 civilians also left the city on Sunday, aid workers in the region said.",
    "Raqqa was the first big Syrian city to fall to Islamic State in 2014 and became the capital of its "
    "self-declared caliphate.",
    "The fighting destroyed much of the old city, and the United Nations said tens of thousands of residents had "
    "fled since June.",
    "Mines left by the militants still block many streets of Raqqa, engineers working with the Syrian Democratic "
    "Forces said.",
]
ARTICLES = [
    (
        "Daily Courier",
        "Militants leave Raqqa under US-backed deal",
        "Colonel Ryan Dillon, spokesman for the US coalition, said it was not involved in the deal.",
    ),
    (
        "Evening Ledger",
        "Militants leave Raqqa after deal with tribal elders",
        "The deal in Raqqa, which the Coalition denied being involved in, was negotiated by tribal elders.",
    ),
]


@pytest.fixture(scope="module")
def doc(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("voices")
    with (workdir / "corpus.jsonl").open("w", encoding="utf-8") as f:
        for source, title, last in ARTICLES:
            text = "\n\n".join([title, *COMMON, last])
            record_ = {"source": source, "title": title, "language": "en", "published": "2017-10-15", "text": text}
            f.write(json.dumps(record_) + "\n")
    run_cli("analyze", "corpus.jsonl", cwd=workdir, check_ok=True)
    exported = json.loads(run_cli("export", cwd=workdir, check_ok=True).stdout)
    assert len(exported["stories"]) == 1, exported["stories"]
    return exported


def test_a_reported_denial_is_the_speakers_not_the_outlets(doc):
    courier = next(a["id"] for a in doc["articles"] if a["source"] == "Daily Courier")
    (row,) = [p for p in doc["propositions"] if f"h-{courier}" in p["claim_ids"]]
    positions = positions_by_outlet(doc, row)
    assert sorted(positions["Daily Courier"]) == [
        ("asserts", "Daily Courier", True),
        ("denies", "the Coalition", False),
    ]
    assert positions["Evening Ledger"] == [("denies", "the Coalition", False)]
    (contradiction,) = [r for r in doc["relations"] if r["type"] == "contradict"]
    assert contradiction["voice_names"] == ["Daily Courier", "the Coalition"]


def test_a_speaker_phrase_that_only_names_a_place_or_body_is_not_that_entity(doc):
    names = {n for p in doc["propositions"] for n in p["voice_names"]}
    assert "residents of Raqqa" in names and "Raqqa" not in names
    assert "engineers working with the Syrian Democratic Forces" in names


def test_no_outlet_is_charged_with_a_denial(doc):
    for p in doc["propositions"]:
        assert not [s for s, v in zip(p["stances"], p["voices"]) if s == "denies" and v is None]


def test_spokespeople_speak_for_a_named_body():
    assert spoken_for("spokesman for the US coalition", "en") == "the US coalition"
    assert spoken_for("SDF spokesman", "en") == "SDF"
    assert spoken_for("An SDF spokesperson", "en") == "SDF"
    assert spoken_for("a spokesman for the militants", "en") is None  # no named body: the person's own voice
    assert spoken_for("a senior official of the Raqqa Civil Council", "en") is None
    assert spoken_for("porte-parole du Quai d'Orsay", "fr") == "Quai d'Orsay"
    assert name_key("the Coalition", "en") == "n:coalition"


def test_a_cell_shows_its_strongest_state_and_old_comparisons_read_as_own():
    p = Proposition(
        "p-1",
        "x",
        ["q-a-1", "c-a-2", "c-a-3"],
        ["a", "a", "a"],
        ["denies", "hedges", "asserts"],
        voices=["e-x", None, None],
        voice_names=["X", "Outlet", "Outlet"],
    )
    (cell,) = cells(p, [("Outlet", ["a"])])
    assert [e.label for e in cell.entries] == ["asserts", "hedges", "reports X denying"]
    assert cell.state == "asserts" and cell.shown.statement_id == "c-a-3"
    assert rank("hedges", True) < rank("denies", False)
    old = record(
        Proposition, {"id": "p-2", "label": "y", "claim_ids": ["c-a-1"], "article_ids": ["a"], "stances": ["denies"]}
    )
    assert old.voices == [] and cells(old, [("Outlet", ["a"])])[0].state == "denies"


def test_what_a_speaker_is_reported_denying_is_denied_not_asserted():
    from rashomon.compare import compare_story
    from rashomon.model import Article, Claim, Entity, Mention, Quote

    said = "The convoy included foreign fighters from the besieged quarter of Raqqa."
    a = Article(id="a", original=said, text=said, source="Outlet A", language="en")
    a.mentions.append(Mention(said.index("Raqqa"), said.index("Raqqa") + 5, "Raqqa", "place", entity_id="e-raqqa"))
    a.claims.append(Claim(0, len(said), said, mention_ids=[0]))
    denied = "The ministry denied that the convoy included foreign fighters from the besieged quarter of Raqqa."
    content = denied.index("the convoy")
    b = Article(id="b", original=denied, text=denied, source="Outlet B", language="en")
    b.mentions.append(Mention(denied.index("Raqqa"), denied.index("Raqqa") + 5, "Raqqa", "place", entity_id="e-raqqa"))
    b.quotes.append(Quote(content, len(denied) - 1, denied[content:-1], False, "The ministry", 0, 12, cue="denied"))
    b.claims.append(
        Claim(content, len(denied) - 1, denied[content:-1], quote=0, speaker="The ministry", mention_ids=[0])
    )
    c = compare_story([a, b], [Entity("e-raqqa", "Raqqa", "place", ["Raqqa"])])
    (p,) = [p for p in c.propositions if "c-b-0" in p.claim_ids]
    held = dict(zip(p.claim_ids, zip(p.stances, p.voice_names)))
    assert held["c-a-0"] == ("asserts", "Outlet A")
    assert held["c-b-0"] == ("denies", "The ministry")
    assert "contradict" in {r.type for r in c.relations}
