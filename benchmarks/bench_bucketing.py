"""Padding with and without ``group_by_length``, and what it saves in time.

Part one (no training): for the training sets of CMUdict G2P (20,000 words, by
characters to phonemes) and of the built-in tasks, the share of the positions of
the training batches (source and target, as the collate function trims them to
the longest sequence of the batch) that are padding, over one epoch of
``batch_size=32`` batches drawn as ``Seq2SeqTransformer`` draws them, randomly
(``group_by_length=False``) or grouped by length (``True``).

Part two (``--fit``): fit time and test WER on G2P at ``--n-train`` words,
``--epochs`` epochs, for each seed and each of ``--settings`` (random batches,
grouped batches, and random batches with ``input_feeding=False``); one torch thread
per fit.

Run ``python benchmarks/bench_bucketing.py --help``.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np
import torch


def _padding_share(src_len: np.ndarray, trg_len: np.ndarray, grouped: bool) -> float:
    from sklearn_seq2seq._training._net import EpochSampler, LengthGroupedBatches

    batch_size = 32
    if grouped:
        batches = list(LengthGroupedBatches(src_len + trg_len, batch_size, seed=0))
    else:
        order = list(EpochSampler(len(src_len), seed=0))
        batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    padded = total = 0
    for batch in batches:
        for lengths in (src_len[batch], trg_len[batch]):
            width = int(lengths.max())
            total += width * len(batch)
            padded += width * len(batch) - int(lengths.sum())
    return padded / total


def _datasets() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    from sklearn_seq2seq import datasets

    out = {}
    X, _, y, _ = datasets.load_cmudict(n_train=20000, n_test=10)
    out["g2p (cmudict 20k)"] = (
        np.array([len(w) for w in X]),
        np.array([len(p.split()) + 1 for p in y]),  # + <eos>
    )
    for name, make, char in [
        ("numbers", "make_number_words", False),
        ("dates", "make_dates", True),
        ("pig_latin", "make_pig_latin", True),
        ("reversal", "make_reversal", False),
    ]:
        X, _, y, _ = getattr(datasets, make)(n_samples=1000, random_state=0)
        size = len if char else (lambda s: len(s.split()))
        out[name] = (
            np.array([size(x) for x in X]),
            np.array([size(t) + 1 for t in y]),
        )
    return out


SETTINGS: dict[str, dict[str, Any]] = {
    "random": {"group_by_length": False},
    "grouped": {"group_by_length": True},
    "no-feeding": {"group_by_length": False, "input_feeding": False},
}


def _fit(args: tuple) -> dict[str, Any]:
    setting, seed, n_train, epochs = args
    from sklearn_seq2seq import Seq2SeqTransformer
    from sklearn_seq2seq.datasets import load_cmudict
    from sklearn_seq2seq.metrics import sequence_error_rate

    torch.set_num_threads(1)
    X, X_test, y, y_test = load_cmudict(n_train=n_train, n_test=2000)
    model = Seq2SeqTransformer(
        source_analyzer="char",
        max_epochs=epochs,
        random_state=seed,
        device="cpu",
        **SETTINGS[setting],
    )
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    seconds = time.perf_counter() - start
    return {
        "setting": setting,
        "epochs": epochs,
        "seed": seed,
        "fit_s": seconds,
        "wer": 100 * sequence_error_rate(y_test, model.predict(X_test)),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true")
    parser.add_argument("--n-train", type=int, default=5000)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--settings", nargs="+", default=["random", "grouped"])
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    print("share of padded positions in the training batches (batch_size=32)")
    print("data | random batches | grouped by length")
    for name, (src, trg) in _datasets().items():
        print(
            f"{name} | {_padding_share(src, trg, False):.1%} | "
            f"{_padding_share(src, trg, True):.1%}"
        )
    if not args.fit:
        return
    jobs = [
        (setting, seed, args.n_train, args.epochs)
        for seed in args.seeds
        for setting in args.settings
    ]
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        rows = list(pool.map(_fit, jobs))
    if args.json:
        with open(args.json, "w") as file:
            json.dump(rows, file, indent=1)
    print(f"\nG2P, {args.n_train} words, {args.epochs} epochs, defaults, 1 thread")
    print("setting | seed | fit s | WER %")
    for row in rows:
        print(
            f"{row['setting']} | {row['seed']} | {row['fit_s']:.0f} | {row['wer']:.1f}"
        )


if __name__ == "__main__":
    main()
