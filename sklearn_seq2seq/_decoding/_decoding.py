"""The one decoding object: the estimator's decoding parameters, read once.

:class:`Decoding` is built from ``Seq2SeqTransformer``'s parameters at the start
of every prediction call (``predict``, ``predict_nbest``, ...) and once per fit
for the validation score, and passed unchanged to every search. It is the only
place that knows how the estimator's parameter names map onto the searches of
:mod:`sklearn_seq2seq.nn` (``min_output_length`` is the search's ``min_length``),
and which ids are never generated.

Adding a decoding control (see the Architecture page of the docs):

1. in ``nn/_controls.py``, a field of ``DecodingControls`` and its kernel in
   ``KERNELS``;
2. the estimator parameter (``__init__``, its constraint, its docstring part) and
   its entry in :data:`CONTROLS` below (estimator name -> control name);
3. a row in ``tests/test_decoding_controls.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch

from .._data._vocabulary import BOS_INDEX, EOS_INDEX, PAD_INDEX, UNK_INDEX
from ..nn import beam_search, beam_search_nbest, greedy_search, sample_search

#: Estimator parameter -> ``nn`` decoding control it sets.
CONTROLS = {
    "min_output_length": "min_length",
    "no_repeat_ngram_size": "no_repeat_ngram_size",
    "repetition_penalty": "repetition_penalty",
}
#: The parameters that shape sampling only (``decoding="sample"``), with their
#: defaults.
SAMPLING = {"temperature": 1.0, "top_k": None, "top_p": None}


@dataclass(frozen=True)
class Decoding:
    """How to decode, for every search of one call.

    Parameters
    ----------
    mode : {"greedy", "beam", "sample"}
        The search ``predict`` runs.
    max_length : int
        Most tokens per prediction (the estimator's ``max_output_length_``).
    max_length_a, max_length_b : float or None, int
        Source-relative limit ``int(a * source_length + b)`` within
        ``[1, max_length]`` (fairseq's ``--max-len-a``/``--max-len-b``).
    beam_width, length_penalty : int, float
        Beam search's width and GNMT length penalty.
    sampling : dict
        ``temperature``, ``top_k``, ``top_p``.
    controls : dict
        The ``nn`` decoding controls (``min_length``, ...).
    allow_unknown : bool
        Let searches emit ``<unk>`` (``replace_unknown`` copies a source token
        into its place).
    seed : int or None
        Seed of the sampling draws.
    """

    mode: str
    max_length: int
    max_length_a: float | None = None
    max_length_b: int = 0
    beam_width: int = 1
    length_penalty: float = 0.0
    sampling: dict[str, Any] = field(default_factory=lambda: dict(SAMPLING))
    controls: dict[str, Any] = field(default_factory=dict)
    allow_unknown: bool = False
    seed: int | None = None

    @classmethod
    def from_params(
        cls, params: dict[str, Any], *, max_length: int, seed: int | None = None
    ) -> Decoding:
        """The decoding that the estimator parameters ``params`` (its
        ``get_params(deep=False)``) ask for."""
        mode = params["decoding"]
        if mode is None:
            mode = "greedy" if params["beam_width"] == 1 else "beam"
        return cls(
            mode=mode,
            max_length=max_length,
            max_length_a=params["max_length_a"],
            max_length_b=params["max_length_b"],
            beam_width=params["beam_width"],
            length_penalty=params["length_penalty"],
            sampling={name: params[name] for name in SAMPLING},
            controls={control: params[name] for name, control in CONTROLS.items()},
            allow_unknown=bool(params["replace_unknown"]),
            seed=seed,
        )

    def limits(self, src_lengths: torch.Tensor) -> int | torch.Tensor:
        """Most tokens per prediction: ``max_length``, or per sequence the
        source-relative limit when ``max_length_a`` is set."""
        if self.max_length_a is None:
            return self.max_length
        limits = torch.floor(
            self.max_length_a * src_lengths.double() + self.max_length_b
        )
        return limits.clamp(1, self.max_length).long()

    def options(
        self, src_lengths: torch.Tensor, *, return_attention: bool
    ) -> dict[str, Any]:
        """Keyword arguments of the ``nn`` searches for the package's
        vocabularies: stop at ``<eos>``, never emit padding, ``<bos>`` or (unless
        ``allow_unknown``) ``<unk>``; the limits and the controls."""
        blocked = (
            (PAD_INDEX, BOS_INDEX)
            if self.allow_unknown
            else (PAD_INDEX, UNK_INDEX, BOS_INDEX)
        )
        return {
            "max_length": self.limits(src_lengths),
            "eos_index": EOS_INDEX,
            "pad_index": PAD_INDEX,
            "blocked_indices": blocked,
            "return_attention": return_attention,
            **self.controls,
        }

    def search(
        self,
        module: torch.nn.Module,
        src: torch.Tensor,
        src_lengths: torch.Tensor,
        *,
        return_attention: bool,
        mode: str | None = None,
        n_best: int | None = None,
    ) -> Any:
        """Run this decoding's search on one batch: ``mode`` (default: its own),
        or with ``n_best`` a beam search of width ``max(beam_width, n_best)``
        that keeps the ``n_best`` best hypotheses."""
        options = self.options(src_lengths, return_attention=return_attention)
        if n_best is not None:
            return beam_search_nbest(
                module,
                src,
                src_lengths,
                beam_width=max(self.beam_width, n_best),
                n_best=n_best,
                length_penalty=self.length_penalty,
                **options,
            )
        mode = mode or self.mode
        if mode == "sample":
            if self.seed is None:
                raise ValueError("sampling needs a seed")
            return sample_search(
                module, src, src_lengths, seed=self.seed, **self.sampling, **options
            )
        if mode == "greedy":
            return greedy_search(module, src, src_lengths, **options)
        return beam_search(
            module,
            src,
            src_lengths,
            beam_width=self.beam_width,
            length_penalty=self.length_penalty,
            **options,
        )
