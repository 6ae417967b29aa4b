from rashomon.lang import detect, identify_article, known_languages
from rashomon.model import Article


def test_detects_languages_as_iso_639_1():
    assert detect("Le ministère de la Défense russe a fourni quelques informations sur la situation.")[0] == "fr"
    assert detect("Катетер найден в позвоночнике мужчины спустя годы после операции.")[0] == "ru"
    # The detector calls Chinese of this kind "wuu"; users expect "zh".
    assert detect("退伍军人团体就伊拉克大使馆袭击事件嘲笑特朗普，一个左翼退伍军人团体在推特上嘲讽美国总统。")[0] == "zh"
    assert detect("2017 - 10 - 15") == (None, 0.0)


def test_knows_many_languages():
    languages = known_languages()
    assert len(languages) > 90
    assert {"ar", "de", "en", "es", "fr", "ru", "zh", "tr", "pl"} <= set(languages)


def test_mixed_language_article_gets_paragraph_languages():
    english = "The Syrian Democratic Forces said the last fighters had left the city on Sunday evening."
    german = (
        "Die Demokratischen Kräfte Syriens erklärten, die letzten Kämpfer hätten die Stadt am Sonntagabend verlassen."
    )
    article = Article(id="x", original=f"{english}\n\n{german}\n\n{english}")
    identify_article(article)
    assert article.language == "en"
    languages = [span.language for span in article.paragraph_languages]
    assert languages == ["en", "de", "en"]
    second = article.paragraph_languages[1]
    assert article.original[second.start : second.end] == german


def test_language_given_with_the_input_is_kept():
    article = Article(
        id="x", original="Ceci est un texte en français, assez long pour être reconnu.", given={"language": "br"}
    )
    article.language = "br"
    identify_article(article)
    assert article.language == "br"
