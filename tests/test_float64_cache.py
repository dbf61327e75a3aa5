"""Batch-invariant scoring on the CPU keeps one float64 copy of the network, made
once per set of weights, not one per call."""

import copy
import pickle

import numpy as np

from sklearn_seq2seq import Seq2SeqClassifier, Seq2SeqTransformer

from _s2s_shared import X_TEXT, Y_TEXT

TINY = dict(hidden_dim=8, max_epochs=1, random_state=0, device="cpu")


def test_score_samples_reuses_its_float64_copy_until_the_weights_change(monkeypatch):
    model = Seq2SeqTransformer(**TINY).fit(X_TEXT, Y_TEXT)
    copies = []
    real_deepcopy = copy.deepcopy

    def counting_deepcopy(obj, *args, **kwargs):
        if obj is model.net_.module_:
            copies.append(obj)
        return real_deepcopy(obj, *args, **kwargs)

    monkeypatch.setattr(copy, "deepcopy", counting_deepcopy)
    first = model.score_samples(X_TEXT, Y_TEXT)
    second = model.score_samples(X_TEXT, Y_TEXT)
    np.testing.assert_array_equal(first, second)
    assert len(copies) == 1
    # Training changes the weights: the next score uses them, through a new copy.
    model.set_params(warm_start=True, max_epochs=1).fit(X_TEXT, Y_TEXT)
    third = model.score_samples(X_TEXT, Y_TEXT)
    assert len(copies) == 2
    assert not np.allclose(first, third)
    # The scores equal those of a model loaded fresh with the same weights
    # (no stale copy): compare with a deep copy of the estimator.
    np.testing.assert_allclose(
        real_deepcopy(model).score_samples(X_TEXT, Y_TEXT), third, rtol=1e-12
    )


def test_the_cache_is_not_pickled():
    labels = [len(x.split()) % 2 for x in X_TEXT]
    clf = Seq2SeqClassifier(**TINY).fit(X_TEXT, labels)
    attributes = dict(vars(clf))
    proba = clf.predict_proba(X_TEXT)
    assert "_float64_module_cache" in vars(clf.net_)
    assert vars(clf) == attributes  # scoring changed no estimator attribute
    restored = pickle.loads(pickle.dumps(clf))
    assert "_float64_module_cache" not in vars(restored.net_)
    np.testing.assert_allclose(restored.predict_proba(X_TEXT), proba, rtol=1e-12)
