"""Shared parameter constraints and sampling helpers of the tasks (their shared
docstring parts are in :mod:`sklearn_seq2seq._docstrings`)."""

from numbers import Integral

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.utils._param_validation import RealNotInt

from .._data._validation import IntervalNotBool as Interval

_TEST_SIZE = [Interval(RealNotInt, 0, 1, closed="neither")]
# Two samples at least, so that both splits can be non-empty.
_N_SAMPLES = [Interval(Integral, 2, None, closed="left")]
_POSITIVE_INT = [Interval(Integral, 1, None, closed="left")]


def _split(
    X: list[str],
    y: list[str],
    test_size: float,
    rng: np.random.RandomState,
) -> tuple[list[str], list[str], list[str], list[str]]:
    """Shuffle and split paired lists like ``train_test_split``."""
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=rng
    )
    return list(X_train), list(X_test), list(y_train), list(y_test)


def _check_length_range(
    min_value: int, max_value: int, min_name: str, max_name: str
) -> None:
    if min_value > max_value:
        raise ValueError(
            f"{min_name} must be <= {max_name}, got {min_name}={min_value} and "
            f"{max_name}={max_value}."
        )


def _sample_distinct_sequences(
    n_samples: int,
    min_length: int,
    max_length: int,
    n_symbols: int,
    rng: np.random.RandomState,
    *,
    length_name: str = "length",
    bound_names: tuple[str, str] = ("min_length", "max_length"),
) -> list[tuple[int, ...]]:
    """Draw ``n_samples`` distinct sequences of symbol indices.

    Lengths are uniform on ``[min_length, max_length]`` as far as the number of
    distinct sequences of each length allows; the symbols are uniform on
    ``range(n_symbols)``. Raises ``ValueError`` if ``min_length > max_length`` (the
    message names them ``bound_names``) or if fewer than ``n_samples`` distinct
    sequences exist (the message calls a length ``length_name``).
    """
    _check_length_range(min_length, max_length, *bound_names)
    lengths = list(range(min_length, max_length + 1))
    # Python ints: exact, no overflow for large vocabularies or lengths.
    capacities = [n_symbols**length for length in lengths]
    total = sum(capacities)
    if n_samples > total:
        raise ValueError(
            f"n_samples={n_samples} exceeds the {total} distinct sequences of "
            f"{length_name} {min_length}..{max_length} over {n_symbols} symbol(s); "
            f"lower n_samples or widen the {length_name} range or the vocabulary."
        )

    counts = [
        int(c) for c in rng.multinomial(n_samples, [1 / len(lengths)] * len(lengths))
    ]
    # Lengths with fewer distinct sequences than requested give their excess to the
    # longer lengths, which have the most room.
    excess = sum(max(0, c - cap) for c, cap in zip(counts, capacities))
    counts = [min(c, cap) for c, cap in zip(counts, capacities)]
    for i in reversed(range(len(lengths))):
        moved = min(excess, capacities[i] - counts[i])
        counts[i] += moved
        excess -= moved

    sequences: list[tuple[int, ...]] = []
    for length, count, capacity in zip(lengths, counts, capacities):
        if count == 0:
            continue
        if 2 * count <= capacity:
            # Sparse draw: rejection sampling accepts at least half of the candidates.
            # A dict keeps insertion order, so the result is deterministic.
            seen: dict[tuple[int, ...], None] = {}
            while len(seen) < count:
                batch = rng.randint(0, n_symbols, size=(count - len(seen), length))
                for row in batch:
                    seen.setdefault(tuple(int(s) for s in row), None)
            sequences.extend(seen)
        else:
            # Dense draw: capacity <= 2 * n_samples, so enumerating indices is cheap.
            for index in rng.permutation(capacity)[:count]:
                index = int(index)
                digits = []
                for _ in range(length):
                    index, symbol = divmod(index, n_symbols)
                    digits.append(symbol)
                sequences.append(tuple(reversed(digits)))
    return sequences


def _sample_distinct_integers(
    n_samples: int, high: int, rng: np.random.RandomState
) -> list[int]:
    """``n_samples`` distinct integers from ``range(high)``, in random order."""
    if 2 * n_samples > high:
        return [int(v) for v in rng.permutation(high)[:n_samples]]
    # Sparse draw without materialising range(high), which may be huge.
    seen: dict[int, None] = {}
    while len(seen) < n_samples:
        for value in rng.randint(0, high, size=n_samples - len(seen), dtype=np.int64):
            seen.setdefault(int(value), None)
    return list(seen)
