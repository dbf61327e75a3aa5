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

from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._kinds import KIND_NAMES, TOKEN_KINDS, InputKind, InputKinds, Kind
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


class SequenceCodec(InputKinds):
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
