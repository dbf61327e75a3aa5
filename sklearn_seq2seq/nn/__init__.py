"""The PyTorch networks: encoders, attention, decoders, models and search.

Independent of skorch and scikit-learn; the estimators build these modules in ``fit``.
"""

from ._utils import CELLS
from .attention import (
    ATTENTION_SCORES,
    AttentionMechanism,
    BahdanauAttention,
    LuongAttention,
    build_attention,
)
from .decoders import (
    DECODERS,
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
from .transformer import (
    TransformerClassifierModule,
    TransformerDecoder,
    TransformerEncoder,
    TransformerEncoderDecoder,
    build_transformer,
    build_transformer_classifier,
)

__all__ = [
    "ATTENTION_SCORES",
    "CELLS",
    "DECODERS",
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
    "TransformerClassifierModule",
    "TransformerDecoder",
    "TransformerEncoder",
    "TransformerEncoderDecoder",
    "beam_search",
    "beam_search_nbest",
    "build_attention",
    "build_decoder",
    "build_encoder_decoder",
    "build_sequence_classifier",
    "build_transformer",
    "build_transformer_classifier",
    "greedy_search",
    "sample_search",
]
