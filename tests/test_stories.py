"""Story features, the shipped similarity model and incremental clustering, with the real encoder."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rashomon.embed import get_encoder
from rashomon.stories.cluster import StoryIndex, story_title
from rashomon.stories.combiner import best_threshold
from rashomon.stories.features import (
    StoryFeatures,
    chunk_body,
    compute_features,
    extract_names,
    extract_numbers,
    name_key,
)
from rashomon.stories.similarity import FEATURE_NAMES, StorySimilarity, default_similarity

RAQQA_EN = (
    "ISIS fighters leave Raqqa under deal with Kurdish-led forces",
    "Hundreds of Islamic State fighters and their families left Raqqa on Sunday in a convoy of buses "
    "under a deal brokered by local officials, the Syrian Democratic Forces said. About 3,000 civilians "
    "had been trapped in the city. The US-led coalition said it did not agree to the evacuation, which "
    "allowed 275 Syrian fighters to leave the city for the desert near Deir ez-Zor. Omar Alloush, an "
    "official of the Raqqa Civil Council, said foreign fighters were not allowed to leave.",
    "2017-10-15",
    "en",
)
RAQQA_FR = (
    "Des jihadistes de l'EI quittent Raqqa après un accord avec les forces kurdes",
    "Des centaines de combattants du groupe Etat islamique et leurs familles ont quitté Raqqa dimanche "
    "à bord d'autobus, en vertu d'un accord négocié par des responsables locaux, selon les Forces "
    "démocratiques syriennes. Environ 3 000 civils étaient pris au piège dans la ville. La coalition "
    "menée par les Etats-Unis affirme ne pas avoir approuvé cette évacuation, qui a permis à 275 "
    "combattants syriens de partir vers le désert près de Deir Ezzor.",
    "2017-10-16",
    "fr",
)
FOOTBALL_EN = (
    "Late penalty gives Madrid the derby",
    "A penalty in the last minute gave Real Madrid a 2-1 win over Atletico in the Madrid derby on "
    "Saturday. The home side had trailed since the 20th minute, when a header from a corner beat the "
    "goalkeeper. The coach said after the match that the team had shown character, and the fans sang "
    "long after the final whistle at the Bernabeu stadium.",
    "2017-10-14",
    "en",
)


@pytest.fixture(scope="module")
def encoder():
    return get_encoder()


@pytest.fixture(scope="module")
def features(encoder):
    raqqa_en, raqqa_fr, football = compute_features([RAQQA_EN, RAQQA_FR, FOOTBALL_EN], encoder)
    return {"raqqa_en": raqqa_en, "raqqa_fr": raqqa_fr, "football": football}


# --- features -------------------------------------------------------------------


def test_name_key_folds_transliterations_and_scripts():
    assert name_key("Raqqa") == name_key("Raqqah") == name_key("Ракка")
    assert name_key("Syria") == name_key("Syrie") == name_key("Siria")
    assert name_key("Raqqa") != name_key("Riyadh")


def test_numbers_are_normalised_across_conventions():
    assert extract_numbers("3,000 here, 3.000 there, 3 000 elsewhere") == {"3000"}
    assert "275" in extract_numbers("275 fighters")
    assert "3.5" in extract_numbers("3.5 percent")
    assert extract_numbers("in 7 days") == frozenset()  # single digits carry no evidence


def test_names_come_from_capitalised_words_not_sentence_starts():
    names = extract_names("The talks in Geneva went on. Omar Alloush spoke to Reuters in Raqqa.")
    assert {name_key("Geneva"), name_key("Alloush"), name_key("Reuters"), name_key("Raqqa")} <= names
    assert name_key("The") not in names


def test_chunks_cover_a_long_body_within_the_cap():
    body = " ".join(f"Sentence number {i} says something about the matter at hand." for i in range(200))
    chunks = chunk_body(body, 400, 6)
    assert 1 < len(chunks) <= 6
    assert all(len(c) <= 600 for c in chunks)


def test_features_round_trip_through_bytes(features):
    original = features["raqqa_fr"]
    restored = StoryFeatures.from_bytes(original.to_bytes())
    assert np.array_equal(restored.doc_vector, original.doc_vector)
    assert np.array_equal(restored.chunk_vectors, original.chunk_vectors)
    assert restored.names == original.names and restored.numbers == original.numbers
    assert (restored.published, restored.language, restored.title) == (original.published, "fr", original.title)
    with pytest.raises(ValueError):
        StoryFeatures.from_bytes(b"nonsense" * 4)


def test_vectors_are_unit_length(features):
    f = features["raqqa_en"]
    for vector in (f.title_vector, f.lead_vector, f.doc_vector, *f.chunk_vectors):
        assert math.isclose(float(np.linalg.norm(vector)), 1.0, rel_tol=1e-4)


# --- the shipped similarity model ---------------------------------------------------


def test_shipped_model_loads_and_reads_known_features():
    similarity = StorySimilarity.load()
    assert set(similarity.model.inputs) <= set(FEATURE_NAMES)
    assert 0.0 < similarity.threshold < 1.0
    assert similarity.info["oof_pearson"] >= 0.78  # the figure the model was accepted on


def test_same_story_across_languages_scores_above_threshold(features):
    similarity = default_similarity()
    score = similarity.score(features["raqqa_en"], features["raqqa_fr"])
    assert similarity.is_same_story(score), score


def test_different_story_scores_below_threshold(features):
    similarity = default_similarity()
    score = similarity.score(features["raqqa_en"], features["football"])
    assert not similarity.is_same_story(score), score
    assert score < similarity.score(features["raqqa_en"], features["raqqa_fr"])


def test_score_is_symmetric_and_a_probability(features):
    similarity = default_similarity()
    a, b = features["raqqa_en"], features["raqqa_fr"]
    assert 0.0 <= similarity.score(a, b) <= 1.0
    assert math.isclose(similarity.score(a, b), similarity.score(b, a), rel_tol=1e-6)


def test_distance_in_time_lowers_the_score(features):
    similarity = default_similarity()
    near = similarity.score(features["raqqa_en"], features["raqqa_fr"])
    far_fr = StoryFeatures.from_bytes(features["raqqa_fr"].to_bytes())
    far_fr.published = "2019-03-01"
    assert similarity.score(features["raqqa_en"], far_fr) < near - 0.1


def test_best_threshold_favours_precision_when_asked():
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    same = np.array([True, True, False, True, False, False])
    f1_cut, _ = best_threshold(scores, same)
    precise_cut, _ = best_threshold(scores, same, beta=0.5)
    assert precise_cut >= f1_cut
    assert 0.7 < precise_cut <= 0.8


# --- incremental clustering -------------------------------------------------------


def test_index_groups_one_story_across_languages_and_keeps_ids(features):
    index = StoryIndex()
    assignments = {}
    for article_id in ("raqqa_en", "football", "raqqa_fr"):
        story_id, _ = index.assign(features[article_id])
        if story_id is None:
            story_id = index.new_story(article_id, features[article_id])
        else:
            index.add(story_id, article_id, features[article_id])
        assignments[article_id] = story_id
    assert assignments["raqqa_en"] == assignments["raqqa_fr"] == "s-raqqa_en"
    assert assignments["football"] == "s-football"
    assert sorted(index.members("s-raqqa_en")) == ["raqqa_en", "raqqa_fr"]
    assert index.story_of("raqqa_fr") == "s-raqqa_en"


def test_restored_index_places_a_new_article_like_the_original(features):
    restored = StoryIndex()
    restored.add("s-raqqa_en", "raqqa_en", features["raqqa_en"])
    restored.add("s-football", "football", features["football"])
    story_id, score = restored.assign(features["raqqa_fr"])
    assert story_id == "s-raqqa_en" and score >= restored.similarity.threshold


def test_articles_far_apart_in_time_are_not_candidates(features):
    index = StoryIndex(date_window_days=5)
    index.new_story("raqqa_en", features["raqqa_en"])
    later = StoryFeatures.from_bytes(features["raqqa_fr"].to_bytes())
    later.published = "2018-06-01"
    assert index.assign(later) == (None, 0.0)


def test_adding_an_article_twice_is_refused(features):
    index = StoryIndex()
    index.new_story("raqqa_en", features["raqqa_en"])
    with pytest.raises(ValueError):
        index.add("s-other", "raqqa_en", features["raqqa_en"])


def test_story_title_takes_the_most_central_member(features):
    members = [(RAQQA_EN[0], RAQQA_EN[1], RAQQA_EN[2]), (RAQQA_FR[0], RAQQA_FR[1], RAQQA_FR[2])]
    title = story_title(members, [features["raqqa_en"], features["raqqa_fr"]])
    assert title in (RAQQA_EN[0], RAQQA_FR[0])
    untitled = story_title([(None, "Flood waters rise in Venice\n\nThe lagoon city saw its highest tide.", None)])
    assert untitled == "Flood waters rise in Venice"
