"""Entity mentions and their clusters, per language and on the bundled seeds."""

from __future__ import annotations

import pytest

from conftest import seed_article
from rashomon.analyze.doc import AnalysisDoc
from rashomon.analyze.mentions import cluster_mentions, find_mentions
from rashomon.analyze.sentences import split_sentences


def analysed(text: str, language: str) -> AnalysisDoc:
    doc = AnalysisDoc(text=text, language=language)
    split_sentences(doc)
    find_mentions(doc)
    cluster_mentions(doc)
    return doc


def found(doc: AnalysisDoc) -> set[tuple[str, str]]:
    return {(m.text, m.label) for m in doc.mentions}


def same_cluster(doc: AnalysisDoc, *texts: str) -> bool:
    clusters = {m.cluster for m in doc.mentions if m.text in texts}
    present = {m.text for m in doc.mentions if m.text in texts}
    return present == set(texts) and len(clusters) == 1


def assert_well_formed(doc: AnalysisDoc) -> None:
    previous_end = 0
    for m in doc.mentions:
        assert doc.text[m.start : m.end] == m.text
        assert m.start >= previous_end, "mentions overlap"
        assert m.label in ("person", "organisation", "place", "group", "other")
        assert m.cluster >= 0
        assert m.text == m.text.strip()
        previous_end = m.end


def test_english() -> None:
    doc = analysed(
        "President Donald Trump met Angela Merkel in Washington. Trump's aides said the Syrian Democratic "
        "Forces (SDF) took Raqqa. The SDF's commander said Daesh had fled. Syrians and Kurds celebrated. "
        "Syrian troops advanced with US-backed militias.",
        "en",
    )
    assert_well_formed(doc)
    got = found(doc)
    assert {
        ("Donald Trump", "person"),
        ("Angela Merkel", "person"),
        ("Washington", "place"),
        ("Trump", "person"),
    } <= got
    assert {("Syrian Democratic Forces", "organisation"), ("SDF", "organisation"), ("Daesh", "organisation")} <= got
    assert {("Syrians", "group"), ("Kurds", "group"), ("Raqqa", "place")} <= got
    assert not {t for t, _ in got} & {"Syrian", "US", "the SDF", "Trump's", "President Donald Trump"}
    assert same_cluster(doc, "Donald Trump", "Trump")
    assert same_cluster(doc, "Syrian Democratic Forces", "SDF")


def test_french() -> None:
    doc = analysed(
        "Le président Emmanuel Macron a reçu Vladimir Poutine à Versailles. Selon l’AFP, les Forces "
        "démocratiques syriennes (FDS) ont pris Raqqa. Macron a déclaré que les FDS resteraient. "
        "Les musulmans et les Américains sont inquiets.",
        "fr",
    )
    assert_well_formed(doc)
    got = found(doc)
    assert {("Emmanuel Macron", "person"), ("Vladimir Poutine", "person"), ("AFP", "organisation")} <= got
    assert {("Forces démocratiques syriennes", "organisation"), ("FDS", "organisation")} <= got
    assert {("musulmans", "group"), ("Américains", "group")} <= got
    assert same_cluster(doc, "Emmanuel Macron", "Macron")
    assert same_cluster(doc, "Forces démocratiques syriennes", "FDS")


def test_spanish() -> None:
    doc = analysed(
        "El presidente Donald Trump dijo que los estadounidenses apoyan a las Fuerzas Democráticas Sirias "
        "(FDS). Trump habló en Washington. Las FDS tomaron Raqqa. La policía estadounidense informó.",
        "es",
    )
    assert_well_formed(doc)
    got = found(doc)
    assert {
        ("Donald Trump", "person"),
        ("Trump", "person"),
        ("estadounidenses", "group"),
        ("FDS", "organisation"),
    } <= got
    assert ("estadounidense", "group") not in got  # an adjective
    assert same_cluster(doc, "Donald Trump", "Trump")


def test_german_rules() -> None:
    doc = analysed(
        "Bundeskanzlerin Angela Merkel hat am Montag in Berlin mit dem französischen Präsidenten Emmanuel Macron "
        "gesprochen. „Wir stehen zusammen“, sagte Merkel. Die Polizei in München meldete 3.000 Teilnehmer. "
        "Die Vereinten Nationen und die AfD kritisierten Merkels Kurs. Eine Gruppe Jugendlicher warf Steine "
        "auf BVG-Busse. US-Präsident Donald Trump reiste nach Moskau. Die Amerikaner und die Russen streiten.",
        "de",
    )
    assert_well_formed(doc)
    got = found(doc)
    assert {("Angela Merkel", "person"), ("Emmanuel Macron", "person"), ("Donald Trump", "person")} <= got
    assert {("Berlin", "place"), ("München", "place"), ("Moskau", "place")} <= got
    assert {("AfD", "organisation"), ("Vereinten Nationen", "organisation")} <= got
    assert {("Amerikaner", "group"), ("Russen", "group")} <= got
    texts = {t for t, _ in got}
    assert not texts & {"Die Polizei", "Polizei", "Gruppe Jugendlicher", "Montag", "BVG", "Merkels Kurs", "US"}
    assert same_cluster(doc, "Angela Merkel", "Merkel", "Merkels")


def test_russian() -> None:
    doc = analysed(
        "Президент России Владимир Путин заявил, что ИГИЛ отступает из Ракки. Путину ответил Пентагон. "
        "Министр обороны Сергей Шойгу прибыл в Дейр-эз-Зор. Украинцы и американцы приветствовали решение.",
        "ru",
    )
    assert_well_formed(doc)
    got = found(doc)
    assert {("Владимир Путин", "person"), ("Путину", "person"), ("Сергей Шойгу", "person")} <= got
    assert {("России", "place"), ("ИГИЛ", "organisation"), ("Пентагон", "organisation")} <= got
    assert {("Украинцы", "group"), ("американцы", "group")} <= got
    assert same_cluster(doc, "Владимир Путин", "Путину")


def test_arabic_rules() -> None:
    doc = analysed(
        "قال الرئيس السوري بشار الأسد إن قوات سوريا الديمقراطية انسحبت من الرقة. وأعلنت وزارة الدفاع الروسية "
        "أن تنظيم داعش فر إلى دير الزور. وزار الأسد موسكو. وقال المصريون إن الوضع صعب في القاهرة وبالرقة.",
        "ar",
    )
    assert_well_formed(doc)
    got = found(doc)
    assert {("بشار الأسد", "person"), ("الأسد", "person")} <= got
    assert {("قوات سوريا الديمقراطية", "organisation"), ("وزارة الدفاع الروسية", "organisation")} <= got
    assert {("داعش", "organisation"), ("الرقة", "place"), ("دير الزور", "place"), ("موسكو", "place")} <= got
    assert {("القاهرة", "place"), ("المصريون", "group")} <= got
    # The attached preposition of "وبالرقة" stays out; "بشار" is a name here, not Béchar.
    assert [m.text for m in doc.mentions].count("الرقة") == 2
    assert ("بشار", "place") not in got
    assert same_cluster(doc, "بشار الأسد", "الأسد")


def seed_doc(prefix: str) -> AnalysisDoc:
    article = seed_article(prefix)
    doc = AnalysisDoc(text=article.text, language=article.language)
    split_sentences(doc)
    find_mentions(doc)
    cluster_mentions(doc)
    assert_well_formed(doc)
    return doc


def test_seed_presstv() -> None:
    doc = seed_doc("000")
    got = found(doc)
    persons = {t for t, label in got if label == "person"}
    assert {"Mostafa Bali", "Omar Alloush", "Nuri Mahmud", "Ryan Dillon"} <= persons
    assert {("Raqqah", "place"), ("Dayr al-Zawr", "place"), ("Daesh", "organisation")} <= got
    assert {("Syrian Democratic Forces", "organisation"), ("SDF", "organisation")} <= got
    assert same_cluster(doc, "Syrian Democratic Forces", "SDF")
    # "the SDF's decision": the possessive and the determiner stay out.
    assert [m.text for m in doc.mentions].count("SDF") == 4
    assert not {t for t, _ in got} & {"Takfiri", "Syrian", "Daesh's", "the Raqqah Civil Council"}


def test_seed_asharq() -> None:
    doc = seed_doc("002")
    got = found(doc)
    persons = {t for t, label in got if label == "person"}
    assert {"Omar Alloush", "Rami Abdel Rahman", "Abdel Rahman", "Florence Parly"} <= persons
    assert {("Raqqa", "place"), ("Deir Ezzor", "place"), ("ISIS", "organisation")} <= got
    assert ("Syrian Democratic Forces", "organisation") in got and ("SDF", "organisation") in got
    assert same_cluster(doc, "Syrian Democratic Forces", "SDF")
    assert same_cluster(doc, "Rami Abdel Rahman", "Abdel Rahman")
    # Neither the trailing dash of "Omar Alloush-" nor the organisation swallowing the director.
    assert not {t for t, _ in got} & {"Omar Alloush-", "the Syrian Observatory for Human Rights Rami Abdel Rahman"}


def test_seed_french() -> None:
    doc = seed_doc("001")
    assert doc.language == "fr"
    got = found(doc)
    assert {("EI", "organisation"), ("Etat islamique", "organisation"), ("Abu Kamal", "place")} <= got
    assert {("Syrie", "place"), ("Washington", "place"), ("Américains", "group")} <= got
    assert same_cluster(doc, "EI", "Etat islamique")
    assert not any(m.text in ("qu’", "n’") for m in doc.mentions)


@pytest.mark.parametrize("language", ["en", "fr", "es", "de", "ru", "ar", "pl"])
def test_empty_and_nameless_texts(language: str) -> None:
    for text in ("", "   ", "12 345."):
        doc = analysed(text, language)
        assert doc.mentions == []


def test_a_bare_title_is_not_a_person() -> None:
    doc = analysed("President Donald Trump spoke on Monday. The President said the deadline would move.", "en")
    names = {m.text for m in doc.mentions}
    assert "President" not in names
    assert "Donald Trump" in names
