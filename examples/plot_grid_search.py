"""
Grid search over hidden size and decoder
========================================

A :class:`~sklearn_seq2seq.Seq2SeqTransformer` is a scikit-learn estimator, so
:class:`~sklearn.model_selection.GridSearchCV` tunes it on raw strings, scored by
corpus BLEU with :data:`~sklearn_seq2seq.bleu_scorer`. The task is reversing
sequences of digits (``"3 1 4"`` → ``"4 1 3"``): the first output token depends on
the last input token, which a decoder that attends to every encoder state finds
much more easily than one that only sees the encoder's final state.
"""

# %%
# Settings
# --------
import os
import time

import matplotlib.pyplot as plt
import pandas as pd
from sklearn.model_selection import GridSearchCV

from sklearn_seq2seq import Seq2SeqTransformer, bleu_scorer
from sklearn_seq2seq.datasets import make_reversal

EPOCHS = int(os.environ.get("SEQ2SEQ_EXAMPLE_EPOCHS", 15))
N_SAMPLES = int(os.environ.get("SEQ2SEQ_EXAMPLE_N_SAMPLES", 600))

# %%
# Data: sequences of 3 to 6 digits and their reversal.
X_train, X_test, y_train, y_test = make_reversal(
    n_samples=N_SAMPLES, min_length=3, max_length=6, random_state=0
)
print(f"{len(X_train)} training pairs, {len(X_test)} test pairs")
print(pd.DataFrame({"source": X_train[:3], "target": y_train[:3]}))

# %%
# The search
# ----------
# The estimator reads the strings itself, so the grid names its parameters directly
# (inside a pipeline they would be ``<step name>__<parameter>``).
model = Seq2SeqTransformer(max_epochs=EPOCHS, random_state=0)
param_grid = {"hidden_dim": [16, 32], "decoder": ["simple", "attention"]}
search = GridSearchCV(model, param_grid, scoring=bleu_scorer, cv=3)
start = time.perf_counter()
search.fit(X_train, y_train)
print(f"search (4 candidates x 3 folds + refit) in {time.perf_counter() - start:.1f} s")

# %%
# Cross-validation results
# ------------------------
columns = {
    "param_decoder": "decoder",
    "param_hidden_dim": "hidden_dim",
    "mean_test_score": "mean BLEU",
    "std_test_score": "std BLEU",
    "mean_fit_time": "fit time (s)",
    "rank_test_score": "rank",
}
results = (
    pd.DataFrame(search.cv_results_)[list(columns)]
    .rename(columns=columns)
    .sort_values("rank")
)
print(results.round(2).to_string(index=False))

# %%
# The best candidate, refitted on the whole training set, on the test set:
print("best parameters:", search.best_params_)
print(f"best cross-validated BLEU: {search.best_score_:.2f}")
print(f"test BLEU of the refitted best model: {search.score(X_test, y_test):.2f}")
print(
    pd.DataFrame(
        {
            "source": X_test[:5],
            "truth": y_test[:5],
            "prediction": search.predict(X_test[:5]),
        }
    ).to_string(index=False)
)

# %%
# Plot
# ----
fig, ax = plt.subplots()
labels = results["decoder"] + ", " + results["hidden_dim"].astype(str)
ax.barh(labels, results["mean BLEU"], xerr=results["std BLEU"])
ax.set_xlabel("mean cross-validated BLEU (3 folds)")
ax.set_xlim(0, 100)
ax.invert_yaxis()  # best candidate on top
ax.set_title("Reversing digit sequences")
fig.tight_layout()
plt.show()
