"""Turning the inputs users pass into padded arrays, and predictions back.

A *codec* is fitted on ``X`` (or ``y``) and remembers its kind:

- ``"str"``: strings, split by the analyzer (``"word"``: whitespace, ``"char"``);
- ``"tokens"``: token lists (any hashable tokens);
- ``"ids"``: a 2-D integer array of ids, 0 = padding wherever it is;
- ``"scalars"``: a 2-D float array ``(n_samples, n_steps)``;
- ``"vectors"``: a 3-D float array ``(n_samples, n_steps, n_features)``.

Token kinds get a vocabulary (0 = padding, 1 = unknown, and for targets 2 = ``<bos>``,
3 = ``<eos>``); continuous kinds keep their shape. ``encode`` gives the arrays the
network eats, ``decode`` turns predicted ids or vectors back into the fitted kind.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass
from numbers import Real
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp
from sklearn.utils import check_array

from ._validation import check_sequences, tokenize
from .preprocessing import pad_sequences, sort_tokens_by_frequency

Kind = Literal["str", "tokens", "ids", "scalars", "vectors"]
TOKEN_KINDS = ("str", "tokens", "ids")

PAD_INDEX, UNK_INDEX, BOS_INDEX, EOS_INDEX = 0, 1, 2, 3
SOURCE_SPECIALS = ("<pad>", "<unk>")
TARGET_SPECIALS = ("<pad>", "<unk>", "<bos>", "<eos>")


@dataclass
class Encoded:
    """Padded arrays for the network.

    ``data`` is ``(n, max_len)`` int64 ids (post-padded with 0) or
    ``(n, n_steps, n_features)`` float32; ``lengths`` is ``(n,)`` int64.
    """

    data: np.ndarray
    lengths: np.ndarray


def _is_real_number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool | np.bool_ | int)


def _as_numeric_array(X: Any, name: str) -> np.ndarray | None:
    """``X`` as a 2-D or 3-D numeric array when it is one, else None (sequences)."""
    if sp.issparse(X):
        raise TypeError(
            f"Sparse input is not supported for {name}: pass a dense array of "
            "sequences (sparse data was passed)."
        )
    if isinstance(X, str | bytes):
        return None  # check_sequences gives sklearn's bare-string message
    module = type(X).__module__
    if module.startswith("pandas") and getattr(X, "ndim", 1) == 1:
        return None  # a Series of strings or token lists
    if isinstance(X, np.ndarray | list | tuple) or hasattr(X, "__array__"):
        if isinstance(X, list | tuple):
            # Lists of equal-length lists of floats are sequences of scalars;
            # lists of ints or strings are token sequences.
            first = next(iter(X), None)
            if first is None or isinstance(first, str | bytes):
                return None
            try:
                tokens = list(first)
            except TypeError:
                return None
            if not tokens or not all(_is_real_number(tok) for tok in tokens):
                if not (tokens and isinstance(tokens[0], list | tuple | np.ndarray)):
                    return None
        try:
            array = np.asarray(X)
        except ValueError as exc:
            raise ValueError(
                f"{name} looks like float sequences of different lengths (ragged); "
                "pass a 2-D array (n_samples, n_steps) or a 3-D array "
                "(n_samples, n_steps, n_features) of equal-length sequences, or token "
                "sequences."
            ) from exc
        if array.dtype == object and array.ndim == 1:
            if len(array) and isinstance(array[0], np.ndarray | list | tuple):
                lengths = {np.shape(item) for item in array}
                numeric = all(
                    np.asarray(item).dtype.kind == "f"
                    for item in array[: min(5, len(array))]
                )
                if numeric and len(lengths) > 1:
                    raise ValueError(
                        f"{name} contains float sequences of different lengths "
                        f"(ragged shapes {sorted(lengths)[:3]}...); pass a 3-D array "
                        "(n_samples, n_steps, n_features) of equal-length sequences."
                    )
            return None
        if array.ndim == 1 and array.dtype.kind in "biufc":
            raise ValueError(
                f"Expected a 2-D array for {name}, got a 1-D numeric array instead: "
                "pass (n_samples, n_steps) sequences of scalars. Reshape your data "
                "with array.reshape(-1, 1) for sequences of one step."
            )
        if array.ndim in (2, 3):
            if array.dtype == object and array.ndim == 2:
                try:
                    return array.astype(np.float64)
                except (TypeError, ValueError):
                    return None  # rows of string tokens
            return array
        if array.ndim > 3:
            raise ValueError(
                f"{name} must be 1-D (sequences), 2-D or 3-D, got {array.ndim} "
                "dimensions."
            )
    return None


class SequenceCodec:
    """Learns the kind and vocabulary of ``X`` or ``y`` and converts both ways.

    Parameters
    ----------
    name : {"X", "y"}
        Named in error messages.
    target : bool
        Token targets get ``<bos>`` and ``<eos>``.
    analyzer : {"word", "char"}
        How strings are split and joined back.
    """

    def __init__(self, name: str, *, target: bool, analyzer: str = "word") -> None:
        self.name = name
        self.target = target
        self.analyzer = analyzer

    # -- kinds ------------------------------------------------------------------------
    def _read(self, X: Any) -> tuple[Kind, Any]:
        """Detect the kind and return the validated content (no copy of user data is
        modified)."""
        array = _as_numeric_array(X, self.name)
        if array is None:
            sequences, kind = check_sequences(X, name=self.name)
            return kind, tokenize(
                sequences, kind, analyzer=self.analyzer, name=self.name
            )
        if array.dtype.kind in "biu" and array.dtype.kind != "b" and array.ndim == 2:
            array = check_array(array, dtype=np.int64, input_name=self.name)
            if (array < 0).any():
                raise ValueError(
                    f"{self.name} holds negative token ids; ids must be >= 0 "
                    "(0 = padding)."
                )
            return "ids", array
        array = check_array(
            array,
            dtype=np.float32,
            allow_nd=True,
            ensure_min_features=1,
            input_name=self.name,
        )
        if array.ndim == 2:
            return "scalars", array[:, :, None]
        return "vectors", array

    @staticmethod
    def _ids_to_tokens(ids: np.ndarray) -> list[list[Hashable]]:
        # 0 is padding wherever it is: keep the other ids in order.
        return [row[row != PAD_INDEX].tolist() for row in ids]

    # -- fit --------------------------------------------------------------------------
    def fit(self, X: Any) -> Encoded:
        """Learn the kind (and vocabulary) of ``X``; return ``X`` encoded."""
        kind, content = self._read(X)
        self.kind_: Kind = kind
        if kind in ("scalars", "vectors"):
            self.n_steps_ = content.shape[1]
            self.n_features_ = content.shape[2]
            if self.n_steps_ == 0 and self.target:
                raise ValueError(f"{self.name} has 0 steps.")
            return Encoded(
                np.ascontiguousarray(content, dtype=np.float32),
                np.full(len(content), content.shape[1], dtype=np.int64),
            )
        tokens = self._ids_to_tokens(content) if kind == "ids" else content
        if kind == "ids":
            self.ids_width_ = content.shape[1]
        counts = Counter(tok for seq in tokens for tok in seq)
        specials = TARGET_SPECIALS if self.target else SOURCE_SPECIALS
        self.itos_ = list(specials) + sort_tokens_by_frequency(counts)
        self.stoi_ = {tok: i for i, tok in enumerate(self.itos_) if i >= len(specials)}
        self.max_length_ = max((len(seq) for seq in tokens), default=0)
        return self._encode_tokens(tokens)

    @property
    def is_tokens(self) -> bool:
        return self.kind_ in TOKEN_KINDS

    @property
    def vocab_size(self) -> int:
        return len(self.itos_)

    # -- encode -----------------------------------------------------------------------
    def _encode_tokens(self, tokens: list[list[Hashable]]) -> Encoded:
        ids = [[self.stoi_.get(tok, UNK_INDEX) for tok in seq] for seq in tokens]
        if self.target:
            ids = [[BOS_INDEX, *seq, EOS_INDEX] for seq in ids]
        lengths = np.array([len(seq) for seq in ids], dtype=np.int64)
        width = max(1, int(lengths.max(initial=0)))
        return Encoded(pad_sequences(ids, width), lengths)

    def encode(self, X: Any) -> Encoded:
        """Encode new data of the fitted kind (unknown tokens become id 1)."""
        kind, content = self._read(X)
        if self.is_tokens != (kind in TOKEN_KINDS):
            fitted = "token sequences" if self.is_tokens else "float arrays"
            raise ValueError(
                f"{self.name} was fitted on {fitted} ({self.kind_!r}) but got {kind!r} "
                "input now."
            )
        if kind in ("scalars", "vectors"):
            if kind != self.kind_ or content.shape[2] != self.n_features_:
                raise ValueError(
                    f"{self.name} has {content.shape[2]} features per step, but the "
                    f"estimator was fitted with {self.n_features_} features per step."
                )
            return Encoded(
                np.ascontiguousarray(content, dtype=np.float32),
                np.full(len(content), content.shape[1], dtype=np.int64),
            )
        tokens = self._ids_to_tokens(content) if kind == "ids" else content
        return self._encode_tokens(tokens)

    # -- decode -----------------------------------------------------------------------
    def decode(self, predicted: list[np.ndarray] | np.ndarray) -> Any:
        """Predicted ids (one array per sample, cut before ``<eos>``) or float arrays
        ``(n, steps, features)`` back into the fitted kind.

        A predicted padding or ``<bos>`` id is dropped; the unknown id becomes
        ``"<unk>"`` (id 1 for id-array targets, as SequenceVectorizer numbers it).
        """
        if self.kind_ == "scalars":
            return predicted[:, :, 0]
        if self.kind_ == "vectors":
            return predicted
        unknown = UNK_INDEX if self.kind_ == "ids" else self.itos_[UNK_INDEX]
        n_specials = len(TARGET_SPECIALS) if self.target else len(SOURCE_SPECIALS)
        tokens = [
            [
                self.itos_[i] if i >= n_specials else unknown
                for i in seq.tolist()
                if i not in (PAD_INDEX, BOS_INDEX)
            ]
            for seq in predicted
        ]
        if self.kind_ == "ids":
            width = max([self.ids_width_, *(len(seq) for seq in tokens)])
            return pad_sequences(tokens, width)
        out = np.empty(len(tokens), dtype=object)
        if self.kind_ == "str":
            joiner = "" if self.analyzer == "char" else " "
            out[:] = [joiner.join(map(str, seq)) for seq in tokens]
        else:
            out[:] = [list(seq) for seq in tokens]
        return out
