"""How the cost of one epoch and of prediction grows with the data, the sequence
length and the model size.

For the RNN attention model (the default) and ``architecture="transformer"``, on
random reversal pairs (tokens from a 50-symbol vocabulary), one torch thread:

- seconds per training epoch and the process's peak resident memory (``ru_maxrss``,
  so each point runs in a fresh process), along three axes from a base point of
  ``--pairs`` pairs, length ``--length`` and ``hidden_dim=--hidden``: the number of
  pairs, the sequence length and ``hidden_dim``;
- prediction throughput (sequences per second), greedy and beam search (width 4),
  on 500 sequences of the same points.

``python benchmarks/bench_cost_growth.py --help``; ``--quick`` runs a small grid.
The table says, per axis, the growth exponent between consecutive points
(``log(t2 / t1) / log(x2 / x1)``: 1 is linear, 2 quadratic).
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np


def _pairs(n: int, length: int, seed: int = 0) -> tuple[list[str], list[str]]:
    rng = np.random.default_rng(seed)
    # Lengths between length/2 and length: variable, as real data is.
    sizes = rng.integers(max(1, length // 2), length + 1, size=n)
    X = [" ".join(f"t{t}" for t in rng.integers(0, 50, size=s)) for s in sizes]
    return X, [" ".join(reversed(x.split())) for x in X]


def _point(args: tuple) -> dict[str, Any]:
    architecture, pairs, length, hidden = args
    import torch

    from sklearn_seq2seq import Seq2SeqTransformer

    torch.set_num_threads(1)
    X, y = _pairs(pairs, length)
    params: dict[str, Any] = dict(
        hidden_dim=hidden, max_epochs=1, batch_size=32, random_state=0, device="cpu"
    )
    if architecture == "transformer":
        params.update(architecture="transformer", n_heads=4)
    model = Seq2SeqTransformer(**params)
    start = time.perf_counter()
    model.fit(X, y)
    epoch_s = time.perf_counter() - start
    X_pred = X[:500]
    rates = {}
    for name, extra in (("greedy", {}), ("beam", {"beam_width": 4})):
        model.set_params(**extra)
        start = time.perf_counter()
        model.predict(X_pred)
        rates[name] = len(X_pred) / (time.perf_counter() - start)
    return {
        "architecture": architecture,
        "pairs": pairs,
        "length": length,
        "hidden_dim": hidden,
        "epoch_s": epoch_s,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "greedy_per_s": rates["greedy"],
        "beam_per_s": rates["beam"],
    }


def _grid(args: argparse.Namespace) -> list[tuple]:
    points = set()
    for architecture in args.architectures:
        base = (architecture, args.pairs, args.length, args.hidden)
        for pairs in args.pairs_axis:
            points.add((architecture, pairs, args.length, args.hidden))
        for length in args.length_axis:
            points.add((architecture, args.pairs, length, args.hidden))
        for hidden in args.hidden_axis:
            points.add((architecture, args.pairs, args.length, hidden))
        points.add(base)
    return sorted(points)


def _table(rows: list[dict], args: argparse.Namespace) -> None:
    axes = [
        ("pairs", args.pairs_axis, {"length": args.length, "hidden_dim": args.hidden}),
        ("length", args.length_axis, {"pairs": args.pairs, "hidden_dim": args.hidden}),
        ("hidden_dim", args.hidden_axis, {"pairs": args.pairs, "length": args.length}),
    ]
    for architecture in args.architectures:
        for axis, values, fixed in axes:
            print(f"\n{architecture}: {axis} (others: {fixed})")
            print(f"{axis} | s/epoch | growth | peak MiB | greedy seq/s | beam seq/s")
            previous = None
            for value in values:
                row = next(
                    r
                    for r in rows
                    if r["architecture"] == architecture
                    and r[axis] == value
                    and all(r[k] == v for k, v in fixed.items())
                )
                growth = ""
                if previous is not None:
                    ratio = row["epoch_s"] / previous["epoch_s"]
                    growth = f"{math.log(ratio) / math.log(value / previous[axis]):.2f}"
                print(
                    f"{value} | {row['epoch_s']:.2f} | {growth} | "
                    f"{row['peak_mib']:.0f} | {row['greedy_per_s']:.0f} | "
                    f"{row['beam_per_s']:.0f}"
                )
                previous = row


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--architectures", nargs="+", default=["rnn", "transformer"])
    parser.add_argument("--pairs", type=int, default=4000)
    parser.add_argument("--length", type=int, default=20)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument(
        "--pairs-axis", nargs="+", type=int, default=[1000, 4000, 16000, 64000]
    )
    parser.add_argument("--length-axis", nargs="+", type=int, default=[10, 20, 40, 80])
    parser.add_argument(
        "--hidden-axis", nargs="+", type=int, default=[32, 64, 128, 256, 512]
    )
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    if args.quick:
        args.pairs, args.length, args.hidden = 500, 10, 16
        args.pairs_axis, args.length_axis, args.hidden_axis = (
            [250, 500],
            [5, 10],
            [
                16,
                32,
            ],
        )
    points = _grid(args)
    # A fresh process per point: ru_maxrss is the peak of that point alone.
    with ProcessPoolExecutor(max_workers=args.jobs, max_tasks_per_child=1) as pool:
        rows = list(pool.map(_point, points))
    if args.json:
        with open(args.json, "w") as file:
            json.dump(rows, file, indent=1)
    _table(rows, args)


if __name__ == "__main__":
    main()
