"""rashomon.linear: the one linear model behind every trained head, and its fitting routines.

The expected values were computed by the heads' classes before they became ``LinearModel`` (the persuasion
``LinearHead``, the stance ``SoftmaxStage``, the story-similarity ``LinearModel``) and the fitting routines before
they moved here; the old and new code gave bitwise identical outputs on these inputs. A change of the shipped
weights or of the arithmetic moves them far beyond the tolerance, which only absorbs the last bits a different
BLAS may round differently.
"""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest

from rashomon.compare.stance import FEATURE_NAMES as STANCE_FEATURES
from rashomon.compare.stance import StanceModel
from rashomon.linear import LinearModel, fit_adam, fit_lbfgs, fit_newton, fit_ridge
from rashomon.persuasion.model import PersuasionModel
from rashomon.persuasion.propaganda import PropagandaModel
from rashomon.stories.similarity import FEATURE_NAMES as STORY_FEATURES
from rashomon.stories.similarity import StorySimilarity

EXPECTED = {
    "techniques": [
        [0.00076324333854211, 0.00197963486498769, 0.00127986873935018],
        [0.00286320319911211, 0.00135658299226375, 0.00185275266493864],
    ],
    "genre": [
        [0.9905909470095012, 0.00166038755155809, 0.00774866543894063],
        [0.9907136791137777, 0.00694040490480504, 0.00234591598141724],
    ],
    "frames": [
        [0.00480988614895558, 0.20135824071694264, 0.12304906289578542],
        [0.07724218033753788, 0.9565125583807789, 0.10559232781426776],
    ],
    "propaganda": [
        [2.1648603574067214e-26, 7.52226716076137e-16, 1.721483539258039e-21],
        [0.12128310799278334, 1.2297315142543168e-17, 1.328523110659126e-13],
    ],
    # Retrained on the FNC-1 split disjoint in bodies and headlines (issue 17): the shipped weights moved.
    "stance": [
        [2.9468183926071595e-13, 0.9999958059840165, 5.546674229196826e-19, 4.194015688852026e-06],
        [3.462554724071922e-08, 0.9993155615612396, 0.0006648015881561, 1.9602225057036016e-05],
    ],
    "similarity": [0.027436628522518096, 0.0835511718731689],
}


EXPECTED_FITS = {
    "adam": [[1.523820721187831, -0.34327374739021865], [0.1866766117090719, -0.4615244051148604]],
    "newton": [
        [0.9854476778810756, -0.008604755508131834, -0.31052554628995516, -0.2263285786608757],
        -0.36048214016069885,
    ],
    "ridge": [
        [1.2086010316990936, 0.00485326207577057, 0.013965265052993038, 0.03518903118617039],
        -1.6506412106868766,
    ],
    "lbfgs": [
        [1.3561017257364376, -0.005591978617648321],
        [-0.41742999866214153, -0.2976410777888801],
        [0.0, -0.521240421723116],
    ],
}


def close(actual, expected, rtol=1e-9):
    np.testing.assert_allclose(
        np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64), rtol=rtol, atol=1e-300
    )


def test_every_shipped_head_predicts_what_it_predicted_before_the_one_linear_model():
    rng = np.random.default_rng(18)
    persuasion = PersuasionModel.load()
    for name in ("techniques", "genre", "frames"):
        head = getattr(persuasion, name)
        x = rng.standard_normal((2, head.weights.shape[0])) * 0.1
        close(head.predict_proba(x)[:, :3], EXPECTED[name])
    propaganda = PropagandaModel.load()
    close(
        propaganda.predict_proba(rng.standard_normal((2, propaganda.head.weights.shape[0])) * 0.1)[:, :3],
        EXPECTED["propaganda"],
    )
    raw = rng.random((2, len(STANCE_FEATURES)))
    blocks = {"claim*best": rng.standard_normal((2, 512)) * 0.003, "claim*doc": rng.standard_normal((2, 512)) * 0.003}
    close(StanceModel.load().proba_from_features(raw, blocks), EXPECTED["stance"])
    raw = rng.random((2, len(STORY_FEATURES)))
    doc_products = rng.standard_normal((2, 512)) * 0.003
    close(StorySimilarity.load().scores_from_raw(raw, doc_products, np.array([0.0, 1.0])), EXPECTED["similarity"])


def test_the_fitting_routines_fit_what_they_fitted_before():
    rng = np.random.default_rng(7)
    x = rng.standard_normal((30, 4))
    y = (x[:, :2] + rng.standard_normal((30, 2)) > 0).astype(float)
    model = fit_adam(x, y, 0.1, "sigmoid", "sqrt", steps=50)
    close(model.weights[0], EXPECTED_FITS["adam"][0])
    close(model.bias, EXPECTED_FITS["adam"][1])
    z = (x - x.mean(0)) / x.std(0)
    weights, bias = fit_newton(z, y[:, 0] * 0.8 + 0.1, np.full(4, 1.0))
    close(weights, EXPECTED_FITS["newton"][0], rtol=1e-7)
    close(bias, EXPECTED_FITS["newton"][1], rtol=1e-7)
    weights, bias = fit_ridge(z, x[:, 0] * 2 - 1, np.full(4, 3.0))
    close(weights, EXPECTED_FITS["ridge"][0])
    close(bias, EXPECTED_FITS["ridge"][1])
    model = fit_lbfgs(x[:, :2], {"v": x[:, 2:]}, y[:, 0].astype(int), ["no", "yes"], 1.0, np.ones(30))
    close(model.weights[:, 1], EXPECTED_FITS["lbfgs"][0], rtol=1e-4)
    close(model.blocks["v"][:, 1], EXPECTED_FITS["lbfgs"][1], rtol=1e-4)
    close(model.bias, EXPECTED_FITS["lbfgs"][2], rtol=1e-4)
    # A binary target gives the first class a zero logit.
    assert model.weights[:, 0].tolist() == [0.0, 0.0] and model.blocks["v"][:, 0].tolist() == [0.0, 0.0]


@pytest.mark.parametrize(
    "package, name, load",
    [
        ("rashomon.persuasion", "data/persuasion.json", PersuasionModel.load),
        ("rashomon.persuasion", "data/propaganda.json", PropagandaModel.load),
        ("rashomon.compare", "data/stance.json", StanceModel.load),
        ("rashomon.stories", "data/similarity.json", StorySimilarity.load),
    ],
)
def test_a_shipped_artifact_loads_and_saves_back_byte_for_byte(tmp_path, package, name, load):
    shipped = resources.files(package).joinpath(name).read_text("utf-8")
    path = tmp_path / "model.json"
    load().save(path)
    assert path.read_text("utf-8") == shipped


def test_decision_function_link_and_thresholds():
    model = LinearModel(
        np.array([[1.0, -1.0], [0.5, 2.0]]),
        np.array([0.0, -1.0]),
        "sigmoid",
        ["a", "b"],
        thresholds=np.array([0.5, 1.01]),
        language_offsets={"de": 1.0},
    )
    x = np.array([[2.0, 0.0], [0.0, 1.0]])
    np.testing.assert_array_equal(model.decision_function(x), [[2.0, -3.0], [0.5, 1.0]])
    proba = model.predict_proba(x)
    np.testing.assert_allclose(proba, 1 / (1 + np.exp(-np.array([[2.0, -3.0], [0.5, 1.0]]))))
    # A threshold above 1 never fires, in every language; a positive offset raises the others.
    assert model.decide(proba).tolist() == [[True, False], [True, False]]
    assert model.decide(proba, "de").tolist() == [[True, False], [False, False]]
    again = LinearModel.from_dict(json.loads(json.dumps(model.to_dict())))
    np.testing.assert_array_equal(again.predict_proba(x), proba)
    softmax = LinearModel(model.weights, model.bias, "softmax", ["a", "b"])
    assert softmax.decide(softmax.predict_proba(x)).tolist() == [[True, False], [False, True]]
    with pytest.raises(ValueError, match="input block 'v'"):
        LinearModel(model.weights, model.bias, blocks={"v": np.ones((1, 2))}).decision_function(x)
