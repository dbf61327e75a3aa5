"""partial_fit: training over chunks of data too large to hold at once."""

import numpy as np
import pytest
import torch

from sklearn_seq2seq import Seq2SeqClassifier, Seq2SeqTransformer, load

from _s2s_shared import DECODERS, X_TEXT, Y_TEXT

KW = dict(hidden_dim=8, batch_size=8, random_state=0, device="cpu")
LABELS = ["long" if len(s.split()) > 2 else "short" for s in X_TEXT]


def _weights(model):
    return {k: v.clone() for k, v in model.net_.module_.state_dict().items()}


def _assert_same_weights(a, b):
    assert a.keys() == b.keys()
    for key in a:
        torch.testing.assert_close(a[key], b[key], rtol=0, atol=0)


@pytest.mark.parametrize("decoder", DECODERS)
@pytest.mark.parametrize(
    "estimator, y",
    [(Seq2SeqTransformer, Y_TEXT), (Seq2SeqClassifier, LABELS)],
    ids=["transformer", "classifier"],
)
def test_one_partial_fit_is_one_epoch_of_fit(estimator, y, decoder):
    """The first call trains exactly as fit(max_epochs=1) does."""
    params = dict(KW, decoder=decoder)
    first = estimator(**params).partial_fit(X_TEXT, y)
    fitted = estimator(**params, max_epochs=1).fit(X_TEXT, y)
    _assert_same_weights(_weights(first), _weights(fitted))
    assert first.history_.index.tolist() == [1]


def test_chunks_train_on_and_history_goes_on():
    """Later calls continue from the weights and the optimizer state: the loss
    keeps falling, one history row per call, the vocabulary stays that of the
    first chunk."""
    model = Seq2SeqTransformer(**dict(KW, hidden_dim=16))
    chunks = [(X_TEXT[:12], Y_TEXT[:12]), (X_TEXT[12:], Y_TEXT[12:])]
    for _ in range(10):
        for X_chunk, y_chunk in chunks:
            model.partial_fit(X_chunk, y_chunk)
    vocabulary = list(model.source_codec_.itos_)
    losses = model.history_["train_loss"].to_numpy()
    assert model.history_.index.tolist() == list(range(1, 21))
    assert model.n_epochs_ == 20
    assert losses[-2:].mean() < 0.5 * losses[:2].mean()
    model.partial_fit(["1 2"], ["2 1"])
    assert model.source_codec_.itos_ == vocabulary


def test_partial_fit_never_holds_out_data_nor_stops_early():
    """As MLPClassifier.partial_fit: early_stopping applies to fit only, and a
    partial_fit after such a fit leaves the fit's split for the next fit."""
    model = Seq2SeqTransformer(**KW, early_stopping=True)
    model.partial_fit(X_TEXT, Y_TEXT)
    assert "valid_loss" not in model.history_
    assert model.net_.history[-1, "train_batch_count"] == 3  # 24 samples / 8
    model.set_params(max_epochs=2, warm_start=True).fit(X_TEXT, Y_TEXT)
    assert "valid_loss" in model.net_.history[-1]
    model.partial_fit(X_TEXT, Y_TEXT)
    assert "valid_loss" not in model.net_.history[-1]
    assert model.net_.history[-1, "train_batch_count"] == 3
    model.fit(X_TEXT, Y_TEXT)  # warm fit: split and early stopping are back
    assert "valid_loss" in model.net_.history[-1]


def test_longer_targets_in_a_later_chunk_can_be_predicted():
    X_short = ["a b", "b a", "a a", "b b"] * 4
    X_long = ["a b a b a b a b a b", "b a b a b a b a b a"] * 4
    model = Seq2SeqTransformer(**KW).partial_fit(X_short, X_short)
    before = model.max_output_length_
    model.partial_fit(X_long, X_long)
    assert before == 2 * 2 + 2
    assert model.max_output_length_ == 2 * 10 + 2


def test_fixed_max_output_length_is_kept():
    model = Seq2SeqTransformer(**KW, max_output_length=3).partial_fit(["a b"], ["a"])
    model.partial_fit(["a b a b a b"], ["a b a b a b"])
    assert model.max_output_length_ == 3


def test_classifier_classes_from_the_first_call():
    clf = Seq2SeqClassifier(**KW)
    one_class = [x for x, label in zip(X_TEXT, LABELS) if label == "long"]
    clf.partial_fit(one_class, ["long"] * len(one_class), classes=["short", "long"])
    assert clf.classes_.tolist() == ["long", "short"]
    clf.partial_fit(X_TEXT, LABELS)
    assert clf.predict_proba(X_TEXT).shape == (len(X_TEXT), 2)
    with pytest.raises(ValueError, match="classes="):
        clf.partial_fit(X_TEXT, ["other"] * len(X_TEXT))


def test_classifier_first_call_errors():
    with pytest.raises(ValueError, match="not in classes"):
        Seq2SeqClassifier(**KW).partial_fit(X_TEXT, LABELS, classes=["long"])
    with pytest.raises(ValueError, match="at least 2 classes"):
        Seq2SeqClassifier(**KW).partial_fit(X_TEXT[:3], ["long"] * 3)


def test_partial_fit_model_saves_and_continues(tmp_path):
    model = Seq2SeqTransformer(**KW).partial_fit(X_TEXT, Y_TEXT)
    model.save(tmp_path / "m.s2s")
    loaded = load(tmp_path / "m.s2s")
    loaded.partial_fit(X_TEXT, Y_TEXT)
    model.partial_fit(X_TEXT, Y_TEXT)
    _assert_same_weights(_weights(loaded), _weights(model))
    assert loaded.history_.index.tolist() == [1, 2]


def test_partial_fit_validates_parameters_and_data():
    with pytest.raises(ValueError, match="hidden_dim"):
        Seq2SeqTransformer(hidden_dim=0).partial_fit(X_TEXT, Y_TEXT)
    model = Seq2SeqTransformer(**KW).partial_fit(X_TEXT, Y_TEXT)
    with pytest.raises(ValueError, match="different numbers of samples"):
        model.partial_fit(X_TEXT, Y_TEXT[:-1])


def test_a_non_finite_loss_in_a_chunk_raises():
    X = np.random.default_rng(0).normal(size=(40, 5, 2)).astype(np.float32)
    model = Seq2SeqTransformer(**KW, lr=1e30, clip_grad_norm=None)
    with pytest.raises(ValueError, match=r"diverged: train_loss became nan"):
        for _ in range(3):
            model.partial_fit(X, X[:, ::-1])
