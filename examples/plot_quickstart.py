"""
Quickstart: numbers to English words
====================================

Translate numbers written as digits (``"4 2 7"``) into their English words
(``"four hundred twenty seven"``) with a :class:`~sklearn_seq2seq.Seq2SeqTransformer`
fitted on raw strings: the estimator reads both sides itself (``analyzer`` says how:
by words, characters or subwords, for both sides or, with ``source_analyzer`` and
``target_analyzer``, for each), and predicts strings. This is the one way to use it
on text; no vectorizer is needed in front of it.

Fitting is silent by default, as in scikit-learn (``verbose=0``). To watch a model
train, pass ``verbose=1`` to :class:`~sklearn_seq2seq.Seq2SeqTransformer` for the
epoch table (loss and seconds per epoch), or ``verbose=2`` for a progress bar over
the batches as well.
"""

# %%
# Settings
# --------
# The environment variables let the test suite and the documentation build run
# this example in seconds; the defaults (20 epochs over 800 pairs) train in about
# 15 s on one CPU core.
import os
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sklearn_seq2seq import Seq2SeqTransformer, bleu_score
from sklearn_seq2seq.datasets import make_number_words
from sklearn_seq2seq.plotting import plot_history

EPOCHS = int(os.environ.get("SEQ2SEQ_EXAMPLE_EPOCHS", 20))
N_SAMPLES = int(os.environ.get("SEQ2SEQ_EXAMPLE_N_SAMPLES", 1000))
HIDDEN_DIM = int(os.environ.get("SEQ2SEQ_EXAMPLE_HIDDEN_DIM", 64))

# %%
# Data
# ----
# With the default 1000 samples, every number from 0 to 999 appears once, either in
# the training or in the test split: the test numbers were never seen in training.
X_train, X_test, y_train, y_test = make_number_words(
    n_samples=N_SAMPLES, random_state=0
)
print(f"{len(X_train)} training pairs, {len(X_test)} test pairs")
print(pd.DataFrame({"source": X_train[:5], "target": y_train[:5]}))

# %%
# Model
# -----
# ``decoder="attention"`` (the default) recomputes a context over all encoder states
# at every output step. The fit prints nothing; add ``verbose=1`` to see its epochs.
model = Seq2SeqTransformer(hidden_dim=HIDDEN_DIM, max_epochs=EPOCHS, random_state=0)
start = time.perf_counter()
model.fit(X_train, y_train)
print(f"fit in {time.perf_counter() - start:.1f} s")

# %%
# Predictions next to the truth
# -----------------------------
y_pred = model.predict(X_test)
results = pd.DataFrame({"source": X_test, "truth": y_test, "prediction": y_pred})
results["correct"] = results["truth"] == results["prediction"]
print(results.head(10).to_string())

# %%
# Scores
# ------
# ``model.score`` is corpus BLEU (0–100) for token targets
# with the effective order (what ``bleu_scorer`` computes, so that short outputs are
# not scored 0), the same number as :func:`~sklearn_seq2seq.bleu_score` with
# ``effective_order=True`` on the predictions.
bleu = bleu_score(y_test, y_pred, effective_order=True)
print(f"BLEU (bleu_score): {bleu:.2f}")
print(f"BLEU (model.score): {model.score(X_test, y_test):.2f}")
print(f"exact matches: {results['correct'].mean():.1%}")

# %%
# With the default settings, the few mistakes are on short numbers, which are rare
# in the data (10 one-digit and 90 two-digit numbers out of 1000), above all the
# teens: one irregular word for two digits.
print(results[~results["correct"]].to_string())

# %%
# Training loss
# -------------
# The fitted model keeps one row per epoch in ``history_``, indexed by the
# epoch; :func:`~sklearn_seq2seq.plotting.plot_history` draws it with whole-epoch
# ticks.
history = model.history_
ax = plot_history(history, metrics="train_loss")
ax.set_yscale("log")
ax.get_legend().remove()
ax.set_ylabel("training loss (cross-entropy)")
ax.set_title("Numbers to words")
print(history[["train_loss", "dur"]].tail(3).reset_index().to_string(index=False))
print(f"mean epoch time: {np.mean(history['dur']):.2f} s")
plt.show()

# %%
# Saving, and scikit-learn pipelines
# ----------------------------------
# ``model.save(path)`` writes the fitted model, vocabularies included, to one file
# (JSON and safetensors, no pickle); :func:`~sklearn_seq2seq.load` reads it back.
# The estimator works inside scikit-learn pipelines and searches as any other;
# :class:`~sklearn_seq2seq.SequenceVectorizer` is for other models that need
# padded id arrays, not a step the estimators need.
