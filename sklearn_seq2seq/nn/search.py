"""Greedy search, batched beam search and sampling over an
:class:`~.model.EncoderDecoder` with token output.

Plain functions over the model, batched: every sequence of the batch is decoded at
once, and no result depends on the other sequences of the batch (sampling included:
its random draws are a function of the seed, the source sequence and the step, not of
the sequence's position in the batch).

They return a :class:`SearchOutput`: ``tokens`` ``(batch, out_len)`` (``<eos>``
included, then ``pad_index``), ``scores`` ``(batch,)`` (sum of log-probabilities,
divided by the length penalty for beam search) and ``attention``
``(batch, out_len, src_len)`` (None without an attention decoder);
:func:`beam_search_nbest` returns an :class:`NBestOutput` with the ``n_best`` best
hypotheses of every sequence.

Every search applies the decoding controls of :mod:`._controls` (repetition
penalty, blocked ids, minimum length, no repeated n-grams) to every step's
log-probabilities before a token is chosen, as fairseq and Hugging Face's
``generate`` apply them; they take them as keyword options.
``max_length`` may be a tensor ``(batch,)`` of per-sequence limits.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import torch
from torch import Tensor

from ._controls import DecodingControls
from ._sampling import _sample, _source_keys, _uniforms
from .model import EncoderDecoder


class SearchOutput(NamedTuple):
    """Decoded ids, their scores and attention weights.

    Attributes
    ----------
    tokens : Tensor
        ``(batch, out_len)`` ids, ``<eos>`` included, then padding.
    scores : Tensor
        ``(batch,)`` sums of log-probabilities (divided by the length penalty for
        beam search).
    attention : Tensor or None
        ``(batch, out_len, src_len)``; None without an attention decoder or with
        ``return_attention=False``.
    """

    tokens: Tensor
    scores: Tensor
    attention: Tensor | None


class NBestOutput(NamedTuple):
    """The ``n_best`` best hypotheses of every sequence, best first.

    Attributes
    ----------
    tokens : Tensor
        ``(batch, n_best, out_len)`` ids.
    scores : Tensor
        ``(batch, n_best)``; -inf where fewer hypotheses were found.
    attention : Tensor or None
        ``(batch, n_best, out_len, src_len)``, or None.
    """

    tokens: Tensor
    scores: Tensor
    attention: Tensor | None


def length_penalty_factor(length: Tensor | int, alpha: float) -> Tensor | float:
    """GNMT's length penalty ``((5 + L) / 6) ** alpha`` (1 when ``alpha == 0``)."""
    return ((5.0 + length) / 6.0) ** alpha


def _limits(max_length: int | Tensor, batch_size: int, device: torch.device) -> Tensor:
    """Per-sequence limits ``(batch,)`` (at least 1) from an int or a tensor."""
    if isinstance(max_length, Tensor):
        return max_length.to(device=device, dtype=torch.long).clamp(min=1)
    return torch.full((batch_size,), max(1, int(max_length)), device=device)


# -- sampling's random numbers ----------------------------------------------------
@torch.no_grad()
def greedy_search(
    model: EncoderDecoder,
    src: Tensor,
    src_lengths: Tensor,
    *,
    max_length: int | Tensor,
    eos_index: int,
    return_attention: bool = True,
    **controls: Any,
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
    max_length : int or Tensor
        Most tokens generated per sequence (``<eos>`` included); a ``(batch,)``
        tensor gives every sequence its own limit.
    eos_index : int
        Id of ``<eos>``: a sequence ends when it is generated.
    return_attention : bool, default=True
        Collect the attention weights (attention decoders only); skip it when only
        the tokens are needed (tracking every beam hypothesis' weights costs time).
    **controls
        The decoding controls, as keywords of
        ``DecodingControls`` (``nn/_controls.py``): ``pad_index`` (id written
        after ``<eos>``, default 0), ``blocked_indices`` (ids never generated),
        ``min_length``, ``no_repeat_ngram_size`` and ``repetition_penalty``;
        the defaults change nothing.

    Returns
    -------
    SearchOutput
    """
    return _step_search(
        model, src, src_lengths, max_length, eos_index, return_attention, controls
    )


@torch.no_grad()
def sample_search(
    model: EncoderDecoder,
    src: Tensor,
    src_lengths: Tensor,
    *,
    max_length: int | Tensor,
    eos_index: int,
    seed: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    return_attention: bool = True,
    **controls: Any,
) -> SearchOutput:
    """Decode by drawing every token from the model's distribution (ancestral
    sampling), with temperature, top-k and nucleus (top-p) filtering.

    The draws are reproducible and batch-invariant: the uniform number behind the
    draw of step ``t`` is a hash of ``seed``, the sequence's source (its real
    positions only) and ``t``. A sequence therefore decodes the same alone and in
    any batch, and so do two equal sources; another ``seed`` gives other draws.

    Parameters
    ----------
    model : EncoderDecoder
        With token output.
    src : Tensor
        ``(batch, src_len)`` ids or ``(batch, src_len, n_features)`` floats.
    src_lengths : Tensor
        ``(batch,)``.
    max_length : int or Tensor
        Most tokens generated per sequence (``<eos>`` included); a ``(batch,)``
        tensor gives every sequence its own limit.
    eos_index : int
        Id of ``<eos>``: a sequence ends when it is generated.
    seed : int
        Seed of the draws.
    temperature : float, default=1.0
        The log-probabilities are divided by it (> 0): below 1 sharpens the
        distribution (towards greedy search), above 1 flattens it.
    top_k : int, default=None
        Draw among the ``top_k`` most probable ids only (``top_k=1`` is greedy).
    top_p : float, default=None
        Draw among the smallest set of most probable ids whose probability (after
        temperature and ``top_k``) reaches ``top_p``.
    return_attention : bool, default=True
        Collect the attention weights (attention decoders only); skip it when only
        the tokens are needed (tracking every beam hypothesis' weights costs time).
    **controls
        The decoding controls, as keywords of
        ``DecodingControls`` (``nn/_controls.py``): ``pad_index`` (id written
        after ``<eos>``, default 0), ``blocked_indices`` (ids never generated),
        ``min_length``, ``no_repeat_ngram_size`` and ``repetition_penalty``;
        the defaults change nothing.

    Returns
    -------
    SearchOutput
        ``scores`` sum the log-probabilities of the drawn tokens after the
        controls, before temperature, top-k and top-p.
    """
    if temperature <= 0:
        raise ValueError(f"temperature must be > 0, got {temperature}.")
    keys = _source_keys(src, src_lengths, seed)
    sampling = (keys, temperature, top_k, top_p)
    return _step_search(
        model,
        src,
        src_lengths,
        max_length,
        eos_index,
        return_attention,
        controls,
        sampling,
    )


def _step_search(
    model: EncoderDecoder,
    src: Tensor,
    src_lengths: Tensor,
    max_length: int | Tensor,
    eos_index: int,
    return_attention: bool,
    controls_options: dict[str, Any],
    sampling: tuple[Tensor, float, int | None, float | None] | None = None,
) -> SearchOutput:
    """One token per step and sequence: the best one, or a drawn one."""
    controls = DecodingControls.from_options(eos_index, controls_options)
    pad_index = controls.pad_index
    decoder = model.decoder
    state = model.encode(src, src_lengths)
    batch_size = src.shape[0]
    prev = decoder.bos(batch_size, state.context)
    limits = _limits(max_length, batch_size, prev.device)
    finished = torch.zeros(batch_size, dtype=torch.bool, device=prev.device)
    scores = torch.zeros(batch_size, device=prev.device)
    # The history is kept only for the repetition controls (it costs O(steps^2)).
    track_history = controls.needs_history
    generated = torch.empty(batch_size, 0, dtype=torch.long, device=prev.device)
    tokens, weights_steps = [], []
    for t in range(int(limits.max())):
        logits, state, weights = decoder.step(prev, state)
        log_probs = controls.log_probs(logits, generated, t)
        if sampling is None:
            best_log_prob, best = log_probs.max(dim=-1)  # batch
        else:
            keys, temperature, top_k, top_p = sampling
            best = _sample(
                log_probs,
                _uniforms(keys, t),
                temperature=temperature,
                top_k=top_k,
                top_p=top_p,
            )
            best_log_prob = log_probs.gather(1, best.unsqueeze(1)).squeeze(1)
        # Every token forbidden: the sequence ends here.
        dead_end = torch.isinf(best_log_prob)
        best = best.masked_fill(dead_end, eos_index)
        best_log_prob = best_log_prob.masked_fill(dead_end, 0.0)
        best = best.masked_fill(finished, pad_index)
        scores = scores + best_log_prob.masked_fill(finished, 0.0)
        tokens.append(best)
        if track_history:
            generated = torch.cat([generated, best.unsqueeze(1)], dim=1)
        if weights is not None and return_attention:
            weights_steps.append(weights.masked_fill(finished.unsqueeze(1), 0.0))
        finished = finished | (best == eos_index) | (t + 1 >= limits)
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
    length_penalty: float = 0.0,
    max_length: int | Tensor,
    eos_index: int,
    return_attention: bool = True,
    **controls: Any,
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
    src : Tensor
        ``(batch, src_len)`` ids or ``(batch, src_len, n_features)`` floats.
    src_lengths : Tensor
        ``(batch,)``.
    beam_width : int
        Hypotheses kept per sequence (>= 1).
    length_penalty : float, default=0.0
        GNMT's ``alpha`` (0 = no normalisation, larger favours longer outputs).
    max_length : int or Tensor
        Most tokens generated per sequence (``<eos>`` included); a ``(batch,)``
        tensor gives every sequence its own limit.
    eos_index : int
        Id of ``<eos>``: a sequence ends when it is generated.
    return_attention : bool, default=True
        Collect the attention weights (attention decoders only); skip it when only
        the tokens are needed (tracking every beam hypothesis' weights costs time).
    **controls
        The decoding controls, as keywords of
        ``DecodingControls`` (``nn/_controls.py``): ``pad_index`` (id written
        after ``<eos>``, default 0), ``blocked_indices`` (ids never generated),
        ``min_length``, ``no_repeat_ngram_size`` and ``repetition_penalty``;
        the defaults change nothing.

    Returns
    -------
    SearchOutput
    """
    out = beam_search_nbest(
        model,
        src,
        src_lengths,
        beam_width=beam_width,
        n_best=1,
        max_length=max_length,
        eos_index=eos_index,
        length_penalty=length_penalty,
        return_attention=return_attention,
        **controls,
    )
    attention = None if out.attention is None else out.attention[:, 0]
    return SearchOutput(out.tokens[:, 0], out.scores[:, 0], attention)


@torch.no_grad()
def beam_search_nbest(
    model: EncoderDecoder,
    src: Tensor,
    src_lengths: Tensor,
    *,
    beam_width: int,
    length_penalty: float = 0.0,
    n_best: int,
    max_length: int | Tensor,
    eos_index: int,
    return_attention: bool = True,
    **controls: Any,
) -> NBestOutput:
    """Batched beam search keeping the ``n_best`` best finished hypotheses.

    As :func:`beam_search` (which is this with ``n_best=1``), with a pool of the
    ``n_best`` best finished hypotheses per sequence instead of the best one: a
    sequence is done when its ``n_best``-th best finished score can no longer be
    beaten, and at ``max_length`` the unfinished hypotheses compete for the pool
    too. ``n_best`` must not exceed ``beam_width``.

    Parameters
    ----------
    model : EncoderDecoder
        With token output.
    src : Tensor
        ``(batch, src_len)`` ids or ``(batch, src_len, n_features)`` floats.
    src_lengths : Tensor
        ``(batch,)``.
    beam_width : int
        Hypotheses kept per sequence (>= 1).
    length_penalty : float, default=0.0
        GNMT's ``alpha`` (0 = no normalisation, larger favours longer outputs).
    n_best : int
        Finished hypotheses returned per sequence (1 to ``beam_width``).
    max_length : int or Tensor
        Most tokens generated per sequence (``<eos>`` included); a ``(batch,)``
        tensor gives every sequence its own limit.
    eos_index : int
        Id of ``<eos>``: a sequence ends when it is generated.
    return_attention : bool, default=True
        Collect the attention weights (attention decoders only); skip it when only
        the tokens are needed (tracking every beam hypothesis' weights costs time).
    **controls
        The decoding controls, as keywords of
        ``DecodingControls`` (``nn/_controls.py``): ``pad_index`` (id written
        after ``<eos>``, default 0), ``blocked_indices`` (ids never generated),
        ``min_length``, ``no_repeat_ngram_size`` and ``repetition_penalty``;
        the defaults change nothing.

    Returns
    -------
    NBestOutput
        Best first; scores are -inf (and tokens padding) where fewer than
        ``n_best`` hypotheses were found.
    """
    if beam_width < 1:
        raise ValueError(f"beam_width must be >= 1, got {beam_width}.")
    if not 1 <= n_best <= beam_width:
        raise ValueError(f"n_best must be in [1, beam_width], got {n_best}.")
    controls = DecodingControls.from_options(eos_index, controls)
    pad_index = controls.pad_index
    decoder = model.decoder
    device = src.device
    batch_size, k = src.shape[0], beam_width
    state = model.encode(src, src_lengths)
    src_len = state.encoder_output.shape[1]
    limits = _limits(max_length, batch_size, device)
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
    # The pool of finished hypotheses, best first; grown as longer ones finish:
    # batch x n_best x longest finished length.
    pool_scores = torch.full((batch_size, n_best), float("-inf"), device=device)
    pool_tokens = torch.full(
        (batch_size, n_best, 0), pad_index, dtype=torch.long, device=device
    )
    pool_attention = torch.zeros(batch_size, n_best, 0, src_len, device=device)
    done = torch.zeros(batch_size, dtype=torch.bool, device=device)
    in_beam = torch.arange(2 * k, device=device) < k
    # Upper bound on the normalised score any continuation can reach, per unit of
    # (non-positive) log-probability sum: 1 / lp(limit).
    if isinstance(max_length, Tensor):
        best_possible_factor: Tensor | float = 1.0 / length_penalty_factor(
            limits.float(), length_penalty
        )
    else:
        best_possible_factor = 1.0 / length_penalty_factor(
            int(limits[0]), length_penalty
        )

    def pad_to(tensor: Tensor, length: int, dim: int, value: float) -> Tensor:
        grow = length - tensor.shape[dim]
        if grow <= 0:
            return tensor
        pad = [0, 0] * (tensor.dim() - dim - 1) + [0, grow]
        return torch.nn.functional.pad(tensor, pad, value=value)

    def keep_best(
        candidate_scores: Tensor,
        tokens: Tensor,
        attention: Tensor | None,
    ) -> None:
        # candidate_scores: n x c (-inf = not a candidate); tokens: n x c x L, for
        # the n sequences still searched (rows ``active`` of the pool).
        nonlocal pool_scores, pool_tokens, pool_attention
        scores = pool_scores[active]
        if not bool((candidate_scores > scores[:, -1:]).any()):
            return
        n = len(active)
        length = max(tokens.shape[2], pool_tokens.shape[2])
        all_scores = torch.cat([scores, candidate_scores], dim=1)
        # Stable: on ties the earlier finished (or earlier ranked) hypothesis wins.
        order = all_scores.sort(dim=1, descending=True, stable=True).indices
        order = order[:, :n_best]
        pool_scores[active] = all_scores.gather(1, order)
        pool_tokens = pad_to(pool_tokens, length, 2, pad_index)
        all_tokens = torch.cat(
            [pool_tokens[active], pad_to(tokens, length, 2, pad_index)], dim=1
        )
        pool_tokens[active] = all_tokens.gather(
            1, order.unsqueeze(2).expand(-1, -1, length)
        )
        if attention is not None:
            pool_attention = pad_to(pool_attention, length, 2, 0.0)
            all_attention = torch.cat(
                [pool_attention[active], pad_to(attention, length, 2, 0.0)], dim=1
            )
            pool_attention[active] = all_attention.gather(
                1, order.view(n, n_best, 1, 1).expand(-1, -1, length, src_len)
            )

    # The sequences still searched: positions in the batch. A sequence that is done
    # leaves the search (its rows are dropped), so that the cost of a step follows
    # the sequences still decoding rather than the longest one.
    active = batch_index
    for t in range(int(limits.max())):
        n = len(active)
        logits, state, weights = decoder.step(prev, state)
        # batch*k x vocab
        log_probs = controls.log_probs(logits, alive_tokens.reshape(n * k, t), t)
        vocab_size = log_probs.shape[1]
        candidates = (alive_scores.unsqueeze(2) + log_probs.view(n, k, -1)).view(
            n, -1
        )  # n x k*vocab
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
            step_weights = weights.view(n, k, src_len).gather(
                1, origin.unsqueeze(2).expand(-1, -1, src_len)
            )
            attention_history = torch.cat(
                [
                    alive_attention.gather(
                        1,
                        origin.view(n, -1, 1, 1).expand(-1, -1, t, src_len),
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
            )
        # The k best candidates that did not end in <eos> stay alive.
        alive_scores, alive_rank = top_scores.masked_fill(is_eos, float("-inf")).topk(
            k, dim=1
        )
        alive_tokens = history.gather(1, alive_rank.unsqueeze(2).expand(-1, -1, t + 1))
        if attention_history is not None:
            alive_attention = attention_history.gather(
                1, alive_rank.view(n, k, 1, 1).expand(-1, -1, t + 1, src_len)
            )
        alive_origin = origin.gather(1, alive_rank)  # batch x k
        # A sequence at its length limit: its unfinished hypotheses compete as
        # they are, and it is done.
        reached = (t + 1 >= limits) & ~done
        if bool(reached.any()):
            normalised = alive_scores / length_penalty_factor(t + 1, length_penalty)
            keep_best(
                normalised.masked_fill(~reached.unsqueeze(1), float("-inf")),
                alive_tokens,
                alive_attention if track_attention else None,
            )
            done = done | reached
        # Done when no alive hypothesis can still beat the n-th best finished one.
        best_alive = alive_scores[:, 0] * best_possible_factor
        done = done | (pool_scores[active, -1] >= best_alive)
        if bool(done.all()):
            break
        if bool(done.any()):
            keep = (~done).nonzero().squeeze(1)
            active, done, limits = active[keep], done[keep], limits[keep]
            alive_scores, alive_tokens = alive_scores[keep], alive_tokens[keep]
            alive_attention, alive_origin = alive_attention[keep], alive_origin[keep]
            if isinstance(best_possible_factor, Tensor):
                best_possible_factor = best_possible_factor[keep]
            rows = (keep.unsqueeze(1) * k + torch.arange(k, device=device)).view(-1)
            state = state.index_select(rows)
        flat = (
            torch.arange(len(active), device=device).unsqueeze(1) * k + alive_origin
        ).view(-1)
        # Hypotheses only move within their sequence's block of k identical encoder
        # rows, so only the recurrent state (or the decoded prefix) is reordered.
        state = state.reorder(flat)
        prev = alive_tokens[:, :, -1].reshape(-1)

    if pool_tokens.shape[2] == 0:  # nothing could be generated at all
        pool_tokens = torch.full(
            (batch_size, n_best, 1), pad_index, dtype=torch.long, device=device
        )
        pool_attention = torch.zeros(batch_size, n_best, 1, src_len, device=device)
    attention = pool_attention if track_attention else None
    return NBestOutput(pool_tokens, pool_scores, attention)
