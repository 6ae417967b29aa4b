"""A database made by the release before the store split opens, migrates, and reads back without loss.

``fixtures/store/v5.db`` and ``v5-expected.json`` were made by rashomon 870b427 (see the README beside
them): the expected values are what that release read back, so this compares against the old code's
own word, not against a re-analysis by the code under test.
"""

import dataclasses
import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from rashomon.model import Quote
from rashomon.store import Store
from rashomon.store.migrations import MIGRATIONS
from rashomon.store.rows import RowError, layers_from_json, record

FIXTURE = Path(__file__).parent / "fixtures" / "store"


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory):
    db = tmp_path_factory.mktemp("upgrade") / "v5.db"
    shutil.copy(FIXTURE / "v5.db", db)
    with Store(db) as store:
        yield store


@pytest.fixture(scope="module")
def expected():
    return json.loads((FIXTURE / "v5-expected.json").read_text("utf-8"))


def plain(value):
    """As JSON would hold it (tuples become lists), to compare with the recorded values."""
    return json.loads(json.dumps(value))


def as_of(item, old_record):
    """``item`` as a dict of the fields an old record has (fields added since are compared on their own)."""
    return {k: v for k, v in dataclasses.asdict(item).items() if k in old_record}


def test_the_old_file_is_at_schema_5_and_migrates_to_the_latest(upgraded, expected):
    raw = sqlite3.connect(FIXTURE / "v5.db")
    assert raw.execute("PRAGMA user_version").fetchone()[0] == expected["schema_version"] == 5
    # Positional rows before: a quote is a list, not an object.
    layers = json.loads(raw.execute("SELECT layers FROM articles WHERE layers LIKE '%quotes%'").fetchone()[0])
    raw.close()
    assert isinstance(layers["quotes"][0], list)
    assert upgraded.schema_version == len(MIGRATIONS) > 5
    for (text,) in upgraded.db.execute("SELECT layers FROM articles"):
        for name, items in json.loads(text).items():
            if isinstance(items, list) and name != "frames":
                assert all(isinstance(item, dict) for item in items), name


def test_every_article_and_layer_reads_back_as_the_old_release_read_it(upgraded, expected):
    articles = upgraded.articles.all()
    assert [a.id for a in articles] == [a["id"] for a in expected["articles"]]
    for article, old in zip(articles, expected["articles"]):
        assert plain(dataclasses.asdict(article)) == old
    assert plain([dataclasses.asdict(a) for a in upgraded.articles.many([a.id for a in reversed(articles)])]) == list(
        reversed(expected["articles"])
    )


def test_stories_comparisons_entities_and_the_rest_read_back_unchanged(upgraded, expected):
    assert plain([dataclasses.asdict(s) for s in upgraded.stories.all()]) == expected["stories"]
    comparisons = upgraded.comparisons.many(expected["comparisons"])
    assert set(comparisons) == set(expected["comparisons"])
    for story_id, old in expected["comparisons"].items():
        stored = comparisons[story_id]
        assert stored.version == old["version"]
        # Fields added since (voices) read as their defaults: the old release's stances are the outlets' own.
        assert plain([as_of(p, old["propositions"][0]) for p in stored.propositions]) == old["propositions"]
        assert plain([as_of(r, old["relations"][0]) for r in stored.relations]) == old["relations"]
        assert all(p.voices == p.voice_names == [] for p in stored.propositions)
        assert all(r.voices == r.voice_names == [] for r in stored.relations)
    assert (
        plain([{"entity": dataclasses.asdict(e), "state": s} for e, s in upgraded.entities.states()])
        == expected["entities"]
    )
    features = [
        [f.article_id, f.story_id, hashlib.sha256(f.data).hexdigest()] for f in upgraded.stories.features("usem3")
    ]
    assert features == expected["story_features"]
    assert upgraded.counts() == expected["counts"]
    assert plain(upgraded.stories.facets()) == expected["facets"]
    total, page = upgraded.stories.summaries(limit=100)
    assert total == len(page) and plain([dataclasses.asdict(s) for s in page]) == expected["story_summaries"]
    assert (
        plain(
            [
                list(r)
                for r in upgraded.db.execute(
                    "SELECT article_id, stage, version FROM stage_runs ORDER BY article_id, stage"
                )
            ]
        )
        == expected["stage_runs"]
    )
    assert (
        plain(
            [
                list(r)
                for r in upgraded.db.execute(
                    "SELECT article_id, mention, entity_id FROM entity_mentions ORDER BY article_id, mention"
                )
            ]
        )
        == expected["entity_mentions"]
    )


def test_comparisons_current_before_the_migration_stay_current(upgraded, expected):
    # The member fingerprint digests the layers as stored: the migration re-keys it, so the next run
    # does not recompute comparisons that nothing changed.
    digests = upgraded.comparisons.member_digests()
    states = upgraded.comparisons.states()
    assert set(states) == set(expected["comparisons"])
    for story_id, old in expected["comparisons"].items():
        assert digests[story_id] != old["fingerprint"]  # the stored text did change ...
        assert states[story_id].fingerprint == digests[story_id]  # ... and the comparison followed it


def test_layers_are_read_by_name_whatever_the_order_and_extra_or_missing_fields():
    quote = {"cue": "said", "text": "we won", "end": 9, "start": 3, "direct": True, "added_by_a_later_release": 1}
    layers = layers_from_json(json.dumps({"quotes": [quote]}))
    assert layers["quotes"] == [Quote(start=3, end=9, text="we won", direct=True, cue="said")]
    assert layers["sentences"] == [] and layers["frames"] == []
    with pytest.raises(RowError, match="direct"):
        record(Quote, {"start": 1, "end": 2, "text": "x"})


def test_a_recorded_comparison_failure_follows_the_new_fingerprint(tmp_path):
    from rashomon.store.comparisons import member_digests

    db = tmp_path / "v5.db"
    raw = sqlite3.connect(db)
    for script in MIGRATIONS[:5]:
        raw.executescript(script)
    raw.execute("PRAGMA user_version = 5")
    # A quote as schema 5 wrote it: by position, and shorter than today's Quote (written before `cue` existed).
    layers = {"quotes": [[0, 5, "hello", True, "Ann", 6, 9, -1, None, None, None]], "frames": ["Politics"]}
    raw.execute(
        "INSERT INTO articles (id, original, text, removed, layers) VALUES ('a1', 'hello Ann', 'hello Ann', ?, ?)",
        (json.dumps([[9, 12, "boilerplate:menu"]]), json.dumps(layers)),
    )
    raw.execute("INSERT INTO stories (id, title) VALUES ('s1', 'Hello')")
    raw.execute("INSERT INTO story_members (article_id, story_id, score) VALUES ('a1', 's1', 1)")
    old = member_digests(raw)["s1"]
    raw.execute(
        "INSERT INTO stage_failures (subject, stage, version, problem) VALUES ('s1', 'compare', ?, 'boom')",
        (f"7:{old}",),
    )
    raw.execute(
        "INSERT INTO stage_failures (subject, stage, version, problem) VALUES ('s1', 'other', ?, 'boom')", (f"7:{old}",)
    )
    raw.commit()
    raw.close()
    with Store(db) as store:
        new = store.comparisons.member_digests()["s1"]
        assert new != old
        versions = dict(store.db.execute("SELECT stage, version FROM stage_failures"))
        assert versions == {"compare": f"7:{new}", "other": f"7:{old}"}
        (article,) = store.articles.all()
        assert article.quotes == [Quote(0, 5, "hello", True, "Ann", 6, 9, -1, None, None, None, None)]
        assert [(r.start, r.end, r.reason) for r in article.removed] == [(9, 12, "boilerplate:menu")]
        assert article.frames == ["Politics"]
