"""The reference case for source comparison: what `rashomon analyze` + `rashomon compare` find in the seeds.

Hand-checked expectations, read from the public export of a real run: the Raqqa
story's sources contradict each other on the foreign fighters (Omar Alloush
quoted both ways: quote drift) and on the coalition's involvement (its denial
against Press TV's "US-backed deal" headline); only Asharq Al-Awsat gives the
numbers, and what only one source reports is an omission (hand-checked list below); and nothing else is
called a contradiction.

Voices: the denial is the Coalition's, which both outlets only report (Asharq in a
relative clause, "the deal, which the Coalition denied being involved in"; Press TV
through the coalition's spokesman, "said it was not involved in the evacuation"), so
neither outlet is charged with denying; each cell of the matrix shows one state.
"""

import json
import re

import pytest

from conftest import SEEDS, positions_by_outlet, run_cli

PRESS_TV, FRENCH, ASHARQ = "000_beb97b786951395b.txt", "001_2744c880e1a75e98.txt", "002_5c1f82888a9eaaa3.txt"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("seeds-compare")
    first = run_cli("analyze", str(SEEDS), "--report", "report.html", cwd=workdir, check_ok=True)
    again = run_cli("analyze", cwd=workdir, check_ok=True)
    doc = json.loads(run_cli("export", cwd=workdir, check_ok=True).stdout)
    by_file = {a["paths"][0].split("/")[-1]: a for a in doc["articles"]}
    texts = {}
    for key in ("claims", "quotes"):
        for item in doc[key]:
            texts[item["id"]] = item["text"]
    for a in doc["articles"]:
        if a["title"]:
            texts[f"h-{a['id']}"] = a["title"]
    story = next(s for s in doc["stories"] if by_file[PRESS_TV]["id"] in s["article_ids"])
    return {
        "workdir": workdir,
        "doc": doc,
        "by_file": by_file,
        "texts": texts,
        "story": story,
        "first": first.stdout.decode(),
        "again": again.stdout.decode(),
        "report": (workdir / "report.html").read_text(encoding="utf-8"),
    }


def relations(run, kind):
    return [r for r in run["doc"]["relations"] if r["type"] == kind]


def pair_texts(run, r):
    return [run["texts"][c] for c in r["claim_ids"]]


def find(run, kind, *needles):
    """Relations of ``kind`` whose statements contain each needle (one statement per needle, in order)."""
    found = []
    for r in relations(run, kind):
        texts = pair_texts(run, r)
        if len(texts) == len(needles) and (
            all(n in t for n, t in zip(needles, texts)) or all(n in t for n, t in zip(needles, reversed(texts)))
        ):
            found.append(r)
    return found


def test_foreign_fighters_contradiction_between_the_two_raqqa_articles(run):
    found = find(run, "contradict", "foreign-born terrorists", "no foreigners had left Raqqa")
    assert len(found) == 1, relations(run, "contradict")
    r = found[0]
    assert set(r["article_ids"]) == {run["by_file"][PRESS_TV]["id"], run["by_file"][ASHARQ]["id"]}
    assert r["reason"] == "negation-mismatch" and "same-speaker" in r["reasons"]


def test_alloush_quote_drift_across_sources_and_within_asharq(run):
    alloush = next(e for e in run["doc"]["entities"] if "Omar Alloush" in e["aliases"])
    across = find(run, "quote_drift", "foreign-born terrorists", "no foreigners had left Raqqa")
    within = find(run, "quote_drift", "the evacuation would include foreign fighters", "no foreigners had left Raqqa")
    assert len(across) == 1 and len(within) == 1
    for r in across + within:
        assert r["speaker_entity_id"] == alloush["id"]
        assert r["reason"] == "same-speaker"
    assert set(within[0]["article_ids"]) == {run["by_file"][ASHARQ]["id"]}


def test_coalition_denial_against_the_us_backed_deal_headline(run):
    press_tv = run["by_file"][PRESS_TV]["id"]
    found = find(run, "contradict", "US-backed Deal", "Coalition denied being involved")
    assert len(found) == 1
    assert f"h-{press_tv}" in found[0]["claim_ids"] and found[0]["reason"] == "denial"


def test_the_coalitions_denial_is_the_coalitions_in_both_raqqa_articles(run):
    press_tv = run["by_file"][PRESS_TV]["id"]
    (row,) = [p for p in run["doc"]["propositions"] if f"h-{press_tv}" in p["claim_ids"]]
    held = positions_by_outlet(run["doc"], row)
    # Press TV: its own headline asserts the US-backed deal; it reports the coalition's spokesman denying.
    assert sorted(held["presstv.ir"]) == [("asserts", "presstv.ir", True), ("denies", "the Coalition", False)]
    # Asharq: only the Coalition's denial, in a relative clause of its own sentence.
    assert held["Asharq Al-Awsat"] == [("denies", "the Coalition", False)]
    coalition = {v for v, n in zip(row["voices"], row["voice_names"]) if n == "the Coalition"}
    assert len(coalition) == 1  # "the US coalition" (Press TV) and "the Coalition" (Asharq) are one voice
    # No outlet is charged with a denial anywhere in the story: every denial is a speaker's.
    story = run["story"]["id"]
    for p in run["doc"]["propositions"]:
        if p["story_id"] == story:
            assert not [s for s, v in zip(p["stances"], p["voices"]) if s == "denies" and v is None], p
    # The contradiction is between the voices: Press TV's own headline and the Coalition.
    (r,) = find(run, "contradict", "US-backed Deal", "Coalition denied being involved")
    assert r["voices"][0] is None and r["voice_names"] == ["presstv.ir", "the Coalition"]


def test_each_cell_shows_one_state_the_strongest(run):
    # The foreign fighters: Asharq hedges in its own words ("conflicting reports about whether ...") and
    # reports Alloush both ways; its cell shows its own hedge, the reported positions after it.
    out = run_cli("compare", run["story"]["id"][:8], cwd=run["workdir"], check_ok=True).stdout.decode()
    (row,) = [row for row in out.split("\n\n")[0].splitlines() if "foreign-born terrorists" in row]
    press_tv, asharq = row.split("\t")[2:4]
    assert press_tv.startswith("reports Omar Alloush asserting: ") and "(q-" in press_tv and "; also" not in press_tv
    shown, *detail = asharq.split("; also ")
    assert shown.startswith("hedges: ") and shown.endswith(")") and "(c-" in shown
    assert sorted(d.split(": ", 1)[0] for d in detail) == [
        "reports Omar Alloush asserting",
        "reports Omar Alloush denying",
    ]


def test_asharq_only_numbers_are_omissions(run):
    asharq = run["by_file"][ASHARQ]["id"]
    omitted = {pair_texts(run, r)[0]: r for r in relations(run, "omission")}
    numbers = [r for t, r in omitted.items() if "275 Syrian ISIS fighters" in t and "between 200 and 300" in t]
    civilians = [r for t, r in omitted.items() if "3,000 trapped civilians" in t]
    assert len(numbers) == 1 and len(civilians) == 1
    for r in numbers + civilians:
        assert r["article_ids"] == [asharq] and "number" in r["reasons"]
    # The attributed count ranks above the outlet's own (salience is the omission's confidence).
    assert numbers[0]["confidence"] > civilians[0]["confidence"]


def test_every_omission_is_a_hand_checked_single_source_statement(run):
    # Read by hand: each is told by one source only (the US airlift and airstrike claims only Press TV
    # reports; the French intelligence claim only Asharq Al-Awsat); none is a number that counts nothing.
    single_source = [
        "275 Syrian ISIS fighters",
        "3,000 trapped civilians",
        "the French intelligence was behind the delay",
        "the US military had reduced its airstrikes",
        "the US had airlifted a number of Daesh commanders",
        "the SDF's decision to hasten the battle's end",
    ]
    for r in relations(run, "omission"):
        (text,) = pair_texts(run, r)
        assert any(s in text for s in single_source), text
        assert 0.5 <= r["confidence"] <= 0.95


def test_no_spurious_contradictions(run):
    # Every contradiction and drift is one of the hand-checked ones above; nothing in the one-source French story.
    allowed = [
        ("foreign-born terrorists", "no foreigners had left Raqqa"),
        ("US-backed Deal", "Coalition denied being involved"),
        ("the evacuation would include foreign fighters", "no foreigners had left Raqqa"),
    ]
    for kind in ("contradict", "quote_drift"):
        for r in relations(run, kind):
            texts = pair_texts(run, r)
            assert any(a in texts[0] and b in texts[1] for a, b in allowed), (kind, texts)
    french = run["by_file"][FRENCH]["id"]
    assert not [r for r in run["doc"]["relations"] if french in r["article_ids"] and r["type"] != "quote_drift"]


def test_relation_records_follow_the_contract(run):
    ids = set(run["texts"])
    assert run["doc"]["relations"]
    for r in run["doc"]["relations"]:
        assert r["type"] in {"agree", "contradict", "discuss", "omission", "quote_drift"}
        assert 0 < r["confidence"] <= 1 and isinstance(r["reason"], str) and r["reason"] == r["reasons"][0]
        assert set(r["claim_ids"]) <= ids and len(r["article_ids"]) == len(r["claim_ids"])
        assert re.fullmatch(r"r-[0-9a-f]{10}", r["id"])
    for p in run["doc"]["propositions"]:
        assert set(p["stances"]) <= {"asserts", "denies", "hedges"}
        assert len(p["voices"]) == len(p["voice_names"]) == len(p["claim_ids"]) and all(p["voice_names"])
    for r in run["doc"]["relations"]:
        assert len(r["voices"]) == len(r["voice_names"]) == len(r["claim_ids"])


def test_status_counts_relations_and_contradictions(run):
    out = run_cli("status", cwd=run["workdir"], check_ok=True).stdout.decode()
    counts = dict(line.split(": ", 1) for line in out.splitlines() if ": " in line)
    assert int(counts["relations"]) == len(run["doc"]["relations"])
    assert int(counts["contradictions"]) == len(relations(run, "contradict")) + len(relations(run, "quote_drift")) == 4


def test_comparison_is_incremental(run):
    assert "compared the sources of 2 story(ies) (0 unchanged)" in run["first"]
    assert "compared the sources of 0 story(ies) (2 unchanged)" in run["again"]


def test_compare_command_piped_prints_the_matrix(run):
    out = run_cli("compare", run["story"]["id"][:8], cwd=run["workdir"], check_ok=True).stdout.decode()
    header, *rows = out.split("\n\n")[0].splitlines()
    assert header.split("\t")[2:4] == ["presstv.ir", "Asharq Al-Awsat"]
    # The headline's row: Press TV asserts it and reports the Coalition's denial; Asharq only reports the denial.
    (row,) = [row for row in rows if "US-backed Deal" in row]
    press_tv, asharq = row.split("\t")[2:4]
    assert press_tv.startswith("asserts: Daesh Militants Quit Raqqah Under US-backed Deal (h-")
    assert "; also reports the Coalition denying: " in press_tv and "(q-" in press_tv
    assert asharq.startswith("reports the Coalition denying: ") and "(c-" in asharq and "; also" not in asharq
    assert "contradict" in row and "denies" not in row
    assert any(row.split("\t")[2] == "silent" and "omission" in row for row in rows)
    assert "quote_drift" in out.split("\n\n")[1]
    missing = run_cli("compare", "s-nope", cwd=run["workdir"])
    assert missing.returncode == 1


def test_compare_command_piped_prints_the_statements_text_and_plain_reasons(run):
    out = run_cli("compare", run["story"]["id"][:8], cwd=run["workdir"], check_ok=True).stdout.decode()
    matrix, listed = out.split("\n\n")
    # Matrix cells: the stance, the statement's own words, its id.
    assert any("denying: no foreigners had left Raqqa in the convoy (c-" in row for row in matrix.splitlines())
    header, *rows = listed.splitlines()
    columns = header.split("\t")
    assert columns[:6] == ["relation", "type", "confidence", "certainty", "explanation", "reason"]
    records = [dict(zip(columns, row.split("\t"))) for row in rows]
    assert len(records) == len(run["doc"]["relations"]) and all(len(r) == len(columns) for r in records)
    (drift,) = [r for r in records if r["type"] == "quote_drift" and r["source_1"] == r["source_2"]]
    assert drift["source_1"] == "Asharq Al-Awsat" and drift["speaker_1"] == drift["speaker_2"] == "Omar Alloush"
    assert {drift["text_1"], drift["text_2"]} == {
        "the evacuation would include foreign fighters",
        "no foreigners had left Raqqa in the convoy",
    }
    assert {drift["stance_1"], drift["stance_2"]} == {"asserts", "denies"}
    assert drift["explanation"].startswith("Asharq Al-Awsat reports Omar Alloush saying “")
    by_id = {r["id"]: r for r in run["doc"]["relations"]}
    for r in records:
        assert r["explanation"] == by_id[r["relation"]]["explanation"]  # one sentence, in the pipe and the export


def test_report_matrix_links_every_cell_to_its_sentence(run):
    html = run["report"]
    assert "Where the sources agree and differ" in html and 'class="cmp-conflict"' in html
    # Each row says why in plain words, and the report has a key to its colours.
    assert "Asharq Al-Awsat reports Omar Alloush saying “no foreigners had left Raqqa in the convoy”" in html
    assert 'id="key"' in html and "Key to colours and marks" in html and 'href="#key"' in html
    links = set(re.findall(r'href="#(cmp-[^"]+)"', html))
    assert links
    for target in links:
        assert html.count(f'id="{target}"') == 1, target
