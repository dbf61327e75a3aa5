"""Training options: label_smoothing, tie_embeddings, lr_schedule (and warmup_steps)."""

import math
import pickle
import warnings

import numpy as np
import pytest
import torch

from sklearn_seq2seq import Seq2SeqClassifier, Seq2SeqTransformer, load

from _s2s_shared import DECODERS, X_FLOAT, X_TEXT, Y_TEXT, reversal_data

KW = dict(hidden_dim=6, max_epochs=1, batch_size=8, random_state=0, device="cpu")
LABELS = np.arange(24) % 2
OPTIONS = {
    "label_smoothing": {"label_smoothing": 0.1},
    "tie_embeddings": {"tie_embeddings": True},
    "plateau": {"lr_schedule": "plateau"},
    "noam": {"lr_schedule": "noam", "warmup_steps": 2},
}


def _fit(estimator, **params):
    if estimator == "transformer":
        return Seq2SeqTransformer(**{**KW, **params}).fit(X_TEXT, Y_TEXT)
    return Seq2SeqClassifier(**{**KW, **params}).fit(X_FLOAT, LABELS)


def _tied(model) -> bool:
    decoder = model.net_.module_.decoder
    embedding = getattr(decoder.input_layer, "embedding", decoder.input_layer)
    return decoder.output_layer.weight is embedding.weight


def _batch_lrs(model) -> list[float]:
    return [batch["event_lr"] for row in model.net_.history for batch in row["batches"]]


@pytest.mark.parametrize("option", OPTIONS)
@pytest.mark.parametrize("decoder", [*DECODERS, "transformer-architecture"])
@pytest.mark.parametrize("estimator", ["transformer", "classifier"])
def test_option_trains_and_predicts(estimator, decoder, option):
    if decoder == "transformer-architecture":
        params = {**OPTIONS[option], "architecture": "transformer", "n_heads": 2}
    else:
        params = {**OPTIONS[option], "decoder": decoder}
    nothing_to_tie = option == "tie_embeddings" and (
        estimator == "classifier" or decoder == "simple"
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = _fit(estimator, **params)
    ignored = [w for w in caught if "tie_embeddings=True is ignored" in str(w.message)]
    assert len(ignored) == int(nothing_to_tie)
    X = X_TEXT if estimator == "transformer" else X_FLOAT
    assert len(model.predict(X[:5])) == 5
    if option == "label_smoothing":
        assert model.net_.criterion_.label_smoothing == 0.1
    elif option == "tie_embeddings" and not nothing_to_tie:
        assert _tied(model)
    elif option == "plateau":
        assert "event_lr" in model.net_.history[-1]
    elif option == "noam":
        assert len(_batch_lrs(model)) == 3  # 24 samples in batches of 8


def test_defaults_unchanged():
    model = _fit("transformer")
    assert model.net_.criterion_.label_smoothing == 0.0
    assert not _tied(model)
    assert "lr_scheduler" not in dict(model.net_.callbacks_)
    assert model.warmup_steps_ is None


def _manual_smoothed_loss(logits, target, epsilon, ignore_index=None):
    """Label-smoothed cross-entropy as PyTorch defines it, written out."""
    log_probs = torch.log_softmax(logits.double(), dim=-1)
    nll = -log_probs.gather(1, target.unsqueeze(1)).squeeze(1)
    uniform = -log_probs.mean(dim=1)
    per_item = (1 - epsilon) * nll + epsilon * uniform
    keep = torch.ones_like(target, dtype=torch.bool)
    if ignore_index is not None:
        keep = target != ignore_index
    return per_item[keep].mean()


def test_label_smoothing_loss_is_torchs_definition():
    epsilon = 0.3
    model = _fit("transformer", label_smoothing=epsilon)
    net, module = model.net_, model.net_.module_
    module.eval()
    X_encoded = model._encode_source(X_TEXT[:6])
    target = model.target_codec_.encode(Y_TEXT[:6])
    trg = torch.as_tensor(model._training_targets(target))
    assert (trg == 0).any()  # padding is in the batch, and must be ignored
    src = torch.as_tensor(X_encoded.data)
    lengths = torch.as_tensor(X_encoded.lengths)
    with torch.no_grad():
        logits, _ = module(src, lengths, trg_input=trg[:, :-1])
        loss = net.get_loss((logits,), trg[:, 1:])
    flat_logits = logits.reshape(-1, logits.shape[-1])
    expected = _manual_smoothed_loss(flat_logits, trg[:, 1:].reshape(-1), epsilon, 0)
    unsmoothed = _manual_smoothed_loss(flat_logits, trg[:, 1:].reshape(-1), 0.0, 0)
    assert float(loss) == pytest.approx(float(expected), rel=1e-5)
    assert abs(float(expected) - float(unsmoothed)) > 1e-3


def test_label_smoothing_classifier_loss():
    epsilon = 0.2
    model = _fit("classifier", label_smoothing=epsilon)
    module = model.net_.module_
    module.eval()
    src = torch.as_tensor(X_FLOAT[:8])
    lengths = torch.full((8,), X_FLOAT.shape[1])
    target = torch.as_tensor(LABELS[:8])
    with torch.no_grad():
        logits, _ = module(src, lengths)
        loss = model.net_.get_loss((logits,), target)
    expected = _manual_smoothed_loss(logits, target, epsilon)
    assert float(loss) == pytest.approx(float(expected), rel=1e-5)


def test_label_smoothing_ignored_for_float_targets():
    with pytest.warns(UserWarning, match="label_smoothing=0.1 is ignored"):
        Seq2SeqTransformer(**KW, label_smoothing=0.1).fit(X_FLOAT, X_FLOAT)


@pytest.mark.parametrize("decoder", ["feedback", "peek", "attention"])
def test_tied_embeddings_share_one_parameter(decoder, tmp_path):
    model = _fit("transformer", tie_embeddings=True, decoder=decoder)
    untied = _fit("transformer", decoder=decoder)
    vocab, hidden = model.net_.module_.decoder.input_layer.weight.shape
    n_params = sum(p.numel() for p in model.net_.module_.parameters())
    n_untied = sum(p.numel() for p in untied.net_.module_.parameters())
    assert n_untied - n_params == vocab * hidden
    # One optimizer step more: the shared weight moves, and stays shared.
    before = model.net_.module_.decoder.output_layer.weight.detach().clone()
    model.set_params(warm_start=True).fit(X_TEXT, Y_TEXT)
    assert _tied(model)
    assert not torch.equal(before, model.net_.module_.decoder.output_layer.weight)
    assert _tied(pickle.loads(pickle.dumps(model)))
    model.save(tmp_path / "tied.s2s")
    loaded = load(tmp_path / "tied.s2s")
    assert _tied(loaded)
    assert list(loaded.predict(X_TEXT)) == list(model.predict(X_TEXT))
    loaded.fit(X_TEXT, Y_TEXT)  # warm start after loading keeps the tie too
    assert _tied(loaded)


def test_tie_embeddings_needs_matching_sizes():
    with pytest.raises(ValueError, match="tie_embeddings=True.*embedding_dim=4"):
        _fit("transformer", tie_embeddings=True, embedding_dim=4)
    # embedding_dim equal to hidden_dim is fine
    assert _tied(_fit("transformer", tie_embeddings=True, embedding_dim=6))


def test_tie_embeddings_ignored_for_float_targets():
    with pytest.warns(UserWarning, match="tie_embeddings=True is ignored: the targets"):
        Seq2SeqTransformer(**KW, tie_embeddings=True).fit(X_FLOAT, X_FLOAT)


def _noam(step, lr, warmup):
    return lr * min(step / warmup, math.sqrt(warmup / step))


def test_noam_schedule_followed_and_resumed(tmp_path):
    lr, warmup = 0.01, 4
    model = _fit(
        "transformer", lr=lr, lr_schedule="noam", warmup_steps=warmup, max_epochs=3
    )
    expected = [_noam(s, lr, warmup) for s in range(1, 10)]
    np.testing.assert_allclose(_batch_lrs(model), expected)  # 3 epochs x 3 batches
    assert model.warmup_steps_ == warmup
    # The optimizer is left at the rate of the next step.
    next_lr = model.net_.optimizer_.param_groups[0]["lr"]
    assert next_lr == pytest.approx(_noam(10, lr, warmup))
    model.save(tmp_path / "noam.s2s")
    # A warm start continues the schedule (skorch alone would restart it at the
    # number of epochs); so does a loaded model.
    model.set_params(warm_start=True, max_epochs=1).fit(X_TEXT, Y_TEXT)
    np.testing.assert_allclose(
        _batch_lrs(model)[9:], [_noam(s, lr, warmup) for s in (10, 11, 12)]
    )
    loaded = load(tmp_path / "noam.s2s")
    loaded.set_params(warm_start=True, max_epochs=1).fit(X_TEXT, Y_TEXT)
    np.testing.assert_allclose(
        _batch_lrs(loaded), [_noam(s, lr, warmup) for s in (10, 11, 12)]
    )


def test_noam_default_warmup_is_a_tenth_of_the_planned_steps():
    model = _fit("transformer", lr_schedule="noam", max_epochs=10)
    assert model.warmup_steps_ == 3  # 10 epochs x 3 batches
    assert _batch_lrs(model)[2] == pytest.approx(model.lr_)  # the peak
    held_out = _fit("transformer", lr_schedule="noam", max_epochs=10, batch_size=11)
    assert held_out.warmup_steps_ == 3  # 10 x ceil(24 / 11)


@pytest.mark.parametrize("estimator", ["transformer", "classifier"])
def test_plateau_halves_the_rate_when_the_loss_stalls(estimator):
    # A learning rate too small to change the loss: every epoch after the first
    # is a bad one; with patience 2 the third bad one (epoch 4) halves the rate.
    model = _fit(estimator, lr=1e-7, lr_schedule="plateau", max_epochs=6, batch_size=24)
    lrs = list(model.history_["event_lr"])  # the rate each epoch trained with
    assert lrs == pytest.approx([1e-7] * 4 + [5e-8] * 2, rel=1e-9)
    assert dict(model.net_.callbacks_)["lr_scheduler"].monitor == "train_loss"


def test_plateau_watches_the_validation_loss_with_early_stopping():
    model = _fit("transformer", lr_schedule="plateau", early_stopping=True)
    assert dict(model.net_.callbacks_)["lr_scheduler"].monitor == "valid_loss"


@pytest.mark.parametrize(
    "params, name",
    [
        ({"label_smoothing": 1.0}, "label_smoothing"),
        ({"label_smoothing": -0.1}, "label_smoothing"),
        ({"lr_schedule": "cosine"}, "lr_schedule"),
        ({"warmup_steps": 0}, "warmup_steps"),
        ({"warmup_steps": 2.5}, "warmup_steps"),
        ({"tie_embeddings": "yes"}, "tie_embeddings"),
    ],
)
@pytest.mark.parametrize("estimator", ["transformer", "classifier"])
def test_bad_values_name_the_parameter(estimator, params, name):
    with pytest.raises(ValueError, match=f"'{name}' parameter"):
        _fit(estimator, **params)


def test_transformer_trains_with_noam_warmup_by_default():
    """lr_schedule=None: a Noam warm-up to 0.002 * min(1, sqrt(16 / hidden_dim))
    for the Transformer, a constant rate for RNNs."""
    X, _ = reversal_data(n_distinct=4, repeat=8)
    kwargs = dict(hidden_dim=8, max_epochs=2, batch_size=8, random_state=0)
    transformer = Seq2SeqTransformer(**kwargs, architecture="transformer", n_heads=2)
    transformer.fit(X)
    assert transformer.lr_ == pytest.approx(0.002)
    assert transformer.warmup_steps_ == 1  # 10 % of 2 epochs x 4 batches, rounded
    rates = [batch["event_lr"] for batch in transformer.net_.history[-1, "batches"]]
    assert rates == pytest.approx([0.002 * (1 / (s + 1)) ** 0.5 for s in range(4, 8)])
    rnn = Seq2SeqTransformer(**kwargs).fit(X)
    assert rnn.lr_ == pytest.approx(0.005) and rnn.warmup_steps_ is None
    assert "event_lr" not in rnn.net_.history[-1, "batches"][0]
