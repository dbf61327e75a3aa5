"""Attention mechanisms: additive (Bahdanau) and Luong's dot, general and concat scores.

Every mechanism follows the same two-step protocol so that the keys are projected once
per batch, not once per decoding step:

1. ``proj_keys = attention.compute_proj_keys(keys)`` with ``keys`` of shape
   ``(batch, src_len, key_size)``;
2. ``context, weights = attention(query, proj_keys, values, mask)`` at every step, with
   ``query`` ``(batch, query_size)``, ``values`` ``(batch, src_len, value_size)`` and
   ``mask`` ``(batch, src_len)`` (True on real positions). ``context`` is
   ``(batch, value_size)`` and ``weights`` ``(batch, src_len)``.

Padding is masked out before the softmax, so its weight is exactly 0; a sequence with no
real position at all (an empty source) gets all-zero weights and a zero context.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn


class AttentionMechanism(nn.Module):
    """Base class: turns scores into masked weights and a weighted context."""

    def compute_proj_keys(self, keys: Tensor) -> Tensor:
        """Project the keys once per batch: ``(batch, src_len, key_size)`` in."""
        return keys

    def score(self, query: Tensor, proj_keys: Tensor) -> Tensor:
        """Unnormalised scores ``(batch, steps, src_len)`` of queries
        ``(batch, steps, query_size)``."""
        raise NotImplementedError

    def forward(
        self,
        query: Tensor,
        proj_keys: Tensor,
        values: Tensor,
        mask: Tensor,
        pad_mask: Tensor | None = None,
        any_empty: bool = True,
    ) -> tuple[Tensor, Tensor]:
        """Context ``(batch, value_size)`` and weights ``(batch, src_len)``.

        ``query`` may also hold the queries of several steps,
        ``(batch, steps, query_size)``; context and weights then have a ``steps``
        axis after the batch (all steps attended at once, as Luong-style decoders do
        under teacher forcing).

        ``pad_mask`` (``~mask``) and ``any_empty`` (whether some row of ``mask`` is
        all False) may be computed once per batch by the caller to save work at
        every step.
        """
        single_step = query.dim() == 2
        if single_step:
            query = query.unsqueeze(1)
        scores = self.score(query, proj_keys)  # batch x steps x src_len
        pad_mask = ~mask if pad_mask is None else pad_mask
        scores = scores.masked_fill(pad_mask.unsqueeze(1), float("-inf"))
        if not any_empty:
            # -inf on padding gives exactly 0 weight there.
            weights = torch.softmax(scores, dim=2)
        else:
            # An empty source would give a row of -inf (NaN after softmax): score it
            # 0 and let the mask zero the weights instead.
            empty = ~mask.any(dim=1, keepdim=True)  # batch x 1
            scores = scores.masked_fill(empty.unsqueeze(1), 0.0)
            weights = torch.softmax(scores, dim=2) * mask.unsqueeze(1)
        context = torch.bmm(weights, values)  # batch x steps x value_size
        if single_step:
            return context.squeeze(1), weights.squeeze(1)
        return context, weights


class BahdanauAttention(AttentionMechanism):
    """Additive attention, ``e = vᵀ tanh(W s + U h)`` (Bahdanau et al., 2015).

    Parameters
    ----------
    query_size : int
        Size of the decoder state ``s``.
    key_size : int
        Size of the encoder states ``h``.
    attention_size : int
        Size of the hidden layer inside the score.
    """

    def __init__(self, query_size: int, key_size: int, attention_size: int) -> None:
        super().__init__()
        self.query_layer = nn.Linear(query_size, attention_size, bias=False)
        self.key_layer = nn.Linear(key_size, attention_size, bias=False)
        self.energy_layer = nn.Linear(attention_size, 1, bias=False)

    def compute_proj_keys(self, keys: Tensor) -> Tensor:
        return self.key_layer(keys)  # batch x src_len x attention_size

    def score(self, query: Tensor, proj_keys: Tensor) -> Tensor:
        return additive_score(self.query_layer, self.energy_layer, query, proj_keys)


def additive_score(
    query_layer: nn.Linear, energy_layer: nn.Linear, query: Tensor, proj_keys: Tensor
) -> Tensor:
    """``vᵀ tanh(W s + U h)`` for every query step and key: Bahdanau's additive
    score, which is also Luong's ``concat`` score (``W [s; h] + b`` splits into
    ``W_s s + (W_h h + b)``, the key half precomputed in ``proj_keys``)."""
    # batch x steps x 1 x att + batch x 1 x src_len x att
    energy = torch.tanh(query_layer(query).unsqueeze(2) + proj_keys.unsqueeze(1))
    return energy_layer(energy).squeeze(3)  # batch x steps x src_len


class LuongAttention(AttentionMechanism):
    """Luong et al. (2015) scores: ``dot``, ``general`` and ``concat``.

    - ``dot``: ``e = sᵀ h`` (query and key sizes must be equal);
    - ``general``: ``e = sᵀ W h``;
    - ``concat``: ``e = vᵀ tanh(W [s; h] + b)``.

    Parameters
    ----------
    score : {"dot", "general", "concat"}
        The score function.
    query_size : int
        Size of the decoder state ``s``.
    key_size : int
        Size of the encoder states ``h``.
    attention_size : int
        Size of the hidden layer of the ``concat`` score (unused otherwise).
    """

    def __init__(
        self, score: str, query_size: int, key_size: int, attention_size: int
    ) -> None:
        super().__init__()
        if score not in ("dot", "general", "concat"):
            raise ValueError(
                f"score must be 'dot', 'general' or 'concat', got {score!r}."
            )
        if score == "dot" and query_size != key_size:
            raise ValueError(
                "dot attention needs equal query and key sizes, got "
                f"{query_size} and {key_size}."
            )
        self.score_name = score
        if score == "general":
            self.key_layer = nn.Linear(key_size, query_size, bias=False)
        elif score == "concat":
            # W [s; h] + b split as W_s s + (W_h h + b): the key half is precomputed.
            self.key_layer = nn.Linear(key_size, attention_size, bias=True)
            self.query_layer = nn.Linear(query_size, attention_size, bias=False)
            self.energy_layer = nn.Linear(attention_size, 1, bias=False)

    def compute_proj_keys(self, keys: Tensor) -> Tensor:
        if self.score_name == "dot":
            return keys
        return self.key_layer(keys)

    def score(self, query: Tensor, proj_keys: Tensor) -> Tensor:
        if self.score_name == "concat":  # Bahdanau's score, with a bias
            return additive_score(self.query_layer, self.energy_layer, query, proj_keys)
        # dot and general: batch x steps x d @ batch x d x src_len
        return torch.bmm(query, proj_keys.transpose(1, 2))


ATTENTION_SCORES = ("additive", "dot", "general", "concat")


def build_attention(
    score: str, query_size: int, key_size: int, attention_size: int | None = None
) -> AttentionMechanism:
    """Build the attention mechanism named by ``score``.

    Parameters
    ----------
    score : {"additive", "dot", "general", "concat"}
        ``"additive"`` is Bahdanau's score; the others are Luong's.
    query_size : int
        Size of the decoder state.
    key_size : int
        Size of the encoder states.
    attention_size : int, default=None
        Hidden size of the additive and concat scores (``None`` = ``query_size``).

    Returns
    -------
    AttentionMechanism
    """
    attention_size = attention_size or query_size
    if score == "additive":
        return BahdanauAttention(query_size, key_size, attention_size)
    if score in ("dot", "general", "concat"):
        return LuongAttention(score, query_size, key_size, attention_size)
    raise ValueError(
        f"attention must be one of {list(ATTENTION_SCORES)}, got {score!r}."
    )
