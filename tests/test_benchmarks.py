"""The benchmark script runs end to end with tiny settings and prints its tables.

Only that it runs and what it prints is checked here; speed is measured by the script
itself (``benchmarks/bench_seq2seq.py``), never asserted in tests.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # every test runs a benchmark script in a new process

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_seq2seq.py"
MODES = ("simple", "feedback", "peek", "attention")
TITLES = ("Training:", "Prediction:", "Beam search", "Peak memory")


def table_rows(lines: list[str], title: str) -> list[list[str]]:
    """Cells of the rows of the plain-text table titled ``title``."""
    (start,) = [i for i, line in enumerate(lines) if line.startswith(title)]
    rows = []
    # title, blank line, header, rule, then rows up to a blank line
    for line in lines[start + 4 :]:
        if not line.strip():
            break
        rows.append(line.split())
    return rows


def test_quick_benchmark_prints_every_table_with_a_row_per_decoder():
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--threads", "1"],
        env={**os.environ, "OMP_NUM_THREADS": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    out = completed.stdout
    assert re.search(r"^torch threads\s+: 1$", out, flags=re.MULTILINE)
    assert re.search(r"^load average at start\s+: [\d.]+ [\d.]+ [\d.]+$", out, re.M)

    lines = out.splitlines()
    for title in TITLES:
        rows = table_rows(lines, title)
        assert [row[0] for row in rows] == list(MODES), out
    for row in table_rows(lines, "Training:"):
        ours_s, hand_s, wall_ratio, cpu_ratio = map(float, row[1:5])
        # The wall ratio is the quotient of the two times, which are printed to
        # 2 decimals (each +-0.005): it lies in the interval those allow.
        low = (ours_s - 0.005) / (hand_s + 0.005) - 0.005
        high = (ours_s + 0.005) / max(hand_s - 0.005, 1e-9) + 0.005
        assert low <= wall_ratio <= high, row
    for row in table_rows(lines, "Beam search"):
        assert row[-1] == "4/4"  # batched and one-at-a-time outputs agree


def test_transformer_cache_benchmark_decodes_alike():
    """The cached and the prefix-recomputing Transformer decoders give the same
    beam-search hypotheses (the speed-up itself is only printed)."""
    script = SCRIPT.parent / "bench_transformer_cache.py"
    completed = subprocess.run(
        [sys.executable, str(script), "--length", "6", "--batch", "3"],
        env={**os.environ, "OMP_NUM_THREADS": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert "same hypotheses: True" in completed.stdout
    assert re.search(r"^speed-up\s+: [\d.]+x$", completed.stdout, flags=re.M)


def test_cost_growth_benchmark_prints_a_row_per_point_and_axis(tmp_path):
    script = SCRIPT.parent / "bench_cost_growth.py"
    out_json = tmp_path / "cost.json"
    completed = subprocess.run(
        [sys.executable, str(script), "--quick", "--json", str(out_json)],
        env={**os.environ, "OMP_NUM_THREADS": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    out = completed.stdout
    # Two architectures x three axes, each a table of two points.
    assert out.count("s/epoch | growth") == 6, out
    import json

    rows = json.loads(out_json.read_text())
    assert {r["architecture"] for r in rows} == {"rnn", "transformer"}
    assert all(r["epoch_s"] > 0 and r["greedy_per_s"] > 0 for r in rows)
