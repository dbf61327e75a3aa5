"""Beam search against greedy search on every built-in text task.

``python benchmarks/bench_beam.py`` trains the default attention model on each
built-in sequence task and prints the test exact match of greedy search and of beam
search (widths 2 and 4), and the share of test sequences whose beam output scores at
least greedy's output under the model. A correct beam search never does worse than
greedy by more than noise: the search keeps going until no unfinished hypothesis can
beat its best finished one.
"""

from __future__ import annotations

import argparse
import time

import torch

from sklearn_seq2seq import Seq2SeqTransformer
from sklearn_seq2seq._data._vocabulary import BOS_INDEX, EOS_INDEX, PAD_INDEX, UNK_INDEX
from sklearn_seq2seq.datasets import (
    make_dates,
    make_number_words,
    make_pig_latin,
    make_reversal,
    make_sorting,
)
from sklearn_seq2seq.metrics import exact_match_score
from sklearn_seq2seq.nn import beam_search, greedy_search


def _words_to_digits():
    X_train, X_test, y_train, y_test = make_number_words(n_samples=1000)
    return y_train, y_test, X_train, X_test


TASKS = {
    "digits to number words": (lambda: make_number_words(n_samples=1000), "word"),
    "number words to digits": (_words_to_digits, "word"),
    "sorting": (lambda: make_sorting(n_samples=1000), "word"),
    "reversal": (lambda: make_reversal(n_samples=1000), "word"),
    "pig latin": (lambda: make_pig_latin(n_samples=1000), "char"),
    "dates": (lambda: make_dates(n_samples=1000), "char"),
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    print(
        "| task | greedy exact | beam 2 exact | beam 4 exact | "
        "beam 4 score >= greedy | fit s |"
    )
    print("|---|---|---|---|---|---|", flush=True)
    for name, (make, analyzer) in TASKS.items():
        X_train, X_test, y_train, y_test = make()
        start = time.perf_counter()
        model = Seq2SeqTransformer(
            analyzer=analyzer,
            max_epochs=args.epochs,
            random_state=0,
            device=args.device,
        ).fit(X_train, y_train)
        seconds = time.perf_counter() - start
        exact = {}
        for width in (1, 2, 4):
            model.set_params(beam_width=width)
            exact[width] = exact_match_score(y_test, model.predict(X_test))
        encoded = model._encode_source(X_test)
        module = model.net_.module_.eval()
        src = torch.as_tensor(encoded.data, device=model._device)
        lengths = torch.as_tensor(encoded.lengths, device=model._device)
        options = dict(
            max_length=model.max_output_length_,
            eos_index=EOS_INDEX,
            pad_index=PAD_INDEX,
            blocked_indices=(PAD_INDEX, UNK_INDEX, BOS_INDEX),
            return_attention=False,
        )
        greedy = greedy_search(module, src, lengths, **options)
        beam = beam_search(module, src, lengths, beam_width=4, **options)
        share = (beam.scores >= greedy.scores - 1e-4).float().mean().item()
        print(
            f"| {name} | {exact[1]:.3f} | {exact[2]:.3f} | {exact[4]:.3f} | "
            f"{share:.3f} | {seconds:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
