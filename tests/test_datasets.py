"""Tests for the built-in toy tasks of ``sklearn_seq2seq.datasets``."""

import re
from collections import Counter

import numpy as np
import pytest

from sklearn_seq2seq.datasets import (
    load_digits_sequences,
    make_number_words,
    make_pig_latin,
    make_reversal,
    make_sorting,
)
from sklearn_seq2seq.datasets._numbers import _number_to_words
from sklearn_seq2seq.datasets._pig_latin import _PIG_LATIN_WORDS, _pig_latin_word

TEXT_TASKS = [make_number_words, make_sorting, make_reversal, make_pig_latin]


def _pairs(split):
    X_train, X_test, y_train, y_test = split
    return list(zip(X_train + X_test, y_train + y_test))


# --- numbers -> words ---------------------------------------------------------

KNOWN_NUMBERS = {
    0: "zero",
    7: "seven",
    13: "thirteen",
    20: "twenty",
    21: "twenty one",
    100: "one hundred",
    101: "one hundred one",
    115: "one hundred fifteen",
    999: "nine hundred ninety nine",
    1000: "one thousand",
    1001: "one thousand one",
    1200: "one thousand two hundred",
    12345: "twelve thousand three hundred forty five",
}


def test_number_words_known_values():
    # Every number 0..12345 once, so the table is looked up through the public API.
    pairs = dict(_pairs(make_number_words(n_samples=12346, max_value=12345)))
    assert len(pairs) == 12346
    for number, words in KNOWN_NUMBERS.items():
        assert pairs[" ".join(str(number))] == words


@pytest.mark.parametrize(
    "number, words",
    [
        (999_999, "nine hundred ninety nine thousand nine hundred ninety nine"),
        (1_000_000, "one million"),
        (2_000_000_017, "two billion seventeen"),
        (
            10**12 - 1,
            "nine hundred ninety nine billion nine hundred ninety nine million "
            "nine hundred ninety nine thousand nine hundred ninety nine",
        ),
    ],
)
def test_number_to_words_large(number, words):
    assert _number_to_words(number) == words


def test_number_words_sources_are_digits_of_the_number():
    for source, target in _pairs(make_number_words(n_samples=300)):
        number = int(source.replace(" ", ""))
        assert 0 <= number <= 999
        assert source == " ".join(str(number))
        assert target == _number_to_words(number)


def test_number_words_large_max_value_is_fast_and_distinct():
    X_train, X_test, _, _ = make_number_words(n_samples=500, max_value=10**12 - 1)
    assert len(set(X_train + X_test)) == 500


def test_number_words_too_many_samples():
    with pytest.raises(ValueError, match=r"n_samples=11 exceeds the 10 distinct"):
        make_number_words(n_samples=11, max_value=9)
    # The whole range is allowed.
    X_train, X_test, _, _ = make_number_words(n_samples=10, max_value=9)
    assert sorted(X_train + X_test) == [str(i) for i in range(10)]


# --- shared behaviour of the text tasks -------------------------------------


@pytest.mark.parametrize("make", TEXT_TASKS)
def test_text_task_split_sizes_and_types(make):
    X_train, X_test, y_train, y_test = make(n_samples=200, test_size=0.25)
    assert (len(X_train), len(X_test), len(y_train), len(y_test)) == (150, 50, 150, 50)
    for part in (X_train, X_test, y_train, y_test):
        assert isinstance(part, list)
        for text in part:
            assert isinstance(text, str)
            # Tokens separated by single spaces, no stray whitespace.
            assert text == " ".join(text.split())


@pytest.mark.parametrize("make", TEXT_TASKS)
def test_text_task_is_deterministic(make):
    first = make(n_samples=100, random_state=3)
    assert make(n_samples=100, random_state=3) == first
    assert make(n_samples=100, random_state=4) != first
    # A RandomState instance is accepted too.
    assert make(n_samples=100, random_state=np.random.RandomState(3)) == first


@pytest.mark.parametrize("make", TEXT_TASKS)
def test_text_task_sources_are_distinct(make):
    X_train, X_test, _, _ = make(n_samples=500)
    assert len(set(X_train)) == len(X_train)
    assert not set(X_train) & set(X_test)


@pytest.mark.parametrize("make", TEXT_TASKS)
@pytest.mark.parametrize("test_size", [1.5, 0.0, 1.0, 1, -0.1])
def test_text_task_invalid_test_size(make, test_size):
    with pytest.raises(ValueError, match="test_size"):
        make(n_samples=50, test_size=test_size)


@pytest.mark.parametrize("make", TEXT_TASKS)
def test_text_task_invalid_n_samples(make):
    with pytest.raises(ValueError, match="n_samples"):
        make(n_samples=1)
    with pytest.raises(ValueError, match="n_samples"):
        make(n_samples=10.5)


# --- sorting and reversal --------------------------------------------------------


def test_sorting_targets_are_sorted_sources():
    pairs = _pairs(make_sorting())
    assert len(pairs) == 2000
    lengths = Counter(len(source.split()) for source, _ in pairs)
    assert set(lengths) == set(range(3, 9))
    for source, target in pairs:
        assert set(source.split()) <= set("0123456789")
        assert target.split() == sorted(source.split())


def test_reversal_targets_are_reversed_sources():
    pairs = _pairs(
        make_reversal(n_samples=1000, min_length=2, max_length=5, n_symbols=4)
    )
    for source, target in pairs:
        tokens = source.split()
        assert 2 <= len(tokens) <= 5
        assert set(tokens) <= set("0123")
        assert target.split() == tokens[::-1]


def test_symbols_beyond_ten():
    pairs = _pairs(make_sorting(n_samples=300, n_symbols=26))
    assert set().union(*(s.split() for s, _ in pairs)) == set(
        "abcdefghijklmnopqrstuvwxyz"
    )
    pairs = _pairs(make_sorting(n_samples=300, n_symbols=30))
    tokens = set().union(*(s.split() for s, _ in pairs))
    assert tokens == {f"t{i}" for i in range(30)}
    for source, target in pairs:
        # Sorted by the symbol's number, not as text: "t2" comes before "t10".
        assert target.split() == sorted(source.split(), key=lambda t: int(t[1:]))


def test_sorting_whole_space_is_enumerated():
    # 10 + 100 + 1000 sequences of length 1..3 exist; asking for all of them must
    # return each exactly once, whatever the per-length draw asked for.
    X_train, X_test, _, _ = make_sorting(n_samples=1110, min_length=1, max_length=3)
    sources = X_train + X_test
    assert len(set(sources)) == 1110
    assert Counter(len(s.split()) for s in sources) == {1: 10, 2: 100, 3: 1000}


@pytest.mark.parametrize("make", [make_sorting, make_reversal])
def test_symbol_task_invalid_params(make):
    with pytest.raises(ValueError, match="min_length must be <= max_length"):
        make(min_length=5, max_length=4)
    with pytest.raises(ValueError, match="n_symbols"):
        make(n_symbols=0)
    with pytest.raises(ValueError, match="min_length"):
        make(min_length=0)
    with pytest.raises(ValueError, match=r"n_samples=2000 exceeds the 1000 distinct"):
        make(min_length=3, max_length=3)


# --- Pig Latin ---------------------------------------------------------------------


def _reference_pig_latin(word):
    """Independent statement of the rules, to check the module against."""
    if word[0] in "aeiou":
        return word + "way"
    # Leading consonant cluster: any first letter but a vowel ("y" included), then
    # consonants other than "y".
    match = re.fullmatch(r"([^aeiou][^aeiouy]*)(.*)", word)
    return match[2] + match[1] + "ay"


@pytest.mark.parametrize(
    "word, expected",
    [
        ("hello", "ellohay"),
        ("apple", "appleway"),
        ("string", "ingstray"),
        ("world", "orldway"),
        ("egg", "eggway"),
        ("three", "eethray"),
        ("yellow", "ellowyay"),
        ("rhythm", "ythmrhay"),
        ("my", "ymay"),
        ("a", "away"),
    ],
)
def test_pig_latin_known_words(word, expected):
    assert _pig_latin_word(word) == expected
    assert _reference_pig_latin(word) == expected


def test_pig_latin_word_list():
    assert 150 <= len(_PIG_LATIN_WORDS) <= 300
    assert len(set(_PIG_LATIN_WORDS)) == len(_PIG_LATIN_WORDS)
    for word in _PIG_LATIN_WORDS:
        assert re.fullmatch("[a-z]+", word)
        assert not word.startswith("qu")


def test_pig_latin_every_target_follows_the_rules():
    pairs = _pairs(make_pig_latin())
    n_words = Counter(len(source.split()) for source, _ in pairs)
    assert set(n_words) == {1, 2}
    for source, target in pairs:
        words = source.split()
        assert set(words) <= set(_PIG_LATIN_WORDS)
        assert target.split() == [_reference_pig_latin(w) for w in words]
    # Short enough for a small character-level model.
    assert max(len(target) for _, target in pairs) <= 20


def test_pig_latin_word_counts():
    pairs = _pairs(make_pig_latin(n_samples=300, min_words=3, max_words=4))
    assert {len(source.split()) for source, _ in pairs} == {3, 4}
    with pytest.raises(ValueError, match="min_words must be <= max_words"):
        make_pig_latin(min_words=3, max_words=2)
    with pytest.raises(ValueError, match="n_samples=2000 exceeds"):
        make_pig_latin(min_words=1, max_words=1)


# --- digit images as row sequences -----------------------------------------------


def test_digits_sequences_shapes_and_values():
    X_train, X_test, y_train, y_test = load_digits_sequences()
    assert X_train.shape == (1347, 8, 8)
    assert X_test.shape == (450, 8, 8)
    assert y_train.shape == (1347,)
    assert y_test.shape == (450,)
    for X in (X_train, X_test):
        assert X.dtype == np.float32
        assert X.min() == 0.0
        assert X.max() == 1.0
    assert set(np.unique(y_train)) == set(range(10))
    assert set(np.unique(y_test)) == set(range(10))
    assert np.issubdtype(y_train.dtype, np.integer)


def test_digits_sequences_rows_are_image_rows():
    from sklearn.datasets import load_digits

    X_train, X_test, _, _ = load_digits_sequences(normalize=False, test_size=0.5)
    assert X_train.dtype == np.float32
    assert X_train.max() == 16.0
    # Each sample is an original image, rows as time steps (not transposed).
    images = {img.tobytes() for img in load_digits().images.astype(np.float32)}
    assert all(x.tobytes() in images for x in X_train[:50])


def test_digits_sequences_stratified_and_deterministic():
    X_train, X_test, y_train, y_test = load_digits_sequences(test_size=0.2)
    train_freq = np.bincount(y_train) / len(y_train)
    test_freq = np.bincount(y_test) / len(y_test)
    np.testing.assert_allclose(train_freq, test_freq, atol=0.01)
    again = load_digits_sequences(test_size=0.2)
    np.testing.assert_array_equal(again[0], X_train)
    np.testing.assert_array_equal(again[3], y_test)
    other = load_digits_sequences(test_size=0.2, random_state=1)
    assert not np.array_equal(other[2], y_train)


@pytest.mark.parametrize("test_size", [1.5, 0.0])
def test_digits_sequences_invalid_test_size(test_size):
    with pytest.raises(ValueError, match="test_size"):
        load_digits_sequences(test_size=test_size)
