"""The HTTP API against a real uvicorn server over a real SQLite file holding the analysed seeds."""

from __future__ import annotations

import io
import json
import re
import shutil
import sqlite3
import zipfile

import pytest

from conftest import run_cli
from rashomon.model import Article
from rashomon.store import Store, StoryFilter
from rashomon.store.migrations import MIGRATIONS
from rashomon.web.app import CONTENT_SECURITY_POLICY
from webserver import WebServer, multipart

BODY_LIMIT = 200_000


@pytest.fixture(scope="module")
def server(seeds_db, tmp_path_factory):
    db = tmp_path_factory.mktemp("web-api") / "web.db"
    shutil.copy(seeds_db, db)
    with WebServer(db, max_body_bytes=BODY_LIMIT) as running:
        running.db = db
        yield running


def raqqa_story(server) -> dict:
    status, data = server.json("/api/stories?q=raqqa")
    assert status == 200, data
    (story,) = [s for s in data["stories"] if "Raqqah" in s["title"]]
    return story


def test_story_list_search_filters_and_pages(server):
    status, data = server.json("/api/stories")
    assert status == 200
    assert data["total"] == 2 and len(data["stories"]) == 2 and data["next_offset"] is None
    raqqa, kamal = data["stories"]  # largest first
    assert raqqa["articles"] == 2 and sorted(raqqa["sources"]) == ["Asharq Al-Awsat", "presstv.ir"]
    assert raqqa["contradictions"] >= 2 and kamal["contradictions"] == 0
    assert raqqa["first_published"].startswith("2017-10")

    # Search runs over titles and texts (FTS5): "Kamal" is in the French text only; prefixes match.
    assert [s["id"] for s in server.json("/api/stories?q=Kamal")[1]["stories"]] == [kamal["id"]]
    assert [s["id"] for s in server.json("/api/stories?q=Alloush")[1]["stories"]] == [raqqa["id"]]
    assert server.json("/api/stories?q=Raqq")[1]["total"] == 1
    # FTS syntax and SQL typed by a user are words, never errors or code.
    for hostile in ('"AND (NEAR', "' OR 1=1 --", "*", "title:x", "zzqx OR raqqa", "NOT raqqa"):
        status, found = server.json("/api/stories?" + _query(q=hostile))
        assert status == 200, found
        assert found["total"] <= 2, hostile
    assert server.json("/api/stories?" + _query(q="zzqx OR raqqa"))[1]["total"] == 0  # OR is a word, not an operator
    assert server.json("/api/stories?" + _query(source="x' OR '1'='1"))[1]["total"] == 0

    # Filters by language, outlet, date.
    assert [s["id"] for s in server.json("/api/stories?language=fr")[1]["stories"]] == [kamal["id"]]
    assert [s["id"] for s in server.json("/api/stories?" + _query(source="Asharq Al-Awsat"))[1]["stories"]] == [
        raqqa["id"]
    ]
    assert server.json("/api/stories?from=2030-01-01")[1]["total"] == 0
    # The French relay carries no date: only the dated Raqqa story is in the range.
    assert [s["id"] for s in server.json("/api/stories?from=2017-10-01&to=2017-10-31")[1]["stories"]] == [raqqa["id"]]

    # Pagination.
    first = server.json("/api/stories?limit=1")[1]
    second = server.json(f"/api/stories?limit=1&offset={first['next_offset']}")[1]
    assert first["total"] == 2 and first["next_offset"] == 1 and second["next_offset"] is None
    assert [first["stories"][0]["id"], second["stories"][0]["id"]] == [raqqa["id"], kamal["id"]]


def _query(**params: str) -> str:
    from urllib.parse import urlencode

    return urlencode(params)


def test_story_article_and_entity(server):
    story_id = raqqa_story(server)["id"]
    status, story = server.json(f"/api/stories/{story_id}")
    assert status == 200
    assert [a["source"] for a in story["articles"]] == ["presstv.ir", "Asharq Al-Awsat"] or sorted(
        a["source"] for a in story["articles"]
    ) == ["Asharq Al-Awsat", "presstv.ir"]
    assert {"contradict", "quote_drift"} <= {r["type"] for r in story["relations"]}
    # The API's relations carry the plain sentence the export has, and whether the call is uncertain.
    status, export = server.json("/api/export")
    sentences = {r["id"]: (r["explanation"], r["uncertain"]) for r in export["relations"]}
    assert all(
        sentences[r["id"]] == (r["explanation"], r["uncertain"]) and r["explanation"] for r in story["relations"]
    )
    assert any(q["speaker"] and "Alloush" in q["speaker"] for q in story["quotes"])

    article_id = story["article_ids"][0]
    status, article = server.json(f"/api/articles/{article_id}")
    assert status == 200 and article["story_id"] == story_id
    record = article["article"]
    assert record["id"] == article_id and record["original"] and record["text"]
    assert article["removed"] and article["mentions"] and article["claims"]
    for mention in article["mentions"]:
        assert record["original"][mention["start"] : mention["end"]] == mention["text"]

    (isis,) = [e for e in story["entities"] if e["name"] == "Islamic State"]
    status, entity = server.json(f"/api/entities/{isis['id']}")
    assert status == 200
    spellings = {v["text"] for v in entity["variants"]}
    assert {"Daesh", "ISIS", "EI"} <= spellings  # English and French spellings of one entity
    assert len(entity["stories"]) == 2 and story_id in {s["id"] for s in entity["stories"]}


def test_source_profiles_page_and_api(server):
    status, data = server.json("/api/sources")
    assert status == 200
    profiles = {p["source"]: p for p in data["sources"]}
    assert profiles["presstv.ir"]["techniques_per_1000"] > profiles["Asharq Al-Awsat"]["techniques_per_1000"]
    assert "Omar Alloush" in " ".join(profiles["Asharq Al-Awsat"]["quoted"])
    status, headers, body = server.request("/sources")
    page = body.decode()
    assert status == 200 and "content-security-policy" in headers
    assert "Techniques per 1,000 words, by source" in page and "<svg" in page and "presstv.ir" in page


def test_export_is_exactly_the_cli_export(server):
    status, headers, body = server.request("/api/export")
    assert status == 200 and headers["content-type"].startswith("application/json")
    cli = run_cli("export", "--db", str(server.db), cwd=server.db.parent, check_ok=True)
    assert body == cli.stdout
    doc = json.loads(body)
    assert {"articles", "stories", "entities", "quotes", "claims", "relations", "propositions"} <= set(doc)


def test_export_offers_every_format_of_the_cli(server):
    for args, query, media in (
        (["-f", "jsonl"], "format=jsonl", "application/x-ndjson"),
        (["-f", "csv"], "format=csv", "text/csv"),
        (["-f", "csv", "--table", "comparison"], "format=csv&table=comparison", "text/csv"),
    ):
        status, headers, body = server.request(f"/api/export?{query}")
        assert status == 200 and headers["content-type"].startswith(media), query
        cli = run_cli("export", *args, "--db", str(server.db), cwd=server.db.parent, check_ok=True)
        assert body == cli.stdout, query
    assert (
        'filename="rashomon-comparison.csv"'
        in server.request("/api/export?format=csv&table=comparison")[1]["content-disposition"]
    )
    status, headers, body = server.request("/api/export?format=xlsx")
    assert status == 200 and headers["content-type"].startswith("application/vnd.openxmlformats")
    with zipfile.ZipFile(io.BytesIO(body)) as book:
        assert re.findall(r'<sheet name="([^"]+)"', book.read("xl/workbook.xml").decode()) == ["articles", "comparison"]
    status, data = server.json("/api/export?format=pdf")
    assert status == 422 and data["error"]["status"] == 422


def test_errors_are_json_with_status_and_name_the_input(server):
    status, data = server.json("/api/stories/s-nope")
    assert status == 404 and data["error"]["status"] == 404 and "s-nope" in data["error"]["message"]
    assert server.json("/api/articles/nope")[0] == 404
    assert server.json("/api/entities/nope")[0] == 404
    assert server.json("/api/jobs/nope")[0] == 404
    status, data = server.json("/api/stories?limit=0")
    assert status == 422 and data["error"]["message"].startswith("limit:")
    status, data = server.json("/api/stories?" + _query(q="x" * 201))
    assert status == 422 and data["error"]["message"].startswith("q:")
    status, data = server.json("/api/stories?from=yesterday")
    assert status == 422 and "from" in data["error"]["message"]

    status, data = server.post_json("/api/articles", {"articles": [{"text": ""}]})
    assert status == 422 and data["error"]["message"].startswith("articles.0.text:")
    status, data = server.post_json("/api/articles", {"text": "fine", "colour": "red"})
    assert status == 422 and "colour" in data["error"]["message"]
    status, data = server.post_json("/api/articles", {"articles": [{"text": "x"}] * 101})
    assert status == 422 and "articles" in data["error"]["message"]
    status, data = server.json(
        "/api/articles", method="POST", body=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert status == 400 and "not valid JSON" in data["error"]["message"]
    deep = b'{"text": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    status, data = server.json("/api/articles", method="POST", body=deep, headers={"Content-Type": "application/json"})
    assert status == 400 and "nested deeper" in data["error"]["message"]
    status, data = server.json("/api/articles", method="POST", body=b"hello", headers={"Content-Type": "text/plain"})
    assert status == 415

    # Over the body limit: refused before anything reads it, with or without a declared length.
    status, data = server.post_json("/api/articles", {"text": "x" * BODY_LIMIT})
    assert status == 413 and data["error"]["status"] == 413
    body, content_type = multipart([("big.txt", b"y" * (BODY_LIMIT + 10))])
    status, data = server.json("/api/articles", method="POST", body=body, headers={"Content-Type": content_type})
    assert status == 413

    # A write from another site's page is refused (the server is local and has no login).
    status, data = server.post_json("/api/articles", {"text": "from elsewhere"}, Origin="https://evil.example")
    assert status == 403
    status, data = server.post_json("/api/articles", {"text": "from elsewhere"}, **{"Sec-Fetch-Site": "cross-site"})
    assert status == 403
    # A Host header other than loopback (DNS rebinding) is refused.
    status, _, _ = server.request("/api/stories", headers={"Host": "evil.example"})
    assert status == 400


def test_every_response_has_the_security_headers(server):
    story_id = raqqa_story(server)["id"]
    for path in (
        "/",
        f"/stories/{story_id}",
        "/api/stories",
        "/static/app.js",
        "/assets/report.css",
        "/docs",
        "/nope",
        "/api/nope",
        "/openapi.json",
    ):
        status, headers, _ = server.request(path)
        assert headers.get("content-security-policy") == CONTENT_SECURITY_POLICY, path
        assert headers.get("x-content-type-options") == "nosniff", path
    status, headers, _ = server.request(
        "/api/articles", method="POST", body=b"x" * (BODY_LIMIT + 1), headers={"Content-Type": "application/json"}
    )
    assert status == 413 and headers.get("content-security-policy") == CONTENT_SECURITY_POLICY


def test_openapi_description_and_docs_page(server):
    status, spec = server.json("/openapi.json")
    assert status == 200
    for path in (
        "/api/stories",
        "/api/stories/{story_id}",
        "/api/articles/{article_id}",
        "/api/entities/{entity_id}",
        "/api/articles",
        "/api/export",
        "/api/jobs/{job_id}",
    ):
        assert path in spec["paths"], path
    assert "ArticlesIn" in spec["components"]["schemas"]
    status, headers, page = server.request("/docs")
    assert status == 200 and b"/api/stories" in page and b'<script src="http' not in page


def test_post_articles_round_trip(server):
    title = "Convoy of trucks leaves Raqqa <b>at dawn</b>"
    text = (
        "A convoy of trucks left Raqqa at dawn on Sunday, a local official told reporters. "
        '"The fighters are gone," said Omar Alloush of the Raqqa Civil Council.'
    )
    status, data = server.post_json(
        "/api/articles",
        {
            "articles": [
                {
                    "text": text,
                    "title": title,
                    "source": "Round Trip Times",
                    "published": "2017-10-16",
                    "language": "en",
                },
            ]
        },
    )
    assert status == 202, data
    job = server.wait_for_job(data["job"]["id"])
    assert job["state"] == "done", job
    (added,) = job["added"]
    assert added["new"] and added["title"] == title and added["story_id"]

    status, article = server.json(f"/api/articles/{added['id']}")
    assert status == 200
    assert article["article"]["title"] == title and article["article"]["source"] == "Round Trip Times"
    assert article["quotes"], "the new article is analysed"
    found = server.json("/api/stories?" + _query(q="dawn convoy"))[1]
    assert added["story_id"] in {s["id"] for s in found["stories"]}
    assert "Round Trip Times" in {
        s for s in json.loads(server.request("/api/export")[2])["articles"][0:99] for s in [s["source"]]
    }

    # Upload: one good file and one bad one; the bad one is named, the good one is stored.
    good = (
        "Le convoi a quitté Raqqa dimanche, selon un responsable local. Les combattants sont partis "
        "vers l'est, a-t-il ajouté."
    ).encode()
    body, content_type = multipart([("convoi.txt", good), ("photo.png", b"\x89PNG\r\n"), ("empty.txt", b"")])
    status, data = server.json("/api/articles", method="POST", body=body, headers={"Content-Type": content_type})
    assert status == 202, data
    job = server.wait_for_job(data["job"]["id"])
    assert job["state"] == "done" and len(job["added"]) == 1, job
    problems = {r["input"]: r["problem"] for r in job["rejections"]}
    assert set(problems) == {"upload:photo.png", "upload:empty.txt"}
    assert "unsupported file type" in problems["upload:photo.png"] and problems["upload:empty.txt"] == "empty file"


def test_fts_migration_backfills_and_stays_in_sync(tmp_path):
    db = tmp_path / "old.db"
    raw = sqlite3.connect(db)
    for script in MIGRATIONS[:3]:  # a database made before search existed
        raw.executescript(script)
    raw.execute("PRAGMA user_version = 3")
    raw.execute("INSERT INTO articles (id, original, title, text) VALUES ('a1', 'x', 'Old title', 'zebra crossing')")
    raw.execute("INSERT INTO stories (id, title) VALUES ('s-a1', 'Old')")
    raw.execute("INSERT INTO story_members (article_id, story_id, score) VALUES ('a1', 's-a1', 1)")
    raw.commit()
    raw.close()
    with Store(db) as store:
        assert store.schema_version == len(MIGRATIONS)
        assert store.stories.summaries(StoryFilter(query="zebra"))[0] == 1  # backfilled
        store.articles.add([Article(id="a2", original="y", title="Giraffe news", text="")])
        assert [
            r[0]
            for r in store.db.execute(
                "SELECT a.id FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid WHERE articles_fts MATCH 'giraffe'"
            )
        ] == ["a2"]
        article = store.articles.get("a2")
        article.text = "okapi sighted"
        with store.transaction():
            store.save_analysis(article, {})
        hits = lambda word: store.db.execute(  # noqa: E731
            "SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH ?", (word,)
        ).fetchone()[0]
        assert hits("okapi") == 1 and hits("giraffe") == 1
        store.db.execute("DELETE FROM articles WHERE id = 'a2'")
        assert hits("okapi") == 0 and hits("giraffe") == 0
