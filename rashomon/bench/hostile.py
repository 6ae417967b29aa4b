"""Pathological texts through every article stage: seconds and peak memory per case.

    rashomon bench hostile [--scale 1.0] [--cases a,b] [--language en] [--timeout 1800]

Each case is a valid text no news article looks like (one 1 MB word, 200,000 initials, 100,000
one-letter lines, a 49 MB article, a 5,000-digit number, one 1 MB sentence of names and speech
verbs). Each runs in a fresh child process, so peaks are separate, through the pipeline's own stage
functions (``pipeline.analyze_batch``: clean, language, analysis, persuasion, story features) one
stage at a time. The text is given as English by default, so the heaviest analysis runs (spaCy's
parse, every rule); a detected language such as Tagalog would skip the analysis. ``--scale`` shrinks
every case (0.05 for a quick run). Per case: characters, seconds, peak resident memory (MB) and the
slowest stage; then each stage's seconds and peak. The last line is ``worst_s=<f> worst_mb=<n>``
(a case that fails or times out makes it ``worst_s=inf``).

Bounds and why: ``rashomon.bounds``. Figures: docs/benchmarks.md, "Hostile input: pathological texts".
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Sequence


def _long_word(size: int) -> str:
    return ("abcdefghijklmnopqrstuvwxyz" * (size // 26 + 1))[:size]


def _initials(size: int) -> str:
    return "A. " * (size // 3)


def _short_lines(size: int) -> str:
    return "a\n" * (size // 2)


def _long_number(size: int) -> str:
    return f"Officials said on Monday that {'7' * size} people had left the city of Paris, and 1,200 came back."


def _names(size: int) -> str:
    return "John Smith said. " * (size // 17)


# Words of a news report, for prose that reads like one to every stage (names, numbers, dates, speech verbs).
_NEWS_WORDS = (
    "the a of in on to and that said told reporters officials government minister President Joe Biden "
    "Mr. Smith Syrian Democratic Forces (SDF) Raqqa Paris London Moscow city people were killed wounded "
    "about more than 3,000 1.5 million 200 civilians fighters on Monday last week in 2017 October 15 "
    'according to the ministry spokesman Omar Alloush "we will not" denied claimed reported would could '
    "attack strike troops coalition ceasefire talks agreement United Nations report council security"
).split()


def _huge_article(size: int) -> str:
    """Paragraphs of news words in a fixed random order: all different, so cleaning keeps every one."""
    words = _NEWS_WORDS
    rng = random.Random(0)
    paragraphs, length = [], 0
    while length < size:
        paragraph = " ".join(rng.choice(words) for _ in range(rng.randint(30, 90))) + "."
        paragraphs.append(paragraph)
        length += len(paragraph) + 2
    return "\n\n".join(paragraphs)[:size]


_WARM_UP = (
    "Syria talks resume\n\nPresident Joe Biden told reporters on Monday that about 3,000 people had left "
    'Raqqa, according to the Syrian Democratic Forces (SDF). "We will not stop," spokesman Omar Alloush said.'
)

# name -> (what it is, the text for a size, full size)
CASES: dict[str, tuple[str, Callable[[int], str], int]] = {
    "long-word": ("one word, no spaces", _long_word, 1_000_000),
    "initials": ('"A. " repeated', _initials, 600_000),
    "short-lines": ('"a\\n" repeated', _short_lines, 200_000),
    "huge-article": ("prose paragraphs", _huge_article, 49_000_000),
    "long-number": ("a number of that many digits in a sentence", _long_number, 5_000),
    "names": ('"John Smith said. " repeated', _names, 1_000_000),
}


def _peak_mb() -> float:
    """The peak resident memory of this process since the last ``_reset_peak`` (MB)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KB


def _reset_peak() -> bool:
    """Start measuring the peak afresh (Linux); False where the OS cannot, and peaks are the process's."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def run_case(name: str, size: int, language: str | None) -> dict:
    """In this process: the case's text through every article stage, one at a time. Seconds and peaks per stage."""
    from rashomon.model import Article
    from rashomon.pipeline import STAGE_NAMES, AnalysisTask, analyze_batch

    given = {"language": language} if language else {}
    # Models load on first use; a short article first keeps their loading out of the case's seconds
    # (their memory stays in its peak: a worker holds them too).
    warm_up = Article(id="warm-up", original=_WARM_UP, language=language, given=dict(given))
    analyze_batch(AnalysisTask([warm_up], [STAGE_NAMES]))
    text = CASES[name][1](size)
    article = Article(id=name, original=text, language=language, given=dict(given))
    stages: dict[str, dict[str, float]] = {}
    overall = _peak_mb()
    for stage in STAGE_NAMES:
        _reset_peak()
        started = time.perf_counter()
        result = analyze_batch(AnalysisTask([article], [[stage]]))
        seconds = time.perf_counter() - started
        article = result.articles[0]
        peak = _peak_mb()
        overall = max(overall, peak)
        stages[stage] = {"s": round(seconds, 2), "mb": round(peak)}
    return {
        "case": name,
        "chars": len(text),
        "s": round(sum(s["s"] for s in stages.values()), 2),
        "mb": round(overall),
        "stages": stages,
        "note": article.analysis_note,
    }


def run_hostile_bench(
    cases: Sequence[str] | None = None,
    *,
    scale: float = 1.0,
    language: str | None = "en",
    timeout: float = 1800.0,
    out: Callable[[str], None] = print,
) -> tuple[float, float]:
    """Every case in a fresh child process; returns (worst seconds, worst peak MB)."""
    names = list(cases or CASES)
    unknown = [n for n in names if n not in CASES]
    if unknown:
        raise ValueError(f"unknown case(s) {', '.join(unknown)} (known: {', '.join(CASES)})")
    worst_s, worst_mb = 0.0, 0.0
    out(f"{'case':<13} {'characters':>11} {'seconds':>8} {'peak_mb':>8}  slowest stage")
    for name in names:
        size = max(1, round(CASES[name][2] * scale))
        command = [sys.executable, "-m", "rashomon.bench.hostile", name, str(size), language or ""]
        try:
            child = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            out(f"{name:<13} {size:>11,} timed out after {timeout:.0f} s")
            worst_s = float("inf")
            continue
        if child.returncode != 0:
            last = (child.stderr.strip().splitlines() or [f"exit status {child.returncode}"])[-1]
            out(f"{name:<13} {size:>11,} failed: {last}")
            worst_s = float("inf")
            continue
        report = json.loads(child.stdout.strip().splitlines()[-1])
        slowest = max(report["stages"], key=lambda stage: report["stages"][stage]["s"])
        out(
            f"{name:<13} {report['chars']:>11,} {report['s']:>8.1f} {report['mb']:>8.0f}  "
            f"{slowest} {report['stages'][slowest]['s']:.1f} s"
        )
        out("    " + ", ".join(f"{stage} {v['s']:.1f} s {v['mb']:.0f} MB" for stage, v in report["stages"].items()))
        if report["note"]:
            out(f"    note: {report['note']}")
        worst_s, worst_mb = max(worst_s, report["s"]), max(worst_mb, report["mb"])
    out(f"worst_s={worst_s:.1f} worst_mb={worst_mb:.0f}")
    return worst_s, worst_mb


if __name__ == "__main__":
    # The child of run_hostile_bench: one case, its report as the last line of stdout.
    case, size, language = sys.argv[1], int(sys.argv[2]), sys.argv[3] or None
    print(json.dumps(run_case(case, size, language)))
