"""What the recurrent encoder and decoders share: an input layer over token ids or
feature vectors, dropout and a stack of RNN layers, built from one parameter list."""

from __future__ import annotations

from typing import TypedDict

from torch import nn

from ._specials import PAD_INDEX
from ._utils import (
    check_one_input,
    init_embedding,
    make_dropout,
    make_input_layer,
    make_rnn,
)


class RecurrentStackOptions(TypedDict, total=False):
    """The keywords of :class:`RecurrentStack` that the recurrent encoder and
    decoders take as they are."""

    vocab_size: int | None
    n_features: int | None
    embedding_dim: int | None
    cell: str
    num_layers: int
    dropout: float
    pad_index: int


class RecurrentStack(nn.Module):
    """Input layer (``input_layer``, when :attr:`has_input_layer`), ``dropout`` and
    an ``rnn`` stack reading the embedded input and ``extra_input_size`` more
    features per step, made in this order.

    Parameters
    ----------
    hidden_dim : int
        Size of the states (the encoder's per direction; the decoder's equal to the
        encoder's).
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
    extra_input_size : int, default=0
        Features the RNN reads besides the embedded input (a context vector).
    bidirectional : bool, default=False
        Run a backward RNN too (states of ``hidden_dim`` per direction).
    """

    #: Whether the stack reads an input sequence through ``input_layer``.
    has_input_layer: bool = True

    def __init__(
        self,
        hidden_dim: int,
        *,
        vocab_size: int | None = None,
        n_features: int | None = None,
        embedding_dim: int | None = None,
        cell: str = "gru",
        num_layers: int = 1,
        dropout: float = 0.0,
        pad_index: int = PAD_INDEX,
        extra_input_size: int = 0,
        bidirectional: bool = False,
    ) -> None:
        super().__init__()
        check_one_input(vocab_size, n_features)
        self.hidden_dim = hidden_dim
        self.embedding_dim = embedding_dim or hidden_dim
        self.num_layers = num_layers
        self.cell = cell
        self.pad_index = pad_index
        input_size = extra_input_size
        if self.has_input_layer:
            self.input_layer = make_input_layer(
                vocab_size, n_features, self.embedding_dim, pad_index
            )
            if isinstance(self.input_layer, nn.Embedding):
                init_embedding(self.input_layer)
            input_size += self.embedding_dim
        self.dropout = make_dropout(dropout)
        self.rnn = make_rnn(
            cell, input_size, hidden_dim, num_layers, dropout, bidirectional
        )
