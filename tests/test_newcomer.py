"""A data scientist's first hour: the messages, docs and examples a newcomer meets.

Each test pins one item of that report: error messages that describe the input as
it is and name the fix, the quickstart saying how to see training progress, and a
documentation build that lays out its pages and runs its gallery.
"""

import ast
import json
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sklearn_seq2seq
from sklearn_seq2seq import Seq2SeqClassifier, Seq2SeqTransformer, SequenceVectorizer
from sklearn_seq2seq._data._validation import check_sequences

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
EXAMPLES = ROOT / "examples"

X_DATES = ["1/2/2000", "3/4/2001", "5/6/2002", "7/8/2003"] * 3
Y_DATES = ["2000-01-02", "2001-03-04", "2002-05-06", "2003-07-08"] * 3


@pytest.fixture(scope="module")
def dates_model():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # one epoch is unstable
        return Seq2SeqTransformer(
            analyzer="char", hidden_dim=4, max_epochs=1, random_state=0, device="cpu"
        ).fit(X_DATES, Y_DATES)


# --- Messages that name the fix ---------------------------------------------------


def test_bare_string_keeps_sklearn_sentence_and_says_wrap_it(dates_model):
    sentence = "Iterable over raw text documents expected, string object received."
    fix = r" Wrap a single sequence in a list: \['1/2/2000'\]\."
    with pytest.raises(ValueError, match=re.escape(sentence) + fix):
        dates_model.predict("1/2/2000")
    vectorizer = SequenceVectorizer().fit(X_DATES)
    with pytest.raises(ValueError, match=re.escape(sentence) + fix):
        vectorizer.transform("1/2/2000")
    with pytest.raises(ValueError, match=r"bytes object received\..*X\.decode\(\)"):
        vectorizer.transform(b"1/2/2000")
    # A long string is not repeated in full: the fix names the variable instead.
    with pytest.raises(ValueError, match=r"in a list: \[X\]\.$"):
        vectorizer.transform("1/2/2000 " * 10)


def test_mixed_samples_are_described_as_they_are(dates_model):
    with pytest.raises(TypeError) as info:
        dates_model.predict(["1/2/2000", 20000102, None])
    message = str(info.value)
    # Only one of three is a number: the old "X seems to hold one number per
    # sample" was wrong.
    assert "one number per sample" not in message
    assert message.startswith("X[1] has type int; expected a string or a sequence")
    assert (
        "X holds 1 string (X[0]), 1 number (X[1] = 20000102) and 1 missing value "
        "(X[2] = None)"
    ) in message
    assert "drop the missing samples" in message
    assert "write the numbers as strings (str(value)" in message


def test_mixture_with_the_missing_value_first_is_described_too():
    # The first bad sample decides the error (missing: ValueError, as before), the
    # description covers all of them.
    with pytest.raises(ValueError) as info:
        SequenceVectorizer().fit(pd.Series(["a", None, 5, 6], dtype=object))
    message = str(info.value)
    assert message.startswith("X contains None at index 1; ")
    assert "1 string (X[0]), 1 missing value (X[1] = None) and 2 numbers " in message
    assert "(first X[2] = 5)" in message


@pytest.mark.parametrize(
    "X, error, match",
    [
        # Token sequences and numbers: a number becomes a one-token sequence.
        ([["a"], 5, ["b"]], TypeError, r"2 token sequences.*wrap each number in a "),
        # Strings and token sequences: split or join.
        (["a b", ["a", "b"]], ValueError, r"mixes strings and token sequences.*"),
        (["a b", ["a", "b"]], ValueError, r"text\.split\(\).*' '\.join\(tokens\)"),
        # Another type beside strings.
        (["a", {"b": 1}], TypeError, r"1 dict value \(X\[1\] = \{'b': 1\}\).*dict "),
        # numpy scalars are shown as plain values.
        (np.array(["a", np.int64(7)], dtype=object), TypeError, r"X\[1\] = 7\)"),
    ],
    ids=["tokens-and-numbers", "mix-kind", "mix-fix", "dict", "numpy-scalar"],
)
def test_each_mixture_names_its_fix(X, error, match):
    with pytest.raises(error, match=match):
        check_sequences(X)


def test_numbers_with_missing_values_in_y_suggest_strings_or_a_classifier():
    with pytest.raises(TypeError) as info:
        check_sequences([1, None, 2], name="y")
    message = str(info.value)
    assert "y holds 2 numbers (first y[0] = 1) and 1 missing value" in message
    assert "y.astype(str)" in message and "use Seq2SeqClassifier" in message


def test_target_mixtures_are_described_through_fit():
    with pytest.raises(TypeError, match=r"y holds 2 strings .* 1 number \(y\[2\] = 3"):
        Seq2SeqTransformer(max_epochs=1).fit(["a", "b", "c"], ["x", "y", 3])
    with pytest.raises(TypeError, match=r"X holds 2 strings .* 1 number"):
        Seq2SeqClassifier(max_epochs=1).fit(["a", "b", 3], [0, 1, 0])


def test_messages_without_a_mixture_are_unchanged():
    with pytest.raises(TypeError, match="X seems to hold one number per sample"):
        check_sequences([1, 2, 3])
    with pytest.raises(ValueError, match=r"^X contains None at index 2; [^.]*\.$"):
        check_sequences(["a", "b", None])


# --- The quickstart says how to see progress --------------------------------------


def test_quickstart_says_how_to_see_training_progress():
    docstring = ast.get_docstring(
        ast.parse((EXAMPLES / "plot_quickstart.py").read_text())
    )
    # Within the first two paragraphs under the title: before any code cell.
    first_lines = " ".join(docstring.split("\n\n")[1:3])
    assert "silent by default" in first_lines
    assert "``verbose=1``" in first_lines and "epoch table" in first_lines
    assert "``verbose=2``" in first_lines and "progress bar" in first_lines


# --- Documentation layout ---------------------------------------------------------


def _rst_headings(text):
    """(title, adornment character) of every underlined RST section title."""
    lines = text.splitlines()
    headings = []
    for above, line in zip(lines, lines[1:], strict=False):
        if (
            re.fullmatch(r"([=\-~^\"'*+#])\1{2,}", line)
            and above.strip()
            and not re.fullmatch(r"[=\-~^\"'*+#\s]+", above)
            and len(line) >= len(above.rstrip())
        ):
            headings.append((above.strip(), line[0]))
    return headings


def test_benchmarks_page_has_one_top_level_title():
    headings = _rst_headings((DOCS / "benchmarks.rst").read_text())
    top = headings[0][1]
    assert [title for title, char in headings if char == top] == ["Benchmarks"]
    sections = [title for title, char in headings if char == "-"]
    assert "Default learning rate across the grid users search" in sections
    assert "Beam search against greedy search on the built-in tasks" in sections


def _first_code_block(text):
    lines = text.splitlines()
    start = next(
        i for i, line in enumerate(lines) if line.startswith(".. code-block::")
    )
    block = []
    for line in lines[start + 1 :]:
        if line and not line.startswith(" "):
            break
        block.append(line)
    return [line for line in block if line.strip()]


def test_index_code_block_fits_in_80_columns():
    block = _first_code_block((DOCS / "index.rst").read_text())
    assert block, "no code block on the index page"
    assert max(len(line) for line in block) <= 80
    # Comments on their own lines, not after the code.
    assert not [line for line in block if re.search(r"\S\s+#", line)]


def test_index_feature_list_names_what_exists():
    text = (DOCS / "index.rst").read_text()
    for name in [
        "chrf_score",
        "exact_match_score",
        "token_error_rate",
        "sequence_error_rate",
        "Seq2SeqEnsemble",
        "sklearn_seq2seq.load",
        "load_cmudict",
        "subwords",
    ]:
        assert name in text, name
    # Every object the page links to exists.
    for role, target in re.findall(
        r":(func|class|data|mod):`~?(sklearn_seq2seq[\w.]*)`", text
    ):
        module_name, _, attribute = target.rpartition(".")
        if role == "mod":
            module_name, attribute = target, None
        module = __import__(module_name, fromlist=["_"])
        assert attribute is None or hasattr(module, attribute), target
    assert hasattr(sklearn_seq2seq, "load") and hasattr(sklearn_seq2seq, "chrf_score")


# --- The docs build runs the gallery with small settings --------------------------


def _conf_in_subprocess(block_cmudict: bool, env_epochs: str | None) -> dict:
    """Execute docs/conf.py in a fresh interpreter; what it configured."""
    code = f"""
import json, os, runpy, sys
# The settings conf.py chooses, whatever the caller's shell exports.
for name in ("SEQ2SEQ_EXAMPLE_EPOCHS", "OMP_NUM_THREADS", "MPLBACKEND"):
    os.environ.pop(name, None)
if {env_epochs!r} is not None:
    os.environ["SEQ2SEQ_EXAMPLE_EPOCHS"] = {env_epochs!r}
if {block_cmudict!r}:
    sys.modules["cmudict"] = None  # as if it were not installed
conf = runpy.run_path({str(DOCS / "conf.py")!r})
gallery = conf["sphinx_gallery_conf"]
print(json.dumps({{
    "plot_gallery": gallery["plot_gallery"],
    "filename_pattern": gallery["filename_pattern"],
    "environ": {{k: v for k, v in os.environ.items()
                 if k.startswith(("SEQ2SEQ_EXAMPLE_", "OMP_NUM_", "MPLBACKEND"))}},
}}))
"""
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.splitlines()[-1])


@pytest.mark.slow
def test_docs_build_executes_the_gallery_with_small_settings():
    conf = _conf_in_subprocess(block_cmudict=False, env_epochs=None)
    assert conf["plot_gallery"] in (True, "True")
    variables = set()
    for script in EXAMPLES.glob("plot_*.py"):
        variables |= set(re.findall(r"SEQ2SEQ_EXAMPLE_\w+", script.read_text()))
    assert variables, "the examples read no SEQ2SEQ_EXAMPLE_* variable"
    environ = conf["environ"]
    assert variables <= set(environ)  # every size the examples read is set
    assert int(environ["SEQ2SEQ_EXAMPLE_EPOCHS"]) <= 10
    assert int(environ["SEQ2SEQ_EXAMPLE_N_SAMPLES"]) <= 1000
    assert environ["OMP_NUM_THREADS"] == "1" and environ["MPLBACKEND"] == "Agg"
    pattern = re.compile(conf["filename_pattern"])
    for script in EXAMPLES.glob("plot_*.py"):
        assert pattern.search(str(script)), script.name


@pytest.mark.slow
def test_docs_build_skips_running_cmudict_example_without_cmudict():
    conf = _conf_in_subprocess(block_cmudict=True, env_epochs="3")
    assert conf["environ"]["SEQ2SEQ_EXAMPLE_EPOCHS"] == "3"  # the shell's value wins
    pattern = re.compile(conf["filename_pattern"])
    assert not pattern.search(str(EXAMPLES / "plot_g2p_cmudict.py"))
    assert pattern.search(str(EXAMPLES / "plot_quickstart.py"))


# --- One documented way on raw text ----------------------------------------------


def test_the_examples_use_the_estimators_on_raw_text_without_a_vectorizer():
    """The quickstart and the grid-search example fit the estimator on strings
    directly: the one documented way (a vectorizer in front reads X only)."""
    for name in ("plot_quickstart.py", "plot_grid_search.py"):
        source = (EXAMPLES / name).read_text()
        code = "\n".join(
            line for line in source.splitlines() if not line.lstrip().startswith("#")
        )
        assert "SequenceVectorizer(" not in code, name
        assert "make_pipeline" not in code, name


def test_a_char_vectorizer_in_front_of_word_targets_is_not_silent():
    """make_pipeline(SequenceVectorizer(analyzer="char"), Seq2SeqTransformer())
    on dates: the vectorizer reads X only, the targets stay words; the estimator
    says so and names the fix."""
    from sklearn.pipeline import make_pipeline

    from sklearn_seq2seq.datasets import make_dates

    X, _, y, _ = make_dates(n_samples=200, random_state=0)
    pipe = make_pipeline(
        SequenceVectorizer(analyzer="char"),
        Seq2SeqTransformer(hidden_dim=8, max_epochs=1, random_state=0),
    )
    with pytest.warns(UserWarning, match=r"samples of y as a single token.*target_"):
        pipe.fit(X, y)
