"""The measured effect of the decoding options (user guide, "Decoding options").

``python benchmarks/bench_decoding.py`` prints two tables:

1. **Unknown-word replacement** on a copy task whose test sequences hold a word never
   seen in training. Training sequences are 2 to 4 of 6 common words with one word
   seen only once; ``min_frequency=2`` reads those as ``<unk>`` on both sides, so the
   model learns where to put ``<unk>``. Exact match of ``predict`` without and with
   ``replace_unknown=True``, for attention with and without input feeding, over
   several seeds.
2. **Repetition and length control** on undertrained models of the reversal task
   (``make_reversal``: 8 % of the true outputs repeat a bigram): share of
   predictions with a repeated bigram, mean length, exact match and BLEU, for greedy
   search alone and with ``no_repeat_ngram_size``, ``repetition_penalty``,
   ``max_length_a`` / ``max_length_b``, beam search, and sampling.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from sklearn_seq2seq import Seq2SeqTransformer, bleu_score
from sklearn_seq2seq.datasets import make_reversal


def copy_task(seed: int) -> tuple[list[str], list[str]]:
    rng = np.random.default_rng(seed)
    common = [f"w{i}" for i in range(6)]
    X = []
    for n in range(300):
        words = list(rng.choice(common, size=rng.integers(2, 5)))
        words[rng.integers(len(words))] = f"n{n}"  # seen once: <unk> in training
        X.append(" ".join(words))
    X_test = (
        [f"w1 u{n} w3" for n in range(20)]
        + [f"v{n} w0" for n in range(20)]
        + [f"w2 w4 x{n} w5" for n in range(20)]
    )
    return X, X_test


def exact(y_true, y_pred) -> float:
    return float(np.mean([a == b for a, b in zip(y_true, y_pred, strict=True)]))


def unknown_words(seeds: list[int], epochs: int) -> None:
    print("Unknown-word replacement: copy task, every test sequence holds an")
    print(f"unseen word (exact match, {len(seeds)} seeds, {epochs} epochs)\n")
    print(f"{'attention':<28} {'plain':>14} {'replace_unknown':>16}")
    print("-" * 60)
    for input_feeding in (True, False):
        plain, copied = [], []
        for seed in seeds:
            X, X_test = copy_task(seed)
            model = Seq2SeqTransformer(
                hidden_dim=32,
                max_epochs=epochs,
                input_feeding=input_feeding,
                min_frequency=2,
                random_state=seed,
                device="cpu",
            ).fit(X, X)
            plain.append(exact(X_test, model.predict(X_test)))
            model.set_params(replace_unknown=True)
            copied.append(exact(X_test, model.predict(X_test)))
        name = f"input_feeding={input_feeding}"
        print(
            f"{name:<28} {np.mean(plain):>6.3f} ({min(plain):.2f}-{max(plain):.2f})"
            f" {np.mean(copied):>7.3f} ({min(copied):.2f}-{max(copied):.2f})"
        )
    print()


def repeats_share(sequences: list[list[str]]) -> float:
    """Share of the sequences (of 2 tokens or more) that repeat a bigram."""
    longer = [t for t in sequences if len(t) > 1]
    return float(np.mean([len(set(zip(t, t[1:]))) < len(t) - 1 for t in longer]))


def repetition(epochs: int) -> None:
    X_train, X_test, y_train, y_test = make_reversal(n_samples=1000)
    model = Seq2SeqTransformer(
        hidden_dim=32, max_epochs=epochs, random_state=0, device="cpu"
    ).fit(X_train, y_train)
    truth = [y.split() for y in y_test]
    print(f"Repetition control: reversal, model trained {epochs} epochs")
    print(
        f"(truth: {repeats_share(truth):.3f} repeat a bigram, mean length "
        f"{np.mean([len(t) for t in truth]):.2f})\n"
    )
    print(f"{'decoding':<44} {'repeats':>8} {'length':>7} {'exact':>6} {'BLEU':>6}")
    print("-" * 75)
    settings = {
        "greedy": {},
        "greedy, no_repeat_ngram_size=2": {"no_repeat_ngram_size": 2},
        "greedy, repetition_penalty=1.5": {"repetition_penalty": 1.5},
        "greedy, max_length_a=1, max_length_b=0": {
            "max_length_a": 1.0,
            "max_length_b": 0,
        },
        "beam 4": {"beam_width": 4},
        "beam 4, no_repeat_ngram_size=2": {"beam_width": 4, "no_repeat_ngram_size": 2},
        "sample, temperature=1": {"decoding": "sample"},
        "sample, temperature=0.5": {"decoding": "sample", "temperature": 0.5},
        "sample, top_p=0.9": {"decoding": "sample", "top_p": 0.9},
    }
    for name, params in settings.items():
        defaults = {
            "beam_width": 1,
            "decoding": None,
            "temperature": 1.0,
            "top_p": None,
            "no_repeat_ngram_size": 0,
            "repetition_penalty": 1.0,
            "max_length_a": None,
            "max_length_b": 0,
        }
        model.set_params(**{**defaults, **params})
        y_pred = model.predict(X_test)
        tokens = [p.split() for p in y_pred]
        repeats = repeats_share(tokens)
        print(
            f"{name:<44} {repeats:>8.3f} {np.mean([len(t) for t in tokens]):>7.2f}"
            f" {exact(y_test, y_pred):>6.3f} {bleu_score(y_test, y_pred):>6.1f}"
        )
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    start = time.perf_counter()
    unknown_words(list(range(args.seeds)), epochs=25)
    repetition(epochs=2)
    repetition(epochs=4)
    print(f"\n{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
