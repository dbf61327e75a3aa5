"""Run by tests/test_distributed.py, in one process or under ``torchrun``:
fit tiny models of both estimators and both architectures through an
``accelerate.Accelerator`` and write, per process, what the test compares.

Usage: python fit_tiny.py BATCH_SIZE OUT_DIR [fail-on-rank-1]
"""

import hashlib
import json
import os
import sys

from accelerate import Accelerator

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from sklearn_seq2seq import Seq2SeqClassifier, Seq2SeqTransformer  # noqa: E402

from _s2s_shared import reversal_data  # noqa: E402


def main() -> None:
    batch_size, out_dir = int(sys.argv[1]), sys.argv[2]
    fail = len(sys.argv) > 3
    accelerator = Accelerator(cpu=True)
    rank = accelerator.process_index
    if fail and rank == 1:
        raise ValueError("rank 1 fails on purpose")

    # 32 pairs: every global batch full (accelerate repeats samples to fill a last
    # partial batch of a process, which a single process would not).
    X_all, y_all = reversal_data(6, 7)
    X, y = X_all[:32], y_all[:32]
    labels = [len(s.split()) % 2 for s in X]
    X_val, y_val = X_all[32:40], y_all[32:40]
    labels_val = [len(s.split()) % 2 for s in X_val]
    CASES = [
        ("seq2seq-rnn", Seq2SeqTransformer, {}, y, y_val),
        (
            "seq2seq-transformer",
            Seq2SeqTransformer,
            {"architecture": "transformer", "n_heads": 2},
            y,
            y_val,
        ),
        ("classifier-rnn", Seq2SeqClassifier, {}, labels, labels_val),
        (
            "classifier-transformer",
            Seq2SeqClassifier,
            {"architecture": "transformer", "n_heads": 2},
            labels,
            labels_val,
        ),
        # Length-grouped batches: a process reads whole grouped batches, so the
        # batches differ from one process's at twice the size (no equivalence).
        ("seq2seq-grouped", Seq2SeqTransformer, {"group_by_length": True}, y, y_val),
    ]
    results = {}
    for name, cls, params, target, target_val in CASES:
        model = cls(
            hidden_dim=8,
            max_epochs=3,
            batch_size=batch_size,
            random_state=0,
            device="cpu",
            accelerator=accelerator,
            verbose=1,
            **params,
        )
        model.fit(X, target, X_val=X_val, y_val=target_val)
        weights = b"".join(
            p.detach().numpy().tobytes() for p in model.net_.module_.parameters()
        )
        codec = model.source_codec_
        results[name] = {
            "train_loss": model.history_["train_loss"].tolist(),
            "valid_loss": model.history_["valid_loss"].tolist(),
            "predictions": [str(p) for p in model.predict(X)],
            "weights": hashlib.sha256(weights).hexdigest(),
            "vocabulary": [str(t) for t in codec.itos_],
            "batches_per_epoch": model.net_.history[-1]["train_batch_count"],
        }
        model.save(os.path.join(out_dir, f"{name}.s2s"))
    with open(os.path.join(out_dir, f"rank{rank}.json"), "w") as f:
        json.dump({"world": accelerator.num_processes, "results": results}, f)


if __name__ == "__main__":
    main()
