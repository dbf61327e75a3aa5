"""The scikit-learn contract that ``check_estimator`` cannot run on sequence inputs,
written out for both estimators and both architectures: refitting, feature names."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from sklearn_seq2seq import Seq2SeqClassifier, Seq2SeqTransformer

from _s2s_shared import X_TEXT, Y_TEXT

RNG = np.random.default_rng(0)
X_FRAME = pd.DataFrame(
    RNG.normal(size=(24, 4)).astype(np.float32), columns=["t0", "t1", "t2", "t3"]
)
LABELS = (X_FRAME.sum(axis=1) > 0).astype(int).to_numpy()
SMALL = dict(hidden_dim=8, max_epochs=2, batch_size=8, random_state=0, device="cpu")

ESTIMATORS = [
    pytest.param(estimator, architecture, id=f"{estimator.__name__}-{architecture}")
    for estimator in (Seq2SeqClassifier, Seq2SeqTransformer)
    for architecture in ("rnn", "transformer")
]


def _make(estimator, architecture):
    extra = {"n_heads": 2} if architecture == "transformer" else {}
    return estimator(architecture=architecture, **SMALL, **extra)


def _data(estimator, kind):
    """``(X, y)``: text or a DataFrame of floats; labels for the classifier, target
    sequences (the floats themselves: an autoencoder) for the transformer."""
    X = X_TEXT if kind == "text" else X_FRAME
    if estimator is Seq2SeqClassifier:
        return X, np.arange(len(X)) % 2 if kind == "text" else LABELS
    return X, Y_TEXT if kind == "text" else X


def _output(model, X):
    if isinstance(model, Seq2SeqClassifier):
        return model.predict_proba(X)
    return model.transform(X)


@pytest.mark.parametrize("kind", ["text", "floats"])
@pytest.mark.parametrize("estimator, architecture", ESTIMATORS)
def test_fit_is_idempotent(estimator, architecture, kind):
    """A second fit starts over (sklearn's check_fit_idempotent): the same
    outputs as the first fit and as a fresh clone's fit."""
    X, y = _data(estimator, kind)
    model = _make(estimator, architecture).fit(X, y)
    first = _output(model, X)
    np.testing.assert_allclose(_output(model.fit(X, y), X), first, rtol=1e-6)
    fresh = clone(model).fit(X, y)
    np.testing.assert_allclose(_output(fresh, X), first, rtol=1e-6)
    assert model.n_epochs_ == fresh.n_epochs_ == SMALL["max_epochs"]


@pytest.mark.parametrize("estimator, architecture", ESTIMATORS)
def test_feature_names_follow_the_last_fit(estimator, architecture):
    model = _make(estimator, architecture).fit(*_data(estimator, "floats"))
    assert model.feature_names_in_.tolist() == ["t0", "t1", "t2", "t3"]
    assert model.n_features_in_ == 4
    # Other names than in fit: scikit-learn's error.
    with pytest.raises(ValueError, match="feature names should match"):
        model.predict(X_FRAME.rename(columns={"t0": "first"}))
    # No names where fit had them: scikit-learn's warning.
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        model.predict(X_FRAME.to_numpy())
    # A refit on an array forgets the names; on tokens, the features too.
    X, y = _data(estimator, "floats")
    model.fit(X.to_numpy(), y if estimator is Seq2SeqClassifier else X.to_numpy())
    assert not hasattr(model, "feature_names_in_") and model.n_features_in_ == 4
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.predict(X_FRAME.to_numpy())
    model.fit(*_data(estimator, "text"))
    assert not hasattr(model, "feature_names_in_")
    assert not hasattr(model, "n_features_in_")
