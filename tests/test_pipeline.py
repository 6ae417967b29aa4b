"""Stage bookkeeping of the pipeline over a real SQLite file: what re-runs when, and what does not."""

import json

import pytest

from conftest import analysed_store
from rashomon import pipeline
from rashomon.store import Store

ARTICLES = [
    {
        "text": "Omar Alloush, an official of the Raqqa Civil Council, told AFP on Sunday that 275 Syrian "
        "fighters had left Raqqa under a deal with the Syrian Democratic Forces (SDF).",
        "title": "Fighters leave Raqqa",
        "published": "2017-10-15",
        "language": "en",
    },
    {
        "text": "Selon Omar Alloush, responsable du Conseil civil de Raqqa, 275 combattants syriens ont quitté "
        "Raqqa dimanche en vertu d'un accord avec les Forces démocratiques syriennes (FDS).",
        "title": "Des combattants quittent Raqqa",
        "published": "2017-10-15",
        "language": "fr",
    },
    {
        "text": "Σήμερα στην Αθήνα ο δήμαρχος ανακοίνωσε ότι η νέα γραμμή του μετρό θα ανοίξει του χρόνου. "
        "Η γραμμή θα ενώσει τις δύο πλευρές της πόλης.",
        "title": "Νέα γραμμή μετρό",
        "published": "2017-10-15",
        "language": "el",
    },
]


@pytest.fixture
def store(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES), encoding="utf-8")
    store = analysed_store(tmp_path / "test.db", [str(corpus)])
    yield store
    store.close()


def test_stages_to_run_follow_their_inputs_only():
    assert pipeline.stages_to_run({"analyze"}) == ["analyze"]
    assert pipeline.stages_to_run({"features"}) == ["features"]
    assert pipeline.stages_to_run({"lang"}) == ["lang", "analyze", "persuasion", "features"]
    assert pipeline.stages_to_run({"clean"}) == ["clean", "lang", "analyze", "persuasion", "features"]


def test_a_new_analysis_does_not_re_embed_or_regroup(store):
    stories_before = {s.id: sorted(s.article_ids) for s in store.stories.all()}
    features_before = dict(store.db.execute("SELECT article_id, data FROM story_features").fetchall())
    store.articles.forget_stage("analyze")
    total, batches = pipeline.pending_tasks(store)
    assert total == 3
    assert all(stages == ["analyze"] for task in batches for stages in task.stages)
    pipeline.analyze_pending(store)
    assert dict(store.db.execute("SELECT article_id, data FROM story_features").fetchall()) == features_before
    # Story membership survives; the re-analysed articles are resolved to the same entities again.
    assert pipeline.update_stories(store).assigned == 0
    assert {s.id: sorted(s.article_ids) for s in store.stories.all()} == stories_before
    assert sorted(store.articles.pending("entities", "x")) == sorted(store.articles.ids())
    before = {e.name: e.id for e in store.entities.all()}
    assert pipeline.update_entities(store) == 3
    assert {e.name: e.id for e in store.entities.all()} == before


def test_entities_merge_across_languages_in_the_store(store):
    by_alias = {alias: e for e in store.entities.all() for alias in e.aliases}
    assert by_alias["SDF"].id == by_alias["FDS"].id
    assert by_alias["Omar Alloush"].label == "person"
    named = {m.entity_id for a in store.articles.all() for m in a.mentions}
    assert store.counts()["entities"] == len(named) >= 4
    articles = {a.language: a for a in store.articles.all()}
    alloush = {m.entity_id for a in articles.values() for m in a.mentions if "Alloush" in m.text}
    assert len(alloush) == 1
    assert sorted(store.entities.articles_mentioning(alloush.pop())) == sorted(
        a.id for a in articles.values() if a.language != "el"
    )


def test_unsupported_language_is_marked_not_analysed_but_still_grouped(store):
    greek = next(a for a in store.articles.all() if a.language == "el")
    assert greek.analysis_note == "not analysed for language el"
    assert greek.mentions == [] and greek.quotes == [] and greek.claims == []
    assert any(greek.id in s.article_ids for s in store.stories.all())


def test_rebuilding_entities_gives_the_same_ids(store):
    before = sorted((e.id, e.name) for e in store.entities.all())
    pipeline.update_entities(store, rebuild=True)
    assert sorted((e.id, e.name) for e in store.entities.all()) == before


def test_analysis_reports_each_stage_from_zero_to_its_count(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES), encoding="utf-8")
    events = []
    with Store(tmp_path / "fresh.db") as store:
        pipeline.ingest(store, [str(corpus)])
        summary = pipeline.run_analysis(
            store, on_progress=lambda stage, done, total: events.append((stage, done, total))
        )
    stages = list(dict.fromkeys(stage for stage, _, _ in events))
    assert stages == ["analyse", "entities", "stories", "compare"]
    analyse = [e for e in events if e[0] == "analyse"]
    assert analyse[0] == ("analyse", 0, 3) and analyse[-1] == ("analyse", 3, 3)
    assert [e for e in events if e[0] == "entities"] == [("entities", 0, None), ("entities", 1, 1)]
    placed = [done for stage, done, _ in events if stage == "stories"]
    assert placed == list(range(len(placed))) and placed[-1] == summary.stories.assigned == 3
    compared = [done for stage, done, _ in events if stage == "compare"]
    assert compared == list(range(len(compared))) and compared[-1] == summary.comparisons.compared


def _corrupt_offsets(db_path, article_id: str) -> None:
    """Damage one stored article's offset map (pieces of 3 numbers, not 4) behind the store's back."""
    import sqlite3

    raw = sqlite3.connect(db_path)
    raw.execute("UPDATE articles SET offsets = '[[0, 0, 5]]' WHERE id = ?", (article_id,))
    raw.commit()
    raw.close()


def test_a_stage_that_raises_on_one_article_is_recorded_and_the_others_go_on(store, tmp_path):
    french = next(a for a in store.articles.all() if a.language == "fr")
    _corrupt_offsets(tmp_path / "test.db", french.id)
    store.articles.forget_stage(
        "lang"
    )  # as `--redo lang`: lang, and every stage that reads it, runs again on all three

    analysed = pipeline.analyze_pending(store)

    assert analysed == 3
    (failure,) = store.failures.all()
    assert (failure.subject, failure.stage) == (french.id, "lang")
    assert failure.problem.startswith("ValueError") and "\n" not in failure.problem
    assert failure.label.endswith("corpus.jsonl:2")  # what the user knows the article by
    # The two others ran every stage again; the failed one keeps what it had (its layers from the earlier run) and
    # has no lang run recorded, so nothing claims that its languages are up to date.
    runs = dict(((r[0], r[1]), r[2]) for r in store.db.execute("SELECT article_id, stage, version FROM stage_runs"))
    for article in store.articles.all():
        assert (runs.get((article.id, "lang")) is None) == (article.id == french.id)
    assert store.articles.get(french.id).mentions == french.mentions
    assert store.counts()["failed"] == 1
    # Not tried again by the next run (it would fail the same way), so the corpus is not stuck pending.
    assert pipeline.pending_tasks(store)[0] == 0
    # A retry runs it again: the damage is still there, so it fails again, once.
    store.failures.clear_all()
    assert pipeline.pending_tasks(store)[0] == 1
    pipeline.analyze_pending(store)
    assert [f.subject for f in store.failures.all()] == [french.id]


def test_a_damaged_feature_row_keeps_one_article_out_of_stories_not_the_others(store, tmp_path):
    import sqlite3

    ids = store.articles.ids()
    raw = sqlite3.connect(tmp_path / "test.db")
    raw.execute("DELETE FROM story_members")
    raw.execute("UPDATE story_features SET data = x'00ff00' WHERE article_id = ?", (ids[0],))
    raw.commit()
    raw.close()

    update = pipeline.update_stories(store)

    assert update.assigned == 2
    assert store.stories.of_article(ids[0]) is None
    assert all(store.stories.of_article(i) for i in ids[1:])
    (failure,) = store.failures.all()
    assert (failure.subject, failure.stage) == (ids[0], "stories")
