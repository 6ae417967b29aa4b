"""Benchmark of the article analysis (entities and quotes) on a hand-checked gold set: ``rashomon bench analysis``.

Without ``--system`` the gold set is scored against itself (every figure 1.0). The gold set and its reader
(texts read back from the shared datasets, hashes checked, mentions and quotes turned into offsets) are
``rashomon.datasets.gold``; this module is the scorer (over ~400 lines: one set of metrics whose matching,
buckets and report read each other).

The system under test is an export document (``rashomon export`` contract)::

    {"articles": [{"id", "text", "language", ...}],
     "entities": [{"id", "name", "type", "aliases",
                   "mentions": [{"article_id", "text", "start", "end"}]}],
     "quotes":   [{"id", "article_id", "speaker", "speaker_entity_id", "role",
                   "medium", "text", "direct", "start", "end"}]}

with article ids equal to the gold ``doc_id`` and offsets into the text that was
passed in. Metrics, per language and overall:

* **Entity mention detection** - a system mention matches a gold mention of the
  same article when their character spans *overlap* (one character is enough);
  matching is one-to-one, greedy, exact spans first, then by overlap length.
  P = matched system mentions / system mentions, R = matched gold mentions /
  gold mentions. ``typed`` counts a match only when the entity types agree too
  (system types are mapped onto person / organisation / place / group / other).
* **Entity merging** - pairwise over the *matched* gold mentions (a mention the
  system missed is a detection error, not a merging error): for every pair of
  matched mentions, gold says "same entity" when the two gold ids are equal and
  the system says so when the matched system mentions belong to the same system
  entity. P = pairs linked by both / pairs linked by the system, R = pairs linked
  by both / pairs linked in the gold. Pairs are counted within an article, across
  articles of one language, and across languages (also per language pair, e.g.
  ``de-en``); a language's row holds the pairs whose two mentions are both in
  articles of that language. ``entity_merge_f1`` is F1 over all pairs.
* **Quote attribution** - a gold quote is *found* when a system quote of the same
  article overlaps its snippet (one-to-one, greedy, correctly attributed pairs
  first, then by overlap length); it is *correctly attributed* when that system
  quote's speaker matches: the system ``speaker_entity_id`` has a mention in the
  article overlapping a gold mention of the gold speaker entity, or the system
  ``speaker`` string matches after normalisation (NFKC, case-folded, diacritics
  dropped, compared as word sequences) the gold ``speaker_text`` or a gold mention
  of the speaker entity: equal, the system string containing it (a role before the
  name), or - for a named gold speaker only - the system string being a part of
  it ("Kalbitz" for "Andreas Kalbitz"). Detection P/R/F1 count found quotes;
  attribution P = correctly attributed / system quotes, R = correctly attributed /
  gold quotes. ``quote_attribution_f1`` is the attribution F1 over all articles.

Zero denominators: P (R) is 1.0 when the system predicted (the gold holds)
nothing and the gold holds (the system predicted) nothing either, else 0.0. A
merging bucket where no pair of matched mentions is linked by either side, while
the gold links mentions there, scores 0 (too few mentions found to judge), not 1.

The last line printed is ``entity_merge_f1=<f> quote_attribution_f1=<f>``.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence, TextIO

from rashomon.datasets.gold import DEFAULT_DATA_ROOT, DEFAULT_GOLD, GoldDoc, load_gold

# System type labels (spaCy / CoNLL / ours) onto the gold's five types.
_TYPE_MAP = {
    "person": "person",
    "per": "person",
    "pers": "person",
    "organisation": "organisation",
    "organization": "organisation",
    "org": "organisation",
    "place": "place",
    "loc": "place",
    "location": "place",
    "gpe": "place",
    "fac": "place",
    "group": "group",
    "norp": "group",
}

Span = tuple[int, int]
AnalyzeFn = Callable[[list[tuple[str, str, str]]], Mapping[str, Any]]


def gold_as_system(gold: Sequence[GoldDoc]) -> dict[str, Any]:
    """The gold set written as a system export document (scores P=R=F1=1 against itself)."""
    articles = [{"id": d.doc_id, "text": d.text, "language": d.language} for d in gold]
    by_gid: dict[str, dict[str, Any]] = {}
    for d in gold:
        for e in d.entities:
            rec = by_gid.setdefault(
                e.gid,
                {
                    "id": e.gid,
                    "name": e.mentions[0].text if e.mentions else e.gid,
                    "type": e.type,
                    "aliases": [],
                    "mentions": [],
                },
            )
            for m in e.mentions:
                if m.text not in rec["aliases"]:
                    rec["aliases"].append(m.text)
                rec["mentions"].append({"article_id": d.doc_id, "text": m.text, "start": m.start, "end": m.end})
    quotes = []
    for d in gold:
        for i, q in enumerate(d.quotes):
            quotes.append(
                {
                    "id": f"{d.doc_id}#q{i}",
                    "article_id": d.doc_id,
                    "speaker": q.speaker_text,
                    "speaker_entity_id": q.speaker_gid,
                    "role": None,
                    "medium": None,
                    "text": q.snippet,
                    "direct": q.direct,
                    "start": q.start,
                    "end": q.end,
                }
            )
    return {"articles": articles, "entities": list(by_gid.values()), "quotes": quotes}


# ------------------------------------------------------------------ metrics


@dataclass
class PRF:
    """Counts behind a precision/recall pair: tp_pred of n_pred predictions right, tp_gold of n_gold found."""

    tp_pred: int = 0
    n_pred: int = 0
    tp_gold: int = 0
    n_gold: int = 0

    @property
    def precision(self) -> float:
        if self.n_pred == 0:
            return 1.0 if self.n_gold == 0 else 0.0
        return self.tp_pred / self.n_pred

    @property
    def recall(self) -> float:
        if self.n_gold == 0:
            return 1.0 if self.n_pred == 0 else 0.0
        return self.tp_gold / self.n_gold

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    def add(self, other: PRF) -> PRF:
        return PRF(
            self.tp_pred + other.tp_pred,
            self.n_pred + other.n_pred,
            self.tp_gold + other.tp_gold,
            self.n_gold + other.n_gold,
        )

    def to_dict(self) -> dict[str, float | int]:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "tp_pred": self.tp_pred,
            "n_pred": self.n_pred,
            "tp_gold": self.tp_gold,
            "n_gold": self.n_gold,
        }


def _pairs_prf(both: int, sys_pairs: int, gold_pairs: int) -> PRF:
    return PRF(both, sys_pairs, both, gold_pairs)


@dataclass
class LanguageScores:
    docs: int = 0
    mentions: PRF = field(default_factory=PRF)
    mentions_typed: PRF = field(default_factory=PRF)
    merge: PRF = field(default_factory=PRF)  # pairs with both mentions in this language
    merge_within_doc: PRF = field(default_factory=PRF)
    merge_cross_doc: PRF = field(default_factory=PRF)  # different articles, this language
    quotes_found: PRF = field(default_factory=PRF)
    quotes_attributed: PRF = field(default_factory=PRF)
    direct_found: int = 0
    direct_gold: int = 0
    indirect_found: int = 0
    indirect_gold: int = 0

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"docs": self.docs}
        for name in (
            "mentions",
            "mentions_typed",
            "merge",
            "merge_within_doc",
            "merge_cross_doc",
            "quotes_found",
            "quotes_attributed",
        ):
            out[name] = getattr(self, name).to_dict()
        out.update(
            direct_found=self.direct_found,
            direct_gold=self.direct_gold,
            indirect_found=self.indirect_found,
            indirect_gold=self.indirect_gold,
        )
        return out


@dataclass
class Report:
    languages: dict[str, LanguageScores]
    overall: LanguageScores
    merge_cross_language: PRF
    merge_language_pairs: dict[str, PRF]

    @property
    def entity_merge_f1(self) -> float:
        return self.overall.merge.f1

    @property
    def quote_attribution_f1(self) -> float:
        return self.overall.quotes_attributed.f1

    def to_dict(self) -> dict[str, Any]:
        return {
            "languages": {k: v.to_dict() for k, v in self.languages.items()},
            "overall": self.overall.to_dict(),
            "merge_cross_language": self.merge_cross_language.to_dict(),
            "merge_language_pairs": {k: v.to_dict() for k, v in self.merge_language_pairs.items()},
            "entity_merge_f1": self.entity_merge_f1,
            "quote_attribution_f1": self.quote_attribution_f1,
        }

    def format(self) -> str:
        rows = sorted(self.languages.items()) + [("all", self.overall)]
        f = lambda v: f"{v:.3f}"  # noqa: E731
        lines = [
            "Entity mentions (overlapping-span match, one-to-one):",
            f"{'lang':<5} {'docs':>4} {'gold':>5} {'sys':>5} {'P':>6} {'R':>6} {'F1':>6} {'typedF1':>7}",
        ]
        for lang, s in rows:
            m = s.mentions
            lines.append(
                f"{lang:<5} {s.docs:>4} {m.n_gold:>5} {m.n_pred:>5} {f(m.precision):>6} {f(m.recall):>6} "
                f"{f(m.f1):>6} {f(s.mentions_typed.f1):>7}"
            )
        lines += [
            "",
            "Entity merging (pairwise over matched gold mentions):",
            f"{'lang':<5} {'goldpairs':>9} {'syspairs':>8} {'P':>6} {'R':>6} {'F1':>6} "
            f"{'withinF1':>8} {'crossdocF1':>10}",
        ]
        for lang, s in rows:
            m = s.merge
            lines.append(
                f"{lang:<5} {m.n_gold:>9} {m.n_pred:>8} {f(m.precision):>6} {f(m.recall):>6} {f(m.f1):>6} "
                f"{f(s.merge_within_doc.f1):>8} {f(s.merge_cross_doc.f1):>10}"
            )
        lines += [
            "",
            "Cross-language merging (pairs of mentions in articles of two languages):",
            f"{'pair':<7} {'goldpairs':>9} {'syspairs':>8} {'P':>6} {'R':>6} {'F1':>6}",
        ]
        for name, m in sorted(self.merge_language_pairs.items()) + [("all", self.merge_cross_language)]:
            lines.append(f"{name:<7} {m.n_gold:>9} {m.n_pred:>8} {f(m.precision):>6} {f(m.recall):>6} {f(m.f1):>6}")
        lines += [
            "",
            "Quotes (system span overlapping the gold snippet; attributed = right speaker):",
            f"{'lang':<5} {'gold':>5} {'sys':>5} {'foundP':>6} {'foundR':>6} {'foundF1':>7} "
            f"{'attrP':>6} {'attrR':>6} {'attrF1':>6} {'directR':>7} {'indirR':>6}",
        ]
        for lang, s in rows:
            q, a = s.quotes_found, s.quotes_attributed
            dr = s.direct_found / s.direct_gold if s.direct_gold else 1.0
            ir = s.indirect_found / s.indirect_gold if s.indirect_gold else 1.0
            lines.append(
                f"{lang:<5} {q.n_gold:>5} {q.n_pred:>5} {f(q.precision):>6} {f(q.recall):>6} {f(q.f1):>7} "
                f"{f(a.precision):>6} {f(a.recall):>6} {f(a.f1):>6} {f(dr):>7} {f(ir):>6}"
            )
        return "\n".join(lines)

    def headline(self) -> str:
        return f"entity_merge_f1={self.entity_merge_f1:.4f} quote_attribution_f1={self.quote_attribution_f1:.4f}"


def normalise_type(label: Any) -> str:
    return _TYPE_MAP.get(str(label or "").strip().lower(), "other")


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _greedy_match(
    gold: Sequence[Span], system: Sequence[Span], bonus: Callable[[int, int], int] | None = None
) -> dict[int, int]:
    """One-to-one matching of overlapping spans: gold index -> system index.

    Candidates are ranked by ``bonus`` (higher first), exact span, overlap length,
    then position, and taken greedily.
    """
    cands = []
    for gi, g in enumerate(gold):
        for si, s in enumerate(system):
            ov = _overlap(g, s)
            if ov > 0:
                cands.append((-(bonus(gi, si) if bonus else 0), -(g == s), -ov, gi, si))
    cands.sort()
    used_g: set[int] = set()
    used_s: set[int] = set()
    out: dict[int, int] = {}
    for *_, gi, si in cands:
        if gi not in used_g and si not in used_s:
            used_g.add(gi)
            used_s.add(si)
            out[gi] = si
    return out


def _words(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return tuple(re.findall(r"\w+", text))


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    n = len(shorter)
    return n > 0 and any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))


def speaker_string_matches(system_speaker: str | None, targets: Iterable[str], named: bool) -> bool:
    """Does the system's speaker string name the gold speaker? (see the module docstring)"""
    s = _words(system_speaker)
    if not s:
        return False
    for target in targets:
        t = _words(target)
        if not t:
            continue
        if s == t or _contains(s, t) or (named and _contains(t, s)):
            return True
    return False


def _pair_counts(items: Sequence[tuple[str, str]]) -> tuple[int, int, int]:
    """(pairs linked by both, by the system, in the gold) among items of (gold id, system id)."""
    c2 = lambda n: n * (n - 1) // 2  # noqa: E731
    both = sum(c2(n) for n in Counter(items).values())
    sys_pairs = sum(c2(n) for n in Counter(s for _, s in items).values())
    gold_pairs = sum(c2(n) for n in Counter(g for g, _ in items).values())
    return both, sys_pairs, gold_pairs


def _minus(a: tuple[int, int, int], *others: tuple[int, int, int]) -> tuple[int, int, int]:
    return tuple(x - sum(o[i] for o in others) for i, x in enumerate(a))  # type: ignore[return-value]


def _bucket_counts(items: Sequence[tuple[str, str, str, str]]) -> dict[tuple[str, ...], tuple[int, int, int]]:
    """Pair counts (both, system, gold) of (language, doc_id, gold id, system id) items, by bucket.

    Buckets: ("all",), ("within",), ("crossdoc",), ("crosslang",), and per language
    ("lang", L), ("within", L), ("crossdoc", L), per language pair ("pair", "L1-L2").
    """
    by_doc: dict[str, list[tuple[str, str]]] = defaultdict(list)
    by_lang: dict[str, list[tuple[str, str]]] = defaultdict(list)
    doc_lang: dict[str, str] = {}
    for lang, doc_id, g, sid in items:
        by_doc[doc_id].append((g, sid))
        by_lang[lang].append((g, sid))
        doc_lang[doc_id] = lang
    within = {doc_id: _pair_counts(v) for doc_id, v in by_doc.items()}
    lang_all = {lang: _pair_counts(v) for lang, v in by_lang.items()}
    total = lambda counts: tuple(sum(c[i] for c in counts) for i in range(3))  # noqa: E731
    out: dict[tuple[str, ...], tuple[int, int, int]] = {}
    for lang, counts in lang_all.items():
        w = total([within[doc] for doc in within if doc_lang[doc] == lang])
        out[("lang", lang)] = counts
        out[("within", lang)] = w
        out[("crossdoc", lang)] = _minus(counts, w)
    names = sorted(by_lang)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            joint = _pair_counts(by_lang[a] + by_lang[b])
            out[("pair", f"{a}-{b}")] = _minus(joint, lang_all[a], lang_all[b])
    everything = _pair_counts([(g, sid) for _, _, g, sid in items])
    all_within = total(within.values())
    out[("all",)] = everything
    out[("within",)] = all_within
    out[("crossdoc",)] = _minus(everything, all_within)
    out[("crosslang",)] = _minus(everything, total(lang_all.values()))
    return out


def score(gold: Sequence[GoldDoc], system: Mapping[str, Any]) -> Report:
    """Score a system export document against the gold set (see the module docstring)."""
    sys_articles = {a["id"]: a for a in system.get("articles", [])}
    gold_ids = {d.doc_id for d in gold}
    for d in gold:
        art = sys_articles.get(d.doc_id)
        if art is not None and art.get("text") is not None and art["text"] != d.text:
            raise ValueError(
                f"{d.doc_id}: the system article text differs from the gold text; offsets cannot be compared"
            )

    # System mentions per article: (span, entity id, type).
    sys_mentions: dict[str, list[tuple[Span, str, str]]] = defaultdict(list)
    for ent in system.get("entities", []):
        etype = normalise_type(ent.get("type") or ent.get("label"))
        for m in ent.get("mentions", []):
            if m.get("article_id") in gold_ids:
                sys_mentions[m["article_id"]].append(((int(m["start"]), int(m["end"])), str(ent["id"]), etype))
    sys_quotes: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for q in system.get("quotes", []):
        if q.get("article_id") in gold_ids:
            sys_quotes[q["article_id"]].append(q)

    langs: dict[str, LanguageScores] = defaultdict(LanguageScores)
    matched_items: list[tuple[str, str, str, str]] = []  # (language, doc_id, gold id, system id)

    for d in gold:
        s = langs[d.language]
        s.docs += 1
        gm = d.mentions
        sm = sys_mentions.get(d.doc_id, [])
        match = _greedy_match([(m.start, m.end) for m in gm], [span for span, _, _ in sm])
        gtype = {e.gid: e.type for e in d.entities}
        typed = sum(1 for gi, si in match.items() if gtype[gm[gi].gid] == sm[si][2])
        s.mentions = s.mentions.add(PRF(len(match), len(sm), len(match), len(gm)))
        s.mentions_typed = s.mentions_typed.add(PRF(typed, len(sm), typed, len(gm)))
        for gi, si in match.items():
            matched_items.append((d.language, d.doc_id, gm[gi].gid, sm[si][1]))

        # Quotes.
        gq = list(d.quotes)
        sq = sys_quotes.get(d.doc_id, [])
        sys_spans_by_entity: dict[str, list[Span]] = defaultdict(list)
        for span, eid, _ in sm:
            sys_spans_by_entity[eid].append(span)

        def correct(gi: int, si: int) -> bool:
            g, q = gq[gi], sq[si]
            gold_spans = [(m.start, m.end) for gid in g.speaker_gids if (e := d.entity(gid)) for m in e.mentions]
            eid = q.get("speaker_entity_id")
            if eid is not None and any(
                _overlap(a, b) for a in sys_spans_by_entity.get(str(eid), []) for b in gold_spans
            ):
                return True
            targets = [g.speaker_text] + [m.text for gid in g.speaker_gids if (e := d.entity(gid)) for m in e.mentions]
            return speaker_string_matches(q.get("speaker"), targets, named=bool(g.speaker_gids))

        ok = {
            (gi, si): correct(gi, si)
            for gi in range(len(gq))
            for si in range(len(sq))
            if _overlap((gq[gi].start, gq[gi].end), (int(sq[si]["start"]), int(sq[si]["end"])))
        }
        qmatch = _greedy_match(
            [(g.start, g.end) for g in gq],
            [(int(q["start"]), int(q["end"])) for q in sq],
            bonus=lambda gi, si: int(ok.get((gi, si), False)),
        )
        attributed = sum(1 for gi, si in qmatch.items() if ok[(gi, si)])
        s.quotes_found = s.quotes_found.add(PRF(len(qmatch), len(sq), len(qmatch), len(gq)))
        s.quotes_attributed = s.quotes_attributed.add(PRF(attributed, len(sq), attributed, len(gq)))
        for gi, g in enumerate(gq):
            if g.direct:
                s.direct_gold += 1
                s.direct_found += gi in qmatch
            else:
                s.indirect_gold += 1
                s.indirect_found += gi in qmatch

    # Merging: pair counts by bucket via contingency counts, over the matched mentions;
    # the same over all gold mentions (gold id on both sides) tells which buckets hold gold pairs.
    all_items = [(d.language, d.doc_id, m.gid, m.gid) for d in gold for m in d.mentions]
    matched = _bucket_counts(matched_items)
    full = _bucket_counts(all_items)

    def merge_prf(key: tuple[str, ...]) -> PRF:
        both, sys_pairs, gold_pairs = matched.get(key, (0, 0, 0))
        if gold_pairs == 0 and sys_pairs == 0:
            # Nothing to judge among the matched mentions: perfect only if the gold has no pair here either.
            gold_pairs = full.get(key, (0, 0, 0))[2]
        return _pairs_prf(both, sys_pairs, gold_pairs)

    for lang, s in langs.items():
        s.merge = merge_prf(("lang", lang))
        s.merge_within_doc = merge_prf(("within", lang))
        s.merge_cross_doc = merge_prf(("crossdoc", lang))
    pair_keys = sorted({k for k in list(matched) + list(full) if k[0] == "pair"})
    pair_prf = {k[1]: p for k in pair_keys if (p := merge_prf(k)).n_gold or p.n_pred}

    overall = LanguageScores()
    for s in langs.values():
        overall.docs += s.docs
        for name in ("mentions", "mentions_typed", "quotes_found", "quotes_attributed"):
            setattr(overall, name, getattr(overall, name).add(getattr(s, name)))
        overall.direct_found += s.direct_found
        overall.direct_gold += s.direct_gold
        overall.indirect_found += s.indirect_found
        overall.indirect_gold += s.indirect_gold
    overall.merge = merge_prf(("all",))
    overall.merge_within_doc = merge_prf(("within",))
    overall.merge_cross_doc = merge_prf(("crossdoc",))
    cross_language = merge_prf(("crosslang",))
    return Report(dict(langs), overall, cross_language, pair_prf)


def run_analysis_bench(
    gold_path: str | Path = DEFAULT_GOLD,
    data_root: str | Path = DEFAULT_DATA_ROOT,
    analyze_fn: AnalyzeFn | None = None,
    out: TextIO = sys.stdout,
) -> Report:
    """Load the gold set, run ``analyze_fn`` on its texts, print the tables and the headline line.

    ``analyze_fn`` takes ``[(doc_id, text, language), ...]`` and returns a system
    export document whose article ids are those doc_ids. Without one the gold
    set is scored against itself (a check of the data and the scorer).
    """
    gold = load_gold(gold_path, data_root)
    counts = Counter(d.language for d in gold)
    print(
        f"gold: {len(gold)} articles ({', '.join(f'{k}={v}' for k, v in sorted(counts.items()))}), "
        f"{sum(len(d.mentions) for d in gold)} mentions of {len({e.gid for d in gold for e in d.entities})} entities, "
        f"{sum(len(d.quotes) for d in gold)} quotes",
        file=out,
    )
    system = analyze_fn([(d.doc_id, d.text, d.language) for d in gold]) if analyze_fn else gold_as_system(gold)
    report = score(gold, system)
    print(report.format(), file=out)
    print(report.headline(), file=out)
    return report
