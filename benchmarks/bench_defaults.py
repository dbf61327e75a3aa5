"""Do the default learning settings train every decoder, size and cell?

Trains the grid users search (``decoder`` x ``hidden_dim`` x ``cell``) at several
learning rates on two built-in tasks, and prints one table row per fit: the test
score and whether training diverged (non-finite loss, or a ConvergenceWarning from
the estimator). The long-sequence task also trains a hand-written PyTorch GRU
classifier (``--baseline-hidden-dim``, 128 by default) for the same epochs and batch
size, as a reference: run ``--decoders attention --hidden-dims 128 --cells gru`` (the
defaults otherwise) to compare the attention classifier at 128 units with it.

- ``waveforms``: :func:`~sklearn_seq2seq.datasets.make_waveforms` (40 steps of one
  float, 10 classes) with :class:`~sklearn_seq2seq.Seq2SeqClassifier`; accuracy.
- ``numbers``: :func:`~sklearn_seq2seq.datasets.make_number_words` read backwards
  (words -> digits) with :class:`~sklearn_seq2seq.Seq2SeqTransformer`; exact match.

Run ``python benchmarks/bench_defaults.py --help``; ``--jobs`` fits in parallel
processes (on one GPU, too). The hand-written GRU starts first, then the grid cell by
cell (all of ``--cells``' first cell, then the second, ...), so a run cut short keeps
whole cells; rows are printed as the fits finish.
"""

from __future__ import annotations

import argparse
import itertools
import time
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed

import numpy as np


def _fit_one(args: tuple) -> dict:
    task, decoder, hidden_dim, cell, lr, epochs, device, n_samples = args
    import torch
    from sklearn.exceptions import ConvergenceWarning

    from sklearn_seq2seq import Seq2SeqClassifier, Seq2SeqTransformer
    from sklearn_seq2seq.datasets import make_number_words, make_waveforms
    from sklearn_seq2seq.metrics import exact_match_score

    torch.set_num_threads(1)
    kwargs = dict(
        decoder=decoder,
        hidden_dim=hidden_dim,
        cell=cell,
        max_epochs=epochs,
        random_state=0,
        device=device,
    )
    if lr is not None:
        kwargs["lr"] = lr
    if task == "waveforms":
        X_train, X_test, y_train, y_test = make_waveforms(n_samples=n_samples)
        model = Seq2SeqClassifier(**kwargs)
    else:
        y_train, y_test, X_train, X_test = make_number_words(n_samples=n_samples)
        model = Seq2SeqTransformer(**kwargs)
    start = time.perf_counter()
    diverged = "no"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        try:
            model.fit(X_train, y_train)
        except ValueError as error:
            if "diverged" not in str(error):
                raise
            diverged = "nan"
    if any(issubclass(w.category, ConvergenceWarning) for w in caught):
        diverged = "unstable"
    score = float("nan")
    if diverged != "nan":
        y_pred = model.predict(X_test)
        score = (
            float(np.mean(y_pred == y_test))
            if task == "waveforms"
            else exact_match_score(y_test, y_pred)
        )
    return dict(
        task=task,
        decoder=decoder,
        hidden_dim=hidden_dim,
        cell=cell,
        lr=model.lr_ if hasattr(model, "lr_") else model.lr or 0.0,
        score=score,
        diverged=diverged,
        seconds=time.perf_counter() - start,
    )


def _hand_written_gru(args: tuple) -> dict:
    """A plain GRU(hidden) -> linear classifier, Adam, the same epochs and batch."""
    hidden_dim, epochs, device, n_samples = args
    import torch

    from sklearn_seq2seq.datasets import make_waveforms

    torch.set_num_threads(1)
    torch.manual_seed(0)
    X_train, X_test, y_train, y_test = make_waveforms(n_samples=n_samples)
    X = torch.as_tensor(X_train).unsqueeze(2).to(device)
    y = torch.as_tensor(y_train).to(device)
    gru = torch.nn.GRU(1, hidden_dim, batch_first=True).to(device)
    head = torch.nn.Linear(hidden_dim, 10).to(device)
    params = [*gru.parameters(), *head.parameters()]
    optimizer = torch.optim.Adam(params, lr=1e-3)
    start = time.perf_counter()
    for _ in range(epochs):
        for index in torch.randperm(len(X), device=device).split(32):
            _, h = gru(X[index])
            loss = torch.nn.functional.cross_entropy(head(h[-1]), y[index])
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
    with torch.no_grad():
        _, h = gru(torch.as_tensor(X_test).unsqueeze(2).to(device))
        pred = head(h[-1]).argmax(1).cpu().numpy()
    return dict(
        task="waveforms",
        decoder="hand-written GRU",
        hidden_dim=hidden_dim,
        cell="gru",
        lr=1e-3,
        score=float(np.mean(pred == y_test)),
        diverged="-",
        seconds=time.perf_counter() - start,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", nargs="+", default=["waveforms", "numbers"])
    parser.add_argument(
        "--decoders", nargs="+", default=["simple", "feedback", "peek", "attention"]
    )
    parser.add_argument(
        "--hidden-dims", nargs="+", type=int, default=[16, 64, 128, 256]
    )
    parser.add_argument("--cells", nargs="+", default=["gru", "lstm", "rnn"])
    parser.add_argument(
        "--lrs",
        nargs="+",
        type=float,
        default=None,
        help="default: the estimators' default lr",
    )
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--n-samples", type=int, default=3000)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument(
        "--baseline-hidden-dim",
        type=int,
        default=128,
        help="units of the hand-written GRU classifier (waveforms); 0: none",
    )
    args = parser.parse_args(argv)
    lrs = args.lrs or [None]
    jobs = [
        (
            task,
            decoder,
            hidden_dim,
            cell,
            lr,
            args.epochs,
            args.device,
            min(args.n_samples, 1000) if task == "numbers" else args.n_samples,
        )
        for task, cell, decoder, hidden_dim, lr in itertools.product(
            args.tasks, args.cells, args.decoders, args.hidden_dims, lrs
        )
    ]
    baselines = (
        [(args.baseline_hidden_dim, args.epochs, args.device, args.n_samples)]
        if "waveforms" in args.tasks and args.baseline_hidden_dim > 0
        else []
    )
    print("| task | decoder | hidden_dim | cell | lr | score | diverged | seconds |")
    print("|---|---|---|---|---|---|---|---|", flush=True)
    with ProcessPoolExecutor(args.jobs) as pool:
        # The reference first (it is quick), then the grid cell by cell.
        futures = [pool.submit(_hand_written_gru, job) for job in baselines]
        futures += [pool.submit(_fit_one, job) for job in jobs]
        for future in as_completed(futures):
            print(
                "| {task} | {decoder} | {hidden_dim} | {cell} | {lr:g} | "
                "{score:.3f} | {diverged} | {seconds:.0f} |".format(**future.result()),
                flush=True,
            )


if __name__ == "__main__":
    main()
