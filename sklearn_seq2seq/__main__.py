"""Demo: ``python -m sklearn_seq2seq`` trains a seq2seq model on a built-in task.

It fits a :class:`~sklearn_seq2seq.Seq2SeqTransformer` (an attention decoder by
default) on a toy task from :mod:`sklearn_seq2seq.datasets`, shows the epoch table,
prints the test BLEU and exact-match accuracy and some source / prediction / truth
rows, then trains a shorter run of the other decoder ("simple" against "attention")
and prints both side by side. The defaults take about 5-20 s on 2 CPU cores (the
estimators train with one torch thread by default, see their ``n_jobs``).
Run ``python -m sklearn_seq2seq --help`` for the options.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from . import Seq2SeqTransformer
from .datasets import make_number_words, make_pig_latin, make_reversal, make_sorting
from .metrics import sequence_metric
from .nn import DECODERS


@dataclass(frozen=True)
class _Task:
    """A built-in task: how to make its data and how to read its strings."""

    make: Callable[..., tuple[list[str], list[str], list[str], list[str]]]
    description: str
    n_samples: int
    options: dict[str, Any]
    analyzer: str = "word"


TASKS = {
    "number-words": _Task(
        make_number_words,
        "numbers 0..999 written as digits -> English words",
        1000,
        {},
    ),
    "sorting": _Task(
        make_sorting,
        "digit sequences of length 3..6 -> the same digits sorted",
        1000,
        {"min_length": 3, "max_length": 6},
    ),
    "reversal": _Task(
        make_reversal,
        "digit sequences of length 3..6 -> the same digits reversed",
        1000,
        {"min_length": 3, "max_length": 6},
    ),
    "pig-latin": _Task(
        make_pig_latin,
        "English sentences of 1-2 words -> Pig Latin, character by character",
        1000,
        {},
        analyzer="char",
    ),
}


def build_parser() -> argparse.ArgumentParser:
    """The command-line parser of ``python -m sklearn_seq2seq``."""
    parser = argparse.ArgumentParser(
        prog="python -m sklearn_seq2seq",
        description=(
            "Train a sequence-to-sequence model on a built-in toy task, print its test "
            "BLEU and exact-match accuracy with some predictions, and compare it with "
            "a shorter run of the other decoder (simple vs. attention)."
        ),
        epilog=(
            "With the defaults the demo takes about 5-20 s on 2 CPU cores, "
            "depending on load."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--task",
        choices=list(TASKS),
        default="number-words",
        help="built-in task: "
        + "; ".join(f"{name}: {task.description}" for name, task in TASKS.items()),
    )
    parser.add_argument(
        "--decoder", choices=list(DECODERS), default="attention", help="decoder mode"
    )
    parser.add_argument(
        "--epochs", type=_positive_int, default=30, help="training epochs"
    )
    parser.add_argument(
        "--hidden-dim", type=_positive_int, default=64, help="size of the RNN states"
    )
    parser.add_argument(
        "--beam-width",
        type=_positive_int,
        default=1,
        help="beam search width (1 = greedy decoding)",
    )
    parser.add_argument(
        "--n-samples",
        type=_positive_int,
        default=1000,
        help="pairs generated; 80%% train, 20%% test "
        "(number-words has at most 1000: the numbers 0..999)",
    )
    parser.add_argument(
        "--no-compare",
        action="store_true",
        help="skip the comparison run with the other decoder (simple, or attention "
        "when --decoder is simple) for half the epochs",
    )
    parser.add_argument(
        "--random-state",
        type=int,
        default=0,
        help="seed of the data, the split and the training",
    )
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="no epoch table: print the results only",
    )
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid int value: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _exact_match(y_true: Sequence[str], y_pred: Sequence[str]) -> float:
    """Share of predictions equal to their target."""
    return float(
        np.mean([true == pred for true, pred in zip(y_true, y_pred, strict=True)])
    )


def _fit_and_score(
    model: Seq2SeqTransformer,
    X_train: list[str],
    y_train: list[str],
    X_test: list[str],
    y_test: list[str],
) -> tuple[np.ndarray, float, float, float]:
    """Fit, predict the test split; return predictions, BLEU, exact match, fit s."""
    start = time.perf_counter()
    model.fit(X_train, y_train)
    fit_seconds = time.perf_counter() - start
    y_pred = model.predict(X_test)
    return (
        y_pred,
        sequence_metric("bleu", y_test, y_pred, analyzer=model.analyzer),
        _exact_match(y_test, y_pred),
        fit_seconds,
    )


def _print_frame(frame: pd.DataFrame, right: Sequence[str] = ()) -> None:
    """Print a DataFrame without its index; text columns are left-aligned, numeric
    columns and those named in ``right`` right-aligned."""
    columns = []
    for name in frame.columns:
        cells = [str(name), *(str(value) for value in frame[name])]
        width = max(len(cell) for cell in cells)
        if name in right or pd.api.types.is_numeric_dtype(frame[name]):
            columns.append([cell.rjust(width) for cell in cells])
        else:
            columns.append([cell.ljust(width) for cell in cells])
    for line in zip(*columns, strict=True):
        print("  ".join(line).rstrip())


def main(argv: list[str] | None = None) -> int:
    """Run the demo with command-line arguments ``argv`` (default ``sys.argv[1:]``).

    Returns the exit status, 0 on success; invalid arguments exit through argparse
    (status 2).
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    task = TASKS[args.task]
    start = time.perf_counter()

    try:
        X_train, X_test, y_train, y_test = task.make(
            n_samples=args.n_samples, random_state=args.random_state, **task.options
        )
    except ValueError as exc:  # e.g. more samples than the task has
        parser.error(f"--n-samples: {exc}")

    params = {
        "hidden_dim": args.hidden_dim,
        "analyzer": task.analyzer,
        "max_epochs": args.epochs,
        "batch_size": 32,
        "lr": 0.005,
        "beam_width": args.beam_width,
        "random_state": args.random_state,
    }
    model = Seq2SeqTransformer(
        decoder=args.decoder, verbose=0 if args.quiet else 1, **params
    )
    print(f"Task {args.task}: {task.description}")
    print(f"{len(X_train)} training pairs, {len(X_test)} test pairs, e.g.")
    _print_frame(pd.DataFrame({"source": X_train[:3], "target": y_train[:3]}))
    print(
        f"\nTraining Seq2SeqTransformer(decoder={args.decoder!r}, "
        f"hidden_dim={args.hidden_dim}, max_epochs={args.epochs}, "
        f"beam_width={args.beam_width}) ..."
    )
    sys.stdout.flush()
    y_pred, bleu, exact, fit_seconds = _fit_and_score(
        model, X_train, y_train, X_test, y_test
    )
    print(f"\nFitted in {fit_seconds:.1f} s on {model.net_.device}.")
    unit = "characters" if task.analyzer == "char" else "words"
    print(f"Test BLEU ({unit}): {bleu:.2f}")
    correct = np.asarray(y_test, dtype=object) == y_pred
    print(f"Test exact match:  {exact:.1%} ({correct.sum()} of {len(y_test)})")
    rows = pd.DataFrame(
        {
            "source": X_test,
            "prediction": y_pred,
            "truth": y_test,
            "correct": np.where(correct, "yes", "NO"),
        }
    )
    print("\nTest predictions:")
    _print_frame(rows.head(8))
    mistakes = rows.iloc[8:][~correct[8:]].head(5)
    if len(mistakes):
        print("\nSome mistakes further down:")
        _print_frame(mistakes)

    if not args.no_compare:
        # A shorter run of the other decoder (half the epochs) keeps the demo within
        # about a minute; its epochs are in the table so that the budgets are visible.
        other = "simple" if args.decoder != "simple" else "attention"
        other_epochs = max(1, args.epochs // 2)
        print(
            f"\nComparison: training decoder={other!r} for {other_epochs} epochs "
            "(silently) ..."
        )
        sys.stdout.flush()
        other_model = Seq2SeqTransformer(
            decoder=other, verbose=0, **{**params, "max_epochs": other_epochs}
        )
        _, other_bleu, other_exact, other_seconds = _fit_and_score(
            other_model, X_train, y_train, X_test, y_test
        )
        table = pd.DataFrame(
            {
                "decoder": [args.decoder, other],
                "hidden_dim": [args.hidden_dim, args.hidden_dim],
                "epochs": [args.epochs, other_epochs],
                "BLEU": [f"{bleu:.2f}", f"{other_bleu:.2f}"],
                "exact match": [f"{exact:.1%}", f"{other_exact:.1%}"],
                "fit seconds": [f"{fit_seconds:.1f}", f"{other_seconds:.1f}"],
            }
        )
        _print_frame(table, right=["BLEU", "exact match", "fit seconds"])

    print(f"\nTotal time: {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
