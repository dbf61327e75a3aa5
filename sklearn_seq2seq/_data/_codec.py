"""The one reader of sequences: inputs into padded arrays, and predictions back.

:class:`SequenceCodec` reads the estimators' ``X`` and ``y`` and, through
:meth:`SequenceCodec.read_sequences`, the documents of
:class:`~sklearn_seq2seq.SequenceVectorizer`: one implementation of the rules of
reading (``lowercase``, then ``strip_accents``, then the analyzer: ``"word"``,
``"char"``, a subword vocabulary or a callable), of learning a vocabulary (the
reserved ids first, then the tokens by descending frequency, ties by token, at least
``min_frequency`` times, ``max_tokens`` ids in all; text spelling a reserved token is
never learned, it reads as unknown) and of turning ids back into tokens. Which
parameter values each public class accepts is checked by that class.

This module depends on :mod:`._validation` (the checks of one sample and the
splitting of strings), :mod:`._vocabulary` and :mod:`._subwords`; none of them
depends on it.

A *codec* is fitted on ``X`` (or ``y``) and remembers its kind:

- ``"str"``: strings, split by the analyzer (``"word"``: whitespace, ``"char"``);
- ``"tokens"``: token lists (any hashable tokens);
- ``"ids"``: a 2-D integer array of ids, 0 = padding wherever it is;
- ``"scalars"``: a 2-D float array ``(n_samples, n_steps)``;
- ``"vectors"``: a 3-D float array ``(n_samples, n_steps, n_features)``.

The kind depends on neither the container nor the first row: numeric arrays go by
dtype (integer = ids, float = continuous), and lists, tuples, object arrays and pandas
Series by the types of all their values (floats = continuous, ints, strings and other
hashables = tokens; ints mixed with floats are ambiguous and raise, naming
``input_kind``, which settles it). ``encode`` accepts only the kind ``fit`` saw.

Token kinds get a vocabulary (0 = padding, 1 = unknown, and for targets 2 = ``<bos>``,
3 = ``<eos>``); continuous kinds keep their shape. ``encode`` gives the arrays the
network eats, ``decode`` turns predicted ids or vectors back into the fitted kind.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp
from sklearn.utils import check_array

from ._subwords import (
    decode_pieces,
    encode_pieces,
    is_subword,
    tokenizer_from_json,
    train_tokenizer,
    vocabulary,
)
from ._validation import (
    SequenceKind,
    _is_number,
    check_sequences,
    standardize,
    tokenize,
)
from ._vocabulary import (
    BOS_INDEX,
    EOS_INDEX,
    PAD_INDEX,
    SOURCE_SPECIALS,
    TARGET_SPECIALS,
    UNK_INDEX,
    learn_vocabulary,
    pad_sequences,
    strip_padding,
    to_ids,
)

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

# A prediction batch whose source has at least this share of unknown tokens warns.
UNKNOWN_SHARE_WARNING = 0.5


@dataclass
class Encoded:
    """Padded arrays for the network.

    ``data`` is ``(n, max_len)`` int64 ids (post-padded with 0) or
    ``(n, n_steps, n_features)`` float32; ``lengths`` is ``(n,)`` int64.
    ``n_tokens`` and ``n_unknown`` count the source tokens of a batch encoded after
    ``fit`` and those unknown to the vocabulary; ``n_known_lowercased`` the unknown
    string tokens that the vocabulary knows in lower case.
    """

    data: np.ndarray
    lengths: np.ndarray
    n_tokens: int = 0
    n_unknown: int = 0
    n_known_lowercased: int = 0
    # encode(X, keep_source_tokens=True) only: the tokens of each sample as read,
    # with the case and accents of X (see SequenceCodec.encode).
    source_tokens: list[list[Hashable]] | None = None


def as_reusable(X: Any) -> Any:
    """``X`` itself, or a list of its items when it is a one-shot iterator.

    A generator can be read only once, but ``fit`` reads ``X`` more than once (its
    kind, then its content; an autoencoder's target is ``X`` again).
    """
    if isinstance(X, Iterator):
        return list(X)
    return X


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


class SequenceCodec:
    """Learns the kind and vocabulary of ``X`` or ``y`` and converts both ways.

    Parameters
    ----------
    name : {"X", "y"}
        Named in error messages.
    target : bool
        Token targets get ``<bos>`` and ``<eos>``.
    analyzer : {"word", "char", "bpe", "wordpiece", "unigram"} or callable
        How strings are split and joined back; a callable maps a string to an
        iterable of hashable tokens (SequenceVectorizer's; the estimators do not
        accept one).
    lowercase : bool, default=False
        Lowercase strings (and string tokens) before they are split.
    input_kind : {"auto", "tokens", "continuous"}, default="auto"
        ``"auto"`` decides from the dtype or the values; ``"tokens"`` reads every
        value as a token, ``"continuous"`` reads numbers as continuous values.
    min_frequency : int, default=1
        Tokens seen fewer times in ``fit`` are not learned.
    strip_accents : {"ascii", "unicode"} or None, default=None
        Remove accents after lowercasing (see ``standardize``).
    max_tokens : int or None, default=None
        Most ids, counting the reserved ones; for subword analyzers the size of the
        subword vocabulary (None: 1000).

    The instance attributes are the saved state of a model file
    (``_persistence._format``): every attribute set here is saved, and a codec
    read from an older file may lack the newer ones (hence the ``getattr``).
    """

    def __init__(
        self,
        name: str,
        *,
        target: bool,
        analyzer: str | Callable[[str], Iterable[Hashable]] = "word",
        lowercase: bool = False,
        input_kind: InputKind = "auto",
        min_frequency: int = 1,
        strip_accents: str | None = None,
        max_tokens: int | None = None,
    ) -> None:
        self.name = name
        self.target = target
        self.analyzer = analyzer
        self.lowercase = lowercase
        self.input_kind = input_kind
        self.min_frequency = min_frequency
        self.strip_accents = strip_accents
        self.max_tokens = max_tokens

    # -- kinds ------------------------------------------------------------------------
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

    @property
    def is_subword(self) -> bool:
        return self.kind_ == "str" and is_subword(self.analyzer)

    @property
    def tokenizer(self) -> Any:
        """The subword tokenizer (kept as its JSON string, which pickles and saves)."""
        return tokenizer_from_json(self.tokenizer_json_)

    def split(
        self, kind: Kind, content: Any, *, keep_case: bool = False
    ) -> list[list[Hashable]]:
        """Token lists of what the readers returned (subword pieces once the
        tokenizer is trained). Continuous content is returned as it is.

        ``keep_case=True`` leaves out ``lowercase`` and ``strip_accents`` (subword
        pieces stay those the encoder reads).
        """
        if kind == "ids":
            return strip_padding(content)
        if kind == "str" and is_subword(self.analyzer):
            return encode_pieces(self.tokenizer, content, self._n_specials)
        if kind not in ("str", "tokens"):
            return content
        if keep_case:
            lowercase, strip_accents = False, None
        else:
            lowercase = self.lowercase
            strip_accents = getattr(self, "strip_accents", None)  # files saved before
        return tokenize(
            content,
            kind,
            analyzer=self.analyzer,
            lowercase=lowercase,
            strip_accents=strip_accents,
            name=self.name,
        )

    def _standardizes(self) -> bool:
        """Whether reading changes the case or accents of string tokens."""
        return bool(self.lowercase) or getattr(self, "strip_accents", None) is not None

    @property
    def _n_specials(self) -> int:
        return len(TARGET_SPECIALS if self.target else SOURCE_SPECIALS)

    def read_tokens(self, X: Any, *, keep_case: bool = False) -> list[list[Hashable]]:
        """The tokens of ``X`` as the fitted codec reads them (subword pieces,
        ids, words...), before they become ids; ``keep_case`` as in :meth:`split`."""
        return self.split(*self._read(X), keep_case=keep_case)

    # -- fit --------------------------------------------------------------------------
    def fit(self, X: Any) -> Encoded:
        """Learn the kind (and vocabulary) of ``X``; return ``X`` encoded."""
        kind, content = self._read(X)
        if kind in ("scalars", "vectors"):
            self.kind_: Kind = kind
            self.n_steps_ = content.shape[1]
            self.n_features_ = content.shape[2]
            if self.n_steps_ == 0 and self.target:
                raise ValueError(f"{self.name} has 0 steps.")
            return Encoded(
                np.ascontiguousarray(content, dtype=np.float32),
                np.full(len(content), content.shape[1], dtype=np.int64),
            )
        return self._encode_tokens(self.learn(kind, content))

    def learn(
        self, kind: Kind, content: Any, *, fixed: list[Hashable] | None = None
    ) -> list[list[Hashable]]:
        """Learn the kind and vocabulary of token content as the readers return it
        (``kind`` ``"str"``, ``"tokens"`` or ``"ids"``); return its token lists.

        Subword analyzers train their tokenizer on the documents. Otherwise the
        reserved ids come first, then the tokens seen at least ``min_frequency``
        times, most frequent first, ties by token, ``max_tokens`` ids in all; the
        strings of the reserved tokens are never learned (they read as unknown).
        ``fixed`` (SequenceVectorizer's ``vocabulary``, checked there) gives the
        tokens instead, in order.
        """
        self.kind_ = kind
        if kind == "ids":
            self.ids_width_ = content.shape[1]
        specials = TARGET_SPECIALS if self.target else SOURCE_SPECIALS
        if kind == "str" and is_subword(self.analyzer):
            if fixed is not None:
                raise ValueError(
                    f"analyzer={self.analyzer!r} learns its own subword vocabulary; "
                    "a fixed vocabulary cannot be given."
                )
            tokenizer = train_tokenizer(
                content, self.analyzer, vocab_size=self.max_tokens, specials=specials
            )
            self.tokenizer_json_ = tokenizer.to_str()
            self.itos_ = vocabulary(tokenizer)  # the tokenizer's ids
            tokens = self.split(kind, content)
        else:
            tokens = self.split(kind, content)
            if fixed is not None:
                learned = list(fixed)
            else:
                min_frequency = getattr(self, "min_frequency", 1)  # files saved before
                max_tokens = getattr(self, "max_tokens", None)
                learned = learn_vocabulary(
                    tokens,
                    reserved=specials,
                    min_frequency=min_frequency,
                    max_tokens=None
                    if max_tokens is None
                    else max_tokens - len(specials),
                )
            self.itos_ = list(specials) + learned
        self.stoi_ = {tok: i for i, tok in enumerate(self.itos_) if i >= len(specials)}
        self.max_length_ = max((len(seq) for seq in tokens), default=0)
        return tokens

    def use_vocabulary(
        self,
        kind: SequenceKind,
        itos: list[Hashable],
        stoi: dict[Hashable, int],
        *,
        tokenizer_json: str | None = None,
    ) -> None:
        """Take a vocabulary learned before (SequenceVectorizer's fitted
        attributes) instead of learning one: ``itos`` with the reserved tokens
        first, ``stoi`` its learned part, and a subword tokenizer's JSON."""
        self.kind_ = kind
        if tokenizer_json is not None:
            self.tokenizer_json_ = tokenizer_json
        self.itos_ = itos
        self.stoi_ = stoi

    @property
    def is_tokens(self) -> bool:
        return self.kind_ in TOKEN_KINDS

    @property
    def vocab_size(self) -> int:
        return len(self.itos_)

    # -- encode -----------------------------------------------------------------------
    def to_ids(self, tokens: list[list[Hashable]]) -> list[list[int]]:
        """The ids of token lists; tokens not in the vocabulary get id 1."""
        return to_ids(tokens, self.stoi_)

    def _encode_tokens(self, tokens: list[list[Hashable]]) -> Encoded:
        ids = self.to_ids(tokens)
        if self.target:
            ids = [[BOS_INDEX, *seq, EOS_INDEX] for seq in ids]
        lengths = np.array([len(seq) for seq in ids], dtype=np.int64)
        width = max(1, int(lengths.max(initial=0)))
        return Encoded(pad_sequences(ids, width), lengths)

    def encode(self, X: Any, *, keep_source_tokens: bool = False) -> Encoded:
        """Encode new data of the fitted kind (unknown tokens become id 1).

        The returned counts say how many source tokens are unknown (see
        :class:`Encoded`). With ``keep_source_tokens=True``, ``X`` is still read
        once and ``Encoded.source_tokens`` holds the tokens of each sample as read
        in ``fit``, unknown ones and the case and accents of ``X`` kept
        (``read_tokens(X, keep_case=True)``): what ``replace_unknown`` copies into
        predictions. None for continuous kinds.
        """
        kind, content = self._read(X)
        if kind != self.kind_:
            raise ValueError(
                f"{self.name} was fitted on {KIND_NAMES[self.kind_]} but got "
                f"{KIND_NAMES[kind]} now: pass {self.name} of the kind seen in fit."
            )
        if kind in ("scalars", "vectors"):
            if content.shape[2] != self.n_features_:
                raise ValueError(
                    f"{self.name} has {content.shape[2]} features per step, but the "
                    f"estimator is expecting {self.n_features_} features per step, "
                    "as in fit."
                )
            return Encoded(
                np.ascontiguousarray(content, dtype=np.float32),
                np.full(len(content), content.shape[1], dtype=np.int64),
            )
        tokens = self.split(kind, content)
        encoded = self._encode_tokens(tokens)
        if not self.target:
            self._count_unknown(tokens, encoded)
        if keep_source_tokens:
            case_kept = kind in ("str", "tokens") and not is_subword(self.analyzer)
            encoded.source_tokens = (
                self.split(kind, content, keep_case=True)
                if case_kept and self._standardizes()
                else tokens
            )
        return encoded

    def _count_unknown(self, tokens: list[list[Hashable]], encoded: Encoded) -> None:
        """Fill the unknown-token counts of ``encoded`` (a source batch)."""
        encoded.n_tokens = int(encoded.lengths.sum())
        encoded.n_unknown = int((encoded.data == UNK_INDEX).sum())
        if encoded.n_unknown and not self.lowercase:
            encoded.n_known_lowercased = sum(
                1
                for seq in tokens
                for tok in seq
                if isinstance(tok, str)
                and tok not in self.stoi_
                and tok.lower() in self.stoi_
            )

    # -- decode -----------------------------------------------------------------------
    def decode(
        self,
        predicted: list[np.ndarray] | np.ndarray,
        copied: list[dict[int, Hashable]] | None = None,
    ) -> Any:
        """Predicted ids (one array per sample, cut before ``<eos>``) or float arrays
        ``(n, steps, features)`` back into the fitted kind.

        A predicted padding or ``<bos>`` id is dropped; the unknown id becomes
        ``"<unk>"`` (id 1 for id-array targets, as SequenceVectorizer numbers it),
        unless ``copied`` (one ``{position: token}`` dict per sample, positions in
        the predicted ids) gives the token to put there instead.
        """
        if self.kind_ == "scalars":
            return predicted[:, :, 0]
        if self.kind_ == "vectors":
            return predicted
        tokens = self.id_tokens(predicted)
        if copied is not None:
            for seq, replacements in zip(tokens, copied, strict=True):
                for position, token in replacements.items():
                    seq[position] = token
        if self.kind_ == "ids":
            width = max([self.ids_width_, *(len(seq) for seq in tokens)])
            return pad_sequences(tokens, width)
        return self.join(tokens)

    def id_tokens(self, ids: list[np.ndarray] | np.ndarray) -> list[list[Hashable]]:
        """The tokens of id rows (1-D integer arrays, ids of the vocabulary).

        Padding is dropped wherever it is (and a target's ``<bos>``); the other
        reserved ids read as ``"<unk>"`` (as id 1 for id-array kinds).
        """
        unknown = UNK_INDEX if self.kind_ == "ids" else self.itos_[UNK_INDEX]
        n_specials = self._n_specials
        dropped = (PAD_INDEX, BOS_INDEX) if self.target else (PAD_INDEX,)
        itos = self.itos_
        return [
            [itos[i] if i >= n_specials else unknown for i in row if i not in dropped]
            for row in (np.asarray(seq).tolist() for seq in ids)
        ]

    def join(self, tokens: list[list[Hashable]], *, words: bool = True) -> np.ndarray:
        """Token lists back in the fitted kind, one object per sample: strings for
        strings (subword pieces decoded into text, characters joined, words joined
        by spaces, or kept as lists with ``words=False``), lists for token lists.
        """
        out = np.empty(len(tokens), dtype=object)
        if self.is_subword:
            tokenizer = self.tokenizer
            out[:] = [decode_pieces(tokenizer, seq) for seq in tokens]
        elif self.kind_ == "str" and (words or self.analyzer == "char"):
            joiner = "" if self.analyzer == "char" else " "
            out[:] = [joiner.join(map(str, seq)) for seq in tokens]
        else:
            out[:] = [list(seq) for seq in tokens]
        return out
