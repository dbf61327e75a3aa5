"""The PyTorch networks: encoders, attention, decoders, models and search.

Independent of skorch and scikit-learn; the estimators build these modules in ``fit``.
"""

from .attention import (
    AttentionMechanism,
    BahdanauAttention,
    LuongAttention,
    build_attention,
)
from .decoders import (
    AttentionDecoder,
    DecoderState,
    FeedbackDecoder,
    PeekDecoder,
    RecurrentDecoder,
    SimpleDecoder,
    build_decoder,
)
from .encoders import RecurrentEncoder
from .model import (
    EncoderDecoder,
    SequenceClassifierModule,
    build_encoder_decoder,
    build_sequence_classifier,
)
from .search import (
    NBestOutput,
    SearchOutput,
    beam_search,
    beam_search_nbest,
    greedy_search,
    sample_search,
)

__all__ = [
    "AttentionDecoder",
    "AttentionMechanism",
    "BahdanauAttention",
    "DecoderState",
    "EncoderDecoder",
    "FeedbackDecoder",
    "LuongAttention",
    "NBestOutput",
    "PeekDecoder",
    "RecurrentDecoder",
    "RecurrentEncoder",
    "SearchOutput",
    "SequenceClassifierModule",
    "SimpleDecoder",
    "beam_search",
    "beam_search_nbest",
    "build_attention",
    "build_decoder",
    "build_encoder_decoder",
    "build_sequence_classifier",
    "greedy_search",
    "sample_search",
]
