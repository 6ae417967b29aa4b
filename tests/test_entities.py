"""Entity resolution across articles and languages (rashomon.entities)."""

from __future__ import annotations

import itertools

import pytest

from rashomon.entities import EntityResolver, resolve_store
from rashomon.model import Article, Claim, Mention, Quote
from rashomon.store import Store

P, L, O, G = "person", "place", "organisation", "group"  # noqa: E741 (one letter per kind keeps the fixtures readable)
_ids = itertools.count()


def article(language: str, *names, text: str | None = None, clusters: dict[int, int] | None = None) -> Article:
    """An article whose mentions are ``names`` ((surface, label) pairs), found in order in ``text``."""
    text = text if text is not None else " . ".join(n for n, _ in names)
    mentions, pos = [], 0
    for i, (name, label) in enumerate(names):
        start = text.index(name, pos)
        mentions.append(Mention(start, start + len(name), name, label, (clusters or {}).get(i, -1)))
        pos = start + len(name)
    return Article(id=f"a{next(_ids)}", original=text, text=text, language=language, mentions=mentions)


def ids(articles, name: str) -> set[str]:
    return {m.entity_id for a in articles for m in a.mentions if m.text == name}


def same(articles, *names: str) -> bool:
    found = set().union(*(ids(articles, n) for n in names))
    return len(found) == 1 and None not in found


@pytest.fixture(scope="module")
def keys_only():
    """A resolver without the encoder: every merge here is made by keys, gazetteers or rules."""
    return lambda: EntityResolver(encoder=False)


def test_place_transliterations_merge_across_languages(keys_only):
    arts = [
        article("en", ("Raqqa", L), ("Raqqa's", L), ("Deir ez-Zor", L), ("Abu Kamal", L), ("Riyadh", L)),
        article("en", ("Raqqah", L), ("Dayr al-Zawr", L), ("Albu Kamal", L), ("Raqa", L)),
        article("fr", ("Rakka", L), ("Deir Ezzor", L), ("Abou Kamal", L), ("Paris", L), ("Parly", L)),
        article("ru", ("Ракка", L), ("Ракке", L), ("Дейр-эз-Зор", L)),
        article("ar", ("الرقة", L), ("دير الزور", L), ("البوكمال", L), ("بالرقة", L), ("الرياض", L)),
        article("es", ("Deir Zor", L), ("Boukamal", L), ("Al-Bukamal", L)),
        article("de", ("Deir Ez-Zor", L)),
    ]
    keys_only().resolve(arts)
    assert same(arts, "Raqqa", "Raqqa's", "Raqqah", "Rakka", "Raqa", "Ракка", "Ракке", "الرقة", "بالرقة")
    assert same(
        arts, "Deir ez-Zor", "Dayr al-Zawr", "Deir Ezzor", "Deir Ez-Zor", "Deir Zor", "Дейр-эз-Зор", "دير الزور"
    )
    assert same(arts, "Abu Kamal", "Albu Kamal", "Al-Bukamal", "Abou Kamal", "Boukamal", "البوكمال")
    assert same(arts, "Riyadh", "الرياض")
    assert not same(arts, "Raqqa", "Riyadh")
    assert not same(arts, "Paris", "Parly")
    assert not same(arts, "Raqqa", "Deir ez-Zor")


def test_transliteration_keys_without_the_gazetteer():
    # Names no gazetteer lists still merge by their keys alone: a made-up village.
    arts = [article("en", ("Tell Qarqour", L)), article("fr", ("Tel Karkour", L)), article("ru", ("Телль-Каркур", L))]
    EntityResolver(encoder=False).resolve(arts)
    assert same(arts, "Tell Qarqour", "Tel Karkour", "Телль-Каркур")


def test_countries_in_every_locale_and_case(keys_only):
    arts = [
        article("en", ("Syria", L), ("United States", L), ("Iraq", L)),
        article("fr", ("Syrie", L), ("États-Unis", L)),
        article("ru", ("Сирии", L), ("США", L), ("Ирака", L)),
        article("ar", ("سوريا", L), ("العراق", L)),
        article("es", ("EE. UU.", L), ("Siria", L)),
    ]
    keys_only().resolve(arts)
    assert same(arts, "Syria", "Syrie", "Сирии", "سوريا", "Siria")
    assert same(arts, "United States", "États-Unis", "США", "EE. UU.")
    assert same(arts, "Iraq", "Ирака", "العراق")
    assert not same(arts, "Syria", "Iraq")


def test_islamic_state_names_merge():
    names = [
        ("en", "ISIS"),
        ("en", "ISIL"),
        ("en", "IS"),
        ("en", "Daesh"),
        ("en", "Islamic State"),
        ("en", "Islamic State group"),
        ("fr", "État islamique"),
        ("fr", "Etat islamique"),
        ("fr", "EI"),
        ("fr", "EIIL"),
        ("es", "Estado Islámico"),
        ("de", "Islamischer Staat"),
        ("ru", "Исламское государство"),
        ("ru", "ИГИЛ"),
        ("ar", "داعش"),
        ("ar", "الدولة الإسلامية"),
    ]
    arts = [article(lang, (name, O)) for lang, name in names]
    EntityResolver(encoder=False).resolve(arts)
    assert same(arts, *(n for _, n in names))


def test_acronym_defined_in_text_then_used_alone_elsewhere():
    # A made-up council, so no table knows it: the definition in the text is the only link.
    arts = [
        article(
            "en",
            ("Northern Valley Council", O),
            ("NVC", O),
            text="The Northern Valley Council (NVC) met. NVC said nothing.",
        ),
        article("en", ("NVC", O), ("Northern Valley Militia", O)),
    ]
    EntityResolver(encoder=False).resolve(arts)
    assert same(arts, "Northern Valley Council", "NVC")
    assert not same(arts, "NVC", "Northern Valley Militia")


def test_a_source_credit_in_brackets_is_no_acronym():
    arts = [article("ru", ("Ватикане", L), ("AFP", O), text="в Ватикане (AFP) сообщили")]
    EntityResolver(encoder=False).resolve(arts)
    assert not same(arts, "Ватикане", "AFP")


def test_acronym_and_long_form_across_languages_through_the_encoder():
    arts = [
        article(
            "en",
            ("Syrian Democratic Forces", O),
            ("SDF", O),
            text="the US-backed Syrian Democratic Forces (SDF) said; SDF fighters",
        ),
        article("en", ("SDF", O), ("Syrian Arab Army", O)),
        article(
            "fr",
            ("Forces démocratiques syriennes", O),
            ("FDS", O),
            text="les Forces démocratiques syriennes (FDS) ont annoncé. Les FDS",
        ),
        article("fr", ("FDS", O)),
    ]
    EntityResolver().resolve(arts)
    assert same(arts, "Syrian Democratic Forces", "SDF", "Forces démocratiques syriennes", "FDS")
    assert not same(arts, "SDF", "Syrian Arab Army")


def test_people_by_surname_and_russian_cases():
    arts = [
        article("en", ("Donald Trump", P), ("Trump", P), ("Vladimir Putin", P)),
        article("en", ("Trump", P), ("Putin", P)),  # no full name in this article
        article("en", ("Melania Trump", P)),
        article("ru", ("Путин", P), ("Путина", P), ("Путину", P), ("Трампа", P)),
        article("ar", ("ترامب", P), ("بوتين", P)),
        article("de", ("Trumps", P)),
        article("en", ("Ahmed", P), ("Mohamed", P), ("Mahmoud", P)),
    ]
    EntityResolver(encoder=False).resolve(arts)
    assert same(arts, "Donald Trump", "Trump", "Трампа", "ترامب", "Trumps")
    assert same(arts, "Vladimir Putin", "Putin", "Путин", "Путина", "Путину", "بوتين")
    assert not same(arts, "Melania Trump", "Donald Trump")
    assert not same(arts, "Ahmed", "Mohamed")
    assert not same(arts, "Mohamed", "Mahmoud")


def test_types_must_agree():
    arts = [
        article("en", ("Jordan", L), ("Michael Jordan", P)),
        article("en", ("Jordan", P), ("Washington", L)),
        article("en", ("Washington", P), ("George Washington", P)),
    ]
    EntityResolver(encoder=False).resolve(arts)
    place_jordan = arts[0].mentions[0].entity_id
    person_jordan = arts[1].mentions[0].entity_id
    assert place_jordan != person_jordan and person_jordan == arts[0].mentions[1].entity_id  # Michael Jordan
    assert arts[1].mentions[1].entity_id != arts[2].mentions[0].entity_id  # the city is not the president
    assert arts[2].mentions[0].entity_id == arts[2].mentions[1].entity_id


def test_within_article_clusters_are_one_entity():
    arts = [article("en", ("Omar Alloush", P), ("the official", P), clusters={0: 3, 1: 3})]
    EntityResolver(encoder=False).resolve(arts)
    assert same(arts, "Omar Alloush", "the official")


def test_arabic_proclitics():
    arts = [
        article("ar", ("وعبد الغني راشدي", P)),
        article("ar", ("عبد الغني راشدي", P)),
        article("ar", ("لسوريا", L), ("سوريا", L)),
    ]
    EntityResolver(encoder=False).resolve(arts)
    assert same(arts, "وعبد الغني راشدي", "عبد الغني راشدي")
    assert same(arts, "لسوريا", "سوريا")


def test_quotes_and_claims_get_the_speaker_entity():
    a = article("en", ("Mostafa Bali", P), ("Bali", P), ("Raqqa", L), clusters={0: 0, 1: 0})
    a.quotes = [Quote(0, 5, "We won", True, speaker="Bali", speaker_cluster=0), Quote(6, 9, "x", False)]
    a.claims = [Claim(0, 5, "We won", quote=0), Claim(6, 9, "x"), Claim(6, 9, "x", quote=1)]
    EntityResolver(encoder=False).resolve([a])
    bali = a.mentions[0].entity_id
    assert bali and a.quotes[0].speaker_entity_id == bali and a.quotes[1].speaker_entity_id is None
    assert a.claims[0].attributed_to == bali and a.claims[1].attributed_to is None and a.claims[2].attributed_to is None


def test_entity_names_aliases_and_state_round_trip():
    arts = [
        article("en", ("Syrian Democratic Forces", O), ("SDF", O), text="Syrian Democratic Forces (SDF)"),
        article("ru", ("Ракка", L)),
        article("en", ("Raqqa", L)),
        article("en", ("Raqqa", L)),
    ]
    r = EntityResolver(encoder=False)
    r.resolve(arts)
    rows = dict((e.id, e) for e, _ in r.state())
    sdf = rows[arts[0].mentions[1].entity_id]
    assert sdf.name == "Syrian Democratic Forces" and set(sdf.aliases) == {"Syrian Democratic Forces", "SDF"}
    raqqa = rows[arts[2].mentions[0].entity_id]
    assert raqqa.name == "Raqqa" and set(raqqa.aliases) == {"Raqqa", "Ракка"} and raqqa.id.startswith("e-")
    # The state is JSON and resumes: a later article joins the same entities.
    import json

    restored = EntityResolver.from_state([(e, json.loads(json.dumps(s))) for e, s in r.state()], encoder=False)
    later = [article("fr", ("Rakka", L), ("FDS", O), ("Forces démocratiques syriennes", O))]
    restored.resolve(later)
    assert later[0].mentions[0].entity_id == raqqa.id


def _store_article(aid: str, language: str, *names) -> Article:
    a = article(language, *names)
    a.id = aid
    return a


def test_resolve_store_is_incremental_with_stable_ids(tmp_path):
    path = tmp_path / "r.db"
    with Store(path) as store:
        store.articles.add(
            [
                _store_article("one", "en", ("Raqqa", L), ("Donald Trump", P), ("ISIS", O)),
                _store_article("two", "ar", ("الرقة", L), ("داعش", O)),
            ]
        )
        assert resolve_store(store, encoder=False) == 2
        first = {e.id: e for e in store.entities.all()}
        a1 = store.articles.get("one")
        raqqa, trump, isis = (m.entity_id for m in a1.mentions)
        assert store.articles.get("two").mentions[0].entity_id == raqqa
        assert store.articles.get("two").mentions[1].entity_id == isis
        assert set(store.entities.articles_mentioning(raqqa)) == {"one", "two"}
        assert resolve_store(store, encoder=False) == 0  # nothing new

    with Store(path) as store:  # a new process: state comes from the file
        store.articles.add([_store_article("three", "ru", ("Ракке", L), ("Трампа", P), ("Мосул", L))])
        assert resolve_store(store, encoder=False) == 1
        three = store.articles.get("three")
        assert three.mentions[0].entity_id == raqqa and three.mentions[1].entity_id == trump
        after = {e.id: e for e in store.entities.all()}
        assert set(first) <= set(after) and len(after) == len(first) + 1
        assert "Ракке" in after[raqqa].aliases
        assert store.articles.get("one").mentions[0].entity_id == raqqa  # old articles untouched

        assert resolve_store(store, rebuild=True, encoder=False) == 3
        assert store.articles.get("one").mentions[0].entity_id == raqqa  # ids derive from names, not from history
        assert {e.id for e in store.entities.all()} == set(after)


def test_many_articles_resolve_into_one_entity_per_name():
    # Speed at scale is measured by `rashomon bench throughput` (docs/benchmarks.md), not timed here.
    arts = [
        article("en", (f"Person{i % 700} Smith{i % 300}", P), (f"Town{i % 500}", L), ("Raqqa", L), ("SDF", O))
        for i in range(3000)
    ]
    EntityResolver(encoder=False).resolve(arts)
    assert len(ids(arts, "Raqqa")) == 1
    assert len(ids(arts, "Town7")) == 1


def test_an_entity_merged_away_in_one_pass_is_not_looked_up_again():
    """Two new entities that both translate an existing one: the second must not trip over the first's merge."""
    from rashomon.entities import EntityResolver
    from rashomon.model import Article, Mention

    def article(aid, lang, names):
        text = " ; ".join(names)
        mentions, pos = [], 0
        for i, name in enumerate(names):
            mentions.append(Mention(pos, pos + len(name), name, "organisation", cluster=i))
            pos += len(name) + 3
        return Article(id=aid, original=text, text=text, language=lang, mentions=mentions)

    resolver = EntityResolver()
    resolver.resolve([article("a", "en", ["Syrian Democratic Forces"])])
    resolved = resolver.resolve(
        [
            article("b", "fr", ["Forces démocratiques syriennes"]),
            article("c", "es", ["Fuerzas Democráticas Sirias"]),
            article("d", "fr", ["Forces démocratiques de Syrie"]),
        ]
    )
    ids = {m.entity_id for a in resolved for m in a.mentions}
    assert all(ids)
