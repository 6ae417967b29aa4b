"""Presentation stage: JSON/JSONL/CSV export contract, span rendering, HTML report."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser

import pytest
from markupsafe import Markup

from rashomon import __version__
from rashomon.model import Article, Entity, LangSpan, Mention, OffsetMap, Quote, Removed, Span, Story, http_url
from rashomon.present import (
    Mark,
    Panel,
    export_document,
    render_report,
    render_spans,
    write_csv,
    write_json,
    write_jsonl,
)
from rashomon.present.report import original_to_clean

# ----------------------------------------------------------------- fixtures

PAYLOADS = (
    "<script>window.pwned=1</script>",
    '<img src=x onerror="window.pwned=1">',
    '"><svg onload=window.pwned=1>',
)


def build_article(id, parts, *, extra_removed=(), **meta) -> Article:
    """An article whose original is ``parts`` joined; parts given as
    ``(text, reason)`` are removed by "cleaning", plain strings are kept.
    Sets ``text``, ``offsets`` (cleaned -> original) and ``removed`` consistently."""
    original, text, pieces, removed = "", "", [], []
    for part in parts:
        chunk, reason = (part, None) if isinstance(part, str) else part
        if reason is None:
            pieces.append((len(text), len(original), len(chunk), len(chunk)))
            text += chunk
        else:
            removed.append(Removed(len(original), len(original) + len(chunk), reason))
        original += chunk
    removed.extend(extra_removed)
    return Article(id=id, original=original, text=text, offsets=OffsetMap(pieces), removed=removed, **meta)


def corpus() -> tuple[list[Article], list[Story]]:
    """Four stories: a four-source multilingual one, a payload one, an RTL single
    source, and a plain single source."""
    presstv = build_article(
        "a-presstv",
        [
            ("Sunday, October 15, 2017\n\n", "metadata:date"),
            ("Daesh Militants Quit Raqqah Under US-backed Deal\n", "metadata:title"),
            ("presstv.ir\n\n", "boilerplate:byline"),
            (
                "A member of the US-backed Syrian Democratic Forces (SDF) stands next to the debris "
                "of damaged buildings in Raqqah. (Photo by Reuters)\n\n",
                "boilerplate:photo-caption",
            ),
            "The US-backed alliance of militants Syrian Democratic Forces (SDF) says last Daesh "
            "elements have been evacuated from their one-time bastion of Raqqah as part of an "
            'agreement.\n\n"Last night, the final batch of fighters left the city," SDF '
            "spokesman Mostafa Bali said on Sunday, not clarifying where the Takfiri terrorists "
            "had been transferred.",
            ("\n\nRelated: Syria army retakes key town", "boilerplate:related-links"),
        ],
        # A second, overlapping span over the date and title lines.
        extra_removed=[Removed(0, 40, "boilerplate:header")],
        source="presstv.ir",
        language="en",
        published="2017-10-15T11:03:00+00:00",
        title="Daesh Militants Quit Raqqah Under US-backed Deal",
        url="https://www.presstv.ir/Detail/2017/10/15/538580",
        paths=["seeds/000.txt"],
    )
    asharq = build_article(
        "a-asharq",
        [
            ("Select Page\nMedia ID: 55385332\nCaption:\n\n", "boilerplate:site-menu"),
            "Beirut- The Syrian Democratic Forces launched on Sunday their last attack on Raqqa "
            "after a convoy of ISIS armed militants left the city following a deal negotiated by "
            "local officials and tribesmen.\n\nAn SDF spokesperson said that 275 Syrian ISIS "
            "fighters left Raqqa, leaving behind between 200 and 300 foreign ISIS jihadists.",
        ],
        source="Asharq Al-Awsat",
        language="en",
        published="2017-10-16",
        title="ISIS Militants Cleared from Raqqa… Mystery Surrounds Their Destination",
        url="https://english.aawsat.com/home/article/1053011",
        paths=["seeds/002.txt"],
    )
    arabic_body = (
        "أعلنت قوات سوريا الديمقراطية أن آخر عناصر تنظيم داعش غادروا مدينة الرقة بموجب اتفاق "
        "توسط فيه وجهاء محليون.\n\nوقال المتحدث باسم القوات إن نحو 275 مقاتلاً سورياً غادروا "
        "المدينة، فيما بقي عدد من المقاتلين الأجانب."
    )
    arabic = build_article(
        "a-arabic",
        [arabic_body, ("\n\nاقرأ أيضاً: معارك دير الزور", "boilerplate:related-links")],
        source="الشرق الأوسط",
        language="ar",
        published="2017-10-16T08:30:00+03:00",
        title="خروج آخر عناصر داعش من الرقة بموجب اتفاق",
        url="https://aawsat.com/home/article/1053000",
        paragraph_languages=[LangSpan(0, len(arabic_body), "ar", 0.99)],
    )
    french_par = (
        "Le ministère de la Défense russe a fourni quelques informations concernant la "
        "situation dans l’est de la Syrie et le soutien de la coalition dirigée par les "
        "Etats-Unis.\n\n"
    )
    french = build_article(
        "a-french",
        [
            french_par,
            (french_par, "repeated-paragraph"),
            "La semaine dernière, des unités de l’armée syrienne ont libéré la ville d’Abou "
            "Kamal, le dernier bastion de l’EI en Syrie, situé à la frontière irakienne.",
        ],
        source="RT France",
        language="fr",
        published="2017-11-14",
        paths=["seeds/001.txt"],
        title="La coalition a laissé partir les combattants de l’EI",
    )
    payload_text = " ".join(PAYLOADS)
    evil = build_article(
        "a-evil",
        [
            (f"Ad {PAYLOADS[1]}\n", f"boilerplate:{PAYLOADS[1]}"),
            f"Body with payloads: {payload_text}\nand a second line {PAYLOADS[2]}.",
        ],
        source=f"Evil {PAYLOADS[0]} Times",
        language='en"><script>',
        published="<b>soon</b>",
        title=f"{PAYLOADS[1]} Breaking {PAYLOADS[2]} {PAYLOADS[0]}",
        url=f"javascript:window.pwned=1//{PAYLOADS[2]}",
        paths=[f"evil/{PAYLOADS[0]}.html"],
    )
    evil2 = build_article(
        "a-evil2",
        [f"Second payload article {PAYLOADS[2]} with text."],
        source=PAYLOADS[2],
        language="en",
        published="2017-10-17",
        title=f"Second take {PAYLOADS[0]}",
        url=f'https://example.com/a?q={PAYLOADS[2]}&x="onmouseover=window.pwned=1',
    )
    hebrew = build_article(
        "a-hebrew",
        [
            ("פרסומת\n\n", "boilerplate:advertisement"),
            "שריפה גדולה פרצה היום ביער הכרמל. כוחות כיבוי רבים פועלים במקום.\n\nלדברי הכבאים, אין נפגעים.",
        ],
        source="הארץ",
        language="he",
        published="2017-10-18",
        title="שריפה גדולה ביער הכרמל",
        url="https://www.haaretz.co.il/news/1.4534",
    )
    lonely = build_article(
        "a-lonely",
        ["Die Stadtverwaltung teilte am Montag mit, dass die Brücke gesperrt bleibt."],
        source="Tagesspiegel",
        language="de",
        published="2017-10-19",
        title="Brücke bleibt gesperrt",
    )
    articles = [presstv, asharq, arabic, french, evil, evil2, hebrew, lonely]
    stories = [
        Story("st-lonely", "Berlin bridge stays closed", ["a-lonely"]),
        Story(
            "st-raqqa", "Last ISIS fighters leave Raqqa under a deal", ["a-french", "a-arabic", "a-presstv", "a-asharq"]
        ),
        Story("st-evil", f"Payload story {PAYLOADS[0]} {PAYLOADS[2]}", ["a-evil2", "a-evil"]),
        Story("st-fire", "Fire in the Carmel forest", ["a-hebrew"]),
    ]
    return articles, stories


# ----------------------------------------------------------------- export


def test_export_has_exactly_the_contract_keys():
    articles, stories = corpus()
    doc = export_document(articles, stories)
    assert list(doc) == ["rashomon_version", "articles", "stories"]
    assert doc["rashomon_version"] == __version__
    for a in doc["articles"]:
        # The contract's first keys never move; later releases only append.
        assert list(a)[:8] == ["id", "paths", "url", "title", "source", "language", "published", "text"]
        assert list(a)[8:] == ["original", "analysis_note", "genre", "frames", "genre_confidence"]
    for s in doc["stories"]:
        assert list(s)[:3] == ["id", "title", "article_ids"]
        assert list(s)[3:] == ["comparison_note"]
    assert len(doc["articles"]) == len(articles)
    by_id = {a.id: a for a in articles}
    for a in doc["articles"]:
        assert a["text"] == by_id[a["id"]].text  # cleaned text, not the original


def test_export_ordering_is_deterministic():
    articles, stories = corpus()
    doc = export_document(articles, stories)
    # Stories by size desc, then id.
    assert [s["id"] for s in doc["stories"]] == ["st-raqqa", "st-evil", "st-fire", "st-lonely"]
    # Articles by story, then published (instants, UTC-aware), then id.
    raqqa = doc["stories"][0]["article_ids"]
    # 2017-10-15T11:03Z, 2017-10-16 (midnight UTC), 2017-10-16T05:30Z, 2017-11-14
    assert raqqa == ["a-presstv", "a-asharq", "a-arabic", "a-french"]
    assert [a["id"] for a in doc["articles"]][:4] == raqqa
    # An unparsable date sorts after real ones.
    assert doc["stories"][1]["article_ids"] == ["a-evil2", "a-evil"]
    assert [a["id"] for a in doc["articles"]][4:] == ["a-evil2", "a-evil", "a-hebrew", "a-lonely"]
    # Same output whatever the input order.
    shuffled = export_document(list(reversed(articles)), list(reversed(stories)))
    assert shuffled == doc


def test_export_sections_extend_without_breaking():
    articles, stories = corpus()
    doc = export_document(articles, stories, sections={"entities": [{"id": "e1", "name": "SDF"}]})
    assert list(doc) == ["rashomon_version", "articles", "stories", "entities"]
    lines = io.StringIO()
    write_jsonl(doc, lines)
    assert json.loads(lines.getvalue().splitlines()[-1]) == {"type": "entity", "id": "e1", "name": "SDF"}
    with pytest.raises(ValueError):
        export_document(articles, stories, sections={"articles": []})


def test_json_round_trip():
    articles, stories = corpus()
    doc = export_document(articles, stories)
    buf = io.StringIO()
    write_json(doc, buf)
    assert json.loads(buf.getvalue()) == doc
    assert "الشرق الأوسط" in buf.getvalue()  # UTF-8 kept readable, not \u-escaped


def test_jsonl_parses_back():
    articles, stories = corpus()
    doc = export_document(articles, stories)
    buf = io.StringIO()
    write_jsonl(doc, buf)
    records = [json.loads(line) for line in buf.getvalue().splitlines()]
    assert len(records) == len(doc["articles"]) + len(doc["stories"])
    arts = [r for r in records if r["type"] == "article"]
    sts = [r for r in records if r["type"] == "story"]
    assert [{k: v for k, v in r.items() if k != "type"} for r in arts] == doc["articles"]
    assert [{k: v for k, v in r.items() if k != "type"} for r in sts] == doc["stories"]
    assert {r["type"] for r in records} == {"article", "story"}


def test_jsonl_keeps_a_records_own_type_under_another_key():
    doc = {"rashomon_version": "x", "articles": [], "stories": [], "entities": [{"id": "e-1", "type": "person"}]}
    buf = io.StringIO()
    write_jsonl(doc, buf)
    assert json.loads(buf.getvalue()) == {"type": "entity", "id": "e-1", "entity_type": "person"}


def test_csv_parses_back_one_row_per_article():
    articles, stories = corpus()
    doc = export_document(articles, stories)
    buf = io.StringIO(newline="")
    write_csv(doc, buf)
    rows = list(csv.DictReader(io.StringIO(buf.getvalue(), newline="")))
    assert [r["article_id"] for r in rows] == [a["id"] for a in doc["articles"]]
    first = rows[0]
    assert first["story_id"] == "st-raqqa"
    assert first["story_title"] == "Last ISIS fighters leave Raqqa under a deal"
    assert first["story_size"] == "4"
    assert first["source"] == "presstv.ir"
    assert first["text"] == doc["articles"][0]["text"]  # multi-line text survives
    assert first["paths"] == "seeds/000.txt"
    arabic = next(r for r in rows if r["article_id"] == "a-arabic")
    assert arabic["source"] == "الشرق الأوسط"
    french = next(r for r in rows if r["article_id"] == "a-french")
    assert french["url"] == ""  # None -> empty cell


def test_csv_neutralizes_spreadsheet_formulas():
    doc = export_document(
        [Article(id="x", original="", text='=HYPERLINK("http://evil")', title="+1", source="@me")],
        [Story("s", "-2+3", ["x"])],
    )
    buf = io.StringIO(newline="")
    write_csv(doc, buf)
    row = next(csv.DictReader(io.StringIO(buf.getvalue(), newline="")))
    assert row["text"].startswith("'=")
    assert row["title"] == "'+1" and row["source"] == "'@me" and row["story_title"] == "'-2+3"
    raw = io.StringIO(newline="")
    write_csv(doc, raw, neutralize_formulas=False, bom=True)
    assert raw.getvalue().startswith("\ufeffstory_id,")
    assert "=HYPERLINK" in raw.getvalue() and "'=HYPERLINK" not in raw.getvalue()


def test_article_in_no_story_is_exported_last():
    articles, stories = corpus()
    stray = Article(id="a-000", original="x", text="x", published="2000-01-01")
    doc = export_document([stray, *articles], stories)
    assert doc["articles"][-1]["id"] == "a-000"
    buf = io.StringIO(newline="")
    write_csv(doc, buf)
    last = list(csv.DictReader(io.StringIO(buf.getvalue(), newline="")))[-1]
    assert last["article_id"] == "a-000" and last["story_id"] == ""


# ----------------------------------------------------------------- spans


class _Tree(HTMLParser):
    """Checks nesting and collects (tag, attrs, text-inside) for every element."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.elements: list[tuple[str, dict, list[str]]] = []
        self.open: list[tuple[str, dict, list[str]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        el = (tag, dict(attrs), [])
        self.stack.append(tag)
        self.open.append(el)
        self.elements.append(el)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"misnested </{tag}> in {self.stack}"
        self.stack.pop()
        self.open.pop()

    def handle_data(self, data):
        self.text.append(data)
        for el in self.open:
            el[2].append(data)


def _parse(fragment: str) -> _Tree:
    tree = _Tree()
    tree.feed(fragment)
    tree.close()
    assert not tree.stack, f"unclosed {tree.stack}"
    return tree


def _covered(tree: _Tree, kind: str, label: str | None = None) -> str:
    return "".join(
        "".join(text)
        for tag, attrs, text in tree.elements
        if attrs.get("data-kind") == kind and (label is None or attrs.get("data-label") == label)
    )


def test_render_spans_plain_text_is_escaped():
    out = render_spans("a<b>&\"c'", [])
    assert isinstance(out, Markup)
    assert str(out) == "a&lt;b&gt;&amp;&#34;c&#39;"


def test_render_spans_nested_overlapping_adjacent_and_past_the_end():
    text = "0123456789"
    marks = [
        Mark(0, 4, "removed", "a"),
        Mark(2, 7, "removed", "b"),  # overlaps a
        Mark(7, 9, "removed", "c"),  # touches b
        Mark(8, 50, "entity", "d"),  # runs past the end
        Mark(3, 3, "removed", "empty"),  # empty: dropped
        Mark(6, 2, "removed", "inverted"),  # inverted: dropped
        (1, 2, "quote", "tuple form"),
        Mark(-5, 1, "claim", "negative start"),
    ]
    out = str(render_spans(text, marks))
    tree = _parse(out)
    assert "".join(tree.text) == text  # every character once, in order
    assert _covered(tree, "removed", "a") == "0123"
    assert _covered(tree, "removed", "b") == "23456"
    assert _covered(tree, "removed", "c") == "78"
    assert _covered(tree, "entity", "d") == "89"
    assert _covered(tree, "quote") == "1"
    assert _covered(tree, "claim") == "0"
    assert "empty" not in out and "inverted" not in out
    # Split pieces of a mark are marked as continuations (one visible label each).
    firsts = [a for t, a, _ in tree.elements if a.get("data-label") == "b" and "sp-cont" not in a["class"]]
    assert len(firsts) == 1
    assert all(t == "del" for t, a, _ in tree.elements if a.get("data-kind") == "removed")


def test_render_spans_identical_and_nested_marks():
    tree = _parse(
        str(render_spans("abcdef", [Mark(1, 5, "x", "outer"), Mark(2, 3, "y", "inner"), Mark(1, 5, "z", "same")]))
    )
    assert _covered(tree, "x") == "bcde" and _covered(tree, "z") == "bcde"
    assert _covered(tree, "y") == "c"
    assert "".join(tree.text) == "abcdef"


def test_render_spans_escapes_labels_and_kinds():
    out = str(render_spans("hello", [Mark(0, 5, '"><script>x</script>', '"><img src=x onerror=alert(1)>')]))
    assert "<script" not in out and "<img" not in out
    tree = _parse(out)
    ((tag, attrs, _),) = tree.elements
    assert attrs["data-label"] == '"><img src=x onerror=alert(1)>'
    assert re.fullmatch(r"sp sp-[a-z0-9_-]+", attrs["class"])


def test_render_spans_random_marks_always_nest():
    import random

    rng = random.Random(7)
    text = "The quick brown fox jumps over the lazy dog <&>"
    for _ in range(300):
        marks = []
        for _ in range(rng.randint(0, 7)):
            s = rng.randint(-3, len(text) + 3)
            marks.append(Mark(s, s + rng.randint(-2, 20), rng.choice(["removed", "entity", "quote"]), str(len(marks))))
        tree = _parse(str(render_spans(text, marks)))
        assert "".join(tree.text) == text
        for m in marks:
            s, e = max(0, m.start), min(len(text), m.end)
            if e > s:
                assert _covered(tree, m.kind, m.label) == text[s:e]


def test_original_to_clean_maps_marks_through_offsets():
    art = build_article("x", [("HEAD\n", "boilerplate:menu"), "Kept one. ", ("ad ", "boilerplate:ad"), "Kept two."])
    assert art.text == "Kept one. Kept two."
    start = art.original.index("one")
    two = art.original.index("two")
    mapped = original_to_clean(
        art.offsets,
        [
            Mark(start, start + 3, "e", "one"),
            Mark(two, two + 3, "e", "two"),
            Mark(0, 4, "e", "gone"),
            Mark(start, two + 3, "e", "across"),
        ],
        len(art.text),
    )
    got = {m.label: art.text[m.start : m.end] for m in mapped}
    assert got == {"one": "one", "two": "two", "across": "one. Kept two"}
    # Every kept character maps onto itself; removed ones vanish.
    articles, _ = corpus()
    for a in articles:
        marks = [Mark(p, p + 1, "c", str(p)) for p in range(len(a.original))]
        kept = {int(m.label): m for m in original_to_clean(a.offsets, marks, len(a.text))}
        removed = {p for r in a.removed for p in range(r.start, r.end)}
        assert set(kept) == set(range(len(a.original))) - removed, a.id
        assert all(a.text[m.start] == a.original[p] for p, m in kept.items()), a.id


# ----------------------------------------------------------------- report


@pytest.fixture(scope="module")
def report_html() -> str:
    articles, stories = corpus()
    return render_report(articles, stories, generated_at="2024-05-01T12:00:00Z")


def test_report_is_self_contained(report_html):
    html = report_html
    assert html.startswith("<!DOCTYPE html>")
    assert re.search(
        r'<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; '
        r"style-src &#39;sha256-[A-Za-z0-9+/=]+&#39;;",
        html,
    )
    # Nothing fetched: no scripts, external styles, fonts, images or frames.
    lowered = html.lower()
    for needle in ("<script", "<link", "<img", "<iframe", "<object", "<embed", "@import", "url(", "<svg"):
        assert needle not in lowered, needle
    assert "generated" in lowered and "2024-05-01T12:00:00Z" in html


def test_report_contains_every_story_and_article(report_html):
    articles, stories = corpus()
    html = report_html
    for s in stories:
        if "Payload" not in s.title:
            assert s.title in html
    for a in articles:
        assert f"article {a.id}" in html
        if a.source and "<" not in a.source and '"' not in a.source:
            assert a.source in html
    assert "Berlin bridge stays closed" in html and "Single source" in html
    # Header counts: 8 articles, 4 stories, 8 sources, 5 languages (en fr ar he de) + 1 unknown.
    assert re.search(r"<dt>Articles</dt><dd>8</dd>", html)
    assert re.search(r"<dt>Stories</dt><dd>4</dd>", html)
    assert re.search(r"<dt>Sources</dt><dd>8</dd>", html)
    assert re.search(r"<dt>Languages</dt><dd>6</dd>", html)
    assert "Arabic" in html and "Hebrew" in html and "French" in html
    # Table of contents links to every story section.
    for n in range(1, 5):
        assert f'href="#s{n}"' in html and f'id="s{n}"' in html


def test_report_marks_removed_spans_with_reasons(report_html):
    tree = _parse(report_html.split("<body>", 1)[1].split("</body>", 1)[0])
    removed = [
        (attrs.get("data-label"), "".join(text))
        for tag, attrs, text in tree.elements
        if tag == "del" and attrs.get("data-kind") == "removed"
    ]
    labels = {label for label, _ in removed}
    for reason in (
        "boilerplate:photo-caption",
        "repeated-paragraph",
        "metadata:title",
        "boilerplate:header",
        "boilerplate:related-links",
        "boilerplate:site-menu",
    ):
        assert reason in labels, reason
    caption = "".join(t for label, t in removed if label == "boilerplate:photo-caption")
    assert "(Photo by Reuters)" in caption
    # Overlapping spans (header over date+title) both cover their text.
    assert "Sunday, October 15, 2017" in "".join(t for label, t in removed if label == "boilerplate:header")
    # The cleaned text does not contain what was removed.
    clean_blocks = [
        ("".join(text)) for tag, attrs, text in tree.elements if tag == "div" and "clean" in attrs.get("class", "")
    ]
    assert not any("(Photo by Reuters)" in b for b in clean_blocks)
    assert any("last Daesh elements have been evacuated" in b for b in clean_blocks)


def test_report_escapes_untrusted_content(report_html):
    html = report_html
    for payload in PAYLOADS:
        assert payload not in html
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&#34;window.pwned=1&#34;&gt;" in html
    # No element carries an event handler; links are http(s) only and safe.
    tree = _parse(html.split("<body>", 1)[1].split("</body>", 1)[0])
    for tag, attrs, _ in tree.elements:
        assert tag not in ("script", "img", "svg")
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        if "href" in attrs:
            href = attrs["href"]
            assert href.startswith(("#", "https://", "http://")), href
            if not href.startswith("#"):
                assert attrs["rel"] == "noopener noreferrer nofollow"
    # The javascript: url is shown as text, never linked.
    assert "javascript:window.pwned=1" in html
    assert 'href="javascript:' not in html.lower()
    # A malformed language code becomes lang="und", not an attribute break-out.
    assert 'lang="und"' in html


def test_report_rtl_articles_get_dir_rtl(report_html):
    tree = _parse(report_html.split("<body>", 1)[1].split("</body>", 1)[0])
    for lang in ("ar", "he"):
        blocks = [attrs for tag, attrs, _ in tree.elements if attrs.get("lang") == lang and tag in ("div", "h3")]
        assert blocks and all(a["dir"] == "rtl" for a in blocks), lang
    # Every text block and title carries lang=.
    for _tag, attrs, _ in tree.elements:
        if "text" in attrs.get("class", "").split() or "art-title" in attrs.get("class", "").split():
            assert attrs.get("lang"), attrs
    assert 'lang="fr" dir="auto"' in report_html


def test_story_title_taken_from_an_article_gets_its_language():
    articles, _ = corpus()
    arabic = next(a for a in articles if a.id == "a-arabic")
    html = render_report(articles, [Story("s", arabic.title, ["a-arabic", "a-presstv"])])
    assert f'<h2 id="s1-h" lang="ar" dir="auto">{arabic.title}</h2>' in html


def test_report_is_deterministic():
    articles, stories = corpus()
    assert render_report(articles, stories) == render_report(list(reversed(articles)), stories)


def test_report_lists_articles_in_no_story_and_handles_empty_input():
    articles, stories = corpus()
    stray = Article(id="stray", original="Orphan text.", text="Orphan text.", source="Nowhere News")
    html = render_report([*articles, stray], stories)
    assert "Articles in no story" in html and "Nowhere News" in html
    empty = render_report([], [])
    assert "No stories." in empty and "<dt>Articles</dt><dd>0</dd>" in empty


def test_articles_that_name_no_outlet_are_each_a_source_of_their_own():
    # Saved .txt files carry no outlet and no URL. The comparison treats each as its own voice, so the report must
    # not count two of them as one source, badge their story "Single source" or set them in one column.
    from rashomon.present.compare import source_columns
    from rashomon.present.terminal import stories_lines

    one = Article(id="t1", original="Quake hits city.", text="Quake hits city.", paths=["/saved/quake-a.txt"])
    two = Article(id="t2", original="City shaken by quake.", text="City shaken by quake.", paths=["/saved/quake-b.txt"])
    named = Article(id="t3", original="Quake.", text="Quake.", source="Daily Planet", paths=["/saved/planet.txt"])
    html = render_report([one, two], [Story("s", "Quake", ["t1", "t2"])])
    assert "2 articles from 2 sources" in html and "Single source" not in html
    assert "Unknown source (quake-a.txt)" in html and "Unknown source (quake-b.txt)" in html
    assert [label for label, _ in source_columns([one, two, named])] == [
        "Unknown source (quake-a.txt)",
        "Unknown source (quake-b.txt)",
        "Daily Planet",
    ]
    (line,) = stories_lines([Story("s", "Quake", ["t1", "t2", "t3"])], {a.id: a for a in (one, two, named)})[1:]
    assert line.split("\t")[4] == "Daily Planet, Unknown source (quake-a.txt), Unknown source (quake-b.txt)"


def test_every_view_counts_the_same_sources():
    # "Which source is this article?" has one answer (Article.outlet): two unnamed saved files are two sources, and two
    # unnamed pages of one site are one, in the report's columns, the comparison, the naming and quoted panels and the
    # source profiles alike. Each view used to answer on its own, and they disagreed.
    from rashomon.compare.align import statements
    from rashomon.persuasion.profiles import source_profiles, story_naming
    from rashomon.present.analysis import quoted_panel
    from rashomon.present.compare import source_columns
    from rashomon.present.report import build_views

    text = "The US-backed Bali said the city fell."

    def article(article_id: str, **where) -> Article:
        start = text.index("Bali")
        return Article(
            id=article_id,
            original=text,
            text=text,
            language="en",
            title="City falls",
            **where,
            sentences=[Span(0, len(text))],
            mentions=[Mention(start, start + 4, "Bali", "person", entity_id="e-bali")],
            quotes=[
                Quote(
                    text.index("the city"),
                    len(text) - 1,
                    "the city fell",
                    False,
                    speaker="Bali",
                    speaker_entity_id="e-bali",
                )
            ],
        )

    articles = [
        article("t1", paths=["/saved/a.txt"]),
        article("t2", paths=["/saved/b.txt"]),
        article("w1", url="https://www.example.org/1", paths=["x.jsonl:1"]),
        article("w2", url="https://example.org/2", paths=["x.jsonl:2"]),
        article("n1", source="Daily Planet", url="https://example.org/3", paths=["planet.txt"]),
    ]
    story = Story("s", "City falls", [a.id for a in articles])
    entities = {"e-bali": Entity("e-bali", "Bali", "person")}
    expected = sorted(
        ["Unknown source (a.txt)", "Unknown source (b.txt)", "example.org", "Daily Planet"], key=str.casefold
    )

    assert sorted({a.outlet for a in articles}, key=str.casefold) == expected
    assert not articles[0].names_outlet and articles[4].names_outlet
    (view,) = [v for v in build_views(articles, [story]) if not v.synthetic]
    assert view.sources == expected
    assert sorted((label for label, _ in source_columns(articles)), key=str.casefold) == expected
    assert sorted({st.source for st in statements(articles, list(entities.values()))}, key=str.casefold) == expected
    (row,) = story_naming(articles, entities)
    assert sorted(row.by_source, key=str.casefold) == expected
    assert (
        sorted((p.source for p in source_profiles(articles, [story], entities.values())), key=str.casefold) == expected
    )
    quoted = str(quoted_panel(articles, entities).html)
    for source in expected:
        assert f"{source}: " in quoted, source
    assert "example.org: 0 direct, 2 reported" in quoted and "unknown source" not in quoted


def test_report_layers_and_panels_extension_points():
    articles, stories = corpus()
    presstv = next(a for a in articles if a.id == "a-presstv")
    start = presstv.original.index("Mostafa Bali")
    layers = {"a-presstv": [Mark(start, start + len("Mostafa Bali"), "entity", "PERSON <x>")]}
    panels = {"st-raqqa": [Panel("Who is quoted", Markup("<p>{}</p>").format("Mostafa Bali <SDF>"))]}
    html = render_report(articles, stories, article_layers=layers, story_panels=panels)
    tree = _parse(html.split("<body>", 1)[1].split("</body>", 1)[0])
    hits = [(attrs, "".join(text)) for tag, attrs, text in tree.elements if attrs.get("data-kind") == "entity"]
    # Drawn in both the cleaned text and the original view, at the right place.
    assert len(hits) == 2 and all(t == "Mostafa Bali" for _, t in hits)
    assert all(a["data-label"] == "PERSON <x>" for a, _ in hits)
    assert "Who is quoted" in html and "Mostafa Bali &lt;SDF&gt;" in html


def test_http_url():
    assert http_url("https://example.com/x") == "https://example.com/x"
    assert http_url("http://example.com") == "http://example.com"
    for bad in (
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,x",
        "//evil.com",
        "https://",
        "https://exa mple.com",
        "https://x\n.com",
        "file:///etc/passwd",
        "",
        None,
    ):
        assert http_url(bad) is None, bad


def test_terminal_renderables():
    from rich.console import Console

    from rashomon.present.terminal import stories_table, story_panel

    articles, stories = corpus()
    by_id = {a.id: a for a in articles}
    console = Console(record=True, width=160, color_system=None)
    console.print(stories_table(stories, by_id))
    raqqa = next(s for s in stories if s.id == "st-raqqa")
    console.print(story_panel(raqqa, [by_id[i] for i in raqqa.article_ids]))
    evil = next(s for s in stories if s.id == "st-evil")
    console.print(story_panel(evil, [by_id[i] for i in evil.article_ids]))  # no markup errors
    out = console.export_text()
    assert "Last ISIS fighters leave Raqqa" in out and "presstv.ir" in out and "Arabic (ar)" in out
    assert "<script>window.pwned=1</script>" in out  # shown literally, not read as Rich markup
