"""Seq2SeqClassifier: sequences to labels through a seq2seq network (Keras seq2seq)."""

from __future__ import annotations

from numbers import Integral
from typing import Any

import numpy as np
import torch
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d

from .._data._codec import as_reusable
from .._data._validation import IntervalNotBool as Interval
from .._data._validation import _is_number, check_not_missing
from .._docstrings import fill_doc
from .._persistence import register
from .._training._callbacks import epoch_scoring
from ..nn import build_sequence_classifier, build_transformer_classifier
from ._base import BaseSeq2Seq
from ._params import MAX_OUTPUT_LENGTH

# Decoder steps before the softmax head; more only costs time and memory.
_MISSING_LABELS = (
    "labels must not be missing: drop those samples or fill in their labels."
)


@register
@fill_doc
class Seq2SeqClassifier(ClassifierMixin, BaseSeq2Seq):
    """Sequence classifier: encoder, decoder of fixed length, Flatten, softmax.

    The decoder runs for ``output_length`` steps with ``output_dim``-sized outputs; they
    are flattened into a softmax layer over the classes (the farizrahman4u/seq2seq Keras
    models' ``SimpleSeq2Seq`` / ``AttentionSeq2Seq`` + ``Flatten`` + ``Dense``). A 2-D
    float ``X`` is a batch of sequences of scalars, a 3-D float ``X`` a batch of
    sequences of vectors (an image read row by row, say), an integer ``X`` token ids,
    and strings or token lists are tokenized.

    Parameters
    ----------
    %(classifier_architecture)s
    %(cell)s
    %(hidden_dim)s
    %(embedding_dim)s
    %(depth)s
    %(n_heads)s
    %(feedforward_dim)s
    %(decoder)s
    %(attention)s
    %(input_feeding)s
    %(classifier_tie_embeddings)s
    %(bidirectional)s
    %(dropout)s
    %(classifier_teacher_forcing_ratio)s
    %(classifier_analyzer)s
    %(classifier_lowercase)s
    %(classifier_strip_accents)s
    %(classifier_max_tokens)s
    %(input_kind)s
    output_length : int, default=10
        Decoder steps (the Keras seq2seq models' ``output_length``), at most
        10000.
    output_dim : int, default=10
        Size of each decoder output (the Keras seq2seq models' ``output_dim``).
    %(max_epochs)s
    %(batch_size)s
    %(group_by_length)s
    %(lr)s
    %(lr_schedule)s
    %(warmup_steps)s
    %(classifier_label_smoothing)s
    %(optimizer)s
    %(clip_grad_norm)s
    %(early_stopping)s
    %(warm_start)s
    %(validation_fraction)s
    %(n_iter_no_change)s
    %(callbacks)s
    %(device)s
    %(accelerator)s
    %(n_jobs)s
    %(random_state)s
    %(verbose)s

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    %(net_)s
    %(history_)s
    %(n_features_in_)s
    %(lr_)s
    %(warmup_steps_)s
    %(n_epochs_)s
    %(interrupted_)s

    See Also
    --------
    Seq2SeqTransformer : Sequences to sequences.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_seq2seq import Seq2SeqClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(60, 5, 3)).astype("float32")
    >>> y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
    >>> clf = Seq2SeqClassifier(hidden_dim=8, max_epochs=3, random_state=0)
    >>> clf.fit(X, y).predict_proba(X[:2]).shape
    (2, 2)
    """

    _parameter_constraints: dict = {
        **BaseSeq2Seq._parameter_constraints,
        "output_length": [Interval(Integral, 1, MAX_OUTPUT_LENGTH, closed="both")],
        "output_dim": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        *,
        architecture: str = "rnn",
        cell: str = "gru",
        hidden_dim: int = 64,
        embedding_dim: int | None = None,
        depth: int | tuple[int, int] = 1,
        n_heads: int = 4,
        feedforward_dim: int | None = None,
        decoder: str = "attention",
        attention: str = "additive",
        input_feeding: bool = True,
        tie_embeddings: bool = False,
        bidirectional: bool = False,
        dropout: float = 0.0,
        teacher_forcing_ratio: float = 1.0,
        analyzer: str = "word",
        lowercase: bool = False,
        strip_accents: str | None = None,
        max_tokens: int | None = None,
        input_kind: str = "auto",
        output_length: int = 10,
        output_dim: int = 10,
        max_epochs: int = 30,
        batch_size: int = 32,
        group_by_length: bool = False,
        lr: float | None = None,
        lr_schedule: str | None = None,
        warmup_steps: int | None = None,
        label_smoothing: float = 0.0,
        optimizer: Any = "adam",
        clip_grad_norm: float | None = 1.0,
        early_stopping: bool = False,
        warm_start: bool = False,
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 5,
        callbacks: list | None = None,
        device: str = "auto",
        accelerator: Any = None,
        n_jobs: int | None = None,
        random_state: Any = None,
        verbose: int = 0,
    ) -> None:
        self.architecture = architecture
        self.cell = cell
        self.hidden_dim = hidden_dim
        self.embedding_dim = embedding_dim
        self.depth = depth
        self.n_heads = n_heads
        self.feedforward_dim = feedforward_dim
        self.decoder = decoder
        self.attention = attention
        self.input_feeding = input_feeding
        self.tie_embeddings = tie_embeddings
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.teacher_forcing_ratio = teacher_forcing_ratio
        self.analyzer = analyzer
        self.lowercase = lowercase
        self.strip_accents = strip_accents
        self.max_tokens = max_tokens
        self.input_kind = input_kind
        self.output_length = output_length
        self.output_dim = output_dim
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.group_by_length = group_by_length
        self.lr = lr
        self.lr_schedule = lr_schedule
        self.warmup_steps = warmup_steps
        self.label_smoothing = label_smoothing
        self.optimizer = optimizer
        self.clip_grad_norm = clip_grad_norm
        self.early_stopping = early_stopping
        self.warm_start = warm_start
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.callbacks = callbacks
        self.device = device
        self.accelerator = accelerator
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(
        self, X: Any, y: Any, *, X_val: Any = None, y_val: Any = None
    ) -> Seq2SeqClassifier:
        """Train on sequences ``X`` and labels ``y``.

        Parameters
        ----------
        X : iterable of str or token lists, or array of shape (n_samples, n_steps) \
                or (n_samples, n_steps, n_features)
            Sequences (see the class docstring for how each kind is read).
        y : array-like of shape (n_samples,)
            Class labels (strings, ints...).
        X_val : same kind as X, default=None
            Validation sources (see ``y_val``).
        y_val : same kind as y, default=None
            Validation data: each epoch then reports ``valid_loss`` and
            ``valid_acc`` in ``history_``, ``early_stopping`` watches the
            validation loss on them instead of holding out ``validation_fraction``,
            and the fit ends with the weights of the epoch with the lowest
            validation loss.

        Returns
        -------
        self : Seq2SeqClassifier
            The fitted estimator.
        """
        return self._fit(X, y, X_val=X_val, y_val=y_val)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X: Any, y: Any, classes: Any = None) -> Seq2SeqClassifier:
        """Train for one epoch on a chunk of the data, continuing from the last call.

        For data too large to hold at once: call it once per chunk and again over
        the chunks for further epochs. The first call reads the vocabulary from its
        chunk (later tokens unseen there are read as one unknown token) and the
        classes from ``classes`` (or, without it, from its ``y``). As in
        scikit-learn's ``MLPClassifier.partial_fit``, there is no held-out split
        and no early stopping; ``history_`` gets one row per call.

        Parameters
        ----------
        X : iterable of str or token lists, or array
            Sequences of this chunk, of the same kind in every call.
        y : array-like of shape (n_samples,)
            Their labels.
        classes : array-like of shape (n_classes,), default=None
            All the labels of the whole data, needed in the first call when its
            chunk does not hold every class; ignored in later calls.

        Returns
        -------
        self : Seq2SeqClassifier
            The estimator, trained one more epoch.

        Examples
        --------
        >>> from sklearn_seq2seq import Seq2SeqClassifier
        >>> clf = Seq2SeqClassifier(hidden_dim=8, random_state=0)
        >>> X = ["1 2 3", "3 2 1", "1 1 2", "3 3 2"] * 5
        >>> y = ["up", "down", "up", "down"] * 5
        >>> for start in (0, 10):
        ...     clf = clf.partial_fit(
        ...         X[start : start + 10], y[start : start + 10], classes=["down", "up"]
        ...     )
        >>> clf.classes_.tolist(), len(clf.history_)
        (['down', 'up'], 2)
        """
        return self._fit(X, y, classes=classes, incremental=True)

    def _fit_targets(
        self,
        X: Any,
        y: Any,
        *,
        warm: bool,
        incremental: bool,
        classes: Any = None,
        **options: Any,
    ) -> np.ndarray:
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is "
                "None."
            )
        y = _check_labels(as_reusable(y))
        check_classification_targets(y)
        if warm:
            unseen = sorted(set(np.unique(y).tolist()) - set(self.classes_.tolist()))
            if unseen and incremental:
                raise ValueError(
                    f"y holds labels {unseen!r} that are not in classes_ "
                    f"{self.classes_.tolist()!r}: pass every label of the whole data "
                    "as classes= in the first partial_fit call."
                )
            if unseen:
                raise ValueError(
                    f"y holds labels {unseen!r} that the first fit did not see; "
                    "warm_start=True continues training on the same classes "
                    f"{self.classes_.tolist()!r}. Use warm_start=False to start over."
                )
            y_encoded = np.searchsorted(self.classes_, y)
        elif classes is not None:
            self.classes_ = np.unique(_check_labels(as_reusable(classes)))
            unseen = sorted(set(np.unique(y).tolist()) - set(self.classes_.tolist()))
            if unseen:
                raise ValueError(
                    f"y holds labels {unseen!r} that are not in classes "
                    f"{self.classes_.tolist()!r}; classes must list every label."
                )
            y_encoded = np.searchsorted(self.classes_, y)
        else:
            encoder = LabelEncoder()
            y_encoded = encoder.fit_transform(y)
            self.classes_ = encoder.classes_
        if len(self.classes_) < 2:
            raise ValueError(
                "Seq2SeqClassifier needs samples of at least 2 classes in the data, "
                f"but the data contain only one class: {self.classes_[0]!r}."
            )
        return y_encoded.astype(np.int64)

    def _ignored_parameter_rules(self) -> list:
        return [
            (
                "teacher_forcing_ratio",
                lambda e: (
                    "Seq2SeqClassifier's decoder has no target sequence to "
                    "force; leave it at 1.0 (it matters for Seq2SeqTransformer only)"
                ),
            ),
            *(
                (
                    name,
                    lambda e: (
                        "architecture='transformer' classifies the mean of the "
                        "encoder's outputs, with no decoder sequence"
                        if e.architecture == "transformer"
                        else None
                    ),
                )
                for name in ("output_length", "output_dim")
            ),
        ]

    def _validation_targets(self, X_val: Any, y_val: Any) -> np.ndarray:
        if y_val is None:
            raise ValueError("X_val was given without y_val; pass both or neither.")
        y_valid = _check_labels(as_reusable(y_val))
        unseen = sorted(set(np.unique(y_valid).tolist()) - set(self.classes_))
        if unseen:
            raise ValueError(
                f"y_val holds labels {unseen!r} that are not in y; validation "
                "labels must be among the training classes."
            )
        return np.searchsorted(self.classes_, y_valid).astype(np.int64)

    def _build_module(self) -> torch.nn.Module:
        """The network for the fitted classes and inputs (untrained)."""
        if self.architecture == "transformer":
            return build_transformer_classifier(
                n_classes=len(self.classes_),
                **self._source_kwargs(),
                **self._network_kwargs(),
            )
        return build_sequence_classifier(
            n_classes=len(self.classes_),
            output_length=self.output_length,
            output_dim=self.output_dim,
            **self._source_kwargs(),
            **self._network_kwargs(),
        )

    def _tie_embeddings_ignored(self) -> str | None:
        return "Seq2SeqClassifier has no token outputs"

    def _loss_spec(self) -> tuple[str, type[torch.nn.Module], dict[str, Any]]:
        return (
            "classes",
            torch.nn.CrossEntropyLoss,
            {"label_smoothing": self.label_smoothing},
        )

    def _validation_scoring(self) -> list:
        return [epoch_scoring("valid_acc", _validation_accuracy, lower_is_better=False)]

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities.

        Parameters
        ----------
        %(X_fitted)s

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Rows sum to 1; columns follow ``classes_``.
        """
        check_is_fitted(self)
        X_encoded = self._encode_source(X)
        module = self._batch_invariant_module()
        probabilities = []
        with torch.no_grad(), self._torch_threads():
            for src, src_lengths in self._batches(X_encoded):
                if src.is_floating_point():
                    src = src.to(next(module.parameters()).dtype)
                logits, _ = module(src, src_lengths)
                probabilities.append(torch.softmax(logits.double(), dim=1).cpu())
        return torch.cat(probabilities).numpy()

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """Accuracy on ``X`` and labels ``y``.

        Parameters
        ----------
        %(X_fitted)s
        y : array-like of shape (n_samples,)
            True labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            Share of correctly predicted labels.
        """
        return super().score(as_reusable(X), as_reusable(y), sample_weight)

    def predict(self, X: Any) -> np.ndarray:
        """Predict class labels.

        Parameters
        ----------
        %(X_fitted)s

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        proba = self.predict_proba(X)
        return self.classes_[proba.argmax(axis=1)]


def _validation_accuracy(net: Any, X: Any, y: Any) -> float:
    """Accuracy of the skorch net on the validation split (for ``EpochScoring``)."""
    y_pred = np.asarray(net.predict_proba(X)).argmax(axis=1)
    return float(np.mean(y_pred == np.asarray(y)))


def _check_labels(y: Any) -> np.ndarray:
    """``y`` as a 1-D array of labels of one type, or a clear error.

    Missing labels (None, NaN, ``pd.NA``) and labels mixing strings and numbers are
    named with their index; numbers held in an object array become a numeric array.
    """
    if isinstance(y, list | tuple) or getattr(y, "dtype", None) is None:
        labels = np.asarray(y, dtype=object)
    else:
        labels = np.asarray(y)  # pandas extension arrays with NA become object
    labels = column_or_1d(labels, warn=True)
    if labels.dtype.kind == "f":
        missing = np.flatnonzero(np.isnan(labels))
        if missing.size:
            raise ValueError(
                f"y contains NaN at index {missing[0]} ({missing.size} missing "
                f"labels); {_MISSING_LABELS}"
            )
        return labels
    if labels.dtype != object:
        return labels
    first_of_type: dict[str, int] = {}
    for index, label in enumerate(labels):
        check_not_missing(label, name="y", index=index, rule=_MISSING_LABELS)
        label_type = (
            "string"
            if isinstance(label, str)
            else "number"
            if _is_number(label) or isinstance(label, bool | np.bool_)
            else "other"
        )
        first_of_type.setdefault(label_type, index)
    if "string" in first_of_type and "number" in first_of_type:
        i, j = first_of_type["string"], first_of_type["number"]
        raise ValueError(
            f"y mixes strings and numbers as labels (y[{i}] = {labels[i]!r}, "
            f"y[{j}] = {labels[j]!r}); use labels of one type, e.g. "
            "y.astype(str) or [str(label) for label in y]."
        )
    if set(first_of_type) == {"number"}:
        return np.asarray(labels.tolist())  # object ints/bools/floats -> numeric
    return labels
