"""The encoder cache the training scripts and benches share (``--cache``)."""

import numpy as np
import pytest

from rashomon.embed import get_encoder
from rashomon.embed.cache import CachedEncoder, encoder_cached_in


def _cached_keys(path) -> int:
    with np.load(path) as data:
        return len(data["keys"])


def test_vectors_are_kept_between_runs_and_come_back_unchanged(tmp_path):
    path = tmp_path / "enc.npz"
    texts = ["ISIS fighters left Raqqa.", "Les convois de l'EI ont quitté Abou Kamal."]
    with encoder_cached_in(path) as encoder:
        first = encoder.encode(texts)
    assert _cached_keys(path) == 2
    again = CachedEncoder(get_encoder(), path)
    np.testing.assert_allclose(again.encode(texts), first, rtol=0, atol=1e-6)
    assert _cached_keys(path) == 2


def test_the_cache_is_written_even_when_the_run_fails(tmp_path):
    path = tmp_path / "enc.npz"
    with pytest.raises(ValueError, match="bad label line"):
        with encoder_cached_in(path) as encoder:
            encoder.encode(["The coalition denied any deal."])
            raise ValueError("bad label line")
    assert _cached_keys(path) == 1


def test_without_a_path_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with encoder_cached_in(None) as encoder:
        assert encoder.encode(["one sentence"]).shape[0] == 1
    assert list(tmp_path.iterdir()) == []
