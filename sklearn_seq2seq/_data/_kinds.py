"""What kind of sequences the user passed: the input-kind rules of the reader.

:class:`InputKinds` is the half of :class:`~._codec.SequenceCodec` that looks at
``X`` (or ``y``) before any vocabulary: strings, token lists, id arrays or float
arrays (see the ``_codec`` module docstring for the rules), validated without
modifying the user's data, with messages that name the argument and the fix.
"""

from __future__ import annotations

from collections import Counter
from numbers import Integral, Real
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp
from sklearn.utils import check_array

from ._subwords import is_subword
from ._validation import SequenceKind, _is_number, check_sequences, standardize

Kind = Literal["str", "tokens", "ids", "scalars", "vectors"]
TOKEN_KINDS = ("str", "tokens", "ids")
InputKind = Literal["auto", "tokens", "continuous"]

# What each kind is called in messages.
KIND_NAMES: dict[str, str] = {
    "str": "strings",
    "tokens": "token lists",
    "ids": "token id arrays (2-D integer)",
    "scalars": "float arrays (2-D: sequences of scalars)",
    "vectors": "float arrays (3-D: sequences of vectors)",
}


def _value_type(value: Any) -> str:
    """``"int"``, ``"float"``, ``"seq"`` (a nested sequence) or ``"other"``."""
    if isinstance(value, bool | np.bool_):
        return "other"
    if isinstance(value, Integral):
        return "int"
    if isinstance(value, Real):
        return "float"
    if isinstance(value, list | tuple | np.ndarray):
        return "seq"
    return "other"


def _count_value_types(samples: list[Any]) -> Counter[str] | None:
    """How many values of each type the sequences of ``samples`` hold, or None when
    a sample is not a sequence (a string, a number, a missing value...)."""
    counts: Counter[str] = Counter()
    first_index: dict[str, int] = {}
    for index, sample in enumerate(samples):
        if isinstance(sample, np.ndarray) and sample.dtype != object:
            if sample.ndim == 0:
                return None
            kind = sample.dtype.kind
            value_type = (
                "seq"
                if sample.ndim > 1
                else "int"
                if kind in "iu"
                else "float"
                if kind == "f"
                else "other"
            )
            if sample.size:
                counts[value_type] += len(sample)
                first_index.setdefault(value_type, index)
        elif isinstance(sample, list | tuple | np.ndarray):
            for value in sample:
                value_type = _value_type(value)
                counts[value_type] += 1
                first_index.setdefault(value_type, index)
        else:
            return None
    counts.update({f"first_{key}": value for key, value in first_index.items()})
    return counts


def _shape_error(name: str, array: np.ndarray) -> str | None:
    """Why a 3-D float array cannot be sequences (0 steps or 0 features), else None.

    A 2-D array of 0 columns gets scikit-learn's message from ``check_array``.
    """
    if array.ndim == 3 and array.shape[0] and array.shape[1] == 0:
        return (
            f"{name} has 0 steps (shape {array.shape}): every sequence needs at least "
            "one step."
        )
    if array.ndim == 3 and array.shape[0] and array.shape[2] == 0:
        return (
            f"{name} has 0 features per step (shape {array.shape}): every step needs "
            "at least one feature."
        )
    return None


class InputKinds:
    """Reading the kind of ``X``: needs ``name`` (``"X"`` or ``"y"``),
    ``input_kind``, and for strings ``analyzer`` and ``lowercase`` on the
    instance."""

    name: str
    input_kind: InputKind
    analyzer: Any
    lowercase: bool

    def _fix_hint(self) -> str:
        """How to tell the estimator what the values are."""
        if self.name == "X":
            return (
                "pass input_kind='continuous' to read the numbers as continuous "
                "values, or input_kind='tokens' to read every value as a token"
            )
        return (
            f"convert {self.name} to one type: floats (np.asarray({self.name}, "
            "dtype=float)) for continuous values, ints or strings for tokens"
        )

    def _read(self, X: Any) -> tuple[Kind, Any]:
        """Detect the kind and return the validated content (the user's data is
        never modified)."""
        name = self.name
        if sp.issparse(X):
            raise TypeError(
                f"Sparse input is not supported for {name}: pass a dense array of "
                f"sequences ({name}.toarray()) or a list of sequences."
            )
        if isinstance(X, str | bytes | dict | set | frozenset):
            check_sequences(X, name=name)  # raises with sklearn's message
        module = type(X).__module__
        dtype_kind = getattr(getattr(X, "dtype", None), "kind", None)
        if module.startswith("pandas") and getattr(X, "ndim", 1) == 1:
            if dtype_kind in ("b", "i", "u", "f"):
                return self._read_array(X.to_numpy())  # one number per sample
        if module.startswith("pandas") and getattr(X, "ndim", 1) == 2:
            # A DataFrame: numeric columns are steps, anything else is rejected.
            if all(dtype.kind in "biuf" for dtype in X.dtypes):
                return self._read_array(X.to_numpy())
            check_sequences(X, name=name)  # raises: one column expected
        if not module.startswith("pandas") and (
            isinstance(X, np.ndarray)
            or (hasattr(X, "__array__") and not isinstance(X, list | tuple))
        ):
            array = np.asarray(X)
            if array.dtype.kind in "biufc" or array.ndim > 3 or array.ndim == 0:
                return self._read_array(array)
            samples = list(array)  # strings, or rows of a 2-D / 3-D object array
        else:
            try:
                samples = list(X)
            except TypeError:
                raise TypeError(
                    f"{name} must be an iterable of strings or of token sequences, "
                    f"or an array, got {type(X).__name__}."
                ) from None
        return self._read_samples(samples)

    def _read_samples(self, samples: list[Any]) -> tuple[Kind, Any]:
        """Samples of a list, tuple, Series or object array: the values decide."""
        name = self.name
        if samples and all(_is_number(sample) for sample in samples):
            return self._read_array(np.asarray(samples))  # one number per sample
        counts = _count_value_types(samples) if samples else None
        if counts is not None and self.input_kind != "tokens":
            n_int, n_float = counts["int"], counts["float"]
            n_other, n_seq = counts["other"], counts["seq"]
            continuous = self.input_kind == "continuous" or (
                n_float > 0 and n_other == 0 and n_seq == 0
            )
            if n_seq and not n_other:
                continuous = True  # sequences of vectors
            if continuous and self.input_kind == "auto" and n_int and n_float:
                i, f = counts["first_int"], counts["first_float"]
                raise ValueError(
                    f"{name} mixes integer and float values ({n_int} ints, e.g. in "
                    f"{name}[{i}], and {n_float} floats, e.g. in {name}[{f}]), so it "
                    "is unclear whether they are token ids or continuous values: "
                    f"{self._fix_hint()}."
                )
            if continuous:
                if n_other:
                    i = counts["first_other"]
                    raise ValueError(
                        f"input_kind='continuous' but {name}[{i}] holds values that "
                        "are not numbers; use input_kind='tokens' or 'auto'."
                    )
                try:
                    array = np.asarray(samples, dtype=np.float64)
                except ValueError as exc:
                    lengths = sorted({np.shape(sample) for sample in samples})
                    raise ValueError(
                        f"{name} holds numeric sequences of different lengths "
                        f"(shapes {lengths[:3]}...), read as continuous values: pad "
                        "them to one length in a 2-D array (n_samples, n_steps) or a "
                        "3-D array (n_samples, n_steps, n_features)"
                        + (
                            ", or pass input_kind='tokens' to read the values as "
                            "tokens."
                            if name == "X" and not n_seq
                            else "."
                        )
                    ) from exc
                return self._read_array(array)
        if self.input_kind == "continuous":
            raise ValueError(
                f"input_kind='continuous' but {name} is not numeric sequences; use "
                "input_kind='auto' for strings or token lists."
            )
        sequences, kind = check_sequences(samples, name=name)
        return self._read_sequences(sequences, kind, noun="token lists")

    def read_sequences(self, X: Any) -> tuple[SequenceKind, list[Any]]:
        """Read ``X`` as strings or token sequences only (SequenceVectorizer's
        inputs: no id or float arrays, and no kind to match the fitted one).

        Returns the kind and the content that :meth:`split` turns into tokens.
        """
        sequences, kind = check_sequences(X, name=self.name)
        return self._read_sequences(sequences, kind, noun="token sequences")

    def _read_sequences(
        self, sequences: list[Any], kind: SequenceKind, *, noun: str
    ) -> tuple[SequenceKind, list[Any]]:
        """Checked strings or token sequences: the strings standardized for a
        subword analyzer (the documents its tokenizer reads), else as they are
        (:meth:`split` standardizes and splits them)."""
        if not is_subword(self.analyzer):
            return kind, sequences
        if kind == "tokens":
            raise ValueError(
                f"analyzer={self.analyzer!r} splits strings into subwords, but "
                f"{self.name} holds {noun}: pass strings (e.g. ' '.join(tokens)), "
                "or use analyzer='word'."
            )
        strip_accents = getattr(self, "strip_accents", None)  # files saved before
        return kind, [
            standardize(doc, lowercase=self.lowercase, strip_accents=strip_accents)
            for doc in sequences
        ]

    def _read_array(self, array: np.ndarray) -> tuple[Kind, Any]:
        """A numeric array: integer ids, or float sequences of scalars or vectors."""
        name = self.name
        if array.ndim <= 1:
            hint = (
                "; to read each number as a one-token sequence, pass "
                f"{name}.astype(str) (or [str(value) for value in {name}])"
            )
            if name == "y":
                hint += "; to predict one label per sample, use Seq2SeqClassifier"
            raise ValueError(
                f"Expected a 2-D array for {name}, got a {array.ndim}-D numeric array "
                "instead: pass (n_samples, n_steps) sequences of scalars. Reshape "
                f"your data with array.reshape(-1, 1) for sequences of one step{hint}."
            )
        if array.ndim > 3:
            raise ValueError(
                f"{name} must be 1-D (sequences), 2-D or 3-D, got {array.ndim} "
                "dimensions."
            )
        kind = array.dtype.kind
        if self.input_kind == "tokens" and kind not in "iu":
            if array.ndim == 3:
                raise ValueError(
                    f"input_kind='tokens' but {name} is a 3-D array (sequences of "
                    "vectors), which cannot be read as tokens; use input_kind='auto'."
                )
            # Integer arrays stay id arrays (0 = padding); float values are tokens.
            return self._read_samples([row.tolist() for row in array])
        if kind in "iu" and array.ndim == 2 and self.input_kind != "continuous":
            if kind == "u" and array.size and array.max() > np.iinfo(np.int64).max:
                raise ValueError(
                    f"{name} holds the token id {array.max()}, larger than the "
                    "largest supported id 2**63 - 1: renumber the ids, e.g. "
                    f"np.unique({name}, return_inverse=True)[1].reshape({name}.shape)"
                    " (keeping 0 for padding)."
                )
            array = check_array(array, dtype=np.int64, input_name=name)
            if (array < 0).any():
                row, col = np.argwhere(array < 0)[0]
                raise ValueError(
                    f"{name} holds negative token ids ({array[row, col]} at row {row}, "
                    f"column {col}); ids must be >= 0 (0 = padding). If these are "
                    f"continuous values, pass {name}.astype(float)."
                )
            return "ids", array
        message = _shape_error(name, array)
        if message is not None:
            raise ValueError(message)
        array = check_array(
            array,
            dtype=np.float32,
            allow_nd=True,
            ensure_min_features=1,
            input_name=name,
        )
        if array.ndim == 2:
            return "scalars", array[:, :, None]
        return "vectors", array
