"""Regularisation settings on the built-in tasks: do they help beyond G2P?

``benchmarks/bench_g2p.py`` measures dropout, a bidirectional encoder, label
smoothing and checkpoint selection on real data (CMUdict). A default must also hold
on the small synthetic tasks users start with, so this script fits
``Seq2SeqTransformer(hidden_dim=64, max_epochs=EPOCHS, **setting)`` on 1000 pairs of
each built-in task (800 train, 200 test, the analyzer each task documents), for every
setting of ``SETTINGS`` and several random states, and prints the test exact match
per task and setting (mean, min and max over the seeds), then the mean over tasks.

Run ``python benchmarks/bench_regularisation.py --help``; ``--jobs`` fits in
parallel processes, one torch thread each.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from typing import Any

SETTINGS: dict[str, dict[str, Any]] = {
    "none": {},
    "bi": {"bidirectional": True},
    "drop0.2": {"dropout": 0.2},
    "bi-drop0.2": {"bidirectional": True, "dropout": 0.2},
    "bi-drop0.3": {"bidirectional": True, "dropout": 0.3},
    "bi-drop0.3-best": {
        "bidirectional": True,
        "dropout": 0.3,
        "early_stopping": True,
        "n_iter_no_change": 1000,
    },
    "grouped": {"group_by_length": True},
    "no-feeding": {"input_feeding": False},
    "transformer": {"architecture": "transformer"},
    "transformer-drop0.1": {"architecture": "transformer", "dropout": 0.1},
}
TASKS = {
    "numbers": ("make_number_words", "word"),
    "sorting": ("make_sorting", "word"),
    "reversal": ("make_reversal", "word"),
    "pig_latin": ("make_pig_latin", "char"),
    "dates": ("make_dates", "char"),
    # Long, variable-length sequences: 3 to 40 tokens (not in the default run).
    "long_reversal": ("make_reversal", "word"),
}
TASK_OPTIONS: dict[str, dict[str, Any]] = {
    "long_reversal": {"n_samples": 3000, "min_length": 3, "max_length": 40},
}
DEFAULT_TASKS = ["numbers", "sorting", "reversal", "pig_latin", "dates"]


def _fit_one(args: tuple) -> dict[str, Any]:
    task, setting, seed, epochs = args
    import torch

    from sklearn_seq2seq import Seq2SeqTransformer, datasets
    from sklearn_seq2seq.metrics import exact_match_score

    torch.set_num_threads(1)
    make, analyzer = TASKS[task]
    options = {"n_samples": 1000, **TASK_OPTIONS.get(task, {})}
    X_train, X_test, y_train, y_test = getattr(datasets, make)(
        random_state=0, **options
    )
    model = Seq2SeqTransformer(
        analyzer=analyzer,
        hidden_dim=64,
        max_epochs=epochs,
        random_state=seed,
        device="cpu",
        **SETTINGS[setting],
    )
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X_train, y_train)
    return {
        "task": task,
        "setting": setting,
        "seed": seed,
        "exact_match": exact_match_score(y_test, model.predict(X_test)),
        "fit_s": time.perf_counter() - start,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", nargs="+", default=list(SETTINGS))
    parser.add_argument("--tasks", nargs="+", default=DEFAULT_TASKS, choices=TASKS)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    tasks = [
        (task, setting, seed, args.epochs)
        for seed in args.seeds
        for task in args.tasks
        for setting in args.settings
    ]
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        rows = list(pool.map(_fit_one, tasks))
    if args.json:
        with open(args.json, "w") as file:
            json.dump(rows, file, indent=1)
    print(
        f"test exact match (20 % of the pairs), {args.epochs} epochs, "
        f"seeds {args.seeds}"
    )
    print("setting | " + " | ".join(args.tasks) + " | mean")
    for setting in args.settings:
        cells, means = [], []
        for task in args.tasks:
            scores = [
                r["exact_match"]
                for r in rows
                if r["task"] == task and r["setting"] == setting
            ]
            mean = sum(scores) / len(scores)
            means.append(mean)
            cells.append(f"{mean:.3f} ({min(scores):.3f}-{max(scores):.3f})")
        overall = sum(means) / len(means)
        print(f"{setting} | " + " | ".join(cells) + f" | {overall:.3f}")


if __name__ == "__main__":
    main()
