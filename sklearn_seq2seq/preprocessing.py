"""Turn strings or token sequences into padded arrays of token ids, and back.

:class:`SequenceVectorizer` is the public face of the reader the estimators use
(``sklearn_seq2seq._data._codec.SequenceCodec``): the same tokenizing, vocabulary
and decoding rules, with its own parameter checks and output layout (``max_length``,
``padding``, ``truncating``, ``dtype``).
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Mapping
from numbers import Integral
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils import check_array
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted

from ._data._codec import SequenceCodec
from ._data._subwords import SUBWORD_ANALYZERS, import_tokenizers, is_subword
from ._data._validation import IntervalNotBool as Interval  # max_length=True is no 1
from ._data._validation import check_not_missing
from ._data._vocabulary import (
    PAD_INDEX,
    PAD_TOKEN,
    UNK_INDEX,
    UNK_TOKEN,
    pad_sequences,
    sort_tokens_by_frequency,
)
from ._utils import user_stacklevel

__all__ = [
    "PAD_INDEX",
    "PAD_TOKEN",
    "UNK_INDEX",
    "UNK_TOKEN",
    "SequenceVectorizer",
    "pad_sequences",
    "sort_tokens_by_frequency",
]


class SequenceVectorizer(TransformerMixin, BaseEstimator):
    """Map strings or token sequences to a padded 2-D array of token ids.

    Strings are split into tokens by `analyzer`; token sequences (lists, tuples or
    1-D arrays of any hashable tokens) are used as they are. Id 0 is padding and
    id 1 stands for every unknown token; the learned tokens get ids 2, 3, ... by
    descending frequency in the training data, ties broken by sorted token order, so
    the vocabulary does not depend on the order of the documents.

    Parameters
    ----------
    analyzer : {"word", "char", "bpe", "wordpiece", "unigram"} or callable, \
            default="word"
        How strings are split into tokens: ``"word"`` splits on runs of whitespace
        (``str.split()``), ``"char"`` makes one token per character (and
        `inverse_transform` joins them back into strings), a callable maps a
        string to an iterable of hashable tokens. Token sequences are not
        analyzed. ``"bpe"``, ``"wordpiece"`` and ``"unigram"`` learn a subword
        vocabulary of `max_tokens` ids in `fit` (byte-pair encoding, WordPiece or
        the Unigram language model, trained by HuggingFace ``tokenizers``, an
        optional dependency: ``pip install sklearn-seq2seq[subword]``); they read
        strings only, and `inverse_transform` gives the strings back exactly (see
        Notes).
    lowercase : bool, default=False
        Lowercase strings before analysis; for token sequences, lowercase the
        tokens that are strings.
    strip_accents : {"ascii", "unicode"} or None, default=None
        Remove accents after lowercasing, as ``CountVectorizer`` does:
        ``"ascii"`` keeps the characters that have a direct ASCII mapping,
        ``"unicode"`` removes combining marks after NFKD normalization (slower,
        works on any character), None does nothing.
    max_tokens : int >= 2 or None, default=None
        Vocabulary size cap, counting the two reserved ids 0 and 1: at most
        ``max_tokens - 2`` tokens are learned, the most frequent ones. None means
        no cap. Ignored when `vocabulary` is given. For the subword analyzers it
        is the size of the subword vocabulary (the trainer's ``vocab_size``, at
        least 3); None means 1000.
    min_frequency : int >= 1, default=1
        Tokens that occur fewer times than this in the training data (counting
        every occurrence) are not learned. Ignored when `vocabulary` is given and
        by the subword analyzers.
    max_length : int >= 1 or None, default=None
        Number of id columns. None uses the length of the longest training
        sequence (at least 1).
    padding : {"post", "pre"}, default="post"
        Put the padding id 0 after (``"post"``) or before (``"pre"``) the tokens.
    truncating : {"post", "pre"}, default="post"
        Drop tokens at the end (``"post"``) or at the start (``"pre"``) of
        sequences longer than `max_length_`.
    vocabulary : array-like of hashable or None, default=None
        A fixed, ordered list of tokens that get ids 2, 3, ...; `fit` then learns
        no tokens from the data (only `max_length_` when `max_length` is None).
        Duplicates and the reserved strings ``"<pad>"`` and ``"<unk>"`` are
        rejected. Not available with the subword analyzers.
    dtype : integer dtype, default=np.int64
        Dtype of the id array returned by `transform`.

    Attributes
    ----------
    vocabulary_ : dict
        Maps each learned token to its id (>= 2). The reserved ids are not in it:
        any token missing from `vocabulary_` (including the strings ``"<pad>"``
        and ``"<unk>"``) is transformed to id 1.
    tokens_ : ndarray of shape (n_ids,), dtype=object
        Inverse of `vocabulary_`: ``tokens_[i]`` is the token with id ``i``, with
        ``tokens_[0] == "<pad>"`` and ``tokens_[1] == "<unk>"``. ``len(tokens_)``
        is the vocabulary size (e.g. for an embedding layer).
    max_length_ : int
        Number of columns produced by `transform`.
    tokenizer_ : tokenizers.Tokenizer
        Subword analyzers only: the trained HuggingFace tokenizer. Its ids are
        the ids of `transform` (``"<pad>"`` 0, ``"<unk>"`` 1); it reads a
        document as `transform` does (after `lowercase` and `strip_accents`).

    See Also
    --------
    sklearn.feature_extraction.text.CountVectorizer : Bag-of-words counts.

    Notes
    -----
    ``pad_index``, ``unk_index``, ``pad_token`` and ``unk_token`` are class
    attributes (0, 1, ``"<pad>"``, ``"<unk>"``), also available as the module
    constants ``PAD_INDEX``, ``UNK_INDEX``, ``PAD_TOKEN`` and ``UNK_TOKEN``.

    Subword analyzers mark the start of every word with ``"▁"`` (U+2581, as
    SentencePiece does): ``"▁the"`` is a word, ``"re"`` a piece inside one. Spaces
    are kept exactly (two spaces are two markers), tabs and newlines are pieces
    of their own, so `inverse_transform` returns each string as it was read, for
    any string made of characters of the vocabulary. Those are the characters of
    the training data, less the rarest ones when `max_tokens` is too small to
    hold them all. An unknown character becomes id 1 (with ``"wordpiece"`` its
    whole word does) and reads back as ``"<unk>"``; text that spells
    ``"<pad>"`` or ``"<unk>"`` is read as unknown too, and a ``"▁"`` in the text
    reads back as a space. The vocabulary does not depend on the order of the
    documents.

    Examples
    --------
    >>> from sklearn_seq2seq.preprocessing import SequenceVectorizer
    >>> docs = ["the cat sat", "the dog sat down"]
    >>> vectorizer = SequenceVectorizer().fit(docs)
    >>> vectorizer.vocabulary_
    {'sat': 2, 'the': 3, 'cat': 4, 'dog': 5, 'down': 6}
    >>> vectorizer.transform(["the bird sat", "down"])
    array([[3, 1, 2, 0],
           [6, 0, 0, 0]])
    >>> vectorizer.inverse_transform([[3, 1, 2, 0]])
    array([list(['the', '<unk>', 'sat'])], dtype=object)

    Characters read from strings are joined back into strings:

    >>> chars = SequenceVectorizer(analyzer="char").fit(["abba", "cab"])
    >>> chars.inverse_transform(chars.transform(["bad"]))
    array(['ba<unk>'], dtype=object)

    A subword vocabulary (this needs ``tokenizers``) spells rare words with
    pieces and gives the strings back:

    >>> docs = ["the cat sat", "the cats sat down", "a dog sat"]
    >>> bpe = SequenceVectorizer(analyzer="bpe", max_tokens=30).fit(docs)
    >>> len(bpe.tokens_) <= 30
    True
    >>> ids = bpe.transform(["the dogs sat"])
    >>> [bpe.tokens_[i] for i in ids[0] if i]
    ['▁the', '▁dog', 's', '▁sat']
    >>> bpe.inverse_transform(ids)
    array(['the dogs sat'], dtype=object)
    """

    pad_index = PAD_INDEX
    unk_index = UNK_INDEX
    pad_token = PAD_TOKEN
    unk_token = UNK_TOKEN

    _parameter_constraints: dict = {
        "analyzer": [StrOptions({"word", "char", *SUBWORD_ANALYZERS}), callable],
        "lowercase": ["boolean"],
        "strip_accents": [StrOptions({"ascii", "unicode"}), None],
        "max_tokens": [Interval(Integral, 2, None, closed="left"), None],
        "min_frequency": [Interval(Integral, 1, None, closed="left")],
        "max_length": [Interval(Integral, 1, None, closed="left"), None],
        "padding": [StrOptions({"post", "pre"})],
        "truncating": [StrOptions({"post", "pre"})],
        "vocabulary": ["array-like", None],
        "dtype": "no_validation",  # checked in fit
    }

    def __init__(
        self,
        *,
        analyzer="word",
        lowercase=False,
        strip_accents=None,
        max_tokens=None,
        min_frequency=1,
        max_length=None,
        padding="post",
        truncating="post",
        vocabulary=None,
        dtype=np.int64,
    ):
        self.analyzer = analyzer
        self.lowercase = lowercase
        self.strip_accents = strip_accents
        self.max_tokens = max_tokens
        self.min_frequency = min_frequency
        self.max_length = max_length
        self.padding = padding
        self.truncating = truncating
        self.vocabulary = vocabulary
        self.dtype = dtype

    def _reader(self) -> SequenceCodec:
        """The estimators' reader, set as the parameters say (read at every call,
        as `transform` always has)."""
        return SequenceCodec(
            "X",
            target=False,
            analyzer=self.analyzer,
            lowercase=self.lowercase,
            strip_accents=self.strip_accents,
            min_frequency=self.min_frequency,
            max_tokens=self.max_tokens,
        )

    def _fitted_reader(self) -> SequenceCodec:
        """The reader with the fitted vocabulary, taken from the public fitted
        attributes (so a vectorizer pickled before this reader reads the same)."""
        reader = self._reader()
        subword = is_subword(self.analyzer)
        # Fitted before _fitted_on_strings existed, or without fit: lists, as then.
        strings = subword or getattr(self, "_fitted_on_strings", False)
        reader.use_vocabulary(
            "str" if strings else "tokens",
            list(self.tokens_),
            self.vocabulary_,
            tokenizer_json=self.tokenizer_.to_str() if subword else None,
        )
        return reader

    def _check_dtype(self) -> np.dtype:
        try:
            dtype = np.dtype(self.dtype)
        except TypeError as exc:
            raise ValueError(
                f"dtype must be an integer dtype, got {self.dtype!r}."
            ) from exc
        if dtype.kind not in "iu":
            raise ValueError(f"dtype must be an integer dtype, got {dtype}.")
        return dtype

    def _check_fixed_vocabulary(self) -> list[Hashable]:
        vocabulary = self.vocabulary
        if isinstance(vocabulary, str | bytes | Mapping | set | frozenset):
            raise ValueError(
                "vocabulary must be an ordered list of tokens, got "
                f"{type(vocabulary).__name__}."
            )
        tokens: list[Hashable] = []
        seen: set[Hashable] = set()
        for position, token in enumerate(vocabulary):
            check_not_missing(token, name="vocabulary", index=position, rule="")
            if not isinstance(token, Hashable):
                raise TypeError(
                    f"vocabulary[{position}] is unhashable ({type(token).__name__})."
                )
            if isinstance(token, np.generic):
                token = token.item()
            if token in (self.pad_token, self.unk_token):
                raise ValueError(
                    f"vocabulary must not contain the reserved token {token!r}; "
                    "ids 0 and 1 are always padding and unknown."
                )
            if token in seen:
                raise ValueError(
                    f"vocabulary contains the token {token!r} more than once."
                )
            seen.add(token)
            tokens.append(token)
        if self.lowercase and any(
            isinstance(token, str) and token != token.lower() for token in tokens
        ):
            warnings.warn(
                "vocabulary contains upper case characters but lowercase=True, so "
                "those tokens can never be matched.",
                UserWarning,
                stacklevel=user_stacklevel(),
            )
        return tokens

    def _fit(self, X: Any) -> tuple[SequenceCodec, list[list[Hashable]]]:
        """Learn the vocabulary (or take the fixed one) and `max_length_` from
        ``X``; the reader and the token lists of ``X``."""
        if is_subword(self.analyzer) and self.vocabulary is not None:
            raise ValueError(
                f"vocabulary cannot be given with analyzer={self.analyzer!r}, "
                "which learns its own subword vocabulary; use analyzer='word'."
            )
        reader = self._reader()
        kind, content = reader.read_sequences(X)
        dtype = self._check_dtype()
        fixed = None if self.vocabulary is None else self._check_fixed_vocabulary()
        tokens = reader.learn(kind, content, fixed=fixed)
        n_ids = reader.vocab_size
        if n_ids - 1 > np.iinfo(dtype).max:
            raise ValueError(
                f"dtype {dtype} cannot hold {n_ids} token ids; use a wider dtype."
            )

        if reader.is_subword:
            tokenizers = import_tokenizers(self.analyzer)
            self.tokenizer_ = tokenizers.Tokenizer.from_str(reader.tokenizer_json_)
        # Remembered for inverse_transform: a character analyzer joins strings back.
        self._fitted_on_strings = kind == "str"
        self.vocabulary_ = reader.stoi_
        self.tokens_ = np.empty(n_ids, dtype=object)
        # Assigned one by one: tuple tokens must not become array dimensions.
        for i, token in enumerate(reader.itos_):
            self.tokens_[i] = token
        if self.max_length is None:
            self.max_length_ = max(1, reader.max_length_)
        else:
            self.max_length_ = int(self.max_length)
        return reader, tokens

    def _layout(self, ids: list[list[int]]) -> np.ndarray:
        """Token ids as the 2-D array of `transform`."""
        return pad_sequences(
            ids,
            self.max_length_,
            padding=self.padding,
            truncating=self.truncating,
            pad_index=self.pad_index,
            dtype=self.dtype,
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the vocabulary and the output length from `X`.

        Parameters
        ----------
        X : iterable of str, or iterable of sequences of hashable tokens
            Training documents: a list, tuple, 1-D array or pandas Series of
            strings, or of token lists / tuples / 1-D arrays.
        y : None
            Ignored.

        Returns
        -------
        self : SequenceVectorizer
            The fitted vectorizer.
        """
        self._fit(X)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X, y=None):
        """Learn the vocabulary from `X` and return its id array.

        Parameters
        ----------
        X : iterable of str, or iterable of sequences of hashable tokens
            Training documents, as in `fit`.
        y : None
            Ignored.

        Returns
        -------
        ids : ndarray of shape (n_samples, `max_length_`)
            Token ids, padded with 0.
        """
        reader, tokens = self._fit(X)
        return self._layout(reader.to_ids(tokens))

    def transform(self, X):
        """Map documents to a padded array of token ids.

        Parameters
        ----------
        X : iterable of str, or iterable of sequences of hashable tokens
            Documents, as in `fit`.

        Returns
        -------
        ids : ndarray of shape (n_samples, `max_length_`)
            Token ids of dtype `dtype`: 1 for unknown tokens, 0 for padding.
            Longer sequences are truncated as `truncating` says.
        """
        if (
            not hasattr(self, "vocabulary_")
            and self.vocabulary is not None
            and self.max_length is not None
        ):
            # A fixed vocabulary and length leave nothing to learn: usable without
            # fit, as CountVectorizer with a vocabulary (e.g. rebuilt from JSON).
            self._validate_params()
            reader, tokens = self._fit(X)  # learns no tokens, only what X holds
            return self._layout(reader.to_ids(tokens))
        check_is_fitted(self)
        reader = self._fitted_reader()
        return self._layout(reader.to_ids(reader.split(*reader.read_sequences(X))))

    def inverse_transform(self, X):
        """Map an id array back to token lists, or to strings where they join back.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_positions)
            Token ids; any number of columns. Padding (0) is dropped wherever it
            is; id 1 becomes ``"<unk>"``.

        Returns
        -------
        tokens : ndarray of shape (n_samples,), dtype=object
            One Python list of tokens per row (as ``CountVectorizer`` returns the
            terms of each document), except where the tokens join back into the
            string that `transform` read: with ``analyzer="char"`` fitted on
            strings, one string per row, the characters joined (``"<unk>"``
            stands for an unknown character, as in the predictions of
            ``Seq2SeqTransformer(analyzer="char")``); with a subword analyzer,
            one string per row, the pieces joined back into text (the string
            that `transform` read, when all its characters were known). Words
            stay lists: joining them with spaces would not give back the
            whitespace that ``"word"`` splits on.

        Examples
        --------
        >>> from sklearn_seq2seq.preprocessing import SequenceVectorizer
        >>> chars = SequenceVectorizer(analyzer="char").fit(["abba", "cab"])
        >>> chars.inverse_transform(chars.transform(["cab", "bad"]))
        array(['cab', 'ba<unk>'], dtype=object)
        >>> words = SequenceVectorizer().fit(["the cat sat"])
        >>> words.inverse_transform(words.transform(["the cat"]))
        array([list(['the', 'cat'])], dtype=object)
        """
        check_is_fitted(self)
        X = check_array(X, dtype=None, ensure_min_features=0)
        if X.dtype.kind == "f":
            if not np.all(np.isfinite(X)) or not np.all(X == np.round(X)):
                raise ValueError("X must contain integer token ids.")
            X = X.astype(np.int64)
        elif X.dtype.kind not in "iu":
            raise ValueError(f"X must contain integer token ids, got dtype {X.dtype}.")
        n_ids = len(self.tokens_)
        bad = (X < 0) | (X >= n_ids)
        if bad.any():
            row, col = np.argwhere(bad)[0]
            raise ValueError(
                f"X contains the id {X[row, col]} at row {row}, column {col}, outside "
                f"the vocabulary range [0, {n_ids - 1}]."
            )
        reader = self._fitted_reader()
        return reader.join(reader.id_tokens(X), words=False)

    def get_feature_names_out(self, input_features=None):
        """Get output feature names: one per position.

        Parameters
        ----------
        input_features : None
            Not used, present for API consistency.

        Returns
        -------
        feature_names_out : ndarray of str objects
            ``["sequencevectorizer0", "sequencevectorizer1", ...]``, one name per
            column of `transform`.
        """
        check_is_fitted(self)
        prefix = type(self).__name__.lower()
        return np.asarray(
            [f"{prefix}{i}" for i in range(self.max_length_)], dtype=object
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags
