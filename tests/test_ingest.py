"""Ingest: every format, ids, and every kind of bad input, on real files."""

from __future__ import annotations

import functools
import gzip
import io
import json
import os
import resource
import struct
import subprocess
import sys
import tracemalloc
import zlib
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from conftest import run_cli
from rashomon.ingest import DEFAULT_MAX_BYTES, READERS, article_id, read_inputs, read_uploads
from rashomon.ingest.decoding import JsonProblem, json_depth, parse_json
from rashomon.model import Article, Rejection
from rashomon.store import Store

SEEDS = Path(__file__).resolve().parent.parent / "examples" / "seeds"

STORY = (
    "The foreign minister said on Sunday that the ceasefire talks would resume next week in Geneva. "
    "Officials from both delegations confirmed the schedule, and observers expect a draft agreement "
    "on humanitarian corridors before the end of the month."
)
OTHER_STORY = "Heavy rain flooded the lower town overnight; the river is expected to crest on Tuesday."


def page(body: str = STORY, *, head: str = "", charset: str | None = "utf-8") -> str:
    charset_tag = f'<meta charset="{charset}">' if charset else ""
    paragraphs = "".join(f"<p>{body}</p>" for _ in range(3))
    return (
        f"<!DOCTYPE html><html><head>{charset_tag}<title>Talks resume | Daily Planet</title>{head}</head>"
        f"<body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>Talks resume</h1>{paragraphs}</article><footer>Contact us</footer></body></html>"
    )


ARTICLE_HEAD = (
    '<meta property="og:site_name" content="Daily Planet">'
    '<meta property="article:published_time" content="2017-10-15T11:03:00Z">'
    '<link rel="canonical" href="https://planet.example/world/talks">'
)


def read(*inputs: object, **options: object) -> list[Article | Rejection]:
    return list(read_inputs([str(i) for i in inputs], **options))  # type: ignore[arg-type]


def only_article(*inputs: object, **options: object) -> Article:
    items = read(*inputs, **options)
    assert len(items) == 1 and isinstance(items[0], Article), items
    return items[0]


def only_rejection(*inputs: object, **options: object) -> Rejection:
    items = read(*inputs, **options)
    assert len(items) == 1 and isinstance(items[0], Rejection), items
    return items[0]


def articles(items: list[Article | Rejection]) -> list[Article]:
    return [item for item in items if isinstance(item, Article)]


def rejections(items: list[Article | Rejection]) -> list[Rejection]:
    return [item for item in items if isinstance(item, Rejection)]


def write_warc(path: Path, records: list[tuple[str, str, bytes, str]], *, compress: bool = True) -> None:
    """records: (record type, url, payload, content type)."""
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=compress)
        for record_type, url, payload, content_type in records:
            if record_type == "response":
                status = "200 OK" if not url.endswith("/moved") else "301 Moved Permanently"
                http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
                record = writer.create_warc_record(url, "response", payload=io.BytesIO(payload), http_headers=http)
            else:
                record = writer.create_warc_record(
                    url, record_type, payload=io.BytesIO(payload), warc_content_type=content_type
                )
            writer.write_record(record)


# --- plain text -----------------------------------------------------------


@pytest.mark.parametrize("suffix", [".txt", ".text", ".md"])
def test_text_file_is_one_article_with_the_exact_text(tmp_path: Path, suffix: str) -> None:
    text = "Talks resume\r\n\r\n" + STORY + "\n"
    path = tmp_path / f"story{suffix}"
    path.write_bytes(text.encode("utf-8"))

    article = only_article(path)

    assert article.original == text  # line endings and trailing newline kept
    assert article.paths == [str(path)]
    assert article.id == article_id(text)
    assert article.given == {}
    assert (article.title, article.url, article.published, article.language) == (None, None, None, None)


def test_utf8_byte_order_mark_is_not_part_of_the_text(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + STORY.encode("utf-8"))
    assert only_article(path).original == STORY


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_with_byte_order_mark_is_read(tmp_path: Path, encoding: str) -> None:
    text = "Déclaration du ministre: " + STORY
    path = tmp_path / "wide.txt"
    data = text.encode(encoding)
    path.write_bytes(data if encoding == "utf-16" else b"\xfe\xff" + data)
    assert only_article(path).original == text


def test_seed_examples_are_three_distinct_articles() -> None:
    seed_files = sorted(SEEDS.glob("*.txt"))
    assert len(seed_files) == 3

    items = read(SEEDS)

    assert len(items) == 3 and all(isinstance(item, Article) for item in items)
    assert len({item.id for item in items}) == 3
    for item, seed in zip(items, seed_files):
        assert item.original == seed.read_bytes().decode("utf-8")
        assert item.paths == [str(seed)]


# --- HTML -----------------------------------------------------------------


def test_html_gives_extracted_text_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "talks.html"
    path.write_text(page(head=ARTICLE_HEAD), encoding="utf-8")

    article = only_article(path)

    assert STORY in article.original
    assert "<" not in article.original and "Contact us" not in article.original
    assert article.title == "Talks resume"
    assert article.url == "https://planet.example/world/talks"
    assert article.source == "Daily Planet"
    assert article.published == "2017-10-15"
    assert article.given == {
        "title": "Talks resume",
        "url": "https://planet.example/world/talks",
        "source": "Daily Planet",
        "published": "2017-10-15",
    }
    assert article.paths == [str(path)]
    assert article.id == article_id(article.original)


def test_html_without_a_date_has_no_published(tmp_path: Path) -> None:
    path = tmp_path / "undated.htm"
    path.write_text(page(), encoding="utf-8")
    article = only_article(path)
    assert article.published is None and "published" not in article.given


@pytest.mark.parametrize("charset", ["windows-1252", "iso-8859-1"])
def test_html_declared_legacy_charset_is_honoured(tmp_path: Path, charset: str) -> None:
    body = "Le café « Au Bon Coin » a rouvert lundi après des mois de travaux, a annoncé la mairie. " * 3
    path = tmp_path / "cafe.html"
    path.write_bytes(page(body, charset=charset).encode("cp1252"))
    assert "café « Au Bon Coin »" in only_article(path).original


def test_html_with_no_article_body_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("<html><head><title>Nothing</title></head><body><img src='x.png'></body></html>")
    assert only_rejection(path) == Rejection(str(path), "no article text found in HTML")


def test_html_undeclared_legacy_bytes_are_rejected_with_offset(tmp_path: Path) -> None:
    path = tmp_path / "latin.html"
    data = page("caf\xe9 " + STORY, charset=None).encode("latin-1")
    path.write_bytes(data)
    problem = only_rejection(path).problem
    assert problem.startswith(f"not valid UTF-8: byte 0xE9 at offset {data.index(b'caf') + 3}")
    assert "declares no charset" in problem


# --- JSON, JSON Lines, CSV ------------------------------------------------


def test_json_object_with_fields(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    record = {
        "text": STORY,
        "title": "  Talks resume ",
        "url": "https://planet.example/talks",
        "source": "Daily Planet",
        "published": "2017-10-15T11:03:00Z",
        "language": "en-GB",
        "id": "dataset-17",
        "body_html": "<p>" + "x" * 1000 + "</p>",
    }
    path.write_text(json.dumps(record), encoding="utf-8")

    article = only_article(path)

    assert article.original == STORY
    assert article.paths == [str(path)]
    assert article.title == "Talks resume"
    assert article.url == "https://planet.example/talks"
    assert article.source == "Daily Planet"
    assert article.published == "2017-10-15T11:03:00+00:00"
    assert article.language == "en"
    assert article.given == {
        "title": "Talks resume",
        "url": "https://planet.example/talks",
        "source": "Daily Planet",
        "published": "2017-10-15T11:03:00+00:00",
        "language": "en",
        "extra": {"id": "dataset-17"},  # long fields are not carried along
    }


def test_json_list_items_are_numbered(tmp_path: Path) -> None:
    path = tmp_path / "many.json"
    path.write_text(json.dumps([{"text": STORY}, "not an object", {"text": OTHER_STORY, "language": "fr"}]))

    items = read(path)

    assert [type(item) for item in items] == [Article, Rejection, Article]
    assert items[0].paths == [f"{path}#1"]
    assert items[1] == Rejection(f"{path}#2", "list item is not a JSON object")
    assert items[2].paths == [f"{path}#3"] and items[2].language == "fr"


@pytest.mark.parametrize("suffix", [".jsonl", ".ndjson"])
def test_json_lines_one_article_per_line(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"feed{suffix}"
    lines = [json.dumps({"text": STORY, "source": "Planet"}), "", json.dumps({"text": OTHER_STORY, "title": "Floods"})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    items = read(path)

    assert [item.paths for item in items] == [[f"{path}:1"], [f"{path}:3"]]
    assert [item.original for item in items] == [STORY, OTHER_STORY]
    assert items[0].given == {"source": "Planet"} and items[1].title == "Floods"


def test_csv_one_article_per_row(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    multi_line = "First paragraph.\n\nSecond paragraph, with a comma."
    path.write_text(
        f'Title,text,published,language\nTalks,"{STORY}",2017-10-15,en\nFloods,"{multi_line}",,\n,,,\n',
        encoding="utf-8-sig",
    )

    items = read(path)

    assert [item.paths for item in items] == [[f"{path}#1"], [f"{path}#2"]]
    assert items[0].original == STORY
    assert items[0].given == {"title": "Talks", "published": "2017-10-15", "language": "en"}
    assert items[1].original == multi_line and items[1].published is None


def test_json_lines_saved_as_json_are_read_as_lines(tmp_path: Path) -> None:
    path = tmp_path / "feed.json"
    path.write_text(json.dumps({"text": STORY}) + "\n" + json.dumps({"text": OTHER_STORY}) + "\n")
    assert [item.paths for item in read(path)] == [[f"{path}:1"], [f"{path}:2"]]


def test_json_lines_in_utf16_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps({"text": STORY}) + "\n", encoding="utf-16")
    assert only_rejection(path) == Rejection(str(path), "JSON Lines must be UTF-8, and this file is UTF-16")


def test_utf16_csv_as_excel_exports_it(tmp_path: Path) -> None:
    path = tmp_path / "export.tsv"
    path.write_text(f"text\ttitle\r\nDéclaration: {STORY}\tTalks\r\n", encoding="utf-16", newline="")
    article = only_article(path)
    assert article.original == f"Déclaration: {STORY}" and article.title == "Talks"


def test_tsv_is_read_like_csv(tmp_path: Path) -> None:
    path = tmp_path / "rows.tsv"
    path.write_text(f"text\tsource\n{STORY}\tPlanet\n", encoding="utf-8")
    article = only_article(path)
    assert article.original == STORY and article.source == "Planet"


def test_csv_field_longer_than_the_csv_module_default(tmp_path: Path) -> None:
    long_text = (STORY + " ") * 1500  # ~370 kB, over csv's 128 KiB field default
    path = tmp_path / "long.csv"
    path.write_text(f'text\n"{long_text}"\n', encoding="utf-8")
    assert only_article(path).original == long_text


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2017-10-15", "2017-10-15"),
        ("20171015", "2017-10-15"),
        ("2017-10-15 11:03", "2017-10-15T11:03:00"),
        ("2017-10-15T11:03:00+03:30", "2017-10-15T11:03:00+03:30"),
        ("Sun, 15 Oct 2017 11:03:00 GMT", "2017-10-15T11:03:00+00:00"),
        ("October 15, 2017", "2017-10-15"),
        ("15 Oct 2017", "2017-10-15"),
        (1508065380, "2017-10-15T11:03:00+00:00"),
        (1508065380000, "2017-10-15T11:03:00+00:00"),
    ],
)
def test_published_is_normalised_to_iso_8601(tmp_path: Path, given: object, expected: str) -> None:
    path = tmp_path / "dated.json"
    path.write_text(json.dumps({"text": STORY, "published": given}))
    article = only_article(path)
    assert article.published == expected and article.given["published"] == expected


def test_hints_that_cannot_be_normalised_are_kept_aside(tmp_path: Path) -> None:
    path = tmp_path / "odd.json"
    path.write_text(json.dumps({"text": STORY, "published": "03/04/2017", "language": "French"}))
    article = only_article(path)
    assert article.published is None and article.language is None
    assert article.given == {"unparsed": {"published": "03/04/2017", "language": "French"}}


# --- WARC -----------------------------------------------------------------


def test_warc_gz_html_responses_and_text_resources(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    html = page(head=ARTICLE_HEAD).encode("utf-8")
    write_warc(
        path,
        [
            ("response", "https://planet.example/talks?ref=rss", html, "text/html; charset=utf-8"),
            ("response", "https://planet.example/logo.png", b"\x89PNG\r\n\x1a\n", "image/png"),
            ("response", "https://planet.example/robots.txt", b"User-agent: *", "text/plain"),
            ("response", "https://planet.example/moved", b"<html></html>", "text/html"),
            ("resource", "urn:note:floods", OTHER_STORY.encode("utf-8"), "text/plain; charset=utf-8"),
        ],
    )

    items = read(path)

    assert [type(item) for item in items] == [Article, Article]
    page_article, note = items
    assert STORY in page_article.original and "<" not in page_article.original
    assert page_article.url == "https://planet.example/talks?ref=rss"  # the fetched address wins
    assert page_article.paths == ["https://planet.example/talks?ref=rss"]
    assert page_article.title == "Talks resume" and page_article.source == "Daily Planet"
    assert note.original == OTHER_STORY
    assert note.paths == ["urn:note:floods"] and note.given == {"url": "urn:note:floods"}


def test_uncompressed_warc_and_http_charset(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc"
    body = "Le café a rouvert lundi après des mois de travaux, a annoncé la mairie du quartier. " * 3
    write_warc(
        path,
        [
            (
                "response",
                "https://ville.example/cafe",
                page(body, charset=None).encode("cp1252"),
                "text/html; charset=windows-1252",
            )
        ],
        compress=False,
    )
    assert "Le café a rouvert" in only_article(path).original


def test_corrupt_warc_keeps_the_records_before_the_damage(tmp_path: Path) -> None:
    path = tmp_path / "broken.warc.gz"
    write_warc(
        path,
        [
            ("resource", "urn:one", STORY.encode("utf-8"), "text/plain"),
            ("resource", "urn:two", OTHER_STORY.encode("utf-8") * 50, "text/plain"),
        ],
    )
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 40])  # cut into the second gzip member

    items = read(path)

    assert isinstance(items[0], Article) and items[0].paths == ["urn:one"]
    assert items[1:] == [Rejection(str(path), "corrupt WARC archive: record 2 is cut short")]


@pytest.mark.parametrize(
    "content", [bytes(range(256)) * 4, gzip.compress(b"hello")[:10] + bytes(range(1, 200)), b"plain text\n"]
)
def test_file_named_warc_gz_that_is_not_one(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "garbage.warc.gz"
    path.write_bytes(content)
    assert only_rejection(path) == Rejection(str(path), "not a WARC archive (it does not start with a WARC record)")


def test_corrupt_record_header_mid_archive(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc"
    write_warc(path, [("resource", "urn:one", STORY.encode("utf-8"), "text/plain")], compress=False)
    with open(path, "ab") as out:
        out.write(b"GARBAGE WHERE A HEADER SHOULD BE\r\n\r\n")

    items = read(path)

    assert isinstance(items[0], Article)
    assert items[1:] == [Rejection(str(path), "corrupt WARC archive: unreadable record header after record 1")]


# --- ids ------------------------------------------------------------------


def test_same_text_from_two_paths_and_formats_has_one_id(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / "a.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(json.dumps({"text": STORY}) + "\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text(OTHER_STORY, encoding="utf-8")

    items = read(tmp_path)

    # Dedupe is the store's job: every copy is yielded, each with its path.
    assert [item.paths[0] for item in items] == [
        str(tmp_path / "a.txt"),
        f"{tmp_path / 'b.jsonl'}:1",
        str(tmp_path / "c.txt"),
        str(tmp_path / "copy" / "a.txt"),
    ]
    ids = [item.id for item in items]
    assert ids[0] == ids[1] == ids[3] != ids[2]


def test_article_id_ignores_case_width_and_whitespace_layout() -> None:
    base = article_id("The Minister said: talks resume.")
    assert base == article_id("  the  MINISTER\u00a0said:\n\ttalks resume.\n")
    assert base == article_id("Ｔhe Minister said: talks resume.")  # fullwidth T (NFKC)
    assert base != article_id("The Minister said: talks resumed.")
    assert len(base) == 16 and all(c in "0123456789abcdef" for c in base)


def test_article_id_does_not_repair_mojibake() -> None:
    assert article_id("café") != article_id("cafÃ©")


# --- bad input ------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n "])
def test_empty_or_whitespace_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(content)
    assert only_rejection(path) == Rejection(str(path), "empty file")


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        b"plain start then a NUL\x00byte",
        b"%PDF-1.7\n%\xe2\xe3",
    ],
)
def test_binary_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "scan.txt"
    path.write_bytes(content)
    assert only_rejection(path) == Rejection(str(path), "binary file, not text")


def test_invalid_utf8_names_the_byte_offset(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("first line\nLe caf".encode() + b"\xe9 est ouvert.")
    assert only_rejection(path) == Rejection(
        str(path), "not valid UTF-8: byte 0xE9 at offset 17 (line 2); save the file as UTF-8"
    )


def test_file_over_the_limit_is_rejected_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as sparse:
        sparse.truncate(200_000_000)  # sparse: no disk used, and reading it would take seconds
    assert DEFAULT_MAX_BYTES == 50_000_000
    assert only_rejection(path) == Rejection(str(path), "file is 200.0 MB, over the 50 MB limit (--max-bytes)")


def test_max_bytes_option(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text(STORY * 20, encoding="utf-8")  # 4,880 bytes
    assert only_rejection(path, max_bytes=1000).problem == "file is 4.9 kB, over the 1 kB limit (--max-bytes)"


def test_json_lines_are_streamed_and_limited_per_line(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    short, long = json.dumps({"text": OTHER_STORY}), json.dumps({"text": STORY * 10})
    path.write_text(f"{short}\n{long}\n{short}\n", encoding="utf-8")

    items = read(path, max_bytes=500)  # the file is bigger than that; each line but one is not

    assert [type(item) for item in items] == [Article, Rejection, Article]
    assert items[1] == Rejection(f"{path}:2", "line is 2.5 kB, over the 500 bytes limit (--max-bytes)")


def test_json_line_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(f'{json.dumps({"text": STORY})}\nnot json\n[1, 2]\n{{"text": "x"\n', encoding="utf-8")

    items = read(path)

    assert isinstance(items[0], Article)
    assert items[1:] == [
        Rejection(f"{path}:2", "line is not valid JSON (Expecting value at column 1)"),
        Rejection(f"{path}:3", "line is not a JSON object"),
        Rejection(f"{path}:4", "line is not valid JSON (Expecting ',' delimiter at column 13)"),
    ]


def test_json_line_with_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b'{"text": "caf\xe9"}\n')
    assert only_rejection(path) == Rejection(f"{path}:1", "not valid UTF-8: byte 0xE9 at column 14")


def test_json_object_without_text(tmp_path: Path) -> None:
    path = tmp_path / "headline.json"
    path.write_text(json.dumps({"title": "Talks resume", "body": STORY}))
    assert only_rejection(path) == Rejection(str(path), 'no "text" field (found: title, body)')


@pytest.mark.parametrize(
    ("record", "problem"),
    [({"text": "   "}, '"text" field is empty'), ({"text": 42}, '"text" field is not a string (it is a number)')],
)
def test_json_object_with_unusable_text(tmp_path: Path, record: dict, problem: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(record))
    assert only_rejection(path) == Rejection(str(path), problem)


def test_json_that_does_not_parse(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"text": "unterminated')
    assert only_rejection(path).problem.startswith("not valid JSON (Unterminated string")


def test_csv_without_text_column(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text(f"title,body\nTalks,{STORY}\n", encoding="utf-8")
    assert only_rejection(path) == Rejection(str(path), 'no "text" column (columns: title, body)')


def test_csv_with_invalid_utf8_names_offset(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_bytes(b"text\ncaf\xe9\n")
    items = read(path)
    assert items == [Rejection(str(path), "not valid UTF-8: byte 0xE9 at offset 8 (line 2); save the file as UTF-8")]


def test_folder_with_no_articles(tmp_path: Path) -> None:
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / ".hidden.txt").write_text(STORY)
    rejection = only_rejection(tmp_path)
    assert rejection.input == str(tmp_path)
    assert rejection.problem.startswith("no articles found in folder (looked for .txt, .text, .md, .html,")


def test_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    assert only_rejection(missing) == Rejection(str(missing), "no such file or folder")


def test_unsupported_type_named_explicitly(tmp_path: Path) -> None:
    path = tmp_path / "story.xyz"
    path.write_text(STORY)
    rejection = only_rejection(path)
    assert rejection.problem.startswith("unsupported file type .xyz (supported: .txt, .text, .md, .html")
    assert rejection.problem.endswith(".warc, .warc.gz)")


def test_folder_walk_skips_unknown_and_hidden_and_recurses_in_order(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text(STORY)
    (tmp_path / "a.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.txt").write_text(OTHER_STORY)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "d.txt").write_text("hidden folder")
    (tmp_path / "a.txt").write_text("first")

    items = read(tmp_path)

    assert [item.paths[0] for item in items] == [
        str(tmp_path / "a.txt"),
        str(tmp_path / "b.txt"),
        str(tmp_path / "sub" / "c.txt"),
    ]


def test_batch_with_bad_inputs_still_yields_the_good_articles(tmp_path: Path) -> None:
    good_txt = tmp_path / "good.txt"
    good_txt.write_text(STORY)
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    feed = tmp_path / "feed.jsonl"
    feed.write_text(f"oops\n{json.dumps({'text': OTHER_STORY})}\n")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "inner.md").write_text("# Inner\n\n" + OTHER_STORY)

    items = read(empty, tmp_path / "missing", good_txt, binary, feed, tmp_path / "x.pdf", folder)

    kinds = [type(item) for item in items]
    assert kinds == [Rejection, Rejection, Article, Rejection, Rejection, Article, Rejection, Article]
    assert [item.paths[0] for item in articles(items)] == [str(good_txt), f"{feed}:2", str(folder / "inner.md")]
    assert [r.input for r in rejections(items)] == [
        str(empty),
        str(tmp_path / "missing"),
        str(binary),
        f"{feed}:1",
        str(tmp_path / "x.pdf"),
    ]


# --- stdin ----------------------------------------------------------------


def test_stdin_text() -> None:
    article = only_article("-", stdin=io.BytesIO(STORY.encode("utf-8")))
    assert article.original == STORY and article.paths == ["<stdin>"]


def test_stdin_json_lines() -> None:
    data = f"{json.dumps({'text': STORY})}\n\n  {json.dumps({'text': OTHER_STORY, 'language': 'de'})}\n"
    items = read("-", stdin=io.BytesIO(data.encode("utf-8")))
    assert [item.paths for item in items] == [["<stdin>:1"], ["<stdin>:3"]]
    assert items[1].language == "de"


def test_stdin_text_that_merely_contains_a_brace_line_is_text() -> None:
    data = "{ not every line is an object }\nThe minister said..."
    assert only_article("-", stdin=io.BytesIO(data.encode())).original == data


def test_stdin_html_page() -> None:
    article = only_article("-", stdin=io.BytesIO(page(head=ARTICLE_HEAD).encode("utf-8")))
    assert STORY in article.original and article.title == "Talks resume" and article.paths == ["<stdin>"]


def test_stdin_empty() -> None:
    assert only_rejection("-", stdin=io.BytesIO(b"\n")) == Rejection("<stdin>", "empty input")


# --- the registry ---------------------------------------------------------


def test_registry_covers_every_format() -> None:
    formats = {".txt", ".text", ".md", ".html", ".htm", ".json", ".jsonl", ".ndjson", ".csv", ".warc", ".warc.gz"}
    assert formats <= set(READERS)


# --- hostile input: lone surrogates ------------------------------------------


def stored_paths(db: Path) -> list[str]:
    with Store(db) as store:
        return sorted(path for article in store.articles.all() for path in article.paths)


def test_lone_surrogates_are_repaired_and_the_batch_is_stored(tmp_path: Path) -> None:
    (tmp_path / "half.json").write_text('{"text": "Half an emoji: \\ud83d.", "title": "\\ud83d"}', encoding="utf-8")
    (tmp_path / "good.txt").write_text(STORY, encoding="utf-8")

    result = run_cli("ingest", "half.json", "good.txt", "--db", "x.db", cwd=tmp_path)

    assert result.returncode == 0, result.stderr.decode()
    assert stored_paths(tmp_path / "x.db") == ["good.txt", "half.json"]
    with Store(tmp_path / "x.db") as store:
        (half,) = [a for a in store.articles.all() if a.paths == ["half.json"]]
    assert half.original == "Half an emoji: \ufffd." and half.title == "\ufffd"


def test_every_string_of_a_record_is_repaired(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    fields = ("title", "source", "url", "published", "language", "label", "\\udc80key")
    record = "{" + ", ".join(f'"{name}": "x\\udfff"' for name in fields) + ', "text": "Story \\ud800 text"}'
    path.write_text(record + "\n", encoding="utf-8")

    article = only_article(path)

    for text in (
        article.original,
        article.title,
        article.source,
        article.url,
        json.dumps(article.given, ensure_ascii=False),
    ):
        text.encode("utf-8")  # raises on a lone surrogate
    assert article.original == "Story \ufffd text" and article.title == "x\ufffd"
    assert article.given["extra"] == {"label": "x\ufffd", "\ufffdkey": "x\ufffd"}
    assert article.given["unparsed"] == {"published": "x\ufffd", "language": "x\ufffd"}


def test_file_name_that_is_not_utf8_is_stored(tmp_path: Path) -> None:
    folder = tmp_path / "saved"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.txt"), "w", encoding="utf-8") as out:
        out.write(STORY)
    (folder / "good.txt").write_text(OTHER_STORY, encoding="utf-8")

    result = run_cli("ingest", "saved", "--db", "x.db", cwd=tmp_path)

    assert result.returncode == 0, result.stderr.decode()
    assert stored_paths(tmp_path / "x.db") == ["saved/caf\ufffd.txt", "saved/good.txt"]


def test_rejection_quoting_the_input_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "odd.json"
    path.write_text(json.dumps({"body\nrejected: fake.txt": STORY, "x" * 5000: 1, "\ud800": 2}), encoding="utf-8")

    (rejection,) = read(path)

    assert rejection.problem.startswith('no "text" field (found: body rejected: fake.txt, xxx')
    assert "\n" not in rejection.problem and len(rejection.problem) < 500
    rejection.problem.encode("utf-8")


# --- hostile input: JSON nested too deep --------------------------------------

DEEP = "[" * 100_000 + "]" * 100_000


def test_json_line_nested_too_deep_is_rejected_alone(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    lines = [{"text": STORY}, {"text": OTHER_STORY}, None, {"text": STORY + " Again."}]
    path.write_text("\n".join(json.dumps(line) if line else '{"text": ' + DEEP + "}" for line in lines) + "\n")

    items = read(path)

    assert [type(item) for item in items] == [Article, Article, Rejection, Article]
    assert items[2] == Rejection(f"{path}:3", "refused: JSON nested deeper than 64 levels")
    assert items[3].paths == [f"{path}:4"]


def test_json_list_item_nested_too_deep_is_rejected_alone(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text(f'[{json.dumps({"text": STORY})}, {{"text": {DEEP}}}, {json.dumps({"text": OTHER_STORY})}, 7]')

    items = read(path)

    assert items[0].paths == [f"{path}#1"] and items[2].paths == [f"{path}#3"]
    assert items[1] == Rejection(f"{path}#2", "refused: JSON nested deeper than 64 levels")
    assert items[3] == Rejection(f"{path}#4", "list item is not a JSON object")


def test_json_object_nested_too_deep(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text('{"text": "x", "extra": ' + DEEP + "}")
    assert only_rejection(path) == Rejection(str(path), "refused: JSON nested deeper than 64 levels")


def test_stdin_line_nested_too_deep() -> None:
    data = f'{json.dumps({"text": STORY})}\n{{"text": {DEEP}}}\n{json.dumps({"text": OTHER_STORY})}\n'
    items = read("-", stdin=io.BytesIO(data.encode()))
    assert [type(item) for item in items] == [Article, Rejection, Article]
    assert items[1] == Rejection("<stdin>:2", "refused: JSON nested deeper than 64 levels")


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('{"text": "x", "n": ' + "1" * 5000 + "}", "not valid JSON (a number of 5,000 digits, over the 4,300 digits"),
        ('{"text": "x", "tags": ' + "[" * 65 + "]" * 65 + "}", "refused: JSON nested deeper than 64 levels"),
    ],
)
def test_json_line_python_cannot_parse_is_rejected_alone(tmp_path: Path, line: str, problem: str) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(f"{line}\n{json.dumps({'text': STORY})}\n")
    rejection, article = read(path)
    assert rejection.input == f"{path}:1" and rejection.problem.startswith(problem)
    assert article.paths == [f"{path}:2"]


def test_parse_json_depth_bound_is_exact() -> None:
    assert parse_json("[" * 64 + "]" * 64) is not None
    assert parse_json('{"a": "' + "[{" * 500 + '"}') == {"a": "[{" * 500}  # brackets inside strings do not nest
    with pytest.raises(JsonProblem, match="^refused: JSON nested deeper than 64 levels$"):
        parse_json("[" * 65 + "]" * 65)
    with pytest.raises(JsonProblem, match="nested deeper than 3 levels"):
        parse_json('{"a": {"b": [[1]]}}', max_depth=3)
    assert json_depth('{"a": [1, {"b": "]]]]"}]}') == 3


def test_parse_json_reads_what_json_does_not_have_as_null() -> None:
    assert parse_json("[NaN, Infinity, -Infinity, 1e999, 1.5]") == [None, None, None, None, 1.5]


def test_parse_json_has_one_error_type() -> None:
    for text in (b'{"a": "caf\xe9"}', '{"a": ', "", "[1] 2", "1" * 5000, "[" * 100_000):
        with pytest.raises(JsonProblem) as raised:
            parse_json(text)
        assert "\n" not in str(raised.value)
    with pytest.raises(JsonProblem, match=r"^not valid JSON \(Expecting value at line 1 column 7\)$") as raised:
        parse_json('{"a": }')
    assert (raised.value.reason, raised.value.line, raised.value.column) == ("Expecting value", 1, 7)
    assert parse_json(b'\xef\xbb\xbf{"a": "caf\xc3\xa9"}') == {"a": "café"}


def test_one_bad_json_line_does_not_sink_the_rest_of_the_file(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": STORY}),
        '{"text": "A half emoji \\ud83d in a story."}',
        '{"text": ' + DEEP + "}",
        json.dumps({"text": OTHER_STORY}),
    ]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = run_cli("ingest", "feed.jsonl", "--db", "x.db", cwd=tmp_path)

    assert result.returncode == 1
    assert result.stderr.decode().splitlines() == ["rejected: feed.jsonl:3: refused: JSON nested deeper than 64 levels"]
    assert stored_paths(tmp_path / "x.db") == ["feed.jsonl:1", "feed.jsonl:2", "feed.jsonl:4"]


# --- hostile input: CSV and TSV rows ------------------------------------------


@pytest.mark.parametrize("delimiter", [",", "\t"])
def test_row_over_the_limit_is_rejected_alone(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / ("rows.csv" if delimiter == "," else "rows.tsv")
    rows = ["first story text", '"' + "a long, long row " * 100 + '"', "third story text", "x" * 3000, "fifth text"]
    path.write_text(f"text{delimiter}title\n" + "".join(f"{row}{delimiter}t\n" for row in rows), encoding="utf-8")

    items = read(path, max_bytes=1000)

    assert [type(item) for item in items] == [Article, Rejection, Article, Rejection, Article]
    assert items[1] == Rejection(f"{path}#2", "row is 1.7 kB, over the 1 kB limit (--max-bytes)")
    assert items[3] == Rejection(f"{path}#4", "row is 3.0 kB, over the 1 kB limit (--max-bytes)")
    assert [item.original for item in articles(items)] == ["first story text", "third story text", "fifth text"]


@pytest.mark.parametrize("delimiter", [",", "\t"])
def test_quote_never_closed_is_rejected_from_its_line_and_earlier_rows_stand(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / ("rows.csv" if delimiter == "," else "rows.tsv")
    body = "".join(f"row {n} text{delimiter}t\n" for n in range(1, 11))
    merged = "".join(f"line {n}{delimiter}t\n" for n in range(1000))
    path.write_text(f'text{delimiter}title\n{body}"opened and never closed{delimiter}t\n{merged}', encoding="utf-8")

    items = read(path)

    assert len(items) == 11 and all(isinstance(item, Article) for item in items[:10])
    assert items[10] == Rejection(str(path), "line 12: quoted field never closed (runs to the end of the file)")


def test_quote_closed_by_a_stray_quote_lines_later_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    merged = "".join(f"line {n},t\n" for n in range(100))
    path.write_text(f'text,title\nfirst,t\n"opened,t\n{merged}"next" row,"t"\nlast,t\n', encoding="utf-8")

    items = read(path)

    assert items[1] == Rejection(
        f"{path}#2", "line 3: quoted field runs to a stray quote on line 104, merging 102 lines into one row"
    )
    assert [item.original for item in articles(items)] == ["first", "last"]


def test_quoted_fields_over_several_lines_are_still_one_row(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text('text,title\n"He said ""yes"",\nthen left.",t\r\n"""Quoted"" start",t2\n', encoding="utf-8")
    first, second = read(path)
    assert (first.original, first.title) == ('He said "yes",\nthen left.', "t")
    assert (second.original, second.title) == ('"Quoted" start', "t2")


def test_csv_with_old_mac_line_endings_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_bytes(b"text,title\rfirst,t\rsecond,t\r")
    assert only_rejection(path) == Rejection(
        str(path), "header: malformed row (a carriage return alone inside an unquoted field (old Mac line endings?))"
    )


def test_row_with_too_many_fields_is_rejected_alone(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("text\nfirst\nwide" + "," * 20_000 + "\nlast\n", encoding="utf-8")
    first, wide, last = read(path)
    assert wide == Rejection(f"{path}#2", "row has 20,001 fields, over the 16,384 a row may have")
    assert (first.original, last.original) == ("first", "last")


def test_malformed_row_is_rejected_alone(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_bytes(b"text\nfirst\nold mac\rline break\nlast\n")
    first, malformed, last = read(path)
    assert malformed == Rejection(
        f"{path}#2", "malformed row (a carriage return alone inside an unquoted field (old Mac line endings?))"
    )
    assert (first.original, last.original) == ("first", "last")


# --- hostile input: decompression bombs ---------------------------------------

ZEROS_MIB = 256  # as the campaign's bomb: a 261 kB .warc.gz holding 256 MiB of zeros
# The child process may not map more than this: if a bomb went off again, the test would fail with a MemoryError
# instead of taking a shared machine down. Peak memory is asserted far below it.
CHILD_ADDRESS_SPACE = 3_000_000_000
PEAK_RSS_LIMIT = 1_000_000_000


@functools.cache
def zeros_deflate() -> bytes:
    """Raw deflate blocks of ZEROS_MIB MiB of zeros, not final and byte-aligned, so they can sit inside any
    deflate stream: compressing 256 MiB takes seconds, once per session."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    chunk = bytes(1 << 20)
    blocks = b"".join(compressor.compress(chunk) for _ in range(ZEROS_MIB))
    return blocks + compressor.flush(zlib.Z_FULL_FLUSH)


def gzip_member(before: bytes, zero_copies: int = 1, after: bytes = b"") -> bytes:
    """One gzip member of ``before``, ``zero_copies`` times ZEROS_MIB MiB of zeros, then ``after``."""
    head = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    tail = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    deflated = (
        head.compress(before)
        + head.flush(zlib.Z_FULL_FLUSH)
        + zeros_deflate() * zero_copies
        + tail.compress(after)
        + tail.flush()
    )
    size = len(before) + zero_copies * ZEROS_MIB * (1 << 20) + len(after)
    crc = zlib.crc32(before)
    zeros = bytes(1 << 20)
    for _ in range(zero_copies * ZEROS_MIB):
        crc = zlib.crc32(zeros, crc)
    crc = zlib.crc32(after, crc)
    return b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff" + deflated + struct.pack("<II", crc, size & 0xFFFFFFFF)


def warc_head(record_type: str, url: str, content_type: str, length: int) -> bytes:
    return (
        f"WARC/1.0\r\nWARC-Type: {record_type}\r\nWARC-Record-ID: <urn:uuid:{abs(hash(url))}>\r\n"
        f"WARC-Target-URI: {url}\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


ZEROS = ZEROS_MIB * (1 << 20)
# Header bombs hold 512 MiB: warcio gathered such a "line" at about twice its size, past PEAK_RSS_LIMIT.
BOMBS = {
    # the campaign's: nothing but zeros where the next record's header should be
    "zeros-for-a-header": (lambda: gzip_member(b"", 2), "refused: record 2 has a header line longer than 64 kB"),
    "in-a-warc-header": (
        lambda: gzip_member(b"WARC/1.0\r\nWARC-Type: resource\r\nX-Padding: ", 2),
        "refused: record 2 has a header line longer than 64 kB",
    ),
    "in-an-http-header": (
        lambda: gzip_member(
            warc_head("response", "https://planet.example/x", "application/http; msgtype=response", 2 * ZEROS + 100)
            + b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: ",
            2,
        ),
        "refused: record 2 has a header line longer than 64 kB",
    ),
    "in-a-skipped-record": (
        lambda: gzip_member(warc_head("resource", "urn:zeros.png", "image/png", ZEROS), after=b"\r\n\r\n"),
        "refused: decompresses past 50,000,000 bytes (compression ratio over 100:1)",
    ),
}


def good_warc_member(url: str = "urn:good", text: str = STORY) -> bytes:
    payload = text.encode()
    return gzip.compress(warc_head("resource", url, "text/plain", len(payload)) + payload + b"\r\n\r\n")


def run_cli_capped(*args: str, cwd: Path) -> tuple[int, str, str, int]:
    """``run_cli``, with the child's address space capped and its own peak resident memory measured
    (os.wait4: RUSAGE_CHILDREN would report the largest child any earlier test started)."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8", COLUMNS="200")

    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (CHILD_ADDRESS_SPACE, CHILD_ADDRESS_SPACE))

    with open(cwd / "stdout", "wb") as stdout, open(cwd / "stderr", "wb") as stderr:
        child = subprocess.Popen(
            [sys.executable, "-m", "rashomon", *args],
            cwd=cwd,
            env=env,
            stdout=stdout,
            stderr=stderr,
            preexec_fn=cap_memory,
        )
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    read = lambda name: (cwd / name).read_text(encoding="utf-8")  # noqa: E731
    return child.returncode, read("stdout"), read("stderr"), usage.ru_maxrss * 1024


@pytest.mark.parametrize("bomb", BOMBS)
def test_warc_bomb_is_refused_in_bounded_memory_and_the_batch_goes_on(tmp_path: Path, bomb: str) -> None:
    make_member, problem = BOMBS[bomb]
    (tmp_path / "bomb.warc.gz").write_bytes(good_warc_member() + make_member())
    (tmp_path / "good.txt").write_text(OTHER_STORY, encoding="utf-8")

    returncode, stdout, stderr, peak_rss = run_cli_capped(
        "ingest", "bomb.warc.gz", "good.txt", "--db", "x.db", cwd=tmp_path
    )

    assert peak_rss < PEAK_RSS_LIMIT
    assert returncode == 1
    assert stderr.splitlines() == [f"rejected: bomb.warc.gz: {problem}"]
    assert stdout.startswith("2 new article(s), 0 already stored, 1 input(s) rejected")
    assert stored_paths(tmp_path / "x.db") == ["good.txt", "urn:good"]  # the archive's page before the bomb stands


def test_page_body_bomb_is_one_record_rejected(tmp_path: Path) -> None:
    # An HTML response whose body is a gzip bomb, sent in one HTTP chunk: warcio read the whole chunk and
    # inflated it in one call (1 GiB here).
    body = gzip_member(b"<html><body><p>", zero_copies=4)
    chunked = b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n"
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"
    record = warc_head(
        "response", "https://planet.example/bomb", "application/http; msgtype=response", len(http) + len(chunked)
    )
    (tmp_path / "bomb.warc.gz").write_bytes(gzip.compress(record + http + chunked + b"\r\n\r\n") + good_warc_member())

    returncode, _, stderr, peak_rss = run_cli_capped("ingest", "bomb.warc.gz", "--db", "x.db", cwd=tmp_path)

    assert peak_rss < PEAK_RSS_LIMIT
    assert returncode == 1
    assert stderr.splitlines() == [
        "rejected: https://planet.example/bomb: record decompresses past the 50 MB limit (--max-bytes)"
    ]
    assert stored_paths(tmp_path / "x.db") == ["urn:good"]  # the record after it is read


def test_uploaded_warc_bomb_is_refused_in_bounded_memory() -> None:
    upload = good_warc_member() + gzip_member(b"")
    tracemalloc.start()
    try:
        items = list(read_uploads([("crawl.warc.gz", upload), ("note.txt", STORY.encode())], max_bytes=10_000_000))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [type(item) for item in items] == [Article, Rejection, Article]
    assert items[1] == Rejection("crawl.warc.gz", "refused: record 2 has a header line longer than 64 kB")
    assert peak < 50_000_000  # the bomb is 256 MiB


def test_warc_record_with_a_million_header_lines_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    headers = b"WARC/1.0\r\nWARC-Type: resource\r\n" + b"X: y\r\n" * 300_000
    path.write_bytes(good_warc_member() + gzip.compress(headers))
    first, refused = read(path)
    assert first.paths == ["urn:good"]
    assert refused == Rejection(str(path), "refused: record 2 has more than 1 MB of header lines")


def test_warc_page_in_gzip_content_encoding_is_read(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc"
    html = page(head=ARTICLE_HEAD).encode()
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=False)
        http = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html"), ("Content-Encoding", "gzip")], protocol="HTTP/1.1"
        )
        writer.write_record(
            writer.create_warc_record(
                "https://planet.example/talks", "response", payload=io.BytesIO(gzip.compress(html)), http_headers=http
            )
        )
    article = only_article(path)
    assert STORY in article.original and article.title == "Talks resume"


def test_warc_response_without_a_target_uri_is_skipped(tmp_path: Path) -> None:
    # Found by `rashomon bench fuzz`: warcio called None.startswith on it, and the rest of the archive was lost.
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + page().encode()
    record = f"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: {len(http)}\r\n\r\n".encode() + http + b"\r\n\r\n"
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(good_warc_member() + gzip.compress(record) + good_warc_member("urn:next", OTHER_STORY))
    assert [item.paths for item in read(path)] == [["urn:good"], ["urn:next"]]


def test_warc_target_uri_with_spaces_is_read_without_echoing_it(tmp_path: Path) -> None:
    # warcio logged such a URI whole on stderr: megabytes of article text, control characters included.
    hostile = "https://planet.example/a b \x1b[2J" + "x" * 5000
    (tmp_path / "a.warc.gz").write_bytes(good_warc_member(hostile) + good_warc_member("urn:next", STORY + " Second."))
    result = run_cli("ingest", "a.warc.gz", "--db", "a.db", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert "xxxxx" not in result.stderr.decode() and "\x1b" not in result.stderr.decode()
    assert result.stdout.decode().startswith("2 new article(s)")
