"""The layers the Transformer is built from: sinusoidal positions and the input
layer, multi-head attention, and the decoder layer (Vaswani et al., 2017, with the
pre-norm placement of Xiong et al., 2020)."""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from ._utils import make_dropout


def sinusoidal_positions(
    length: int, d_model: int, *, offset: int = 0, like: Tensor
) -> Tensor:
    """Sinusoidal position encodings ``(length, d_model)`` for positions
    ``offset, ..., offset + length - 1`` (sines on even, cosines on odd features)."""
    position = torch.arange(
        offset, offset + length, device=like.device, dtype=torch.float64
    ).unsqueeze(1)
    frequency = torch.exp(
        torch.arange(0, d_model, 2, device=like.device, dtype=torch.float64)
        * (-math.log(10000.0) / d_model)
    )
    encoding = torch.zeros(length, d_model, device=like.device, dtype=torch.float64)
    encoding[:, 0::2] = torch.sin(position * frequency)
    encoding[:, 1::2] = torch.cos(position * frequency)[:, : d_model // 2]
    return encoding.to(like.dtype)


class InputLayer(nn.Module):
    """A token embedding scaled by ``sqrt(d_model)`` or a linear projection of
    vectors, plus sinusoidal positions and dropout.

    Parameters
    ----------
    d_model : int
    embedding : nn.Embedding or nn.Linear
        To ``d_model`` features (from :func:`~._utils.make_input_layer`); an
        embedding is initialised here.
    dropout : float, default=0.0
    """

    def __init__(
        self, d_model: int, embedding: nn.Module, dropout: float = 0.0
    ) -> None:
        super().__init__()
        self.d_model = d_model
        self.embedding = embedding
        self.is_tokens = isinstance(embedding, nn.Embedding)
        if isinstance(embedding, nn.Embedding):
            # N(0, 1/d): the scaled embedding starts at unit variance, and as a
            # tied output projection it gives logits of unit scale.
            nn.init.normal_(embedding.weight, std=d_model**-0.5)
            with torch.no_grad():
                embedding.weight[embedding.padding_idx].zero_()
            self.scale = math.sqrt(d_model)
        else:
            self.scale = 1.0
        self.dropout = make_dropout(dropout)

    def forward(self, x: Tensor, offset: int = 0) -> Tensor:
        """``(batch, len)`` ids or ``(batch, len, n_features)`` → ``(batch, len,
        d_model)``; positions start at ``offset``."""
        embedded = self.embedding(x) * self.scale
        positions = sinusoidal_positions(
            embedded.shape[1], self.d_model, offset=offset, like=embedded
        )
        return self.dropout(embedded + positions)


class MultiHeadAttention(nn.Module):
    """Scaled dot-product attention over ``n_heads`` heads whose keys and values
    can be projected once and reused (the decoder's cache).

    Parameters
    ----------
    d_model, n_heads : int
    dropout : float, default=0.0
        On the attention weights.
    """

    def __init__(self, d_model: int, n_heads: int, dropout: float = 0.0) -> None:
        super().__init__()
        if d_model % n_heads:
            raise ValueError(
                f"d_model={d_model} must be divisible by n_heads={n_heads}."
            )
        self.n_heads = n_heads
        self.head_dim = d_model // n_heads
        self.query = nn.Linear(d_model, d_model)
        self.key = nn.Linear(d_model, d_model)
        self.value = nn.Linear(d_model, d_model)
        self.output = nn.Linear(d_model, d_model)
        self.dropout = make_dropout(dropout)

    def _heads(self, x: Tensor) -> Tensor:
        # batch x len x d_model -> batch x heads x len x head_dim
        batch, length, _ = x.shape
        return x.view(batch, length, self.n_heads, self.head_dim).transpose(1, 2)

    def keys_values(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """Projected keys and values ``(batch, heads, len, head_dim)``."""
        return self._heads(self.key(x)), self._heads(self.value(x))

    def forward(
        self, x: Tensor, keys: Tensor, values: Tensor, mask: Tensor | None = None
    ) -> tuple[Tensor, Tensor]:
        """Attend from ``x`` ``(batch, q_len, d_model)``.

        ``mask`` (broadcast to ``(batch, q_len, k_len)``) is True where a query may
        attend. Returns the output ``(batch, q_len, d_model)`` and the weights
        averaged over the heads ``(batch, q_len, k_len)``.
        """
        query = self._heads(self.query(x))
        scores = query @ keys.transpose(2, 3) / math.sqrt(self.head_dim)
        if mask is not None:
            scores = scores.masked_fill(~mask.unsqueeze(1), float("-inf"))
        weights = torch.softmax(scores, dim=-1)  # batch x heads x q_len x k_len
        context = self.dropout(weights) @ values  # batch x heads x q_len x head_dim
        batch, _, q_len, _ = context.shape
        context = context.transpose(1, 2).reshape(batch, q_len, -1)
        return self.output(context), weights.mean(dim=1)


class TransformerDecoderLayer(nn.Module):
    """Pre-norm decoder layer: causal self-attention, cross-attention, feed-forward.

    Parameters
    ----------
    d_model, n_heads, feedforward_dim : int
    dropout : float, default=0.0
    """

    def __init__(
        self, d_model: int, n_heads: int, feedforward_dim: int, dropout: float = 0.0
    ) -> None:
        super().__init__()
        self.self_attention = MultiHeadAttention(d_model, n_heads, dropout)
        self.cross_attention = MultiHeadAttention(d_model, n_heads, dropout)
        self.feedforward = nn.Sequential(
            nn.Linear(d_model, feedforward_dim),
            nn.ReLU(),
            make_dropout(dropout),
            nn.Linear(feedforward_dim, d_model),
        )
        self.norms = nn.ModuleList(nn.LayerNorm(d_model) for _ in range(3))
        self.dropout = make_dropout(dropout)

    def forward(
        self,
        x: Tensor,
        memory: tuple[Tensor, Tensor],
        memory_mask: Tensor,
        cache: tuple[Tensor, Tensor] | None = None,
        causal_mask: Tensor | None = None,
    ) -> tuple[Tensor, tuple[Tensor, Tensor], Tensor]:
        """Run the layer on ``x`` ``(batch, q_len, d_model)``.

        ``memory`` is the cross-attention's projected keys and values,
        ``memory_mask`` ``(batch, 1, src_len)``; ``cache`` the self-attention's keys
        and values of the earlier positions (step decoding), ``causal_mask``
        ``(1, q_len, q_len)`` for a whole sequence at once. Returns the output, the
        self-attention keys and values up to this position (the new cache) and the
        cross-attention weights ``(batch, q_len, src_len)``.
        """
        h = self.norms[0](x)
        keys, values = self.self_attention.keys_values(h)
        if cache is not None:
            keys = torch.cat([cache[0], keys], dim=2)
            values = torch.cat([cache[1], values], dim=2)
        attended, _ = self.self_attention(h, keys, values, causal_mask)
        x = x + self.dropout(attended)
        h = self.norms[1](x)
        attended, weights = self.cross_attention(h, *memory, memory_mask)
        x = x + self.dropout(attended)
        x = x + self.dropout(self.feedforward(self.norms[2](x)))
        return x, (keys, values), weights
