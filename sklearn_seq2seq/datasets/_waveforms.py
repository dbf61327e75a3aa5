"""Long float sequences (noisy waveforms) to classify."""

from numbers import Integral

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import RealNotInt, validate_params

from .._data._validation import IntervalNotBool as Interval
from ._common import (
    _N_SAMPLES,
    _POSITIVE_INT,
    _TEST_SIZE,
)


@validate_params(
    {
        "n_samples": _N_SAMPLES,
        "n_steps": _POSITIVE_INT,
        "n_classes": [Interval(Integral, 2, None, closed="left")],
        "noise": [Interval(RealNotInt, 0, None, closed="left")],
        "test_size": _TEST_SIZE,
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_waveforms(
    n_samples=5000,
    *,
    n_steps=40,
    n_classes=10,
    noise=0.5,
    test_size=0.2,
    random_state=0,
):
    """Noisy waveforms of ``n_classes`` shapes, to classify from long sequences.

    Each class is a waveform shape: a sine of one of ``ceil(n_classes / 2)``
    frequencies, either plain or with its second half inverted (so a class can
    only be told from the whole sequence, not from its start). Every sample draws a
    random phase and amplitude, adds Gaussian noise of standard deviation `noise`
    and is standardised over its steps. A long float-sequence classification task
    (one feature per step) for :class:`~sklearn_seq2seq.Seq2SeqClassifier`; the split
    is stratified by label.

    Parameters
    ----------
    n_samples : int, default=5000
        Number of sequences.
    n_steps : int, default=40
        Steps per sequence.
    n_classes : int, default=10
        Number of classes (>= 2).
    noise : float, default=0.5
        Standard deviation of the added noise, relative to an amplitude of about 1.
    test_size : float, default=0.2
        Fraction of the sequences in the test split, in (0, 1).
    random_state : int, RandomState instance or None, default=0
        Seed of the draw and the split.

    Returns
    -------
    X_train, X_test : ndarray of shape (n, n_steps), dtype float32
        Standardised sequences of scalars.
    y_train, y_test : ndarray of shape (n,), dtype int64
        Labels ``0 .. n_classes - 1``.

    Examples
    --------
    >>> from sklearn_seq2seq.datasets import make_waveforms
    >>> X_train, X_test, y_train, y_test = make_waveforms(n_samples=100)
    >>> X_train.shape, X_test.shape, sorted(set(y_train.tolist()))[:3]
    ((80, 40), (20, 40), [0, 1, 2])
    """
    rng = check_random_state(random_state)
    y = np.arange(n_samples) % n_classes
    rng.shuffle(y)
    steps = np.arange(n_steps) / n_steps
    frequency = 1.0 + (y // 2)  # cycles per sequence
    phase = rng.uniform(0, 2 * np.pi, size=n_samples)
    amplitude = rng.uniform(0.7, 1.3, size=n_samples)
    X = amplitude[:, None] * np.sin(
        2 * np.pi * frequency[:, None] * steps[None, :] + phase[:, None]
    )
    flip = (y % 2 == 1)[:, None] & (steps[None, :] >= 0.5)
    X = np.where(flip, -X, X) + rng.normal(scale=noise, size=X.shape)
    X = (X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X.astype(np.float32),
        y.astype(np.int64),
        test_size=test_size,
        random_state=rng,
        stratify=y,
    )
    return X_train, X_test, y_train, y_test
