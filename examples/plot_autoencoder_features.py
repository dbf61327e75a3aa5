"""
Sequence-autoencoder features for a linear classifier
=====================================================

The sequence autoencoder of Dai and Le (SA-LSTM, "Semi-supervised Sequence
Learning"): train an encoder–decoder to reproduce its input, *without labels*, then use
the encoder's final state as fixed-length features for a classifier trained on few
labels. Unlabeled data is usually plentiful; labels are not.

Here the sequences are scikit-learn's 8x8 digits read row by row (8 steps of 8
pixels). A :class:`~sklearn_seq2seq.Seq2SeqTransformer` fitted with ``y=None`` learns
to reconstruct all training images; its ``transform`` then feeds a
:class:`~sklearn.linear_model.LogisticRegression` trained on 50 to all of the labels,
compared with the same classifier on the raw 64 pixels.
"""

# %%
# Settings
# --------
import os
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import r2_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from sklearn_seq2seq import Seq2SeqTransformer
from sklearn_seq2seq.datasets import load_digits_sequences

EPOCHS = int(os.environ.get("SEQ2SEQ_EXAMPLE_EPOCHS", 20))
HIDDEN_DIM = int(os.environ.get("SEQ2SEQ_EXAMPLE_HIDDEN_DIM", 64))
# Number of unlabeled training images for the autoencoder (None: all 1347).
N_SAMPLES = os.environ.get("SEQ2SEQ_EXAMPLE_N_SAMPLES")

X_train, X_test, y_train, y_test = load_digits_sequences(random_state=0)
X_unlabeled = X_train if N_SAMPLES is None else X_train[: int(N_SAMPLES)]
print(f"unlabeled {X_unlabeled.shape}, test {X_test.shape}")

# %%
# The autoencoder
# ---------------
# Fitted on ``X`` alone, the target is ``X`` itself, learned with mean squared error.
# ``decoder="simple"`` feeds the encoder's final state to the decoder at every step
# and nothing else, so everything the decoder reconstructs has to pass through that
# state: exactly the features ``transform`` returns. (An attention decoder could read
# the individual rows from the encoder states and leave the final state less
# informative.)
autoencoder = Seq2SeqTransformer(
    decoder="simple", hidden_dim=HIDDEN_DIM, max_epochs=EPOCHS, random_state=0
)
start = time.perf_counter()
autoencoder.fit(X_unlabeled)
print(f"autoencoder fitted in {time.perf_counter() - start:.1f} s")

X_reconstructed = autoencoder.predict(X_test)
n_test = len(X_test)
mse = np.mean((X_reconstructed - X_test) ** 2)
# Weighted by pixel variance: the border pixels that are almost always 0 would
# dominate a plain average of per-pixel R².
r2 = r2_score(
    X_test.reshape(n_test, -1),
    X_reconstructed.reshape(n_test, -1),
    multioutput="variance_weighted",
)
print(f"test reconstruction: MSE {mse:.4f}, variance-weighted R² {r2:.3f}")
print("features:", autoencoder.transform(X_test).shape)

# %%
# Few labels: autoencoder features versus raw pixels
# --------------------------------------------------
# :class:`~sklearn.frozen.FrozenEstimator` keeps the fitted autoencoder as it is when
# the pipeline is fitted on labeled data (otherwise ``Pipeline.fit`` would refit it,
# with the labels as targets).
features_model = make_pipeline(
    FrozenEstimator(autoencoder),
    StandardScaler(),
    LogisticRegression(max_iter=2000),
)
pixels_model = make_pipeline(
    FunctionTransformer(lambda X: X.reshape(len(X), -1)),
    LogisticRegression(max_iter=2000),
)

rng = np.random.RandomState(0)
order = rng.permutation(len(X_train))
rows = []
for n_labels in [50, 100, 300, len(X_train)]:
    labeled = order[:n_labels]
    row = {"labels": n_labels}
    for name, model in [
        ("autoencoder features", features_model),
        ("raw pixels", pixels_model),
    ]:
        model.fit(X_train[labeled], y_train[labeled])
        row[name] = model.score(X_test, y_test)
    rows.append(row)
results = pd.DataFrame(rows).set_index("labels")
print("test accuracy of LogisticRegression")
print(results.round(4).to_string())

# %%
# Plots
# -----
fig, ax = plt.subplots()
results.plot(ax=ax, marker="o", logx=True)
ax.set_xlabel("labeled training images")
ax.set_ylabel("test accuracy")
ax.set_title("LogisticRegression on autoencoder features or raw pixels")

fig, axes = plt.subplots(2, 8, figsize=(10, 3))
for j in range(8):
    axes[0, j].imshow(X_test[j], cmap="gray_r", vmin=0, vmax=1)
    axes[1, j].imshow(X_reconstructed[j], cmap="gray_r", vmin=0, vmax=1)
for ax in axes.flat:
    ax.set_axis_off()
fig.suptitle("Test digits (top) and their reconstructions (bottom)")
plt.show()
