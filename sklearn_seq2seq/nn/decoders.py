"""Recurrent decoders: the four modes of the Keras seq2seq models.

- :class:`SimpleDecoder` — the encoder's context vector is the input at every step;
- :class:`FeedbackDecoder` — the previous output (ground truth under teacher forcing) is
  the input, starting from ``<bos>``; the context only initialises the state;
- :class:`PeekDecoder` — previous output and context vector at every step;
- :class:`AttentionDecoder` — previous output and an attention context over all encoder
  states, recomputed at every step. With ``input_feeding=True`` (default) the context,
  computed from the previous top-layer state, is part of the RNN's input (Bahdanau et
  al.); with ``input_feeding=False`` the RNN reads only the previous output and the
  context is computed from its new output (Luong et al.'s global attention without
  input feeding), so that under teacher forcing the whole decoder runs as one RNN
  call and the attention of all steps at once. Either way the output is read from
  ``tanh(W [rnn_output; context])``.

Each decoder emits either logits over a target vocabulary (``vocab_size``) or vectors of
``n_features`` (a regression head, or the classifier's ``output_dim`` outputs).

Shapes: ``trg_input`` is ``(batch, trg_len)`` ids starting with ``<bos>`` or
``(batch, trg_len, n_features)`` floats starting with a zero vector; outputs are
``(batch, trg_len, vocab_size | n_features)``; attention weights
``(batch, trg_len, src_len)``.

Where every decoder input is known before decoding (simple and peek modes, feedback
under full teacher forcing), the RNN runs over the whole target in one call; otherwise
it steps. Both paths share the same layers and give the same result.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import torch
from torch import Tensor, nn

from ._recurrent import RecurrentStack, RecurrentStackOptions
from ._specials import BOS_INDEX
from ._step_decoder import StepDecoder
from ._utils import Hidden, map_hidden, select_hidden, top_hidden
from .attention import build_attention

if TYPE_CHECKING:
    from typing_extensions import Unpack


@dataclass
class DecoderState:
    """What one decoding step needs, every tensor with a batch dimension.

    Attributes
    ----------
    hidden : Tensor or tuple of Tensor
        ``(num_layers, batch, hidden_dim)`` (a pair for an LSTM).
    context : Tensor
        ``(batch, hidden_dim)``: the encoder's top-layer final state.
    encoder_output : Tensor
        ``(batch, src_len, hidden_dim)``.
    proj_keys : Tensor or None
        ``(batch, src_len, attention_size)``: keys projected once per batch.
    src_mask : Tensor
        ``(batch, src_len)``, True on real source positions.
    src_pad_mask : Tensor or None
        ``~src_mask``, computed once for the attention.
    any_empty_source : bool
        Whether some source has no position at all.
    """

    hidden: Hidden
    context: Tensor
    encoder_output: Tensor
    proj_keys: Tensor | None
    src_mask: Tensor
    src_pad_mask: Tensor | None = None
    any_empty_source: bool = True

    def index_select(self, index: Tensor) -> DecoderState:
        """Select (or repeat, for beam search) batch entries ``index``."""
        return DecoderState(
            hidden=select_hidden(self.hidden, index),
            context=self.context.index_select(0, index),
            encoder_output=self.encoder_output.index_select(0, index),
            proj_keys=None
            if self.proj_keys is None
            else self.proj_keys.index_select(0, index),
            src_mask=self.src_mask.index_select(0, index),
            src_pad_mask=None
            if self.src_pad_mask is None
            else self.src_pad_mask.index_select(0, index),
            any_empty_source=self.any_empty_source,
        )

    def reorder(self, index: Tensor) -> DecoderState:
        """Beam search: hypotheses move within their sequence's block of identical
        encoder rows, so only the recurrent state is reordered."""
        return replace(self, hidden=select_hidden(self.hidden, index))


class RecurrentDecoder(RecurrentStack, StepDecoder):
    """Base class of the decoders: input layer, RNN stack, output head and the loop.

    Parameters
    ----------
    hidden_dim : int
        Size of the states (the encoder's per direction; the decoder's equal to the
        encoder's).
    encoder_layers : int, default=None
        Layers of the encoder whose final states initialise this decoder (``None`` =
        ``num_layers``). Rule: the top layers are aligned — decoder layer ``i``
        counted from the top starts from encoder layer ``i`` counted from the top;
        decoder layers below the encoder's bottom start from the encoder's top layer
        (the context).
    attention : str, default="additive"
        Attention score, used by :class:`AttentionDecoder` only.
    input_feeding : bool, default=True
        :class:`AttentionDecoder` only: feed the attention context into the RNN
        (query = previous state); False attends after the RNN step (query = new
        state), which lets teacher-forced training run in one RNN call.
    bos_index : int, default=2
        Id of ``<bos>``, the first input for token output.
    tie_embeddings : bool, default=False
        Token output of a mode that reads its previous output only: the output
        layer's weight *is* the input embedding's (Press & Wolf, 2017; Inan et al.,
        2017), one parameter, initialised as the embedding; the output layer keeps
        its own bias. Needs ``embedding_dim == hidden_dim``.
    vocab_size : int, default=None
        Number of token ids: token input (and, for a decoder, logits over them).
    n_features : int, default=None
        Size of each vector: continuous input (and, for a decoder, output); exactly
        one of ``vocab_size`` and ``n_features``.
    embedding_dim : int, default=None
        Size of the token embedding or of the linear projection of each input vector
        (``None`` = ``hidden_dim``).
    cell : {"gru", "lstm", "rnn"}, default="gru"
        The recurrent cell.
    num_layers : int, default=1
        Stacked RNN layers.
    dropout : float, default=0.0
        Dropout on the input layer's output and between RNN layers
        (and, in a decoder, before the output layer).
    pad_index : int, default=0
        Id of the padding token (its embedding stays zero).
    """

    #: The mode's name, as the estimators' ``decoder`` parameter spells it.
    mode: str = ""
    feeds_previous_output: bool = True
    feeds_context: bool = False
    uses_attention: bool = False

    @property
    def has_input_layer(self) -> bool:  # type: ignore[override]
        """An input layer for the previous output, in the modes that read it."""
        return self.feeds_previous_output

    def __init__(
        self,
        hidden_dim: int,
        *,
        encoder_layers: int | None = None,
        attention: str = "additive",
        input_feeding: bool = True,
        bos_index: int = BOS_INDEX,
        tie_embeddings: bool = False,
        **options: Unpack[RecurrentStackOptions],
    ) -> None:
        reads_context = self.feeds_context or (self.uses_attention and input_feeding)
        super().__init__(
            hidden_dim, extra_input_size=hidden_dim if reads_context else 0, **options
        )
        self.input_feeding = input_feeding
        self._set_output(options, bos_index)
        num_layers = self.num_layers
        encoder_layers = encoder_layers or num_layers
        self.layer_map = [
            encoder_layers - (num_layers - i)
            if num_layers - i <= encoder_layers
            # below the encoder's bottom: the encoder's top layer
            else encoder_layers - 1
            for i in range(num_layers)
        ]
        if self.uses_attention:
            self.attention = build_attention(attention, hidden_dim, hidden_dim)
            self.attention_layer = nn.Linear(2 * hidden_dim, hidden_dim)
        self.output_layer = nn.Linear(hidden_dim, self.output_size)
        self.tie_embeddings = tie_embeddings
        if tie_embeddings:
            if not (self.is_token_output and self.feeds_previous_output):
                raise ValueError(
                    "tie_embeddings needs token output and a decoder that reads its "
                    f"previous output (not {self.mode!r} with "
                    f"{'token' if self.is_token_output else 'vector'} output)."
                )
            if self.embedding_dim != hidden_dim:
                raise ValueError(
                    "tie_embeddings needs embedding_dim == hidden_dim, got "
                    f"{self.embedding_dim} and {hidden_dim}."
                )
            self.output_layer.weight = self.input_layer.weight

    # -- state ---------------------------------------------------------------------
    def init_state(
        self, encoder_output: Tensor, encoder_final: Hidden, src_mask: Tensor
    ) -> DecoderState:
        """Initial state from the encoder's outputs and final states.

        ``encoder_output`` is ``(batch, src_len, hidden_dim)``, ``encoder_final``
        ``(encoder_layers, batch, hidden_dim)``, ``src_mask`` ``(batch, src_len)``.
        """
        index = torch.tensor(self.layer_map, device=encoder_output.device)
        hidden = map_hidden(
            encoder_final, lambda h: h.index_select(0, index).contiguous()
        )
        proj_keys = (
            self.attention.compute_proj_keys(encoder_output)
            if self.uses_attention
            else None
        )
        return DecoderState(
            hidden=hidden,
            context=top_hidden(encoder_final),
            encoder_output=encoder_output,
            proj_keys=proj_keys,
            src_mask=src_mask,
            src_pad_mask=~src_mask,
            any_empty_source=bool((~src_mask.any(dim=1)).any()),
        )

    # -- one step --------------------------------------------------------------------
    def step(
        self, prev_output: Tensor, state: DecoderState
    ) -> tuple[Tensor, DecoderState, Tensor | None]:
        """Decode one step.

        Parameters
        ----------
        prev_output : Tensor
            ``(batch,)`` previous ids or ``(batch, n_features)`` previous vectors.
        state : DecoderState

        Returns
        -------
        output : Tensor
            ``(batch, vocab_size | n_features)`` logits or vectors.
        state : DecoderState
            With the new hidden state.
        weights : Tensor or None
            ``(batch, src_len)`` attention weights (attention mode only).
        """
        parts = []
        if self.feeds_previous_output:
            parts.append(self.dropout(self.input_layer(prev_output)))
        if self.feeds_context:
            parts.append(state.context)
        weights = None
        attend_first = self.uses_attention and self.input_feeding
        if attend_first:
            query = top_hidden(state.hidden)  # batch x hidden
            context, weights = self._attend(query, state)
            parts.append(context)
        rnn_input = torch.cat(parts, dim=1).unsqueeze(1)  # batch x 1 x input_size
        rnn_output, hidden = self.rnn(rnn_input, state.hidden)
        features = rnn_output.squeeze(1)  # batch x hidden
        if self.uses_attention:
            if not attend_first:
                context, weights = self._attend(features, state)
            features = torch.tanh(
                self.attention_layer(torch.cat([features, context], dim=-1))
            )
        output = self.output_layer(self.dropout(features))
        return output, replace(state, hidden=hidden), weights

    def _attend(self, query: Tensor, state: DecoderState) -> tuple[Tensor, Tensor]:
        """Attention context and weights for ``query`` ``(batch, [steps,] hidden)``."""
        return self.attention(
            query,
            state.proj_keys,
            state.encoder_output,
            state.src_mask,
            pad_mask=state.src_pad_mask,
            any_empty=state.any_empty_source,
        )

    # -- whole sequences --------------------------------------------------------------
    def can_run_in_one_call(self, teacher_forced: bool) -> bool:
        """Whether every step's input is known before decoding."""
        if self.uses_attention and self.input_feeding:
            return False
        return not self.feeds_previous_output or teacher_forced

    def _forward_one_call(
        self, state: DecoderState, trg_input: Tensor | None, n_steps: int
    ) -> tuple[Tensor, Tensor | None]:
        parts = []
        if self.feeds_previous_output:
            assert trg_input is not None
            parts.append(self.dropout(self.input_layer(trg_input)))
        if self.feeds_context:
            parts.append(state.context.unsqueeze(1).expand(-1, n_steps, -1))
        rnn_output, _ = self.rnn(torch.cat(parts, dim=2), state.hidden)
        weights = None
        if self.uses_attention:
            # Every step's query is known: attend for all steps at once.
            context, weights = self._attend(rnn_output, state)  # batch x trg x ...
            rnn_output = torch.tanh(
                self.attention_layer(torch.cat([rnn_output, context], dim=-1))
            )
        return self.output_layer(self.dropout(rnn_output)), weights


class SimpleDecoder(RecurrentDecoder):
    """The context vector is the decoder's input at every step.

    Parameters
    ----------
    hidden_dim : int
    encoder_layers : int, default=None
    attention : str, default="additive"
    input_feeding : bool, default=True
    bos_index : int, default=2
    tie_embeddings : bool, default=False
    vocab_size : int, default=None
    n_features : int, default=None
    embedding_dim : int, default=None
    cell : {"gru", "lstm", "rnn"}, default="gru"
    num_layers : int, default=1
    dropout : float, default=0.0
    pad_index : int, default=0
        Those of :class:`RecurrentDecoder`, described there.
    """

    mode = "simple"
    feeds_previous_output = False
    feeds_context = True


class FeedbackDecoder(RecurrentDecoder):
    """The previous output is the input; the context only initialises the state.

    Parameters
    ----------
    hidden_dim : int
    encoder_layers : int, default=None
    attention : str, default="additive"
    input_feeding : bool, default=True
    bos_index : int, default=2
    tie_embeddings : bool, default=False
    vocab_size : int, default=None
    n_features : int, default=None
    embedding_dim : int, default=None
    cell : {"gru", "lstm", "rnn"}, default="gru"
    num_layers : int, default=1
    dropout : float, default=0.0
    pad_index : int, default=0
        Those of :class:`RecurrentDecoder`, described there.
    """

    mode = "feedback"


class PeekDecoder(RecurrentDecoder):
    """Previous output and context vector together at every step.

    Parameters
    ----------
    hidden_dim : int
    encoder_layers : int, default=None
    attention : str, default="additive"
    input_feeding : bool, default=True
    bos_index : int, default=2
    tie_embeddings : bool, default=False
    vocab_size : int, default=None
    n_features : int, default=None
    embedding_dim : int, default=None
    cell : {"gru", "lstm", "rnn"}, default="gru"
    num_layers : int, default=1
    dropout : float, default=0.0
    pad_index : int, default=0
        Those of :class:`RecurrentDecoder`, described there.
    """

    mode = "peek"
    feeds_context = True


class AttentionDecoder(RecurrentDecoder):
    """Previous output and an attention context recomputed at every step.

    Parameters
    ----------
    hidden_dim : int
    encoder_layers : int, default=None
    attention : str, default="additive"
    input_feeding : bool, default=True
    bos_index : int, default=2
    tie_embeddings : bool, default=False
    vocab_size : int, default=None
    n_features : int, default=None
    embedding_dim : int, default=None
    cell : {"gru", "lstm", "rnn"}, default="gru"
    num_layers : int, default=1
    dropout : float, default=0.0
    pad_index : int, default=0
        Those of :class:`RecurrentDecoder`, described there.
    """

    mode = "attention"
    uses_attention = True


DECODERS: dict[str, type[RecurrentDecoder]] = {
    cls.mode: cls
    for cls in (SimpleDecoder, FeedbackDecoder, PeekDecoder, AttentionDecoder)
}


def build_decoder(mode: str, hidden_dim: int, **kwargs) -> RecurrentDecoder:
    """Build the decoder named by ``mode``.

    Parameters
    ----------
    mode : {"simple", "feedback", "peek", "attention"}
        The decoder class, by its ``mode``: :class:`SimpleDecoder`,
        :class:`FeedbackDecoder`, :class:`PeekDecoder` or :class:`AttentionDecoder`.
    hidden_dim : int
        Size of the states.
    **kwargs
        The other keywords of :class:`RecurrentDecoder`.

    Returns
    -------
    RecurrentDecoder
    """
    if mode not in DECODERS:
        raise ValueError(f"decoder must be one of {list(DECODERS)}, got {mode!r}.")
    return DECODERS[mode](hidden_dim, **kwargs)
