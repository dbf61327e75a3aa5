"""Data-parallel training for real: two processes on this machine (PyTorch's gloo
backend on the CPU, launched by ``torchrun``) train as one process does with the
whole batch, end with identical weights, print and save once; a failing process
ends the job with its error instead of a hang.

``tests/distributed/fit_tiny.py`` does the fitting; it fits both estimators with
both architectures, with validation data, per-process batch 4 under two
processes and batch 8 in one.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("accelerate")

SCRIPT = Path(__file__).parent / "distributed" / "fit_tiny.py"
TORCHRUN = shutil.which("torchrun") or str(Path(sys.executable).parent / "torchrun")
pytestmark = pytest.mark.slow


def _torchrun(*args, timeout=240):
    return subprocess.run(
        [TORCHRUN, "--standalone", "--nproc_per_node", "2", str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    two, one = tmp_path_factory.mktemp("two"), tmp_path_factory.mktemp("one")
    launched = _torchrun("4", str(two))
    assert launched.returncode == 0, launched.stdout[-3000:] + launched.stderr[-3000:]
    single = subprocess.run(
        [sys.executable, str(SCRIPT), "8", str(one)],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert single.returncode == 0, single.stderr[-3000:]
    ranks = [json.loads((two / f"rank{r}.json").read_text()) for r in (0, 1)]
    return ranks, json.loads((one / "rank0.json").read_text()), launched, two


def test_each_process_is_one_of_two(runs):
    ranks, single, _, _ = runs
    assert [r["world"] for r in ranks] == [2, 2]
    assert single["world"] == 1


def test_two_processes_train_as_one_with_the_whole_batch(runs):
    ranks, single, _, _ = runs
    for name, expected in single["results"].items():
        if name == "seq2seq-grouped":
            continue
        got = ranks[0]["results"][name]
        for curve in ("train_loss", "valid_loss"):
            np.testing.assert_allclose(
                got[curve], expected[curve], rtol=1e-5, err_msg=f"{name} {curve}"
            )
        assert got["predictions"] == expected["predictions"], name


def test_each_process_reads_its_share_of_every_epoch(runs):
    """32 training pairs: 4 batches of 8 in one process, 4 of 4 in each of two
    (accelerate shards the package's batch dataset, sampler and collate), with
    length-grouped batches too."""
    ranks, single, _, _ = runs
    for name in single["results"]:
        assert single["results"][name]["batches_per_epoch"] == 4, name
        for rank in ranks:
            assert rank["results"][name]["batches_per_epoch"] == 4, name


def test_every_process_ends_with_the_same_model_and_vocabulary(runs):
    ranks, _, _, _ = runs
    for name, first in ranks[0]["results"].items():
        second = ranks[1]["results"][name]
        assert first["weights"] == second["weights"], name
        assert first["vocabulary"] == second["vocabulary"], name
        assert first["train_loss"] == second["train_loss"], name


def test_only_the_main_process_prints_and_saves(runs):
    _, _, launched, out_dir = runs
    # One epoch table per fit (5 fits), not one per process.
    headers = [
        line for line in launched.stdout.splitlines() if "train_loss" in line.split()
    ]
    assert len(headers) == 5, launched.stdout
    saved = sorted(p.name for p in out_dir.glob("*.s2s"))
    assert len(saved) == 5
    from sklearn_seq2seq import load

    from _s2s_shared import reversal_data

    X = reversal_data(6, 7)[0][:32]
    for name, result in runs[0][0]["results"].items():
        predictions = [str(p) for p in load(out_dir / f"{name}.s2s").predict(X)]
        assert predictions == result["predictions"], name


def test_a_failing_process_ends_the_job_with_its_error(tmp_path):
    failed = _torchrun("4", str(tmp_path), "fail", timeout=180)
    assert failed.returncode != 0
    assert "rank 1 fails on purpose" in failed.stdout + failed.stderr
