"""Corpus metrics for sequence outputs (BLEU, chrF, exact match, error rates), and
scorers for model selection.

The computation follows sacrebleu 2.x (``sacrebleu.metrics.bleu.BLEU.compute_bleu``)
step by step, so that :func:`bleu_score` equals sacrebleu's corpus BLEU with
``tokenize="none"`` on whitespace-joined tokens, including its corner cases.
sacrebleu is not needed at run time; it is only the reference implementation in the
tests.
"""

# One module per metric; ``name as name`` re-exports the private names that other
# modules of the package (and the tests) import from here.
from ._bleu import bleu_score
from ._chrf import chrf_score
from ._error_rates import _edit_distance as _edit_distance
from ._error_rates import exact_match_score, sequence_error_rate, token_error_rate
from ._scorers import _final_estimator as _final_estimator
from ._scorers import _SequenceScorer as _SequenceScorer
from ._scorers import _target_analyzer as _target_analyzer
from ._scorers import (
    bleu_scorer,
    chrf_scorer,
    exact_match_scorer,
    sequence_error_rate_scorer,
    token_error_rate_scorer,
)
from ._scorers import sequence_metric as sequence_metric

__all__ = [
    "bleu_score",
    "bleu_scorer",
    "chrf_score",
    "chrf_scorer",
    "exact_match_score",
    "exact_match_scorer",
    "sequence_error_rate",
    "sequence_error_rate_scorer",
    "token_error_rate",
    "token_error_rate_scorer",
]
