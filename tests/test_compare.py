"""Source comparison on hand-built articles: relations, their evidence, and what must not be called a contradiction."""

from markupsafe import Markup

from rashomon.compare import compare_story
from rashomon.model import Article, Claim, DateMention, Entity, Mention, Proposition, Quantity, Quote, Relation, Story
from rashomon.present.compare import matrix_panel


def article(aid, source, language, sentences, *, speaker=None, quantities=(), entities=(), title=None):
    """One article whose every sentence is a claim; ``speaker`` makes each a quote of that entity."""
    text = " ".join(sentences)
    a = Article(id=aid, original=text, text=text, source=source, language=language, title=title)
    pos = 0
    for sentence in sentences:
        start, end = pos, pos + len(sentence)
        quote = None
        if speaker:
            a.quotes.append(Quote(start, end, sentence, direct=False, speaker="X", speaker_entity_id=speaker))
            quote = len(a.quotes) - 1
        mention_ids = []
        for name, eid in entities:
            at = sentence.find(name)
            if at >= 0:
                a.mentions.append(Mention(start + at, start + at + len(name), name, "place", entity_id=eid))
                mention_ids.append(len(a.mentions) - 1)
        quantity_ids = []
        for q_text, value, counted in quantities:
            at = sentence.find(q_text)
            if at >= 0:
                a.quantities.append(Quantity(start + at, start + at + len(q_text), q_text, value, counted=counted))
                quantity_ids.append(len(a.quantities) - 1)
        a.claims.append(
            Claim(
                start,
                end,
                sentence,
                quote=quote,
                attributed_to=speaker,
                mention_ids=mention_ids,
                quantity_ids=quantity_ids,
            )
        )
        pos = end + 1
    return a


RAQQA = Entity("e-raqqa", "Raqqa", "place", ["Raqqa", "Raqqah"])
ALLOUSH = Entity("e-alloush", "Omar Alloush", "person", ["Omar Alloush"])


def kinds(comparison):
    return sorted(r.type for r in comparison.relations)


def test_same_speaker_negation_is_a_contradiction_and_a_quote_drift():
    a = article(
        "a1", "Outlet A", "en", ["The convoy included foreign fighters from the besieged quarter."], speaker="e-alloush"
    )
    b = article(
        "b1", "Outlet B", "en", ["No foreigners were in the convoy from the besieged quarter."], speaker="e-alloush"
    )
    c = compare_story([a, b], [RAQQA, ALLOUSH])
    assert kinds(c) == ["contradict", "quote_drift"]
    drift = next(r for r in c.relations if r.type == "quote_drift")
    assert drift.speaker_entity_id == "e-alloush" and drift.reason == "same-speaker"
    assert drift.claim_ids == ["c-a1-0", "c-b1-0"] and drift.article_ids == ["a1", "b1"]
    (p,) = c.propositions
    assert dict(zip(p.article_ids, p.stances)) == {"a1": "asserts", "b1": "denies"}


def test_negation_of_another_detail_is_not_a_contradiction():
    # "did not comment" negates commenting, not the convoy or the fighters.
    a = article("a2", "Outlet A", "en", ["The coalition did not comment on the convoy of foreign fighters."])
    b = article("b2", "Outlet B", "en", ["A convoy of foreign fighters left the besieged quarter."])
    assert "contradict" not in kinds(compare_story([a, b], []))


def test_different_numbers_for_the_same_counted_thing():
    a = article(
        "a3",
        "Outlet A",
        "en",
        ["Officials said 275 fighters left Raqqa overnight in buses."],
        quantities=[("275", 275, "fighters")],
        entities=[("Raqqa", "e-raqqa")],
    )
    b = article(
        "b3",
        "Outlet B",
        "en",
        ["Some 400 fighters left Raqqa overnight in buses, witnesses said."],
        quantities=[("400", 400, "fighters")],
        entities=[("Raqqa", "e-raqqa")],
    )
    c = compare_story([a, b], [RAQQA])
    (r,) = [r for r in c.relations if r.type == "contradict"]
    assert r.reason == "quantity-mismatch"
    same = article(
        "c3",
        "Outlet C",
        "en",
        ["Some 275 fighters left Raqqa overnight in buses, witnesses said."],
        quantities=[("275", 275, "fighters")],
        entities=[("Raqqa", "e-raqqa")],
    )
    assert "contradict" not in kinds(compare_story([a, same], [RAQQA]))


def test_numbers_across_languages_meet_through_what_they_count():
    en = article(
        "a10",
        "Outlet A",
        "en",
        ["Some 275 fighters left Raqqa overnight in a convoy of buses."],
        quantities=[("275", 275, "fighters")],
        entities=[("Raqqa", "e-raqqa")],
    )
    fr_other = article(
        "b10",
        "Outlet B",
        "fr",
        ["Quelque 400 combattants ont quitté Raqqa dans la nuit à bord d'un convoi de bus."],
        quantities=[("400", 400, "combattants")],
        entities=[("Raqqa", "e-raqqa")],
    )
    fr_same = article(
        "c10",
        "Outlet C",
        "fr",
        ["Quelque 275 combattants ont quitté Raqqa dans la nuit à bord d'un convoi de bus."],
        quantities=[("275", 275, "combattants")],
        entities=[("Raqqa", "e-raqqa")],
    )
    (r,) = [r for r in compare_story([en, fr_other], [RAQQA]).relations if r.type == "contradict"]
    assert r.reasons[:2] == ["quantity-mismatch", "cross-lingual"]
    same = compare_story([en, fr_same], [RAQQA])
    assert kinds(same) == ["agree"]  # neither number is single-sourced: the other language reports it
    # Different things counted ("civils", not fighters) are no contradiction.
    civilians = article(
        "d10",
        "Outlet D",
        "fr",
        ["Quelque 400 civils ont quitté Raqqa dans la nuit à bord d'un convoi de bus."],
        quantities=[("400", 400, "civils")],
        entities=[("Raqqa", "e-raqqa")],
    )
    assert "contradict" not in kinds(compare_story([en, civilians], [RAQQA]))


def test_numbers_of_different_days_or_close_values_are_neither_contradiction_nor_agreement():
    def dated(aid, source, sentence, value, day):
        a = article(
            aid, source, "de", [sentence], quantities=[(str(value), value, "Dollar")], entities=[("Euro", "e-euro")]
        )
        at = sentence.find(day)
        a.dates.append(DateMention(at, at + len(day), day, None, relative=True))
        a.claims[0].date_ids = [0]
        return a

    euro = Entity("e-euro", "Euro", "other", ["Euro"])
    thursday = dated("d1", "A", "Am Donnerstag kostete der Euro im Handel 1120 Dollar.", 1120, "Donnerstag")
    friday = dated("d2", "B", "Am Freitag kostete der Euro im Handel 1500 Dollar.", 1500, "Freitag")
    assert "contradict" not in kinds(compare_story([thursday, friday], [euro]))
    close = dated("d3", "C", "Am Donnerstag kostete der Euro im Handel 1140 Dollar.", 1140, "Donnerstag")
    assert not {"contradict", "agree"} & set(kinds(compare_story([thursday, close], [euro])))
    far = dated("d4", "D", "Am Donnerstag kostete der Euro im Handel 1500 Dollar.", 1500, "Donnerstag")
    assert "contradict" in kinds(compare_story([thursday, far], [euro]))


def test_a_negated_verb_alone_or_negations_on_both_sides_are_no_contradiction():
    a = article("n1", "Outlet A", "en", ["Forecasters do not expect the cold wave to come back this week."])
    b = article("n2", "Outlet B", "en", ["Light rains are expected over the capital this week."])
    assert "contradict" not in kinds(compare_story([a, b], []))
    a = article(
        "n3", "Outlet A", "de", ["Der Moderator Richard Gutjahr will nicht mehr für den Bayerischen Rundfunk arbeiten."]
    )
    b = article(
        "n4", "Outlet B", "de", ["Der Journalist Richard Gutjahr arbeitet nicht mehr für den Bayerischen Rundfunk."]
    )
    assert "contradict" not in kinds(compare_story([a, b], []))


def test_french_denial_meets_a_synonym_of_what_it_denies():
    a = article(
        "a4",
        "Le Monde",
        "fr",
        ["La coalition a nié être impliquée dans l'accord de Raqqa."],
        entities=[("Raqqa", "e-raqqa")],
    )
    b = article(
        "b4",
        "Libération",
        "fr",
        ["L'accord de Raqqa, soutenu par Washington, a permis le départ des combattants."],
        entities=[("Raqqa", "e-raqqa")],
    )
    c = compare_story([a, b], [RAQQA])
    (r,) = [r for r in c.relations if r.type == "contradict"]
    assert r.reason == "denial"


def test_hedged_report_is_discuss_not_contradict():
    a = article(
        "a5", "Outlet A", "en", ["There were conflicting reports about whether the convoy included foreign fighters."]
    )
    b = article("b5", "Outlet B", "en", ["The convoy included foreign fighters and their families."])
    c = compare_story([a, b], [])
    assert kinds(c) == ["discuss"]
    assert c.relations[0].reason == "hedge"


def test_numbers_only_one_source_gives_are_omissions():
    a = article(
        "a6",
        "Outlet A",
        "en",
        ["About 3,000 trapped civilians also left the city on Sunday."],
        quantities=[("About 3,000", 3000, "trapped civilians")],
    )
    b = article("b6", "Outlet B", "en", ["The last fighters left the city on Sunday after a deal."])
    c = compare_story([a, b], [])
    (r,) = [r for r in c.relations if r.type == "omission"]
    assert r.claim_ids == ["c-a6-0"] and r.reason == "single-source"
    # One source alone omits nothing, and neither does the same outlet twice.
    assert not compare_story([a], []).relations
    twin = article("a7", "Outlet A", "en", ["The city emptied on Sunday."])
    assert "omission" not in kinds(compare_story([a, twin], []))


def test_within_one_article_only_a_speaker_contradicting_themself_counts():
    a = article(
        "a8",
        "Outlet A",
        "en",
        [
            "The convoy included foreign fighters from the quarter.",
            "No foreigners were in the convoy from the quarter.",
        ],
    )
    assert not compare_story([a], []).relations  # the outlet's own two sentences, no speaker


def test_a_single_source_story_still_shows_its_speaker_drifting():
    a = article(
        "a11",
        "Outlet A",
        "en",
        [
            "The convoy included foreign fighters from the besieged quarter.",
            "No foreigners were in the convoy from the besieged quarter.",
        ],
        speaker="e-alloush",
    )
    assert "quote_drift" in kinds(compare_story([a], [ALLOUSH]))


def test_relations_are_deterministic():
    a = article(
        "a9", "Outlet A", "en", ["The convoy included foreign fighters from the besieged quarter."], speaker="e-alloush"
    )
    b = article(
        "b9", "Outlet B", "en", ["No foreigners were in the convoy from the besieged quarter."], speaker="e-alloush"
    )
    first, second = compare_story([a, b], [ALLOUSH]), compare_story([a, b], [ALLOUSH])
    assert [r.id for r in first.relations] == [r.id for r in second.relations]


def test_matrix_panel_escapes_everything():
    evil = '<script>alert(1)</script>"'
    a = Article(id="e1", original=evil, source=evil)
    b = Article(id="e2", original="x", source="Outlet B")
    p = Proposition("p-1", evil, ["c-e1-0"], ["e1"], ["asserts"])
    r = Relation("r-1", "omission", ["c-e1-0"], ["e1"], 0.8, "single-source", ["single-source"], "p-1")
    panel = matrix_panel(Story("s-e1", "t", ["e1", "e2"]), [a, b], [p], [r])
    assert isinstance(panel.html, Markup)
    assert "<script>" not in panel.html and "&lt;script&gt;" in panel.html
    assert 'href="#cmp-c-e1-0"' in panel.html and "silent" in panel.html


def test_statements_name_the_speaker_by_canonical_entity():
    from rashomon.present.compare import statement_texts

    a = article("s1", "Outlet A", "en", ["No foreigners left the city."], speaker="e-alloush")
    a.claims[0].speaker = "the official"
    texts = statement_texts([a], {"e-alloush": "Omar Alloush"})
    assert texts["c-s1-0"] == ("Outlet A · Omar Alloush", "No foreigners left the city.")
    assert statement_texts([a])["c-s1-0"][0] == "Outlet A · the official"
