"""Does grid search with the package's scorers pick the best model?

``python benchmarks/bench_model_selection.py dates|numbers [epochs]`` runs
``GridSearchCV`` over ``hidden_dim`` [8, 48] x ``decoder`` [simple, attention]
(cv=2) with :data:`bleu_scorer`, :data:`chrf_scorer` and :data:`exact_match_scorer`,
refits every cell on the training set, and prints each cell's cross-validated
scores, its test exact match and the plain corpus BLEU-4 the former scorer used,
then which cell each scorer picks. ``dates``: dates in words to ISO dates, read
character by character; ``numbers``: number words to digits (1-3 tokens).
"""

import sys
import time
import warnings

import numpy as np
from sklearn.model_selection import GridSearchCV

from sklearn_seq2seq import (
    Seq2SeqTransformer,
    bleu_score,
    bleu_scorer,
    chrf_scorer,
    exact_match_score,
    exact_match_scorer,
)
from sklearn_seq2seq.datasets import make_dates, make_number_words

warnings.simplefilter("ignore")

task = sys.argv[1]
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 30
if task == "dates":
    Xtr, Xte, ytr, yte = make_dates(n_samples=1000, random_state=0)
    an = "char"
else:
    ytr, yte, Xtr, Xte = make_number_words(n_samples=1000, random_state=0)
    an = "word"
est = Seq2SeqTransformer(analyzer=an, max_epochs=epochs, random_state=0, device="cpu")
grid = {"hidden_dim": [8, 48], "decoder": ["simple", "attention"]}
t = time.time()
gs = GridSearchCV(
    est,
    grid,
    cv=2,
    scoring={"bleu": bleu_scorer, "chrf": chrf_scorer, "em": exact_match_scorer},
    refit=False,
).fit(Xtr, ytr)
print(task, "search", round(time.time() - t), "s")
res = gs.cv_results_
ems = []
for i, p in enumerate(res["params"]):
    m = Seq2SeqTransformer(
        analyzer=an, max_epochs=epochs, random_state=0, device="cpu", **p
    ).fit(Xtr, ytr)
    pred = m.predict(Xte)
    em = exact_match_score(yte, pred)
    ems.append(em)
    old = bleu_score(yte, pred)
    print(
        p,
        f"cv bleu {res['mean_test_bleu'][i]:.2f} chrf {res['mean_test_chrf'][i]:.2f} "
        f"em {res['mean_test_em'][i]:.3f} | test EM {em:.3f} | "
        f"former default corpus BLEU {old:.2f}",
    )
for k in ("bleu", "chrf", "em"):
    best = int(np.argmax(res[f"mean_test_{k}"]))
    print(k, "picks", res["params"][best], "test EM", ems[best], "best EM", max(ems))
