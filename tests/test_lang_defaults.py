"""Per-language traits as data (rashomon.lang.defaults): what the files give and how a language inherits."""

from __future__ import annotations

import re

from rashomon.compare.align import stem, tokens
from rashomon.lang.defaults import FILENAME, language
from rashomon.resources import data_lines, lang_data_dir


def test_a_language_reads_its_own_traits_over_the_neutral_defaults():
    fr = language("fr")
    assert fr.option("word-order") == "svo"
    assert fr.option("determiners-end-names") == "unless-connector"
    assert fr.words("inverted-pronouns") == {"il", "elle", "ils", "elles", "on"}
    # Not in fr/language.txt: read from xx/language.txt.
    assert fr.sequence("clause-coordinators") == language("xx").sequence("clause-coordinators")
    assert "mais" in fr.words("clause-coordinators")


def test_an_unknown_or_missing_language_gets_the_neutral_defaults():
    for code in ("zz", None):
        traits = language(code)
        assert traits.options == language("xx").options
        assert traits.words("determiners") == frozenset()
        assert not traits.flag("pro-drop")
    assert language("es") is language("es")  # compiled once


def test_every_trait_in_the_data_is_documented_in_the_english_or_the_neutral_file():
    documented = "".join(lang_data_dir().joinpath(code, FILENAME).read_text("utf-8") for code in ("en", "xx"))
    for code_dir in lang_data_dir().iterdir():
        if not code_dir.joinpath(FILENAME).is_file():
            continue
        for line in data_lines(code_dir.name, FILENAME):
            name = line.value.split()[0] if line.section == "options" else line.section
            assert re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", documented), (code_dir.name, name)


def test_stemming_follows_each_languages_traits():
    assert stem("foreigners", "en") == "foreig"
    assert stem("nations", "en") == "nation"[:6]
    assert stem("présidentes", "fr") == "presid"
    assert stem("maisons", "de") == "maison"  # German has no stemming traits
    assert stem("الحكومة", "ar") == "حكومة"
    assert tokens("didn't", "en") == ["did", "n't"]
    assert "n't" not in tokens("didn't", "fr")
