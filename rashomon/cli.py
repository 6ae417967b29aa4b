"""The ``rashomon`` command line: each command a thin layer over the library.

Longer than the ~400 lines a module keeps to: it is the one home of every command (the runtime's, ``rashomon bench``
and ``rashomon train``), each a few lines of options over a library call, and splitting it would only scatter them.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from rashomon import __version__

app = typer.Typer(
    help="rashomon: read news from many outlets and languages, and see story by story how each source tells it.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
bench_app = typer.Typer(help="Benchmarks on public datasets; each prints its headline figure as the last line.")
app.add_typer(bench_app, name="bench")
train_app = typer.Typer(help="Train the shipped models from public datasets (deterministic; a developer's step).")
app.add_typer(train_app, name="train")

# Messages are never wrapped: a log or a pipe gets one line per message, whatever the width.
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

EXIT_REJECTED = 1  # some inputs could not be read; the rest were processed

DbOption = typer.Option("rashomon.db", "--db", help="SQLite database file (created if missing).")
WorkersOption = typer.Option(1, "--workers", "-w", min=1, help="Worker processes for per-article analysis.")
MaxBytesOption = typer.Option(
    50_000_000,
    "--max-bytes",
    min=1,
    help="Reject any file (.txt/.html/.json) or record (a JSONL line, CSV row, WARC record) larger than this many bytes; oversized files are not read.",
)


def _version(value: bool) -> None:
    if value:
        out.print(f"rashomon {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Optional[bool] = typer.Option(
        None, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    """rashomon: how each source tells the story."""


@contextmanager
def _progress() -> Iterator[Progress]:
    # Bars only on a terminal: logs and pipes get the plain summary lines.
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=not err.is_terminal,
        transient=False,
    )
    with progress:
        yield progress


def _open_store(db: str):
    from rashomon.store import Store, StoreError

    try:
        return Store(db)
    except StoreError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(2) from None


def _ingest(store, paths: list[str], max_bytes: int) -> int:
    from rashomon.model import Rejection
    from rashomon.pipeline import ingest

    with _progress() as progress:
        task = progress.add_task("reading", total=None)

        def on_item(item, result) -> None:
            progress.advance(task)
            if isinstance(item, Rejection):
                err.print(f"rejected: {item}", markup=False, highlight=False)

        report = ingest(store, paths, max_bytes=max_bytes, on_item=on_item)
    out.print(
        f"{len(report.added)} new article(s), {len(report.duplicates)} already stored, "
        f"{len(report.rejections)} input(s) rejected",
        markup=False,
        highlight=False,
    )
    for dup in report.duplicates:
        out.print(f"duplicate: {dup.path} is article {dup.article_id}, stored once", markup=False, highlight=False)
    return len(report.rejections)


def _analyze(store, workers: int, rebuild_stories: bool = False, rebuild_entities: bool = False) -> int:
    """Run every pending stage; returns how many articles or stories failed a stage in this run (each named)."""
    from rashomon.pipeline import run_analysis
    from rashomon.run import get_executor

    known = {(f.subject, f.stage, f.version) for f in store.failures.all()}
    executor = get_executor(workers)
    try:
        with _progress() as progress:
            tasks: dict[str, TaskID] = {}

            def on_progress(stage: str, done: int, total: int | None) -> None:
                if stage not in tasks:
                    tasks[stage] = progress.add_task(STAGE_LABELS[stage], total=total)
                progress.update(tasks[stage], completed=done, total=total)

            summary = run_analysis(
                store,
                executor,
                rebuild_stories=rebuild_stories,
                rebuild_entities=rebuild_entities,
                on_progress=on_progress,
            )
    finally:
        executor.close()
    new_failures = [f for f in store.failures.all() if (f.subject, f.stage, f.version) not in known]
    for failure in new_failures:
        err.print(str(failure), markup=False, highlight=False)
    for line in summary.lines(store.path):
        out.print(line, markup=False, highlight=False)
    return len(new_failures)


STAGE_LABELS = {
    "analyse": "analysing",
    "entities": "resolving entities",
    "stories": "grouping into stories",
    "compare": "comparing sources",
}


@app.command()
def ingest(
    paths: list[str] = typer.Argument(..., help="Files or folders (read recursively); '-' reads standard input."),
    db: str = DbOption,
    max_bytes: int = MaxBytesOption,
) -> None:
    """Store articles without analysing them (.txt .html .json .jsonl .csv .warc .warc.gz).

    The same article read twice, or from two paths, is stored once with every path
    kept. Exit code 1 if some inputs were rejected (each is named on stderr).
    """
    with _open_store(db) as store:
        rejected = _ingest(store, paths, max_bytes)
    if rejected:
        raise typer.Exit(EXIT_REJECTED)


@app.command()
def analyze(
    paths: list[str] = typer.Argument(None, help="Files or folders to ingest first; none: analyse what is pending."),
    db: str = DbOption,
    workers: int = WorkersOption,
    max_bytes: int = MaxBytesOption,
    redo: list[str] = typer.Option(
        [], "--redo", help="Re-run this stage (clean, lang, analyze, features) on every article."
    ),
    rebuild_entities: bool = typer.Option(
        False, "--rebuild-entities", help="Resolve every mention to canonical entities from scratch."
    ),
    rebuild_stories: bool = typer.Option(False, "--rebuild-stories", help="Regroup every article from scratch."),
    retry_failed: bool = typer.Option(
        False, "--retry-failed", help="Run again the stages that failed on some articles or stories (see status)."
    ),
    report: Optional[Path] = typer.Option(None, "--report", help="Also write the HTML report to this file."),
) -> None:
    """Ingest, clean, identify languages, analyse (entities, quotes, numbers, claims), embed, group into stories.

    Re-runnable: stages already done at the current version are skipped, so a run
    that was interrupted resumes where it stopped, and new articles join existing
    stories without recomputing the corpus. A stage that fails on one article is
    named in one line and recorded (see `rashomon status`); the others go on.
    Exit code 1 if some inputs were rejected or some article failed a stage.
    """
    from rashomon.pipeline import STAGE_NAMES

    with _open_store(db) as store:
        rejected = _ingest(store, paths, max_bytes) if paths else 0
        for stage in redo:
            if stage not in STAGE_NAMES:
                err.print(f"error: unknown stage {stage!r} (stages: {', '.join(STAGE_NAMES)})", markup=False)
                raise typer.Exit(2)
            store.articles.forget_stage(stage)
        if retry_failed:
            with store.transaction():
                store.failures.clear_all()
        failed = _analyze(store, workers, rebuild_stories, rebuild_entities)
        if report:
            _write_report(store, report)
    if rejected or failed:
        raise typer.Exit(EXIT_REJECTED)


@app.command()
def stories(db: str = DbOption) -> None:
    """List the stories: id, title, number of sources, languages, dates."""
    from rashomon.present.terminal import stories_lines, stories_table

    with _open_store(db) as store:
        all_stories = store.stories.all()
        if not all_stories:
            err.print(f"no stories in {db} yet: run `rashomon analyze PATH...` first", markup=False)
            raise typer.Exit(1)
        articles = {a.id: a for a in store.articles.all()}
        if out.is_terminal:
            out.print(stories_table(all_stories, articles))
        else:
            # Piped: one tab-separated line per story, nothing wrapped or styled.
            for line in stories_lines(all_stories, articles):
                print(line)


def _one_story(store, story_id: str):
    """The story whose id starts with ``story_id``; exits with one line when none or several match."""
    matches = store.stories.find(story_id)
    if len(matches) != 1:
        problem = "no story" if not matches else f"{len(matches)} stories"
        err.print(f"{story_id}: {problem} with that id (see `rashomon stories`)", markup=False)
        raise typer.Exit(1)
    return matches[0]


@app.command()
def show(
    story_id: str = typer.Argument(..., help="A story id, or the start of one."),
    db: str = DbOption,
) -> None:
    """Show one story: its sources side by side with outlet, language and date."""
    from rashomon.present.terminal import story_panel

    with _open_store(db) as store:
        story = _one_story(store, story_id)
        out.print(story_panel(story, store.articles.many(story.article_ids)))


@app.command()
def compare(
    story_id: str = typer.Argument(..., help="A story id, or the start of one."),
    db: str = DbOption,
    everything: bool = typer.Option(False, "--all", help="Also show propositions no relation stands on."),
) -> None:
    """Compare one story's sources: propositions as rows, sources as columns, then every relation.

    Each cell says how the source holds the point: asserts, denies, hedges, or silent.
    Relations: agree, contradict, discuss, omission (only one source reports it) and
    quote_drift (one speaker reported saying contradicting things), each with a sentence saying why;
    a call below confidence 0.6 is marked "uncertain". Piped, it prints tab-separated lines with the
    statements' text (docs/cli.md).
    """
    from rashomon import compare as comparing
    from rashomon.present.compare import compare_lines, compare_table, relations_table
    from rashomon.present.reasons import explanations

    with _open_store(db) as store:
        story = _one_story(store, story_id)
        articles = store.articles.many(story.article_ids)
        stored = store.comparisons.get(story.id)
        entities = store.entities.all()
        if stored and stored.version == comparing.version():
            propositions, relations = stored.propositions, stored.relations
        else:
            # Not compared yet (or by an older version): compare now, without writing.
            result = comparing.compare_story(articles, entities, story_id=story.id)
            propositions, relations = result.propositions, result.relations
    if out.is_terminal:
        out.print(compare_table(story, articles, propositions, relations, everything))
        out.print(relations_table(relations, explanations(relations, articles, entities, propositions)))
    else:
        for line in compare_lines(articles, propositions, relations, everything, entities):
            print(line)


@app.command()
def export(
    format: str = typer.Option("json", "--format", "-f", help="json, jsonl, csv or xlsx (xlsx needs --out)."),
    table: str = typer.Option(
        "articles",
        "--table",
        "-t",
        help="For csv: articles (one row per article) or comparison (one row per statement per source, with "
        "each relation, its confidence and reasons). xlsx writes both, one sheet each.",
    ),
    out_file: Optional[Path] = typer.Option(None, "--out", "-o", help="Write here instead of standard output."),
    db: str = DbOption,
) -> None:
    """Export articles and stories (the JSON is a stable public contract), or the comparison as a spreadsheet."""
    from rashomon.present import tables

    if format not in tables.FORMATS:
        err.print(f"error: unknown format {format!r} ({', '.join(tables.FORMATS)})", markup=False)
        raise typer.Exit(2)
    if table not in tables.TABLES:
        err.print(f"error: unknown table {table!r} ({', '.join(tables.TABLES)})", markup=False)
        raise typer.Exit(2)
    if format == "xlsx" and not out_file:
        err.print("error: --format xlsx writes a file: give it with --out FILE.xlsx", markup=False)
        raise typer.Exit(2)
    from rashomon.present.layers import export_corpus

    with _open_store(db) as store:
        corpus = store.corpus()
        doc = export_corpus(corpus)
    if format == "xlsx":
        assert out_file is not None
        tables.write_workbook(doc, corpus, out_file)
    elif out_file:
        with out_file.open("w", encoding="utf-8", newline="") as fh:
            tables.write_export(doc, corpus, format, table, fh)
    else:
        tables.write_export(doc, corpus, format, table, sys.stdout)
        return
    err.print(f"wrote {out_file}", markup=False, highlight=False)


def _write_report(store, path: Path) -> None:
    from datetime import datetime, timezone

    from rashomon.present.layers import story_layers
    from rashomon.present.report import render_report

    generated_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    corpus = store.corpus()
    articles, stories, entities = corpus.articles, corpus.stories, corpus.entities
    layers, panels = story_layers(stories, articles, entities, corpus.comparisons)
    from rashomon.present.persuasion import profiles_panels

    html = render_report(
        articles,
        stories,
        generated_at=generated_at,
        article_layers=layers,
        story_panels=panels,
        report_panels=profiles_panels(articles, stories, entities),
    )
    path.write_text(html, encoding="utf-8")
    out.print(f"report: {path.resolve()}", markup=False, highlight=False)


@app.command()
def report(
    out_file: Path = typer.Option(Path("report.html"), "--out", "-o", help="Where to write the HTML file."),
    db: str = DbOption,
) -> None:
    """Write one self-contained HTML report: every story, its sources side by side."""
    with _open_store(db) as store:
        _write_report(store, out_file)


@app.command()
def serve(
    db: str = DbOption,
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address to listen on (loopback by default: this machine only)."
    ),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
    max_body_bytes: int = typer.Option(
        10_000_000, "--max-body-bytes", min=1, help="Refuse any request body (upload, JSON) larger than this."
    ),
    max_jobs: int = typer.Option(
        32, "--max-jobs", min=1, help="Unfinished ingest jobs accepted before new ones are refused (HTTP 429)."
    ),
) -> None:
    """Run the web application and JSON API: stories, sources side by side, articles, entities, ingest.

    Pages at http://HOST:PORT/, the API under /api/, its description at /docs.
    """
    from rashomon.web import create_app, server
    from rashomon.web.app import LOOPBACK_NAMES

    _open_store(db).close()  # a bad database is one clear line, not a traceback
    loopback = host in ("127.0.0.1", "localhost", "::1")
    # Beyond loopback the Host header cannot be known in advance; on loopback only local names are accepted.
    allowed = LOOPBACK_NAMES if loopback else ["*"]
    if not loopback:
        err.print(f"warning: listening on {host}: anyone who can reach it can read and add articles", markup=False)
    web_app = create_app(db, max_body_bytes=max_body_bytes, allowed_hosts=allowed, max_active_jobs=max_jobs)
    shown = f"[{host}]" if ":" in host else host
    out.print(
        f"rashomon: serving {db} at http://{shown}:{port}/ (API description at /docs); Ctrl+C stops",
        markup=False,
        highlight=False,
    )
    server.serve(web_app, host, port)


@app.command()
def profiles(db: str = DbOption) -> None:
    """Per source, across all its stories: techniques per 1,000 words, attributed claims, whom it quotes, how it names actors."""
    from rashomon.persuasion.profiles import source_profiles

    with _open_store(db) as store:
        articles = store.articles.all()
        if not articles:
            err.print(f"no articles in {db} yet: run `rashomon analyze PATH...` first", markup=False)
            raise typer.Exit(1)
        found = source_profiles(articles, store.stories.all(), store.entities.all())
    # One tab-separated line per source: the same on a terminal and in a pipe, ready for cut or a spreadsheet.
    print("source\tarticles\ttechniques_per_1000\tattributed_share\ttop_techniques\tquoted\tnaming")
    for p in found:
        share = "" if p.attributed_share is None else f"{p.attributed_share:.2f}"
        top = ", ".join(f"{t} {p.per_1000(t):.1f}" for t, _ in p.techniques.most_common(3))
        quoted = ", ".join(f"{k} x{v}" for k, v in p.quoted.most_common(3))
        naming = "; ".join(
            f"{name}: " + ", ".join(c for c, _ in counts.most_common(3)) for name, counts in p.naming.items()
        )
        fields = [p.source, str(p.articles), f"{p.techniques_per_1000:.1f}", share, top, quoted, naming]
        print("\t".join(f.replace("\t", " ").replace("\n", " ") for f in fields))


MAX_FAILURES_LISTED = 50  # status lists failures one per line; past this many, a count says the rest


@app.command()
def status(db: str = DbOption) -> None:
    """Counts of what the database holds, and what is pending."""
    from rashomon.pipeline import pending_tasks

    with _open_store(db) as store:
        counts = store.counts()
        pending, _ = pending_tasks(store)
        out.print(f"database: {store.path} (schema version {store.schema_version})", markup=False, highlight=False)
        for name, value in counts.items():
            out.print(f"{name}: {value}", markup=False, highlight=False)
        out.print(f"pending analysis: {pending}", markup=False, highlight=False)
        failures = store.failures.all()
        for failure in failures[:MAX_FAILURES_LISTED]:
            out.print(f"failed: {failure}", markup=False, highlight=False)
        if len(failures) > MAX_FAILURES_LISTED:
            out.print(f"failed: ... and {len(failures) - MAX_FAILURES_LISTED} more", markup=False, highlight=False)
        if failures:
            out.print("(`rashomon analyze --retry-failed` runs them again)", markup=False, highlight=False)


@bench_app.command("similarity")
def bench_similarity(
    pairs: Path = typer.Argument(..., exists=True, dir_okay=False, help="SemEval-2022 Task 8 pairs CSV."),
    cv: bool = typer.Option(False, "--cv", help="Also refit the combiner per fold and report out-of-fold pearson."),
    model: Optional[Path] = typer.Option(
        None, "--model", exists=True, dir_okay=False, help="A similarity model JSON (default: the shipped one)."
    ),
    cache: Optional[Path] = typer.Option(
        None, "--cache", help="Keep encodings in this .npz between runs (same vectors, much faster reruns)."
    ),
) -> None:
    """Correlation of the story-membership score with human same-story judgements."""
    from rashomon.bench.similarity import run_similarity_bench
    from rashomon.embed.cache import encoder_cached_in
    from rashomon.stories.similarity import StorySimilarity

    with encoder_cached_in(cache) as encoder:
        run_similarity_bench(
            str(pairs), cv=cv, encoder=encoder, similarity=StorySimilarity.load(model) if model else None
        )


@bench_app.command("throughput")
def bench_throughput(
    corpus: Path = typer.Argument(..., exists=True, help="A folder or file of articles (e.g. a JSONL)."),
    workers: int = WorkersOption,
    limit: Optional[int] = typer.Option(None, "--limit", help="Use at most this many articles."),
) -> None:
    """Ingest + analyse a corpus into a fresh database; print articles/s and peak memory."""
    from rashomon.bench.throughput import run_throughput_bench

    run_throughput_bench(str(corpus), workers=workers, limit=limit)


@bench_app.command("analysis")
def bench_analysis(
    gold: Path = typer.Option(None, "--gold", help="Gold JSONL (default: the one in tests/fixtures/gold)."),
    data: Path = typer.Option(
        None, "--data", help="Root of the datasets the gold refers to (default: ../shared/data)."
    ),
    workers: int = WorkersOption,
    system: Optional[Path] = typer.Option(
        None,
        "--system",
        exists=True,
        dir_okay=False,
        help="Score this export JSON document instead of analysing the gold texts.",
    ),
) -> None:
    """Precision and recall of entity merging and quote attribution per language on a gold set."""
    import json

    from rashomon.bench.analysis import run_analysis_bench
    from rashomon.datasets.gold import DEFAULT_DATA_ROOT, DEFAULT_GOLD, GoldDataMissing
    from rashomon.pipeline import analyze_texts
    from rashomon.present.analysis import analysis_sections
    from rashomon.run import get_executor

    def analyze_fn(items):
        executor = get_executor(workers)
        try:
            articles, entities = analyze_texts(items, executor)
        finally:
            executor.close()
        doc = {"articles": [{"id": a.id, "text": a.original, "language": a.language} for a in articles]}
        doc.update(analysis_sections(articles, entities))
        return doc

    if system is not None:
        document = json.loads(system.read_text(encoding="utf-8"))
        analyze_fn = lambda _items: document  # noqa: E731
    try:
        run_analysis_bench(gold or DEFAULT_GOLD, data or DEFAULT_DATA_ROOT, analyze_fn)
    except GoldDataMissing as missing:
        err.print(f"error: {missing}", markup=False)
        raise typer.Exit(2) from None


@bench_app.command("ner")
def bench_ner(
    iob: Path = typer.Argument(..., exists=True, dir_okay=False, help="IOB file (WikiANN layout: index, token, tag)."),
    lang: str = typer.Option(..., "--lang", help="Language code of the file (e.g. de)."),
    backend: str = typer.Option(
        "auto",
        "--backend",
        help="crf: the trained recogniser; analysis or auto: the article analysis's mentions as the registry runs them.",
    ),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Score only the first N sentences."),
    system: Optional[Path] = typer.Option(
        None, "--system", exists=True, dir_okay=False, help="Score this IOB file of a system's tags (same tokens)."
    ),
) -> None:
    """Entity F1 (exact span and type, conlleval style) per type and overall on an IOB file."""
    from rashomon.bench.ner import run_ner_bench

    try:
        run_ner_bench(iob, lang, backend, limit, system=system)
    except ValueError as problem:
        err.print(f"error: {problem}", markup=False)
        raise typer.Exit(2) from None


@bench_app.command("entities")
def bench_entities(
    gold: Path = typer.Option(None, "--gold", help="Gold JSONL (default: the one in tests/fixtures/gold)."),
    data: Path = typer.Option(
        None, "--data", help="Root of the datasets the gold refers to (default: ../shared/data)."
    ),
    no_encoder: bool = typer.Option(False, "--no-encoder", help="Resolve without encoder vectors."),
) -> None:
    """The entity resolver alone on the gold set's mentions: merging precision and recall per language."""
    from rashomon.bench.entities import run_entities_bench
    from rashomon.datasets.gold import DEFAULT_DATA_ROOT, DEFAULT_GOLD, GoldDataMissing

    try:
        run_entities_bench(gold or DEFAULT_GOLD, data or DEFAULT_DATA_ROOT, False if no_encoder else None)
    except GoldDataMissing as missing:
        err.print(f"error: {missing}", markup=False)
        raise typer.Exit(2) from None


# --split of the benches that score labelled files: every item by default, the held-out share on request.
BenchSplitOption = typer.Option(
    "all",
    "--split",
    help="all: every item of the given files (default); "
    "test: only the held-out test share of a training file, as `rashomon train` split it.",
)


def _bench_encoder(cache: Optional[Path], inputs: str):
    """The encoder for a bench, kept in ``cache`` between runs when given; unreadable data is one error line."""
    from rashomon.embed.cache import bench_encoder

    def refuse(problem: Exception) -> None:
        err.print(f"error: {inputs}: {problem}", markup=False)
        raise typer.Exit(2)

    return bench_encoder(cache, refuse)


@bench_app.command("stance")
def bench_stance(
    bodies: Path = typer.Argument(..., exists=True, dir_okay=False, help="FNC-1 bodies CSV (Body ID, articleBody)."),
    stances: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="FNC-1 stances CSV (Headline, Body ID, Stance)."
    ),
    model: Optional[Path] = typer.Option(
        None, "--model", exists=True, dir_okay=False, help="A stance model JSON (default: the shipped one)."
    ),
    cache: Optional[Path] = typer.Option(
        None, "--cache", help="Keep encodings in this .npz between runs (same vectors, much faster reruns)."
    ),
    split: str = BenchSplitOption,
) -> None:
    """Stance (agree / disagree / discuss / unrelated) on every given FNC-1 pair (or the held-out pairs with --split
    test): per class, macro-F1, FNC score."""
    from rashomon.bench.stance import run_stance_bench
    from rashomon.compare.stance import StanceModel

    with _bench_encoder(cache, f"{bodies} / {stances}") as encoder:
        run_stance_bench(
            bodies, stances, model=StanceModel.load(model) if model else None, encoder=encoder, split=split
        )


@bench_app.command("persuasion")
def bench_persuasion(
    articles_dir: Path = typer.Argument(..., exists=True, file_okay=False, help="Folder of article<ID>.txt files."),
    labels: Path = typer.Argument(
        ...,
        exists=True,
        dir_okay=False,
        help="SemEval-2023 Task 3 subtask-3 labels (article_id, paragraph_no, techniques).",
    ),
    lang: str = typer.Option(..., "--lang", help="The articles' language: en, fr, ge/de, it, po/pl, ru."),
    model: Optional[Path] = typer.Option(
        None, "--model", exists=True, dir_okay=False, help="A persuasion model JSON (default: the shipped one)."
    ),
    cache: Optional[Path] = typer.Option(None, "--cache", help="Keep encodings in this .npz between runs."),
    spans: Optional[Path] = typer.Option(
        None,
        "--spans",
        exists=True,
        file_okay=False,
        help="The release's train-labels-subtask-3-spans folder: also score where the spans shown to readers sit.",
    ),
    split: str = BenchSplitOption,
) -> None:
    """Persuasion techniques per paragraph on every given SemEval-2023 Task 3 article (or the held-out ones with
    --split test): per technique, micro/macro-F1."""
    from rashomon.bench.persuasion import run_persuasion_bench
    from rashomon.persuasion.model import PersuasionModel

    with _bench_encoder(cache, f"{articles_dir} / {labels}") as encoder:
        run_persuasion_bench(
            articles_dir,
            labels,
            lang,
            model=PersuasionModel.load(model) if model else None,
            encoder=encoder,
            spans_dir=spans,
            split=split,
        )


@bench_app.command("propaganda")
def bench_propaganda(
    articles_dir: Path = typer.Argument(..., exists=True, file_okay=False, help="Folder of article<ID>.txt files."),
    labels_dir: Path = typer.Argument(
        ..., exists=True, file_okay=False, help="Folder of *.task-flc-tc.labels files (id, technique, start, end)."
    ),
    model: Optional[Path] = typer.Option(
        None, "--model", exists=True, dir_okay=False, help="A span technique model JSON (default: the shipped one)."
    ),
    cache: Optional[Path] = typer.Option(None, "--cache", help="Keep encodings in this .npz between runs."),
    split: str = BenchSplitOption,
) -> None:
    """Technique classification of given spans (SemEval-2020 Task 11) on every given PTC article (or the held-out ones
    with --split test): micro-F1."""
    from rashomon.bench.propaganda import run_propaganda_bench
    from rashomon.persuasion.propaganda import PropagandaModel

    with _bench_encoder(cache, f"{articles_dir} / {labels_dir}") as encoder:
        run_propaganda_bench(
            articles_dir,
            labels_dir,
            model=PropagandaModel.load(model) if model else None,
            encoder=encoder,
            split=split,
        )


@bench_app.command("compare")
def bench_compare(
    pairs: Path = typer.Argument(..., exists=True, dir_okay=False, help="SemEval-2022 Task 8 pairs CSV."),
    articles: int = typer.Option(50, "--articles", min=2, help="Articles in the story."),
    languages: int = typer.Option(5, "--languages", min=1, help="Spread over this many (most frequent) languages."),
    review: Optional[int] = typer.Option(
        None,
        "--review-pairs",
        min=1,
        help="Instead: compare N same-story pairs as two-source stories and print every contradiction.",
    ),
) -> None:
    """Seconds to compare the sources of one story of N articles in several languages."""
    from rashomon.bench.compare import run_compare_bench, run_pairs_review

    if review:
        run_pairs_review(str(pairs), pairs=review)
        return
    run_compare_bench(str(pairs), articles=articles, languages=languages)


@bench_app.command("alignment")
def bench_alignment(
    pairs: Path = typer.Argument(..., exists=True, dir_okay=False, help="SemEval-2022 Task 8 pairs CSV."),
    articles_cache: Optional[Path] = typer.Option(
        None, "--articles-cache", dir_okay=False, help="Keep the analysed articles in this file between runs."
    ),
    cache: Optional[Path] = typer.Option(None, "--cache", dir_okay=False, help="Encoder cache (.npz)."),
    workers: int = typer.Option(1, "--workers", min=1, help="Analysis processes (not the comparison)."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Only the first N scored pairs."),
) -> None:
    """Share of same-story pairs whose two articles the comparison relates (same / cross language) and of
    different-story pairs (should stay low)."""
    from rashomon.bench.alignment import run_alignment_bench

    with _bench_encoder(cache, str(pairs)) as encoder:
        run_alignment_bench(pairs, encoder=encoder, articles_cache=articles_cache, workers=workers, limit=limit)


@bench_app.command("clean")
def bench_clean(
    paths: list[str] = typer.Argument(..., help="Files or folders, anything `rashomon ingest` reads."),
    repeats: int = typer.Option(3, "--repeats", min=1, help="Passes over the corpus; the best one counts."),
) -> None:
    """Milliseconds to clean one article and read its metadata, per 5,000 characters (one process)."""
    from rashomon.bench.clean import run_clean_bench

    try:
        run_clean_bench(
            paths,
            repeats,
            out=lambda line: out.print(line, markup=False, highlight=False),
            warn=lambda line: err.print(line, markup=False),
        )
    except ValueError as problem:
        # 2, as every bench exits on data it cannot use.
        err.print(f"error: {problem}", markup=False)
        raise typer.Exit(2) from None


@bench_app.command("hostile")
def bench_hostile(
    scale: float = typer.Option(1.0, "--scale", min=0.0001, help="Multiply every case's size (0.05 for a quick run)."),
    cases: Optional[str] = typer.Option(None, "--cases", help="Comma-separated cases (default: all)."),
    language: str = typer.Option("en", "--language", help="Language given with each text; 'auto' to detect it."),
    timeout: float = typer.Option(1800.0, "--timeout", min=1.0, help="Seconds one case may take."),
) -> None:
    """Pathological texts through every article stage: seconds and peak memory per case."""
    from rashomon.bench.hostile import run_hostile_bench

    try:
        run_hostile_bench(
            cases.split(",") if cases else None,
            scale=scale,
            language=None if language == "auto" else language,
            timeout=timeout,
            out=lambda line: out.print(line, markup=False, highlight=False),
        )
    except ValueError as problem:
        err.print(f"error: {problem}", markup=False)
        raise typer.Exit(2) from None


@bench_app.command("api")
def bench_api(
    articles: int = typer.Option(10_000, "--articles", min=2, help="Synthetic articles to store."),
    requests: int = typer.Option(50, "--requests", min=1, help="Requests per URL (after one warm-up)."),
    db: Optional[Path] = typer.Option(
        None, "--db", help="Keep the generated database here (default: a temporary file)."
    ),
) -> None:
    """Latency of the web API and pages (story list, story page) over a real server at N stored articles."""
    from rashomon.bench.api import run_api_bench

    if db and db.exists():
        err.print(f"error: {db} exists; bench api writes a fresh database", markup=False)
        raise typer.Exit(2)
    run_api_bench(
        articles, requests, str(db) if db else None, out=lambda line: out.print(line, markup=False, highlight=False)
    )


@bench_app.command("load")
def bench_load(
    clients: int = typer.Option(8, "--clients", min=1, max=256, help="Clients requesting at once."),
    seconds: float = typer.Option(60.0, "--seconds", min=1.0, max=3600.0, help="How long the load lasts."),
    db: Optional[Path] = typer.Option(
        None, "--db", exists=True, dir_okay=False, help="Serve this database (default: a fresh synthetic one)."
    ),
    articles: int = typer.Option(2000, "--articles", min=2, help="Synthetic articles, when no --db is given."),
) -> None:
    """Many clients at once against a real `rashomon serve`: requests/s, p50/p95/p99, errors, server memory.

    Last line: `rps= p95_ms= errors=` (errors: the share of requests answered 5xx or dropped).
    """
    from rashomon.bench.load import run_load_bench

    try:
        run_load_bench(
            clients,
            seconds,
            db=str(db) if db else None,
            articles=articles,
            out=lambda line: out.print(line, markup=False, highlight=False),
        )
    except RuntimeError as problem:
        err.print(f"error: {problem}", markup=False)
        raise typer.Exit(2) from None


@bench_app.command("fuzz")
def bench_fuzz(
    reader: list[str] = typer.Option(
        [],
        "--reader",
        help="Fuzz only this reader (text, html, json, jsonl, csv, tsv, warc, warc.gz, or an "
        "extension such as .md); repeatable. Default: all of them, one after another.",
    ),
    minutes: float = typer.Option(1.0, "--minutes", min=0.01, help="Minutes per reader."),
    seed: int = typer.Option(0, "--seed", help="Seed of the random mutations: the same seed runs the same inputs."),
    save: Optional[Path] = typer.Option(
        None, "--save", file_okay=False, help="Write each failing input (and why it failed) into this folder."
    ),
) -> None:
    """Feed every reader mutated and random bytes; count inputs that break a promise of ingest (exit 1 if any)."""
    from rashomon.bench.fuzz import TARGETS, run_fuzz_bench
    from rashomon.ingest.formats import READERS

    targets = []
    for name in reader or list(TARGETS):
        wanted = name.lower().lstrip(".")
        if wanted not in TARGETS:
            # An extension names the target that reads it: .md and .text are read as text, .htm as html.
            read_by = READERS[f".{wanted}"] if f".{wanted}" in READERS else None
            same = [target for target, extension in TARGETS.items() if READERS[extension] == read_by]
            if not same:
                err.print(f"error: unknown reader {name!r} (readers: {', '.join(TARGETS)})", markup=False)
                raise typer.Exit(2)
            wanted = same[0]
        targets.append(wanted)
    failures = run_fuzz_bench(
        targets, minutes, seed, save, out=lambda line: out.print(line, markup=False, highlight=False)
    )
    if failures:
        raise typer.Exit(1)


@bench_app.command("corpus-from-pairs")
def bench_corpus_from_pairs(
    pairs: Path = typer.Argument(..., exists=True, dir_okay=False, help="SemEval-2022 Task 8 pairs CSV."),
    out_file: Path = typer.Argument(..., help="JSONL file to write."),
) -> None:
    """Write the distinct texts of a pairs CSV as a JSONL corpus for `bench throughput`."""
    from rashomon.bench.throughput import corpus_from_pairs

    n = corpus_from_pairs(str(pairs), str(out_file))
    out.print(f"wrote {n} articles to {out_file}", markup=False, highlight=False)


CacheOption = typer.Option(
    None, "--cache", help="Keep encodings in this .npz between runs (same vectors, much faster reruns)."
)
ModelOut = typer.Option(..., "--out", dir_okay=False, help="Where to write the model JSON.")


def _save(model, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    model.save(path)
    out.print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)", markup=False, highlight=False)


@train_app.command("similarity")
def train_similarity(
    pairs: Path = typer.Argument(..., exists=True, dir_okay=False, help="SemEval-2022 Task 8 pairs CSV."),
    out_path: Path = ModelOut,
    folds: int = typer.Option(10, "--folds", min=2, help="Grouped folds for every choice."),
    seed: int = typer.Option(0, "--seed", help="Fold seed."),
    nested: bool = typer.Option(False, "--nested", help="Also rerun the search per outer fold (slow)."),
    verbose: bool = typer.Option(False, "--verbose", help="Print every candidate spec."),
    cache: Optional[Path] = CacheOption,
) -> None:
    """The story-similarity combiner (rashomon/stories/data/similarity.json)."""
    from rashomon.learn.train_similarity import train

    with _bench_encoder(cache, str(pairs)) as encoder:
        similarity = train(pairs, encoder, folds, seed, nested=nested, verbose=verbose)
    _save(similarity, out_path)


@train_app.command("alignment")
def train_alignment_command(
    pairs: Path = typer.Argument(..., exists=True, dir_okay=False, help="SemEval-2022 Task 8 pairs CSV."),
    out_path: Path = ModelOut,
    gold: Optional[Path] = typer.Option(
        None, "--gold", exists=True, dir_okay=False, help="Statement-pair gold set (default: the committed one)."
    ),
    articles_cache: Optional[Path] = typer.Option(
        None, "--articles-cache", dir_okay=False, help="Keep the analysed articles in this file between runs."
    ),
    cache: Optional[Path] = CacheOption,
) -> None:
    """The statement-alignment calibration (rashomon/compare/data/alignment.json) from the statement-pair gold set."""
    from rashomon.datasets.alignment import DEFAULT_ALIGNMENT_GOLD
    from rashomon.learn.train_alignment import train_alignment

    out_path.parent.mkdir(parents=True, exist_ok=True)
    with _bench_encoder(cache, str(pairs)) as encoder:
        train_alignment(
            pairs,
            gold_path=gold or DEFAULT_ALIGNMENT_GOLD,
            encoder=encoder,
            articles_cache=articles_cache,
            out_path=out_path,
        )


@train_app.command("stance")
def train_stance(
    bodies: Path = typer.Argument(..., exists=True, dir_okay=False, help="FNC-1 bodies CSV (Body ID, articleBody)."),
    stances: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="FNC-1 stances CSV (Headline, Body ID, Stance)."
    ),
    out_path: Path = ModelOut,
    seed: Optional[int] = typer.Option(None, "--seed", help="Split seed (the bench reads it from the model)."),
    quiet: bool = typer.Option(False, "--quiet", help="Do not print every candidate of the search."),
    cache: Optional[Path] = CacheOption,
) -> None:
    """The stance model (rashomon/compare/data/stance.json) on FNC-1's training release."""
    from rashomon.datasets.fnc1 import SPLIT_SEED
    from rashomon.learn.train_stance import train

    with _bench_encoder(cache, f"{bodies} / {stances}") as encoder:
        model = train(bodies, stances, encoder, SPLIT_SEED if seed is None else seed, verbose=not quiet)
    _save(model, out_path)


@train_app.command("persuasion")
def train_persuasion(
    data: Path = typer.Argument(
        ..., exists=True, file_okay=False, help="The semeval2023-task3 folder (en/ fr/ ge/ it/ po/ ru/)."
    ),
    out_path: Path = ModelOut,
    steps: int = typer.Option(300, "--steps", min=1, help="Adam steps of every fit."),
    cache: Optional[Path] = CacheOption,
) -> None:
    """The persuasion model (rashomon/persuasion/data/persuasion.json): techniques, genre, frames."""
    from rashomon.learn.train_persuasion import train

    with _bench_encoder(cache, str(data)) as encoder:
        model = train(data, encoder, steps=steps)
    _save(model, out_path)


@train_app.command("propaganda")
def train_propaganda(
    articles_dir: Path = typer.Argument(..., exists=True, file_okay=False, help="Folder of article<ID>.txt files."),
    labels_dir: Path = typer.Argument(
        ..., exists=True, file_okay=False, help="Folder of *.task-flc-tc.labels files (id, technique, start, end)."
    ),
    out_path: Path = ModelOut,
    steps: int = typer.Option(300, "--steps", min=1, help="Adam steps of every fit."),
    cache: Optional[Path] = CacheOption,
) -> None:
    """The span technique classifier (rashomon/persuasion/data/propaganda.json) on PTC."""
    from rashomon.learn.train_propaganda import train

    with _bench_encoder(cache, f"{articles_dir} / {labels_dir}") as encoder:
        model = train(articles_dir, labels_dir, encoder, steps=steps)
    _save(model, out_path)


@train_app.command("ner")
def train_ner(
    iob: Path = typer.Argument(..., exists=True, dir_okay=False, help="WikiANN training file (index, token, tag)."),
    lang: str = typer.Option(..., "--lang", help="Language code of the file (e.g. de)."),
    out_dir: Path = typer.Option(
        Path("rashomon/analyze/data/ner"), "--out", file_okay=False, help="Folder of the recogniser's files."
    ),
    iterations: Optional[int] = typer.Option(None, "--iterations", min=1, help="L-BFGS iterations."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Train on the first N sentences only."),
) -> None:
    """The named-entity recogniser of one language (rashomon/analyze/data/ner/<code>.*): a CRF over word
    features and a gazetteer of the training file's names."""
    from rashomon.learn.train_ner import ITERATIONS, train

    try:
        train(iob, lang, out_dir, iterations=iterations or ITERATIONS, limit=limit)
    except ValueError as problem:
        err.print(f"error: {problem}", markup=False)
        raise typer.Exit(2) from None
    out.print(f"wrote {out_dir}/{lang}.crfsuite, {lang}.names.tsv, {lang}.json", markup=False, highlight=False)


@train_app.command("study-persuasion")
def train_study_persuasion(
    data: Path = typer.Argument(
        ..., exists=True, file_okay=False, help="The semeval2023-task3 folder (en/ fr/ ge/ it/ po/ ru/)."
    ),
    lang: str = typer.Option(..., "--lang", help="The language to study (po or pl, en, ...)."),
    folds: int = typer.Option(0, "--folds", min=0, help="Also cross-validate the shipped spec over this many folds."),
    cache: Optional[Path] = CacheOption,
) -> None:
    """How far the technique model is from its ceiling in one language (a diagnostic; writes nothing)."""
    from rashomon.learn.study_persuasion import study

    if folds and folds < 3:
        err.print(
            "error: --folds needs at least 3 (one fold to score, one to choose thresholds, the rest to fit)",
            markup=False,
        )
        raise typer.Exit(2)
    with _bench_encoder(cache, str(data)) as encoder:
        scores = study(str(data), lang, encoder, folds=folds)
    out.print(" ".join(f"{name}={value:.4f}" for name, value in scores.items()), markup=False, highlight=False)


@train_app.command("audit-cues")
def train_audit_cues(
    data: Path = typer.Argument(
        ..., exists=True, file_okay=False, help="The semeval2023-task3 folder (en/ fr/ ge/ it/ po/ ru/)."
    ),
    min_hits: int = typer.Option(15, "--min-hits", min=1, help="List only cue words with this many hits or more."),
    worst: int = typer.Option(30, "--worst", min=0, help="How many cue words to list."),
) -> None:
    """How often each cue word sits inside an annotator's span of its technique (training articles only)."""
    from rashomon.learn.audit_cues import cue_hit_rates, report

    rates = cue_hit_rates(data)
    if not rates:
        err.print(f"error: no cue hits in articles with span files under {data}", markup=False)
        raise typer.Exit(2)
    report(rates, min_hits, worst)


if __name__ == "__main__":
    app()
