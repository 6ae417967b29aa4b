import sqlite3

import pytest

from rashomon.model import Article, LangSpan, OffsetMap, Rejection, Removed
from rashomon.store import Store, StoreError, StoryFeature, StoryFilter
from rashomon.store.migrations import MIGRATIONS


def make_article(article_id="a1", text="Body text.", path="x.txt"):
    return Article(id=article_id, original=text, paths=[path], title="T", given={"title": "T"})


def test_new_database_is_wal_and_at_latest_schema(tmp_path):
    db = tmp_path / "r.db"
    store = Store(db)
    assert store.schema_version == len(MIGRATIONS)
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()
    # Re-opening applies nothing twice.
    assert Store(db).schema_version == len(MIGRATIONS)


def test_database_from_a_newer_rashomon_is_refused(tmp_path):
    db = tmp_path / "r.db"
    Store(db).close()
    raw = sqlite3.connect(db)
    raw.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    raw.close()
    with pytest.raises(StoreError, match="newer"):
        Store(db)


def test_not_a_database_is_a_clear_error(tmp_path):
    bogus = tmp_path / "notes.db"
    bogus.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a rashomon database"):
        Store(bogus)


def test_same_article_twice_is_stored_once_with_both_paths(tmp_path):
    store = Store(tmp_path / "r.db")
    first = store.articles.add([make_article(path="a.txt")])
    second = store.articles.add([make_article(path="copy/a.txt")])
    assert first[0].is_new and not second[0].is_new
    assert store.counts()["articles"] == 1
    assert store.articles.get("a1").paths == ["a.txt", "copy/a.txt"]


def test_hostile_text_is_stored_verbatim(tmp_path):
    store = Store(tmp_path / "r.db")
    nasty = "Robert'); DROP TABLE articles;-- \x00 <script>alert(1)</script>"
    store.articles.add([make_article(text=nasty)])
    assert store.articles.get("a1").original == nasty
    assert store.counts()["articles"] == 1


def test_analysis_layers_round_trip_and_stages_stop_being_pending(tmp_path):
    store = Store(tmp_path / "r.db")
    store.articles.add([make_article(), make_article("a2", "Other.")])
    assert store.articles.pending("clean", "1") == ["a1", "a2"]
    article = store.articles.get("a1")
    article.text = "Body"
    article.offsets = OffsetMap([(0, 0, 4, 4)])
    article.removed = [Removed(4, 10, "boilerplate:test")]
    article.paragraph_languages = [LangSpan(0, 4, "en", 0.9)]
    article.language = "en"
    with store.transaction():
        store.save_analysis(article, {"clean": "1"}, ("usem3", b"\x01\x02"))
    again = store.articles.get("a1")
    assert again.text == "Body" and again.language == "en"
    assert again.removed == [Removed(4, 10, "boilerplate:test")]
    assert again.paragraph_languages == [LangSpan(0, 4, "en", 0.9)]
    assert again.offsets.pieces == [(0, 0, 4, 4)]
    assert store.articles.pending("clean", "1") == ["a2"]
    # A new version of the stage makes it pending again.
    assert store.articles.pending("clean", "2") == ["a1", "a2"]
    assert list(store.stories.features("usem3")) == [StoryFeature("a1", None, b"\x01\x02")]


def test_a_failed_batch_leaves_earlier_batches_intact(tmp_path):
    store = Store(tmp_path / "r.db")
    store.articles.add([make_article()])
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.db.execute("DELETE FROM articles")
            raise RuntimeError("killed halfway")
    assert store.counts()["articles"] == 1


def test_stories_and_rejections(tmp_path):
    store = Store(tmp_path / "r.db")
    store.articles.add([make_article(), make_article("a2", "Other.")])
    store.stories.save_assignments([("a1", "s-a1", 1.0), ("a2", "s-a1", 0.8)], {"s-a1": "A story"})
    [story] = store.stories.all()
    assert story.title == "A story" and story.article_ids == ["a1", "a2"]
    assert store.stories.find("s-a") == [story]
    store.articles.log_rejections([Rejection("bad.txt", "empty file")])
    assert store.counts()["rejections"] == 1


def test_articles_that_name_no_outlet_count_as_a_source_each(tmp_path):
    # As the comparison and the report count them: two saved .txt files are two voices, not one "unknown" outlet.
    from rashomon.store import StoryFilter

    store = Store(tmp_path / "r.db")
    articles = [
        make_article("a1", "One.", "a.txt"),
        make_article("a2", "Two.", "b.txt"),
        make_article("a3", "Three.", "c.txt"),
        make_article("a4", "Four.", "d.txt"),
    ]
    articles[2].source = articles[3].source = "Daily Planet"
    store.articles.add(articles)
    store.stories.save_assignments([(a.id, "s1", 1.0) for a in articles], {"s1": "Quake"})
    total, (summary,) = store.stories.summaries(StoryFilter())
    assert total == 1 and summary.sources == ["Daily Planet"] and summary.unnamed_sources == 2
    assert store.counts()["sources"] == 3


def test_many_articles_and_stories_are_read_in_a_few_queries_in_the_order_asked(tmp_path):
    from rashomon.store.db import MAX_BOUND

    store = Store(tmp_path / "r.db")
    n = 2 * MAX_BOUND + 1  # three chunks
    store.articles.add([make_article(f"a{i}", f"Text {i}.", f"p{i}.txt") for i in range(n)])
    store.stories.save_assignments(
        [(f"a{i}", f"s{i % 7}", 1.0) for i in range(n)], {f"s{k}": f"S{k}" for k in range(7)}
    )
    wanted = [f"a{i}" for i in reversed(range(n))] + ["missing", "a3"]
    statements: list[str] = []
    store.db.set_trace_callback(statements.append)
    found = store.articles.many(wanted)
    stories = store.stories.many(["s6", "nope", "s0"])
    store.db.set_trace_callback(None)
    assert [a.id for a in found] == [i for i in wanted if i != "missing"]
    assert found[-1].paths == ["p3.txt"] and found[0].paths == [f"p{n - 1}.txt"]
    assert len(statements) == 3 * 2 + 2  # articles and their paths per chunk, then the stories' members and titles
    assert [s.id for s in stories] == ["s6", "s0"] and stories[1] == store.stories.get("s0")


def test_named_store_methods_replace_the_pipelines_raw_deletes(tmp_path):
    store = Store(tmp_path / "r.db")
    store.articles.add([make_article(), make_article("a2", "Other.")])
    with store.transaction():
        store.articles.mark_done("a1", {"entities": "1", "clean": "1"})
    store.stories.save_assignments([("a1", "s1", 1.0), ("a2", "s1", 1.0)], {"s1": "S"})
    with store.transaction():
        store.articles.forget_run("a1", "entities")
        store.stories.remove_member("a1")
    assert store.articles.pending("entities", "1") == ["a1", "a2"]
    assert store.articles.pending("clean", "1") == ["a2"]
    assert store.stories.of_article("a1") is None and store.stories.get("s1").article_ids == ["a2"]


def test_a_stored_comparison_is_a_record(tmp_path):
    from rashomon.model import Proposition, Relation

    store = Store(tmp_path / "r.db")
    store.articles.add([make_article(), make_article("a2", "Other.")])
    store.stories.save_assignments([("a1", "s1", 1.0), ("a2", "s1", 1.0)], {"s1": "S"})
    proposition = Proposition(
        "p1", "It rained", ["c-a1-0", "c-a2-0"], ["a1", "a2"], ["asserts", "denies"], ["rain"], "s1"
    )
    relation = Relation(
        "r1",
        "contradict",
        ["c-a1-0", "c-a2-0"],
        ["a1", "a2"],
        0.9,
        "negation-mismatch",
        ["negation-mismatch"],
        "p1",
        None,
        "s1",
        {"contradict": 0.9},
    )
    store.comparisons.save("s1", "v1", "fp", [proposition], [relation])
    stored = store.comparisons.get("s1")
    assert (stored.version, stored.fingerprint, stored.propositions, stored.relations) == (
        "v1",
        "fp",
        [proposition],
        [relation],
    )
    assert store.comparisons.states()["s1"] == stored.state
    assert store.comparisons.get("s2") is None and store.comparisons.relations() == [relation]


def test_sources_are_counted_by_outlet_as_every_view_counts_them(tmp_path):
    # Two unnamed saved files are two sources, two unnamed pages of one site one, as the comparison and the
    # report count them (Article.outlet); the store counted each unnamed article as a source of its own.
    db_path = tmp_path / "outlets.db"
    articles = [
        Article(id="t1", original="Quake one.", paths=["/saved/a.txt"]),
        Article(id="t2", original="Quake two.", paths=["/saved/b.txt"]),
        Article(id="w1", original="Quake three.", url="https://www.example.org/1", paths=["x.jsonl:1"]),
        Article(id="w2", original="Quake four.", url="https://example.org/2", paths=["x.jsonl:2"]),
        Article(id="n1", original="Quake five.", source="Daily Planet", url="https://example.org/3", paths=["p.txt"]),
    ]
    with Store(db_path) as store:
        store.articles.add(articles)
        store.stories.save_assignments([(a.id, "s1", 1.0) for a in articles], {"s1": "Quake"})
        assert store.counts()["sources"] == len({a.outlet for a in articles}) == 4
        (summary,) = store.stories.summaries(StoryFilter())[1]
        assert summary.sources == ["Daily Planet"] and summary.unnamed_sources == 3

    # A database from before the column: its outlets are filled when it opens.
    raw = sqlite3.connect(db_path)
    raw.execute("UPDATE articles SET outlet = NULL")
    raw.commit()
    raw.close()
    with Store(db_path) as store:
        assert store.db.execute("SELECT COUNT(*) FROM articles WHERE outlet IS NULL").fetchone()[0] == 0
        assert store.counts()["sources"] == 4
