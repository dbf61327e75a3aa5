"""Checkpoint selection: a fit with validation data keeps its best epoch's weights.

NMT toolkits (Joey NMT, OpenNMT, fairseq) keep the checkpoint of the best validation
score rather than the last one; so do the estimators whenever they have validation
data (``X_val``/``y_val``, or the ``validation_fraction`` that ``early_stopping``
holds out). The reference is the same fit stopped by hand at the best epoch.
"""

import numpy as np
import pytest
import torch

from sklearn_seq2seq import Seq2SeqClassifier, Seq2SeqTransformer

from _s2s_shared import DECODERS, X_TEXT, Y_TEXT

SETTINGS = dict(
    hidden_dim=8, lr=0.02, lr_schedule="constant", random_state=0, device="cpu"
)
# Validation pairs that contradict the training pairs: each source with another
# source's target, so the validation loss falls, then rises as training goes on.
X_VAL, Y_VAL = X_TEXT[:6], Y_TEXT[1:7]
LABELS = [len(x.split()) % 2 for x in X_TEXT]
WRONG_LABELS = [1 - label for label in LABELS[:6]]


@pytest.fixture(autouse=True)
def _seed():
    np.random.seed(0)  # noqa: NPY002


def _same_weights(a, b) -> bool:
    first, second = a.net_.module_.state_dict(), b.net_.module_.state_dict()
    return all(torch.equal(first[name], second[name]) for name in first)


def _fits(estimator, y, y_val, *, epochs: int, **params):
    """The fit over ``epochs`` and the fit stopped at its best validation epoch."""
    model = estimator(max_epochs=epochs, **SETTINGS, **params)
    model.fit(X_TEXT, y, X_val=X_VAL, y_val=y_val)
    losses = model.history_["valid_loss"].to_numpy()
    best = int(losses.argmin()) + 1
    assert best < epochs, "the data must make the last epoch worse than the best"
    stopped = estimator(max_epochs=best, **SETTINGS, **params)
    stopped.fit(X_TEXT, y, X_val=X_VAL, y_val=y_val)
    return model, stopped


@pytest.mark.parametrize(
    "network",
    [{"decoder": decoder} for decoder in DECODERS] + [{"architecture": "transformer"}],
    ids=[*DECODERS, "transformer"],
)
def test_transformer_keeps_the_best_validation_epoch(network):
    model, stopped = _fits(
        Seq2SeqTransformer, Y_TEXT, Y_VAL, epochs=20, n_heads=2, **network
    )
    assert len(model.history_) == 20  # no early stop: every epoch was trained
    assert _same_weights(model, stopped)
    assert list(model.predict(X_VAL)) == list(stopped.predict(X_VAL))


@pytest.mark.parametrize("architecture", ["rnn", "transformer"])
def test_classifier_keeps_the_best_validation_epoch(architecture):
    model, stopped = _fits(
        Seq2SeqClassifier,
        LABELS,
        WRONG_LABELS,
        epochs=10,
        architecture=architecture,
        n_heads=2,
    )
    assert _same_weights(model, stopped)
    np.testing.assert_array_equal(
        model.predict_proba(X_VAL), stopped.predict_proba(X_VAL)
    )
