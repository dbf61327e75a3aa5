"""
Digits read row by row: simple versus attention decoder
=======================================================

The digit experiment of the farizrahman4u/seq2seq Keras models, in small. Its MNIST
images were read as sequences of 28 rows of 28 pixels and classified by
``SimpleSeq2Seq`` or ``AttentionSeq2Seq`` followed by ``Flatten`` and a softmax
``Dense`` layer (95.68 % and 98.25 % test accuracy). Here scikit-learn's 8x8 digits are
read as 8 rows of 8 pixels by a :class:`~sklearn_seq2seq.Seq2SeqClassifier`, which has
the same architecture: an encoder, a decoder run for ``output_length`` steps of
``output_dim`` outputs, flattened into a softmax over the 10 classes.
"""

# %%
# Settings
# --------
import os
import time

import matplotlib.pyplot as plt
import pandas as pd

from sklearn_seq2seq import Seq2SeqClassifier
from sklearn_seq2seq.datasets import load_digits_sequences

EPOCHS = int(os.environ.get("SEQ2SEQ_EXAMPLE_EPOCHS", 15))
HIDDEN_DIM = int(os.environ.get("SEQ2SEQ_EXAMPLE_HIDDEN_DIM", 32))
# Number of training images used (None: all 1347).
N_SAMPLES = os.environ.get("SEQ2SEQ_EXAMPLE_N_SAMPLES")

# %%
# Data
# ----
# ``X[i, t]`` is row ``t`` of image ``i``: 8 time steps of 8 features, in [0, 1].
X_train, X_test, y_train, y_test = load_digits_sequences(random_state=0)
if N_SAMPLES is not None:
    X_train, y_train = X_train[: int(N_SAMPLES)], y_train[: int(N_SAMPLES)]
print(f"train {X_train.shape}, test {X_test.shape}")

# %%
# Two decoders
# ------------
# ``output_length=10`` and ``output_dim=10`` are the Keras models' settings. The simple
# decoder gets the encoder's final state at every step; the attention decoder recomputes
# a weighted average of the encoder states (one per row) at every step.
models = {}
rows = []
for decoder in ["simple", "attention"]:
    clf = Seq2SeqClassifier(
        decoder=decoder,
        hidden_dim=HIDDEN_DIM,
        output_length=10,
        output_dim=10,
        max_epochs=EPOCHS,
        random_state=0,
    )
    start = time.perf_counter()
    clf.fit(X_train, y_train)
    fit_time = time.perf_counter() - start
    models[decoder] = clf
    rows.append(
        {
            "decoder": decoder,
            "parameters": sum(p.numel() for p in clf.net_.module_.parameters()),
            "train accuracy": clf.score(X_train, y_train),
            "test accuracy": clf.score(X_test, y_test),
            "fit time (s)": fit_time,
            "s per epoch": clf.history_["dur"].mean(),
        }
    )

results = pd.DataFrame(rows).set_index("decoder")
print(results.round(4).to_string())

# %%
# Both decoders reach high test accuracy. Sequences of 8 rows are short enough for
# the encoder's final state to carry the whole image, so attention has little to add
# here; the original 28-row MNIST sequences gave it more to do. Attention costs more
# time per epoch, because its context is recomputed at every decoder step. (The first
# fit of a process also pays PyTorch's one-off start-up costs, a few seconds, which
# the time per epoch from ``history_`` leaves out.)
#
# Training curves
# ---------------
fig, ax = plt.subplots()
for decoder, clf in models.items():
    clf.history_.plot(y="train_loss", ax=ax, label=decoder, logy=True)
ax.set_ylabel("training loss (cross-entropy)")
ax.set_title("Digits read row by row")

# %%
# Misclassified test digits
# -------------------------
y_pred = models["attention"].predict(X_test)
wrong = (y_pred != y_test).nonzero()[0][:8]
fig, axes = plt.subplots(1, 8, figsize=(10, 1.8), squeeze=False)
for ax in axes.flat:
    ax.set_axis_off()
for ax, i in zip(axes.flat, wrong):
    ax.imshow(X_test[i], cmap="gray_r")
    ax.set_title(f"{y_test[i]} → {y_pred[i]}")
fig.suptitle("Test digits the attention model got wrong (truth → prediction)")
fig.tight_layout()
plt.show()
