"""Word-level against subword vocabularies on a task with a large vocabulary.

The task: sentences of four or five words drawn from a synthetic lexicon of 3 600 words
(every word of two or three syllables from 15 syllables, "kalo", "mineru", ...);
the target is the sentence with its words in reverse order. Most words are rare,
and a share of the test words (printed) never occurs in training, so a word-level
model (one id per training word) can only answer ``<unk>`` for them, while a
subword model spells them with pieces it has learned.

For each analyzer ("word", "bpe", "unigram", "wordpiece") one
``Seq2SeqTransformer`` with the same network and the same number of epochs is
trained; the script reports the source and target vocabulary sizes, the share of
test words unseen in training, corpus BLEU over words (``bleu_score`` with the
effective order, what ``bleu_scorer`` computes), chrF and exact match on the test
set, and the training time.

Usage::

    python benchmarks/bench_subwords.py [--epochs N] [--n-train N]
                                        [--analyzers word bpe] [--rst]

With the defaults it runs in well under two minutes on a 2-core CPU.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import random
import time

import torch

from sklearn_seq2seq import (
    Seq2SeqTransformer,
    bleu_score,
    chrf_score,
    exact_match_score,
)

SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "po", "si", "de", "fu"]
SYLLABLES += ["ga", "ho", "ji", "be", "vo"]


def make_lexicon_reversal(
    n_train: int, n_test: int, seed: int = 0
) -> tuple[list[str], list[str], list[str], list[str]]:
    """Sentences of 4-5 words from a 3 600-word lexicon; target: words reversed."""
    lexicon = [
        "".join(parts)
        for length in (2, 3)
        for parts in itertools.product(SYLLABLES, repeat=length)
    ]
    rng = random.Random(seed)
    X = [
        " ".join(rng.choices(lexicon, k=rng.randint(4, 5)))
        for _ in range(n_train + n_test)
    ]
    y = [" ".join(reversed(x.split())) for x in X]
    return X[:n_train], X[n_train:], y[:n_train], y[n_train:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--n-train", type=int, default=2000)
    parser.add_argument("--n-test", type=int, default=300)
    parser.add_argument("--max-tokens", type=int, default=200)
    parser.add_argument(
        "--analyzers", nargs="+", default=["word", "bpe", "unigram", "wordpiece"]
    )
    parser.add_argument("--rst", action="store_true", help="reStructuredText table")
    args = parser.parse_args()
    torch.set_num_threads(1)

    X_train, X_test, y_train, y_test = make_lexicon_reversal(args.n_train, args.n_test)
    seen = {word for x in X_train for word in x.split()}
    test_words = [word for x in X_test for word in x.split()]
    unseen = sum(word not in seen for word in test_words) / len(test_words)
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"torch {torch.__version__}, 1 thread; {args.n_train} training and "
        f"{args.n_test} test sentences, {len(seen)} distinct training words, "
        f"{unseen:.0%} of the test words unseen in training; {args.epochs} epochs"
    )
    rows = []
    for analyzer in args.analyzers:
        model = Seq2SeqTransformer(
            analyzer=analyzer,
            max_tokens=None if analyzer == "word" else args.max_tokens,
            hidden_dim=64,
            max_epochs=args.epochs,
            batch_size=64,
            lr=0.005,
            random_state=0,
            device="cpu",
        )
        start = time.perf_counter()
        model.fit(X_train, y_train)
        seconds = time.perf_counter() - start
        y_pred = model.predict(X_test)
        rows.append(
            (
                analyzer,
                model.source_codec_.vocab_size,
                model.target_codec_.vocab_size,
                bleu_score(y_test, y_pred, effective_order=True),
                chrf_score(y_test, y_pred),
                100 * exact_match_score(y_test, y_pred),
                seconds,
            )
        )
        print(f"  {analyzer}: {y_test[0]!r} -> {y_pred[0]!r}", flush=True)
    header = ("analyzer", "X vocab", "y vocab", "BLEU", "chrF", "exact %", "fit s")
    if args.rst:
        print(".. list-table::\n   :header-rows: 1\n")
        for row in [header, *rows]:
            cells = [
                f"{value:.1f}" if isinstance(value, float) else str(value)
                for value in row
            ]
            print("   * - " + "\n     - ".join(cells))
        return
    print("".join(f"{name:>10}" for name in header))
    for row in rows:
        print(
            "".join(
                f"{value:>10.1f}" if isinstance(value, float) else f"{value:>10}"
                for value in row
            )
        )


if __name__ == "__main__":
    main()
