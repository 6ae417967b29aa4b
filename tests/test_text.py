"""The shared foundations: rashomon/text.py and rashomon/resources.py."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, timezone

from rashomon.resources import digest_data_files, lang_data_dir, word_list
from rashomon.text import fold, published_date, published_datetime, romanise, statement_tokens, translit_table


def test_reading_a_word_list_imports_no_stage():
    # A word list is read by every stage; reading one used to import the cleaning stage and with it ftfy.
    code = (
        "import sys; from rashomon.resources import word_list; assert word_list('en', 'stopwords.txt'); "
        "print(sorted(m for m in sys.modules if m.startswith(('rashomon.', 'ftfy'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['rashomon.resources']"


def test_fold_options_keep_each_callers_meaning():
    assert fold("Zürich DON’T") == "zurich don't"
    # As re.IGNORECASE equates: accents stay, Turkish İ and ı meet i.
    assert fold("İstanbul Zürich ılık", keep_accents=True) == "istanbul zürich ilik"
    assert fold("ılık") == "ılık"  # dotless ı has no decomposition: only the regex fold maps it
    assert fold("Deir  ez-Zor’s", words_only=True) == "deir ez zor s"


def test_one_transliteration_table_two_schemes():
    keys, names = translit_table("keys"), translit_table("names")
    assert romanise("ракка", "keys") == "rakka" == romanise("ракка", "names")
    # The schemes differ where their stored products were built differently; "-" leaves a letter as it is.
    assert keys["ю"] == names["ю"] == "yu" and keys["و"] == "u" and names["و"] == "w"
    assert "α" not in keys and names["α"] == "a"
    assert keys["ъ"] == "" == names["ъ"]  # an empty cell drops the letter


def test_statement_tokens_split_english_negation():
    assert statement_tokens("They didn’t deny it.", split_nt=True) == ["they", "did", "n't", "deny", "it", "."]
    assert statement_tokens("Il n’a pas nié.", split_nt=False) == [
        "il",
        "n'",
        "a",
        "pas",
        "nié",
        ".",
    ]  # elision kept whole


def test_one_published_date_parser():
    assert published_datetime(" 2017-10-15T10:00Z ") == datetime(2017, 10, 15, 10, tzinfo=timezone.utc)
    assert published_datetime("2017-10-15Z") == datetime(2017, 10, 15)
    assert published_datetime("2017-10-15 evening") is None
    assert published_datetime("2017-10-15 evening", day_prefix=True) == datetime(2017, 10, 15)
    assert published_datetime("soon", day_prefix=True) is None and published_datetime(None) is None
    # The article's own calendar day, whatever its offset: what "yesterday" counts from.
    assert published_date("2017-10-15T23:30-05:00") == date(2017, 10, 15)


def test_data_digest_follows_the_files_not_the_code(tmp_path):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "a.txt").write_text("one\n", encoding="utf-8")
    before = digest_data_files((tmp_path,), ("a.txt",), chars=10)
    assert before == digest_data_files((tmp_path,), ("a.txt", "missing.txt"), chars=10)
    (tmp_path / "en" / "a.txt").write_text("two\n", encoding="utf-8")
    assert digest_data_files((tmp_path,), ("a.txt",), chars=10) != before
    assert word_list("en", "stopwords.txt") and lang_data_dir().joinpath("xx", "translit.tsv").is_file()
