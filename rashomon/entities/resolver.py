"""Cross-article, cross-language entity resolution.

Every mention is first grouped with the other mentions of its article that name
the same thing (its cluster, the same key, a defined acronym, a surname after
the full name); each group then joins the first existing entity that one of its
keys finds, strict keys first:

1. anchors: the curated alias table, a country code, a geonames id;
2. the name's own keys (spelling, transliteration, Russian lemma);
3. a person's surname, an acronym's long form by its initials;
4. the consonant skeleton, across scripts only and only when one entity fits;
5. the multilingual encoder, for multi-word names in another language, strict.

Labels must agree (organisation and group count as one) and two different
gazetteer ids never merge. Entities persist as ``(Entity, state)`` rows: the
state holds the keys and encoder vectors, so new articles join old entities
without re-reading the corpus, and an entity id never changes once given.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

import numpy as np

from rashomon.disjoint import DisjointSets
from rashomon.entities import keys as K
from rashomon.entities.gazetteer import gazetteer, mention_keys
from rashomon.lang import defaults as lang_defaults
from rashomon.model import Article, Entity, problem_line
from rashomon.resources import package_data_dir, read_table
from rashomon.text import first_letter_script

VERSION = "1"

_FLEX = {"organisation": "org", "group": "org"}
# Encoder thresholds (cosine of multilingual USE on names). Alone, only near-translations pass;
# with a second, independent sign (cognate words, an anagram acronym) a looser bar is enough.
ENCODER_ALONE = 0.88
ENCODER_MARGIN = 0.03
ENCODER_WITH_EVIDENCE = 0.70
_ENCODED_LABELS = ("organisation", "group", "other", "place")
_MAX_VECS = 3
_ACRONYM_DEF = re.compile(r"\s*[(（]\s*([^()（）\n]{2,60}?)\s*[)）]")


def compatible_labels(a: str, b: str) -> bool:
    return a == b or _FLEX.get(a, a) == _FLEX.get(b, b)


@lru_cache(maxsize=1)
def _alias_table() -> dict[str, tuple[str, str]]:
    """Lookup key -> (canonical, label) for every alias in data/aliases.tsv."""
    table: dict[str, tuple[str, str]] = {}
    for row in read_table(package_data_dir("entities").joinpath("aliases.tsv")):
        canonical, label, alias = row[:3]
        for key in mention_keys(alias):
            if len(key) >= 4 or K.is_acronym(alias):
                table.setdefault(key, (canonical, label))
    return table


@dataclass(frozen=True)
class _Info:
    """Everything resolution needs to know about one surface form under one label."""

    surface: str
    label: str
    script: str
    person: bool
    full: bool
    acronym: str | None
    strong: tuple[str, ...]
    variants: tuple[str, ...]
    anchors: tuple[str, ...]
    initials: frozenset[str]
    surname_keys: tuple[str, ...]
    bare_keys: tuple[str, ...]  # a single-word person name, as surname lookups
    skeleton: str
    surname_skeleton: str


def _word_keys(text: str, person: bool) -> list[str]:
    """Strong keys of a name: its norm key, phonetic key and, in Russian, lemma and stem keys."""
    toks = K.tokens(text, person)
    if not toks:
        return [f"n:{text.casefold().strip()}"]
    sc = first_letter_script(text)
    out = [f"n:{''.join(toks)}"]
    phons = [K.phon_key(text, person)]
    if sc == "cyrillic":
        lemma = [K.ru_lemmas(t)[0] for t in toks]
        out.append("n:" + "".join(lemma))
        out.append("n:" + "".join(K.ru_stem(t) for t in toks))
        phons.append("".join(K.phon_token(t) for t in lemma))
    for p in phons:
        if len(p) >= 3 and not K.is_acronym(text):
            out.append(f"p:{p}")
    return list(dict.fromkeys(out))


@lru_cache(maxsize=200_000)
def _info(text: str, label: str, language: str) -> _Info:
    person = label == "person"
    surface = K.clean_surface(text) or text.strip()
    sc = first_letter_script(surface)
    acronym = K.acronym_key(surface) if K.is_acronym(surface) and not person else None
    strong = _word_keys(surface, person)
    full = person and K.is_full_name(surface)
    if full and (fl := K.first_last(surface)):
        strong.append(f"fl:{K.phon_token(fl[0])}|{K.phon_token(fl[1])}")

    variants: list[str] = []
    genitive_s = lang_defaults.language(language).flag("genitive-s")
    toks = K.tokens(surface, person)
    if sc == "arabic" and toks and len(toks[0]) > 3 and toks[0][0] in "وبلفك":
        # A proclitic the mention finder left on: "وعبد الغني راشدي", "لسوريا".
        variants += _word_keys(toks[0][1:] + " " + " ".join(toks[1:]), person)
    if genitive_s and sc == "latin" and surface.endswith("s") and len(surface) > 3:
        variants += _word_keys(surface[:-1], person)  # genitive "Bidens", "Floyds"

    anchors: list[str] = []
    aliases = _alias_table()
    for key in mention_keys(surface):
        if key in aliases:
            anchors.append(f"a:{aliases[key][0]}")
            break
    if label == "place" and not anchors:
        if found := gazetteer().lookup(surface):
            anchors.append(found)

    surname_keys: tuple[str, ...] = ()
    surname_skeleton = ""
    bare_keys: tuple[str, ...] = ()
    if full and (sn := K.surname(surface)):
        forms = K.ru_lemmas(sn)[:1] if sc == "cyrillic" else (sn,)
        surname_keys = tuple(f"sn:{K.phon_token(f)}" for f in forms)
        surname_skeleton = K.skeleton_token(forms[0])
    elif person and len(toks) == 1:
        forms = (K.ru_lemmas(toks[0])[0], K.ru_stem(toks[0])) if sc == "cyrillic" else (toks[0],)
        if genitive_s and toks[0].endswith("s"):
            forms += (toks[0][:-1],)
        bare_keys = tuple(dict.fromkeys(f"sn:{K.phon_token(f)}" for f in forms))
        surname_skeleton = K.skeleton_token(forms[0])
    skeleton = K.skeleton_key(" ".join(K.ru_lemmas(t)[0] for t in toks) if sc == "cyrillic" else surface, person)
    return _Info(
        surface=surface,
        label=label,
        script=sc,
        person=person,
        full=full,
        acronym=acronym,
        strong=tuple(strong),
        variants=tuple(k for k in dict.fromkeys(variants) if k not in strong),
        anchors=tuple(anchors),
        initials=frozenset() if person or acronym else frozenset(K.initials(surface)),
        surname_keys=surname_keys,
        bare_keys=bare_keys,
        skeleton=skeleton,
        surname_skeleton=surname_skeleton,
    )


@dataclass
class _Ent:
    id: str
    label: str
    forms: Counter = field(default_factory=Counter)
    labels: Counter = field(default_factory=Counter)
    keys: set = field(default_factory=set)
    langs: set = field(default_factory=set)
    scripts: set = field(default_factory=set)
    full: bool = False
    gaz: str | None = None
    vecs: list = field(default_factory=list)  # (language, np.ndarray)
    acronyms: set = field(default_factory=set)

    @property
    def size(self) -> int:
        return sum(self.forms.values())


@dataclass
class _Group:
    """Mentions of one article that name one thing."""

    members: list[int]
    infos: list[_Info]
    language: str

    @property
    def label(self) -> str:
        return Counter(i.label for i in self.infos).most_common(1)[0][0]

    @property
    def person(self) -> bool:
        return self.label == "person"

    @property
    def gaz(self) -> str | None:
        return next((a for i in self.infos for a in i.anchors if a[:2] in ("c:", "g:")), None)

    def all(self, attr: str) -> list[str]:
        return list(dict.fromkeys(k for i in self.infos for k in getattr(i, attr)))


def _encode_b64(vec: np.ndarray) -> str:
    return base64.b64encode(vec.astype(np.float16).tobytes()).decode("ascii")


def _decode_b64(data: str) -> np.ndarray:
    vec = np.frombuffer(base64.b64decode(data), dtype=np.float16).astype(np.float32)
    return vec / (np.linalg.norm(vec) or 1.0)


class EntityResolver:
    """Gives every mention the id of one canonical entity, across articles and languages.

    ``encoder``: an object with ``encode(texts)`` (normalised rows), ``None`` for
    rashomon's default multilingual encoder, loaded on first need, or ``False``
    to resolve by keys alone.
    """

    def __init__(self, encoder=None):
        self._encoder = encoder
        self.ents: dict[str, _Ent] = {}
        self.index: dict[str, list[str]] = {}
        self.dirty: set[str] = set()
        self._mat: np.ndarray | None = None
        self._mat_owner: list[str] = []

    # -- persistence ---------------------------------------------------------------
    @classmethod
    def from_state(cls, rows: Iterable[tuple[Entity, dict]], encoder=None) -> "EntityResolver":
        self = cls(encoder)
        for entity, state in rows:
            ent = _Ent(
                id=entity.id,
                label=entity.label,
                forms=Counter(state.get("forms") or {a: 1 for a in entity.aliases}),
                labels=Counter(state.get("labels") or {entity.label: 1}),
                langs=set(state.get("langs", [])),
                scripts=set(state.get("scripts", [])),
                full=bool(state.get("full")),
                gaz=state.get("gaz"),
                vecs=[(lang, _decode_b64(v)) for lang, v in state.get("vecs", [])],
                acronyms=set(state.get("acronyms", [])),
            )
            self.ents[ent.id] = ent
            for key in state.get("keys", []):
                self._register(ent, key)
        return self

    def state(self, only_changed: bool = False) -> list[tuple[Entity, dict]]:
        rows = []
        for ent in self.ents.values():
            if only_changed and ent.id not in self.dirty:
                continue
            rows.append(
                (
                    Entity(ent.id, _display_name(ent), ent.label, sorted(ent.forms, key=lambda f: (-ent.forms[f], f))),
                    {
                        "version": VERSION,
                        "keys": sorted(ent.keys),
                        "forms": dict(ent.forms),
                        "labels": dict(ent.labels),
                        "langs": sorted(ent.langs),
                        "scripts": sorted(ent.scripts),
                        "full": ent.full,
                        "gaz": ent.gaz,
                        "acronyms": sorted(ent.acronyms),
                        "vecs": [[lang, _encode_b64(v)] for lang, v in ent.vecs],
                    },
                )
            )
        return rows

    def entity(self, entity_id: str) -> Entity | None:
        ent = self.ents.get(entity_id)
        return None if ent is None else Entity(ent.id, _display_name(ent), ent.label, sorted(ent.forms))

    # -- resolution ----------------------------------------------------------------
    def resolve(self, articles: list[Article]) -> list[Article]:
        created: list[str] = []  # entities made in this call by groups no key placed
        assigned: list[tuple[Article, list[int], str]] = []
        for article in articles:
            language = article.language or "und"
            for group in self._groups(article, language):
                eid = self._find(group)
                if eid is None:
                    eid = self._new_entity(group)
                    created.append(eid)
                self._absorb(self.ents[eid], group)
                assigned.append((article, group.members, eid))
        redirect = self._encoder_pass(created, [a.language or "und" for a in articles])
        for article, members, eid in assigned:
            while eid in redirect:
                eid = redirect[eid]
            for i in members:
                article.mentions[i].entity_id = eid
        for article in articles:
            _attribute(article)
        return articles

    def _groups(self, article: Article, language: str) -> list[_Group]:
        mentions = article.mentions
        infos = [_info(m.text, m.label, language) for m in mentions]
        sets = DisjointSets(len(mentions))
        root, union = sets.find, sets.union

        first_of: dict[tuple, int] = {}
        for i, (m, info) in enumerate(zip(mentions, infos)):
            if m.cluster >= 0:
                j = first_of.setdefault(("cluster", m.cluster), i)
                union(i, j)
            kind = _FLEX.get(info.label, info.label)
            for key in info.anchors + info.strong:
                if info.person and not info.full and key.startswith("fl:"):
                    continue
                j = first_of.setdefault((kind, key), i)
                if j != i and compatible_labels(infos[j].label, info.label):
                    union(i, j)

        # Acronyms: defined in the text, "Syrian Democratic Forces (SDF)" or "SDF (Syrian Democratic
        # Forces)", or spelled by the initials of a long name in the same article.
        text = article.original or article.text
        by_acronym: dict[str, list[int]] = {}
        by_norm: dict[str, list[int]] = {}
        for i, info in enumerate(infos):
            if info.acronym:
                by_acronym.setdefault(info.acronym, []).append(i)
            by_norm.setdefault(K.norm_key(info.surface), []).append(i)
        self._defined: dict[int, str] = {}
        for i, (m, info) in enumerate(zip(mentions, infos)):
            if info.person:
                continue
            found = _ACRONYM_DEF.match(text, m.end) if 0 <= m.end <= len(text) else None
            if found and text[m.start : m.end] == m.text:
                inside = found.group(1)
                if K.is_acronym(inside) and not info.acronym and _spells(K.acronym_key(inside), info.surface):
                    self._defined[i] = K.acronym_key(inside)
                    for j in by_acronym.get(K.acronym_key(inside), []):
                        if compatible_labels(infos[j].label, info.label):
                            union(i, j)
                elif info.acronym and _spells(info.acronym, inside):
                    for j in by_norm.get(K.norm_key(inside), []):
                        if compatible_labels(infos[j].label, info.label):
                            union(i, j)
            for ini in info.initials:
                for j in by_acronym.get(ini, []):
                    if compatible_labels(infos[j].label, info.label):
                        union(i, j)

        # A surname alone joins the one full name in the article that ends with it.
        full_by_surname: dict[str, set[int]] = {}
        for i, info in enumerate(infos):
            for key in info.surname_keys:
                full_by_surname.setdefault(key, set()).add(i)
        for i, info in enumerate(infos):
            if info.bare_keys:
                owners = {root(j) for key in info.bare_keys for j in full_by_surname.get(key, ())}
                if len(owners) == 1:
                    union(i, owners.pop())

        groups: dict[int, _Group] = {}
        for i in range(len(mentions)):
            r = root(i)
            g = groups.setdefault(r, _Group([], [], language))
            g.members.append(i)
            g.infos.append(infos[i])
        out = list(groups.values())
        for g in out:
            g.defined = [self._defined[i] for i in g.members if i in self._defined]  # type: ignore[attr-defined]
        # Full names first, so a surname later in the batch finds the person it belongs to.
        out.sort(key=lambda g: not any(i.full for i in g.infos))
        return out

    def _compatible(self, group: _Group, ent: _Ent) -> bool:
        if not compatible_labels(group.label, ent.label):
            return False
        gaz = group.gaz
        return not (gaz and ent.gaz and gaz != ent.gaz)

    def _candidates(self, group: _Group, keys: Iterable[str], where=None) -> list[str]:
        out: list[str] = []
        for key in keys:
            for eid in self.index.get(key, ()):
                if (
                    eid not in out
                    and self._compatible(group, self.ents[eid])
                    and (where is None or where(self.ents[eid]))
                ):
                    out.append(eid)
        return out

    def _first(self, group: _Group, keys: Iterable[str], where=None) -> str | None:
        for key in keys:
            for eid in self.index.get(key, ()):
                if self._compatible(group, self.ents[eid]) and (where is None or where(self.ents[eid])):
                    return eid
        return None

    def _unique(self, cands: list[str]) -> str | None:
        if len(cands) == 1:
            return cands[0]
        if len(cands) > 1:
            # "Trump" with Donald and Melania in the corpus: the one named far more often, else nobody.
            sizes = sorted(((self.ents[c].size, c) for c in cands), reverse=True)
            if sizes[0][0] >= 3 * sizes[1][0]:
                return sizes[0][1]
        return None

    def _find(self, group: _Group) -> str | None:
        if eid := self._first(group, group.all("anchors")):
            return eid
        scripts = {i.script for i in group.infos}
        other_script = lambda e: bool(e.scripts - scripts)  # noqa: E731
        if group.person:
            full = [i for i in group.infos if i.full]
            if full:
                keys = list(dict.fromkeys(k for i in full for k in i.strong))
                if eid := self._first(group, keys):
                    return eid
                bare = lambda e: not e.full  # noqa: E731
                if eid := self._unique(self._candidates(group, (f"b{k}" for k in group.all("surname_keys")), bare)):
                    return eid
                if eid := self._unique(
                    self._candidates(group, [f"s:{i.skeleton}" for i in full if len(i.skeleton) >= 4], other_script)
                ):
                    return eid
                skel = [f"bs:{i.surname_skeleton}" for i in full if len(i.surname_skeleton) >= 3]
                skel += [f"ss:{i.surname_skeleton}" for i in full if len(i.surname_skeleton) >= 3]
                # "Джо Байден" / "Joseph R. Biden Jr.": first names transliterate too loosely to compare.
                if eid := self._unique(self._candidates(group, skel, other_script)):
                    return eid
            else:
                cands = self._candidates(group, group.all("strong") + group.all("bare_keys"))
                if eid := self._unique(cands):
                    return eid
                if cands:
                    return None
                skel = [f"ss:{i.surname_skeleton}" for i in group.infos if len(i.surname_skeleton) >= 3]
                skel += [f"bs:{i.surname_skeleton}" for i in group.infos if len(i.surname_skeleton) >= 3]
                if eid := self._unique(self._candidates(group, skel, other_script)):
                    return eid
        else:
            if eid := self._first(group, group.all("strong")):
                return eid
            acronyms = [i.acronym for i in group.infos if i.acronym]
            if eid := self._unique(self._candidates(group, [f"i:{a}" for a in acronyms])):
                return eid
            initials = group.all("initials") + getattr(group, "defined", [])
            if eid := self._unique(self._candidates(group, [f"acr:{a}" for a in initials])):
                return eid
            skel = [f"s:{i.skeleton}" for i in group.infos if len(i.skeleton) >= 3 and not i.acronym]
            if eid := self._unique(self._candidates(group, skel, other_script)):
                return eid
        # Last, a proclitic or genitive -s on either side: "وعبد الغني" either before or after "عبد الغني".
        return self._first(group, group.all("variants")) or self._first(group, ["v" + k for k in group.all("strong")])

    def _register(self, ent: _Ent, key: str) -> None:
        if key in ent.keys:
            return
        ent.keys.add(key)
        self.index.setdefault(key, []).append(ent.id)

    def _new_entity(self, group: _Group) -> str:
        anchors = group.all("anchors")
        first = anchors[0] if anchors else group.infos[0].strong[0]
        base = "e-" + hashlib.sha1(f"{first}|{_FLEX.get(group.label, group.label)}".encode()).hexdigest()[:10]
        eid, n = base, 1
        while eid in self.ents:
            n += 1
            eid = f"{base}-{n}"
        self.ents[eid] = _Ent(eid, group.label)
        return eid

    def _absorb(self, ent: _Ent, group: _Group) -> None:
        self.dirty.add(ent.id)
        for info in group.infos:
            ent.forms[info.surface] += 1
            ent.labels[info.label] += 1
            ent.scripts.add(info.script)
            ent.full = ent.full or info.full
            if info.acronym:
                ent.acronyms.add(info.acronym)
        ent.langs.add(group.language)
        ent.label = ent.labels.most_common(1)[0][0]
        ent.gaz = ent.gaz or group.gaz
        for info in group.infos:
            for key in info.anchors + info.strong:
                # A bare surname must not become a strong key of a full-named person: "Trump" in an
                # article about Melania would otherwise pull her into Donald's entity.
                if ent.full and info.person and not info.full and key[:2] in ("n:", "p:"):
                    self._register(ent, f"b{key}")
                    continue
                self._register(ent, key)
            for key in info.surname_keys:
                self._register(ent, key)
                self._register(ent, f"ss:{info.surname_skeleton}")
            for key in info.bare_keys:
                self._register(ent, f"b{key}")
                self._register(ent, f"bs:{info.surname_skeleton}")
            for key in info.variants:
                self._register(ent, f"v{key}")
            if len(info.skeleton) >= 3:
                self._register(ent, f"s:{info.skeleton}")
            if info.acronym:
                self._register(ent, f"acr:{info.acronym}")
            for ini in info.initials:
                self._register(ent, f"i:{ini}")
        for acr in getattr(group, "defined", []):
            self._register(ent, f"acr:{acr}")
            self._register(ent, f"n:{acr}")

    # -- encoder --------------------------------------------------------------------
    def _encoder_obj(self):
        if self._encoder is None:
            from rashomon.embed import get_encoder

            self._encoder = get_encoder()
        return self._encoder

    def _long_forms(self, ent: _Ent) -> list[str]:
        if ent.label not in _ENCODED_LABELS:
            return []
        forms = [f for f, _ in ent.forms.most_common() if len(K.tokens(f)) >= 2 and not K.is_acronym(f)]
        return forms

    def _encoder_pass(self, created: list[str], languages: list[str]) -> dict[str, str]:
        """Merge entities new in this call into older ones their long names translate."""
        if self._encoder is False:
            return {}
        todo: list[tuple[str, str, str]] = []  # (entity id, language, form)
        for ent in self.ents.values():
            if ent.id not in self.dirty or len(ent.vecs) >= _MAX_VECS:
                continue
            have = {lang for lang, _ in ent.vecs}
            for form in self._long_forms(ent):
                sc = first_letter_script(form)
                tag = sc if sc != "latin" else "latin:" + ",".join(sorted(ent.langs))
                if tag not in have and len(have) < _MAX_VECS:
                    have.add(tag)
                    todo.append((ent.id, tag, form))
        if not todo:
            return {}
        vecs = self._encoder_obj().encode([form for _, _, form in todo])
        for (eid, tag, _), vec in zip(todo, vecs):
            self.ents[eid].vecs.append((tag, np.asarray(vec, dtype=np.float32)))
        self._mat = None

        owners: list[str] = []
        rows: list[np.ndarray] = []
        for ent in self.ents.values():
            for _, v in ent.vecs:
                owners.append(ent.id)
                rows.append(v)
        mat = np.vstack(rows)
        owner_arr = np.array(owners)
        redirect: dict[str, str] = {}
        created_set = set(created)
        order = {eid: n for n, eid in enumerate(self.ents)}
        for eid in created:
            if eid not in self.ents or not self.ents[eid].vecs:
                continue
            ent = self.ents[eid]
            sims = mat @ np.vstack([v for _, v in ent.vecs]).T
            best = sims.max(axis=1)
            scores: dict[str, float] = {}
            for owner, s in zip(owner_arr, best):
                if owner != eid and s > scores.get(owner, -1):
                    scores[owner] = float(s)
            ranked = sorted(scores.items(), key=lambda kv: -kv[1])
            for n, (other, sim) in enumerate(ranked[:5]):
                if sim < ENCODER_WITH_EVIDENCE:
                    break
                # An owner merged away earlier in this pass still has rows in ``mat``: follow it.
                target_id = other
                while target_id in redirect:
                    target_id = redirect[target_id]
                target = self.ents.get(target_id)
                if target is None:
                    continue
                if target.id == eid or (target.id in created_set and order[target.id] > order[eid]):
                    continue
                if not self._encoder_match(ent, target, sim, ranked, n):
                    continue
                redirect[eid] = target.id
                self._merge_into(ent, target)
                break
        return redirect

    def _encoder_match(self, ent: _Ent, target: _Ent, sim: float, ranked, n: int) -> bool:
        if not compatible_labels(ent.label, target.label) or (ent.gaz and target.gaz and ent.gaz != target.gaz):
            return False
        # Same-language variants are the keys' job; the encoder only bridges languages.
        if ent.langs <= target.langs and ent.scripts <= target.scripts:
            return False
        runner_up = next((s for o, s in ranked if o != target.id and s < sim), 0.0) if n == 0 else ranked[0][1]
        if sim >= ENCODER_ALONE and sim - runner_up >= ENCODER_MARGIN:
            return True
        cognates = any(
            K.prefix_overlap(a, b) >= 1.0 and min(len(K.tokens(a)), len(K.tokens(b))) >= 2
            for a in self._long_forms(ent)[:3]
            for b in self._long_forms(target)[:3]
        )
        anagram = any(sorted(a) == sorted(b) for a in ent.acronyms for b in target.acronyms)
        return cognates or anagram

    def _merge_into(self, ent: _Ent, target: _Ent) -> None:
        target.forms.update(ent.forms)
        target.labels.update(ent.labels)
        target.langs |= ent.langs
        target.scripts |= ent.scripts
        target.full = target.full or ent.full
        target.gaz = target.gaz or ent.gaz
        target.acronyms |= ent.acronyms
        target.vecs = (target.vecs + ent.vecs)[: _MAX_VECS + 2]
        for key in ent.keys:
            ids = self.index.get(key, [])
            if ent.id in ids:
                ids.remove(ent.id)
            self._register(target, key)
        del self.ents[ent.id]
        self.dirty.discard(ent.id)
        self.dirty.add(target.id)


def _spells(acronym: str, long_form: str) -> bool:
    """Could ``acronym`` abbreviate ``long_form``, in this or a translated word order (SDF, FDS)?

    A source credit in brackets ("Vatican (AFP)") is not a definition.
    """
    ini = K.initials(long_form)
    letters = sorted(acronym)
    return acronym in ini or any(sorted(i) == letters for i in ini)


def _display_name(ent: _Ent) -> str:
    """The most frequent Latin-script full form; a long form beats its acronym, a full name its surname."""

    canonical = sorted(k[2:] for k in ent.keys if k.startswith("a:"))
    if canonical:
        return canonical[0]

    def rank(form: str) -> tuple:
        return (
            first_letter_script(form) == "latin",
            not K.is_acronym(form),
            len(K.tokens(form)) >= 2,
            ent.forms[form],
            len(form),
        )

    return max(ent.forms, key=rank) if ent.forms else ent.id


def _attribute(article: Article) -> None:
    """Quote speakers and claim attributions from the resolved mentions."""
    by_cluster: dict[int, str] = {}
    for m in article.mentions:
        if m.cluster >= 0 and m.entity_id and m.cluster not in by_cluster:
            by_cluster[m.cluster] = m.entity_id
    for q in article.quotes:
        eid = by_cluster.get(q.speaker_cluster) if q.speaker_cluster >= 0 else None
        if eid is None and q.speaker_start is not None and q.speaker_end is not None:
            inside = [
                m for m in article.mentions if m.entity_id and m.start < q.speaker_end and q.speaker_start < m.end
            ]
            if inside:
                eid = max(inside, key=lambda m: m.end - m.start).entity_id
        q.speaker_entity_id = eid
    for c in article.claims:
        if c.quote is not None and 0 <= c.quote < len(article.quotes):
            c.attributed_to = article.quotes[c.quote].speaker_entity_id
        else:
            c.attributed_to = None


def _resolve_guarded(resolver: EntityResolver, articles: list) -> dict[str, str]:
    """Resolve ``articles``; returns ``{article id: problem}`` for those that raised.

    The batch resolves in one call (the resolver encodes long names together); only when that raises are the
    articles resolved one at a time, so one bad article never keeps the others from their entities.
    """
    try:
        resolver.resolve(articles)
        return {}
    except Exception:
        pass
    failed: dict[str, str] = {}
    for article in articles:
        try:
            resolver.resolve([article])
        except Exception as error:
            failed[article.id] = problem_line(error)
    return failed


def resolve_store(store, *, rebuild: bool = False, batch_size: int = 256, encoder=None) -> int:
    """Resolve the entities of stored articles; returns how many articles were (re)resolved.

    Incremental by default: entities load from the store and only articles with a
    mention lacking an entity id are read into them. ``rebuild`` starts over.
    """
    resolver = EntityResolver(encoder) if rebuild else EntityResolver.from_state(store.entities.states(), encoder)
    if rebuild:
        store.entities.clear()
    # Pending: never resolved, resolved at an older version, or re-analysed since
    # (the pipeline forgets this stage for an article whose analysis re-ran).
    ids = store.articles.pending("entities", VERSION) if not rebuild else store.articles.ids()
    done = 0
    for start in range(0, len(ids), batch_size):
        articles = store.articles.many(ids[start : start + batch_size])
        if rebuild:
            for a in articles:
                for m in a.mentions:
                    m.entity_id = None
        failed = _resolve_guarded(resolver, [a for a in articles if a.mentions])
        with store.transaction():
            for a in articles:
                if a.id in failed:
                    store.failures.record(a.id, "entities", VERSION, failed[a.id])
                else:
                    store.save_analysis(a, {"entities": VERSION})
        done += len(articles)
    store.entities.save(resolver.state(only_changed=not rebuild))
    resolver.dirty.clear()
    return done
