"""HTML to an Article: trafilatura finds the article body and its metadata."""

from __future__ import annotations

from typing import Any

from rashomon.ingest.records import build_article, normalise_plain, normalise_published
from rashomon.model import Article, Rejection

NO_TEXT = "no article text found in HTML"


def article_from_html(html: str, where: str, *, url: str | None = None) -> Article | Rejection:
    """``original`` is the extracted text, since every later offset points into it.

    ``url`` is the address the page was fetched from (a WARC record's target);
    it wins over the page's own canonical link, which can name another page.
    """
    # Imported here: trafilatura takes a noticeable share of CLI start-up, and
    # runs that read only text or JSON never need it.
    import trafilatura
    from trafilatura.settings import Document

    try:
        document = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    except Exception as error:  # a third-party parser on arbitrary web pages
        return Rejection(where, f"could not parse HTML ({type(error).__name__}: {error})")
    # A Document, or None: the dict form comes only with as_dict=True.
    text = (document.text or "").strip() if isinstance(document, Document) else ""
    if not text:
        return Rejection(where, NO_TEXT)
    return build_article(text, where, _given_from_page(document, html, url))


def _given_from_page(document: Any, html: str, fetched_url: str | None) -> dict[str, Any]:
    candidates = {
        "title": normalise_plain(document.title),
        "url": normalise_plain(fetched_url or document.url),
        "source": normalise_plain(document.sitename or document.hostname),
        "published": normalise_published(document.date) if document.date else _date_by_htmldate(html, fetched_url),
    }
    return {name: value for name, value in candidates.items() if value is not None}


def _date_by_htmldate(html: str, url: str | None) -> str | None:
    # trafilatura already asked htmldate once with its own settings; this second
    # pass also accepts update dates, better than no date for grouping by time.
    from htmldate import find_date

    try:
        found = find_date(html, url=url, extensive_search=True, original_date=False)
    except Exception:  # a third-party parser on arbitrary web pages
        return None
    return normalise_published(found) if found else None
