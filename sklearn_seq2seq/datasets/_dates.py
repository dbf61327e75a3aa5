"""Dates written in several formats -> ISO dates."""

import datetime

from sklearn.utils import check_random_state
from sklearn.utils._param_validation import validate_params

from .._docstrings import fill_doc
from ._common import (
    _N_SAMPLES,
    _TEST_SIZE,
    _sample_distinct_integers,
    _split,
)

_MONTHS = (
    "january february march april may june july august september october "
    "november december"
).split()
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_DATE_FORMATS = (
    "{day} {month} {year}",  # 21 november 2026
    "{month} {day}, {year}",  # november 21, 2026
    "{weekday} {day} {mon} {year}",  # saturday 21 nov 2026
    "{day:02d}/{month_number:02d}/{year}",  # 21/11/2026
    "{mon} {day} {year}",  # nov 21 2026
)


@validate_params(
    {
        "n_samples": _N_SAMPLES,
        "test_size": _TEST_SIZE,
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
@fill_doc
def make_dates(n_samples=1000, *, test_size=0.2, random_state=0):
    """Dates written in words, in several formats, to ISO 8601 dates.

    The source is a date between 1950-01-01 and 2049-12-31 written in one of five
    formats (``"21 november 2026"``, ``"november 21, 2026"``,
    ``"saturday 21 nov 2026"``, ``"21/11/2026"``, ``"nov 21 2026"``), the target its
    ISO form ``"2026-11-21"``. Meant to be read character by character
    (``analyzer="char"``): targets are 10 characters long and have no spaces, so
    word-level BLEU cannot score them. Sources are distinct.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of pairs (at most the 182,610 distinct date strings).
    %(dataset_test_size)s
    random_state : int, RandomState instance or None, default=0
        Seed of the draw and the split.

    Returns
    -------
    X_train, X_test : list of str
        Dates in words.
    y_train, y_test : list of str
        ISO dates.

    Examples
    --------
    >>> from sklearn_seq2seq.datasets import make_dates
    >>> X_train, X_test, y_train, y_test = make_dates(n_samples=10)
    >>> len(X_train), len(X_test)
    (8, 2)
    >>> all(len(date) == 10 and date[4] == "-" for date in y_train)
    True
    """
    first = datetime.date(1950, 1, 1).toordinal()
    n_days = datetime.date(2049, 12, 31).toordinal() - first + 1
    capacity = n_days * len(_DATE_FORMATS)
    if n_samples > capacity:
        raise ValueError(
            f"n_samples={n_samples} exceeds the {capacity} distinct date strings; "
            "lower n_samples."
        )
    rng = check_random_state(random_state)
    X, y = [], []
    for index in _sample_distinct_integers(n_samples, capacity, rng):
        day_index, format_index = divmod(index, len(_DATE_FORMATS))
        date = datetime.date.fromordinal(first + day_index)
        month = _MONTHS[date.month - 1]
        X.append(
            _DATE_FORMATS[format_index].format(
                day=date.day,
                month=month,
                mon=month[:3],
                month_number=date.month,
                year=date.year,
                weekday=_WEEKDAYS[date.weekday()],
            )
        )
        y.append(date.isoformat())
    return _split(X, y, test_size, rng)
