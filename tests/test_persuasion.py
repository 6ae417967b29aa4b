"""Persuasion techniques, genre, frames and source profiles: the shipped models on real text.

The seed expectations are read from a real `rashomon analyze` run's export and
report, like the other seed tests; the training test fits the real training
code on a tiny synthetic corpus written here.
"""

import re

import numpy as np
import pytest

from conftest import run_cli, seed_article, seeds_export
from rashomon.datasets.ptc import split_of as ptc_split_of
from rashomon.datasets.semeval2023 import split_of
from rashomon.persuasion.cues import find_cues
from rashomon.persuasion.model import FRAMES, GENRES, TECHNIQUES, PersuasionModel, featurize

PRESS_TV, FRENCH, ASHARQ = "000_beb97b786951395b.txt", "001_2744c880e1a75e98.txt", "002_5c1f82888a9eaaa3.txt"


@pytest.fixture(scope="module")
def export(seeds_output):
    return seeds_export(seeds_output)


def techniques_of(doc, name):
    article = doc["by_file"][name]
    return article, [t for t in doc["techniques"] if t["article_id"] == article["id"]]


# ---------------------------------------------------------------- models


def test_shipped_model_loads_and_predicts_every_technique_genre_and_frame():
    model = PersuasionModel.load()
    assert model.techniques.classes == list(TECHNIQUES)
    assert model.genre.classes == list(GENRES) and model.frames.classes == list(FRAMES)
    assert model.techniques.thresholds.shape == (len(TECHNIQUES),)
    text = "Brutal regime thugs crushed the protest.\n\nThe so-called experts lied again!\n\nOfficials said talks continue."
    (f,) = featurize([(text, "en")])
    proba = model.predict_proba(f)
    assert proba.shape == (3, len(TECHNIQUES))
    assert np.all((proba >= 0) & (proba <= 1))
    # The split and its test scores are recorded in the artifact.
    assert model.info["split"]["seed"] and "test" in model.info["techniques"]


def test_cue_hits_point_at_their_words_in_every_trained_language():
    cases = {
        "en": ("The so-called observatory lied.", "so-called"),
        "fr": ("Le soi-disant observatoire ment.", "soi-disant"),
        "de": ("Die sogenannte Beobachtungsstelle lügt.", "sogenannte"),
        "it": ("Il cosiddetto osservatorio mente.", "cosiddetto"),
        "pl": ("Tak zwane obserwatorium kłamie.", "Tak zwane"),
        "ru": ("Так называемая обсерватория лжёт.", "Так называемая"),
    }
    for language, (text, cue) in cases.items():
        hits = [h for h in find_cues(text, language) if h.section == "doubt"]
        assert hits, language
        assert text[hits[0].start : hits[0].end] == cue, language


def test_italian_labels_name_nazis_and_nationalists_but_not_the_nation():
    # The audit found `nazi*` matching nazione/nazioni/nazionale, about 100 hits and none in a gold span.
    text = "I nazisti e i nazionalisti della nazione: la squadra nazionale delle Nazioni Unite."
    labelled = [text[h.start : h.end] for h in find_cues(text, "it") if h.section == "labels"]
    assert labelled == ["nazisti", "nazionalisti"]


def test_stage_version_changes_with_the_model_and_with_any_cue_or_name_list(tmp_path):
    import shutil
    from importlib import resources

    from rashomon.persuasion.stage import CODE_VERSION, data_digest, version

    shipped = resources.files("rashomon.persuasion").joinpath("data")
    copy = tmp_path / "data"
    shutil.copytree(str(shipped), copy)
    assert version() == f"{CODE_VERSION}+{data_digest(copy)}"
    before = data_digest(copy)
    with (copy / "pl" / "cues.txt").open("a", encoding="utf-8") as f:
        f.write("\nnowy*\n")
    after_cue = data_digest(copy)
    with (copy / "xx" / "names.txt").open("a", encoding="utf-8") as f:
        f.write("\nvan\n")
    after_names = data_digest(copy)
    (copy / "persuasion.json").write_bytes((copy / "persuasion.json").read_bytes() + b" ")
    assert len({before, after_cue, after_names, data_digest(copy)}) == 4


def test_technique_spans_point_at_the_right_characters():
    from rashomon.persuasion.analyse import analyse_text

    text = "Headline here\n\nThe so-called Syrian Observatory for Human Rights said the Takfiri terrorists had left.\n"
    result = analyse_text(text, "en")
    spans = {(t.technique, text[t.start : t.end]) for t in result.techniques}
    assert ("Doubt", "so-called Syrian Observatory for Human Rights") in spans
    assert ("Name_Calling-Labeling", "Takfiri terrorists") in spans
    assert result.genre in GENRES
    assert set(result.frames) <= set(FRAMES)


def test_an_untrained_language_still_gets_techniques_through_the_encoder_and_cue_lists():
    from rashomon.persuasion.analyse import analyse_text

    text = "Los takfiri terroristas atacaron la ciudad.\n\nEl régimen criminal mintió otra vez."
    result = analyse_text(text, "es")
    assert any(
        t.technique == "Name_Calling-Labeling" and "takfiri" in text[t.start : t.end].lower() for t in result.techniques
    )


# ---------------------------------------------------------------- training and bench


def _tiny_corpus(root):
    """Two languages, loaded vs neutral paragraphs: enough for the real training code to run end to end."""
    loaded = [
        "The brutal regime thugs lied again!",
        "These so-called experts are traitors and puppets.",
        "Le régime criminel a menti, ces traîtres!",
        "Ces soi-disant experts sont des marionnettes.",
    ]
    neutral = [
        "The council met on Tuesday to discuss the budget.",
        "Officials said the talks would continue.",
        "Le conseil s'est réuni mardi pour le budget.",
        "Les responsables ont dit que les discussions continuent.",
    ]
    for code, offset in (("en", 0), ("fr", 2)):
        d = root / code / "train-articles"
        d.mkdir(parents=True)
        labels, genres, frames = [], [], []
        for n in range(40):
            article_id = f"{code}{n:03d}"
            paras = [loaded[offset + n % 2], neutral[offset + (n + 1) % 2], loaded[offset + (n + 1) % 2]]
            (d / f"article{article_id}.txt").write_text("\n\n".join(paras) + "\n", encoding="utf-8")
            labels += [
                f"{article_id}\t1\tLoaded_Language,Name_Calling-Labeling",
                f"{article_id}\t3\t",
                f"{article_id}\t5\tLoaded_Language",
            ]
            genres.append(f"{article_id}\t{'opinion' if n % 2 else 'reporting'}")
            frames.append(f"{article_id}\tPolitical{',Morality' if n % 3 == 0 else ''}")
        (root / code / "train-labels-subtask-3.txt").write_text("\n".join(labels) + "\n", encoding="utf-8")
        (root / code / "train-labels-subtask-1.txt").write_text("\n".join(genres) + "\n", encoding="utf-8")
        (root / code / "train-labels-subtask-2.txt").write_text("\n".join(frames) + "\n", encoding="utf-8")


def test_training_runs_end_to_end_and_the_bench_prints_its_last_line(tmp_path):
    _tiny_corpus(tmp_path / "data")
    out = tmp_path / "model.json"
    run_cli(
        "train", "persuasion", str(tmp_path / "data"), "--out", str(out), "--steps", "40", cwd=tmp_path, check_ok=True
    )
    model = PersuasionModel.load(out)
    assert model.info["split"]["articles"]["test"] > 0
    # Gold spans: each labelled paragraph's first word, for its first technique.
    en = tmp_path / "data" / "en"
    spans = en / "train-labels-subtask-3-spans"
    spans.mkdir()
    for path in (en / "train-articles").glob("article*.txt"):
        article_id = path.stem[len("article") :]
        text = path.read_text("utf-8")
        first_word = text.index(" ")
        (spans / f"article{article_id}-labels-subtask-3.txt").write_text(
            f"{article_id}\tLoaded_Language\t0\t{first_word}\n", encoding="utf-8"
        )
    bench = (
        "bench",
        "persuasion",
        str(en / "train-articles"),
        str(en / "train-labels-subtask-3.txt"),
        "--lang",
        "en",
        "--model",
        str(out),
        "--spans",
        str(spans),
    )
    result = run_cli(*bench, cwd=tmp_path, check_ok=True)
    *_, span_line, last = result.stdout.decode().strip().splitlines()
    assert re.fullmatch(r"micro_f1=\d\.\d{4} macro_f1=\d\.\d{4}", last), last
    # By default the bench scores every article it is given, and says so.
    assert "scored 40 articles (all of the given files)" in result.stdout.decode().splitlines()
    # The loaded paragraphs are learnable: the tiny model finds them.
    assert float(last.split()[0].split("=")[1]) > 0.5
    assert re.match(
        r"spans: \d+ placed, \d+\.\d% on a gold span of their technique; .*gold spans met: \d+\.\d% of \d+$", span_line
    ), span_line
    # One gold span per test article, in its first paragraph, which the model flags.
    met, gold = re.search(r"gold spans met: (\d+\.\d)% of (\d+)$", span_line).groups()
    assert int(gold) > 0 and float(met) > 0
    assert int(gold) == 40
    # --split test keeps only the held-out share training set aside, and says how many of how many.
    held_out = run_cli(*bench, "--split", "test", cwd=tmp_path, check_ok=True).stdout.decode()
    test_articles = sum(1 for n in range(40) if split_of("en", f"en{n:03d}") == "test")
    assert 0 < test_articles < 40
    assert f"scored {test_articles} of 40 articles (held-out test share: --split test)" in held_out.splitlines()
    assert held_out.splitlines()[-2].endswith(f" of {test_articles}")  # one gold span per scored article


def test_span_scores_count_where_the_shown_spans_sit():
    from types import SimpleNamespace

    from rashomon.bench.persuasion import span_scores
    from rashomon.datasets.semeval2023 import LabelledArticle
    from rashomon.persuasion.analyse import TechniqueSpan
    from rashomon.persuasion.segment import paragraphs

    text = "The council met on Tuesday. These so-called experts are traitors.\n\nThe traitors lied."
    doubt, traitors, second = text.index("so-called"), text.index("traitors"), text.rindex("traitors")
    article = LabelledArticle("1", "en", text, {1: ["Doubt", "Name_Calling-Labeling"]})  # paragraph 3 unlabelled
    features = SimpleNamespace(paragraphs=paragraphs(text, "en"))
    assert len(features.paragraphs[0].sentences) == 2
    gold = [
        ("Doubt", doubt, doubt + 9),
        ("Name_Calling-Labeling", traitors, traitors + 8),
        ("Name_Calling-Labeling", second, second + 8),
    ]
    placed = [
        TechniqueSpan(doubt, doubt + 9, "Doubt", 0.9, 0, cue=True),  # on gold
        TechniqueSpan(0, 27, "Name_Calling-Labeling", 0.5, 0),  # the wrong sentence of the right paragraph
        TechniqueSpan(traitors, traitors + 8, "Loaded_Language", 0.4, 0, cue=True),  # a technique not there
        TechniqueSpan(second, second + 8, "Name_Calling-Labeling", 0.7, 1, cue=True),  # unlabelled paragraph
    ]
    s = span_scores([article], [features], [placed], [gold])
    assert s["placed"] == 3 and s["on_gold"] == pytest.approx(1 / 3)
    assert (s["cue_located_of"], s["cue_located"]) == (1, 1.0)
    assert (s["sentence_located_of"], s["sentence_located"]) == (1, 0.0)
    assert s["sentence_chance"] == pytest.approx(0.5)  # one sentence of two holds the gold label
    assert (s["gold"], s["found"]) == (2, 0.5)  # the third gold span is in an unlabelled paragraph


def test_the_bench_refuses_data_it_cannot_score_in_one_line_and_exits_2(tmp_path):
    _tiny_corpus(tmp_path / "data")
    en, fr = tmp_path / "data" / "en", tmp_path / "data" / "fr"
    # French labels name no article in the English folder.
    wrong = run_cli(
        "bench",
        "persuasion",
        str(en / "train-articles"),
        str(fr / "train-labels-subtask-3.txt"),
        "--lang",
        "en",
        cwd=tmp_path,
    )
    assert wrong.returncode == 2
    (line,) = wrong.stderr.decode().strip().splitlines()
    assert line.startswith("error: ") and "no labelled articles found for --lang en" in line
    # A spans folder without span files: said before any encoding, not scored as 0%.
    empty = tmp_path / "no-spans"
    empty.mkdir()
    missing = run_cli(
        "bench",
        "persuasion",
        str(en / "train-articles"),
        str(en / "train-labels-subtask-3.txt"),
        "--lang",
        "en",
        "--spans",
        str(empty),
        cwd=tmp_path,
    )
    assert missing.returncode == 2 and missing.stdout.decode() == ""
    (line,) = missing.stderr.decode().strip().splitlines()
    assert "no span file article<ID>-labels-subtask-3.txt for any of the labelled articles under" in line
    assert str(empty) in line
    unknown = run_cli(
        "bench",
        "persuasion",
        str(en / "train-articles"),
        str(en / "train-labels-subtask-3.txt"),
        "--lang",
        "en",
        "--split",
        "dev",
        cwd=tmp_path,
    )
    assert unknown.returncode == 2 and "--split must be one of all, test, not 'dev'" in unknown.stderr.decode()


def test_language_study_prints_every_variant_on_the_held_out_split(tmp_path):
    _tiny_corpus(tmp_path / "data")
    result = run_cli("train", "study-persuasion", str(tmp_path / "data"), "--lang", "fr", cwd=tmp_path, check_ok=True)
    last = result.stdout.decode().strip().splitlines()[-1]
    scores = dict(item.split("=") for item in last.split())
    assert list(scores) == ["shipped-spec", "ceiling", "own-language", "weighted-x2", "weighted-x3", "cue-by-language"]
    # Thresholds chosen on the test split itself find the learnable loaded paragraphs.
    assert float(scores["ceiling"]) > 0.5
    refused = run_cli("train", "study-persuasion", str(tmp_path / "data"), "--lang", "ge", cwd=tmp_path)
    assert refused.returncode == 2 and "no test paragraphs in language 'de'" in refused.stderr.decode()


def test_language_study_cross_validates_over_folds_of_all_articles(tmp_path):
    _tiny_corpus(tmp_path / "data")
    result = run_cli(
        "train", "study-persuasion", str(tmp_path / "data"), "--lang", "en", "--folds", "3", cwd=tmp_path, check_ok=True
    )
    stdout, stderr = result.stdout.decode(), result.stderr.decode()
    scores = dict(item.split("=") for item in stdout.strip().splitlines()[-1].split())
    folds = [float(f) for f in next(line for line in stderr.splitlines() if line.startswith("cv folds")).split()[2:]]
    assert len(folds) == 3
    assert float(scores["cv-mean"]) == pytest.approx(sum(folds) / 3, abs=1e-4)
    # Every fold holds learnable loaded paragraphs, so each one finds them.
    assert min(folds) > 0.5
    genre = [
        float(f) for f in next(line for line in stderr.splitlines() if line.startswith("genre cv folds")).split()[3:]
    ]
    assert len(genre) == 3 and float(scores["genre-cv-mean"]) == pytest.approx(sum(genre) / 3, abs=1e-4)
    # The tiny corpus's genre follows its paragraphs (opinion pieces open on the other loaded sentence).
    assert min(genre) > 0.5
    # Two folds would leave nothing to fit on once one scores and one chooses thresholds.
    refused = run_cli("train", "study-persuasion", str(tmp_path / "data"), "--lang", "en", "--folds", "2", cwd=tmp_path)
    assert refused.returncode == 2 and "--folds needs at least 3" in refused.stderr.decode()


def test_propaganda_bench_prints_micro_f1(tmp_path):
    articles, labels = tmp_path / "articles", tmp_path / "labels"
    articles.mkdir()
    labels.mkdir()
    for n in range(30):
        text = "They are traitors and thugs.\nThe so-called experts doubt it.\nOur nation must stand tall!\n"
        (articles / f"article{n}.txt").write_text(text, encoding="utf-8")
        rows = [f"{n}\tName_Calling,Labeling\t9\t27", f"{n}\tDoubt\t29\t38", f"{n}\tFlag-Waving\t61\t91"]
        (labels / f"article{n}.task-flc-tc.labels").write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run_cli("bench", "propaganda", str(articles), str(labels), cwd=tmp_path, check_ok=True)
    last = result.stdout.decode().strip().splitlines()[-1]
    assert re.fullmatch(r"micro_f1=\d\.\d{4}", last), last
    assert "scored 90 spans (all of the given files)" in result.stdout.decode().splitlines()
    held_out = run_cli(
        "bench", "propaganda", str(articles), str(labels), "--split", "test", cwd=tmp_path, check_ok=True
    )
    test_spans = 3 * sum(1 for n in range(30) if ptc_split_of(str(n)) == "test")
    assert 0 < test_spans < 90
    assert (
        f"scored {test_spans} of 90 spans (held-out test share: --split test)" in held_out.stdout.decode().splitlines()
    )
    # A labels folder with no spans in it: one line, exit 2.
    for old in labels.iterdir():
        old.unlink()
    refused = run_cli("bench", "propaganda", str(articles), str(labels), cwd=tmp_path)
    assert refused.returncode == 2
    (line,) = refused.stderr.decode().strip().splitlines()
    assert line.startswith("error: ") and f"no spans found under {labels}" in line


# ---------------------------------------------------------------- the seeds, through the real CLI


def test_export_has_techniques_and_article_genre_and_frames(export):
    assert export["techniques"]
    for t in export["techniques"]:
        assert list(t)[:6] == ["id", "article_id", "technique", "start", "end", "confidence"]
        assert t["technique"] in TECHNIQUES and 0 <= t["confidence"] <= 1
    for a in export["articles"]:
        assert a["genre"] in GENRES
        # The share of the winning genre among three: above a third, at most one.
        assert 1 / 3 < a["genre_confidence"] <= 1
        assert set(a["frames"]) <= set(FRAMES)


def test_press_tv_casts_doubt_on_the_so_called_sohr(export):
    article, spans = techniques_of(export, PRESS_TV)
    doubt = [article["original"][t["start"] : t["end"]] for t in spans if t["technique"] == "Doubt"]
    assert any(s.startswith("so-called") and "Syrian Observatory for Human Rights" in s for s in doubt), doubt


def test_press_tv_labels_for_isis_and_the_sdf_are_flagged(export):
    article, spans = techniques_of(export, PRESS_TV)
    labelled = [
        article["original"][t["start"] : t["end"]]
        for t in spans
        if t["technique"] in ("Name_Calling-Labeling", "Loaded_Language")
    ]
    assert "Takfiri terrorists" in labelled, labelled
    # The SDF: "US-backed alliance of militants" / "US-led Kurdish militants".
    assert any("militants" in s for s in labelled), labelled


def test_asharq_al_awsat_uses_fewer_techniques_per_1000_words_than_press_tv(export):
    from rashomon.persuasion.cues import count_words

    def rate(name):
        article, spans = techniques_of(export, name)
        return 1000 * len(spans) / count_words(article["text"])

    assert rate(ASHARQ) < rate(PRESS_TV)


def test_report_shows_technique_spans_naming_and_source_profiles(export):
    html = export["report"]
    assert "sp-technique" in html
    assert "How each source tells it" in html
    # Each genre call says how sure it is: below 90% as a lean ("leans opinion (86%)"), above it as a call.
    for article in export["articles"]:
        c = article["genre_confidence"]
        shown = f"leans {article['genre']} ({c:.0%})" if c < 0.9 else f"{article['genre']} ({c:.0%} sure)"
        assert f">{shown}</span>" in html, shown
    assert '<span class="genre" title="The genre model' in html
    assert "Source profiles" in html and "<svg" in html
    assert "<script" not in html


def test_a_genre_call_above_ninety_percent_is_shown_as_a_call_and_one_below_as_a_lean():
    from rashomon.model import Article
    from rashomon.present.persuasion import _genre

    sure = Article(id="a", original="x", genre="reporting", genre_confidence=0.934)
    unsure = Article(id="b", original="x", genre="opinion", genre_confidence=0.61)
    assert ">reporting (93% sure)</span>" in str(_genre(sure))
    assert ">leans opinion (61%)</span>" in str(_genre(unsure))
    assert _genre(Article(id="c", original="x")) == "genre unknown"


def test_profiles_command_lists_every_source_with_its_rates(export):
    lines = [line.split("\t") for line in export["profiles"].strip().splitlines()]
    header, rows = lines[0], {row[0]: row for row in lines[1:]}
    assert header[:3] == ["source", "articles", "techniques_per_1000"]
    assert float(rows["Asharq Al-Awsat"][2]) < float(rows["presstv.ir"][2])
    assert "US-backed alliance of militants" in rows["presstv.ir"][6]


def test_naming_panel_sets_sources_side_by_side():
    from rashomon.model import Entity, Mention, Span
    from rashomon.persuasion.profiles import story_naming

    a = seed_article("000")
    b = seed_article("002")
    text_a, text_b = a.original, b.original
    i = text_a.index("Syrian Democratic Forces", text_a.index("alliance of militants"))
    j = text_b.index("Syrian Democratic Forces") if "Syrian Democratic Forces" in text_b else text_b.index("SDF")
    a.source, b.source = "presstv.ir", "Asharq Al-Awsat"
    a.sentences = [Span(text_a.rfind("\n", 0, i) + 1, text_a.find("\n", i))]
    b.sentences = [Span(text_b.rfind("\n", 0, j) + 1, text_b.find("\n", j))]
    a.mentions = [
        Mention(i, i + len("Syrian Democratic Forces"), "Syrian Democratic Forces", "group", entity_id="e-sdf")
    ]
    end = j + (len("Syrian Democratic Forces") if text_b[j:].startswith("Syrian") else 3)
    b.mentions = [Mention(j, end, text_b[j:end], "group", entity_id="e-sdf")]
    rows = story_naming([a, b], {"e-sdf": Entity("e-sdf", "Syrian Democratic Forces", "group")})
    assert rows and rows[0].entity_id == "e-sdf"
    assert "US-backed alliance of militants" in rows[0].by_source["presstv.ir"].phrases


def _named(text: str, language: str, names: list[str]) -> dict[str, dict]:
    from rashomon.model import Article, Mention, Span
    from rashomon.persuasion.profiles import article_naming

    article = Article("a", text, language=language, sentences=[Span(0, len(text))])
    article.mentions = [Mention(text.index(n), text.index(n) + len(n), n, "group", entity_id=n) for n in names]
    return {k: dict(v.phrases) for k, v in article_naming(article).items()}


def test_measuring_compounds_are_not_how_a_source_names_an_actor():
    # "three-year-long" belongs to "siege", "oil-rich" to the province itself.
    named = _named(
        "They broke the three-year-long Daesh siege on the oil-rich Dayr al-Zawr.", "en", ["Daesh", "Dayr al-Zawr"]
    )
    assert named.get("Daesh", {}) == {}
    assert named["Dayr al-Zawr"] == {"oil-rich": 1}
    named = _named("Ils ont brisé le long siège de 10-jours du Daesh.", "fr", ["Daesh"])
    assert named.get("Daesh", {}) == {}
    assert _named("A 10-day pause of the US-backed SDF.", "en", ["SDF"])["SDF"] == {"US-backed": 1}


def test_cue_audit_reports_how_often_each_cue_sits_in_a_gold_span(tmp_path):
    _tiny_corpus(tmp_path / "data")
    en = tmp_path / "data" / "en"
    spans = en / "train-labels-subtask-3-spans"
    spans.mkdir()
    for path in (en / "train-articles").glob("article*.txt"):
        article_id, text = path.stem[len("article") :], path.read_text("utf-8")
        at = text.find("so-called")  # annotated as Doubt; "traitors" and "puppets" next to it are not annotated
        if at >= 0:
            (spans / f"article{article_id}-labels-subtask-3.txt").write_text(
                f"{article_id}\tDoubt\t{at}\t{at + 9}\n", encoding="utf-8"
            )
    out = run_cli(
        "train", "audit-cues", str(tmp_path / "data"), "--min-hits", "1", cwd=tmp_path, check_ok=True
    ).stdout.decode()
    assert re.search(r"^en\s+doubt\s+Doubt\s+\d+\s+100\.0%$", out, re.M), out
    assert re.search(r"^\s+en labels\s+'traitors': 0\.0% of \d+$", out, re.M), out
    # French has no span files: none of its hits is counted.
    assert not re.search(r"^fr\s", out, re.M)
