"""Decoding: from the estimator's parameters to searches and predictions.

:class:`Decoding` is the one object a prediction call or a fit's validation score
builds from the parameters and passes to every search; ``_predict`` runs it over
batches and assembles predictions, n-best lists and copied source tokens. Imports
``nn`` and the data wing, never the estimators or skorch.
"""

from ._decoding import CONTROLS, SAMPLING, Decoding
from ._predict import (
    copied_tokens,
    decode_nbest,
    prediction_lengths,
    regress,
    search_nbest,
    search_tokens,
)
from ._validation_score import ValidationSequenceScore

__all__ = [
    "CONTROLS",
    "SAMPLING",
    "Decoding",
    "ValidationSequenceScore",
    "copied_tokens",
    "decode_nbest",
    "prediction_lengths",
    "regress",
    "search_nbest",
    "search_tokens",
]
