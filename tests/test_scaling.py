"""Scaling out: grid search on a dask.distributed cluster, threads per worker."""

import os

import joblib
import numpy as np
import pytest
import torch
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from sklearn_seq2seq import Seq2SeqTransformer, SequenceVectorizer, bleu_scorer
from sklearn_seq2seq.datasets import make_reversal


def _search():
    X, _, y, _ = make_reversal(n_samples=60, max_length=4, random_state=0)
    pipe = make_pipeline(
        SequenceVectorizer(),
        Seq2SeqTransformer(hidden_dim=8, max_epochs=2, random_state=0, device="cpu"),
    )
    grid = {
        "seq2seqtransformer__hidden_dim": [8, 16],
        "seq2seqtransformer__decoder": ["simple", "attention"],
    }
    return GridSearchCV(pipe, grid, scoring=bleu_scorer, cv=2), X, y


@pytest.mark.slow  # starts a cluster of worker processes
def test_grid_search_on_a_dask_cluster_equals_the_serial_run():
    """GridSearchCV under joblib's dask backend on a LocalCluster of 2 worker
    processes gives the cv_results_ of the n_jobs=1 run: every fit is seeded by
    its random_state and uses one torch thread (n_jobs=None), wherever it runs, so
    the scores are equal, not just close."""
    distributed = pytest.importorskip("distributed")
    serial, X, y = _search()
    serial.fit(X, y)
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster),
        joblib.parallel_backend("dask"),
    ):
        on_dask, X, y = _search()
        on_dask.fit(X, y)
    np.testing.assert_array_equal(
        on_dask.cv_results_["mean_test_score"], serial.cv_results_["mean_test_score"]
    )
    assert on_dask.best_params_ == serial.best_params_


def test_more_threads_than_cores_warn():
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    X = ["1 2 3", "4 5"] * 8
    model = Seq2SeqTransformer(
        hidden_dim=4, max_epochs=1, random_state=0, device="cpu", n_jobs=cores + 1
    )
    before = torch.get_num_threads()
    with pytest.warns(UserWarning, match="oversubscrib"):
        model.fit(X, X)
    assert torch.get_num_threads() == before
