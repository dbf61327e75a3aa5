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


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow  # starts a scheduler and two workers as separate processes
def test_grid_search_on_a_dask_cli_cluster_equals_the_serial_run(tmp_path):
    """The multi-machine setup, on one machine: a scheduler and two workers started
    with the ``dask`` command line as separate processes, listening on 127.0.0.1
    only, and the search connecting to the scheduler's address; stopped at the
    end."""
    import shutil
    import subprocess
    import sys
    import time

    distributed = pytest.importorskip("distributed")
    dask_cli = shutil.which("dask") or os.path.join(
        os.path.dirname(sys.executable), "dask"
    )
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    common = {
        "stdout": subprocess.DEVNULL,
        "stderr": subprocess.STDOUT,
        "cwd": tmp_path,
    }
    processes = [
        subprocess.Popen(
            [
                dask_cli,
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-dashboard",
            ],
            **common,
        )
    ]
    try:
        for _ in range(2):
            processes.append(
                subprocess.Popen(
                    [
                        dask_cli,
                        "worker",
                        address,
                        "--host",
                        "127.0.0.1",
                        "--nthreads",
                        "1",
                        "--nworkers",
                        "1",
                        "--no-dashboard",
                    ],
                    **common,
                )
            )
        serial, X, y = _search()
        serial.fit(X, y)
        with distributed.Client(address, timeout=60) as client:
            deadline = time.monotonic() + 90
            while len(client.scheduler_info()["workers"]) < 2:
                assert time.monotonic() < deadline, "the workers did not connect"
                time.sleep(0.5)
            with joblib.parallel_backend("dask"):
                on_dask, X, y = _search()
                on_dask.fit(X, y)
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
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
