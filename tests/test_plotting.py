"""Tests for ``sklearn_seq2seq.plotting``: attention heatmaps and training curves."""

import builtins

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

from sklearn_seq2seq import Seq2SeqTransformer
from sklearn_seq2seq.plotting import plot_attention, plot_history

from _s2s_shared import reversal_data

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
plt = pytest.importorskip("matplotlib.pyplot")

X_TOY, Y_TOY = reversal_data(n_distinct=4, repeat=10)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _tick_texts(labels):
    return [label.get_text() for label in labels]


@pytest.fixture(scope="module")
def fitted_attention_model():
    return Seq2SeqTransformer(
        hidden_dim=8, max_epochs=3, random_state=0, device="cpu"
    ).fit(X_TOY, Y_TOY)


# --- plot_attention -------------------------------------------------------------


def test_plot_attention_heatmap_data_and_labels():
    rng = np.random.RandomState(0)
    weights = rng.dirichlet(np.ones(3), size=4)  # 4 output steps x 3 source positions
    ax = plot_attention(weights, ["a", "b", "c"], ["w", "x", "y", "z"])
    assert len(ax.images) == 1
    np.testing.assert_allclose(ax.images[0].get_array(), weights)
    assert _tick_texts(ax.get_xticklabels()) == ["a", "b", "c"]
    assert _tick_texts(ax.get_yticklabels()) == ["w", "x", "y", "z"]
    assert list(ax.get_xticks()) == [0, 1, 2]
    assert list(ax.get_yticks()) == [0, 1, 2, 3]
    # The colorbar is a second axes in the figure, and the scale is 0..1.
    assert len(ax.figure.axes) == 2
    assert ax.images[0].get_clim() == (0.0, 1.0)


def test_plot_attention_appends_eos_row_label():
    weights = np.full((3, 2), 0.5)
    ax = plot_attention(weights, ["4", "2"], ["forty", "two"])
    assert _tick_texts(ax.get_yticklabels()) == ["forty", "two", "<eos>"]


def test_plot_attention_splits_strings_on_whitespace():
    weights = np.full((3, 3), 1 / 3)
    ax = plot_attention(weights, "3 2 1", "1 2")
    assert _tick_texts(ax.get_xticklabels()) == ["3", "2", "1"]
    assert _tick_texts(ax.get_yticklabels()) == ["1", "2", "<eos>"]


def test_plot_attention_without_labels_draws_on_given_axes():
    _, ax = plt.subplots()
    weights = np.array([[0.25, 0.75]])
    returned = plot_attention(weights, ax=ax, cmap="magma")
    assert returned is ax
    assert ax.images[0].get_cmap().name == "magma"
    np.testing.assert_allclose(ax.images[0].get_array(), weights)


@pytest.mark.parametrize(
    "source, output, match",
    [
        (["a", "b"], None, "source_tokens has 2 tokens .* 3 source positions"),
        (["a", "b", "c", "d"], None, "source_tokens has 4 tokens"),
        (None, ["x"], "output_tokens has 1 tokens .* 4 output steps"),
        (None, ["w", "x", "y", "z", "!"], "output_tokens has 5 tokens"),
    ],
)
def test_plot_attention_label_count_mismatch(source, output, match):
    with pytest.raises(ValueError, match=match):
        plot_attention(np.full((4, 3), 1 / 3), source, output)


@pytest.mark.parametrize("bad", [np.ones(3), np.ones((2, 2, 2)), np.ones((2, 0))])
def test_plot_attention_rejects_non_matrix(bad):
    with pytest.raises(ValueError, match="attention must be a non-empty 2-D array"):
        plot_attention(bad)


def test_plot_attention_from_fitted_model(fitted_attention_model):
    sources = ["1 2 3", "6 7 8 9"]
    y_pred, attention = fitted_attention_model.predict_with_attention(sources)
    for source, prediction, weights in zip(sources, y_pred, attention, strict=True):
        ax = plot_attention(weights, source, prediction)
        np.testing.assert_allclose(ax.images[0].get_array(), weights)
        assert _tick_texts(ax.get_xticklabels()) == source.split()
        labels = _tick_texts(ax.get_yticklabels())
        assert labels[: len(prediction.split())] == prediction.split()
        assert len(labels) == weights.shape[0]


def test_missing_matplotlib_says_how_to_install(monkeypatch):
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    with pytest.raises(ImportError, match=r"pip install sklearn-seq2seq\[plot\]"):
        plot_attention(np.ones((1, 1)))
    with pytest.raises(ImportError, match=r"pip install sklearn-seq2seq\[plot\]"):
        plot_history(pd.DataFrame({"train_loss": [1.0]}))


# --- plot_history ---------------------------------------------------------------


def test_plot_history_one_line_per_present_metric():
    history = pd.DataFrame(
        {
            "epoch": [1, 2, 3, 4],
            "train_loss": [2.0, 1.0, 0.5, 0.4],
            "valid_loss": [2.2, 1.3, 0.9, 1.0],
            "dur": [0.1, 0.1, 0.1, 0.1],
        }
    )
    ax = plot_history(history)
    assert [line.get_label() for line in ax.lines] == ["train_loss", "valid_loss"]
    for line, metric in zip(ax.lines, ["train_loss", "valid_loss"], strict=True):
        np.testing.assert_allclose(line.get_xdata(), history["epoch"])
        np.testing.assert_allclose(line.get_ydata(), history[metric])
    assert ax.get_xlabel() == "epoch"
    assert ax.get_ylabel() == "loss"


def test_plot_history_skips_absent_metrics_and_numbers_rows():
    history = pd.DataFrame({"train_loss": [3.0, 2.0], "valid_acc": [0.5, 0.6]})
    ax = plot_history(history, metrics=("train_loss", "valid_loss", "valid_acc"))
    assert [line.get_label() for line in ax.lines] == ["train_loss", "valid_acc"]
    np.testing.assert_allclose(ax.lines[0].get_xdata(), [1, 2])
    np.testing.assert_allclose(ax.lines[1].get_ydata(), [0.5, 0.6])
    assert ax.get_ylabel() == "value"


def test_plot_history_draws_durations_on_their_own_axis():
    """Seconds per epoch and losses have unrelated scales: ``dur`` gets a second
    y-axis, not a line beside the losses (as ``history_.plot()`` draws it)."""
    history = pd.DataFrame(
        {"train_loss": [3.0, 2.0, 1.5], "dur": [0.5, 0.4, 0.45]},
        index=pd.Index([1, 2, 3], name="epoch"),
    )
    ax = plot_history(history, metrics=("train_loss", "dur"))
    assert [line.get_label() for line in ax.lines] == ["train_loss"]
    assert ax.get_ylabel() == "loss"
    assert len(ax.figure.axes) == 2
    seconds = ax.figure.axes[-1]
    assert seconds is not ax and seconds.get_ylabel() == "seconds"
    assert [line.get_label() for line in seconds.lines] == ["dur"]
    np.testing.assert_allclose(seconds.lines[0].get_xdata(), [1, 2, 3])
    np.testing.assert_allclose(seconds.lines[0].get_ydata(), history["dur"])
    # One legend names both, on the main axes.
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["train_loss", "dur"]
    # Durations alone are plotted on the axes itself, in seconds.
    alone = plot_history(history, metrics="dur")
    assert [line.get_label() for line in alone.lines] == ["dur"]
    assert alone.get_ylabel() == "seconds" and len(alone.figure.axes) == 1
    # The default plots the losses only.
    default = plot_history(history)
    assert [line.get_label() for line in default.lines] == ["train_loss"]
    assert len(default.figure.axes) == 1


def test_plot_history_docstring_explains_history_plot():
    doc = " ".join(plot_history.__doc__.split())
    assert "``history_.plot()``" in doc and "pandas" in doc
    assert "every numeric column" in doc


def test_plot_history_no_metric_present():
    with pytest.raises(ValueError, match="None of the metrics.*'epoch', 'dur'"):
        plot_history(pd.DataFrame({"epoch": [1], "dur": [0.1]}), metrics="valid_loss")


def test_plot_history_from_fitted_estimator(fitted_attention_model):
    _, ax = plt.subplots()
    returned = plot_history(fitted_attention_model, ax=ax)
    assert returned is ax
    history = fitted_attention_model.history_
    assert len(history) == 3
    # Trained without early stopping: no valid_loss, so only the training loss.
    assert [line.get_label() for line in ax.lines] == ["train_loss"]
    np.testing.assert_allclose(ax.lines[0].get_xdata(), [1, 2, 3])
    np.testing.assert_allclose(ax.lines[0].get_ydata(), history["train_loss"])


def test_plot_history_with_early_stopping_has_valid_loss():
    model = Seq2SeqTransformer(
        hidden_dim=8, max_epochs=2, early_stopping=True, random_state=0, device="cpu"
    ).fit(X_TOY, Y_TOY)
    ax = plot_history(model)
    assert [line.get_label() for line in ax.lines] == ["train_loss", "valid_loss"]
    np.testing.assert_allclose(ax.lines[1].get_ydata(), model.history_["valid_loss"])


def test_plot_history_unfitted_estimator():
    with pytest.raises(NotFittedError):
        plot_history(Seq2SeqTransformer())


def test_plot_history_rejects_other_objects():
    with pytest.raises(TypeError, match="fitted estimator or a pandas DataFrame"):
        plot_history([{"epoch": 1, "train_loss": 1.0}])


def test_plot_attention_splits_like_a_character_model():
    """A character-level model's attention has one column per character: passing
    the model (or analyzer="char") splits the strings the same way."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from sklearn_seq2seq import Seq2SeqTransformer
    from sklearn_seq2seq.plotting import plot_attention

    X = ["march 3", "may 12", "june 1"] * 6
    y = ["03-03", "05-12", "06-01"] * 6
    model = Seq2SeqTransformer(
        analyzer="char", hidden_dim=8, max_epochs=1, random_state=0, device="cpu"
    ).fit(X, y)
    y_pred, attention = model.predict_with_attention(["march 3"])
    ax = plot_attention(attention[0], "march 3", y_pred[0], analyzer=model)
    labels = [label.get_text() for label in ax.get_xticklabels()]
    assert labels == list("march 3")
    with pytest.raises(ValueError, match="source positions"):
        plot_attention(attention[0], "march 3", y_pred[0])  # split into words


def test_plot_attention_keeps_long_labels_inside_the_figure(tmp_path):
    """Long word labels are not clipped when the figure is saved plainly."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import numpy as np

    from sklearn_seq2seq.plotting import plot_attention

    weights = np.full((3, 2), 0.5)
    ax = plot_attention(weights, ["seventeen", "hundred"], ["four", "hundred"])
    figure = ax.figure
    figure.savefig(tmp_path / "attention.png")
    renderer = figure.canvas.get_renderer()
    inside = figure.bbox
    labels = [*ax.get_xticklabels(), *ax.get_yticklabels(), ax.xaxis.label]
    for label in [*labels, ax.yaxis.label]:
        box = label.get_window_extent(renderer)
        assert box.x0 >= inside.x0 - 1 and box.y0 >= inside.y0 - 1, label.get_text()
