"""Greedy and beam search over an :class:`~.model.EncoderDecoder` with token output.

Plain functions over the model, batched: every sequence of the batch is decoded at
once, and no result depends on the other sequences of the batch.

Both return a :class:`SearchOutput`: ``tokens`` ``(batch, out_len)`` (``<eos>``
included, then ``pad_index``), ``scores`` ``(batch,)`` (sum of log-probabilities,
divided by the length penalty for beam search) and ``attention``
``(batch, out_len, src_len)`` (None without an attention decoder).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import torch
from torch import Tensor

from .model import EncoderDecoder


class SearchOutput(NamedTuple):
    """Decoded ids, their scores and attention weights (see the module docstring)."""

    tokens: Tensor
    scores: Tensor
    attention: Tensor | None


def length_penalty_factor(length: Tensor | int, alpha: float) -> Tensor | float:
    """GNMT's length penalty ``((5 + L) / 6) ** alpha`` (1 when ``alpha == 0``)."""
    return ((5.0 + length) / 6.0) ** alpha


def _block(log_probs: Tensor, blocked_indices: Sequence[int]) -> Tensor:
    """Forbid ids that must never be generated (padding, ``<bos>``...)."""
    if blocked_indices:
        log_probs[:, list(blocked_indices)] = float("-inf")
    return log_probs


@torch.no_grad()
def greedy_search(
    model: EncoderDecoder,
    src: Tensor,
    src_lengths: Tensor,
    *,
    max_length: int,
    eos_index: int,
    pad_index: int = 0,
    blocked_indices: Sequence[int] = (),
    return_attention: bool = True,
) -> SearchOutput:
    """Decode by taking the most probable token at every step.

    Parameters
    ----------
    model : EncoderDecoder
        With token output.
    src : Tensor
        ``(batch, src_len)`` ids or ``(batch, src_len, n_features)`` floats.
    src_lengths : Tensor
        ``(batch,)``.
    max_length : int
        Most tokens generated per sequence (``<eos>`` included).
    eos_index, pad_index : int
    blocked_indices : sequence of int, default=()
        Ids never generated (their log-probability is set to -inf), e.g. padding,
        unknown and ``<bos>``.
    return_attention : bool, default=True
        Collect the attention weights (attention decoders only); skip it when only
        the tokens are needed.

    Returns
    -------
    SearchOutput
    """
    decoder = model.decoder
    state = model.encode(src, src_lengths)
    batch_size = src.shape[0]
    prev = decoder.bos(batch_size, state.context)
    finished = torch.zeros(batch_size, dtype=torch.bool, device=prev.device)
    scores = torch.zeros(batch_size, device=prev.device)
    tokens, weights_steps = [], []
    for _ in range(max_length):
        logits, state, weights = decoder.step(prev, state)
        log_probs = _block(torch.log_softmax(logits.float(), dim=-1), blocked_indices)
        best_log_prob, best = log_probs.max(dim=-1)  # batch
        best = best.masked_fill(finished, pad_index)
        scores = scores + best_log_prob.masked_fill(finished, 0.0)
        tokens.append(best)
        if weights is not None and return_attention:
            weights_steps.append(weights.masked_fill(finished.unsqueeze(1), 0.0))
        finished = finished | (best == eos_index)
        prev = best
        if bool(finished.all()):
            break
    attention = torch.stack(weights_steps, dim=1) if weights_steps else None
    return SearchOutput(torch.stack(tokens, dim=1), scores, attention)


@torch.no_grad()
def beam_search(
    model: EncoderDecoder,
    src: Tensor,
    src_lengths: Tensor,
    *,
    beam_width: int,
    max_length: int,
    eos_index: int,
    pad_index: int = 0,
    length_penalty: float = 0.0,
    blocked_indices: Sequence[int] = (),
    return_attention: bool = True,
) -> SearchOutput:
    """Batched beam search; returns the best finished hypothesis of every sequence.

    At every step each sequence keeps ``beam_width`` unfinished hypotheses.
    Candidates ending in ``<eos>`` among the ``beam_width`` best of a step are
    finished: their score is the sum of log-probabilities divided by GNMT's length
    penalty ``((5 + L) / 6) ** length_penalty``; the best finished one is kept.

    A sequence is done only when no unfinished hypothesis can still beat its best
    finished one: log-probabilities are <= 0, so a hypothesis' sum can only fall as
    it grows, and its normalised score can be at most its current sum divided by the
    length penalty of ``max_length`` (the sum itself when ``length_penalty=0``). The
    search therefore returns the hypothesis a complete search over the kept beams
    would return, not merely the first ``beam_width`` finished ones. At
    ``max_length`` the unfinished hypotheses compete too. With ``beam_width=1`` and
    ``length_penalty=0`` this is exactly greedy search.

    Buffers grow with the longest hypothesis decoded so far, not with
    ``max_length``, and decoding stops as soon as every sequence of the batch is
    done.

    Parameters
    ----------
    model : EncoderDecoder
        With token output.
    src, src_lengths : Tensor
        As for :func:`greedy_search`.
    beam_width : int
        Hypotheses kept per sequence (>= 1).
    max_length : int
        Most tokens generated per sequence (``<eos>`` included).
    eos_index, pad_index : int
    length_penalty : float, default=0.0
        GNMT's ``alpha`` (0 = no normalisation, larger favours longer outputs).
    blocked_indices : sequence of int, default=()
        Ids never generated, as for :func:`greedy_search`.
    return_attention : bool, default=True
        As for :func:`greedy_search`; tracking every hypothesis' weights costs time.

    Returns
    -------
    SearchOutput
    """
    if beam_width < 1:
        raise ValueError(f"beam_width must be >= 1, got {beam_width}.")
    decoder = model.decoder
    device = src.device
    batch_size, k = src.shape[0], beam_width
    state = model.encode(src, src_lengths)
    src_len = state.encoder_output.shape[1]
    # Every sequence's state repeated k times: batch*k rows, sequence-major.
    batch_index = torch.arange(batch_size, device=device)
    state = state.index_select(batch_index.repeat_interleave(k))
    prev = decoder.bos(batch_size * k, state.context)

    # Only the first beam is alive at first, so the k beams do not repeat each other.
    alive_scores = torch.full((batch_size, k), float("-inf"), device=device)
    alive_scores[:, 0] = 0.0
    alive_tokens = torch.empty(batch_size, k, 0, dtype=torch.long, device=device)
    track_attention = decoder.uses_attention and return_attention
    alive_attention = torch.empty(batch_size, k, 0, src_len, device=device)
    best_scores = torch.full((batch_size,), float("-inf"), device=device)
    # Grown as longer hypotheses finish: batch x longest finished length.
    best_tokens = torch.full(
        (batch_size, 0), pad_index, dtype=torch.long, device=device
    )
    best_attention = torch.zeros(batch_size, 0, src_len, device=device)
    done = torch.zeros(batch_size, dtype=torch.bool, device=device)
    in_beam = torch.arange(2 * k, device=device) < k
    # Upper bound on the normalised score any continuation can reach, per unit of
    # (non-positive) log-probability sum.
    best_possible_factor = 1.0 / length_penalty_factor(max_length, length_penalty)

    def keep_best(
        candidate_scores: Tensor,
        tokens: Tensor,
        attention: Tensor | None,
        length: int,
    ) -> None:
        # candidate_scores: batch x c (-inf = not a candidate); tokens: batch x c x L
        nonlocal best_scores, best_tokens, best_attention
        top_score, top = candidate_scores.max(dim=1)  # batch
        improve = top_score > best_scores
        if not bool(improve.any()):
            return
        best_scores = torch.where(improve, top_score, best_scores)
        if best_tokens.shape[1] < length:
            grow = length - best_tokens.shape[1]
            best_tokens = torch.nn.functional.pad(
                best_tokens, (0, grow), value=pad_index
            )
            if attention is not None:
                best_attention = torch.nn.functional.pad(
                    best_attention, (0, 0, 0, grow)
                )
        rows = batch_index[improve]
        chosen = top[improve]
        best_tokens[rows] = pad_index
        best_tokens[rows, :length] = tokens[rows, chosen]
        if attention is not None:
            best_attention[rows] = 0.0
            best_attention[rows, :length] = attention[rows, chosen]

    for t in range(max_length):
        logits, state, weights = decoder.step(prev, state)
        log_probs = _block(
            torch.log_softmax(logits.float(), dim=-1), blocked_indices
        )  # batch*k x vocab
        vocab_size = log_probs.shape[1]
        candidates = (
            alive_scores.unsqueeze(2) + log_probs.view(batch_size, k, -1)
        ).view(batch_size, -1)  # batch x k*vocab
        n_candidates = min(2 * k, candidates.shape[1])
        top_scores, top_index = candidates.topk(n_candidates, dim=1)  # batch x 2k
        origin = torch.div(top_index, vocab_size, rounding_mode="floor")
        token = top_index % vocab_size
        # histories of the 2k candidates: batch x 2k x (t + 1)
        history = torch.cat(
            [
                alive_tokens.gather(1, origin.unsqueeze(2).expand(-1, -1, t)),
                token.unsqueeze(2),
            ],
            dim=2,
        )
        attention_history = None
        if track_attention:
            step_weights = weights.view(batch_size, k, src_len).gather(
                1, origin.unsqueeze(2).expand(-1, -1, src_len)
            )
            attention_history = torch.cat(
                [
                    alive_attention.gather(
                        1,
                        origin.view(batch_size, -1, 1, 1).expand(-1, -1, t, src_len),
                    ),
                    step_weights.unsqueeze(2),
                ],
                dim=2,
            )
        is_eos = token == eos_index
        finishing = (
            is_eos
            & in_beam[:n_candidates]
            & ~done.unsqueeze(1)
            & (top_scores > float("-inf"))
        )
        if bool(finishing.any()):
            normalised = top_scores / length_penalty_factor(t + 1, length_penalty)
            keep_best(
                normalised.masked_fill(~finishing, float("-inf")),
                history,
                attention_history,
                t + 1,
            )
        # The k best candidates that did not end in <eos> stay alive.
        alive_scores, alive_rank = top_scores.masked_fill(is_eos, float("-inf")).topk(
            k, dim=1
        )
        alive_tokens = history.gather(1, alive_rank.unsqueeze(2).expand(-1, -1, t + 1))
        if attention_history is not None:
            alive_attention = attention_history.gather(
                1, alive_rank.view(batch_size, k, 1, 1).expand(-1, -1, t + 1, src_len)
            )
        alive_origin = origin.gather(1, alive_rank)  # batch x k
        # Done when no alive hypothesis can still beat the best finished one.
        best_alive = alive_scores[:, 0] * best_possible_factor
        done = done | (best_scores >= best_alive)
        if bool(done.all()):
            break
        flat = (batch_index.unsqueeze(1) * k + alive_origin).view(-1)
        # Hypotheses only move within their sequence's block of k identical encoder
        # rows, so only the recurrent state (or the decoded prefix) is reordered.
        state = state.reorder(flat)
        prev = alive_tokens[:, :, -1].reshape(-1)
    else:
        # max_length reached: unfinished hypotheses compete as they are.
        normalised = alive_scores / length_penalty_factor(max_length, length_penalty)
        normalised = normalised.masked_fill(done.unsqueeze(1), float("-inf"))
        keep_best(
            normalised,
            alive_tokens,
            alive_attention if track_attention else None,
            max_length,
        )

    if best_tokens.shape[1] == 0:  # nothing could be generated at all
        best_tokens = torch.full(
            (batch_size, 1), pad_index, dtype=torch.long, device=device
        )
        best_attention = torch.zeros(batch_size, 1, src_len, device=device)
    attention = best_attention if track_attention else None
    return SearchOutput(best_tokens, best_scores, attention)
