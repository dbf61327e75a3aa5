"""Built-in toy tasks for sequence-to-sequence learning.

Every task is generated in code (nothing is downloaded) and is deterministic for a
given ``random_state``. The text tasks return ``X_train, X_test, y_train, y_test`` as
Python lists of strings whose tokens are separated by single spaces, so that
``str.split()`` (and :class:`~sklearn_seq2seq.SequenceVectorizer` with its default word
analyzer) tokenizes them; :func:`make_pig_latin` is meant to be read character by
character. :func:`load_digits_sequences` returns NumPy arrays.

The text tasks sample *distinct* sources, so no source appears twice and none appears
in both the training and the test split.
"""

import datetime
from numbers import Integral

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import RealNotInt, validate_params

from ._validation import IntervalNotBool as Interval

__all__ = [
    "load_digits_sequences",
    "make_dates",
    "make_waveforms",
    "make_number_words",
    "make_pig_latin",
    "make_reversal",
    "make_sorting",
]

# ---------------------------------------------------------------------------
# Shared parameter constraints and helpers
# ---------------------------------------------------------------------------

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
) -> list[tuple[int, ...]]:
    """Draw ``n_samples`` distinct sequences of symbol indices.

    Lengths are uniform on ``[min_length, max_length]`` as far as the number of
    distinct sequences of each length allows; the symbols are uniform on
    ``range(n_symbols)``. Raises ``ValueError`` if fewer than ``n_samples`` distinct
    sequences exist.
    """
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


# ---------------------------------------------------------------------------
# Numbers -> words
# ---------------------------------------------------------------------------

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


@validate_params(
    {
        "n_samples": _N_SAMPLES,
        "max_value": [Interval(Integral, 1, _MAX_NUMBER, closed="both")],
        "test_size": _TEST_SIZE,
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
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

    test_size : float, default=0.2
        Fraction of the pairs in the test split, in (0, 1).

    random_state : int, RandomState instance or None, default=0
        Seed of the draw and the split. Pass an int for reproducible output.

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


# ---------------------------------------------------------------------------
# Sorting and reversal of symbol sequences
# ---------------------------------------------------------------------------


def _symbol_tokens(n_symbols: int) -> list[str]:
    """Token of each symbol index, in sort order (see :func:`make_sorting`)."""
    if n_symbols <= 10:
        return [str(i) for i in range(n_symbols)]
    if n_symbols <= 26:
        return [chr(ord("a") + i) for i in range(n_symbols)]
    return [f"t{i}" for i in range(n_symbols)]


def _symbol_sequences(
    n_samples: int,
    min_length: int,
    max_length: int,
    n_symbols: int,
    rng: np.random.RandomState,
) -> tuple[list[tuple[int, ...]], list[str]]:
    _check_length_range(min_length, max_length, "min_length", "max_length")
    sequences = _sample_distinct_sequences(
        n_samples, min_length, max_length, n_symbols, rng
    )
    return sequences, _symbol_tokens(n_symbols)


_SYMBOL_TASK_CONSTRAINTS = {
    "n_samples": _N_SAMPLES,
    "min_length": _POSITIVE_INT,
    "max_length": _POSITIVE_INT,
    "n_symbols": _POSITIVE_INT,
    "test_size": _TEST_SIZE,
    "random_state": ["random_state"],
}


@validate_params(_SYMBOL_TASK_CONSTRAINTS, prefer_skip_nested_validation=True)
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
    n_samples : int, default=2000
        Number of pairs. Must not exceed the number of distinct sequences,
        ``sum(n_symbols ** L for L in range(min_length, max_length + 1))``.

    min_length : int, default=3
        Shortest sequence.

    max_length : int, default=8
        Longest sequence, at least ``min_length``.

    n_symbols : int, default=10
        Size of the vocabulary.

    test_size : float, default=0.2
        Fraction of the pairs in the test split, in (0, 1).

    random_state : int, RandomState instance or None, default=0
        Seed of the draw and the split. Pass an int for reproducible output.

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
    rng = check_random_state(random_state)
    sequences, tokens = _symbol_sequences(
        n_samples, min_length, max_length, n_symbols, rng
    )
    X = [" ".join(tokens[s] for s in seq) for seq in sequences]
    y = [" ".join(tokens[s] for s in sorted(seq)) for seq in sequences]
    return _split(X, y, test_size, rng)


@validate_params(_SYMBOL_TASK_CONSTRAINTS, prefer_skip_nested_validation=True)
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
    n_samples : int, default=2000
        Number of pairs. Must not exceed the number of distinct sequences,
        ``sum(n_symbols ** L for L in range(min_length, max_length + 1))``.

    min_length : int, default=3
        Shortest sequence.

    max_length : int, default=8
        Longest sequence, at least ``min_length``.

    n_symbols : int, default=10
        Size of the vocabulary.

    test_size : float, default=0.2
        Fraction of the pairs in the test split, in (0, 1).

    random_state : int, RandomState instance or None, default=0
        Seed of the draw and the split. Pass an int for reproducible output.

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
    rng = check_random_state(random_state)
    sequences, tokens = _symbol_sequences(
        n_samples, min_length, max_length, n_symbols, rng
    )
    X = [" ".join(tokens[s] for s in seq) for seq in sequences]
    y = [" ".join(tokens[s] for s in reversed(seq)) for seq in sequences]
    return _split(X, y, test_size, rng)


# ---------------------------------------------------------------------------
# Pig Latin
# ---------------------------------------------------------------------------

# About 270 common lowercase English words, mostly short so that sentences stay short.
# Words starting with "qu" are left out: the rules below would not treat "qu" as one
# consonant, as many Pig Latin variants do.
_PIG_LATIN_WORDS = tuple(
    """
    a about after all also an and any apple arm art as ask at away
    back bad bag ball be bed big bird black blue boat book box boy bread brown but
    by cake can car cat chair child city class clock cold come cook could cup
    day do dog door down dream drink dry duck
    each ear early east easy eat egg eight end eve even every eye
    face fall far farm fast fire first fish five fly food for four friend from fruit
    game get girl give glass go gold good great green
    hand happy hat have he hello her here him his home horse hot house how
    ice idea if in ink into is it its
    jump just keep kind king know
    lake last late leg light like line lion little long look love
    make man many may me milk moon more most mother my
    name new nice night nine no not now
    of off oil old on one only open or orange other our out over own
    page paper park people phone plant play please pretty
    rain red rhythm ride river road rock room run
    sad say school sea see seven she ship shoe shop show sing six sky sleep
    small smile snow some song spring star stone street string strong sun
    table take tea ten than that the their them then there these they thing
    think this three time to tree train truck try two
    ugly under up us use
    very walk want warm water way we well what when which white who why will
    wind window with word work world would
    year yellow yes you young your zoo
    """.split()
)
_VOWELS = frozenset("aeiou")


def _pig_latin_word(word: str) -> str:
    """Pig Latin of one lowercase word.

    A word starting with a vowel gets "way" appended; otherwise its leading consonant
    cluster moves to the end, followed by "ay". "y" is a consonant at the start of a
    word and a vowel elsewhere. A word with no vowel just gets "ay".

    >>> [_pig_latin_word(w) for w in ["hello", "apple", "string", "yellow", "my"]]
    ['ellohay', 'appleway', 'ingstray', 'ellowyay', 'ymay']
    """
    if not word:
        return word
    if word[0] in _VOWELS:
        return word + "way"
    for i in range(1, len(word)):
        if word[i] in _VOWELS or word[i] == "y":
            return word[i:] + word[:i] + "ay"
    return word + "ay"


@validate_params(
    {
        "n_samples": _N_SAMPLES,
        "min_words": _POSITIVE_INT,
        "max_words": _POSITIVE_INT,
        "test_size": _TEST_SIZE,
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_pig_latin(
    n_samples=2000, *, min_words=1, max_words=2, test_size=0.2, random_state=0
):
    """English sentences to their Pig Latin, meant to be read character by character.

    The source is a sentence of common English words drawn from a built-in list of
    about 270 words (``"hello world"``), the target its Pig Latin translation, word by
    word (``"ellohay orldway"``). Pig Latin rewrites the letters of each word, so the
    natural model reads and writes characters: use ``analyzer="char"`` (the spaces are
    then characters too). Sentences are distinct, so none is in both splits.

    Rules: a word starting with a vowel gets "way" appended (``"apple"`` ->
    ``"appleway"``); otherwise the leading consonant cluster moves to the end,
    followed by "ay" (``"string"`` -> ``"ingstray"``). "y" is a consonant at the
    start of a word and a vowel elsewhere (``"yellow"`` -> ``"ellowyay"``,
    ``"my"`` -> ``"ymay"``).

    With the defaults (one or two words; there are only about 270 one-word sentences,
    so most have two) sources have 1 to 13 characters, 8 on average, and targets 2 or
    3 characters more per word, 12 on average.

    Parameters
    ----------
    n_samples : int, default=2000
        Number of pairs. Must not exceed the number of distinct sentences.

    min_words : int, default=1
        Fewest words in a sentence.

    max_words : int, default=2
        Most words in a sentence, at least ``min_words``.

    test_size : float, default=0.2
        Fraction of the pairs in the test split, in (0, 1).

    random_state : int, RandomState instance or None, default=0
        Seed of the draw and the split. Pass an int for reproducible output.

    Returns
    -------
    X_train, X_test : list of str
        Lowercase English sentences, words separated by single spaces.

    y_train, y_test : list of str
        Their Pig Latin translations, words separated by single spaces.

    Examples
    --------
    >>> from sklearn_seq2seq.datasets import make_pig_latin
    >>> X_train, X_test, y_train, y_test = make_pig_latin(n_samples=100)
    >>> X_train[:3]
    ['orange', 'by rhythm', 'come black']
    >>> y_train[:3]
    ['orangeway', 'ybay ythmrhay', 'omecay ackblay']
    """
    _check_length_range(min_words, max_words, "min_words", "max_words")
    rng = check_random_state(random_state)
    sentences = _sample_distinct_sequences(
        n_samples,
        min_words,
        max_words,
        len(_PIG_LATIN_WORDS),
        rng,
        length_name="number of words",
    )
    X = [" ".join(_PIG_LATIN_WORDS[i] for i in sentence) for sentence in sentences]
    y = [
        " ".join(_pig_latin_word(_PIG_LATIN_WORDS[i]) for i in sentence)
        for sentence in sentences
    ]
    return _split(X, y, test_size, rng)


# ---------------------------------------------------------------------------
# Digit images read row by row
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Dates in words -> ISO dates
# ---------------------------------------------------------------------------

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
    test_size : float, default=0.2
        Fraction of the pairs in the test split, in (0, 1).
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


# ---------------------------------------------------------------------------
# Long float sequences to classify
# ---------------------------------------------------------------------------


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
