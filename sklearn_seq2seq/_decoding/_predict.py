"""Turning a fitted network's searches into predictions: run the search of a
:class:`~._decoding.Decoding` over batches, cut every output at its ``<eos>``,
keep the attention rows of each prediction, copy source tokens into unknown
positions (``replace_unknown``) and assemble n-best lists."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import torch

from .._data._vocabulary import EOS_INDEX, PAD_INDEX, UNK_INDEX
from ._decoding import Decoding

Batches = Iterable[tuple[torch.Tensor, torch.Tensor]]
# One hypothesis: its ids (no <eos>), score, and attention (steps x source) or None.
Hypothesis = tuple[np.ndarray, float, "np.ndarray | None"]


def prediction_lengths(tokens: np.ndarray) -> np.ndarray:
    """Tokens before the first ``<eos>`` of every row of ``tokens`` (``(..., L)``),
    or all its non-padding tokens for a row cut at its maximum length."""
    is_eos = tokens == EOS_INDEX
    return np.where(
        is_eos.any(axis=-1),
        is_eos.argmax(axis=-1),
        (tokens != PAD_INDEX).sum(axis=-1),
    )


def copied_tokens(
    ids: np.ndarray, weights: np.ndarray | None, source: list[Any]
) -> dict[int, Any]:
    """``{position: source token}`` for the unknown ids of one prediction: the
    source token with the highest attention weight at that step."""
    if weights is None or not source:
        return {}
    return {
        int(position): source[int(weights[position, : len(source)].argmax())]
        for position in np.flatnonzero(ids == UNK_INDEX)
    }


def _attention_rows(
    weights: torch.Tensor, steps: np.ndarray, src_lengths: torch.Tensor
) -> list[np.ndarray]:
    """Per sample, the attention of its ``steps`` output rows over its source."""
    weights_np = weights.float().cpu().numpy()
    lengths_np = src_lengths.cpu().numpy()
    return [w[:s, :n] for w, s, n in zip(weights_np, steps, lengths_np, strict=True)]


def search_tokens(
    module: torch.nn.Module,
    batches: Batches,
    decoding: Decoding,
    *,
    with_attention: bool,
) -> tuple[list[np.ndarray], list[np.ndarray] | None]:
    """The ids of every prediction (up to its ``<eos>``), and with
    ``with_attention`` its attention ``(output_len + 1, src_len)`` rows (the
    ``<eos>`` step included)."""
    predictions: list[np.ndarray] = []
    attention: list[np.ndarray] | None = [] if with_attention else None
    for src, src_lengths in batches:
        out = decoding.search(module, src, src_lengths, return_attention=with_attention)
        tokens = out.tokens.cpu().numpy()
        lengths = prediction_lengths(tokens)
        predictions.extend(row[:n] for row, n in zip(tokens, lengths, strict=True))
        if attention is not None and out.attention is not None:
            steps = np.minimum(lengths + 1, tokens.shape[1])
            attention.extend(_attention_rows(out.attention, steps, src_lengths))
    return predictions, attention


def regress(
    module: torch.nn.Module, batches: Batches, n_steps: int, *, with_attention: bool
) -> tuple[np.ndarray, list[np.ndarray] | None]:
    """Float-sequence outputs ``(n_samples, n_steps, n_features)`` of a
    regression decoder, and its attention rows when asked for."""
    outputs_all: list[np.ndarray] = []
    attention: list[np.ndarray] | None = [] if with_attention else None
    for src, src_lengths in batches:
        outputs, weights = module(src, src_lengths, n_steps=n_steps)
        outputs_all.append(outputs.float().cpu().numpy())
        if attention is not None and weights is not None:
            steps = np.full(len(src), outputs.shape[1])
            attention.extend(_attention_rows(weights, steps, src_lengths))
    return np.concatenate(outputs_all, axis=0), attention


def search_nbest(
    module: torch.nn.Module,
    batches: Batches,
    decoding: Decoding,
    n_best: int,
    *,
    with_attention: bool,
) -> list[list[Hypothesis]]:
    """Per sample, its finished hypotheses (at most ``n_best``), best first."""
    hypotheses: list[list[Hypothesis]] = []
    for src, src_lengths in batches:
        out = decoding.search(
            module, src, src_lengths, return_attention=with_attention, n_best=n_best
        )
        tokens = out.tokens.cpu().numpy()  # batch x n_best x L
        scores = out.scores.float().cpu().numpy()
        weights = None if out.attention is None else out.attention.cpu().numpy()
        for i in range(tokens.shape[0]):
            lengths = prediction_lengths(tokens[i])
            hypotheses.append(
                [
                    (
                        tokens[i, j, : lengths[j]],
                        float(scores[i, j]),
                        None if weights is None else weights[i, j],
                    )
                    for j in np.flatnonzero(np.isfinite(scores[i]))
                ]
            )
    return hypotheses


def decode_nbest(
    codec: Any,
    hypotheses: list[list[Hypothesis]],
    sources: list[list[Any]] | None,
) -> list[list[tuple[Any, float]]]:
    """The hypotheses as predictions of the target kind, with their scores;
    ``sources`` (the source tokens, for ``replace_unknown``) fill unknown ids."""
    flat = [h for sample in hypotheses for h in sample]
    copied = None
    if sources is not None:
        copied = [
            copied_tokens(ids, weights, source)
            for source, sample in zip(sources, hypotheses, strict=True)
            for ids, _, weights in sample
        ]
    if codec.kind_ == "ids":
        # One by one: each id row padded as predict pads a single sample.
        decoded = [
            codec.decode([ids], None if copied is None else [copied[i]])[0]
            for i, (ids, _, _) in enumerate(flat)
        ]
    else:
        decoded = codec.decode([ids for ids, _, _ in flat], copied) if flat else []
    result: list[list[tuple[Any, float]]] = []
    position = 0
    for sample in hypotheses:
        result.append(
            [(decoded[position + j], score) for j, (_, score, _) in enumerate(sample)]
        )
        position += len(sample)
    return result
