"""Sorting and reversal of random symbol sequences."""

from collections.abc import Callable, Iterable

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import validate_params

from .._docstrings import fill_doc
from ._common import (
    _N_SAMPLES,
    _POSITIVE_INT,
    _TEST_SIZE,
    _sample_distinct_sequences,
    _split,
)


def _symbol_tokens(n_symbols: int) -> list[str]:
    """Token of each symbol index, in sort order (see :func:`make_sorting`)."""
    if n_symbols <= 10:
        return [str(i) for i in range(n_symbols)]
    if n_symbols <= 26:
        return [chr(ord("a") + i) for i in range(n_symbols)]
    return [f"t{i}" for i in range(n_symbols)]


def _symbol_task(
    order: Callable[[tuple[int, ...]], Iterable[int]],
    n_samples: int,
    min_length: int,
    max_length: int,
    n_symbols: int,
    test_size: float,
    random_state: int | np.random.RandomState | None,
) -> tuple[list[str], list[str], list[str], list[str]]:
    """Random symbol sequences to their symbols put in ``order``, split.

    The body of :func:`make_sorting` (``order=sorted``) and :func:`make_reversal`
    (``order=reversed``), whose docstrings describe the other parameters.
    """
    rng = check_random_state(random_state)
    sequences = _sample_distinct_sequences(
        n_samples, min_length, max_length, n_symbols, rng
    )
    tokens = _symbol_tokens(n_symbols)
    X = [" ".join(tokens[s] for s in seq) for seq in sequences]
    y = [" ".join(tokens[s] for s in order(seq)) for seq in sequences]
    return _split(X, y, test_size, rng)


_SYMBOL_TASK_CONSTRAINTS = {
    "n_samples": _N_SAMPLES,
    "min_length": _POSITIVE_INT,
    "max_length": _POSITIVE_INT,
    "n_symbols": _POSITIVE_INT,
    "test_size": _TEST_SIZE,
    "random_state": ["random_state"],
}


@validate_params(_SYMBOL_TASK_CONSTRAINTS, prefer_skip_nested_validation=True)
@fill_doc
def make_sorting(
    n_samples=2000,
    *,
    min_length=3,
    max_length=8,
    n_symbols=10,
    test_size=0.2,
    random_state=0,
):
    """Random symbol sequences to the same symbols in sorted order.

    The source is a random sequence such as ``"3 1 2"``, the target its symbols sorted
    in ascending order, ``"1 2 3"``. Lengths are uniform on
    ``[min_length, max_length]`` (as far as there are enough distinct sequences of each
    length) and symbols are uniform. Sources are distinct, so none is in both splits.

    Symbols are the digits ``"0"``..``"9"`` when ``n_symbols <= 10``, the lowercase
    letters ``"a"``, ``"b"``, ... when ``n_symbols <= 26`` (so every symbol is a single
    character and the strings also work with a character analyzer), and tokens
    ``"t0"``, ``"t1"``, ..., ``"t{n_symbols - 1}"`` beyond; these are sorted by their
    number (``"t2"`` before ``"t10"``).

    Parameters
    ----------
    %(symbol_task_n_samples)s

    %(symbol_task_min_length)s

    %(symbol_task_max_length)s

    %(symbol_task_n_symbols)s

    %(dataset_test_size)s

    %(dataset_random_state)s

    Returns
    -------
    X_train, X_test : list of str
        Random symbol sequences, symbols separated by spaces.

    y_train, y_test : list of str
        The same symbols in sorted order.

    See Also
    --------
    make_reversal : The same sources, reversed.

    Examples
    --------
    >>> from sklearn_seq2seq.datasets import make_sorting
    >>> X_train, X_test, y_train, y_test = make_sorting(n_samples=100)
    >>> len(X_train), len(X_test)
    (80, 20)
    >>> X_train[0], y_train[0]
    ('2 3 9 7 7', '2 3 7 7 9')
    """
    return _symbol_task(
        sorted, n_samples, min_length, max_length, n_symbols, test_size, random_state
    )


@validate_params(_SYMBOL_TASK_CONSTRAINTS, prefer_skip_nested_validation=True)
@fill_doc
def make_reversal(
    n_samples=2000,
    *,
    min_length=3,
    max_length=8,
    n_symbols=10,
    test_size=0.2,
    random_state=0,
):
    """Random symbol sequences to the same sequences reversed.

    The source is a random sequence such as ``"3 1 2"``, the target the same symbols
    in reverse order, ``"2 1 3"``. Lengths, symbols and distinct sources are as in
    :func:`make_sorting`: digits when ``n_symbols <= 10``, lowercase letters when
    ``n_symbols <= 26``, tokens ``"t0"``, ``"t1"``, ... beyond.

    Parameters
    ----------
    %(symbol_task_n_samples)s

    %(symbol_task_min_length)s

    %(symbol_task_max_length)s

    %(symbol_task_n_symbols)s

    %(dataset_test_size)s

    %(dataset_random_state)s

    Returns
    -------
    X_train, X_test : list of str
        Random symbol sequences, symbols separated by spaces.

    y_train, y_test : list of str
        The same sequences reversed.

    See Also
    --------
    make_sorting : The same sources, sorted.

    Examples
    --------
    >>> from sklearn_seq2seq.datasets import make_reversal
    >>> X_train, X_test, y_train, y_test = make_reversal(n_samples=100, n_symbols=5)
    >>> X_train[0], y_train[0]
    ('1 2 1 4 1 3 1 3', '3 1 3 1 4 1 2 1')
    """
    return _symbol_task(
        reversed, n_samples, min_length, max_length, n_symbols, test_size, random_state
    )
