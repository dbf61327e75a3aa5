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
from .search import SearchOutput, beam_search, greedy_search
from .transformer import (
    TransformerClassifierModule,
    TransformerDecoder,
    TransformerEncoder,
    TransformerEncoderDecoder,
    build_transformer,
    build_transformer_classifier,
)

__all__ = [
    "AttentionDecoder",
    "AttentionMechanism",
    "BahdanauAttention",
    "DecoderState",
    "EncoderDecoder",
    "FeedbackDecoder",
    "LuongAttention",
    "PeekDecoder",
    "RecurrentDecoder",
    "RecurrentEncoder",
    "SearchOutput",
    "SequenceClassifierModule",
    "SimpleDecoder",
    "TransformerClassifierModule",
    "TransformerDecoder",
    "TransformerEncoder",
    "TransformerEncoderDecoder",
    "beam_search",
    "build_attention",
    "build_decoder",
    "build_encoder_decoder",
    "build_sequence_classifier",
    "build_transformer",
    "build_transformer_classifier",
    "greedy_search",
]
