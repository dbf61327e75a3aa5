"""The Transformer encoder–decoder (Vaswani et al., 2017), pre-norm.

- :class:`TransformerEncoder` — token embedding (scaled by ``sqrt(d_model)``) or a
  linear projection of float vectors, sinusoidal positions, a stack of PyTorch's
  ``nn.TransformerEncoderLayer`` (``norm_first=True``) and a final layer norm;
  padding is masked out of the self-attention and zeroed in the output;
- :class:`TransformerDecoder` — the same input layer for the previous outputs, then
  layers of causal self-attention, cross-attention over the encoder output and a
  feed-forward block (pre-norm), a final layer norm and the output projection. Its
  own layers rather than ``nn.TransformerDecoderLayer``: decoding a step reuses the
  keys and values of the prefix (a cache), and the cross-attention weights of the
  last layer, averaged over the heads, are returned for ``predict_with_attention``;
- :class:`TransformerEncoderDecoder` exposes what the search functions and the
  estimators use of the recurrent :class:`~.model.EncoderDecoder`:
  ``encode(src, src_lengths)`` → a state, ``decoder.step(prev, state)`` → logits,
  new state, attention weights, ``state.context`` (the mean of the encoder states
  over real positions: ``transform`` features) and ``forward``;
- :class:`TransformerClassifierModule` — encoder, mean over real positions, linear
  layer (the classic Transformer-encoder sequence classifier).

Shapes as in :mod:`.decoders`: ``trg_input`` ``(batch, trg_len)`` ids starting with
``<bos>`` or ``(batch, trg_len, n_features)`` floats starting with zeros; outputs
``(batch, trg_len, vocab_size | n_features)``; weights ``(batch, trg_len, src_len)``.
An empty source (length 0) is valid: its encoder output and context are zero and its
attention weights are 0.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, NamedTuple, TypedDict

import torch
from torch import Tensor, nn

from ._specials import BOS_INDEX, PAD_INDEX
from ._step_decoder import StepDecoder
from ._transformer_layers import (
    InputLayer,
    TransformerDecoderLayer,
)
from ._utils import lengths_to_mask, make_dropout, make_input_layer
from .model import EncoderDecoder, _split_depth

if TYPE_CHECKING:
    from typing_extensions import Unpack


class TransformerStackOptions(TypedDict, total=False):
    """The keywords of :class:`TransformerEncoder` that
    :class:`TransformerDecoder` takes too."""

    vocab_size: int | None
    n_features: int | None
    num_layers: int
    feedforward_dim: int | None
    dropout: float
    pad_index: int


class _LayerSizes(NamedTuple):
    """The settings of a stack's layers (``feedforward_dim`` resolved)."""

    d_model: int
    n_heads: int
    num_layers: int
    feedforward_dim: int
    dropout: float


class _TransformerStack(nn.Module):
    """An :class:`InputLayer`, ``num_layers`` layers (made by the subclass's
    :meth:`_make_layers`) and a final layer norm."""

    def __init__(
        self,
        d_model: int,
        n_heads: int,
        *,
        vocab_size: int | None = None,
        n_features: int | None = None,
        num_layers: int = 1,
        feedforward_dim: int | None = None,
        dropout: float = 0.0,
        pad_index: int = PAD_INDEX,
    ) -> None:
        super().__init__()
        self.d_model = d_model
        self.pad_index = pad_index
        embedding = make_input_layer(vocab_size, n_features, d_model, pad_index)
        self.input_layer = InputLayer(d_model, embedding, dropout)
        sizes = _LayerSizes(
            d_model, n_heads, num_layers, feedforward_dim or 4 * d_model, dropout
        )
        self.layers = self._make_layers(sizes)
        self.norm = nn.LayerNorm(d_model)

    def _make_layers(self, sizes: _LayerSizes) -> nn.Module:
        """The stack of layers between the input layer and the final norm."""
        raise NotImplementedError


class TransformerEncoder(_TransformerStack):
    """Input layer, ``num_layers`` pre-norm ``nn.TransformerEncoderLayer``s and a
    final layer norm.

    Parameters
    ----------
    d_model : int
        The model size.
    n_heads : int
        Attention heads; ``d_model`` must be divisible by it.
    vocab_size : int, default=None
        Token ids; exactly one of ``vocab_size`` and ``n_features``.
    n_features : int, default=None
        Size of float vectors.
    num_layers : int, default=1
        Layers of the stack.
    feedforward_dim : int, default=None
        Inner size of the feed-forward blocks (``None`` = ``4 * d_model``).
    dropout : float, default=0.0
        Dropout on the input layer's output, the attention weights, the
        feed-forward blocks and the residual branches.
    pad_index : int, default=0
        Id of the padding token.
    """

    def _make_layers(self, sizes: _LayerSizes) -> nn.Module:
        layer = nn.TransformerEncoderLayer(
            sizes.d_model,
            sizes.n_heads,
            dim_feedforward=sizes.feedforward_dim,
            dropout=sizes.dropout,
            batch_first=True,
            norm_first=True,
        )
        return nn.TransformerEncoder(
            layer, sizes.num_layers, enable_nested_tensor=False
        )

    def forward(self, src: Tensor, src_lengths: Tensor) -> tuple[Tensor, Tensor]:
        """Encode a padded batch.

        Returns
        -------
        encoder_output : Tensor
            ``(batch, src_len, d_model)``, zero on padding.
        src_mask : Tensor
            ``(batch, src_len)``, True on real positions.
        """
        src_mask = lengths_to_mask(src_lengths, src.shape[1])
        # An empty source would have every key masked (NaN): let it attend to its
        # first (padding) position; its output is zeroed below.
        key_padding = ~src_mask
        key_padding[:, 0] &= src_lengths > 0
        x = self.layers(self.input_layer(src), src_key_padding_mask=key_padding)
        output = self.norm(x) * src_mask.unsqueeze(2).to(x.dtype)
        return output, src_mask


def mean_pool(encoder_output: Tensor, src_mask: Tensor) -> Tensor:
    """Mean of ``encoder_output`` over real positions ``(batch, d_model)``; zero
    for an empty sequence."""
    weights = src_mask.to(encoder_output.dtype)
    total = (encoder_output * weights.unsqueeze(2)).sum(dim=1)
    return total / weights.sum(dim=1, keepdim=True).clamp(min=1.0)


@dataclass
class TransformerDecoderState:
    """What one decoding step needs, every tensor with a batch dimension.

    Attributes
    ----------
    context : Tensor
        ``(batch, d_model)``: the mean encoder state over real positions.
    encoder_output : Tensor
        ``(batch, src_len, d_model)``.
    memory : list of (Tensor, Tensor)
        Per layer, the cross-attention keys and values ``(batch, heads, src_len,
        head_dim)``, projected once.
    memory_mask : Tensor
        ``(batch, 1, src_len)``, True where the decoder may attend.
    src_mask : Tensor
        ``(batch, src_len)``, True on real positions.
    cache : list of (Tensor, Tensor)
        Per layer, the self-attention keys and values of the decoded prefix
        ``(batch, heads, steps, head_dim)`` (empty lists before the first step).
    steps : int
        Positions decoded so far.
    """

    context: Tensor
    encoder_output: Tensor
    memory: list[tuple[Tensor, Tensor]]
    memory_mask: Tensor
    src_mask: Tensor
    cache: list[tuple[Tensor, Tensor]]
    steps: int = 0

    def index_select(self, index: Tensor) -> TransformerDecoderState:
        """Select (or repeat, for beam search) batch entries ``index``."""

        def pair(kv: tuple[Tensor, Tensor]) -> tuple[Tensor, Tensor]:
            return kv[0].index_select(0, index), kv[1].index_select(0, index)

        return TransformerDecoderState(
            context=self.context.index_select(0, index),
            encoder_output=self.encoder_output.index_select(0, index),
            memory=[pair(kv) for kv in self.memory],
            memory_mask=self.memory_mask.index_select(0, index),
            src_mask=self.src_mask.index_select(0, index),
            cache=[pair(kv) for kv in self.cache],
            steps=self.steps,
        )

    def reorder(self, index: Tensor) -> TransformerDecoderState:
        """Beam search: hypotheses move within their sequence's block of identical
        encoder rows, so only the prefix cache is reordered."""
        return replace(
            self,
            cache=[
                (k.index_select(0, index), v.index_select(0, index))
                for k, v in self.cache
            ],
        )


class TransformerDecoder(_TransformerStack, StepDecoder):
    """Input layer, ``num_layers`` :class:`TransformerDecoderLayer`, a final layer
    norm and the output projection: logits over ``vocab_size`` ids or vectors of
    ``n_features``.

    Under full teacher forcing all positions are decoded at once (causal mask),
    otherwise step by step (own outputs fed back where not teacher-forced, drawn per
    step and sequence as for the RNN decoders).

    Parameters
    ----------
    d_model : int
        The model size.
    n_heads : int
        Attention heads; ``d_model`` must be divisible by it.
    bos_index : int, default=2
        Id of ``<bos>``, the first input for token output.
    tie_embeddings : bool, default=False
        Token output: the output projection's weight is the input embedding's.
    vocab_size : int, default=None
        Token ids; exactly one of ``vocab_size`` and ``n_features``.
    n_features : int, default=None
        Size of float vectors.
    num_layers : int, default=1
        Layers of the stack.
    feedforward_dim : int, default=None
        Inner size of the feed-forward blocks (``None`` = ``4 * d_model``).
    dropout : float, default=0.0
        Dropout on the input layer's output, the attention weights, the
        feed-forward blocks and the residual branches.
    pad_index : int, default=0
        Id of the padding token.
    """

    mode = "transformer"
    uses_attention = True
    layers: nn.ModuleList

    def __init__(
        self,
        d_model: int,
        n_heads: int,
        *,
        bos_index: int = BOS_INDEX,
        tie_embeddings: bool = False,
        **options: Unpack[TransformerStackOptions],
    ) -> None:
        super().__init__(d_model, n_heads, **options)
        self._set_output(options, bos_index)
        self.output_layer = nn.Linear(d_model, self.output_size)
        self.tie_embeddings = tie_embeddings
        if tie_embeddings:
            if not self.is_token_output:
                raise ValueError("tie_embeddings needs token output.")
            self.output_layer.weight = self.input_layer.embedding.weight

    def _make_layers(self, sizes: _LayerSizes) -> nn.Module:
        return nn.ModuleList(
            TransformerDecoderLayer(
                sizes.d_model, sizes.n_heads, sizes.feedforward_dim, sizes.dropout
            )
            for _ in range(sizes.num_layers)
        )

    def init_state(
        self, encoder_output: Tensor, src_mask: Tensor
    ) -> TransformerDecoderState:
        """The state before the first step: cross-attention keys and values of
        every layer, projected once."""
        # An empty source attends to its first (zero) position; weights are
        # zeroed for it in step/forward.
        memory_mask = src_mask.clone()
        memory_mask[:, 0] |= ~src_mask.any(dim=1)
        return TransformerDecoderState(
            context=mean_pool(encoder_output, src_mask),
            encoder_output=encoder_output,
            memory=[
                layer.cross_attention.keys_values(encoder_output)
                for layer in self.layers
            ],
            memory_mask=memory_mask.unsqueeze(1),
            src_mask=src_mask,
            cache=[],
        )

    def _run(
        self,
        x: Tensor,
        state: TransformerDecoderState,
        causal_mask: Tensor | None,
        use_cache: bool,
    ) -> tuple[Tensor, list[tuple[Tensor, Tensor]], Tensor]:
        cache = []
        weights = x.new_zeros(0)
        for index, layer in enumerate(self.layers):
            previous = state.cache[index] if use_cache and state.cache else None
            x, kv, weights = layer(
                x, state.memory[index], state.memory_mask, previous, causal_mask
            )
            cache.append(kv)
        # Last layer's cross-attention; 0 on padding and for an empty source.
        weights = weights * state.src_mask.unsqueeze(1).to(weights.dtype)
        return self.output_layer(self.norm(x)), cache, weights

    def step(
        self, prev_output: Tensor, state: TransformerDecoderState
    ) -> tuple[Tensor, TransformerDecoderState, Tensor]:
        """Decode one step from ``prev_output`` (``(batch,)`` ids or ``(batch,
        n_features)``) reusing the cached keys and values of the prefix.

        Returns the output ``(batch, vocab_size | n_features)``, the new state and
        the last layer's cross-attention weights ``(batch, src_len)``.
        """
        x = self.input_layer(prev_output.unsqueeze(1), offset=state.steps)
        output, cache, weights = self._run(x, state, None, use_cache=True)
        new_state = replace(state, cache=cache, steps=state.steps + 1)
        return output.squeeze(1), new_state, weights.squeeze(1)

    def can_run_in_one_call(self, teacher_forced: bool) -> bool:
        """All positions at once (causal mask) under full teacher forcing only."""
        return teacher_forced

    def _forward_one_call(
        self, state: TransformerDecoderState, trg_input: Tensor | None, n_steps: int
    ) -> tuple[Tensor, Tensor]:
        assert trg_input is not None
        x = self.input_layer(trg_input)
        causal = torch.ones(
            1, n_steps, n_steps, dtype=torch.bool, device=x.device
        ).tril()
        output, _, weights = self._run(x, state, causal, use_cache=False)
        return output, weights


class TransformerEncoderDecoder(EncoderDecoder):
    """A :class:`TransformerEncoder` and a :class:`TransformerDecoder`: an
    :class:`~.model.EncoderDecoder` (same ``forward``, teacher forcing and
    ``generator``) whose encoder returns no final state.

    Parameters
    ----------
    encoder : TransformerEncoder
    decoder : TransformerDecoder
    teacher_forcing_ratio : float, default=1.0
        Training mode only, as for :class:`~.model.EncoderDecoder` (below 1 the
        decoder runs step by step, which is slower).
    """

    def encode(  # type: ignore[override]
        self, src: Tensor, src_lengths: Tensor
    ) -> TransformerDecoderState:
        """Run the encoder and return the decoder's initial state."""
        encoder_output, src_mask = self.encoder(src, src_lengths)
        return self.decoder.init_state(encoder_output, src_mask)


class TransformerClassifierModule(nn.Module):
    """Transformer encoder, mean over real positions, linear layer to the classes.

    Parameters
    ----------
    encoder : TransformerEncoder
    n_classes : int
    dropout : float, default=0.0
        On the pooled features.
    """

    def __init__(
        self, encoder: TransformerEncoder, n_classes: int, dropout: float = 0.0
    ) -> None:
        super().__init__()
        self.encoder = encoder
        self.dropout = make_dropout(dropout)
        self.head = nn.Linear(encoder.d_model, n_classes)

    def forward(self, src: Tensor, src_lengths: Tensor) -> tuple[Tensor, None]:
        """Logits ``(batch, n_classes)`` (and no attention)."""
        encoder_output, src_mask = self.encoder(src, src_lengths)
        return self.head(self.dropout(mean_pool(encoder_output, src_mask))), None


class TransformerNetworkOptions(TypedDict, total=False):
    """The keywords :func:`build_transformer` and
    :func:`build_transformer_classifier` share."""

    src_vocab_size: int | None
    src_features: int | None
    hidden_dim: int
    n_heads: int
    feedforward_dim: int | None
    depth: int | tuple[int, int]
    dropout: float
    pad_index: int


def _transformer_parts(
    *,
    target: dict[str, Any] | None,
    src_vocab_size: int | None = None,
    src_features: int | None = None,
    hidden_dim: int = 64,
    n_heads: int = 4,
    feedforward_dim: int | None = None,
    depth: int | tuple[int, int] = 1,
    dropout: float = 0.0,
    pad_index: int = PAD_INDEX,
) -> tuple[TransformerEncoder, TransformerDecoder | None]:
    """The encoder, and the decoder when ``target`` gives its own keywords
    (``vocab_size`` or ``n_features``, ``bos_index``, ``tie_embeddings``); the
    defaults of :class:`TransformerNetworkOptions`."""
    encoder_layers, decoder_layers = _split_depth(depth)
    shared: TransformerStackOptions = {
        "feedforward_dim": feedforward_dim,
        "dropout": dropout,
        "pad_index": pad_index,
    }
    encoder = TransformerEncoder(
        hidden_dim,
        n_heads,
        vocab_size=src_vocab_size,
        n_features=src_features,
        num_layers=encoder_layers,
        **shared,
    )
    if target is None:
        return encoder, None
    decoder = TransformerDecoder(
        hidden_dim, n_heads, num_layers=decoder_layers, **shared, **target
    )
    return encoder, decoder


def build_transformer(
    *,
    trg_vocab_size: int | None = None,
    trg_features: int | None = None,
    teacher_forcing_ratio: float = 1.0,
    tie_embeddings: bool = False,
    bos_index: int = BOS_INDEX,
    **network: Unpack[TransformerNetworkOptions],
) -> TransformerEncoderDecoder:
    """Build a :class:`TransformerEncoderDecoder` of model size ``hidden_dim``.

    Parameters
    ----------
    trg_vocab_size : int, default=None
        Token target of ``trg_vocab_size`` ids (logits over them); exactly one of
        ``trg_vocab_size`` and ``trg_features``.
    trg_features : int, default=None
        Vector target of ``trg_features`` floats.
    teacher_forcing_ratio : float, default=1.0
        See :class:`~.model.EncoderDecoder`.
    tie_embeddings : bool, default=False
        Token target: the decoder's output layer shares its weight with the
        decoder's input embedding (see :class:`TransformerDecoder`).
    bos_index : int, default=2
        Id of ``<bos>``, the first input of a token decoder.
    src_vocab_size : int, default=None
        Token source of ``src_vocab_size`` ids; exactly one of ``src_vocab_size``
        and ``src_features``.
    src_features : int, default=None
        Vector source of ``src_features`` floats.
    hidden_dim : int, default=64
        The model size ``d_model``.
    n_heads : int, default=4
        Attention heads; ``hidden_dim`` must be divisible by it.
    feedforward_dim : int, default=None
        Inner size of the feed-forward blocks (``None`` = ``4 * hidden_dim``).
    depth : int or (int, int), default=1
        Layers of the encoder and of the decoder, or ``(encoder_layers,
        decoder_layers)``.
    dropout : float, default=0.0
        Dropout in every layer (see :class:`TransformerEncoder`).
    pad_index : int, default=0
        Id of the padding token.

    Returns
    -------
    TransformerEncoderDecoder
    """
    target = {
        "vocab_size": trg_vocab_size,
        "n_features": trg_features,
        "bos_index": bos_index,
        "tie_embeddings": tie_embeddings,
    }
    encoder, decoder = _transformer_parts(target=target, **network)
    return TransformerEncoderDecoder(
        encoder, decoder, teacher_forcing_ratio=teacher_forcing_ratio
    )


def build_transformer_classifier(
    *, n_classes: int, **network: Unpack[TransformerNetworkOptions]
) -> TransformerClassifierModule:
    """Build a :class:`TransformerClassifierModule` (the encoder's layers only:
    the first element of a ``depth`` pair).

    Parameters
    ----------
    n_classes : int
        Number of classes.
    src_vocab_size : int, default=None
        Token source of ``src_vocab_size`` ids; exactly one of ``src_vocab_size``
        and ``src_features``.
    src_features : int, default=None
        Vector source of ``src_features`` floats.
    hidden_dim : int, default=64
        The model size ``d_model``.
    n_heads : int, default=4
        Attention heads; ``hidden_dim`` must be divisible by it.
    feedforward_dim : int, default=None
        Inner size of the feed-forward blocks (``None`` = ``4 * hidden_dim``).
    depth : int or (int, int), default=1
        Layers of the encoder and of the decoder, or ``(encoder_layers,
        decoder_layers)``.
    dropout : float, default=0.0
        Dropout in every layer (see :class:`TransformerEncoder`).
    pad_index : int, default=0
        Id of the padding token.

    Returns
    -------
    TransformerClassifierModule
    """
    encoder, _ = _transformer_parts(target=None, **network)
    return TransformerClassifierModule(encoder, n_classes, network.get("dropout", 0.0))
