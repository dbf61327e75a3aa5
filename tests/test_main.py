"""Tests for the demo, ``python -m sklearn_seq2seq`` (``sklearn_seq2seq.__main__``)."""

import re
import subprocess
import sys

import pytest

from sklearn_seq2seq.__main__ import main

TINY = ["--n-samples", "40", "--epochs", "2", "--hidden-dim", "8"]
OPTIONS = [
    "--task",
    "--decoder",
    "--epochs",
    "--hidden-dim",
    "--beam-width",
    "--n-samples",
    "--no-compare",
    "--random-state",
    "--quiet",
]


def _table_rows(out, header_start):
    """Lines of the table whose header line starts with ``header_start``."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    assert lines[start].split()[0] == header_start.split()[0]
    rows = []
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        rows.append(line)
    return lines[start], rows


def test_main_tiny_run_prints_scores_rows_and_comparison(capsys):
    assert main(TINY) == 0
    out = capsys.readouterr().out

    # The epoch table of skorch (verbose=1): one row per epoch.
    assert re.search(r"epoch\s+train_loss\s+dur", out)
    assert re.search(r"^\s+2\s+\S*\d+\.\d+", out, flags=re.MULTILINE)

    bleu = re.search(r"Test BLEU \(words\): (\d+\.\d\d)$", out, flags=re.MULTILINE)
    assert bleu, out
    exact = re.search(r"Test exact match:  (\d+\.\d)% \((\d+) of 8\)", out)
    assert exact, out  # 40 pairs: 32 to train, 8 to test

    # Source / prediction / truth side by side, the truth being the real words.
    header, rows = _table_rows(out.split("Test predictions:")[1], "source")
    assert header.split() == ["source", "prediction", "truth", "correct"]
    assert len(rows) == 8
    assert all(row.split()[-1] in {"yes", "NO"} for row in rows)
    assert any("hundred" in row for row in rows)

    # The comparison table: the attention run and a shorter simple run.
    header, rows = _table_rows(out, "decoder  ")
    assert header.split() == [
        "decoder",
        "hidden_dim",
        "epochs",
        "BLEU",
        "exact",
        "match",
        "fit",
        "seconds",
    ]
    assert [row.split()[:3] for row in rows] == [
        ["attention", "8", "2"],
        ["simple", "8", "1"],
    ]
    assert rows[0].split()[3] == bleu.group(1)
    assert rows[0].split()[4] == f"{exact.group(1)}%"


def test_main_quiet_no_compare_other_task_and_decoder(capsys):
    argv = [*TINY, "--task", "reversal", "--decoder", "peek", "--beam-width", "2"]
    assert main([*argv, "--quiet", "--no-compare"]) == 0
    out = capsys.readouterr().out
    assert "Task reversal" in out
    assert "decoder='peek'" in out and "beam_width=2" in out
    assert "Test BLEU (words):" in out
    assert "train_loss" not in out  # --quiet: no epoch table
    assert "Comparison" not in out and "fit seconds" not in out


def test_main_pig_latin_reads_characters(capsys):
    assert main([*TINY, "--task", "pig-latin", "--quiet", "--no-compare"]) == 0
    out = capsys.readouterr().out
    assert "Test BLEU (characters):" in out
    _, rows = _table_rows(out.split("Test predictions:")[1], "source")
    assert len(rows) == 8


def test_main_simple_decoder_is_compared_with_attention(capsys):
    assert main([*TINY, "--decoder", "simple", "--quiet"]) == 0
    _, rows = _table_rows(capsys.readouterr().out, "decoder  ")
    assert [row.split()[0] for row in rows] == ["simple", "attention"]


def test_help_lists_options(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for option in OPTIONS:
        assert option in out
    for task in ["number-words", "sorting", "reversal", "pig-latin"]:
        assert task in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--task", "chess"], "argument --task: invalid choice: 'chess'"),
        (["--decoder", "lstm"], "argument --decoder: invalid choice: 'lstm'"),
        (["--epochs", "0"], "argument --epochs: must be at least 1"),
        (["--hidden-dim", "x"], "argument --hidden-dim: invalid int value"),
        (["--n-samples", "5000"], "--n-samples: n_samples=5000 exceeds"),
    ],
)
def test_invalid_arguments_exit_with_usage_error(argv, message, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: python -m sklearn_seq2seq")
    assert message in err


@pytest.mark.slow
def test_module_entry_point_help():
    result = subprocess.run(
        [sys.executable, "-m", "sklearn_seq2seq", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: python -m sklearn_seq2seq")
    assert "--no-compare" in result.stdout
