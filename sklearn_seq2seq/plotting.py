"""Plots of attention weights and training curves (needs matplotlib).

matplotlib is an optional dependency: ``pip install sklearn-seq2seq[plot]``. It is
imported inside the functions, so importing this module does not need it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from ._data._vocabulary import EOS_TOKEN

__all__ = ["plot_attention", "plot_history"]


def _pyplot() -> Any:
    """``matplotlib.pyplot``, or an ImportError that says how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            "Plotting requires matplotlib; install it with "
            "pip install sklearn-seq2seq[plot]"
        ) from exc
    return plt


def _tokens(
    tokens: Any, name: str, analyzer: str = "word", codec: Any = None
) -> list[str]:
    """Token labels as a list of str; a string is split as the analyzer splits it
    (by the fitted ``codec`` for subword pieces)."""
    if isinstance(tokens, str):
        if codec is not None and getattr(codec, "is_subword", False):
            return [str(piece) for piece in codec.read_tokens([tokens])[0]]
        return list(tokens) if analyzer == "char" else tokens.split()
    try:
        return [str(token) for token in tokens]
    except TypeError:
        raise TypeError(
            f"{name} must be a sequence of tokens or a string, got "
            f"{type(tokens).__name__}."
        ) from None


def _codec_analyzer(codec: Any, estimator: Any) -> str:
    """How a fitted estimator splits one side's strings: ``"char"`` or ``"word"``
    (subword pieces are split by the codec itself)."""
    analyzer = getattr(codec, "analyzer", None) or getattr(
        estimator, "analyzer", "word"
    )
    if analyzer in ("bpe", "wordpiece", "unigram") and codec is not None:
        return "word"  # strings are split by the model's codec
    return analyzer


def plot_attention(
    attention: Any,
    source_tokens: Sequence[str] | str | None = None,
    output_tokens: Sequence[str] | str | None = None,
    *,
    analyzer: Any = "word",
    ax: Any = None,
    cmap: str = "viridis",
) -> Any:
    """Plot one attention matrix as a heatmap: output steps by source positions.

    Cell ``(i, j)`` is the weight that output step ``i`` gives to source position
    ``j``, as returned per sample by
    :meth:`Seq2SeqTransformer.predict_with_attention
    <sklearn_seq2seq.Seq2SeqTransformer.predict_with_attention>`.

    Parameters
    ----------
    attention : array-like of shape (output_steps, source_length)
        Attention weights of one sequence.
    source_tokens : sequence of str or str, default=None
        Column labels, one per source position. A string is split as ``analyzer``
        says. None labels columns by position.
    output_tokens : sequence of str or str, default=None
        Row labels, one per output step. One fewer than ``output_steps`` is
        accepted: the last row is then labelled ``"<eos>"``, because
        ``predict_with_attention`` includes the step that predicted the end of the
        sequence. A string is split as ``analyzer`` says. None labels rows by
        position.
    analyzer : {"word", "char"} or fitted estimator, default="word"
        How string ``source_tokens`` and ``output_tokens`` are split: on
        whitespace, or into characters. Pass the fitted model to split them as it
        does (each side by its own analyzer; subword pieces with its own
        vocabularies). A
        predicted string re-split into subword pieces may not be the pieces the
        model produced (so not match the rows): leave ``output_tokens`` out then.
    ax : matplotlib.axes.Axes, default=None
        Axes to draw on; None creates a new figure with a layout that keeps the
        tick labels inside it (``layout="constrained"``).
    cmap : str or matplotlib.colors.Colormap, default="viridis"
        Colormap of the heatmap.

    Returns
    -------
    ax : matplotlib.axes.Axes
        The axes with the heatmap (``ax.images[0]``) and a colorbar beside it.

    Raises
    ------
    ValueError
        If ``attention`` is not a non-empty 2-D array, or the number of
        ``source_tokens`` or ``output_tokens`` does not match its shape.

    See Also
    --------
    plot_history : Loss curves of a fitted estimator.

    Notes
    -----
    For a pipeline ``pipe = make_pipeline(SequenceVectorizer(), Seq2SeqTransformer())``
    run the steps before the model yourself:
    ``pipe[-1].predict_with_attention(pipe[:-1].transform(X))``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_seq2seq.plotting import plot_attention
    >>> weights = np.array([[0.9, 0.1], [0.2, 0.8], [0.5, 0.5]])
    >>> ax = plot_attention(weights, ["4", "2"], ["forty", "two"])
    >>> [label.get_text() for label in ax.get_yticklabels()]
    ['forty', 'two', '<eos>']

    With a fitted attention model (trained far too briefly to be right here):

    >>> from sklearn_seq2seq import Seq2SeqTransformer
    >>> X = ["1 2 3", "4 5", "6 7 8 9", "2 4"] * 10
    >>> y = [" ".join(reversed(s.split())) for s in X]
    >>> model = Seq2SeqTransformer(hidden_dim=8, max_epochs=2, random_state=0)
    >>> y_pred, attention = model.fit(X, y).predict_with_attention(["1 2 3"])
    >>> ax = plot_attention(attention[0], "1 2 3", y_pred[0])
    >>> ax.images[0].get_array().shape == attention[0].shape
    True
    """
    weights = np.asarray(attention, dtype=float)
    if weights.ndim != 2 or weights.size == 0:
        raise ValueError(
            "attention must be a non-empty 2-D array of shape "
            f"(output_steps, source_length), got shape {weights.shape}."
        )
    n_outputs, n_sources = weights.shape
    source_codec = target_codec = None
    if isinstance(analyzer, str):
        source_analyzer = target_analyzer = analyzer
    else:
        source_codec = getattr(analyzer, "source_codec_", None)
        target_codec = getattr(analyzer, "target_codec_", None)
        # Each side is split as the model splits it (its own analyzer per side).
        source_analyzer = _codec_analyzer(source_codec, analyzer)
        target_analyzer = _codec_analyzer(target_codec, analyzer)
    for side_analyzer in (source_analyzer, target_analyzer):
        if side_analyzer not in ("word", "char"):
            raise ValueError(
                "analyzer must be 'word', 'char' or a fitted estimator, got "
                f"{analyzer!r}."
            )
    source_labels = output_labels = None
    if source_tokens is not None:
        source_labels = _tokens(
            source_tokens, "source_tokens", source_analyzer, source_codec
        )
        if len(source_labels) != n_sources:
            raise ValueError(
                f"source_tokens has {len(source_labels)} tokens but attention has "
                f"{n_sources} source positions (columns)."
            )
    if output_tokens is not None:
        output_labels = _tokens(
            output_tokens, "output_tokens", target_analyzer, target_codec
        )
        if len(output_labels) == n_outputs - 1:
            output_labels.append(EOS_TOKEN)
        if len(output_labels) != n_outputs:
            raise ValueError(
                f"output_tokens has {len(output_labels)} tokens but attention has "
                f"{n_outputs} output steps (rows); pass {n_outputs} tokens, or "
                f"{n_outputs - 1} when the last row is the {EOS_TOKEN} step."
            )

    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(layout="constrained")
    # Weights are probabilities: a fixed 0..1 scale makes heatmaps comparable.
    in_unit_range = bool(np.all((weights >= 0) & (weights <= 1)))
    limits = {"vmin": 0.0, "vmax": 1.0} if in_unit_range else {}
    image = ax.imshow(weights, cmap=cmap, aspect="auto", **limits)
    ax.figure.colorbar(image, ax=ax)
    if source_labels is not None:
        ax.set_xticks(np.arange(n_sources))
        ax.set_xticklabels(source_labels, rotation=90)
    if output_labels is not None:
        ax.set_yticks(np.arange(n_outputs))
        ax.set_yticklabels(output_labels)
    ax.set_xlabel("source")
    ax.set_ylabel("output")
    return ax


def plot_history(
    estimator_or_history: Any,
    *,
    metrics: Sequence[str] | str = ("train_loss", "valid_loss"),
    ax: Any = None,
) -> Any:
    """Plot training curves, one line per metric, against the epoch.

    Losses and scores share the y-axis; epoch durations (``dur``, in seconds),
    when asked for, get a second y-axis of their own, on the right. Compare
    ``history_.plot()``: ``history_`` is a pandas DataFrame, so that is pandas'
    :meth:`~pandas.DataFrame.plot`, which draws every numeric column (the
    seconds of ``dur`` beside the losses) on one y-axis.

    Parameters
    ----------
    estimator_or_history : fitted estimator or pandas.DataFrame
        A fitted :class:`~sklearn_seq2seq.Seq2SeqTransformer` or
        :class:`~sklearn_seq2seq.Seq2SeqClassifier` (its ``history_`` is plotted),
        or such a history itself: a DataFrame with one row per epoch, indexed
        by the epoch (as ``history_`` is) or with an ``epoch`` column (rows are
        numbered from 1 without either).
    metrics : sequence of str or str, default=("train_loss", "valid_loss")
        Columns to plot; those missing from the history are skipped
        (``valid_loss`` exists only when the estimator used early stopping).
        Durations (``"dur"``, or a name ending in ``"_dur"``) are drawn on a
        second y-axis labelled "seconds" (``ax.twinx()``), unless they are all
        that is plotted.
    ax : matplotlib.axes.Axes, default=None
        Axes to draw on; None creates a new figure.

    Returns
    -------
    ax : matplotlib.axes.Axes
        The axes with one line per metric present (``ax.lines``), labelled by
        the metric's name, and one legend for all of them. The lines of the
        durations are on the second y-axis, the last axes of ``ax.figure``
        (``ax.figure.axes[-1].lines``).

    Raises
    ------
    sklearn.exceptions.NotFittedError
        If an estimator is given that is not fitted yet.
    ValueError
        If none of ``metrics`` is in the history.

    See Also
    --------
    plot_attention : Heatmap of attention weights.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn_seq2seq.plotting import plot_history
    >>> history = pd.DataFrame(
    ...     {"epoch": [1, 2, 3], "train_loss": [2.0, 1.1, 0.7], "dur": [0.3] * 3}
    ... )
    >>> ax = plot_history(history)
    >>> [line.get_label() for line in ax.lines]
    ['train_loss']
    >>> ax = plot_history(history, metrics=["train_loss", "dur"])
    >>> seconds = ax.figure.axes[-1]
    >>> [line.get_label() for line in seconds.lines], seconds.get_ylabel()
    (['dur'], 'seconds')

    From a fitted estimator trained with early stopping:

    >>> from sklearn_seq2seq import Seq2SeqTransformer
    >>> X = ["1 2 3", "4 5", "6 7 8 9", "2 4"] * 10
    >>> model = Seq2SeqTransformer(
    ...     hidden_dim=8, max_epochs=3, early_stopping=True, random_state=0
    ... ).fit(X)
    >>> ax = plot_history(model)
    >>> [line.get_label() for line in ax.lines]
    ['train_loss', 'valid_loss']
    """
    if isinstance(estimator_or_history, pd.DataFrame):
        history = estimator_or_history
    elif hasattr(estimator_or_history, "fit"):
        check_is_fitted(estimator_or_history)
        history = getattr(estimator_or_history, "history_", None)
        if not isinstance(history, pd.DataFrame):
            raise TypeError(
                f"{type(estimator_or_history).__name__} has no history_ DataFrame "
                "to plot."
            )
    else:
        raise TypeError(
            "estimator_or_history must be a fitted estimator or a pandas DataFrame, "
            f"got {type(estimator_or_history).__name__}."
        )
    if isinstance(metrics, str):
        metrics = [metrics]
    present = [metric for metric in metrics if metric in history.columns]
    if not present:
        raise ValueError(
            f"None of the metrics {list(metrics)} is in the history; its columns "
            f"are {list(history.columns)}."
        )

    plt = _pyplot()
    from matplotlib.ticker import MaxNLocator

    if ax is None:
        _, ax = plt.subplots(layout="constrained")
    if "epoch" in history.columns:
        epochs = np.asarray(history["epoch"])
    elif history.index.name == "epoch":
        epochs = np.asarray(history.index)
    else:
        epochs = np.arange(1, len(history) + 1)
    # Seconds and losses have unrelated scales: durations get an axis of their own.
    durations = [metric for metric in present if _is_duration(metric)]
    curves = [metric for metric in present if not _is_duration(metric)]
    if not curves:
        curves, durations = durations, []
    for metric in curves:
        ax.plot(epochs, np.asarray(history[metric], dtype=float), label=metric)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("epoch")
    if all(_is_duration(metric) for metric in curves):
        ax.set_ylabel("seconds")
    elif all(metric.endswith("loss") for metric in curves):
        ax.set_ylabel("loss")
    else:
        ax.set_ylabel("value")
    lines = list(ax.lines)
    if durations:
        seconds = ax.twinx()
        # The next colours of the cycle, dashed: told apart from the curves.
        colors = plt.rcParams["axes.prop_cycle"].by_key().get("color", [None])
        for i, metric in enumerate(durations, start=len(curves)):
            seconds.plot(
                epochs,
                np.asarray(history[metric], dtype=float),
                label=metric,
                linestyle="--",
                color=colors[i % len(colors)],
            )
        seconds.set_ylabel("seconds")
        seconds.set_ylim(bottom=0)
        lines += seconds.lines
    ax.legend(lines, [line.get_label() for line in lines])
    return ax


def _is_duration(metric: str) -> bool:
    """Whether a history column holds seconds (skorch's ``dur``)."""
    return metric == "dur" or metric.endswith("_dur")
