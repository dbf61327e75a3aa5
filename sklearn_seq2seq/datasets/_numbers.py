"""Numbers written in English words -> digits (and back)."""

from numbers import Integral

from sklearn.utils import check_random_state
from sklearn.utils._param_validation import validate_params

from .._data._validation import IntervalNotBool as Interval
from .._docstrings import fill_doc
from ._common import (
    _N_SAMPLES,
    _TEST_SIZE,
    _sample_distinct_integers,
    _split,
)

_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALES = ((10**9, "billion"), (10**6, "million"), (10**3, "thousand"))
_MAX_NUMBER = 10**12 - 1


def _below_thousand_words(number: int) -> list[str]:
    """Words of ``1 <= number <= 999`` (no "and": "one hundred one")."""
    hundreds, rest = divmod(number, 100)
    words = [_ONES[hundreds], "hundred"] if hundreds else []
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(_TENS[tens])
        if ones:
            words.append(_ONES[ones])
    elif rest:
        words.append(_ONES[rest])
    return words


def _number_to_words(number: int) -> str:
    """American English words of ``0 <= number < 10**12``, separated by spaces.

    >>> _number_to_words(1_200)
    'one thousand two hundred'
    """
    if not 0 <= number <= _MAX_NUMBER:
        raise ValueError(f"number must be in [0, {_MAX_NUMBER}], got {number}.")
    if number == 0:
        return _ONES[0]
    words: list[str] = []
    for scale, name in _SCALES:
        chunk, number = divmod(number, scale)
        if chunk:
            words += [*_below_thousand_words(chunk), name]
    if number:
        words += _below_thousand_words(number)
    return " ".join(words)


@validate_params(
    {
        "n_samples": _N_SAMPLES,
        "max_value": [Interval(Integral, 1, _MAX_NUMBER, closed="both")],
        "test_size": _TEST_SIZE,
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
@fill_doc
def make_number_words(n_samples=1000, *, max_value=999, test_size=0.2, random_state=0):
    """Numbers written as digits to their English words.

    The source is a number's decimal digits separated by spaces (``"4 2 7"``), the
    target its American English words without "and" or hyphens
    (``"four hundred twenty seven"``). The numbers are distinct draws from
    ``0..max_value``, so no source is repeated and none is in both splits.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of pairs, at most ``max_value + 1``. The default draws every number
        of the default range 0..999 once.

    max_value : int, default=999
        Largest number that can be drawn, at most ``10**12 - 1``.

    %(dataset_test_size)s

    %(dataset_random_state)s

    Returns
    -------
    X_train, X_test : list of str
        Digit sequences such as ``"1 0 5"``.

    y_train, y_test : list of str
        The corresponding words such as ``"one hundred five"``.

    Raises
    ------
    ValueError
        If ``n_samples > max_value + 1``.

    Examples
    --------
    >>> from sklearn_seq2seq.datasets import make_number_words
    >>> X_train, X_test, y_train, y_test = make_number_words(n_samples=5)
    >>> len(X_train), len(X_test)
    (4, 1)
    >>> X_train[0], y_train[0]
    ('6 2 9', 'six hundred twenty nine')

    With all 1000 numbers drawn, every number below 1000 is in one of the splits:

    >>> X_train, X_test, y_train, y_test = make_number_words(n_samples=1000)
    >>> dict(zip(X_train + X_test, y_train + y_test))["4 2 7"]
    'four hundred twenty seven'
    """
    if n_samples > max_value + 1:
        raise ValueError(
            f"n_samples={n_samples} exceeds the {max_value + 1} distinct numbers in "
            f"0..max_value={max_value}; lower n_samples or raise max_value."
        )
    rng = check_random_state(random_state)
    numbers = _sample_distinct_integers(n_samples, max_value + 1, rng)
    X = [" ".join(str(number)) for number in numbers]
    y = [_number_to_words(number) for number in numbers]
    return _split(X, y, test_size, rng)
