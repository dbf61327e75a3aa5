"""Encoder–decoder models and the functions that build them.

- :class:`EncoderDecoder` maps a source sequence to a target sequence (token logits or
  vectors), ``forward(src, src_lengths, trg_input=None, n_steps=None)``;
- :class:`SequenceClassifierModule` decodes a fixed number of ``output_dim``-sized
  steps, flattens them and classifies them (as the farizrahman4u/seq2seq Keras models
  do: seq2seq, Flatten, Dense softmax).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

import torch
from torch import Tensor, nn

from ._specials import BOS_INDEX, PAD_INDEX
from ._utils import Hidden, lengths_to_mask
from .decoders import DecoderState, RecurrentDecoder, build_decoder
from .encoders import RecurrentEncoder

if TYPE_CHECKING:
    from typing_extensions import Unpack


class EncoderDecoder(nn.Module):
    """An encoder and a decoder.

    Parameters
    ----------
    encoder : RecurrentEncoder
    decoder : RecurrentDecoder
    teacher_forcing_ratio : float, default=1.0
        Used in training mode only; in evaluation mode a given ``trg_input`` is always
        fed (full teacher forcing).

    Attributes
    ----------
    generator : torch.Generator or None
        Random source of the teacher-forcing draws; set it for reproducible training.
    """

    def __init__(
        self,
        encoder: RecurrentEncoder,
        decoder: RecurrentDecoder,
        *,
        teacher_forcing_ratio: float = 1.0,
    ) -> None:
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder
        self.teacher_forcing_ratio = teacher_forcing_ratio
        self.generator: torch.Generator | None = None

    def encode(self, src: Tensor, src_lengths: Tensor) -> DecoderState:
        """Run the encoder and return the decoder's initial state.

        ``src`` is ``(batch, src_len)`` ids or ``(batch, src_len, n_features)``
        floats; ``src_lengths`` is ``(batch,)``.
        """
        encoder_output, encoder_final = self.encoder(src, src_lengths)
        src_mask = lengths_to_mask(src_lengths, src.shape[1])
        return self.decoder.init_state(encoder_output, encoder_final, src_mask)

    def forward(
        self,
        src: Tensor,
        src_lengths: Tensor,
        trg_input: Tensor | None = None,
        n_steps: int | None = None,
    ) -> tuple[Tensor, Tensor | None]:
        """Encode ``src`` and decode (teacher-forced on ``trg_input`` when given).

        Returns
        -------
        outputs : Tensor
            ``(batch, trg_len, vocab_size | n_features)``.
        attention : Tensor or None
            ``(batch, trg_len, src_len)`` for the attention decoder.
        """
        state = self.encode(src, src_lengths)
        ratio = self.teacher_forcing_ratio if self.training else 1.0
        return self.decoder(
            state,
            trg_input=trg_input,
            n_steps=n_steps,
            teacher_forcing_ratio=ratio,
            generator=self.generator,
        )


class SequenceClassifierModule(nn.Module):
    """Encoder, a free-running decoder of ``output_length`` steps, Flatten, Linear.

    Parameters
    ----------
    encoder : RecurrentEncoder
    decoder : RecurrentDecoder
        With continuous output of ``output_dim`` features.
    output_length : int
        Number of decoder steps.
    n_classes : int
        Number of classes.
    """

    def __init__(
        self,
        encoder: RecurrentEncoder,
        decoder: RecurrentDecoder,
        *,
        output_length: int,
        n_classes: int,
    ) -> None:
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder
        self.output_length = output_length
        self.head = nn.Linear(output_length * decoder.output_size, n_classes)  # type: ignore[operator]

    def forward(self, src: Tensor, src_lengths: Tensor) -> tuple[Tensor, Tensor | None]:
        """Logits ``(batch, n_classes)`` and attention ``(batch, output_length,
        src_len)`` (None without attention)."""
        encoder_output, encoder_final = self.encoder(src, src_lengths)
        src_mask = lengths_to_mask(src_lengths, src.shape[1])
        state = self.decoder.init_state(encoder_output, encoder_final, src_mask)
        outputs, weights = self.decoder(state, n_steps=self.output_length)
        return self.head(outputs.flatten(1)), weights


def _split_depth(depth: int | tuple[int, int]) -> tuple[int, int]:
    if isinstance(depth, int):
        return depth, depth
    encoder_layers, decoder_layers = depth
    return int(encoder_layers), int(decoder_layers)


class RecurrentNetworkOptions(TypedDict, total=False):
    """The keywords :func:`build_encoder_decoder` and
    :func:`build_sequence_classifier` share (defaults as documented)."""

    src_vocab_size: int | None
    src_features: int | None
    hidden_dim: int
    embedding_dim: int | None
    cell: str
    depth: int | tuple[int, int]
    decoder: str
    attention: str
    input_feeding: bool
    bidirectional: bool
    dropout: float
    pad_index: int


def _recurrent_parts(
    *,
    trg_vocab_size: int | None,
    trg_features: int | None,
    bos_index: int,
    tie_embeddings: bool = False,
    src_vocab_size: int | None = None,
    src_features: int | None = None,
    hidden_dim: int = 64,
    embedding_dim: int | None = None,
    cell: str = "gru",
    depth: int | tuple[int, int] = 1,
    decoder: str = "attention",
    attention: str = "additive",
    input_feeding: bool = True,
    bidirectional: bool = False,
    dropout: float = 0.0,
    pad_index: int = PAD_INDEX,
) -> tuple[RecurrentEncoder, RecurrentDecoder]:
    """The encoder and decoder both models are made of (the defaults of
    :class:`RecurrentNetworkOptions`)."""
    encoder_layers, decoder_layers = _split_depth(depth)
    encoder = RecurrentEncoder(
        hidden_dim,
        vocab_size=src_vocab_size,
        n_features=src_features,
        embedding_dim=embedding_dim,
        cell=cell,
        num_layers=encoder_layers,
        bidirectional=bidirectional,
        dropout=dropout,
        pad_index=pad_index,
    )
    decoder_module = build_decoder(
        decoder,
        hidden_dim,
        vocab_size=trg_vocab_size,
        n_features=trg_features,
        embedding_dim=embedding_dim,
        cell=cell,
        num_layers=decoder_layers,
        encoder_layers=encoder_layers,
        dropout=dropout,
        attention=attention,
        input_feeding=input_feeding,
        pad_index=pad_index,
        bos_index=bos_index,
        tie_embeddings=tie_embeddings,
    )
    return encoder, decoder_module


def build_encoder_decoder(
    *,
    trg_vocab_size: int | None = None,
    trg_features: int | None = None,
    teacher_forcing_ratio: float = 1.0,
    bos_index: int = BOS_INDEX,
    tie_embeddings: bool = False,
    **network: Unpack[RecurrentNetworkOptions],
) -> EncoderDecoder:
    """Build an :class:`EncoderDecoder`.

    Parameters
    ----------
    trg_vocab_size : int, default=None
        Token target of ``trg_vocab_size`` ids (logits over them); exactly one of
        ``trg_vocab_size`` and ``trg_features``.
    trg_features : int, default=None
        Vector target of ``trg_features`` floats.
    teacher_forcing_ratio : float, default=1.0
        See :class:`~.model.EncoderDecoder`.
    bos_index : int, default=2
        Id of ``<bos>``, the first input of a token decoder.
    tie_embeddings : bool, default=False
        Token target: the decoder's output layer shares its weight with the
        decoder's input embedding (see :class:`~.decoders.RecurrentDecoder`).
    src_vocab_size : int, default=None
        Token source of ``src_vocab_size`` ids; exactly one of ``src_vocab_size``
        and ``src_features``.
    src_features : int, default=None
        Vector source of ``src_features`` floats.
    hidden_dim : int, default=64
        Size of the recurrent states (the encoder's per direction).
    embedding_dim : int, default=None
        Size of the input layers' embeddings or projections (``None`` =
        ``hidden_dim``).
    cell : {"gru", "lstm", "rnn"}, default="gru"
        The recurrent cell.
    depth : int or (int, int), default=1
        Layers of the encoder and of the decoder, or ``(encoder_layers,
        decoder_layers)``.
    decoder : {"simple", "feedback", "peek", "attention"}, default="attention"
        The decoder mode (see :func:`~.decoders.build_decoder`).
    attention : {"additive", "dot", "general", "concat"}, default="additive"
        Attention score of the attention decoder (see
        :func:`~.attention.build_attention`).
    input_feeding : bool, default=True
        See :class:`~.decoders.RecurrentDecoder`.
    bidirectional : bool, default=False
        See :class:`~.encoders.RecurrentEncoder`.
    dropout : float, default=0.0
        Dropout on the input layers' outputs, between RNN layers and before the
        decoder's output layer.
    pad_index : int, default=0
        Id of the padding token.

    Returns
    -------
    EncoderDecoder
    """
    encoder, decoder = _recurrent_parts(
        trg_vocab_size=trg_vocab_size,
        trg_features=trg_features,
        bos_index=bos_index,
        tie_embeddings=tie_embeddings,
        **network,
    )
    return EncoderDecoder(encoder, decoder, teacher_forcing_ratio=teacher_forcing_ratio)


def build_sequence_classifier(
    *,
    n_classes: int,
    output_length: int,
    output_dim: int,
    **network: Unpack[RecurrentNetworkOptions],
) -> SequenceClassifierModule:
    """Build a :class:`SequenceClassifierModule` (the Keras seq2seq classifier).

    The decoder emits ``output_length`` vectors of ``output_dim`` features, fed back
    as its own next inputs where the mode uses previous outputs.

    Parameters
    ----------
    n_classes : int
        Number of classes.
    output_length : int
        Decoder steps.
    output_dim : int
        Features of each decoder output.
    src_vocab_size : int, default=None
        Token source of ``src_vocab_size`` ids; exactly one of ``src_vocab_size``
        and ``src_features``.
    src_features : int, default=None
        Vector source of ``src_features`` floats.
    hidden_dim : int, default=64
        Size of the recurrent states (the encoder's per direction).
    embedding_dim : int, default=None
        Size of the input layers' embeddings or projections (``None`` =
        ``hidden_dim``).
    cell : {"gru", "lstm", "rnn"}, default="gru"
        The recurrent cell.
    depth : int or (int, int), default=1
        Layers of the encoder and of the decoder, or ``(encoder_layers,
        decoder_layers)``.
    decoder : {"simple", "feedback", "peek", "attention"}, default="attention"
        The decoder mode (see :func:`~.decoders.build_decoder`).
    attention : {"additive", "dot", "general", "concat"}, default="additive"
        Attention score of the attention decoder (see
        :func:`~.attention.build_attention`).
    input_feeding : bool, default=True
        See :class:`~.decoders.RecurrentDecoder`.
    bidirectional : bool, default=False
        See :class:`~.encoders.RecurrentEncoder`.
    dropout : float, default=0.0
        Dropout on the input layers' outputs, between RNN layers and before the
        decoder's output layer.
    pad_index : int, default=0
        Id of the padding token.

    Returns
    -------
    SequenceClassifierModule
    """
    encoder, decoder = _recurrent_parts(
        trg_vocab_size=None, trg_features=output_dim, bos_index=BOS_INDEX, **network
    )
    return SequenceClassifierModule(
        encoder, decoder, output_length=output_length, n_classes=n_classes
    )


__all__ = [
    "EncoderDecoder",
    "SequenceClassifierModule",
    "build_encoder_decoder",
    "build_sequence_classifier",
    "Hidden",
]
