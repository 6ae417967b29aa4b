"""The trained named-entity recogniser (rashomon.analyze.ner), its bench and its training, on real files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from rashomon.analyze import ner
from rashomon.bench.ner import run_ner_bench

FIXTURES = ROOT / "tests" / "fixtures" / "ner"


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
