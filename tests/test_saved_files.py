"""Model files written by an earlier release still load and predict as they did.

``tests/data/main-5012e94-*.s2s`` were written by main at commit 5012e94 (before the
package was reorganised into wings), with the predictions, scores and features that
model gave then in ``main-5012e94-expected.json``.
"""

import json
from pathlib import Path

import numpy as np
import pytest

import sklearn_seq2seq

DATA = Path(__file__).parent / "data"
EXPECTED = json.loads((DATA / "main-5012e94-expected.json").read_text())
X = ["1 2 3", "4 5", "6 7 8 9", "2 4", "3 1", "9 8 7"]
y = [" ".join(reversed(s.split())) for s in X]


@pytest.mark.parametrize("name", sorted(set(EXPECTED) - {"classifier"}))
def test_old_sequence_model_files_load_unchanged(name):
    model = sklearn_seq2seq.load(DATA / f"main-5012e94-{name}.s2s")
    expected = EXPECTED[name]
    assert isinstance(model, sklearn_seq2seq.Seq2SeqTransformer)
    assert list(model.predict(X)) == expected["predict"]
    np.testing.assert_allclose(
        model.score_samples(X, y), expected["score_samples"], rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose(
        model.transform(X[:3]), expected["transform"], rtol=1e-5, atol=1e-6
    )


def test_old_classifier_file_loads_unchanged():
    model = sklearn_seq2seq.load(DATA / "main-5012e94-classifier.s2s")
    expected = EXPECTED["classifier"]
    assert isinstance(model, sklearn_seq2seq.Seq2SeqClassifier)
    assert model.predict(X).tolist() == expected["predict"]
    np.testing.assert_allclose(
        model.predict_proba(X), expected["predict_proba"], rtol=1e-5, atol=1e-6
    )
