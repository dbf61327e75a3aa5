"""Sequence-to-sequence neural networks with the scikit-learn API.

Encoder-decoder RNNs (simple, feedback, peek and attention decoders, configurable depth)
trained through skorch on PyTorch, on CUDA when it is there.
"""

from . import metrics as _metrics
from ._estimators._classifier import Seq2SeqClassifier
from ._estimators._ensemble import Seq2SeqEnsemble
from ._estimators._seq2seq import Seq2SeqTransformer
from ._persistence._format import load
from .metrics import *  # noqa: F403 - the scores and scorers, as metrics.__all__
from .preprocessing import SequenceVectorizer

__version__ = "0.1.0"

__all__ = [
    "Seq2SeqClassifier",
    "Seq2SeqEnsemble",
    "Seq2SeqTransformer",
    "SequenceVectorizer",
    "__version__",
    "load",
    *_metrics.__all__,
]
