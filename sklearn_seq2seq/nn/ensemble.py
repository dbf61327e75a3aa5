"""Ensemble decoding: several encoder-decoders searched as one.

At every decoding step each model reads the same previous token and the ensemble's
next-token distribution is the average of the models' distributions, as OpenNMT-py
and fairseq decode ensembles. The ensemble has the interface the search functions
use (``encode``, ``decoder.bos``, ``decoder.step``, states with ``index_select`` and
``reorder``), so greedy search, sampling and beam search run on it unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor, nn


@dataclass
class EnsembleState:
    """The decoder states of the ensemble's models, one per model."""

    states: list[Any]

    @property
    def context(self) -> Tensor:
        return self.states[0].context

    @property
    def encoder_output(self) -> Tensor:
        return self.states[0].encoder_output

    def index_select(self, index: Tensor) -> EnsembleState:
        return EnsembleState([state.index_select(index) for state in self.states])

    def reorder(self, index: Tensor) -> EnsembleState:
        return EnsembleState([state.reorder(index) for state in self.states])


class EnsembleDecoder(nn.Module):
    """Steps every model's decoder and averages their next-token distributions.

    ``step`` returns the log of the mean of the models' probabilities (already
    normalised) and, when every model attends, the mean of their attention weights.
    """

    def __init__(self, decoders: Sequence[nn.Module]) -> None:
        super().__init__()
        self.decoders = nn.ModuleList(decoders)
        self.uses_attention = all(d.uses_attention for d in decoders)

    def bos(self, batch_size: int, like: Tensor) -> Tensor:
        return self.decoders[0].bos(batch_size, like)

    def step(
        self, prev: Tensor, state: EnsembleState
    ) -> tuple[Tensor, EnsembleState, Tensor | None]:
        log_probs, states, weights = [], [], []
        for decoder, model_state in zip(self.decoders, state.states, strict=True):
            logits, model_state, model_weights = decoder.step(prev, model_state)
            log_probs.append(torch.log_softmax(logits.float(), dim=-1))
            states.append(model_state)
            weights.append(model_weights)
        mean = torch.logsumexp(torch.stack(log_probs), dim=0) - math.log(len(log_probs))
        attention = (
            torch.stack(weights).mean(dim=0)
            if all(w is not None for w in weights)
            else None
        )
        return mean, EnsembleState(states), attention


class EnsembleEncoderDecoder(nn.Module):
    """Encoder-decoders with one target vocabulary, decoded as one model.

    Parameters
    ----------
    models : sequence of EncoderDecoder
        Fitted networks sharing the source and target vocabularies (any mix of
        decoders, cells and architectures).
    """

    def __init__(self, models: Sequence[nn.Module]) -> None:
        super().__init__()
        self.models = nn.ModuleList(models)
        self.decoder = EnsembleDecoder([model.decoder for model in models])

    def encode(self, src: Tensor, src_lengths: Tensor) -> EnsembleState:
        return EnsembleState([model.encode(src, src_lengths) for model in self.models])
