"""Cleaning stage: mojibake, boilerplate, repeats, whitespace, offsets, metadata."""

from __future__ import annotations

import random
import re
from pathlib import Path

import ftfy
import ftfy.bad_codecs  # noqa: F401  registers sloppy-windows-1252
import pytest

from conftest import run_cli
from rashomon.clean import clean_article, extract_metadata
from rashomon.clean.boilerplate import (
    BoilerplateDataError,
    BoilerplateMatcher,
    BoilerplateRule,
    boilerplate_matcher,
    first_chars,
    required_literals,
)
from rashomon.clean.dateline import parse_dateline
from rashomon.clean.head import outlet_name, split_title, strip_site_noise
from rashomon.model import Article, OffsetMap, Span
from rashomon.resources import parse_data_file

SEEDS = Path(__file__).resolve().parent.parent / "examples" / "seeds"
LANG_DATA = Path(__file__).resolve().parent.parent / "rashomon" / "lang" / "data"
CLEAN_DATA = Path(__file__).resolve().parent.parent / "rashomon" / "clean" / "data"
REQUIRED_LANGUAGES = ("xx", "en", "fr", "es", "de", "ru", "ar", "it", "pl", "tr")

WORD = re.compile(r"\S+")


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def cleaned(original: str, **fields: object) -> Article:
    article = Article(id="t", original=original, **fields)  # type: ignore[arg-type]
    return clean_article(article)


def with_metadata(original: str, **fields: object) -> Article:
    return extract_metadata(cleaned(original, **fields))


def removed_reasons(article: Article) -> list[str]:
    return [r.reason for r in article.removed]


def assert_words_map_back(article: Article, repaired_ok: bool = False) -> None:
    """Every word of the cleaned text is found, as is, where the map sends it.

    With ``repaired_ok`` a word may instead come from mojibake that ftfy repairs
    to exactly that word.
    """
    for found in WORD.finditer(article.text):
        span = article.offsets.span_to_original(found.start(), found.end())
        source = article.original[span.start : span.end]
        if source != found.group() and repaired_ok:
            source = ftfy.fix_text(source, uncurl_quotes=False, normalization=None)
        assert source == found.group(), (found.group(), span, article.original[span.start : span.end])


def assert_nothing_silently_dropped(article: Article) -> None:
    """Every visible character of the original is in the text or in a Removed."""
    covered = bytearray(len(article.original))
    for clean_start, orig_start, clean_len, orig_len in article.offsets.pieces:
        if article.text[clean_start : clean_start + clean_len].strip():  # not a paragraph joint
            covered[orig_start : orig_start + orig_len] = b"\x01" * orig_len
    for r in article.removed:
        covered[r.start : r.end] = b"\x01" * (r.end - r.start)
    for index, char in enumerate(article.original):
        assert covered[index] or char.isspace(), (index, char, article.original[index - 20 : index + 20])


def assert_removed_consistent(article: Article) -> None:
    """Removed spans are sorted, inside the original, disjoint, and no kept word
    maps into one of them."""
    previous_end = 0
    for r in article.removed:
        assert 0 <= r.start < r.end <= len(article.original)
        assert r.start >= previous_end
        previous_end = r.end
    for found in WORD.finditer(article.text):
        span = article.offsets.span_to_original(found.start(), found.end())
        for r in article.removed:
            assert span.end <= r.start or span.start >= r.end, (found.group(), r)


# ---------------------------------------------------------------- the three seeds


def test_seed_000_drops_head_caption_and_footer() -> None:
    article = with_metadata(seed("000"))
    assert article.text.startswith("The US-backed alliance of militants")
    assert "No comments" not in article.text
    assert "(Photo by Reuters)" not in article.text
    assert article.text.endswith("a prelude to further flare-up of tensions.")
    assert article.title == "Daesh Militants Quit Raqqah Under US-backed Deal"
    assert article.published == "2017-10-15"
    assert article.source == "presstv.ir"
    reasons = removed_reasons(article)
    assert reasons.count("metadata:date") == 2
    assert "metadata:title" in reasons and "metadata:outlet" in reasons
    assert any(reason.startswith("boilerplate:photo-caption") for reason in reasons)
    assert any(reason.startswith("boilerplate:comments") for reason in reasons)


def test_seed_001_keeps_its_repeated_first_paragraph_once() -> None:
    original = seed("001")
    first_paragraph = original.splitlines()[0]
    article = with_metadata(original)
    assert article.text.count(first_paragraph) == 1
    assert article.text.startswith(first_paragraph)
    assert removed_reasons(article) == ["repeated-paragraph"]
    repeat = article.removed[0]
    assert original[repeat.start : repeat.end] == first_paragraph
    assert (article.title, article.published, article.source) == (None, None, None)


def test_seed_002_drops_chrome_and_reads_title_suffix() -> None:
    article = with_metadata(seed("002"))
    for chrome in ("Select Page", "Media ID", "Caption:", "PHOTO: REUTERS", "Middle-east Arab News Opinion"):
        assert chrome not in article.text
    assert article.text.startswith("Beirut- The Syrian Democratic Forces")
    assert article.title == "ISIS Militants Cleared from Raqqa… Mystery Surrounds Their Destination"
    assert article.source == "Asharq Al-Awsat"
    assert article.published is None  # only a photo caption mentions a date


@pytest.mark.parametrize("prefix", ["000", "001", "002"])
def test_seeds_map_every_word_back(prefix: str) -> None:
    article = cleaned(seed(prefix))
    assert_words_map_back(article)
    assert_removed_consistent(article)
    assert_nothing_silently_dropped(article)


@pytest.mark.parametrize("prefix", ["000", "001", "002"])
def test_seed_paragraphs_are_separated_by_one_blank_line(prefix: str) -> None:
    text = cleaned(seed(prefix)).text
    assert "\n\n\n" not in text
    assert all(paragraph and paragraph == paragraph.strip() for paragraph in text.split("\n\n"))
    assert "\xa0" not in text and "  " not in text


def test_clean_then_metadata_equals_metadata_then_clean() -> None:
    for prefix in ("000", "001", "002"):
        first = extract_metadata(clean_article(Article(id="a", original=seed(prefix))))
        second = clean_article(extract_metadata(Article(id="b", original=seed(prefix))))
        assert (first.text, first.removed, first.title) == (second.text, second.removed, second.title)


# ---------------------------------------------------------------- mojibake


def test_mojibake_is_repaired_and_mapped_back() -> None:
    article = cleaned("L’Ã©tÃ© dernier, le ministÃ¨re a parlÃ©.\nRussiaâ€™s army said so.")
    assert article.text == "L’été dernier, le ministère a parlé.\n\nRussia’s army said so."
    assert_words_map_back(article, repaired_ok=True)
    # A repaired word maps to the whole damaged stretch it came from.
    start = article.text.index("été")
    span = article.offsets.span_to_original(start, start + 3)
    assert article.original[span.start : span.end] == "Ã©tÃ©"


def test_a_fully_double_encoded_article_cleans_like_the_intact_one() -> None:
    intact = cleaned(seed("001"))
    damaged = cleaned(seed("001").encode("utf-8").decode("sloppy-windows-1252"))
    assert damaged.text == intact.text
    assert_words_map_back(damaged, repaired_ok=True)
    assert_removed_consistent(damaged)
    assert_nothing_silently_dropped(damaged)
    # Each repaired character maps to exactly the bytes it was read from.
    start = damaged.text.index("ministère")
    span = damaged.offsets.span_to_original(start, start + len("ministère"))
    assert damaged.original[span.start : span.end] == "ministÃ¨re"


def test_utf8_read_as_cp1251_is_repaired() -> None:
    russian = "Москва заявила о завершении операции в Ракке."
    article = cleaned(russian.encode("utf-8").decode("windows-1251"))
    assert article.text == russian
    for found in WORD.finditer(article.text):
        span = article.offsets.span_to_original(found.start(), found.end())
        source = article.original[span.start : span.end]
        assert source.encode("windows-1251").decode("utf-8") == found.group()


def test_legitimate_accents_next_to_quotes_are_not_mojibake() -> None:
    text = "Er sagte „Fuß“ und „Maß“, dann ging er. Café’s owner said “ok”."
    assert cleaned(text).text == text


def test_control_characters_and_escapes_are_dropped_but_accounted_for() -> None:
    article = cleaned("Breaking\x1b[0m news: the convoy left\x07 the city on Sunday evening.")
    assert article.text == "Breaking news: the convoy left the city on Sunday evening."
    assert_words_map_back(article, repaired_ok=True)
    assert_nothing_silently_dropped(article)


def test_repair_keeps_the_outlets_own_typography() -> None:
    text = "“Quoted” ﬁne ＡＢＣ — it’s e\u0301 intact, and Ã©tÃ© too."
    assert cleaned(text).text == "“Quoted” ﬁne ＡＢＣ — it’s e\u0301 intact, and été too."


def test_clean_utf8_text_is_left_alone() -> None:
    text = "Le ministère de la Défense a parlé à l’armée. Москва, 15 октября. القاهرة – رويترز"
    article = cleaned(text)
    assert article.text == text
    assert article.offsets.pieces == [(0, 0, len(text), len(text))]


def test_html_entities_are_decoded() -> None:
    article = cleaned("AT&amp;T and Procter &amp; Gamble agreed on the terms of the deal.")
    assert article.text == "AT&T and Procter & Gamble agreed on the terms of the deal."
    assert_words_map_back(article, repaired_ok=True)


# ---------------------------------------------------------------- whitespace


def test_whitespace_runs_collapse_and_lines_become_paragraphs() -> None:
    original = "  First\tline  with\u00a0\u00a0gaps \u00a0\r\n\r\n\r\n\r\nSecond line\nThird line\u2009\n\n\n"
    article = cleaned(original)
    assert article.text == "First line with gaps\n\nSecond line\n\nThird line"
    assert_words_map_back(article)


def test_blank_input_gives_empty_text() -> None:
    for original in ("", " \n\t\n\u00a0 "):
        article = cleaned(original)
        assert (article.text, article.removed) == ("", [])


def test_hard_wrapped_sentence_is_joined() -> None:
    original = (
        "The agreement was signed by both sides after long talks and\n"
        "the ceasefire took effect at midnight, officials said.\n"
        "A second paragraph follows here."
    )
    article = with_metadata(original)
    assert article.text == (
        "The agreement was signed by both sides after long talks and the ceasefire took "
        "effect at midnight, officials said.\n\nA second paragraph follows here."
    )
    assert article.title is None
    assert_words_map_back(article)


def test_separators_map_to_the_gap_between_paragraphs() -> None:
    original = "Alpha paragraph.\n\nMedia ID: 123\n\nBeta paragraph."
    article = cleaned(original)
    assert article.text == "Alpha paragraph.\n\nBeta paragraph."
    span = article.offsets.span_to_original(0, len(article.text))
    assert (span.start, span.end) == (0, len(original))


# ---------------------------------------------------------------- repeated paragraphs


def test_repeated_paragraph_is_collapsed_whatever_its_case_and_spacing() -> None:
    paragraph = "The convoy left the city on Sunday evening, local officials said."
    original = f"{paragraph}\n\nSomething else happened next.\n\n{paragraph.upper()}  \n\n{paragraph}"
    article = cleaned(original)
    assert article.text == f"{paragraph}\n\nSomething else happened next."
    assert removed_reasons(article) == ["repeated-paragraph", "repeated-paragraph"]


def test_short_repeated_lines_are_kept() -> None:
    original = (
        "Reuters\n\nThe first report came from the ground on Sunday morning.\n\n"
        "Reuters\n\nThe second report came from officials later that night."
    )
    assert cleaned(original).text.count("Reuters") == 2


# ---------------------------------------------------------------- boilerplate by language

CHROME_BY_LANGUAGE: dict[str, list[tuple[str, str]]] = {
    "en": [
        ("Select Page", "menu"),
        ("Skip to main content", "menu"),
        ("Home » World » Middle East", "menu"),
        ("News World Business Opinion Sport", "menu"),
        ("Media ID: 55385332", "media-id"),
        ("Caption:", "photo-caption"),
        ("PHOTO: REUTERS", "photo-caption"),
        ("Photo by AFP", "photo-caption"),
        ("A man walks past a damaged building in Raqqa. (AP Photo/Hassan Ammar)", "photo-caption"),
        ("Share this article", "share"),
        ("Share on Facebook", "share"),
        ("Facebook Twitter WhatsApp Email", "share"),
        ("Subscribe to our newsletter", "subscribe"),
        ("Sign up for our daily newsletter to get the news first.", "subscribe"),
        ("Follow us on Twitter", "follow"),
        ("Follow Reuters on Twitter and Facebook.", "follow"),
        ("We use cookies to improve your experience on our website. By continuing you accept them.", "cookie"),
        ("Accept all cookies", "cookie"),
        ("Read more: Syria's war explained", "read-more"),
        ("Related: Kurdish forces advance on Raqqa", "related"),
        ("Related Articles", "related"),
        ("You may also like", "related"),
        ("No comments:", "comments"),
        ("12 Comments", "comments"),
        ("Leave a comment", "comments"),
        ("Copyright 2017 Reuters. All rights reserved.", "copyright"),
        ("© 2017 Press TV", "copyright"),
        ("Advertisement", "advert"),
        ("Labels: Syria, Raqqa, ISIS", "tags"),
        ("Posted by Admin at 11:03 AM", "post-footer"),
    ],
    "fr": [
        ("Aller au contenu principal", "menu"),
        ("Accueil > International > Proche-Orient", "menu"),
        ("Légende : des soldats à Raqqa", "photo-caption"),
        ("Photo : AFP", "photo-caption"),
        ("Des soldats patrouillent dans les rues de Raqqa. Crédit photo : AFP", "photo-caption"),
        ("Partager cet article", "share"),
        ("Abonnez-vous à notre newsletter", "subscribe"),
        ("Suivez-nous sur Twitter", "follow"),
        ("Nous utilisons des cookies pour vous garantir la meilleure expérience sur notre site.", "cookie"),
        ("Lire aussi : La bataille de Raqqa touche à sa fin", "read-more"),
        ("Sur le même sujet", "related"),
        ("Aucun commentaire", "comments"),
        ("© Le Monde 2017 Tous droits réservés", "copyright"),
        ("Publicité", "advert"),
    ],
    "es": [
        ("Ir al contenido", "menu"),
        ("Pie de foto: soldados en Raqqa", "photo-caption"),
        ("Foto: EFE", "photo-caption"),
        ("Compartir en Facebook", "share"),
        ("Suscríbete a nuestro boletín", "subscribe"),
        ("Síguenos en Twitter", "follow"),
        ("Utilizamos cookies propias y de terceros para mejorar nuestros servicios.", "cookie"),
        ("Lee también: Las fuerzas kurdas avanzan", "read-more"),
        ("Noticias relacionadas", "related"),
        ("No hay comentarios", "comments"),
        ("Todos los derechos reservados", "copyright"),
        ("Publicidad", "advert"),
    ],
    "de": [
        ("Zum Inhalt springen", "menu"),
        ("Bildunterschrift: Kämpfer in Rakka", "photo-caption"),
        ("Foto: Reuters", "photo-caption"),
        ("Kämpfer der SDF stehen in Rakka vor zerstörten Gebäuden. Foto: dpa", "photo-caption"),
        ("Artikel teilen", "share"),
        ("Newsletter abonnieren", "subscribe"),
        ("Folgen Sie uns auf Twitter", "follow"),
        ("Wir verwenden Cookies, um Ihnen das beste Nutzererlebnis bieten zu können.", "cookie"),
        ("Lesen Sie auch: Die Schlacht um Rakka", "read-more"),
        ("Mehr zum Thema", "read-more"),
        ("Keine Kommentare", "comments"),
        ("Alle Rechte vorbehalten", "copyright"),
        ("Anzeige", "advert"),
    ],
    "ru": [
        ("Перейти к содержимому", "menu"),
        ("Фото: Reuters", "photo-caption"),
        ("Бойцы СДС в Ракке. Фото: РИА Новости", "photo-caption"),
        ("Поделиться", "share"),
        ("Подписывайтесь на наш канал в Telegram", "subscribe"),
        ("Мы используем файлы cookie, чтобы улучшить работу сайта.", "cookie"),
        ("Читайте также: Бои за Ракку завершились", "read-more"),
        ("Новости по теме", "related"),
        ("Нет комментариев", "comments"),
        ("© 2017 РИА Новости. Все права защищены.", "copyright"),
        ("Реклама", "advert"),
    ],
    "ar": [
        ("انتقل إلى المحتوى", "menu"),
        ("الصورة: رويترز", "photo-caption"),
        ("مقاتلون من قوات سوريا الديمقراطية في الرقة (صورة: رويترز)", "photo-caption"),
        ("شارك المقال", "share"),
        ("اشترك في النشرة البريدية", "subscribe"),
        ("تابعونا على تويتر", "follow"),
        ("يستخدم هذا الموقع ملفات تعريف الارتباط لتحسين تجربتك", "cookie"),
        ("اقرأ أيضا: معركة الرقة تقترب من نهايتها", "read-more"),
        ("أخبار ذات صلة", "related"),
        ("لا توجد تعليقات", "comments"),
        ("جميع الحقوق محفوظة", "copyright"),
        ("إعلان", "advert"),
    ],
    "it": [
        ("Foto: Ansa", "photo-caption"),
        ("Condividi su Facebook", "share"),
        ("Leggi anche: la battaglia di Raqqa", "read-more"),
        ("Riproduzione riservata © Copyright ANSA", "copyright"),
    ],
    "pl": [
        ("Fot. PAP", "photo-caption"),
        ("Czytaj także: Bitwa o Rakkę", "read-more"),
        ("Wszelkie prawa zastrzeżone", "copyright"),
    ],
    "tr": [
        ("Fotoğraf: AA", "photo-caption"),
        ("İlgili Haberler", "related"),
        ("Tüm hakları saklıdır", "copyright"),
    ],
}


@pytest.mark.parametrize(
    ("language", "line", "category"),
    [(lang, line, cat) for lang, cases in CHROME_BY_LANGUAGE.items() for line, cat in cases],
)
def test_chrome_line_is_removed_with_its_category(language: str, line: str, category: str) -> None:
    body = "The talks went on for several hours before both sides agreed on the final text."
    article = cleaned(f"{body}\n\n{line}\n\n{body.replace('talks', 'meetings')}")
    assert line not in article.text, line
    (removal,) = article.removed
    assert removal.reason.startswith(f"boilerplate:{category}:"), (line, removal.reason)
    assert article.original[removal.start : removal.end] == line
    assert_words_map_back(article)


NORMAL_ARTICLE = """\
Residents began to share their stories on Sunday as the last fighters left Raqqa.

Officials declined to comment on the deal, and several comments posted online were later deleted.

"Follow the money and you will understand this war," one resident said, asking not to be named.

The coalition shared photos of the convoy; a photo published by the agency showed dozens of buses.

Read the statement in full and you will see it says nothing about foreign fighters, he added.

Copyright lawyers, bakers selling cookies and newsletter editors were among the first to return.

Subscribers to the local radio station heard the news before anyone else in the province.

Related developments in Deir Ezzor are expected to dominate talks in Geneva next week.

Share prices in Damascus rose slightly on Monday.

No comment was made by the ministry.

More than 3,000 civilians also left the city, according to the observatory.

Home to 300,000 people before the war, the city is now largely in ruins.

Print editions of the paper were not distributed in the region for three days.

Le ministère a partagé ses commentaires avec la presse, selon un communiqué publié dimanche.

Die Regierung will die Kommentare der Opposition prüfen, sagte ein Sprecher am Montag.

Власти поделились фотографиями колонны, сообщили в министерстве обороны.

قال مسؤولون إن القافلة غادرت المدينة مساء الأحد بعد اتفاق مع وجهاء العشائر.
"""


def test_a_normal_article_loses_nothing() -> None:
    article = with_metadata(NORMAL_ARTICLE)
    assert article.removed == []
    assert article.text == NORMAL_ARTICLE.strip()
    assert article.title is None


def test_body_sentences_with_chrome_words_are_not_boilerplate() -> None:
    matcher = boilerplate_matcher()
    for line in NORMAL_ARTICLE.splitlines():
        if line:
            assert matcher.match(line) is None, (line, matcher.match(line))


def test_caption_credit_needs_a_credit_not_any_words() -> None:
    matcher = boilerplate_matcher()
    assert matcher.match("The agency released a photo: soldiers stand near the border fence.") is None
    assert matcher.match("Smoke rises over Raqqa on Oct 12, 2017. PHOTO: REUTERS") is not None


SCRAPED_PAGES = [
    (
        "Accueil > International > Proche-Orient\n"
        "Syrie : les derniers jihadistes quittent Raqqa | Le Monde\n"
        "Publié le 15 octobre 2017 à 11h03 - Mis à jour le 15 octobre 2017 à 14h20\n"
        "Partager sur Facebook\nPartager sur Twitter\n"
        "Les Forces démocratiques syriennes ont annoncé dimanche le départ des derniers combattants de Raqqa.\n"
        "Lire aussi : A Raqqa, la bataille finale\n"
        "Selon un porte-parole, environ 275 combattants syriens ont quitté la ville.\n"
        "Abonnez-vous à partir de 1 €\n",
        ("Syrie : les derniers jihadistes quittent Raqqa", "2017-10-15", "Le Monde"),
    ),
    (
        "Startseite Politik Ausland Nahost\n"
        "Syrien: IS-Kämpfer verlassen Rakka - SPIEGEL ONLINE\n"
        "15.10.2017, 11:03 Uhr\n"
        "Die Demokratischen Kräfte Syriens haben die letzten Kämpfer der Terrormiliz aus Rakka abziehen lassen.\n"
        "Foto: REUTERS\nMehr zum Thema\n"
        "Ein Sprecher sagte, die Kämpfer hätten die Stadt in der Nacht verlassen.\n"
        "Diesen Artikel teilen\n© SPIEGEL ONLINE 2017\nAlle Rechte vorbehalten\n",
        ("Syrien: IS-Kämpfer verlassen Rakka", "2017-10-15", "Spiegel"),
    ),
    (
        "Главная / В мире\n"
        "Последние боевики ИГ покинули Ракку\n"
        "15 октября 2017, 11:03\n"
        "ria.ru\n"
        "Сирийские демократические силы заявили о выходе последних боевиков из Ракки, сообщает агентство.\n"
        "Фото: Reuters\n"
        "Читайте также: Битва за Ракку подходит к концу\n"
        "По словам представителя СДС, город покинули около 275 сирийских боевиков.\n"
        "Подписывайтесь на наш канал в Telegram\n",
        ("Последние боевики ИГ покинули Ракку", "2017-10-15", "ria.ru"),
    ),
    (
        "الرئيسية\n"
        "خروج آخر مسلحي داعش من الرقة | الشرق الأوسط\n"
        "الأحد 15 تشرين الأول 2017\n"
        "قالت قوات سوريا الديمقراطية يوم الأحد إن آخر مقاتلي تنظيم داعش غادروا مدينة الرقة بموجب اتفاق.\n"
        "اقرأ أيضا: معركة الرقة تقترب من نهايتها\n"
        "وأضاف المتحدث أن نحو 275 مقاتلا سوريا غادروا المدينة.\n"
        "جميع الحقوق محفوظة © 2017\n",
        ("خروج آخر مسلحي داعش من الرقة", "2017-10-15", "الشرق الأوسط"),
    ),
]


@pytest.mark.parametrize(("page", "metadata"), SCRAPED_PAGES)
def test_scraped_pages_keep_only_their_body(page: str, metadata: tuple[str, str, str]) -> None:
    article = with_metadata(page)
    body = [line for line in page.splitlines() if len(line.split()) >= 6 and line.endswith(".")]
    assert article.text == "\n\n".join(body)
    assert (article.title, article.published, article.source) == metadata
    assert_words_map_back(article)
    assert_removed_consistent(article)
    assert_nothing_silently_dropped(article)


# ---------------------------------------------------------------- data files


def test_every_language_has_boilerplate_data() -> None:
    for code in REQUIRED_LANGUAGES:
        assert (LANG_DATA / code / "boilerplate.txt").is_file(), code


def test_boilerplate_data_compiles_without_capturing_groups() -> None:
    rules = boilerplate_matcher().rules
    assert {rule.code for rule in rules} >= set(REQUIRED_LANGUAGES)
    for rule in rules:
        assert re.compile(rule.pattern).groups == 0, rule


@pytest.mark.parametrize("code", ["en", "fr", "es", "de", "ru", "ar"])
def test_main_languages_cover_every_category(code: str) -> None:
    categories = {rule.category for rule in boilerplate_matcher().rules if rule.code == code}
    wanted = {"menu", "photo-caption", "share", "subscribe", "follow", "cookie", "read-more", "related", "comments"}
    assert wanted <= categories, wanted - categories


def test_bad_patterns_are_reported_with_their_place() -> None:
    with pytest.raises(BoilerplateDataError, match="xx/boilerplate.txt:3"):
        BoilerplateMatcher([BoilerplateRule("xx", 3, "menu", "(menu)")])
    with pytest.raises(BoilerplateDataError, match="unterminated|missing"):
        BoilerplateMatcher([BoilerplateRule("en", 7, "menu", "(?:menu")])


def test_data_file_format() -> None:
    lines = parse_data_file("en", "# comment\n\nloose\n[menu]\n  select page  \n\\#tag\n")
    assert [(line.section, line.value, line.line_no) for line in lines] == [
        ("", "loose", 3),
        ("menu", "select page", 5),
        ("menu", "\\#tag", 6),
    ]


def test_matcher_shortcuts_are_sound() -> None:
    # The first-character and required-word shortcuts may only skip rules that
    # could not have matched.
    assert first_chars("(?:the )?menu") == frozenset({"t", "m"})
    assert first_chars(r"\d+ comments") is None
    assert required_literals(r".{0,200}all rights reserved\b.{0,100}") == frozenset({"all rights reserved"})
    assert required_literals(r".{5,}(?:photo|foto)s?:") == frozenset({"photo", "foto"})
    assert required_literals(r".{0,20}\d+") is None
    matcher = BoilerplateMatcher(
        [
            BoilerplateRule("xx", 1, "a", "(?:the )?menu"),
            BoilerplateRule("xx", 2, "b", r".{0,50}HAKLARI saklıdır"),
        ]
    )
    assert matcher.match("THE MENU") is not None
    assert matcher.match("Menu") is not None
    assert matcher.match("© 2017 TÜM HAKLARI SAKLIDIR") is not None


def test_clean_data_files_exist_for_every_language() -> None:
    for code in REQUIRED_LANGUAGES:
        assert (CLEAN_DATA / code / "dateline.txt").is_file(), code
        assert (CLEAN_DATA / code / "site_suffix.txt").is_file(), code


# ---------------------------------------------------------------- datelines and metadata


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("Sunday, October 15, 2017", "2017-10-15"),
        ("Sun Oct 15, 2017 11:03AM", "2017-10-15"),
        ("Updated 11:03 AM ET, Sun October 15, 2017", "2017-10-15"),
        ("Publié le 15 octobre 2017 à 11h03", "2017-10-15"),
        ("domingo, 15 de octubre de 2017", "2017-10-15"),
        ("Veröffentlicht am 15.10.2017 um 11:03 Uhr", "2017-10-15"),
        ("15 октября 2017 г., 11:03", "2017-10-15"),
        ("الأحد 15 أكتوبر 2017", "2017-10-15"),
        ("الأحد 15 تشرين الأول 2017", "2017-10-15"),
        ("15 ottobre 2017 alle 11:03", "2017-10-15"),
        ("niedziela, 15 października 2017 r.", "2017-10-15"),
        ("Pazar, 15 Ekim 2017", "2017-10-15"),
        ("2017-10-15T11:03:00Z", "2017-10-15"),
        ("15/10/2017", "2017-10-15"),
        ("Published 15 Oct 2017 | Updated 16 Oct 2017", "2017-10-15"),
        ("Publié le 15 octobre 2017 à 11h03 - Mis à jour le 16 octobre 2017 à 14h20", "2017-10-15"),
    ],
)
def test_datelines_in_many_languages(line: str, iso: str) -> None:
    found = parse_dateline(line)
    assert found is not None and found.date is not None and found.date.isoformat() == iso


@pytest.mark.parametrize(
    "line",
    [
        "Daesh Militants Quit Raqqah Under US-backed Deal",
        "On 15 October 2017, troops entered the city.",
        "The 15 October 2017 raid",
        "October 2017",
        "2005 -2017",
        "31 February 2017",
        "presstv.ir",
    ],
)
def test_lines_that_are_not_datelines(line: str) -> None:
    assert parse_dateline(line) is None


def test_numeric_date_order_needs_the_language() -> None:
    body = "The talks resumed on Friday after a pause of several weeks, diplomats said."
    original = f"10/11/2017\n\nTalks Resume in Geneva\n\n{body}"
    assert with_metadata(original).published is None
    assert with_metadata(original, language="fr").published == "2017-11-10"
    assert with_metadata(original, language="en").published == "2017-10-11"
    assert "10/11/2017" not in cleaned(original).text


def test_given_fields_are_never_overwritten() -> None:
    article = with_metadata(seed("000"), given={"title": "Given title", "published": None, "source": "Press TV"})
    assert article.title is None and article.published is None and article.source is None
    preset = Article(id="p", original=seed("000"), title="Set before", source="Known outlet")
    extract_metadata(preset)
    assert (preset.title, preset.source, preset.published) == ("Set before", "Known outlet", "2017-10-15")


def test_a_known_title_is_found_and_removed_even_if_it_is_not_title_like() -> None:
    original = "the lower-case headline, as the feed gave it\n\n" + seed("001")
    article = cleaned(original, given={"title": "The lower-case headline, as the feed gave it"})
    assert article.removed[0].reason == "metadata:title"
    assert not article.text.startswith("the lower-case")


def test_outlet_from_domain_line_and_title_suffix() -> None:
    body = "The ministry said on Sunday that the evacuation had been completed overnight."
    assert with_metadata(f"www.example.com\n\nA Headline Here\n\n{body}").source == "example.com"
    article = with_metadata(f"Convoy Leaves Raqqa | The Daily Star\n\n{body}")
    assert (article.title, article.source) == ("Convoy Leaves Raqqa", "The Daily Star")
    article = with_metadata(f"Convoy Leaves Raqqa - Al Jazeera English\n\n{body}")
    assert (article.title, article.source) == ("Convoy Leaves Raqqa", "Al Jazeera")
    article = with_metadata(f"Convoy Leaves Raqqa - Live Updates\n\n{body}")
    assert (article.title, article.source) == ("Convoy Leaves Raqqa - Live Updates", None)


def test_title_suffix_helpers() -> None:
    assert strip_site_noise("ASHARQ AL-AWSAT English Archive 2005 -2017") == "ASHARQ AL-AWSAT"
    assert split_title("A | Section | Outlet") == ("A", "Outlet")
    assert outlet_name("BBC NEWS", "no mention") == "BBC News"
    assert outlet_name("ASHARQ AL-AWSAT", "told Asharq Al-Awsat that") == "Asharq Al-Awsat"


def test_no_title_is_invented() -> None:
    body = "The convoy left the city late on Sunday, according to local officials."
    for head in ("Breaking", "a lower-case start that is no title", "Ends with a period."):
        assert with_metadata(f"{head}\n\n{body}").title is None, head
    # A title must be followed by body text, not by another short line.
    assert with_metadata("First Short Line\n\nSecond Short Line\n\n" + body).title == "Second Short Line"


def test_metadata_lines_are_removed_even_when_fields_are_given() -> None:
    article = cleaned(seed("000"), given={"published": "2017-10-15", "source": "presstv.ir"})
    assert not article.text.startswith("Sunday")
    assert "presstv.ir" not in article.text


# ---------------------------------------------------------------- property-style checks

FRAGMENTS = [
    "The convoy left Raqqa on Sunday.",
    "Ã©tÃ© chaud",
    "lâ€™armÃ©e",
    "Москва",
    "القاهرة",
    "Share this article",
    "Select Page",
    "(Photo by Reuters)",
    "presstv.ir",
    "Sunday, October 15, 2017",
    "AT&amp;T",
    "“quoted”",
    "a\u00a0b",
    "word",
    "x" * 45,
]
SPACES = [" ", "  ", "\t", "\u00a0", " \u00a0 ", "\u2009"]
BREAKS = ["\n", "\n\n", "\n\n\n\n", "\r\n", "\r\n\r\n", "\n \n"]


def random_text(rng: random.Random) -> str:
    parts: list[str] = []
    for _ in range(rng.randint(0, 40)):
        parts.append(rng.choice(FRAGMENTS))
        parts.append(rng.choice(SPACES) if rng.random() < 0.6 else rng.choice(BREAKS))
    return "".join(parts)


@pytest.mark.parametrize("seed_value", range(300))
def test_random_texts_keep_the_invariants(seed_value: int) -> None:
    rng = random.Random(seed_value)
    article = cleaned(random_text(rng))
    text = article.text
    assert text == text.strip()
    assert "\n\n\n" not in text and "  " not in text and "\t" not in text and "\xa0" not in text
    assert all(len(break_) == 2 for break_ in re.findall(r"\n+", text))
    assert_words_map_back(article, repaired_ok=True)
    assert_removed_consistent(article)
    assert_nothing_silently_dropped(article)
    positions = [article.offsets.to_original(i) for i in range(len(text) + 1)]
    assert positions == sorted(positions)
    assert all(0 <= p <= len(article.original) for p in positions)


def test_offset_map_round_trips_through_json() -> None:
    article = cleaned(seed("000"))
    again = OffsetMap.from_json(article.offsets.to_json())
    assert again.pieces == article.offsets.pieces


def test_span_end_inside_a_repaired_piece_covers_it() -> None:
    offsets = OffsetMap([(0, 0, 1, 2), (1, 2, 1, 1), (2, 3, 1, 2)])  # "été" from "Ã©tÃ©"
    span = offsets.span_to_original(0, 3)
    assert (span.start, span.end) == (0, 5)
    assert offsets.span_to_original(1, 2) == Span(2, 3)
    assert offsets.span_to_original(2, 2) == Span(3, 3)


def test_stage_version_names_code_and_data() -> None:
    from rashomon.clean import CODE_VERSION, VERSION

    code, _, fingerprint = VERSION.partition("+")
    assert code == CODE_VERSION and len(fingerprint) == 12


# ---------------------------------------------------------------- speed (a benchmark, not a timed test)


def test_clean_bench_reads_what_ingest_reads_and_prints_its_last_line(tmp_path) -> None:
    # Speed is recorded in docs/benchmarks.md (`rashomon bench clean`); here only that the bench runs and
    # cleans what it says: the double-encoded copy must come out repaired, not merely timed.
    (tmp_path / "seeds.txt").write_text("\n\n".join(seed(p) for p in ("000", "001", "002"))[:5000], encoding="utf-8")
    (tmp_path / "double.txt").write_text(
        (seed("001") * 3).encode("utf-8").decode("sloppy-windows-1252")[:5000], encoding="utf-8"
    )
    (tmp_path / "empty.json").write_text("{", encoding="utf-8")
    result = run_cli("bench", "clean", str(tmp_path), "--repeats", "2", cwd=tmp_path, check_ok=True)
    lines = result.stdout.decode().strip().splitlines()
    assert lines[0].startswith("2 articles, ")
    assert re.fullmatch(r"clean_ms_per_5000_chars=\d+\.\d\d articles=2", lines[-1]), lines[-1]
    assert "empty.json" in result.stderr.decode()
    repaired = clean_article(Article(id="d", original=(tmp_path / "double.txt").read_text(encoding="utf-8")))
    assert "â€" not in repaired.text and "’" in seed("001") and "’" in repaired.text


def test_clean_bench_with_nothing_to_clean_is_one_error_line(tmp_path) -> None:
    (tmp_path / "empty").mkdir()
    result = run_cli("bench", "clean", str(tmp_path / "empty"), cwd=tmp_path)
    assert result.returncode == 2
    # Ingest's line says why the folder gave nothing; the bench's says that nothing was left to time.
    why, outcome = result.stderr.decode().strip().splitlines()
    assert why.startswith(f"{tmp_path / 'empty'}: no articles found in folder")
    assert outcome == f"error: {tmp_path / 'empty'}: no articles to clean"
    assert result.stdout.decode() == ""
