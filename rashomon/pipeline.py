"""The pipeline: ingest -> clean -> language -> analysis + story features -> entities -> stories -> comparisons.

The stages, their order, versions and inputs are declared once in ``rashomon.stages``; this module runs
them. Per-article stages are pure functions over batches (``analyze_batch``), so the
same code runs in this process or in a pool. Each stage has a version; an
article whose stage ran at an older version (or never) is pending, and so is
every stage that reads its output (``stages.stages_to_run``), but nothing else: a new
analysis version does not re-embed, a new encoder does not re-analyse.
Entity resolution and story assignment run in the parent process over what is
stored, so new articles join existing entities and stories without the corpus
being recomputed; a batch makes them due again for the articles whose inputs to them ran
(``stages.due_after``).

Size: about 490 lines: the runners of the three stage scopes (per article, per corpus, per story) with their
error boundaries, which share the batch and failure bookkeeping; the graph itself lives in ``rashomon.stages``.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, BinaryIO, Callable, Iterable, Iterator

from rashomon import analyze, clean, lang
from rashomon import stages as stage_graph
from rashomon.embed import get_encoder
from rashomon.ingest import read_inputs
from rashomon.model import Article, Entity, Rejection, problem_line
from rashomon.persuasion import stage as persuasion
from rashomon.run import Executor, InProcess
from rashomon.stages import ENCODER
from rashomon.store import AddResult, ComparisonState, Store
from rashomon.stories import features as story_features
from rashomon.stories.cluster import StoryIndex, story_title


def _clean(article: Article) -> Article:
    clean.clean_article(article)
    return clean.extract_metadata(article)


# What runs each per-article stage in a batch; the graph itself (order, inputs, versions) is rashomon.stages.
_RUN: dict[str, Callable[[Article], Article]] = {
    "clean": _clean,
    "lang": lang.identify_article,
    "analyze": analyze.analyze_article,
    "persuasion": persuasion.persuade_article,
}
# Versions of the per-article stages, as this process runs them (resolved once, at import).
STAGE_NAMES = list(stage_graph.ARTICLE_STAGES)
STAGE_VERSIONS = {name: stage_graph.version(name) for name in STAGE_NAMES}
# Run in this order on each article; "features" runs after them, in one encoder call per batch.
ARTICLE_STAGES: list[tuple[str, str, Callable[[Article], Article]]] = [
    (name, STAGE_VERSIONS[name], _RUN[name]) for name in STAGE_NAMES if name in _RUN
]
FEATURES_STAGE = ("features", STAGE_VERSIONS["features"])
STORIES_STAGE = ("stories", stage_graph.version("stories"))
blocked_stages = stage_graph.blocked_stages
stages_to_run = stage_graph.stages_to_run

# One batch is the unit of work and of commit: big enough for the encoder to
# batch well, small enough that a killed run loses little.
BATCH_SIZE = 32
INGEST_BATCH = 256


@dataclass
class IngestReport:
    added: list[AddResult] = field(default_factory=list)
    duplicates: list[AddResult] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)


@dataclass
class StoryUpdate:
    assigned: int = 0
    new_stories: int = 0
    joined_existing: int = 0


@dataclass
class AnalysisTask:
    """A batch of articles and, per article, the stages to run on it (in order)."""

    articles: list[Article]
    stages: list[list[str]]


@dataclass
class AnalysisResult:
    articles: list[Article]
    stages_run: list[dict[str, str]]
    features: list[bytes | None]
    # Per article, the stages that raised on it and one line saying why: {stage: problem}.
    failures: list[dict[str, str]] = field(default_factory=list)


def ingest(
    store: Store,
    inputs: Iterable[str],
    *,
    max_bytes: int | None = None,
    stdin: BinaryIO | None = None,
    on_item: Callable[[Article | Rejection, AddResult | None], None] | None = None,
) -> IngestReport:
    """Read every input into the store; bad inputs are reported and skipped."""
    kwargs: dict[str, Any] = {"stdin": stdin} if stdin is not None else {}
    if max_bytes is not None:
        kwargs["max_bytes"] = max_bytes
    return ingest_items(store, read_inputs(inputs, **kwargs), on_item=on_item)


def ingest_items(
    store: Store,
    items: Iterable[Article | Rejection],
    *,
    on_item: Callable[[Article | Rejection, AddResult | None], None] | None = None,
) -> IngestReport:
    """Store articles already read (uploads, pasted text, any reader's output); rejections are logged and reported."""
    report = IngestReport()
    items = iter(items)
    while chunk := list(islice(items, INGEST_BATCH)):
        articles = [item for item in chunk if isinstance(item, Article)]
        rejections = [item for item in chunk if isinstance(item, Rejection)]
        results = store.articles.add(articles)
        store.articles.log_rejections(rejections)
        report.rejections.extend(rejections)
        for article, result in zip(articles, results):
            (report.added if result.is_new else report.duplicates).append(result)
            if on_item:
                on_item(article, result)
        for rejection in rejections:
            if on_item:
                on_item(rejection, None)
    return report


def analyze_batch(task: AnalysisTask) -> AnalysisResult:
    """Run the pending per-article stages on one batch. Pure: no store access.

    Each stage runs on each article in its own error boundary: a stage that raises on one article is
    reported in ``failures`` (the article keeps what it had before that stage, and the stages that read
    the failed one are skipped for it), and the rest of the batch goes on.
    """
    stages_run: list[dict[str, str]] = []
    failures: list[dict[str, str]] = []
    for article, names in zip(task.articles, task.stages):
        done: dict[str, str] = {}
        failed: dict[str, str] = {}
        for name, version, stage in ARTICLE_STAGES:
            if name not in names or name in blocked_stages(failed):
                continue
            problem = _run_guarded(stage, article)
            if problem is None:
                done[name] = version
            else:
                failed[name] = problem
        stages_run.append(done)
        failures.append(failed)
    # Features in one encoder call for the whole batch: it is far faster than one per article.
    feature_name, feature_version = FEATURES_STAGE
    needs_features = [
        i
        for i, names in enumerate(task.stages)
        if feature_name in names and feature_name not in blocked_stages(failures[i])
    ]
    features: list[bytes | None] = [None] * len(task.articles)
    for i, computed in _features_guarded([task.articles[i] for i in needs_features], needs_features):
        if isinstance(computed, bytes):
            features[i] = computed
            stages_run[i][feature_name] = feature_version
        else:
            failures[i][feature_name] = computed
    return AnalysisResult(task.articles, stages_run, features, failures)


def _run_guarded(stage: Callable[[Article], Article], article: Article) -> str | None:
    """Run one stage on one article; on an exception, put the article back as it was and return why."""
    # Stages assign whole layers (they never grow a list they did not make), so a shallow copy is a snapshot.
    before = copy.copy(article)
    try:
        stage(article)
    except Exception as error:  # the promise: one bad article never stops the batch
        for f in dataclasses.fields(article):
            setattr(article, f.name, getattr(before, f.name))
        return problem_line(error)
    return None


def _features_guarded(articles: list[Article], indices: list[int]) -> Iterator[tuple[int, bytes | str]]:
    """``(index, feature bytes or the problem)`` for each article: the whole batch in one encoder call, and
    only when that raises, one article at a time to find the one that broke it."""
    if not articles:
        return
    encoder = get_encoder(ENCODER)

    def compute(batch: list[Article]) -> list[bytes]:
        inputs = [(a.title, a.text, a.published, a.language) for a in batch]
        return [f.to_bytes() for f in story_features.compute_features(inputs, encoder)]

    try:
        computed: list[bytes | str] = list(compute(articles))
    except Exception:
        # One article broke the batch: find it, and keep the others' features.
        computed = [_one_feature(compute, article) for article in articles]
    yield from zip(indices, computed)


def _one_feature(compute: Callable[[list[Article]], list[bytes]], article: Article) -> bytes | str:
    try:
        (data,) = compute([article])
    except Exception as error:
        return problem_line(error)
    return data


def pending_tasks(store: Store, batch_size: int = BATCH_SIZE) -> tuple[int, Iterator[AnalysisTask]]:
    """How many articles need analysis, and their batches (loaded lazily)."""
    pending: dict[str, set[str]] = {}
    for name in STAGE_NAMES:
        for article_id in store.articles.pending(name, STAGE_VERSIONS[name]):
            pending.setdefault(article_id, set()).add(name)
    # A stage that failed on an article at its current version blocks the stages that read it there.
    failed: dict[str, set[str]] = {}
    for name in STAGE_NAMES:
        for article_id in store.failures.failed(name, STAGE_VERSIONS[name]):
            failed.setdefault(article_id, set()).add(name)
    for article_id, names in failed.items():
        if article_id in pending:
            pending[article_id] -= blocked_stages(names)
            if not pending[article_id]:
                del pending[article_id]
    ids = list(pending)

    def batches() -> Iterator[AnalysisTask]:
        for start in range(0, len(ids), batch_size):
            chunk = ids[start : start + batch_size]
            articles = store.articles.many(chunk)
            yield AnalysisTask(articles, [stages_to_run(pending[a.id]) for a in articles])

    return len(ids), batches()


def analyze_pending(
    store: Store,
    executor: Executor | None = None,
    *,
    batch_size: int = BATCH_SIZE,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Analyse every article with a pending stage; commit batch by batch."""
    executor = executor or InProcess()
    total, tasks = pending_tasks(store, batch_size)
    done = 0
    for result in executor.map(analyze_batch, tasks):
        with store.transaction():
            for article, stages, data, failed in zip(
                result.articles, result.stages_run, result.features, result.failures or [{}] * len(result.articles)
            ):
                store.save_analysis(article, stages, (ENCODER, data) if data is not None else None)
                for stage, problem in failed.items():
                    store.failures.record(article.id, stage, STAGE_VERSIONS[stage], problem)
                # The later stages that read what ran are due again on this article (rashomon.stages):
                # entities for new mentions, story placement for new features.
                due = stage_graph.due_after(stages)
                if "entities" in due:
                    store.articles.forget_run(article.id, "entities")
                if "stories" in due:
                    store.stories.remove_member(article.id)
        done += len(result.articles)
        if on_batch:
            on_batch(len(result.articles))
    return total


def update_entities(store: Store, *, rebuild: bool = False) -> int:
    """Give every mention a canonical entity across articles and languages; returns articles resolved."""
    from rashomon.entities import resolve_store

    return resolve_store(store, rebuild=rebuild)


def update_stories(store: Store, *, rebuild: bool = False, on_article: Callable[[], None] | None = None) -> StoryUpdate:
    """Put every analysed article that has no story into one, incrementally."""
    if rebuild:
        store.stories.clear()
    index = StoryIndex()
    unassigned: list[tuple[str, story_features.StoryFeatures]] = []
    stage, version = STORIES_STAGE
    failed = store.failures.failed(stage, version)
    problems: dict[str, str] = {}
    for row in store.stories.features(ENCODER):
        if row.story_id is None and row.article_id in failed:
            continue
        try:
            features = story_features.StoryFeatures.from_bytes(row.data)
        except Exception as error:  # a damaged feature row: that article waits, the others are placed
            problems[row.article_id] = problem_line(error)
            continue
        if row.story_id is None:
            unassigned.append((row.article_id, features))
        else:
            index.add(row.story_id, row.article_id, features)

    # Oldest first, so stories grow in the order the news broke.
    unassigned.sort(key=lambda item: (item[1].published is None, item[1].published or ""))
    update = StoryUpdate()
    assignments: list[tuple[str, str, float]] = []
    touched: set[str] = set()
    for article_id, features in unassigned:
        try:
            story_id, score = index.assign(features)
        except Exception as error:
            problems[article_id] = problem_line(error)
            continue
        if story_id is None:
            story_id = index.new_story(article_id, features)
            score = 1.0
            update.new_stories += 1
        else:
            index.add(story_id, article_id, features)
            update.joined_existing += 1
        assignments.append((article_id, story_id, float(score)))
        touched.add(story_id)
        update.assigned += 1
        if on_article:
            on_article()

    existing_members = {s.id: s.article_ids for s in store.stories.all() if s.id in touched}
    new_members: dict[str, list[str]] = {}
    for article_id, story_id, _ in assignments:
        new_members.setdefault(story_id, []).append(article_id)
    titles = {}
    for story_id in touched:
        members = store.articles.many(existing_members.get(story_id, []) + new_members[story_id])
        titles[story_id] = story_title([(a.title, a.text or a.original, a.published) for a in members])
    with store.transaction():
        for article_id, problem in problems.items():
            store.failures.record(article_id, stage, version, problem)
    store.stories.save_assignments(assignments, titles)
    return update


def _run_article_stages(batch: list[Article]) -> list[Article]:
    for article in batch:
        for _, _, stage in ARTICLE_STAGES:
            stage(article)
    return batch


def analyze_texts(
    items: Iterable[tuple[str, str, str | None]], executor: Executor | None = None
) -> tuple[list[Article], list[Entity]]:
    """Analyse ``(id, text, language)`` items without a store: every article stage, then entities.

    For benchmarks and library use. The given language is respected as a hint,
    as it is for a JSON input's ``language`` field.
    """
    from rashomon.entities import EntityResolver

    articles = [
        Article(id=article_id, original=text, language=language, given={"language": language} if language else {})
        for article_id, text, language in items
    ]
    executor = executor or InProcess()
    analysed: list[Article] = []

    batches = [articles[i : i + BATCH_SIZE] for i in range(0, len(articles), BATCH_SIZE)]
    for batch in executor.map(_run_article_stages, batches):
        analysed.extend(batch)
    resolver = EntityResolver()
    analysed = resolver.resolve(analysed)
    return analysed, [entity for entity, _ in resolver.state()]


COMPARE_STAGE = "compare"  # per story; due when its fingerprint or version changes (rashomon.stages)


@dataclass
class ComparisonUpdate:
    compared: int = 0  # stories (re)compared
    unchanged: int = 0  # stories whose stored comparison still holds
    relations: int = 0  # relations found in the stories compared
    failed: int = 0  # stories whose comparison raised (recorded in the store's failures)


def update_comparisons(
    store: Store, *, rebuild: bool = False, on_story: Callable[[], None] | None = None
) -> ComparisonUpdate:
    """Compare the sources of every story whose members, their analysis, or the comparison changed."""
    from rashomon import compare

    version = stage_graph.version(COMPARE_STAGE)
    digests = store.comparisons.member_digests()
    store.comparisons.forget(keep=digests)
    states = store.comparisons.states()
    todo = [
        s for s in store.stories.all() if rebuild or states.get(s.id) != ComparisonState(version, digests.get(s.id, ""))
    ]
    failed = {
        f.subject
        for f in store.failures.all()
        if f.stage == COMPARE_STAGE and f.version == f"{version}:{digests.get(f.subject)}"
    }
    update = ComparisonUpdate(unchanged=len(digests) - len(todo))
    if not todo:
        return update
    entities = store.entities.all()
    encoder = get_encoder(ENCODER)
    for story in todo:
        # A story whose comparison raised is tried again once its members (their digest) or the comparison change.
        attempt = f"{version}:{digests[story.id]}"
        if not rebuild and story.id in failed:
            continue
        try:
            result = compare.compare_story(
                store.articles.many(story.article_ids), entities, story_id=story.id, encoder=encoder
            )
        except Exception as error:  # one story's comparison never stops the others
            with store.transaction():
                store.failures.record(story.id, COMPARE_STAGE, attempt, problem_line(error))
            update.failed += 1
            continue
        store.comparisons.save(story.id, version, digests[story.id], result.propositions, result.relations)
        store.failures.clear(story.id, [COMPARE_STAGE])
        update.compared += 1
        update.relations += len(result.relations)
        if on_story:
            on_story()
    return update


# Progress callback: (stage, done so far, total or None when unknown). Stages, in order:
# "analyse" (articles), "entities" (1 when done), "stories" (articles placed), "compare" (stories compared).
ProgressCallback = Callable[[str, int, "int | None"], None]


@dataclass
class AnalysisSummary:
    """What one ``run_analysis`` did, for a person to read."""

    analysed: int
    stories: StoryUpdate
    comparisons: ComparisonUpdate
    counts: dict[str, int]

    def lines(self, where: str) -> list[str]:
        update, compared = self.stories, self.comparisons
        return [
            f"analysed {self.analysed} article(s); {update.assigned} placed in stories "
            f"({update.new_stories} new, {update.joined_existing} joined existing); "
            f"{self.counts['stories']} stories over {self.counts['articles']} articles in {where}",
            f"compared the sources of {compared.compared} story(ies) ({compared.unchanged} unchanged): "
            f"{compared.relations} relation(s)",
            *(
                [f"{self.counts['failed']} article(s) or story(ies) failed a stage: `rashomon status` lists them"]
                if self.counts.get("failed")
                else []
            ),
        ]


def run_analysis(
    store: Store,
    executor: Executor | None = None,
    *,
    rebuild_stories: bool = False,
    rebuild_entities: bool = False,
    on_progress: ProgressCallback | None = None,
) -> AnalysisSummary:
    """Everything after ingest, as ``rashomon analyze`` runs it: per-article stages, entities, stories, comparisons."""
    report = on_progress or (lambda stage, done, total: None)

    def counter(stage: str, total: int | None = None) -> Callable[..., None]:
        """Reports ``stage`` at 0 now, then its running count each time the returned callback is called."""
        done = 0
        report(stage, 0, total)

        def tick(n: int = 1) -> None:
            nonlocal done
            done += n
            report(stage, done, total)

        return tick

    total, _ = pending_tasks(store)
    analyze_pending(store, executor, on_batch=counter("analyse", total))
    report("entities", 0, None)
    update_entities(store, rebuild=rebuild_entities)
    report("entities", 1, 1)
    stories = update_stories(store, rebuild=rebuild_stories, on_article=counter("stories"))
    comparisons = update_comparisons(store, on_story=counter("compare"))
    return AnalysisSummary(total, stories, comparisons, store.counts())
