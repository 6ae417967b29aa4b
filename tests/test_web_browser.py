"""The web application in a real browser (Debian chromium through Playwright) against a real server.

Same policy as the report's browser tests (tests/test_report_browser.py): without
chromium these tests FAIL unless ``RASHOMON_SKIP_BROWSER=1``. Screenshots go to
``test-artifacts/`` at the repository root.
"""

from __future__ import annotations

import re
import shutil

import pytest

from test_report_browser import ARTIFACTS, browser  # noqa: F401  (the shared chromium fixture and its policy)
from webserver import WebServer

XSS_TITLE = '<script>window.pwned=1</script> Breaking <img src=x onerror="window.pwned=1">'
XSS_SOURCE = "Evil <svg onload=window.pwned=1> Times"
XSS_BODY = (
    "Officials said on Monday that the convoy left the city. <script>window.pwned=1</script>\n\n"
    'A second paragraph with <img src=x onerror="window.pwned=1"> and "><svg onload=window.pwned=1> in it, '
    "the spokesman told reporters."
)
ARABIC_TITLE = "مقاتلو داعش يغادرون الرقة"
ARABIC_BODY = (
    "غادر مقاتلو تنظيم داعش مدينة الرقة يوم الأحد بموجب اتفاق مع مجلس الرقة المدني، "
    "وقال المتحدث باسم قوات سوريا الديمقراطية إن القافلة ضمت عشرات الشاحنات."
)


@pytest.fixture(scope="module")
def server(seeds_db, tmp_path_factory):
    db = tmp_path_factory.mktemp("web-browser") / "web.db"
    shutil.copy(seeds_db, db)
    with WebServer(db) as running:
        status, data = running.post_json(
            "/api/articles",
            {
                "title": ARABIC_TITLE,
                "text": ARABIC_BODY,
                "source": "الشرق الأوسط",
                "published": "2017-10-16",
            },
        )
        assert status == 202, data
        running.arabic = running.wait_for_job(data["job"]["id"])["added"][0]
        yield running


def _open(browser, server, path, **context_args):  # noqa: F811
    context = browser.new_context(**context_args)
    page = context.new_page()
    events = {"console": [], "requests": [], "errors": []}
    page.on("console", lambda m: events["console"].append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: events["errors"].append(str(e)))
    page.on("request", lambda r: events["requests"].append(r.url))
    page.goto(server.base + path, wait_until="load")
    return context, page, events


def _only_local(events, server):
    outside = [u for u in events["requests"] if not u.startswith(server.base)]
    assert not outside, outside
    assert not events["errors"], events["errors"]
    assert not [m for m in events["console"] if "Content Security Policy" in m], events["console"]


def test_story_list_story_page_and_article_spans(browser, server):  # noqa: F811
    context, page, events = _open(browser, server, "/", viewport={"width": 1440, "height": 1000})
    try:
        assert page.get_by_role("heading", name="Stories", exact=True).is_visible()
        raqqa = page.get_by_role("link", name=re.compile("Raqqah Under US-backed Deal"))
        assert raqqa.is_visible()
        assert page.locator(".story-item", has=raqqa).locator(".conflicts").is_visible()

        # Search box (FTS over texts): a word only in the French article's text.
        page.get_by_label("Search titles and texts").fill("Kamal")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"q=Kamal"))
        assert page.locator(".story-item").count() == 1
        assert not page.get_by_role("link", name=re.compile("Raqqah")).count()
        page.goto(server.base + "/", wait_until="load")

        page.get_by_role("link", name=re.compile("Raqqah Under US-backed Deal")).click()
        page.wait_for_url(re.compile(r"/stories/s-"))
        # Both sources side by side: two columns in one row, each with outlet, language, date and title.
        columns = page.locator(".source-col")
        assert columns.count() == 2
        tops = columns.evaluate_all("els => els.map(e => Math.round(e.getBoundingClientRect().top))")
        lefts = columns.evaluate_all("els => els.map(e => Math.round(e.getBoundingClientRect().left))")
        assert len(set(tops)) == 1 and len(set(lefts)) == 2, (tops, lefts)
        for outlet in ("presstv.ir", "Asharq Al-Awsat"):
            column = page.locator(".source-col", has=page.locator(".outlet", has_text=outlet))
            assert column.is_visible(), outlet
            meta = column.locator(".col-meta").inner_text()
            assert "English (en)" in meta and ("2017" in meta or "no date" in meta), meta
            assert column.locator(".art-title").inner_text().strip()
        # Timeline, comparison matrix, who is quoted.
        assert page.locator(".timeline-list li").count() == 2
        # Press TV is dated, Asharq Al-Awsat's copy is not: one point on the line, one listed as undated.
        assert page.locator("svg.timeline-axis circle").count() == 1
        assert page.locator(".timeline-list li.undated").count() == 1
        assert page.get_by_role("heading", name="Where the sources agree and differ").is_visible()
        assert page.locator(".cmp-conflict").count() >= 1
        assert page.get_by_role("heading", name="Who is quoted").is_visible()
        assert page.locator("ul.quoted", has_text="Alloush").is_visible()

        # Entity chips filter the columns: one only Asharq Al-Awsat names hides Press TV's column.
        chips = page.locator("button.entity-chip")
        assert chips.count() > 3
        only_one = page.locator("button.entity-chip", has=page.locator(".n", has_text=re.compile(r"^1$"))).first
        only_one.click()
        assert only_one.get_attribute("aria-pressed") == "true"
        assert page.locator(".source-col:visible").count() == 1
        assert page.locator(".source-col:visible .entity-hit").count() >= 1
        assert "1 of 2 sources" in page.locator(".filter-status").inner_text()
        only_one.press("Enter")  # keyboard toggles it back
        assert page.locator(".source-col:visible").count() == 2

        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "web-story.png"), full_page=True)
        assert (ARTIFACTS / "web-story.png").stat().st_size > 10_000

        # The article page: the original text with every span highlighted.
        page.locator(".source-col", has=page.locator(".outlet", has_text="presstv.ir")).locator(".art-title a").click()
        page.wait_for_url(re.compile(r"/articles/"))
        original = page.locator(".original-text")
        assert original.is_visible()
        removed = original.locator("del.sp-removed").first
        assert removed.is_visible()
        assert "line-through" in removed.evaluate("e => getComputedStyle(e).textDecorationLine")
        for kind in ("sp-ent-person", "sp-ent-place", "sp-quote", "sp-claim"):
            assert original.locator(f".{kind}").count() >= 1, kind
        assert original.locator(".sp-ent-person", has_text="Alloush").first.is_visible()
        page.screenshot(path=str(ARTIFACTS / "web-article.png"), full_page=False)

        # The entity page: every spelling and every story.
        page.goto(server.base + "/", wait_until="load")
        page.get_by_role("link", name=re.compile("Raqqah Under US-backed Deal")).click()
        page.locator(".entity-chips li", has=page.locator("button", has_text="Islamic State")).get_by_role(
            "link"
        ).click()
        page.wait_for_url(re.compile(r"/entities/"))
        variants = page.locator(".variant-list").inner_text()
        assert "Daesh" in variants and "EI" in variants
        assert page.locator(".story-list .story-item").count() >= 2  # the seeds, and the Arabic article added here
        _only_local(events, server)
    finally:
        context.close()


def test_ingest_with_script_payloads_runs_nothing_and_shows_text_literally(browser, server):  # noqa: F811
    context, page, events = _open(browser, server, "/ingest", viewport={"width": 1280, "height": 900})
    try:
        page.get_by_label("Title").fill(XSS_TITLE)
        page.get_by_label("Outlet").fill(XSS_SOURCE)
        page.get_by_label("Published").fill("2017-10-16")
        page.get_by_label("Text", exact=True).fill(XSS_BODY)
        page.get_by_role("button", name="Add and analyse").click()
        page.wait_for_url(re.compile(r"/jobs/"))
        # Progress is visible, and the page updates itself when the job is done.
        assert page.locator("#job-progress").is_visible()
        page.wait_for_selector('#job[data-state="done"]', timeout=300_000)
        link = page.locator("#job-result .added a", has_text="Breaking").first
        assert link.inner_text() == XSS_TITLE
        assert page.evaluate("typeof window.pwned") == "undefined"

        link.click()
        page.wait_for_url(re.compile(r"/articles/"))
        assert page.evaluate("typeof window.pwned") == "undefined"
        assert page.locator("h1.art-title").inner_text() == XSS_TITLE
        assert page.locator(".outlet").first.inner_text().startswith(XSS_SOURCE)
        shown = page.locator(".original-text").inner_text()
        assert "<script>window.pwned=1</script>" in shown
        assert '<img src=x onerror="window.pwned=1">' in shown and '"><svg onload=window.pwned=1>' in shown
        assert page.evaluate("document.querySelectorAll('main script, main img, main svg, main iframe').length") == 0
        assert page.evaluate("document.querySelectorAll('script').length") == 1  # our own /static/app.js

        # Its story page and the story list show it literally too, and run nothing.
        page.locator(".crumbs a").nth(1).click()
        page.wait_for_url(re.compile(r"/stories/"))
        assert page.locator("h3.art-title", has_text="Breaking").inner_text() == XSS_TITLE
        assert page.evaluate("document.querySelectorAll('main script, main img, main iframe').length") == 0
        page.goto(server.base + "/?q=Breaking", wait_until="load")
        assert page.locator(".story-item-title a").first.inner_text() == XSS_TITLE
        assert page.locator(".story-item .outlet-name").first.inner_text() == XSS_SOURCE
        assert page.evaluate("typeof window.pwned") == "undefined"
        _only_local(events, server)
    finally:
        context.close()


def test_phone_layout_right_to_left_and_keyboard(browser, server):  # noqa: F811
    arabic = server.arabic
    context, page, events = _open(
        browser,
        server,
        f"/articles/{arabic['id']}",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    try:
        title = page.locator("h1.art-title")
        assert title.inner_text() == ARABIC_TITLE
        assert title.evaluate("e => getComputedStyle(e).direction") == "rtl"
        assert page.locator(".original-text").evaluate("e => getComputedStyle(e).direction") == "rtl"
        assert page.locator(".original-text").get_attribute("lang") == "ar"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

        page.goto(server.base + "/", wait_until="load")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        story = page.get_by_role("link", name=re.compile("Raqqah Under US-backed Deal"))
        story.click()
        page.wait_for_url(re.compile(r"/stories/"))
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        box = page.locator(".source-col").first.bounding_box()
        assert box and box["width"] <= 390
        page.screenshot(path=str(ARTIFACTS / "web-story-phone.png"), full_page=False)

        # Keyboard: the first Tab reaches the skip link, which moves focus to the content.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip"
        assert page.locator(".skip").is_visible()
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none"
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#main"
        _only_local(events, server)
    finally:
        context.close()


def test_story_page_key_to_every_colour_on_a_phone(browser, server):  # noqa: F811
    context, page, events = _open(
        browser, server, "/", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    try:
        page.get_by_role("link", name=re.compile("Raqqah Under US-backed Deal")).click()
        page.wait_for_url(re.compile(r"/stories/s-"))
        key = page.locator("#key")
        key.scroll_into_view_if_needed()
        assert key.is_visible()
        assert page.get_by_role("heading", name="Key to colours and marks").is_visible()
        box = key.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        samples = key.locator(".key-sample")
        assert samples.count() >= 20
        for n in range(samples.count()):
            sample = samples.nth(n).bounding_box()
            assert sample and sample["width"] > 0 and sample["x"] + sample["width"] <= 390, n
        # The key draws with the page's own classes: its colours are the matrix's and the texts'.
        for selector in (".cmp-asserts", ".cmp-denies", ".cmp-hedges"):
            shown = page.locator(f".cmp-matrix {selector}").first.evaluate("e => getComputedStyle(e).color")
            assert key.locator(selector).evaluate("e => getComputedStyle(e).color") == shown, selector
        person = page.locator(".source-col .sp-ent-person").first.evaluate("e => getComputedStyle(e).borderBottomColor")
        assert key.locator(".sp-ent-person").evaluate("e => getComputedStyle(e).borderBottomColor") == person
        assert key.locator(".cmp-uncertain").is_visible()
        # The matrix's rows say why in plain words; its legend links to the key.
        assert page.locator(".cmp-matrix .cmp-reasons li").count() >= 5
        page.locator(".cmp-legend a[href='#key']").click()
        assert page.evaluate("location.hash") == "#key"
        key.screenshot(path=str(ARTIFACTS / "web-story-key-phone.png"))
        _only_local(events, server)
    finally:
        context.close()
