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

Decoding controls, shared by all searches and applied to every step's
log-probabilities (``log_softmax`` of the logits) before a token is chosen, as
fairseq and Hugging Face's ``generate`` apply them:

- ``repetition_penalty`` (CTRL, Keskar et al., 2019): the log-probability of every
  token already generated is multiplied by the penalty (>= 1; log-probabilities are
  <= 0, so they fall);
- ``blocked_indices`` are never generated (log-probability set to -inf);
- ``min_length``: ``<eos>`` is forbidden while fewer tokens have been generated;
- ``no_repeat_ngram_size`` ``n``: a token that would complete an n-gram already in
  the output is forbidden.

Forbidden tokens get -inf; the others keep their log-probability (no renormalisation),
so that without a repetition penalty a hypothesis' score is the model's own
log-probability of it. When every token is forbidden, the sequence ends there.
``max_length`` may be a tensor ``(batch,)`` of per-sequence limits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple, TypedDict

import torch
from torch import Tensor

from ._specials import PAD_INDEX
from .._docstrings import docdict, fill_doc
from .model import EncoderDecoder

if TYPE_CHECKING:
    from typing_extensions import Unpack

_MASK32 = 0xFFFFFFFF

docdict["search_inputs"] = """model : EncoderDecoder
    With token output.
src : Tensor
    ``(batch, src_len)`` ids or ``(batch, src_len, n_features)`` floats.
src_lengths : Tensor
    ``(batch,)``."""
docdict["search_max_length"] = """max_length : int or Tensor
    Most tokens generated per sequence (``<eos>`` included); a ``(batch,)``
    tensor gives every sequence its own limit.
eos_index : int
    Id of ``<eos>``: a sequence ends when it is generated."""
docdict["search_options"] = """pad_index : int, default=0
    Id written after ``<eos>``.
blocked_indices : sequence of int, default=()
    Ids never generated (their log-probability is set to -inf), e.g. padding,
    unknown and ``<bos>``.
return_attention : bool, default=True
    Collect the attention weights (attention decoders only); skip it when only
    the tokens are needed (tracking every beam hypothesis' weights costs time).
min_length, no_repeat_ngram_size, repetition_penalty : default=0, 0, 1.0
    Decoding controls (see the module docstring), applied to every sequence or
    hypothesis; the defaults change nothing."""
docdict["beam_width_length_penalty"] = """beam_width : int
    Hypotheses kept per sequence (>= 1).
length_penalty : float, default=0.0
    GNMT's ``alpha`` (0 = no normalisation, larger favours longer outputs)."""


class SearchOutput(NamedTuple):
    """Decoded ids, their scores and attention weights (see the module docstring)."""

    tokens: Tensor
    scores: Tensor
    attention: Tensor | None


class NBestOutput(NamedTuple):
    """The ``n_best`` best hypotheses of every sequence, best first.

    ``tokens`` ``(batch, n_best, out_len)``, ``scores`` ``(batch, n_best)`` (-inf
    where fewer hypotheses were found), ``attention``
    ``(batch, n_best, out_len, src_len)`` or None.
    """

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


def _seen_mask(generated: Tensor, vocab_size: int) -> Tensor:
    """``(rows, vocab)``: True for the ids in each row of ``generated``."""
    seen = torch.zeros(
        generated.shape[0], vocab_size, dtype=torch.bool, device=generated.device
    )
    return seen.scatter_(1, generated, True)


def _banned_ngrams(generated: Tensor, n: int, vocab_size: int) -> Tensor | None:
    """``(rows, vocab)`` mask of the ids that would repeat an n-gram of
    ``generated`` ``(rows, t)``: those that followed an earlier occurrence of the
    last ``n - 1`` tokens (fairseq's ``no_repeat_ngram_size``). None when no
    n-gram is complete yet."""
    t = generated.shape[1]
    if n <= 0 or t < n:
        return None
    windows = generated.unfold(1, n, 1)  # rows x (t - n + 1) x n
    prefix = generated[:, t - n + 1 :]  # rows x (n - 1)
    match = (windows[:, :, :-1] == prefix.unsqueeze(1)).all(dim=2)
    counts = torch.zeros(generated.shape[0], vocab_size, device=generated.device)
    counts.scatter_add_(1, windows[:, :, -1], match.float())
    return counts > 0


class SearchOptions(TypedDict, total=False):
    """The optional keywords every search function takes (defaults in
    :class:`DecodingControls`; ``return_attention`` defaults to True)."""

    pad_index: int
    blocked_indices: Sequence[int]
    return_attention: bool
    min_length: int
    no_repeat_ngram_size: int
    repetition_penalty: float


@dataclass(frozen=True)
class DecodingControls:
    """What a search does to every step's log-probabilities, and its ids.

    Parameters
    ----------
    eos_index : int
    pad_index : int, default=0
    blocked_indices : sequence of int, default=()
    min_length, no_repeat_ngram_size, repetition_penalty : default=0, 0, 1.0
        See the module docstring.
    """

    eos_index: int
    pad_index: int = PAD_INDEX
    blocked_indices: Sequence[int] = ()
    min_length: int = 0
    no_repeat_ngram_size: int = 0
    repetition_penalty: float = 1.0

    @classmethod
    def from_options(
        cls, eos_index: int, options: SearchOptions
    ) -> tuple[DecodingControls, bool]:
        """The controls and ``return_attention`` of a search's keywords."""
        controls: dict = dict(options)
        return_attention = controls.pop("return_attention", True)
        return cls(eos_index, **controls), return_attention

    @property
    def needs_history(self) -> bool:
        """Whether :meth:`log_probs` reads the ids generated so far."""
        return self.repetition_penalty != 1.0 or self.no_repeat_ngram_size > 0

    def log_probs(self, logits: Tensor, generated: Tensor | None, step: int) -> Tensor:
        """Log-probabilities ``(rows, vocab)`` of the next token after the controls
        at decoding step ``step``; ``generated`` ``(rows, step)`` holds the ids
        generated so far (no ``<bos>``), and may be None when
        :attr:`needs_history` is False."""
        log_probs = torch.log_softmax(logits.float(), dim=-1)
        vocab_size = log_probs.shape[1]
        if self.repetition_penalty != 1.0 and step > 0:
            assert generated is not None
            seen = _seen_mask(generated, vocab_size)
            log_probs = torch.where(
                seen, log_probs * self.repetition_penalty, log_probs
            )
        log_probs = _block(log_probs, self.blocked_indices)
        if step < self.min_length:
            log_probs[:, self.eos_index] = float("-inf")
        if self.no_repeat_ngram_size > 0:
            assert generated is not None
            banned = _banned_ngrams(generated, self.no_repeat_ngram_size, vocab_size)
            if banned is not None:
                log_probs = log_probs.masked_fill(banned, float("-inf"))
        return log_probs


def _limits(max_length: int | Tensor, batch_size: int, device: torch.device) -> Tensor:
    """Per-sequence limits ``(batch,)`` (at least 1) from an int or a tensor."""
    if isinstance(max_length, Tensor):
        return max_length.to(device=device, dtype=torch.long).clamp(min=1)
    return torch.full((batch_size,), max(1, int(max_length)), device=device)


# -- sampling's random numbers ----------------------------------------------------
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


@torch.no_grad()
@fill_doc
def greedy_search(
    model: EncoderDecoder,
    src: Tensor,
    src_lengths: Tensor,
    *,
    max_length: int | Tensor,
    eos_index: int,
    **options: Unpack[SearchOptions],
) -> SearchOutput:
    """Decode by taking the most probable token at every step.

    Parameters
    ----------
    %(search_inputs)s
    %(search_max_length)s
    %(search_options)s

    Returns
    -------
    SearchOutput
    """
    return _step_search(model, src, src_lengths, max_length, eos_index, options)


@torch.no_grad()
@fill_doc
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
    **options: Unpack[SearchOptions],
) -> SearchOutput:
    """Decode by drawing every token from the model's distribution (ancestral
    sampling), with temperature, top-k and nucleus (top-p) filtering.

    The draws are reproducible and batch-invariant: the uniform number behind the
    draw of step ``t`` is a hash of ``seed``, the sequence's source (its real
    positions only) and ``t``. A sequence therefore decodes the same alone and in
    any batch, and so do two equal sources; another ``seed`` gives other draws.

    Parameters
    ----------
    %(search_inputs)s
    %(search_max_length)s
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
    %(search_options)s

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
        model, src, src_lengths, max_length, eos_index, options, sampling
    )


def _step_search(
    model: EncoderDecoder,
    src: Tensor,
    src_lengths: Tensor,
    max_length: int | Tensor,
    eos_index: int,
    options: SearchOptions,
    sampling: tuple[Tensor, float, int | None, float | None] | None = None,
) -> SearchOutput:
    """One token per step and sequence: the best one, or a drawn one."""
    controls, return_attention = DecodingControls.from_options(eos_index, options)
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
@fill_doc
def beam_search(
    model: EncoderDecoder,
    src: Tensor,
    src_lengths: Tensor,
    *,
    beam_width: int,
    max_length: int | Tensor,
    eos_index: int,
    length_penalty: float = 0.0,
    **options: Unpack[SearchOptions],
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
    %(search_inputs)s
    %(beam_width_length_penalty)s
    %(search_max_length)s
    %(search_options)s

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
        **options,
    )
    attention = None if out.attention is None else out.attention[:, 0]
    return SearchOutput(out.tokens[:, 0], out.scores[:, 0], attention)


@torch.no_grad()
@fill_doc
def beam_search_nbest(
    model: EncoderDecoder,
    src: Tensor,
    src_lengths: Tensor,
    *,
    beam_width: int,
    n_best: int,
    max_length: int | Tensor,
    eos_index: int,
    length_penalty: float = 0.0,
    **options: Unpack[SearchOptions],
) -> NBestOutput:
    """Batched beam search keeping the ``n_best`` best finished hypotheses.

    As :func:`beam_search` (which is this with ``n_best=1``), with a pool of the
    ``n_best`` best finished hypotheses per sequence instead of the best one: a
    sequence is done when its ``n_best``-th best finished score can no longer be
    beaten, and at ``max_length`` the unfinished hypotheses compete for the pool
    too. ``n_best`` must not exceed ``beam_width``.

    Parameters
    ----------
    %(search_inputs)s
    %(beam_width_length_penalty)s
    n_best : int
        Finished hypotheses returned per sequence (1 to ``beam_width``).
    %(search_max_length)s
    %(search_options)s

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
    controls, return_attention = DecodingControls.from_options(eos_index, options)
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
