"""Training on a million pairs: ``fit`` on data in memory vs ``partial_fit`` on chunks.

Each configuration runs in a fresh Python process, so that its peak resident memory
(``ru_maxrss``) is its own. The task is sorting short digit sequences ("3 1 2" ->
"1 2 3", 3 to 8 digits), generated chunk by chunk in code: ``fit`` needs all pairs
as one list, ``partial_fit`` holds one chunk at a time. Both train one epoch over
the same pairs in the same order of chunks; the table gives the peak memory, the
memory of the interpreter with the package and PyTorch imported (the floor), the
training time and the exact match on 2,000 new pairs.

Run ``python benchmarks/bench_large_data.py`` (about 5 minutes on 2 cores with the
defaults; ``--n-samples 100000`` for a quick look).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Iterator

import numpy as np


def sorting_pairs(n_samples: int, *, random_state: int) -> tuple[list[str], list[str]]:
    """``n_samples`` random digit sequences (3 to 8 digits) and their sorted form."""
    rng = np.random.default_rng(random_state)
    lengths = rng.integers(3, 9, n_samples).tolist()
    digits = rng.integers(0, 10, (n_samples, 8))
    X = [" ".join(map(str, row[:n])) for row, n in zip(digits.tolist(), lengths)]
    y = [" ".join(sorted(x.split())) for x in X]
    return X, y


def chunks(
    n_samples: int, chunk_size: int, *, random_state: int = 0
) -> Iterator[tuple[list[str], list[str]]]:
    """The training pairs, ``chunk_size`` at a time, each chunk made when needed."""
    for i, start in enumerate(range(0, n_samples, chunk_size)):
        yield sorting_pairs(
            min(chunk_size, n_samples - start), random_state=random_state + i
        )


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB (Linux: KiB units)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(mode: str, n_samples: int, chunk_size: int, hidden_dim: int) -> dict:
    """Train one epoch with ``mode`` ("fit" or "partial_fit"); measure it."""
    from sklearn_seq2seq import Seq2SeqTransformer, exact_match_score

    floor = peak_rss_mb()
    model = Seq2SeqTransformer(
        hidden_dim=hidden_dim, batch_size=256, max_epochs=1, random_state=0
    )
    start = time.perf_counter()
    if mode == "fit":
        parts = list(chunks(n_samples, chunk_size))
        X = [x for X_chunk, _ in parts for x in X_chunk]
        y = [t for _, y_chunk in parts for t in y_chunk]
        del parts
        model.fit(X, y)
        del X, y
    else:
        for X_chunk, y_chunk in chunks(n_samples, chunk_size):
            model.partial_fit(X_chunk, y_chunk)
    seconds = time.perf_counter() - start
    X_test, y_test = sorting_pairs(2000, random_state=10**6)
    return {
        "mode": mode,
        "n_samples": n_samples,
        "chunk_size": chunk_size,
        "peak_rss_mb": peak_rss_mb(),
        "floor_rss_mb": floor,
        "train_s": seconds,
        "exact_match": exact_match_score(y_test, model.predict(X_test)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n-samples", type=int, default=1_000_000)
    parser.add_argument("--chunk-size", type=int, default=100_000)
    parser.add_argument("--hidden-dim", type=int, default=32)
    parser.add_argument("--modes", nargs="+", default=["fit", "partial_fit"])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = run(args.child, args.n_samples, args.chunk_size, args.hidden_dim)
        print(json.dumps(result))
        return
    rows = []
    for mode in args.modes:
        command = [
            sys.executable,
            __file__,
            "--child",
            mode,
            "--n-samples",
            str(args.n_samples),
            "--chunk-size",
            str(args.chunk_size),
            "--hidden-dim",
            str(args.hidden_dim),
        ]
        out = subprocess.run(command, capture_output=True, text=True, check=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(
        f"{'mode':<12} {'pairs':>9} {'chunk':>8} {'peak MiB':>9} {'floor MiB':>9} "
        f"{'train s':>8} {'exact match':>11}"
    )
    for row in rows:
        chunk = row["chunk_size"] if row["mode"] == "partial_fit" else "-"
        print(
            f"{row['mode']:<12} {row['n_samples']:>9,} {chunk!s:>8} "
            f"{row['peak_rss_mb']:>9.0f} {row['floor_rss_mb']:>9.0f} "
            f"{row['train_s']:>8.1f} {row['exact_match']:>11.3f}"
        )


if __name__ == "__main__":
    main()
