"""The reference case, by hand-checked expectations: what `rashomon analyze` finds in the three seed articles.

Everything is read from the public JSON export of a real run, so these tests
check what a user gets: canonical entities across languages, speakers with
their roles and media, quantities with what they count, and offsets that point
at the right characters of each original text.
"""

import unicodedata

import pytest

from conftest import seeds_export

PRESS_TV, FRENCH, ASHARQ = "000_beb97b786951395b.txt", "001_2744c880e1a75e98.txt", "002_5c1f82888a9eaaa3.txt"


@pytest.fixture(scope="module")
def export(seeds_output):
    return seeds_export(seeds_output)


def fold(text):
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def entity_named(doc, *variants):
    """The one entity whose aliases include any of ``variants`` (compared case- and accent-blind)."""
    wanted = {fold(v) for v in variants}
    found = [e for e in doc["entities"] if wanted & {fold(a) for a in e["aliases"]}]
    assert len(found) == 1, f"{variants}: {[(e['name'], e['aliases']) for e in found]}"
    return found[0]


def articles_of(entity):
    return {m["article_id"] for m in entity["mentions"]}


def test_every_span_points_at_its_text_in_the_original(export):
    for entity in export["entities"]:
        for m in entity["mentions"]:
            assert export["by_id"][m["article_id"]]["original"][m["start"] : m["end"]] == m["text"]
    for key in ("quotes", "claims"):
        for item in export[key]:
            original = export["by_id"][item["article_id"]]["original"]
            assert 0 <= item["start"] < item["end"] <= len(original)
            # Cleaning never changes the words inside a span, only what lies between them.
            assert item["text"].split()[:3] == original[item["start"] : item["end"]].split()[:3]


@pytest.mark.parametrize(
    "variants, languages",
    [
        (("ISIS", "Daesh", "EI", "EIIL", "Etat islamique"), {"en", "fr"}),
        (("Raqqa", "Raqqah"), {"en"}),
        (("Deir Ezzor", "Dayr al-Zawr"), {"en"}),
        (("Syria", "Syrie"), {"en", "fr"}),
        (("SDF", "Syrian Democratic Forces"), {"en"}),
    ],
)
def test_variants_merge_into_one_canonical_entity(export, variants, languages):
    entity = entity_named(export, *variants)
    aliases = {fold(a) for a in entity["aliases"]}
    present = {fold(v) for v in variants} & aliases
    assert len(present) >= 2, entity["aliases"]
    langs = {export["by_id"][a]["language"] for a in articles_of(entity)}
    assert languages <= langs


def test_islamic_state_is_one_entity_in_all_three_articles(export):
    entity = entity_named(export, "Daesh")
    for variant in ("ISIS", "Daesh", "EI", "EIIL"):
        assert fold(variant) in {fold(a) for a in entity["aliases"]}
    assert articles_of(entity) == {a["id"] for a in export["articles"]}


def speakers(doc, filename):
    article_id = doc["by_file"][filename]["id"]
    return [q for q in doc["quotes"] if q["article_id"] == article_id]


def quotes_by(doc, filename, name):
    entity = entity_named(doc, name)
    return [q for q in speakers(doc, filename) if q["speaker_entity_id"] == entity["id"]]


@pytest.mark.parametrize(
    "filename, name",
    [
        (PRESS_TV, "Mostafa Bali"),
        (PRESS_TV, "Omar Alloush"),
        (PRESS_TV, "Nuri Mahmud"),
        (PRESS_TV, "Ryan Dillon"),
        (ASHARQ, "Omar Alloush"),
        (ASHARQ, "Rami Abdel Rahman"),
        (ASHARQ, "Florence Parly"),
    ],
)
def test_people_found_as_speakers(export, filename, name):
    assert quotes_by(export, filename, name), [q["speaker"] for q in speakers(export, filename)]


def test_alloush_is_quoted_in_both_raqqa_articles_saying_different_things(export):
    in_press_tv = quotes_by(export, PRESS_TV, "Omar Alloush")
    in_asharq = quotes_by(export, ASHARQ, "Omar Alloush")
    assert in_press_tv and in_asharq
    press_tv_text = " ".join(q["text"] for q in in_press_tv)
    asharq_text = " ".join(q["text"] for q in in_asharq)
    assert "Syrian and foreign" in press_tv_text
    assert "no foreigners had left" in asharq_text


def test_institutions_count_as_speakers(export):
    ministry = [q for q in speakers(export, PRESS_TV) if q["speaker"] and "Defense Ministry" in q["speaker"]]
    assert ministry and ministry[0]["speaker_entity_id"]


def test_roles_and_media_are_kept(export):
    bali = quotes_by(export, PRESS_TV, "Mostafa Bali")
    assert any(q["role"] == "SDF spokesman" for q in bali)
    alloush = quotes_by(export, PRESS_TV, "Omar Alloush") + quotes_by(export, ASHARQ, "Omar Alloush")
    assert any(q["medium"] == "AFP" for q in alloush)
    assert any(q["medium"] == "Asharq Al-Awsat" for q in alloush)
    assert any(q["role"] and "Civil Council" in q["role"] for q in alloush)
    dillon = quotes_by(export, PRESS_TV, "Ryan Dillon")
    assert {q["direct"] for q in dillon} == {True, False}


def quantities(doc, filename):
    article_id = doc["by_file"][filename]["id"]
    found = {}
    for claim in doc["claims"]:
        if claim["article_id"] == article_id:
            for q in claim["quantities"]:
                found[q["text"]] = q
    return found


def test_quantities_with_what_they_count(export):
    found = quantities(export, ASHARQ)
    by_value = {(q["value"], q["low"], q["high"]): q for q in found.values()}
    assert "fighters" in by_value[(275, None, None)]["counted"]
    assert "ISIS" in by_value[(275, None, None)]["counted"]
    assert "jihadists" in by_value[(None, 200, 300)]["counted"]
    civilians = by_value[(3000, None, None)]
    assert "civilians" in civilians["counted"] and civilians["approximate"]


def test_claims_carry_attribution_polarity_and_hedging(export):
    asharq_id = export["by_file"][ASHARQ]["id"]
    claims = [c for c in export["claims"] if c["article_id"] == asharq_id]
    alloush = entity_named(export, "Omar Alloush")["id"]
    denial = next(c for c in claims if "no foreigners had left" in c["text"])
    assert denial["attributed_to"] == alloush
    assert any(c["negated"] for c in claims)
    press_tv_id = export["by_file"][PRESS_TV]["id"]
    assert any(c["hedged"] for c in export["claims"] if c["article_id"] == press_tv_id)
    # The outlet's own voice has no attribution.
    assert any(c["attributed_to"] is None for c in claims)


def test_relative_dates_resolve_against_publication(export):
    press_tv = export["by_file"][PRESS_TV]
    assert press_tv["published"] == "2017-10-15"
    dates = {d for c in export["claims"] if c["article_id"] == press_tv["id"] for d in c["dates"]}
    assert "2017-10-14" in dates  # "Last night" / "on Saturday", published on Sunday 15 October


def test_report_highlights_the_layers_and_shows_who_is_quoted(export):
    html = export["report"]
    assert html.count('class="sp sp-ent-person') >= 10
    assert "sp-quote" in html and "sp-claim" in html
    assert "Who is quoted" in html and "Entities and their variants" in html
    # The Raqqa story's panel lists Alloush once, quoted by both outlets.
    panel = html[html.index("Who is quoted") :]
    panel = panel[: panel.index("</ul>")]
    assert panel.count("Omar Alloush") == 1
    assert "Asharq Al-Awsat:" in panel and "presstv.ir:" in panel
