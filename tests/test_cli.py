"""The command line end to end, as a new user runs it: real processes, real SQLite files, the real encoder."""

import csv
import io
import json
import shutil
import sqlite3
import subprocess
import sys
import time

import pytest

from conftest import ROOT, SEEDS, run_cli

PRESS_TV, FRENCH, ASHARQ = "000_beb97b786951395b.txt", "001_2744c880e1a75e98.txt", "002_5c1f82888a9eaaa3.txt"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """One analysed database of the three seeds, shared by the read-only tests below."""
    workdir = tmp_path_factory.mktemp("seeded")
    result = run_cli("analyze", str(SEEDS), "--report", "report.html", cwd=workdir)
    assert result.returncode == 0, result.stderr.decode()
    return workdir, result


def export_json(workdir):
    return json.loads(run_cli("export", cwd=workdir, check_ok=True).stdout)


def test_analyze_seeds_makes_the_two_expected_stories(seeded):
    workdir, result = seeded
    assert b"3 new article(s)" in result.stdout
    doc = export_json(workdir)
    by_file = {a["paths"][0].split("/")[-1]: a for a in doc["articles"]}
    story_of = {aid: s["id"] for s in doc["stories"] for aid in s["article_ids"]}
    raqqa = story_of[by_file[PRESS_TV]["id"]]
    assert story_of[by_file[ASHARQ]["id"]] == raqqa
    assert story_of[by_file[FRENCH]["id"]] != raqqa
    assert len(doc["stories"]) == 2
    assert all(s["title"] for s in doc["stories"])


def test_export_json_is_the_public_contract(seeded):
    workdir, _ = seeded
    doc = export_json(workdir)
    assert {"articles", "stories"} <= set(doc)
    for article in doc["articles"]:
        assert {"id", "paths", "url", "title", "source", "language", "published", "text"} <= set(article)
    for story in doc["stories"]:
        assert {"id", "title", "article_ids"} <= set(story)
    by_file = {a["paths"][0].split("/")[-1]: a for a in doc["articles"]}
    press_tv, french, asharq = by_file[PRESS_TV], by_file[FRENCH], by_file[ASHARQ]
    assert press_tv["title"] == "Daesh Militants Quit Raqqah Under US-backed Deal"
    assert press_tv["published"] == "2017-10-15"
    assert press_tv["source"] == "presstv.ir"
    assert asharq["title"] == "ISIS Militants Cleared from Raqqa… Mystery Surrounds Their Destination"
    assert asharq["source"] == "Asharq Al-Awsat"
    assert french["title"] is None and french["published"] is None
    assert (press_tv["language"], french["language"], asharq["language"]) == ("en", "fr", "en")
    assert "No comments" not in press_tv["text"] and "Select Page" not in asharq["text"]
    first_paragraph = "Le ministère de la Défense russe a fourni quelques informations"
    assert french["text"].count(first_paragraph) == 1


def test_jsonl_and_csv_exports_parse(seeded):
    workdir, _ = seeded
    lines = run_cli("export", "--format", "jsonl", cwd=workdir, check_ok=True).stdout.decode().splitlines()
    records = [json.loads(line) for line in lines]
    assert sorted(r["type"] for r in records).count("article") == 3
    rows = list(csv.DictReader(io.StringIO(run_cli("export", "-f", "csv", cwd=workdir, check_ok=True).stdout.decode())))
    assert len(rows) == 3 and all(row["article_id"] for row in rows)
    run_cli("export", "--out", "out.json", cwd=workdir, check_ok=True)
    assert json.loads((workdir / "out.json").read_text())["articles"]


def test_report_is_written_and_named(seeded):
    workdir, result = seeded
    report = workdir / "report.html"
    assert str(report) in result.stdout.decode()
    html = report.read_text(encoding="utf-8")
    assert "Daesh Militants Quit Raqqah Under US-backed Deal" in html
    assert "<script src=" not in html and "https://" not in html.split("</head>")[0]


def test_stories_and_show(seeded):
    workdir, _ = seeded
    listing = run_cli("stories", cwd=workdir, check_ok=True).stdout.decode()
    doc = export_json(workdir)
    raqqa = next(s for s in doc["stories"] if len(s["article_ids"]) == 2)
    # Not a terminal: a header and one tab-separated line per story, no colour codes.
    assert "\x1b[" not in listing
    header, *rows = listing.splitlines()
    assert header.split("\t") == ["id", "articles", "languages", "dates", "sources", "title"]
    by_id = {row.split("\t")[0]: row.split("\t") for row in rows}
    assert set(by_id) == {s["id"] for s in doc["stories"]}
    assert by_id[raqqa["id"]][1:3] == ["2", "en"]
    assert "Asharq Al-Awsat" in by_id[raqqa["id"]][4] and "presstv.ir" in by_id[raqqa["id"]][4]
    shown = run_cli("show", raqqa["id"][:8], cwd=workdir, check_ok=True).stdout.decode()
    assert "presstv.ir" in shown and "Asharq Al-Awsat" in shown
    missing = run_cli("show", "s-nothing-like-this", cwd=workdir)
    assert missing.returncode == 1 and b"no story" in missing.stderr


def test_running_again_does_no_work_and_stores_nothing_twice(seeded, tmp_path):
    workdir, _ = seeded
    shutil.copy(workdir / "rashomon.db", tmp_path / "rashomon.db")
    again = run_cli("analyze", str(SEEDS), cwd=tmp_path, check_ok=True).stdout.decode()
    assert "0 new article(s), 3 already stored" in again
    assert "analysed 0 article(s)" in again
    assert len(json.loads(run_cli("export", cwd=tmp_path, check_ok=True).stdout)["stories"]) == 2


def test_new_article_joins_existing_story_without_touching_others(tmp_path):
    first = tmp_path / "first"
    first.mkdir()
    for name in (PRESS_TV, FRENCH):
        shutil.copy(SEEDS / name, first / name)
    run_cli("analyze", str(first), cwd=tmp_path, check_ok=True)
    before = {s["id"]: s["article_ids"] for s in export_json(tmp_path)["stories"]}
    assert len(before) == 2

    output = run_cli("analyze", str(SEEDS / ASHARQ), cwd=tmp_path, check_ok=True).stdout.decode()
    assert "analysed 1 article(s)" in output and "1 joined existing" in output
    after = {s["id"]: s["article_ids"] for s in export_json(tmp_path)["stories"]}
    assert set(after) == set(before)  # story ids are stable
    grown = [sid for sid in after if len(after[sid]) == 2]
    assert len(grown) == 1 and after[grown[0]][: len(before[grown[0]])] == before[grown[0]]


def test_bad_inputs_each_get_one_line_and_the_batch_goes_on(tmp_path):
    run_cli("analyze", str(SEEDS / FRENCH), cwd=tmp_path, check_ok=True)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "empty.txt").write_text("")
    (inbox / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    (inbox / "latin1.txt").write_bytes("Caf\xe9 cr\xe8me".encode("latin-1") * 10)
    (inbox / "nobody.html").write_text("<html><head><title>x</title></head><body></body></html>")
    (inbox / "feed.jsonl").write_text(
        json.dumps(
            {"text": "The council voted on Tuesday to close the bridge for repairs until spring.", "title": "Bridge"}
        )
        + "\n{not json\n"
    )
    (tmp_path / "empty-folder").mkdir()
    result = run_cli("analyze", str(inbox), str(tmp_path / "empty-folder"), "--max-bytes", "100000", cwd=tmp_path)
    assert result.returncode == 1
    stderr = result.stderr.decode()
    for expected in ("empty.txt", "image.txt", "latin1.txt", "nobody.html", "feed.jsonl:2", "empty-folder"):
        assert sum(expected in line for line in stderr.splitlines() if line.startswith("rejected:")) == 1, (
            expected,
            stderr,
        )
    titles = {a["title"] for a in export_json(tmp_path)["articles"]}
    assert "Bridge" in titles  # the good record got through
    assert len(titles) == 2  # and the article stored before is still there


def test_an_article_that_breaks_a_stage_never_holds_up_the_others(tmp_path):
    # Found by a hostile-input campaign: a 4,301-digit number made `analyze` fail its whole batch, and every later
    # run the same way, so nothing else was ever analysed.
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_text("Police in Lyon said on Monday that 87 people were arrested after the protest. " * 4)
    (inbox / "b.txt").write_text(("The ministry published the figure " + "7" * 5000 + " on Tuesday. ") * 3)
    (inbox / "c.txt").write_text("La police a arrêté 87 personnes lundi à Lyon après la manifestation. " * 4)
    first = run_cli("analyze", str(inbox), cwd=tmp_path)
    assert first.returncode in (0, 1), first.stderr.decode()
    failed = [line for line in first.stderr.decode().splitlines() if " failed (" in line]
    assert all(line.startswith(str(inbox / "b.txt")) for line in failed), failed  # if anything failed, b did
    stories = export_json(tmp_path)["stories"]
    placed = {
        path.rsplit("/", 1)[-1]
        for story in stories
        for a in export_json(tmp_path)["articles"]
        if a["id"] in story["article_ids"]
        for path in a["paths"]
    }
    assert {"a.txt", "c.txt"} <= placed
    again = run_cli("analyze", cwd=tmp_path)
    assert again.returncode == 0 and "analysed 0 article(s)" in again.stdout.decode()
    status = run_cli("status", cwd=tmp_path, check_ok=True).stdout.decode()
    assert "pending analysis: 0" in status
    assert (f"failed: {len(failed)}" in status) and all(line in status for line in failed)


def test_an_oversized_file_is_rejected_without_being_read(tmp_path):
    big = tmp_path / "huge.txt"
    with big.open("wb") as fh:  # sparse: 200 MB on paper, nothing on disk
        fh.truncate(200 * 1024 * 1024)
    result = run_cli("ingest", str(big), cwd=tmp_path)
    assert result.returncode == 1
    assert b"huge.txt" in result.stderr and b"MB" in result.stderr


def test_stdin_is_read(tmp_path):
    text = "Le conseil municipal a voté mardi la fermeture du pont pour travaux jusqu'au printemps prochain."
    run_cli("analyze", "-", cwd=tmp_path, input=text.encode(), check_ok=True)
    [article] = export_json(tmp_path)["articles"]
    assert article["language"] == "fr" and article["paths"] == ["<stdin>"]


def test_a_killed_run_resumes_where_it_stopped(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    topics = ["harbour", "election", "drought", "vaccine", "railway", "festival", "earthquake", "budget"]
    with corpus.open("w") as fh:
        for i in range(320):
            topic = topics[i % len(topics)]
            text = f"Report {i} on the {topic}. Officials in city {i} said on Monday that the {topic} affected {i * 7} people."
            fh.write(json.dumps({"text": text, "title": f"{topic.title()} update {i}"}) + "\n")
    child = subprocess.Popen(
        [sys.executable, "-m", "rashomon", "analyze", str(corpus)],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    db = tmp_path / "rashomon.db"
    deadline = time.time() + 120
    analysed = 0
    while time.time() < deadline and child.poll() is None:
        time.sleep(0.2)
        try:
            with sqlite3.connect(db) as raw:
                analysed = raw.execute("SELECT COUNT(*) FROM stage_runs WHERE stage = 'features'").fetchone()[0]
        except sqlite3.Error:
            continue
        if analysed >= 32:
            break
    child.kill()
    child.wait()
    assert 0 < analysed < 320, "the run should have been killed halfway through analysis"

    status = run_cli("status", cwd=tmp_path, check_ok=True).stdout.decode()
    assert "articles: 320" in status
    resumed = run_cli("analyze", cwd=tmp_path, check_ok=True).stdout.decode()
    pending = int(resumed.split("analysed ")[1].split()[0])
    assert 0 < pending < 320  # only what was not committed is redone
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT COUNT(*) FROM stage_runs WHERE stage = 'features'").fetchone()[0] == 320
        assert raw.execute("SELECT COUNT(*) FROM story_members").fetchone()[0] == 320


def test_help_on_every_command_and_version(tmp_path):
    assert run_cli("--version", cwd=tmp_path, check_ok=True).stdout.decode().startswith("rashomon ")
    for command in (
        [],
        ["ingest"],
        ["analyze"],
        ["stories"],
        ["show"],
        ["export"],
        ["report"],
        ["status"],
        ["bench"],
        ["bench", "similarity"],
        ["bench", "throughput"],
        ["bench", "corpus-from-pairs"],
    ):
        result = run_cli(*command, "--help", cwd=tmp_path)
        assert result.returncode == 0 and b"Usage" in result.stdout, command


def test_every_command_is_documented():
    documented = (ROOT / "docs" / "cli.md").read_text()
    from rashomon.cli import app, bench_app

    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    names += [f"bench {c.name}" for c in bench_app.registered_commands]
    for name in names:
        assert f"## `rashomon {name}`" in documented, name
