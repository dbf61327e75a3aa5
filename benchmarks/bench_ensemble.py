"""Ensemble decoding against its members on a built-in task.

``python benchmarks/bench_ensemble.py`` fits three attention GRUs that differ only
in ``random_state`` (sorting task, 1000 pairs, ``hidden_dim=32``, 10 epochs: short
enough that the members still err) and prints the test exact match and BLEU of each
member and of :class:`~sklearn_seq2seq.Seq2SeqEnsemble` over the three, greedy and
with a beam of 5. About a minute on one CPU thread.
"""

import warnings

import torch

from sklearn_seq2seq import Seq2SeqEnsemble, Seq2SeqTransformer, exact_match_score
from sklearn_seq2seq.datasets import make_sorting

warnings.simplefilter("ignore")
torch.set_num_threads(1)


def main() -> None:
    X_train, X_test, y_train, y_test = make_sorting(n_samples=1000, random_state=0)
    members = [
        Seq2SeqTransformer(
            hidden_dim=32, max_epochs=10, random_state=seed, device="cpu"
        ).fit(X_train, y_train)
        for seed in (0, 1, 2)
    ]
    print(f"{'model':<22} {'beam':>4} {'exact match':>11} {'BLEU':>6}")
    for beam_width in (1, 5):
        for member in members:
            member.set_params(beam_width=beam_width)
        rows = [(f"random_state={m.random_state}", m) for m in members]
        rows.append(("ensemble of the three", Seq2SeqEnsemble(members)))
        for name, model in rows:
            exact = exact_match_score(y_test, model.predict(X_test))
            bleu = model.score(X_test, y_test)
            print(f"{name:<22} {beam_width:>4} {exact:>11.3f} {bleu:>6.1f}")


if __name__ == "__main__":
    main()
