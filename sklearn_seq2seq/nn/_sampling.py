"""Batch-invariant random draws for sampling: every draw is a function of the
seed, the source sequence and the step (a counter-based hash), not of the
sequence's position in the batch or of the other sequences."""

from __future__ import annotations

import torch
from torch import Tensor

_MASK32 = 0xFFFFFFFF


def _mul32(x: Tensor, constant: int) -> Tensor:
    """``x * constant mod 2**32`` for ``0 <= x < 2**32`` in int64, without overflow."""
    low = x * (constant & 0xFFFF)
    high = ((x * (constant >> 16)) & 0xFFFF) << 16
    return (low + high) & _MASK32


def _mix32(x: Tensor) -> Tensor:
    """A 32-bit integer hash (Wellons' "lowbias32"), elementwise on int64."""
    x = x & _MASK32
    x = x ^ (x >> 16)
    x = _mul32(x, 0x7FEB352D)
    x = x ^ (x >> 15)
    x = _mul32(x, 0x846CA68B)
    return x ^ (x >> 16)


def _source_keys(src: Tensor, src_lengths: Tensor, seed: int) -> Tensor:
    """One 32-bit key per sequence ``(batch,)`` from the seed and the sequence's
    real positions only (ids, or the bits of float values), so that a sequence
    gets the same key alone, in any batch, at any position."""
    batch_size, src_len = src.shape[0], src.shape[1]
    if src.is_floating_point():
        values = src.float().contiguous().view(torch.int32).long()
    else:
        values = src.long()
    values = (values & _MASK32).reshape(batch_size, src_len, -1)
    lengths = src_lengths.to(src.device).long()
    keys = _mix32(torch.full_like(lengths, seed & _MASK32) ^ 0x5BD1E995)
    keys = _mix32(keys ^ lengths)
    for j in range(src_len):
        real = j < lengths
        for f in range(values.shape[2]):
            keys = torch.where(real, _mix32(keys ^ values[:, j, f]), keys)
    return keys


def _uniforms(keys: Tensor, step: int) -> Tensor:
    """A uniform number in (0, 1) ``(batch,)`` per key for decoding step ``step``."""
    bits = _mix32(keys ^ _mix32(torch.full_like(keys, step + 1)))
    return (bits.double() + 0.5) / 2.0**32


def _sample(
    log_probs: Tensor,
    uniforms: Tensor,
    *,
    temperature: float,
    top_k: int | None,
    top_p: float | None,
) -> Tensor:
    """Draw one id per row ``(rows,)`` from ``softmax(log_probs / temperature)``,
    restricted to the ``top_k`` most probable ids and to the smallest set of them
    whose probability reaches ``top_p`` (Holtzman et al.'s nucleus), by inverting
    the cumulative distribution at ``uniforms``."""
    scores = log_probs.double() / temperature
    if top_k is not None and top_k < scores.shape[1]:
        kth = scores.topk(top_k, dim=1).values[:, -1:]
        scores = scores.masked_fill(scores < kth, float("-inf"))
    if top_p is not None and top_p < 1.0:
        sorted_scores, order = scores.sort(dim=1, descending=True)
        sorted_probs = torch.softmax(sorted_scores, dim=1)
        # Drop an id when the more probable ones already reach top_p.
        drop_sorted = (sorted_probs.cumsum(dim=1) - sorted_probs) >= top_p
        drop = torch.zeros_like(drop_sorted).scatter_(1, order, drop_sorted)
        scores = scores.masked_fill(drop, float("-inf"))
    cdf = torch.softmax(scores, dim=1).cumsum(dim=1)
    threshold = (uniforms * cdf[:, -1]).unsqueeze(1)
    index = torch.searchsorted(cdf, threshold).squeeze(1)
    return index.clamp(max=scores.shape[1] - 1)
