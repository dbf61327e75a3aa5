"""Beam search over the Transformer: key/value cache vs recomputing the prefix.

The cached decoder (``TransformerDecoder.step``) runs one position per step; the
reference here re-runs the decoder over the whole decoded prefix at every step (what
decoding without a cache costs). Both must return the same hypotheses; the script
prints their times and the speed-up.

    python benchmarks/bench_transformer_cache.py [--length 40] [--threads 1]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, replace

import torch
from torch import Tensor

from sklearn_seq2seq.nn import beam_search, build_transformer
from sklearn_seq2seq.nn.transformer import TransformerDecoderState


@dataclass
class PrefixState:
    """The encoder's state and the decoded prefix ``(batch, steps)``."""

    base: TransformerDecoderState
    prefix: Tensor

    @property
    def context(self) -> Tensor:
        return self.base.context

    @property
    def encoder_output(self) -> Tensor:
        return self.base.encoder_output

    def index_select(self, index: Tensor) -> PrefixState:
        return PrefixState(
            self.base.index_select(index), self.prefix.index_select(0, index)
        )

    def reorder(self, index: Tensor) -> PrefixState:
        return replace(self, prefix=self.prefix.index_select(0, index))


class RecomputingDecoder:
    """The Transformer decoder without a cache: every step re-runs the prefix."""

    uses_attention = True

    def __init__(self, decoder) -> None:
        self.decoder = decoder

    def bos(self, batch_size: int, like: Tensor) -> Tensor:
        return self.decoder.bos(batch_size, like)

    def step(self, prev: Tensor, state: PrefixState):
        prefix = torch.cat([state.prefix, prev.unsqueeze(1)], dim=1)
        length = prefix.shape[1]
        causal = torch.ones(1, length, length, dtype=torch.bool).tril()
        x = self.decoder.input_layer(prefix)
        output, _, weights = self.decoder._run(x, state.base, causal, use_cache=False)
        return output[:, -1], replace(state, prefix=prefix), weights[:, -1]


class RecomputingModel:
    def __init__(self, model) -> None:
        self.model = model
        self.decoder = RecomputingDecoder(model.decoder)

    def encode(self, src: Tensor, src_lengths: Tensor) -> PrefixState:
        base = self.model.encode(src, src_lengths)
        return PrefixState(base, torch.empty(len(src), 0, dtype=torch.long))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--length", type=int, default=40, help="tokens decoded")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--beam", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = build_transformer(
        src_vocab_size=40, trg_vocab_size=40, hidden_dim=64, n_heads=4, depth=3
    ).eval()
    src = torch.randint(4, 40, (args.batch, 30))
    lengths = torch.full((args.batch,), 30)
    # eos_index=-1 is never generated: every hypothesis runs to max_length.
    options = dict(
        beam_width=args.beam, max_length=args.length, eos_index=-1, blocked_indices=()
    )
    times = {}
    outputs = {}
    for name, decoding in (("cached", model), ("recomputed", RecomputingModel(model))):
        with torch.no_grad():
            beam_search(decoding, src, lengths, **{**options, "max_length": 2})
            start = time.perf_counter()
            outputs[name] = beam_search(decoding, src, lengths, **options)
            times[name] = time.perf_counter() - start
    same = torch.equal(outputs["cached"].tokens, outputs["recomputed"].tokens)
    print(
        f"beam {args.beam}, batch {args.batch}, source 30, output {args.length} "
        f"tokens, torch threads {torch.get_num_threads()}"
    )
    print(f"cached     : {times['cached']:.2f} s")
    print(f"recomputed : {times['recomputed']:.2f} s")
    print(f"speed-up   : {times['recomputed'] / times['cached']:.1f}x")
    print(f"same hypotheses: {same}")


if __name__ == "__main__":
    main()
