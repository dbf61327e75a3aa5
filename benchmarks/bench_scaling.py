"""The same grid search run serially, on local processes and on a dask cluster.

``python benchmarks/bench_scaling.py`` times ``GridSearchCV`` over 8 configurations
(``hidden_dim`` [16, 32] x ``decoder`` [simple, feedback, peek, attention], cv=3,
scoring=bleu_scorer) on :func:`~sklearn_seq2seq.datasets.make_reversal`, with
``n_jobs=1``, ``n_jobs=2`` (joblib's local processes) and a 2-worker
``dask.distributed.LocalCluster`` (``threads_per_worker=1``) through joblib's dask
backend, and checks that the three give the same ``cv_results_``. Every fit uses one
torch thread (the estimators' ``n_jobs=None``).
"""

from __future__ import annotations

import os
import time

import joblib
import numpy as np
from sklearn.model_selection import GridSearchCV

from sklearn_seq2seq import Seq2SeqTransformer, bleu_scorer
from sklearn_seq2seq.datasets import make_reversal

GRID = {
    "hidden_dim": [16, 32],
    "decoder": ["simple", "feedback", "peek", "attention"],
}


def search(n_jobs: int | None) -> GridSearchCV:
    model = Seq2SeqTransformer(max_epochs=10, random_state=0, device="cpu")
    return GridSearchCV(model, GRID, scoring=bleu_scorer, cv=3, n_jobs=n_jobs)


def main() -> None:
    from distributed import Client, LocalCluster

    X, _, y, _ = make_reversal(n_samples=600, random_state=0)
    rows, scores = [], {}
    for name, n_jobs in (("n_jobs=1", None), ("n_jobs=2 (processes)", 2)):
        start = time.perf_counter()
        scores[name] = search(n_jobs).fit(X, y).cv_results_["mean_test_score"]
        rows.append((name, time.perf_counter() - start))
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster),
    ):
        start = time.perf_counter()
        with joblib.parallel_backend("dask"):
            scores["dask, 2 workers"] = (
                search(None).fit(X, y).cv_results_["mean_test_score"]
            )
        rows.append(("dask, 2 workers", time.perf_counter() - start))
    print(f"{os.cpu_count()} CPU cores; 8 configurations x 3 folds = 24 fits")
    print("| run | seconds | same cv_results_ as n_jobs=1 |")
    print("|---|---|---|")
    for name, seconds in rows:
        same = np.array_equal(scores[name], scores["n_jobs=1"])
        print(f"| {name} | {seconds:.1f} | {'yes' if same else 'NO'} |")


if __name__ == "__main__":
    main()
