"""RNN (attention GRU) against Transformer on the built-in tasks.

``python benchmarks/bench_architectures.py [epochs] [task ...]`` fits
``Seq2SeqTransformer(architecture=..., hidden_dim=64, max_epochs=epochs,
random_state=0)`` (every other parameter at its default) on 1000 pairs of each task
(800 train, 200 test) and prints, per task and architecture, the parameter count, fit
time, test BLEU and exact match as an reStructuredText table. For reversal it also
scores sequences of 10 to 12 symbols, longer than any seen in training (3 to 8): the
length-generalisation column. Tasks: numbers, sorting, reversal, pig_latin (default:
all). Runs on the CPU with one torch thread.
"""

import sys
import time
import warnings

import torch

from sklearn_seq2seq import Seq2SeqTransformer, exact_match_score
from sklearn_seq2seq.datasets import (
    make_number_words,
    make_pig_latin,
    make_reversal,
    make_sorting,
)

warnings.simplefilter("ignore")
torch.set_num_threads(1)

TASKS = {
    "numbers": (make_number_words, "word"),
    "sorting": (make_sorting, "word"),
    "reversal": (make_reversal, "word"),
    "pig_latin": (make_pig_latin, "char"),
}


def main() -> None:
    epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    tasks = sys.argv[2:] or list(TASKS)
    rows = []
    for task in tasks:
        make, analyzer = TASKS[task]
        X_train, X_test, y_train, y_test = make(n_samples=1000, random_state=0)
        for architecture in ("rnn", "transformer"):
            model = Seq2SeqTransformer(
                architecture=architecture,
                analyzer=analyzer,
                hidden_dim=64,
                max_epochs=epochs,
                random_state=0,
                device="cpu",
            )
            start = time.perf_counter()
            model.fit(X_train, y_train)
            seconds = time.perf_counter() - start
            n_params = sum(p.numel() for p in model.net_.module_.parameters())
            longer = "-"
            if task == "reversal":
                _, X_long, _, y_long = make_reversal(
                    n_samples=1000, min_length=10, max_length=12, random_state=1
                )
                model.set_params(max_output_length=30)
                longer = f"{exact_match_score(y_long, model.predict(X_long)):.3f}"
            rows.append(
                (
                    task,
                    architecture,
                    f"{n_params:,}",
                    f"{model.score(X_test, y_test):.1f}",
                    f"{exact_match_score(y_test, model.predict(X_test)):.3f}",
                    longer,
                    f"{seconds:.0f} s",
                )
            )
            print(*rows[-1], sep="  ", flush=True)
    header = ("task", "model", "parameters", "BLEU", "exact", "longer", "fit time")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    rule = "  ".join("=" * w for w in widths)
    print()
    print(rule)
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print(rule)
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    print(rule)


if __name__ == "__main__":
    main()
