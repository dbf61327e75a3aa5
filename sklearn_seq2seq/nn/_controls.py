"""Decoding controls: what every search does to a step's log-probabilities.

Each control is one field of :class:`DecodingControls` and one kernel, a function
``kernel(controls, log_probs, generated, step) -> log_probs`` listed in
:data:`KERNELS` (the order they apply in), as Hugging Face's ``LogitsProcessor``
list and fairseq's search apply theirs. The kernels see the log-probabilities
``(rows, vocab)`` (``log_softmax`` of the logits), the ids generated so far
``(rows, step)`` (no ``<bos>``; None when no control needs them) and the step:

- ``repetition_penalty`` (CTRL, Keskar et al., 2019): the log-probability of every
  token already generated is multiplied by the penalty (>= 1; log-probabilities are
  <= 0, so they fall);
- ``blocked_indices`` are never generated (log-probability set to -inf);
- ``min_length``: ``<eos>`` is forbidden while fewer tokens have been generated;
- ``no_repeat_ngram_size`` ``n``: a token that would complete an n-gram already in
  the output is forbidden (fairseq's ``--no-repeat-ngram-size``).

Forbidden tokens get -inf; the others keep their log-probability (no
renormalisation), so that without a repetition penalty a hypothesis' score is the
model's own log-probability of it. Defaults change nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import Any

import torch
from torch import Tensor

from ._specials import PAD_INDEX


def _seen_mask(generated: Tensor, vocab_size: int) -> Tensor:
    """``(rows, vocab)``: True for the ids in each row of ``generated``."""
    seen = torch.zeros(
        generated.shape[0], vocab_size, dtype=torch.bool, device=generated.device
    )
    return seen.scatter_(1, generated, True)


def _banned_ngrams(generated: Tensor, n: int, vocab_size: int) -> Tensor | None:
    """``(rows, vocab)`` mask of the ids that would repeat an n-gram of
    ``generated`` ``(rows, t)``: those that followed an earlier occurrence of the
    last ``n - 1`` tokens. None when no n-gram is complete yet."""
    t = generated.shape[1]
    if n <= 0 or t < n:
        return None
    windows = generated.unfold(1, n, 1)  # rows x (t - n + 1) x n
    prefix = generated[:, t - n + 1 :]  # rows x (n - 1)
    match = (windows[:, :, :-1] == prefix.unsqueeze(1)).all(dim=2)
    counts = torch.zeros(generated.shape[0], vocab_size, device=generated.device)
    counts.scatter_add_(1, windows[:, :, -1], match.float())
    return counts > 0


def repetition_penalty_kernel(
    controls: DecodingControls, log_probs: Tensor, generated: Tensor | None, step: int
) -> Tensor:
    if controls.repetition_penalty == 1.0 or step == 0:
        return log_probs
    assert generated is not None
    seen = _seen_mask(generated, log_probs.shape[1])
    return torch.where(seen, log_probs * controls.repetition_penalty, log_probs)


def blocked_indices_kernel(
    controls: DecodingControls, log_probs: Tensor, generated: Tensor | None, step: int
) -> Tensor:
    if controls.blocked_indices:
        log_probs[:, list(controls.blocked_indices)] = float("-inf")
    return log_probs


def min_length_kernel(
    controls: DecodingControls, log_probs: Tensor, generated: Tensor | None, step: int
) -> Tensor:
    if step < controls.min_length:
        log_probs[:, controls.eos_index] = float("-inf")
    return log_probs


def no_repeat_ngram_kernel(
    controls: DecodingControls, log_probs: Tensor, generated: Tensor | None, step: int
) -> Tensor:
    if controls.no_repeat_ngram_size <= 0:
        return log_probs
    assert generated is not None
    banned = _banned_ngrams(
        generated, controls.no_repeat_ngram_size, log_probs.shape[1]
    )
    if banned is None:
        return log_probs
    return log_probs.masked_fill(banned, float("-inf"))


Kernel = Callable[["DecodingControls", Tensor, "Tensor | None", int], Tensor]

#: The kernels, in the order they apply.
KERNELS: tuple[Kernel, ...] = (
    repetition_penalty_kernel,
    blocked_indices_kernel,
    min_length_kernel,
    no_repeat_ngram_kernel,
)


@dataclass(frozen=True)
class DecodingControls:
    """The controls of one search (see the module docstring).

    Parameters
    ----------
    eos_index : int
        Id of ``<eos>``.
    pad_index : int, default=0
        Id written after ``<eos>``.
    blocked_indices : sequence of int, default=()
        Ids never generated.
    min_length : int, default=0
        Tokens generated before ``<eos>`` is allowed.
    no_repeat_ngram_size : int, default=0
        Forbid repeating an n-gram of this size (0: off).
    repetition_penalty : float, default=1.0
        Factor on the log-probability of tokens already generated (1: off).
    """

    eos_index: int
    pad_index: int = PAD_INDEX
    blocked_indices: Sequence[int] = ()
    min_length: int = 0
    no_repeat_ngram_size: int = 0
    repetition_penalty: float = 1.0

    @classmethod
    def from_options(cls, eos_index: int, options: dict[str, Any]) -> DecodingControls:
        """The controls of a search's keyword options (a ``TypeError`` names
        unknown ones)."""
        unknown = set(options) - {f.name for f in fields(cls)} - {"eos_index"}
        if unknown:
            raise TypeError(
                f"unknown decoding controls {sorted(unknown)}; the controls are "
                f"{[f.name for f in fields(cls) if f.name != 'eos_index']}."
            )
        return cls(eos_index, **options)

    @property
    def needs_history(self) -> bool:
        """Whether a kernel reads the ids generated so far."""
        return self.repetition_penalty != 1.0 or self.no_repeat_ngram_size > 0

    def log_probs(self, logits: Tensor, generated: Tensor | None, step: int) -> Tensor:
        """Log-probabilities ``(rows, vocab)`` of the next token after every
        kernel, at decoding step ``step``."""
        log_probs = torch.log_softmax(logits.float(), dim=-1)
        for kernel in KERNELS:
            log_probs = kernel(self, log_probs, generated, step)
        return log_probs
