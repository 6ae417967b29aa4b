"""Every language with analysis data through the real pipeline, and the honest label where there is none.

Each text is short and written as news copy is: a dateline or a date, a named speaker with a reporting
verb and a quotation or a reported clause, a number. The analysis must find the speaker's quote, the
number, the date and a claim, in the conventions of the language's script (full-width punctuation,
verb-final reporting, names without capitals or spaces).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import analysed_store
from rashomon.analyze import analysed_languages, comparison_note
from rashomon.present.export import export_document
from rashomon.store import Store
from webserver import WebServer

# language -> (text, a word of the quote, its speaker, the number, the ISO date)
TEXTS: dict[str, tuple[str, str, str, str, str]] = {
    "it": (
        "Roma, 12 marzo 2020 - Il ministro della Salute Roberto Speranza ha detto che "
        '"le scuole resteranno chiuse". Secondo la Protezione civile, i contagiati sono 12.462.',
        "scuole",
        "Roberto Speranza",
        "12.462",
        "2020-03-12",
    ),
    "pl": (
        "Warszawa, 12 marca 2020 r. Premier Mateusz Morawiecki powiedział, że szkoły zostaną zamknięte "
        "na dwa tygodnie. W Polsce jest już 49 osób zakażonych koronawirusem.",
        "szkoły",
        "Mateusz Morawiecki",
        "49",
        "2020-03-12",
    ),
    "tr": (
        'Ankara, 5 Mart 2020 - Cumhurbaşkanı Recep Tayyip Erdoğan, "Türkiye bu saldırıya sessiz '
        'kalmayacak" dedi. Dışişleri Bakanı Mevlüt Çavuşoğlu, Rusya ile yapılan görüşmede 3 konunun '
        "ele alındığını söyledi.",
        "saldırıya",
        "Recep Tayyip Erdoğan",
        "3",
        "2020-03-05",
    ),
    "zh": (
        "北京，2020年3月12日——中国外交部发言人华春莹12日表示，中方将向意大利派遣医疗专家组。"
        "据国家卫健委通报，全国累计确诊80793例。",
        "专家组",
        "华春莹",
        "80793",
        "2020-03-12",
    ),
    "nl": (
        "Den Haag, 12 maart 2020 - Premier Mark Rutte zei dat de scholen voorlopig open blijven. "
        "Volgens het RIVM zijn inmiddels 503 mensen in Nederland besmet.",
        "scholen",
        "Mark Rutte",
        "503",
        "2020-03-12",
    ),
    "pt": (
        "Lisboa, 12 de março de 2020 - O primeiro-ministro António Costa disse que "
        '"as escolas vão fechar". Segundo a Direção-Geral da Saúde, há 78 casos confirmados.',
        "escolas",
        "António Costa",
        "78",
        "2020-03-12",
    ),
    "ja": (
        "東京、2020年3月12日。安倍晋三首相は「学校の休校を延長する」と述べた。厚生労働省によると、国内の感染者は620人に達した。",
        "休校",
        "安倍晋三",
        "620",
        "2020-03-12",
    ),
    "ko": (
        '서울, 2020년 3월 12일 - 문재인 대통령은 "정부는 모든 조치를 다하겠다"라고 말했다. '
        "질병관리본부에 따르면 확진자는 7,869명으로 늘었다.",
        "조치를",
        "문재인",
        "7,869",
        "2020-03-12",
    ),
    "th": (
        "กรุงเทพฯ 12 มีนาคม 2563 นายกรัฐมนตรีประยุทธ์ จันทร์โอชา กล่าวว่า รัฐบาลจะไม่ปิดประเทศ\n\n"
        "กระทรวงสาธารณสุขระบุว่า มีผู้ติดเชื้อ 70 ราย",
        "รัฐบาล",
        "ประยุทธ์ จันทร์โอชา",
        "70",
        "2020-03-12",
    ),
}
# A language the encoder reads but no data covers yet would be listed here; one outside it shows the label.
UNANALYSED = {"text": "Η κυβέρνηση ανακοίνωσε νέα μέτρα για την οικονομία.", "title": "Νέα μέτρα", "language": "el"}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("languages")
    corpus = path / "corpus.jsonl"
    records = [
        {"text": text, "title": text.split("\n")[0][:40], "published": "2020-03-12", "language": code}
        for code, (text, *_) in TEXTS.items()
    ]
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [*records, UNANALYSED]), encoding="utf-8")
    store = analysed_store(path / "languages.db", [str(corpus)])
    yield store
    store.close()


def _article(store: Store, code: str):
    return next(a for a in store.articles.all() if a.language == code)


def test_the_analysed_languages_come_from_the_data():
    assert set(TEXTS) | {"en", "fr", "es", "de", "ru", "ar"} <= analysed_languages()
    assert "el" not in analysed_languages() and "xx" not in analysed_languages()


@pytest.mark.parametrize("code", sorted(TEXTS))
def test_each_language_is_analysed_through_the_pipeline(store, code):
    _, quote_word, speaker, number, day = TEXTS[code]
    article = _article(store, code)
    assert article.analysis_note is None
    assert any(speaker in m.text or m.text in speaker for m in article.mentions), article.mentions
    quote = next((q for q in article.quotes if quote_word in q.text), None)
    assert quote is not None, [(q.speaker, q.text) for q in article.quotes]
    assert quote.speaker and (speaker in quote.speaker or quote.speaker in speaker), quote
    assert number in [q.text for q in article.quantities], article.quantities
    assert day in [d.value for d in article.dates], article.dates
    assert article.claims, code
    assert any(number in c.text for c in article.claims) or any(quote_word in c.text for c in article.claims)


def test_verb_final_reporting_takes_the_clause_before_the_verb(store):
    turkish = _article(store, "tr")
    reported = next(q for q in turkish.quotes if "Rusya" in q.text)
    assert "Çavuşoğlu" in (reported.speaker or "") and not reported.direct
    assert reported.text.startswith("Rusya") and "söyledi" not in reported.text


def test_negation_is_read_in_a_script_without_spaces(store):
    thai = _article(store, "th")
    assert any(c.negated for c in thai.claims if "ปิดประเทศ" in c.text)


def test_a_language_without_analysis_says_not_compared_everywhere(store, tmp_path):
    greek = _article(store, "el")
    assert greek.analysis_note == "not analysed for language el"
    assert comparison_note(["en", "el", None]) == "not compared (languages el, unknown)"
    assert comparison_note(["zh", "tr"]) is None
    story = next(s for s in store.stories.all() if greek.id in s.article_ids)
    doc = export_document(list(store.articles.all()), list(store.stories.all()))
    exported = next(s for s in doc["stories"] if s["id"] == story.id)
    assert exported["comparison_note"] == "not compared (language el)"
    assert {s["comparison_note"] for s in doc["stories"] if s["id"] != story.id} == {None}
    with WebServer(Path(store.path)) as server:
        status, _, body = server.request("/")
        listing = body.decode()
        assert status == 200 and "not compared (language el)" in listing
        status, _, body = server.request(f"/stories/{story.id}")
        page = body.decode()
        assert status == 200 and "not compared (language el)" in page and "no contradiction found" not in page


def test_a_variant_code_reads_its_base_language_data():
    from rashomon.analyze import analyze_article
    from rashomon.model import Article

    text = "台北，2020年3月12日——總統蔡英文表示，台灣將向歐洲捐贈1000萬片口罩。"
    article = analyze_article(Article(id="t", original=text, text=text, language="zh-Hant", published="2020-03-12"))
    assert article.analysis_note is None
    assert [(q.speaker, q.text) for q in article.quotes] == [("蔡英文", "台灣將向歐洲捐贈1000萬片口罩。")]
    assert [q.text for q in article.quantities] == ["1000萬"] and [d.value for d in article.dates] == ["2020-03-12"]
    assert comparison_note(["zh-Hant", "pt-BR"]) is None
