"""The model-selection form of the metrics (:func:`sequence_metric`) and the
scorers for ``GridSearchCV(scoring=...)``.
"""

from typing import Any

import numpy as np

from ._bleu import bleu_score
from ._chrf import chrf_score
from ._error_rates import exact_match_score, sequence_error_rate, token_error_rate
from ._reading import Tokens, _as_text, _corpus_samples


def _final_estimator(estimator: Any) -> Any:
    """The last step of a pipeline (or of nested meta-estimators), else itself."""
    while True:
        if hasattr(estimator, "steps"):
            estimator = estimator.steps[-1][1]
        elif hasattr(estimator, "best_estimator_"):
            estimator = estimator.best_estimator_
        else:
            return estimator


def _is_text(y: Any) -> bool:
    """Whether the samples of ``y`` are strings (not token lists or ids)."""
    if isinstance(y, np.ndarray) and y.dtype.kind in "US":
        return True
    try:
        samples = list(y.to_numpy() if hasattr(y, "to_numpy") else y)
    except TypeError:
        return False
    return bool(samples) and all(isinstance(sample, str) for sample in samples)


def _char_tokens(y: Any, where: str) -> list[Tokens]:
    """Every string sample as its list of characters (whitespace included)."""
    samples = _corpus_samples(y, where, nested=False)
    return [list(_as_text(sample, f"{where}[{i}]")) for i, sample in enumerate(samples)]


def _target_analyzer(estimator: Any) -> str:
    """How the estimator tokenizes its targets: as its fitted target codec does
    (an autoencoder's target is ``X``, read by the source analyzer), else
    ``target_analyzer`` when it is set, else ``analyzer``, else ``"word"``."""
    fitted = getattr(getattr(estimator, "target_codec_", None), "analyzer", None)
    if isinstance(fitted, str):
        return fitted
    return getattr(estimator, "target_analyzer", None) or getattr(
        estimator, "analyzer", "word"
    )


_SEQUENCE_METRICS = (
    "bleu",
    "chrf",
    "exact_match",
    "sequence_error_rate",
    "token_error_rate",
)


def sequence_metric(
    metric: str, y_true: Any, y_pred: Any, *, analyzer: str = "word"
) -> float:
    """The model-selection form of a metric, given how targets are tokenized.

    ``"bleu"`` is BLEU-4 over the analyzer's tokens with the effective order (orders
    no prediction reaches are left out of the geometric mean), ``"chrf"`` is
    :func:`chrf_score` with its defaults, ``"exact_match"`` is
    :func:`exact_match_score`, ``"token_error_rate"`` is :func:`token_error_rate`
    and ``"sequence_error_rate"`` is :func:`sequence_error_rate` (the error rates
    as they are, lower is better; the scorers negate them). With
    ``analyzer="char"`` and string targets, BLEU counts character n-grams, the token
    error rate is the character error rate (CER, whitespace included) and exact
    match and the sequence error rate compare whole strings.
    """
    if metric not in _SEQUENCE_METRICS:
        raise ValueError(
            f"Unknown sequence metric {metric!r}; expected one of "
            f"{', '.join(map(repr, _SEQUENCE_METRICS))}."
        )
    if analyzer == "char" and metric != "chrf" and _is_text(y_pred):
        y_true = _char_tokens(y_true, "y_true")
        y_pred = _char_tokens(y_pred, "y_pred")
    if metric == "bleu":
        return bleu_score(y_true, y_pred, effective_order=True)
    if metric == "chrf":
        return chrf_score(y_true, y_pred)
    if metric == "token_error_rate":
        return token_error_rate(y_true, y_pred)
    if metric == "sequence_error_rate":
        return sequence_error_rate(y_true, y_pred)
    return exact_match_score(y_true, y_pred)


class _SequenceScorer:
    """Scorer ``scorer(estimator, X, y)`` for ``GridSearchCV(scoring=...)``.

    It predicts ``X`` and compares the predictions with ``y`` using
    :func:`sequence_metric`, reading the target analyzer of the (final) estimator
    (see :func:`_target_analyzer`) so that models with character targets are scored
    on characters. Greater is better: with ``greater_is_better=False`` (losses such
    as error rates) the scorer returns the negated metric, as scikit-learn's
    ``make_scorer(..., greater_is_better=False)`` and ``"neg_mean_squared_error"``
    do.
    """

    def __init__(self, metric: str, *, greater_is_better: bool = True) -> None:
        self.metric = metric
        self.greater_is_better = greater_is_better
        # As scikit-learn's _BaseScorer: 1 for scores, -1 for losses.
        self._sign = 1 if greater_is_better else -1

    def __call__(
        self, estimator: Any, X: Any, y_true: Any = None, sample_weight: Any = None
    ) -> float:
        if sample_weight is not None:
            raise ValueError(
                f"{self!r} is a corpus metric and does not take sample_weight; "
                "leave it out."
            )
        final = _final_estimator(estimator)
        if y_true is None:
            if not getattr(final, "autoencoder_", getattr(final, "autoencoder", False)):
                raise ValueError(
                    f"{self!r} needs the true target sequences y; got y=None. Pass "
                    "y to the search or cross-validation (for a sequence "
                    "autoencoder, y=X)."
                )
            y_true = X
        y_pred = estimator.predict(X)
        value = sequence_metric(
            self.metric, y_true, y_pred, analyzer=_target_analyzer(final)
        )
        if self.greater_is_better:
            return value
        # 0.0 - value, not -value: a perfect model scores 0.0, not -0.0.
        return 0.0 - value

    def __repr__(self) -> str:
        return f"{self.metric}_scorer"


bleu_scorer = _SequenceScorer("bleu")
"""Scorer for ``GridSearchCV(scoring=bleu_scorer)``: BLEU-4 with the effective order.

Called as ``bleu_scorer(estimator, X, y)``: it predicts ``X`` and returns
``bleu_score(y, predictions, effective_order=True)`` (0-100), over characters when the
(final) estimator has ``analyzer="char"`` and string targets. The effective order
leaves out of the geometric mean the n-gram orders that no prediction reaches, so that
short targets ("4 2") are not scored 0 whatever their quality.
"""

chrf_scorer = _SequenceScorer("chrf")
"""Scorer for ``GridSearchCV(scoring=chrf_scorer)``: :func:`chrf_score` (0-100)."""

exact_match_scorer = _SequenceScorer("exact_match")
"""Scorer for ``GridSearchCV(scoring=exact_match_scorer)``: sequence accuracy."""

token_error_rate_scorer = _SequenceScorer("token_error_rate", greater_is_better=False)
"""Scorer for ``GridSearchCV(scoring=token_error_rate_scorer)``: the NEGATED
:func:`token_error_rate`.

Called as ``token_error_rate_scorer(estimator, X, y)``: it predicts ``X`` and returns
``-token_error_rate(y, predictions)``, so that greater is better (0.0 for a perfect
model), as scikit-learn's ``"neg_mean_squared_error"``. With a character target
analyzer and string targets it is minus the character error rate (CER).
"""

sequence_error_rate_scorer = _SequenceScorer(
    "sequence_error_rate", greater_is_better=False
)
"""Scorer for ``GridSearchCV(scoring=sequence_error_rate_scorer)``: the NEGATED
:func:`sequence_error_rate` (``exact_match_score - 1``), so that greater is better."""
