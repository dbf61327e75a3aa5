"""scikit-learn's digit images read row by row, as float sequences."""

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.utils._param_validation import validate_params

from ._common import (
    _TEST_SIZE,
)


@validate_params(
    {
        "test_size": _TEST_SIZE,
        "random_state": ["random_state"],
        "normalize": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def load_digits_sequences(*, test_size=0.25, random_state=0, normalize=True):
    """Scikit-learn's 8x8 digit images as sequences of 8 rows of 8 pixels.

    A small version of the MNIST-read-row-by-row task of the Keras seq2seq models, from
    the data bundled with scikit-learn (:func:`sklearn.datasets.load_digits`, no
    download): 1797 images, each read as 8 time steps (rows) of 8 pixel features, to be
    classified into 10 digits, for example with
    :class:`~sklearn_seq2seq.Seq2SeqClassifier`. The split is stratified by label.
    Unlike the text tasks, this one returns NumPy arrays.

    Parameters
    ----------
    test_size : float, default=0.25
        Fraction of the images in the test split, in (0, 1).

    random_state : int, RandomState instance or None, default=0
        Seed of the split. Pass an int for reproducible output.

    normalize : bool, default=True
        Divide the pixel values (0..16) by 16 so that they lie in [0, 1].

    Returns
    -------
    X_train, X_test : ndarray of shape (n_images, 8, 8), dtype float32
        Images as sequences: ``X[i, t]`` is row ``t`` of image ``i``.

    y_train, y_test : ndarray of shape (n_images,), dtype int64
        Digit labels 0..9.

    Examples
    --------
    >>> from sklearn_seq2seq.datasets import load_digits_sequences
    >>> X_train, X_test, y_train, y_test = load_digits_sequences()
    >>> X_train.shape, X_test.shape, X_train.dtype
    ((1347, 8, 8), (450, 8, 8), dtype('float32'))
    >>> float(X_train.min()), float(X_train.max())
    (0.0, 1.0)
    """
    digits = load_digits()
    X = digits.images.astype(np.float32)
    if normalize:
        X /= np.float32(16.0)
    y = digits.target.astype(np.int64)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=random_state, stratify=y
    )
    return X_train, X_test, y_train, y_test
