"""Subword vocabularies (BPE, WordPiece, Unigram) trained with HuggingFace
``tokenizers``, an optional dependency (``pip install sklearn-seq2seq[subword]``).

One recipe serves the three analyzers, so that each of them gives back the exact
string it read (for the characters it knows):

- no normalizer beyond :class:`tokenizers.normalizers.Prepend`, which puts one
  ``"▁"`` (U+2581) before every non-empty document, so that the first word is
  spelled like the others (``"▁the"``);
- pre-tokenization on whitespace: every other whitespace character (tab, newline)
  is a piece of its own, and spaces become ``"▁"`` starting the word that follows
  (:class:`tokenizers.pre_tokenizers.Metaspace`, as SentencePiece does);
- the model: ``BPE``, ``WordPiece`` (greedy longest match; its pieces carry no
  ``##`` prefix because ``"▁"`` already marks the start of a word) or ``Unigram``;
- the :class:`tokenizers.decoders.Metaspace` decoder turns ``"▁"`` back into spaces
  and drops the one that ``Prepend`` added.

Only the characters of the alphabet are known. A character unseen in training (or
dropped because the vocabulary is too small to hold every character) becomes the
unknown id: one ``"<unk>"`` for that character with BPE and Unigram, one
``"<unk>"`` for the whole word with WordPiece (its rule). The character ``"▁"``
itself in a text reads back as a space.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

SUBWORD_ANALYZERS = ("bpe", "wordpiece", "unigram")
# The subword vocabulary size when max_tokens is None.
DEFAULT_SUBWORD_VOCABULARY = 1000
SPACE = "▁"  # U+2581, SentencePiece's word-start marker
UNKNOWN = "<unk>"


def is_subword(analyzer: Any) -> bool:
    """Whether ``analyzer`` names a subword vocabulary."""
    return isinstance(analyzer, str) and analyzer in SUBWORD_ANALYZERS


def import_tokenizers(analyzer: str) -> Any:
    """The ``tokenizers`` module, or an ImportError that names the extra."""
    try:
        import tokenizers
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            f"analyzer={analyzer!r} trains a subword vocabulary with the HuggingFace "
            "'tokenizers' package, which is not installed: pip install "
            "'sklearn-seq2seq[subword]' (or pip install tokenizers)."
        ) from exc
    return tokenizers


def _alphabet(documents: Sequence[str], size: int) -> set[str]:
    """The ``size`` most frequent characters (ties by character), ``"▁"`` always.

    Chosen here rather than by the trainers' ``limit_alphabet``, which breaks ties in
    hash order: the vocabulary must not depend on the process.
    """
    counts = Counter(char for doc in documents for char in doc.replace(" ", SPACE))
    counts.pop(SPACE, None)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return {SPACE, *(char for char, _ in ranked[: max(0, size - 1)])}


def _tidy_unigram(tokenizer: Any, vocab_size: int, n_specials: int) -> Any:
    """A Unigram model made independent of the process, with ``vocab_size`` ids.

    Its trainer sums probabilities in hash order, so their last bits (and the order
    of tied pieces) change from one process to the next: the log-probabilities are
    rounded to 6 decimals and the pieces sorted by them, ties by piece (and the
    characters it appends with made-up scores get them in sorted order). Then the
    least probable multi-character pieces are dropped while there are more than
    ``vocab_size`` ids (the trainer may return a few more); single characters and
    special tokens stay, so every known character can still be spelled.
    """
    state = json.loads(tokenizer.to_str())
    vocab = state["model"]["vocab"]
    specials, trained = vocab[:n_specials], vocab[n_specials:]
    # The characters the trainer appends last, with made-up decreasing scores, come
    # in hash order: give those scores to the characters in sorted order.
    tail = len(trained)
    while tail > 0 and len(trained[tail - 1][0]) == 1:
        tail -= 1
    scores = sorted((score for _, score in trained[tail:]), reverse=True)
    chars = sorted(piece for piece, _ in trained[tail:])
    trained = trained[:tail] + [list(pair) for pair in zip(chars, scores)]
    pieces = sorted(
        ([piece, round(score, 6)] for piece, score in trained),
        key=lambda entry: (-entry[1], entry[0]),
    )
    excess = n_specials + len(pieces) - vocab_size
    if excess > 0:
        removable = sorted(
            (entry for entry in pieces if len(entry[0]) > 1),
            key=lambda entry: (entry[1], entry[0]),
        )
        dropped = {piece for piece, _ in removable[:excess]}
        pieces = [entry for entry in pieces if entry[0] not in dropped]
    state["model"]["vocab"] = specials + pieces
    return tokenizer.from_str(json.dumps(state))


def train_tokenizer(
    documents: Sequence[str],
    analyzer: str,
    *,
    vocab_size: int | None,
    specials: Sequence[str],
) -> Any:
    """A ``tokenizers.Tokenizer`` trained on ``documents``.

    ``specials`` get ids ``0, 1, ...`` in order (``"<pad>"``, ``"<unk>"``, ...); the
    vocabulary holds at most ``vocab_size`` ids in all (None:
    ``DEFAULT_SUBWORD_VOCABULARY``). When the characters of ``documents`` do not
    all fit, the rarest are left out (read as unknown).
    """
    tokenizers = import_tokenizers(analyzer)
    from tokenizers import Regex, decoders, models, normalizers, pre_tokenizers
    from tokenizers import trainers as trainer_classes

    if vocab_size is None:
        vocab_size = DEFAULT_SUBWORD_VOCABULARY
    n_specials = len(specials)
    if vocab_size <= n_specials:
        raise ValueError(
            f"max_tokens={vocab_size} leaves no room for subwords besides the "
            f"{n_specials} reserved ids {list(specials)}; use max_tokens >= "
            f"{n_specials + 1}."
        )
    alphabet = _alphabet(documents, vocab_size - n_specials)
    if any(char not in alphabet for doc in documents for char in doc if char != " "):
        documents = [
            "".join(char for char in doc if char == " " or char in alphabet)
            for doc in documents
        ]
    special_tokens = list(specials)
    if analyzer == "bpe":
        model = models.BPE(unk_token=UNKNOWN)
        trainer = trainer_classes.BpeTrainer(
            vocab_size=vocab_size, special_tokens=special_tokens, show_progress=False
        )
    elif analyzer == "wordpiece":
        model = models.WordPiece(
            unk_token=UNKNOWN,
            continuing_subword_prefix="",
            max_input_chars_per_word=2**31 - 1,
        )
        trainer = trainer_classes.WordPieceTrainer(
            vocab_size=vocab_size,
            special_tokens=special_tokens,
            continuing_subword_prefix="",
            show_progress=False,
        )
    elif analyzer == "unigram":
        model = models.Unigram()
        trainer = trainer_classes.UnigramTrainer(
            vocab_size=vocab_size,
            special_tokens=special_tokens,
            unk_token=UNKNOWN,
            show_progress=False,
        )
    else:  # pragma: no cover - the parameter constraints prevent it
        raise ValueError(f"Unknown subword analyzer {analyzer!r}.")
    tokenizer = tokenizers.Tokenizer(model)
    tokenizer.normalizer = normalizers.Prepend(SPACE)
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(r"[^\S ]"), behavior="isolated"),
            pre_tokenizers.Metaspace(replacement=SPACE, prepend_scheme="never"),
        ]
    )
    tokenizer.decoder = decoders.Metaspace(replacement=SPACE, prepend_scheme="always")
    tokenizer.train_from_iterator(documents, trainer=trainer)
    if analyzer == "unigram":
        tokenizer = _tidy_unigram(tokenizer, vocab_size, n_specials)
    return tokenizer


def vocabulary(tokenizer: Any) -> list[str]:
    """Every piece of ``tokenizer``, in id order (specials first)."""
    by_id = tokenizer.get_vocab(with_added_tokens=True)
    pieces = [""] * len(by_id)
    for piece, index in by_id.items():
        pieces[index] = piece
    return pieces


def encode_ids(tokenizer: Any, documents: Sequence[str], n_specials: int) -> list:
    """Token ids of each document. Text that spells a special token (``"<pad>"``,
    ...) is read as unknown (id 1), as the word analyzer reads it."""
    encodings = tokenizer.encode_batch(list(documents), add_special_tokens=False)
    return [
        [1 if index < n_specials else index for index in encoding.ids]
        for encoding in encodings
    ]


def encode_pieces(
    tokenizer: Any, documents: Sequence[str], n_specials: int
) -> list[list[str]]:
    """Pieces of each document; unknown characters (or words) are ``"<unk>"``."""
    pieces = vocabulary(tokenizer)
    return [
        [pieces[index] for index in ids]
        for ids in encode_ids(tokenizer, documents, n_specials)
    ]


def decode_pieces(tokenizer: Any, pieces: Sequence[str]) -> str:
    """The text of ``pieces`` (the inverse of :func:`encode_pieces`); ``"<unk>"``
    stays as it is."""
    if not pieces:
        return ""
    return tokenizer.decoder.decode([str(piece) for piece in pieces])


@lru_cache(maxsize=32)
def tokenizer_from_json(state: str) -> Any:
    """A ``Tokenizer`` from its JSON string (``Tokenizer.to_str()``), cached."""
    tokenizers = import_tokenizers("bpe")
    return tokenizers.Tokenizer.from_str(state)
