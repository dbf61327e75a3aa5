"""What the recurrent and the Transformer decoders share: a first input, one step at
a time, and the decoding of a whole sequence (in one call where every input is known
before decoding, else step by step with teacher forcing)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch
from torch import Tensor, nn


class StepDecoder(nn.Module):
    """Base class of the decoders: ``bos``, ``forward`` and the step-by-step loop.

    A subclass sets ``pad_index`` and, through :meth:`_set_output`, the other
    attributes in ``__init__``, and implements :meth:`step`,
    :meth:`can_run_in_one_call` and :meth:`_forward_one_call`. A state is any
    object with a ``context`` tensor ``(batch, ...)``.

    Attributes
    ----------
    is_token_output : bool
        Logits over ``output_size`` ids, else vectors of ``output_size`` features.
    output_size : int
    pad_index, bos_index : int
        Ids of padding and ``<bos>`` for token output.
    """

    is_token_output: bool
    output_size: int
    pad_index: int
    bos_index: int

    def _set_output(self, options: Mapping[str, Any], bos_index: int) -> None:
        """Token output of ``options["vocab_size"]`` ids, else vectors of
        ``options["n_features"]`` (the decoder's keywords: it reads its previous
        output, so its input and output are of one kind)."""
        vocab_size = options.get("vocab_size")
        self.is_token_output = vocab_size is not None
        self.output_size = (
            vocab_size if vocab_size is not None else options.get("n_features")
        )
        self.bos_index = bos_index

    def bos(self, batch_size: int, like: Tensor) -> Tensor:
        """First decoder input: ``<bos>`` ids ``(batch,)`` or zeros ``(batch, F)``
        of ``like``'s dtype, on ``like``'s device."""
        if self.is_token_output:
            return torch.full(
                (batch_size,), self.bos_index, dtype=torch.long, device=like.device
            )
        return torch.zeros(
            batch_size, self.output_size, dtype=like.dtype, device=like.device
        )

    def step(
        self, prev_output: Tensor, state: Any
    ) -> tuple[Tensor, Any, Tensor | None]:
        """Decode one step: the output, the new state and the attention weights."""
        raise NotImplementedError

    def can_run_in_one_call(self, teacher_forced: bool) -> bool:
        """Whether every step's input is known before decoding."""
        raise NotImplementedError

    def _forward_one_call(
        self, state: Any, trg_input: Tensor | None, n_steps: int
    ) -> tuple[Tensor, Tensor | None]:
        """Decode all ``n_steps`` at once (when :meth:`can_run_in_one_call`)."""
        raise NotImplementedError

    def _next_input(self, output: Tensor) -> Tensor:
        """The model's own previous output as the next input (argmax for tokens)."""
        return output.argmax(dim=-1) if self.is_token_output else output

    def forward(
        self,
        state: Any,
        trg_input: Tensor | None = None,
        n_steps: int | None = None,
        teacher_forcing_ratio: float = 1.0,
        generator: torch.Generator | None = None,
    ) -> tuple[Tensor, Tensor | None]:
        """Decode a whole sequence.

        Parameters
        ----------
        state : object
            From the decoder's ``init_state``.
        trg_input : Tensor, default=None
            The shifted target, ``(batch, trg_len)`` starting with ``<bos>`` or
            ``(batch, trg_len, n_features)`` starting with zeros. ``None`` decodes
            freely (own outputs fed back) for ``n_steps`` steps.
        n_steps : int, default=None
            Number of steps when ``trg_input`` is None.
        teacher_forcing_ratio : float, default=1.0
            Probability of feeding the ground truth instead of the model's own previous
            output, drawn per step and per sequence.
        generator : torch.Generator, default=None
            Random source of the teacher-forcing draws (on the module's device).

        Returns
        -------
        outputs : Tensor
            ``(batch, trg_len, vocab_size | n_features)``.
        weights : Tensor or None
            ``(batch, trg_len, src_len)`` attention weights (None without attention).
        """
        batch_size = state.context.shape[0]
        if trg_input is not None:
            n_steps = trg_input.shape[1]
        if n_steps is None:
            raise ValueError("Give trg_input or n_steps.")
        teacher_forced = trg_input is not None and teacher_forcing_ratio >= 1.0
        if self.can_run_in_one_call(teacher_forced):
            return self._forward_one_call(state, trg_input, n_steps)

        use_truth = None
        if trg_input is not None and teacher_forcing_ratio < 1.0:
            draws = torch.rand(
                batch_size,
                n_steps,
                generator=generator,
                device=generator.device if generator is not None else trg_input.device,
            ).to(trg_input.device)
            use_truth = draws < teacher_forcing_ratio  # batch x trg_len
        prev = (
            trg_input[:, 0]
            if trg_input is not None
            else self.bos(batch_size, state.context)
        )
        outputs, all_weights = [], []
        for t in range(n_steps):
            output, state, weights = self.step(prev, state)
            outputs.append(output)
            if weights is not None:
                all_weights.append(weights)
            if t + 1 < n_steps:
                if trg_input is None:
                    prev = self._next_input(output)
                elif use_truth is None:  # full teacher forcing
                    prev = trg_input[:, t + 1]
                else:
                    keep = use_truth[:, t + 1]
                    if not self.is_token_output:
                        keep = keep.unsqueeze(1)
                    prev = torch.where(
                        keep, trg_input[:, t + 1], self._next_input(output)
                    )
        weights_out = torch.stack(all_weights, dim=1) if all_weights else None
        return torch.stack(outputs, dim=1), weights_out
