"""Toy data, estimator settings and checks that several test modules share.

The test modules import it as a top-level module (``from _s2s_shared import ...``):
``tests`` is no package, so pytest puts this folder on ``sys.path``.
"""

import numpy as np
from sklearn.utils.estimator_checks import (
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
)

# The smallest quick configuration of either estimator.
TINY = dict(hidden_dim=8, max_epochs=2, batch_size=16, random_state=0, device="cpu")
DECODERS = ["simple", "feedback", "peek", "attention"]

# The toy task: reversal of short digit sequences.
REVERSAL_SOURCES = ("1 2 3", "4 5", "6 7 8 9", "2 4", "9 8", "3 3 1")


def reverse_words(text: str) -> str:
    """The words of ``text`` in reverse order: the reversal task's target."""
    return " ".join(reversed(text.split()))


def reversal_data(n_distinct: int = 6, repeat: int = 4) -> tuple[list[str], list[str]]:
    """``(X, y)`` of the reversal task: the first ``n_distinct`` of
    ``REVERSAL_SOURCES``, ``repeat`` times over, and each of them reversed."""
    X = list(REVERSAL_SOURCES[:n_distinct]) * repeat
    return X, [reverse_words(x) for x in X]


# 24 reversal pairs, and 24 samples of the other input kinds. Fewer samples: a
# prefix (``X_FLOAT[:12]`` is what ``default_rng(0).normal(size=(12, 4, 2))`` gives).
X_TEXT, Y_TEXT = reversal_data()
X_FLOAT = np.random.default_rng(0).normal(size=(24, 4, 2)).astype(np.float32)
X_IDS = np.array([[5, 6, 7, 0], [8, 9, 0, 0], [5, 5, 5, 5]] * 8)

# (X, y) of each input/target kind Seq2SeqTransformer takes; y=None: an autoencoder.
TRANSFORMER_DATA = {
    "strings": (X_TEXT, Y_TEXT),
    "token-lists": ([s.split() for s in X_TEXT], [s.split() for s in Y_TEXT]),
    "ids": (X_IDS, X_IDS[:, ::-1].copy()),
    "floats": (X_FLOAT, np.cumsum(X_FLOAT, axis=1)),
    "strings-to-floats": (X_TEXT, X_FLOAT),
    "autoencoder": (X_TEXT, None),
}

# sklearn's estimator checks of the constructor and get_params/set_params contract,
# for estimators that check_estimator as a whole does not take.
SKLEARN_API_CHECKS = [
    check_no_attributes_set_in_init,
    check_get_params_invariance,
    check_set_params,
    check_parameters_default_constructible,
]


def assert_same_predictions(a, b) -> None:
    """Assert two predictions are equal: arrays, or sequences of strings or tokens."""
    if isinstance(a, np.ndarray) and a.dtype != object:
        np.testing.assert_array_equal(a, b)
    else:
        assert [list(x) if not isinstance(x, str) else x for x in a] == [
            list(x) if not isinstance(x, str) else x for x in b
        ]
