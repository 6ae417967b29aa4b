"""Conflicts beyond negation words and omissions that mean something, through the real pipeline.

Every case is real text analysed by ``pipeline.analyze_texts`` (sentences, quotes, numbers, dates,
entities) and compared by ``compare.compare_story``, each article its own source; each kind of
conflict has a case that must be found and one that must not.
"""

import pytest

from rashomon.compare import compare_story
from rashomon.pipeline import analyze_texts

CASES = {
    # The wrong contradiction of the 300-article corpus: a suspension of tests is no assertion of tests.
    "moratorium": [
        ("en", "North Korea has not tested a long-range missile since 2017 under a self-imposed moratorium."),
        (
            "en",
            "Kim Jong Un sees little reason to stick to his country's suspension of long-range missile tests,"
            " analysts said.",
        ),
    ],
    # The two wrong contradictions of the merged 300-article check (2026-12-03), as they were written.
    "moratorium-sanctions": [
        (
            "en",
            "North Korea has not tested a long-range missile or nuclear warhead since 2017 under a self-imposed"
            " moratorium.",
        ),
        (
            "en",
            "Talks between North Korea and the US have stalled with Washington refusing to lift sanctions until"
            " Pyongyang fully abandons its nuclear programme.",
        ),
    ],
    "rates-list-cross": [
        (
            "pl",
            "Najwyższy wskaźnik zagrożenia ubóstwem wśród zatrudnionych odnotowano w Rumunii (15,3 proc.),"
            " Luksemburgu (13,5 proc.), Hiszpanii (12,9 proc.) i we Włoszech (12,2 proc.).",
        ),
        (
            "en",
            "Workers are most at risk of poverty in Romania (15.3%), Luxembourg (13.5 people with open-ended"
            " employment contracts it was 6.1%.",
        ),
    ],
    "negated-verb": [
        ("en", "The army did not withdraw its troops from the northern town of Afrin, the ministry said."),
        ("en", "The army withdrew its troops from the northern town of Afrin on Friday."),
    ],
    "negation-elsewhere-cross": [
        ("en", "Kim Jong Un met the officials in Pyongyang on Monday but did not comment on the talks."),
        ("de", "Kim Jong Un traf am Montag die Beamten in Pjöngjang zu Gesprächen."),
    ],
    "days": [
        ("en", "The rebel fighters left the besieged city of Raqqa on Sunday in a long convoy of buses."),
        ("en", "Rebel fighters left the besieged city of Raqqa on Tuesday in a convoy of buses, residents said."),
    ],
    "days-fr": [
        ("fr", "Les combattants ont quitté la ville assiégée de Raqqa dimanche à bord d'un long convoi de bus."),
        ("fr", "Les combattants ont quitté la ville assiégée de Raqqa mardi à bord d'un convoi de bus."),
    ],
    "days-cross": [
        ("en", "The rebel fighters left the besieged city of Raqqa on Sunday in a convoy of buses."),
        ("fr", "Les combattants rebelles ont quitté la ville assiégée de Raqqa mardi dans un convoi de bus."),
    ],
    "day-of-saying": [
        ("en", "Officials said on Tuesday that the rebel fighters left the besieged city of Raqqa in a convoy."),
        ("en", "The rebel fighters left the besieged city of Raqqa on Sunday in a convoy of buses."),
    ],
    # From the review bench: two days' reference rates, each with the day before in brackets.
    "two-moments-de": [
        ("de", "Die Europäische Zentralbank (EZB) setzte den Referenzkurs auf 1,1193 (Dienstag: 1,1234) Dollar fest."),
        (
            "de",
            "Die Europäische Zentralbank (EZB) setzte den Referenzkurs auf 1,1091 (Donnerstag: 1,1110) Dollar fest.",
        ),
    ],
    "state-en": [
        ("en", "The journalist Ahmed Shawkan was released from the prison in Cairo after five years."),
        ("en", "The journalist Ahmed Shawkan was detained in the prison in Cairo after five years, his lawyer said."),
    ],
    "state-es": [
        ("es", "El periodista Ahmed Shawkan fue liberado de la prisión de El Cairo tras cinco años."),
        ("es", "El periodista Ahmed Shawkan fue detenido en la prisión de El Cairo tras cinco años."),
    ],
    "state-de": [
        ("de", "Der Journalist Deniz Yücel wurde in Istanbul nach einem Jahr freigelassen, sagte sein Anwalt."),
        ("de", "Der Journalist Deniz Yücel wurde in Istanbul nach einem Jahr festgenommen."),
    ],
    "state-ru": [
        ("ru", "Журналист Иван Голунов был освобожден из отдела полиции в Москве в субботу."),
        ("ru", "Журналист Иван Голунов был задержан в отделе полиции в Москве в субботу."),
    ],
    # Both states on one side, and a number that matches: two sides of one toll, no conflict.
    "both-states": [
        ("en", "Five soldiers were killed and twelve were wounded in the attack on the base near Kabul."),
        ("en", "Twelve soldiers were wounded in the attack on the base near Kabul, officials said."),
    ],
    "one-quote-two-people": [
        ("en", 'Omar Alloush said: "No foreigners left the city with the convoy on Sunday night."'),
        ("en", 'Ryan Dillon said: "No foreigners left the city with the convoy on Sunday night."'),
    ],
    # Each article names both people: one quotes the other's words, whoever the analysis gave them to.
    "one-quote-both-named": [
        (
            "en",
            'Ryan Dillon spoke after Omar Alloush. Omar Alloush said: "No foreigners left the city with the convoy'
            ' on Sunday night."',
        ),
        (
            "en",
            'Omar Alloush spoke after Ryan Dillon. Ryan Dillon said: "No foreigners left the city with the convoy'
            ' on Sunday night."',
        ),
    ],
    "one-quote-two-speakers": [
        ("en", 'Omar Alloush said: "No foreigners left the city with the convoy on Sunday night."'),
        ("en", 'Omar Alloush told reporters: "No foreigners left the city with the convoy on Sunday night."'),
    ],
    "omission": [
        (
            "en",
            "Police arrested 87 protesters in Hamburg on Sunday after clashes near the summit venue."
            " The summit continued on Monday with talks on trade.",
        ),
        ("en", "The summit in Hamburg continued on Monday with talks on trade between the leaders."),
    ],
    # From the review bench: one toll in two languages and two words for the dead.
    "same-number-cross": [
        ("en", "Italy has suffered more than 20,000 deaths during the pandemic, officials in Rome said."),
        ("de", "Italien zählt mit fast 20.000 Todesopfern zu den am stärksten betroffenen Ländern."),
    ],
    "furniture-de": [
        ("de", "Berlin mit 2 Bildern\n\nDie Polizei hat am Sonntag in Berlin mehrere Demonstranten festgenommen."),
        ("de", "Die Polizei hat in Berlin am Sonntag mehrere Demonstranten festgenommen."),
    ],
    "pronoun-two-and-team-name": [
        (
            "en",
            "Trump and Macron met in Paris on Friday to discuss trade. The two like each other, an aide said."
            " The Big 12 team played in Paris on Friday.",
        ),
        ("en", "Trump and Macron met in Paris on Friday to discuss trade."),
    ],
    "furniture-fr": [
        ("fr", "Le sommet de Hambourg en 3 photos\n\nLe sommet s'est poursuivi lundi à Hambourg avec le commerce."),
        ("fr", "Le sommet s'est poursuivi lundi à Hambourg avec des discussions sur le commerce."),
    ],
}


@pytest.fixture(scope="module")
def compared():
    items = [(f"{name}-{n}", text, lang) for name, texts in CASES.items() for n, (lang, text) in enumerate(texts)]
    articles, entities = analyze_texts(items)
    by_case: dict[str, list] = {}
    for a in articles:
        a.source = f"Outlet {a.id}"
        by_case.setdefault(a.id.rsplit("-", 1)[0], []).append(a)
    return {name: (compare_story(arts, entities), arts) for name, arts in by_case.items()}


def contradictions(compared, name):
    return [r for r in compared[name][0].relations if r.type == "contradict"]


def test_a_suspension_is_not_an_assertion_that_the_negation_contradicts(compared):
    assert contradictions(compared, "moratorium") == []


def test_a_negation_elsewhere_leaves_opposite_state_words_unclear(compared):
    assert contradictions(compared, "moratorium-sanctions") == []


def test_a_list_of_like_figures_sharing_one_is_no_number_conflict(compared):
    # Romania's and Luxembourg's rates match across the two languages; the English text is garbled after them.
    assert contradictions(compared, "rates-list-cross") == []


def test_a_negated_verb_both_sides_share_still_contradicts(compared):
    (r,) = contradictions(compared, "negated-verb")
    assert r.reason == "negation-mismatch"


def test_across_languages_a_negation_of_another_detail_is_no_contradiction(compared):
    assert contradictions(compared, "negation-elsewhere-cross") == []


@pytest.mark.parametrize("name", ["days", "days-fr", "days-cross"])
def test_two_days_for_the_same_event(compared, name):
    (r,) = contradictions(compared, name)
    assert r.reason == "date-mismatch"


def test_the_day_something_was_said_is_not_the_day_it_happened(compared):
    assert contradictions(compared, "day-of-saying") == []


def test_two_days_with_two_different_numbers_are_two_moments(compared):
    assert contradictions(compared, "two-moments-de") == []


@pytest.mark.parametrize("name", ["state-en", "state-es", "state-de", "state-ru"])
def test_opposite_states_of_the_same_person(compared, name):
    (r,) = contradictions(compared, name)
    assert r.reason == "antonym"


def test_both_states_on_one_side_and_a_matching_number_are_no_contradiction(compared):
    assert contradictions(compared, "both-states") == []


def test_one_direct_quote_given_to_two_people(compared):
    (r,) = contradictions(compared, "one-quote-two-people")
    assert r.reason == "attribution-mismatch"


def test_a_quote_whose_speakers_both_articles_name_is_no_attribution_conflict(compared):
    assert contradictions(compared, "one-quote-both-named") == []


def test_one_speaker_quoted_twice_alike_is_not_an_attribution_conflict(compared):
    assert contradictions(compared, "one-quote-two-speakers") == []


def test_an_uncovered_number_in_the_lead_is_a_salient_omission(compared):
    comparison, (first, _) = compared["omission"]
    (r,) = [r for r in comparison.relations if r.type == "omission"]
    assert r.article_ids == [first.id]
    assert {"number", "lead"} <= set(r.reasons) and r.confidence >= 0.75


@pytest.mark.parametrize("name", ["furniture-de", "pronoun-two-and-team-name", "furniture-fr", "same-number-cross"])
def test_numbers_that_count_nothing_or_another_source_gives_are_never_omissions(compared, name):
    comparison, _ = compared[name]
    assert [r for r in comparison.relations if r.type == "omission"] == []
