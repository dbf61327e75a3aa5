"""Vocabularies: the special tokens and their ids, and learning and applying a
vocabulary. Used by :class:`~sklearn_seq2seq.SequenceVectorizer` and by the
estimators' encoders alike, so that both number tokens the same way.

Ids 0 and 1 are padding and unknown everywhere; targets add ``<bos>`` (2) and
``<eos>`` (3) before the learned tokens.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any, Literal

import numpy as np

PAD_INDEX, UNK_INDEX, BOS_INDEX, EOS_INDEX = 0, 1, 2, 3
PAD_TOKEN, UNK_TOKEN, BOS_TOKEN, EOS_TOKEN = "<pad>", "<unk>", "<bos>", "<eos>"
SOURCE_SPECIALS = (PAD_TOKEN, UNK_TOKEN)
TARGET_SPECIALS = (PAD_TOKEN, UNK_TOKEN, BOS_TOKEN, EOS_TOKEN)


def sort_tokens_by_frequency(counts: Mapping[Hashable, int]) -> list[Hashable]:
    """Order tokens by descending count, ties by ascending token.

    Tokens of one type are compared directly; mixed or unorderable tokens are
    compared by ``(type name, repr)``, so the order never depends on the order in
    which tokens were counted.

    Parameters
    ----------
    counts : mapping of hashable to int
        Token counts.

    Returns
    -------
    tokens : list of hashable
        The tokens of `counts`, most frequent first.

    Examples
    --------
    >>> from sklearn_seq2seq.preprocessing import sort_tokens_by_frequency
    >>> sort_tokens_by_frequency({"b": 2, "c": 1, "a": 2})
    ['a', 'b', 'c']
    """
    items = list(counts.items())
    if len({type(token) for token, _ in items}) <= 1:
        try:
            return [token for token, _ in sorted(items, key=lambda kv: (-kv[1], kv[0]))]
        except TypeError:
            pass
    items.sort(key=lambda kv: (-kv[1], type(kv[0]).__name__, repr(kv[0])))
    return [token for token, _ in items]


def pad_sequences(
    sequences: Sequence[Sequence[int]],
    max_length: int,
    *,
    padding: Literal["post", "pre"] = "post",
    truncating: Literal["post", "pre"] = "post",
    pad_index: int = PAD_INDEX,
    dtype: Any = np.int64,
) -> np.ndarray:
    """Pad or truncate id sequences into a 2-D array.

    Parameters
    ----------
    sequences : sequence of sequences of int
        Token ids, one sequence per sample.
    max_length : int
        Number of columns of the result.
    padding : {"post", "pre"}, default="post"
        Pad at the end (``"post"``) or at the start (``"pre"``).
    truncating : {"post", "pre"}, default="post"
        Drop ids at the end (``"post"``) or at the start (``"pre"``) of sequences
        longer than `max_length`.
    pad_index : int, default=0
        Padding id.
    dtype : dtype, default=np.int64
        Integer dtype of the result.

    Returns
    -------
    ids : ndarray of shape (len(sequences), max_length)
        The padded ids.

    Examples
    --------
    >>> from sklearn_seq2seq.preprocessing import pad_sequences
    >>> pad_sequences([[5, 6, 7], [8]], 2, padding="pre", truncating="pre")
    array([[6, 7],
           [0, 8]])
    """
    out = np.full((len(sequences), max_length), pad_index, dtype=dtype)
    for row, ids in enumerate(sequences):
        if len(ids) > max_length:
            ids = ids[:max_length] if truncating == "post" else ids[-max_length:]
        if len(ids) == 0:
            continue
        if padding == "post":
            out[row, : len(ids)] = ids
        else:
            out[row, max_length - len(ids) :] = ids
    return out


def learn_vocabulary(
    sequences: Iterable[Iterable[Hashable]],
    *,
    reserved: Iterable[Hashable] = (),
    min_frequency: int = 1,
    max_tokens: int | None = None,
) -> list[Hashable]:
    """The tokens of ``sequences`` to number after the special tokens.

    Most frequent first, ties by token (:func:`sort_tokens_by_frequency`), so the
    result does not depend on the order of the sequences; tokens seen fewer than
    ``min_frequency`` times and the ``reserved`` strings are left out, and at most
    ``max_tokens`` are kept.
    """
    counts = Counter(token for tokens in sequences for token in tokens)
    for token in reserved:
        counts.pop(token, None)
    kept = {token: n for token, n in counts.items() if n >= min_frequency}
    tokens = sort_tokens_by_frequency(kept)
    return tokens if max_tokens is None else tokens[:max_tokens]


def to_ids(
    sequences: Iterable[Iterable[Hashable]], vocabulary: Mapping[Hashable, int]
) -> list[list[int]]:
    """Token ids of each sequence; tokens not in ``vocabulary`` get ``UNK_INDEX``."""
    return [[vocabulary.get(token, UNK_INDEX) for token in seq] for seq in sequences]


def strip_padding(ids: np.ndarray) -> list[list[int]]:
    """The ids of each row of a 2-D id array without padding (``PAD_INDEX``
    wherever it is), in order."""
    return [row[row != PAD_INDEX].tolist() for row in ids]
