"""The HTML report in a real browser (Debian chromium through Playwright).

Needs chromium: ``apt-get install -y chromium`` (Debian/Ubuntu). Another binary
can be named with ``RASHOMON_CHROMIUM=/path/to/chrome``. Without one these tests
FAIL, unless ``RASHOMON_SKIP_BROWSER=1`` is set. Screenshots go to
``test-artifacts/`` at the repository root.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from rashomon.present import render_report
from test_present import PAYLOADS, corpus

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL_HINT = (
    "The browser tests need Chromium. On Debian/Ubuntu: `sudo apt-get install -y chromium` "
    "(it provides /usr/bin/chromium); elsewhere set RASHOMON_CHROMIUM=/path/to/chromium. "
    "Python side: `pip install -e '.[test]'` (playwright; no `playwright install` needed). "
    "To skip these tests deliberately, set RASHOMON_SKIP_BROWSER=1."
)


def _chromium_path() -> str | None:
    configured = os.environ.get("RASHOMON_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    for candidate in ("/usr/bin/chromium", "chromium", "chromium-browser"):
        found = shutil.which(candidate)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser():
    if os.environ.get("RASHOMON_SKIP_BROWSER") == "1":
        pytest.skip("RASHOMON_SKIP_BROWSER=1")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright (Python) is not installed. " + INSTALL_HINT, pytrace=False)
    path = _chromium_path()
    if path is None:
        pytest.fail("Chromium not found. " + INSTALL_HINT, pytrace=False)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def report_file(tmp_path_factory) -> Path:
    articles, stories = corpus()
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render_report(articles, stories, generated_at="2024-05-01 12:00 UTC"), "utf-8")
    return path


def _open(browser, report_file: Path, **context_args):
    context = browser.new_context(java_script_enabled=True, **context_args)
    page = context.new_page()
    events = {"console": [], "requests": [], "errors": []}
    page.on("console", lambda m: events["console"].append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: events["errors"].append(str(e)))
    page.on("request", lambda r: events["requests"].append(r.url))
    page.goto(report_file.as_uri(), wait_until="load")
    return context, page, events


def test_report_renders_safely_in_chromium(browser, report_file):
    context, page, events = _open(browser, report_file, viewport={"width": 1440, "height": 1000})
    try:
        # Story titles and sources visible.
        for title in (
            "Last ISIS fighters leave Raqqa under a deal",
            "Fire in the Carmel forest",
            "Berlin bridge stays closed",
        ):
            assert page.get_by_role("heading", name=title, exact=True).is_visible(), title
        for source in ("presstv.ir", "Asharq Al-Awsat", "RT France", "الشرق الأوسط", "הארץ", "Tagesspiegel"):
            assert page.locator(".outlet", has_text=source).first.is_visible(), source

        # No payload ran; each is visible as literal text.
        assert page.evaluate("typeof window.pwned") == "undefined"
        assert page.evaluate("document.querySelectorAll('script, img, svg, iframe').length") == 0
        for payload in PAYLOADS:
            assert page.get_by_text(payload, exact=False).first.is_visible(), payload
        assert page.locator(".outlet", has_text="Evil <script>window.pwned=1</script> Times").is_visible()
        # The javascript: url is text, the https url with payload is a safe link.
        assert page.locator('a[href^="javascript:" i]').count() == 0
        for link in page.locator("a[href^=http]").all():
            assert link.get_attribute("rel") == "noopener noreferrer nofollow"

        # Nothing but the file itself was requested; the CSP let our styles through.
        assert events["requests"] == [report_file.as_uri()], events["requests"]
        assert not events["errors"], events["errors"]
        assert not [m for m in events["console"] if "Content Security Policy" in m], events["console"]
        bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert bg not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)"), "stylesheet not applied"

        # Sources sit side by side: the four Raqqa columns share one row.
        tops = page.locator("#s1 .source-col").evaluate_all(
            "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
        )
        assert len(tops) == 4 and len(set(tops)) == 1, tops

        # RTL article text is laid out right to left.
        arabic = page.locator('#s1 .text.clean[lang="ar"]')
        assert arabic.evaluate("e => getComputedStyle(e).direction") == "rtl"

        # Removed boilerplate: hidden until the original is opened, then struck and labelled.
        caption = page.locator('del.sp-removed[data-label="boilerplate:photo-caption"]').first
        assert not caption.is_visible()
        presstv = page.locator(".source-col", has=page.locator(".outlet", has_text="presstv.ir"))
        presstv.locator("details.original > summary").click()
        assert caption.is_visible()
        assert "(Photo by Reuters)" in caption.inner_text()
        style = caption.evaluate(
            "e => ({deco: getComputedStyle(e).textDecorationLine, label: getComputedStyle(e, '::before').content})"
        )
        assert "line-through" in style["deco"]
        assert style["label"] == '"boilerplate:photo-caption"'
        # Keyboard: the summary is focusable and toggles with Enter.
        french = page.locator(".source-col", has=page.locator(".outlet", has_text="RT France"))
        french.locator("details.original > summary").focus()
        page.keyboard.press("Enter")
        assert french.locator('del[data-label="repeated-paragraph"]').is_visible()

        # Opening every original runs nothing either.
        page.evaluate("document.querySelectorAll('details.original').forEach(d => d.open = true)")
        assert page.evaluate("typeof window.pwned") == "undefined"
        page.locator("#s2 .source-col").first.hover()
        assert page.evaluate("typeof window.pwned") == "undefined"

        # Screenshot with two originals open (presstv.ir, RT France) and the rest closed.
        page.evaluate("document.querySelectorAll('details.original').forEach(d => d.open = false)")
        presstv.locator("details.original").evaluate("d => d.open = true")
        french.locator("details.original").evaluate("d => d.open = true")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        assert (ARTIFACTS / "report.png").stat().st_size > 10_000
    finally:
        context.close()


def test_report_on_a_phone_and_in_print(browser, report_file):
    context, page, _ = _open(
        browser,
        report_file,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    try:
        # The page itself does not scroll sideways; only the columns strip does.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        col = page.locator("#s1 .source-col").first
        box = col.bounding_box()
        assert box and box["width"] <= 390
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "report-phone.png"), full_page=False)
        # Print: columns stack, originals are left out.
        page.emulate_media(media="print")
        assert page.locator("details.original").first.evaluate("e => getComputedStyle(e).display") == "none"
        assert page.locator("#s1 .columns").evaluate("e => getComputedStyle(e).display") == "block"
        pdf = page.pdf(format="A4") if hasattr(page, "pdf") else b""
        assert pdf[:4] == b"%PDF"
        (ARTIFACTS / "report.pdf").write_bytes(pdf)
    finally:
        context.close()


def test_report_key_is_readable_on_a_phone(browser, report_file):
    context, page, _ = _open(
        browser, report_file, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    try:
        key = page.locator("#key")
        key.scroll_into_view_if_needed()
        assert key.is_visible() and page.get_by_role("heading", name="Key to colours and marks").is_visible()
        box = key.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
        samples = key.locator(".key-sample")
        assert samples.count() >= 18
        for n in range(samples.count()):
            sample = samples.nth(n).bounding_box()
            assert sample and sample["width"] > 0 and sample["x"] + sample["width"] <= 390, n
        # Samples take the report's own colours (report.css), not colours of their own.
        assert key.locator(".cmp-denies").evaluate("e => getComputedStyle(e).color") == "rgb(176, 58, 46)"
        assert key.locator(".sp-ent-place").evaluate("e => getComputedStyle(e).borderBottomColor") == "rgb(46, 125, 50)"
        assert key.locator(".sp-quote").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 244, 194)"
        ARTIFACTS.mkdir(exist_ok=True)
        key.screenshot(path=str(ARTIFACTS / "report-key-phone.png"))
    finally:
        context.close()


def test_seeds_report_matrix_scrolls_in_its_box_on_a_phone(browser, tmp_path_factory):
    # The seeds' real report (the comparison matrix with its source columns): the page must not scroll sideways
    # on a phone; a matrix wider than the screen scrolls inside its own box.
    from conftest import SEEDS, run_cli

    workdir = tmp_path_factory.mktemp("seeds-phone")
    run_cli("analyze", str(SEEDS), "--report", "report.html", cwd=workdir, check_ok=True)
    context, page, _ = _open(
        browser, workdir / "report.html", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    try:
        assert page.locator(".cmp-scroll .cmp-matrix").count() >= 1
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        box = page.locator(".cmp-scroll").first.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 391
    finally:
        context.close()
