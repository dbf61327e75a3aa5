"""Seq2SeqClassifier: sklearn's estimator checks, the MNIST-rows experiment, labels."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_seq2seq import Seq2SeqClassifier
from sklearn_seq2seq.datasets import load_digits_sequences

FAST = dict(
    hidden_dim=16,
    output_length=2,
    output_dim=4,
    max_epochs=5,
    lr=0.05,
    batch_size=64,
    random_state=0,
    device="cpu",
)


# Checks that train to a score: with the default max_epochs, 10 s to a minute each
# on a loaded 2-core machine (measured with --durations).
SLOW_CHECKS = {"check_classifiers_train", "check_classifiers_classes"}


def _slow_when_defaults_train(parametrize):
    """``parametrize_with_checks``'s parametrization, with its ``SLOW_CHECKS`` of
    estimators left at their default settings marked ``slow``."""
    names, params = parametrize.args

    def param(estimator, check):
        name = getattr(check, "func", check).__name__
        if name in SLOW_CHECKS and (
            estimator.max_epochs == Seq2SeqClassifier().max_epochs
        ):
            return pytest.param(estimator, check, marks=pytest.mark.slow)
        return (estimator, check)

    return pytest.mark.parametrize(
        names, [param(*p) for p in params], **parametrize.kwargs
    )


@_slow_when_defaults_train(
    parametrize_with_checks(
        [
            Seq2SeqClassifier(**FAST),
            # The settings users start from: every default (random_state=None
            # makes sklearn skip the checks that need determinism), then seeded.
            Seq2SeqClassifier(),
            Seq2SeqClassifier(random_state=0),
            # One configuration per decoder mode (attention is the default above).
            *(
                Seq2SeqClassifier(decoder=decoder, max_epochs=3, random_state=0)
                for decoder in ("simple", "feedback", "peek")
            ),
        ]
    )
)
def test_sklearn_estimator_checks(estimator, check):
    """Every check of sklearn's check_estimator passes, none is expected to fail."""
    check(estimator)


@pytest.fixture(scope="module")
def digits():
    return load_digits_sequences(random_state=0)


@pytest.fixture(scope="module")
def digits_scores(digits):
    """The Keras seq2seq models' MNIST-rows experiment in small: digits read row by
    row, simple vs attention decoder."""
    X_train, X_test, y_train, y_test = digits
    scores = {}
    for decoder in ("simple", "attention"):
        clf = Seq2SeqClassifier(
            decoder=decoder,
            hidden_dim=32,
            max_epochs=15,
            lr=0.01,
            batch_size=64,
            random_state=0,
        )
        scores[decoder] = clf.fit(X_train, y_train).score(X_test, y_test)
    return scores


@pytest.mark.slow  # trains two models on digits (~10 s)
def test_digits_rows_reach_90_percent(digits_scores):
    """Both decoders learn digits read row by row. Measured over random_state 0-3
    with 1 and 2 threads: attention 0.933-0.978, simple 0.936-0.967, so 0.90
    leaves a margin below the lowest. Which of the two is better varies with the
    seed and the thread count at this size (attention - simple from -0.031 to
    +0.024), so it is compared in the benchmarks, not here."""
    assert digits_scores["attention"] >= 0.90, digits_scores
    assert digits_scores["simple"] >= 0.90, digits_scores


def test_string_labels_and_token_inputs():
    X = ["a b c", "c b a", "a a b", "b c c", "c c a", "b a c"] * 10
    y = np.array(["first-a" if s[0] == "a" else "other" for s in X], dtype=object)
    clf = Seq2SeqClassifier(hidden_dim=16, max_epochs=20, lr=0.02, random_state=0)
    clf.fit(X, y)
    assert list(clf.classes_) == ["first-a", "other"]
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert clf.score(X, y) == 1.0
    # Predictions are the original labels, here for a pandas Series of strings.
    import pandas as pd

    predicted = clf.predict(pd.Series(["a b c", "c b a"], index=[7, 9]))
    assert predicted.tolist() == ["first-a", "other"]


def test_predict_proba_columns_follow_classes():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 4, 2)).astype(np.float32)
    y = np.where(X[:, :, 0].mean(axis=1) > 0, 7, 3)
    clf = Seq2SeqClassifier(hidden_dim=16, max_epochs=20, lr=0.02, random_state=0)
    clf.fit(X, y)
    assert list(clf.classes_) == [3, 7]
    proba = clf.predict_proba(X)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X))
    assert clf.n_features_in_ == 2


def test_one_class_is_rejected():
    X = np.random.default_rng(0).normal(size=(10, 3))
    with pytest.raises(ValueError, match="at least 2 classes"):
        Seq2SeqClassifier(**FAST).fit(X, np.zeros(10))


def test_not_fitted():
    with pytest.raises(NotFittedError):
        Seq2SeqClassifier().predict_proba(np.zeros((2, 3)))


def test_pickle_round_trip_keeps_predictions():
    X = np.random.default_rng(0).normal(size=(40, 5, 3)).astype(np.float32)
    y = (X[:, 0, 0] > 0).astype(int)
    clf = Seq2SeqClassifier(**FAST).fit(X, y)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(clf.predict_proba(X), restored.predict_proba(X))
    assert clone(clf).get_params() == clf.get_params()


def test_early_stopping_scores_validation_accuracy():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 4, 2)).astype(np.float32)
    y = (X[:, 0, 0] > 0).astype(int)
    clf = Seq2SeqClassifier(**{**FAST, "max_epochs": 3}, early_stopping=True)
    history = clf.fit(X, y).history_
    assert {"valid_loss", "valid_acc"} <= set(history.columns)
    assert history["valid_acc"].between(0, 1).all()


def test_validation_fraction_must_leave_a_sample():
    X = np.random.default_rng(0).normal(size=(5, 3))
    with pytest.raises(ValueError, match="validation_fraction"):
        Seq2SeqClassifier(**FAST, early_stopping=True, validation_fraction=0.1).fit(
            X, [0, 1, 0, 1, 0]
        )


def test_unused_teacher_forcing_ratio_warns():
    """The classifier shares the parameter but has nothing to force: say so."""
    X, y = ["1 2", "2 1", "1 1", "2 2"] * 3, ["a", "b", "a", "b"] * 3
    kwargs = dict(hidden_dim=4, max_epochs=1, random_state=0)
    with pytest.warns(UserWarning, match="teacher_forcing_ratio=0.5 is ignored"):
        Seq2SeqClassifier(**kwargs, teacher_forcing_ratio=0.5).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Seq2SeqClassifier(**kwargs).fit(X, y)
