"""Recurrent encoder over token ids or continuous feature vectors.

Shapes: ``src`` is ``(batch, src_len)`` of token ids (padding = ``pad_index``) or
``(batch, src_len, n_features)`` of floats; ``src_lengths`` is ``(batch,)``. The
encoder returns

- ``encoder_output``: ``(batch, src_len, hidden_dim)``, zero on padding;
- ``encoder_final``: the final state of every layer, ``(num_layers, batch, hidden_dim)``
  (a pair ``(h, c)`` for an LSTM), taken at each sequence's own last step.

Sequences are packed, so padding never changes a sequence's states. An empty sequence
(length 0) is valid: its outputs and final states are zero (a zero context).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from ._recurrent import RecurrentStack, RecurrentStackOptions
from ._utils import Hidden, lengths_to_mask, map_hidden

if TYPE_CHECKING:
    from typing_extensions import Unpack


class RecurrentEncoder(RecurrentStack):
    """Embedding (or linear) input layer and a stack of RNN layers.

    Parameters
    ----------
    hidden_dim : int
        Size of the states (the encoder's per direction; the decoder's equal to the
        encoder's).
    bidirectional : bool, default=False
        Run a backward RNN too. Both directions' outputs and final states are then
        concatenated and projected back to ``hidden_dim`` (a linear layer; ``tanh`` for
        the hidden state), so the decoder sees the same sizes either way.
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

    def __init__(
        self,
        hidden_dim: int,
        *,
        bidirectional: bool = False,
        **options: Unpack[RecurrentStackOptions],
    ) -> None:
        super().__init__(hidden_dim, bidirectional=bidirectional, **options)
        self.bidirectional = bidirectional
        if bidirectional:
            self.output_bridge = nn.Linear(2 * hidden_dim, hidden_dim)
            self.state_bridge = nn.Linear(2 * hidden_dim, hidden_dim)

    def forward(self, src: Tensor, src_lengths: Tensor) -> tuple[Tensor, Hidden]:
        """Encode a padded batch.

        Parameters
        ----------
        src : Tensor
            ``(batch, src_len)`` ids or ``(batch, src_len, n_features)`` floats.
        src_lengths : Tensor
            ``(batch,)`` true lengths (0 allowed).

        Returns
        -------
        encoder_output : Tensor
            ``(batch, src_len, hidden_dim)``.
        encoder_final : Tensor or tuple of Tensor
            ``(num_layers, batch, hidden_dim)`` per state tensor.
        """
        batch_size, src_len = src.shape[0], src.shape[1]
        embedded = self.dropout(self.input_layer(src))  # batch x src_len x emb
        lengths_cpu = src_lengths.detach().to("cpu", torch.int64)
        # pack_padded_sequence refuses length 0: run empty rows over one step, then zero
        # their outputs and states below.
        packed = pack_padded_sequence(
            embedded, lengths_cpu.clamp(min=1), batch_first=True, enforce_sorted=False
        )
        packed_output, final = self.rnn(packed)
        output, _ = pad_packed_sequence(
            packed_output, batch_first=True, total_length=src_len
        )  # batch x src_len x directions*hidden
        if self.bidirectional:
            output = self.output_bridge(output)
            final = map_hidden(final, self._merge_directions)
            final = (
                (torch.tanh(final[0]), final[1])
                if isinstance(final, tuple)
                else torch.tanh(final)
            )
        nonempty = (src_lengths > 0).to(output.dtype)  # batch
        output = output * nonempty.view(batch_size, 1, 1)
        if self.bidirectional:
            # The bridge's bias must not leak into padding positions.
            real = lengths_to_mask(src_lengths, src_len).to(output.dtype)
            output = output * real.unsqueeze(2)
        final = map_hidden(final, lambda h: h * nonempty.view(1, batch_size, 1))
        return output, final

    def _merge_directions(self, h: Tensor) -> Tensor:
        # (layers*2, batch, hidden) -> (layers, batch, 2*hidden) -> project
        layers2, batch_size, hidden = h.shape
        h = h.view(layers2 // 2, 2, batch_size, hidden).transpose(1, 2)
        h = h.reshape(layers2 // 2, batch_size, 2 * hidden)
        return self.state_bridge(h)
