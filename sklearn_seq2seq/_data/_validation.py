"""Input checks for sequences of discrete tokens, shared by all estimators.

A *sequence input* is a 1-D iterable (list, tuple, 1-D array, pandas Series) whose
samples are either all strings (raw text, split into tokens by an analyzer) or all
token sequences (lists, tuples or 1-D arrays of hashable tokens). Every error message
names the parameter (``X`` or ``y``) and the position of the offending sample, so the
same helpers serve for inputs and targets.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Hashable, Iterable
from numbers import Real
from typing import Any, Literal, NoReturn

import numpy as np
from sklearn.utils._param_validation import Interval

from .._docstrings import fill_doc

SequenceKind = Literal["str", "tokens"]
Analyzer = Literal["word", "char"] | Callable[[str], Iterable[Hashable]]


class IntervalNotBool(Interval):
    """An :class:`~sklearn.utils._param_validation.Interval` that rejects booleans.

    ``bool`` is a subclass of ``int``, so sklearn's ``Interval(Integral, 1, None)``
    accepts ``hidden_dim=True``; a flag where a size or a rate is expected is a
    mistake, so every numeric parameter of the package uses this constraint.

    Examples
    --------
    >>> from numbers import Integral
    >>> from sklearn_seq2seq._data._validation import IntervalNotBool
    >>> constraint = IntervalNotBool(Integral, 1, None, closed="left")
    >>> constraint.is_satisfied_by(3), constraint.is_satisfied_by(True)
    (True, False)
    """

    def is_satisfied_by(self, val: Any) -> bool:
        if isinstance(val, bool | np.bool_):
            return False
        return super().is_satisfied_by(val)


def _is_number(value: Any) -> bool:
    """A real number that is not a bool (ints and floats, Python or numpy)."""
    return isinstance(value, Real) and not isinstance(value, bool | np.bool_)


def describe_missing(value: Any) -> str | None:
    """Name a missing-value marker (``None``, NaN, ``pd.NA``, ``pd.NaT``), else None.

    Parameters
    ----------
    value : object
        Any sample or token.

    Returns
    -------
    name : str or None
        ``"None"``, ``"NaN"``, ``"pd.NA"`` or ``"pd.NaT"`` if `value` is missing,
        otherwise None.

    Examples
    --------
    >>> from sklearn_seq2seq._data._validation import describe_missing
    >>> describe_missing(float("nan")), describe_missing("a")
    ('NaN', None)
    """
    if value is None:
        return "None"
    if isinstance(value, float | np.floating) and math.isnan(value):
        return "NaN"
    # pd.NA / pd.NaT can only exist if pandas has been imported already.
    pandas = sys.modules.get("pandas")
    if pandas is not None:
        if value is pandas.NA:
            return "pd.NA"
        if value is pandas.NaT:
            return "pd.NaT"
    return None


# What check_not_missing says a missing token or sample should have been.
_NO_TOKEN = "tokens must not be missing values."
_NO_SAMPLE = "every sample must be a string or a sequence of tokens."


def check_not_missing(
    value: Any, *, name: str, index: int, rule: str, where: str = ""
) -> None:
    """Raise ``ValueError("{name} contains {marker} at index {index}{where}; {rule}")``
    when ``value`` is a missing-value marker (see :func:`describe_missing`).

    Examples
    --------
    >>> from sklearn_seq2seq._data._validation import check_not_missing
    >>> check_not_missing(None, name="y", index=3, rule="labels must not be missing.")
    Traceback (most recent call last):
    ...
    ValueError: y contains None at index 3; labels must not be missing.
    """
    missing = describe_missing(value)
    if missing is not None:
        message = f"{name} contains {missing} at index {index}{where}"
        raise ValueError(f"{message}; {rule}" if rule else f"{message}.")


def _check_tokens(
    tokens: Iterable[Any], *, name: str, index: int, origin: str = ""
) -> list[Hashable]:
    """Copy one token sequence into a list, rejecting missing or unhashable tokens."""
    checked: list[Hashable] = []
    for position, token in enumerate(tokens):
        where = f" (token {position}{origin})"
        check_not_missing(token, name=name, index=index, where=where, rule=_NO_TOKEN)
        if not isinstance(token, Hashable):
            raise TypeError(
                f"{name}[{index}] contains an unhashable token of type "
                f"{type(token).__name__} at position {position}{origin}; tokens "
                "must be hashable (str, int, tuple, ...)."
            )
        if isinstance(token, np.generic):
            token = token.item()  # np.str_ / np.int64 -> plain Python values
        checked.append(token)
    return checked


# The categories of samples that _describe_samples counts, by the noun it uses.
_STRING, _TOKENS, _NUMBER, _MISSING = (
    "string",
    "token sequence",
    "number",
    "missing value",
)
_KNOWN_CATEGORIES = (_STRING, _TOKENS, _NUMBER, _MISSING)


def _sample_category(sample: Any) -> str:
    """``"string"``, ``"token sequence"``, ``"number"``, ``"missing value"``, or the
    type name of anything else."""
    if describe_missing(sample) is not None:  # before numbers: NaN is a float
        return _MISSING
    if isinstance(sample, str):
        return _STRING
    if isinstance(sample, list | tuple) or (
        isinstance(sample, np.ndarray) and sample.ndim == 1
    ):
        return _TOKENS
    if _is_number(sample):
        return _NUMBER
    return f"{type(sample).__name__} value"


def _short_repr(value: Any, limit: int = 30) -> str:
    """``repr(value)``, cut to about ``limit`` characters."""
    if isinstance(value, np.generic):
        value = value.item()  # 5, not np.int64(5)
    text = describe_missing(value) or repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _bare_string_message(X: str | bytes, name: str) -> str:
    """sklearn's message for a bare string where documents are expected, and the fix."""
    kind_name = "string" if isinstance(X, str) else "bytes"
    message = f"Iterable over raw text documents expected, {kind_name} object received."
    if isinstance(X, bytes):
        fix = f"Decode it and wrap a single sequence in a list: [{name}.decode()]."
        return f"{message} {fix}"
    example = repr([X]) if len(X) <= 40 else f"[{name}]"
    return f"{message} Wrap a single sequence in a list: {example}."


def _describe_samples(
    samples: list[Any], categories: list[str], *, name: str
) -> str | None:
    """What ``samples`` really hold and how to make them one kind, as one sentence;
    None when they hold one kind only, or valid samples and missing values
    only (the missing value's own message says it all)."""
    first: dict[str, int] = {}
    counts: dict[str, int] = {}
    for index, category in enumerate(categories):
        first.setdefault(category, index)
        counts[category] = counts.get(category, 0) + 1
    present = set(counts)
    valid = present & {_STRING, _TOKENS}
    if len(present) == 1 or (len(valid) == 1 and present == valid | {_MISSING}):
        return None
    parts = []
    for category, index in sorted(first.items(), key=lambda item: item[1]):
        count = counts[category]
        noun = category if count == 1 else f"{category}s"
        where = f"{name}[{index}]"
        if category in (_STRING, _TOKENS) and count > 1:
            where = f"first {where}"
        elif category not in (_STRING, _TOKENS):
            where = f"{'' if count == 1 else 'first '}{where} = "
            where += _short_repr(samples[index])
        parts.append(f"{count} {noun} ({where})")
    held = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    fixes = []
    if _MISSING in present:
        fixes.append(
            "drop the missing samples (Series.dropna()) or fill them "
            "(Series.fillna(''))"
        )
    if _NUMBER in present:
        if _STRING in present:
            fixes.append(
                "write the numbers as strings (str(value), or "
                f"{name}.astype(str) for an array or Series)"
            )
        elif _TOKENS in present:
            fixes.append("wrap each number in a list ([value])")
        else:
            fix = (
                "write each number as a string to read it as a one-token sequence "
                f"({name}.astype(str), or [str(value) for value in {name}])"
            )
            if name == "y":
                fix += "; to predict one label per sample, use Seq2SeqClassifier"
            fixes.append(fix)
    if _STRING in present and _TOKENS in present:
        fixes.append(
            "split the strings into tokens (text.split()) or join each token "
            "sequence into one string (' '.join(tokens))"
        )
    others = sorted(
        (category for category in present if category not in _KNOWN_CATEGORIES),
        key=first.__getitem__,
    )
    if others:
        types = " and ".join(category.removesuffix(" value") for category in others)
        fixes.append(f"convert the {types} samples to strings or token lists")
    described = f"{name} holds {held}"
    if not fixes:
        return f"{described}."
    return f"{described}; to make them one kind, {'; '.join(fixes)}."


def check_sequences(
    X: Any, *, name: str = "X"
) -> tuple[list[str] | list[list[Hashable]], SequenceKind]:
    """Validate a 1-D collection of strings or of token sequences.

    The input is never modified: a new list is returned.

    Parameters
    ----------
    X : iterable of str, or iterable of sequences of hashable tokens
        A list, tuple, 1-D array or pandas Series. Token sequences may be lists,
        tuples or 1-D arrays; numpy scalar tokens become Python scalars. A 2-D
        numpy array of strings (or objects) is read row by row, one token sequence
        per row.
    name : str, default="X"
        Parameter name used in error messages (``"X"`` or ``"y"``).

    Returns
    -------
    sequences : list of str or list of list of hashable
        A copy of the samples: strings (``str``) or token lists (``list``).
    kind : {"str", "tokens"}
        Which of the two the samples are.

    Raises
    ------
    TypeError
        If `X` is not iterable, or a sample is neither a string nor a list, tuple or
        1-D array, or a token is unhashable.
    ValueError
        If `X` is a bare string, is not 1-D, is empty, contains a missing value
        (None, NaN, pd.NA) as a sample or token, or mixes strings and token sequences.
        When the samples are of several kinds (strings, token sequences, numbers,
        missing values...), the message counts each kind, names the first sample of
        each, and says how to make them one kind.

    Examples
    --------
    >>> from sklearn_seq2seq._data._validation import check_sequences
    >>> check_sequences(["a b", "c"])
    (['a b', 'c'], 'str')
    >>> check_sequences([("a", "b"), [1, 2]])
    ([['a', 'b'], [1, 2]], 'tokens')
    >>> check_sequences(["a", None], name="y")
    Traceback (most recent call last):
    ...
    ValueError: y contains None at index 1; ...
    >>> check_sequences(["1/2/2000", 20000102, None])
    Traceback (most recent call last):
    ...
    TypeError: X[1] has type int; expected a string or a sequence of tokens (list, \
tuple or 1-D array). X holds 1 string (X[0]), 1 number (X[1] = 20000102) and 1 \
missing value (X[2] = None); to make them one kind, ...
    """
    if isinstance(X, str | bytes):
        raise ValueError(_bare_string_message(X, name))
    ndim = getattr(X, "ndim", None)
    if isinstance(X, np.ndarray) and ndim == 2 and X.dtype.kind in "OUS":
        # A 2-D array of strings (or objects) is read row by row: one token
        # sequence per row, as the list of its rows would be.
        X = list(X)
        ndim = 1
    if ndim is not None and ndim != 1:
        shape = getattr(X, "shape", None)
        raise ValueError(
            f"{name} must be 1-D (one string or token sequence per sample); got "
            f"{ndim}-D input of shape {shape}. Pass a single column (e.g. "
            "df['text']) or a list of sequences."
        )
    if isinstance(X, set | frozenset | dict):
        raise TypeError(
            f"{name} must be an ordered collection of samples, got {type(X).__name__}."
        )
    try:
        samples = list(X)
    except TypeError:
        raise TypeError(
            f"{name} must be an iterable of strings or of token sequences, got "
            f"{type(X).__name__}."
        ) from None
    if not samples:
        raise ValueError(
            f"{name} is empty (0 samples); at least one sample is required."
        )

    categories = [_sample_category(sample) for sample in samples]
    if len(set(categories)) > 1 or categories[0] not in (_STRING, _TOKENS):
        _raise_for_samples(samples, categories, name=name)
    if categories[0] == _STRING:
        return [str(sample) for sample in samples], "str"  # np.str_ -> str
    tokens = [
        _check_tokens(sample, name=name, index=index)
        for index, sample in enumerate(samples)
    ]
    return tokens, "tokens"


def _raise_for_samples(
    samples: list[Any], categories: list[str], *, name: str
) -> NoReturn:
    """Raise for the first sample that is not of the kind of the first valid one,
    saying what the samples hold when they are of several kinds."""
    description = _describe_samples(samples, categories, name=name)
    suffix = "" if description is None else f" {description}"
    valid = [index for index, c in enumerate(categories) if c in (_STRING, _TOKENS)]
    expected = categories[valid[0]] if valid else None
    for index, (sample, category) in enumerate(zip(samples, categories, strict=True)):
        if category == expected:
            continue
        if category == _MISSING:
            missing = describe_missing(sample)
            raise ValueError(
                f"{name} contains {missing} at index {index}; {_NO_SAMPLE}{suffix}"
            )
        if category in (_STRING, _TOKENS):
            assert expected is not None
            first_index = valid[0]
            raise ValueError(
                f"{name} mixes strings and token sequences: {name}[{first_index}] is "
                f"a {type(samples[first_index]).__name__} but {name}[{index}] is a "
                f"{type(sample).__name__}.{suffix}"
            )
        hint = suffix
        if description is None and category == _NUMBER:
            # Numbers only: the whole of X is one number per sample.
            hint = (
                f" {name} seems to hold one number per sample, not one sequence "
                "per sample: to read each number as a one-token sequence, pass "
                f"{name}.astype(str) (or [[value] for value in {name}])"
            )
            if name == "y":
                hint += "; to predict one label per sample, use Seq2SeqClassifier"
            hint += "."
        raise TypeError(
            f"{name}[{index}] has type {type(sample).__name__}; expected a "
            f"string or a sequence of tokens (list, tuple or 1-D array).{hint}"
        )
    raise AssertionError("unreachable: the samples were of one valid kind")


def standardize(
    text: str, *, lowercase: bool = False, strip_accents: str | None = None
) -> str:
    """``text`` lowercased and without accents, as ``CountVectorizer`` does it.

    Parameters
    ----------
    text : str
        One document or token.
    lowercase : bool, default=False
        Lowercase first.
    strip_accents : {"ascii", "unicode"} or None, default=None
        Then remove accents: ``"ascii"`` keeps only the characters that have a
        direct ASCII mapping (sklearn's ``strip_accents_ascii``), ``"unicode"``
        removes the combining marks after NFKD normalization
        (``strip_accents_unicode``), None leaves them.

    Returns
    -------
    text : str

    Examples
    --------
    >>> from sklearn_seq2seq._data._validation import standardize
    >>> standardize("Élève naïf", lowercase=True, strip_accents="unicode")
    'eleve naif'
    """
    if lowercase:
        text = text.lower()
    if strip_accents is not None:
        from sklearn.feature_extraction.text import (
            strip_accents_ascii,
            strip_accents_unicode,
        )

        if strip_accents == "ascii":
            text = strip_accents_ascii(text)
        elif strip_accents == "unicode":
            text = strip_accents_unicode(text)
        else:
            raise ValueError(
                "strip_accents must be 'ascii', 'unicode' or None, got "
                f"{strip_accents!r}."
            )
    return text


@fill_doc
def tokenize(
    sequences: list[str] | list[list[Hashable]],
    kind: SequenceKind,
    *,
    analyzer: Analyzer = "word",
    lowercase: bool = False,
    strip_accents: str | None = None,
    name: str = "X",
) -> list[list[Hashable]]:
    """Split checked sequences into token lists.

    Parameters
    ----------
    sequences : list of str or list of list of hashable
        Output of :func:`check_sequences`.
    kind : {"str", "tokens"}
        Output of :func:`check_sequences`.
    %(tokenize_analyzer)s
    %(tokenize_lowercase)s
    %(tokenize_strip_accents)s
    %(tokenize_name)s

    Returns
    -------
    %(tokenize_tokens)s

    Examples
    --------
    >>> from sklearn_seq2seq._data._validation import tokenize
    >>> tokenize(["Hi  there", ""], "str", lowercase=True)
    [['hi', 'there'], []]
    >>> tokenize(["ab"], "str", analyzer="char")
    [['a', 'b']]
    >>> tokenize([["A", 1]], "tokens", lowercase=True)
    [['a', 1]]
    """
    if kind == "tokens":
        if not lowercase and strip_accents is None:
            return [list(tokens) for tokens in sequences]
        return [
            [
                standardize(tok, lowercase=lowercase, strip_accents=strip_accents)
                if isinstance(tok, str)
                else tok
                for tok in tokens
            ]
            for tokens in sequences
        ]
    docs = (
        [
            standardize(doc, lowercase=lowercase, strip_accents=strip_accents)
            for doc in sequences
        ]
        if lowercase or strip_accents is not None
        else list(sequences)
    )
    if analyzer == "word":
        return [doc.split() for doc in docs]
    if analyzer == "char":
        return [list(doc) for doc in docs]
    if not callable(analyzer):
        raise ValueError(
            f"analyzer must be 'word', 'char' or a callable, got {analyzer!r}."
        )
    result = []
    for index, doc in enumerate(docs):
        tokens = analyzer(doc)
        if isinstance(tokens, str | bytes) or not isinstance(tokens, Iterable):
            raise TypeError(
                f"analyzer must return an iterable of tokens (e.g. a list of str); "
                f"it returned {type(tokens).__name__} for {name}[{index}]."
            )
        result.append(
            _check_tokens(tokens, name=name, index=index, origin=", from analyzer")
        )
    return result
