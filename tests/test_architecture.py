"""architecture="transformer": the Transformer networks and both estimators."""

import pickle

import numpy as np
import pytest
import torch
from sklearn.model_selection import GridSearchCV
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_seq2seq import (
    Seq2SeqClassifier,
    Seq2SeqTransformer,
    bleu_scorer,
    exact_match_score,
    load,
)
from sklearn_seq2seq.nn import beam_search, build_transformer, greedy_search
from sklearn_seq2seq.nn.transformer import build_transformer_classifier

from _s2s_shared import (
    TINY,
    TRANSFORMER_DATA,
    X_FLOAT,
    X_TEXT,
    Y_TEXT,
    assert_same_predictions,
)

BOS, EOS, PAD = 2, 3, 0
KW = dict(TINY, architecture="transformer", n_heads=2, batch_size=8)
LABELS = (X_FLOAT[:, :, 0].sum(axis=1) > 0).astype(int)


@pytest.fixture(scope="module")
def reverser():
    """A Transformer that learned to reverse X_TEXT."""
    torch.manual_seed(0)
    params = {**KW, "hidden_dim": 16, "max_epochs": 30, "lr": 0.005}
    return Seq2SeqTransformer(**params).fit(X_TEXT, Y_TEXT)


# -- networks --------------------------------------------------------------------------
def _token_model(**kwargs):
    torch.manual_seed(0)
    params = dict(src_vocab_size=12, trg_vocab_size=11, hidden_dim=8, n_heads=2)
    return build_transformer(**{**params, **kwargs}).eval()


def _src(lengths, width=None):
    width = width or max(lengths)
    src = torch.zeros(len(lengths), width, dtype=torch.long)
    for i, n in enumerate(lengths):
        src[i, :n] = torch.arange(4, 4 + n) % 12
    return src, torch.tensor(lengths)


@pytest.mark.parametrize("depth", [1, (2, 3)])
def test_cached_steps_equal_the_parallel_decoder(depth):
    """Step decoding with the key/value cache gives what the causal-masked decoder
    gives over the whole target at once."""
    model = _token_model(depth=depth)
    src, lengths = _src([5, 2, 4])
    trg_input = torch.tensor([[BOS, 5, 6, 7], [BOS, 8, 3, 0], [BOS, 4, 4, 9]])
    with torch.no_grad():
        parallel, parallel_weights = model(src, lengths, trg_input)
        state = model.encode(src, lengths)
        outputs, weights = [], []
        for t in range(trg_input.shape[1]):
            output, state, step_weights = model.decoder.step(trg_input[:, t], state)
            outputs.append(output)
            weights.append(step_weights)
        assert state.cache[0][0].shape[2] == trg_input.shape[1]  # cached prefix
    torch.testing.assert_close(torch.stack(outputs, 1), parallel)
    torch.testing.assert_close(torch.stack(weights, 1), parallel_weights)


def test_decoder_is_causal():
    model = _token_model()
    src, lengths = _src([3, 3])
    trg_input = torch.tensor([[BOS, 5, 6, 7], [BOS, 5, 6, 9]])  # differ at the end
    with torch.no_grad():
        outputs, _ = model(src, lengths, trg_input)
    torch.testing.assert_close(outputs[0, :3], outputs[1, :3])
    assert not torch.allclose(outputs[0, 3], outputs[1, 3])


def test_padding_does_not_change_a_sequence():
    model = _token_model()
    src, lengths = _src([3, 2])
    wide, _ = _src([3, 2], width=7)
    trg_input = torch.tensor([[BOS, 5, 6], [BOS, 8, 3]])
    with torch.no_grad():
        narrow_out, narrow_weights = model(src, lengths, trg_input)
        wide_out, wide_weights = model(wide, lengths, trg_input)
        state = model.encode(wide, lengths)
    torch.testing.assert_close(narrow_out, wide_out)
    torch.testing.assert_close(narrow_weights, wide_weights[:, :, :3])
    assert torch.all(wide_weights[:, :, 3:] == 0)
    assert torch.all(wide_weights[1, :, 2:] == 0)  # its own padding too
    torch.testing.assert_close(
        wide_weights.sum(-1), torch.ones(2, 3)
    )  # a distribution over real positions
    assert torch.all(state.encoder_output[1, 2:] == 0)


def test_empty_source_is_valid():
    model = _token_model()
    src, lengths = _src([0, 3], width=3)
    with torch.no_grad():
        out = greedy_search(model, src, lengths, max_length=4, eos_index=EOS)
        state = model.encode(src, lengths)
    assert torch.isfinite(out.scores).all()
    assert torch.all(out.attention[0] == 0)
    assert torch.all(state.context[0] == 0)


@pytest.mark.parametrize("beam_width", [None, 3])
def test_search_is_batch_invariant(beam_width):
    model = _token_model(depth=2)
    lengths = [5, 2, 1, 4, 3]
    src, src_lengths = _src(lengths)

    def run(s, n):
        if beam_width is None:
            return greedy_search(model, s, n, max_length=6, eos_index=EOS)
        return beam_search(
            model, s, n, beam_width=beam_width, max_length=6, eos_index=EOS
        )

    batched = run(src, src_lengths)
    for i, n in enumerate(lengths):
        alone = run(src[i : i + 1, :n], src_lengths[i : i + 1])
        steps = alone.tokens.shape[1]
        assert torch.equal(batched.tokens[i, :steps], alone.tokens[0])
        assert torch.all(batched.tokens[i, steps:] == PAD)
        torch.testing.assert_close(batched.scores[i : i + 1], alone.scores)


def _rescore(model, src, lengths, tokens):
    """Teacher-forced log-probability of each hypothesis, up to and with <eos>."""
    trg_input = torch.cat([torch.full((len(tokens), 1), BOS), tokens[:, :-1]], 1)
    logits, _ = model(src, lengths, trg_input)
    log_probs = torch.log_softmax(logits, -1).gather(2, tokens.unsqueeze(2))
    ends = [row.index(EOS) + 1 if EOS in row else len(row) for row in tokens.tolist()]
    real = torch.arange(tokens.shape[1]).unsqueeze(0) < torch.tensor(ends).unsqueeze(1)
    return (log_probs.squeeze(2) * real).sum(dim=1)


@pytest.mark.parametrize("seed", range(3))
def test_beam_scores_are_the_hypotheses_log_probabilities(seed):
    """Hypotheses change places in the beam (untrained, near-uniform models): the
    cached prefixes must move with them, or the scores stop matching."""
    torch.manual_seed(seed)
    model = build_transformer(
        src_vocab_size=12, trg_vocab_size=6, hidden_dim=8, n_heads=2, depth=2
    ).eval()
    src, lengths = _src([5, 2, 4, 3])
    with torch.no_grad():
        beam = beam_search(
            model, src, lengths, beam_width=3, max_length=6, eos_index=EOS
        )
        rescored = _rescore(model, src, lengths, beam.tokens)
    torch.testing.assert_close(beam.scores, rescored, atol=1e-4, rtol=1e-4)


def test_classifier_module_pools_real_positions():
    torch.manual_seed(0)
    model = build_transformer_classifier(
        n_classes=3, src_features=2, hidden_dim=8, n_heads=2
    ).eval()
    src = torch.randn(2, 3, 2)
    wide = torch.cat([src, torch.randn(2, 4, 2)], dim=1)  # garbage after the end
    lengths = torch.tensor([3, 2])
    with torch.no_grad():
        logits, attention = model(src, lengths)
        wide_logits, _ = model(wide, lengths)
    assert logits.shape == (2, 3) and attention is None
    torch.testing.assert_close(logits, wide_logits)


# -- estimators ------------------------------------------------------------------------
@parametrize_with_checks(
    [Seq2SeqClassifier(**dict(KW, hidden_dim=16, max_epochs=5, lr=0.01, batch_size=64))]
)
def test_sklearn_estimator_checks(estimator, check):
    """Every check of sklearn's check_estimator passes with the Transformer too."""
    check(estimator)


def test_learns_to_reverse(reverser):
    assert exact_match_score(Y_TEXT, reverser.predict(X_TEXT)) >= 0.9


def test_beam_scores_at_least_greedy_and_match_rescoring(reverser):
    model = reverser.net_.module_.eval()
    encoded = reverser._encode_source(X_TEXT[:6])
    src = torch.as_tensor(encoded.data)
    lengths = torch.as_tensor(encoded.lengths)
    options = dict(max_length=10, eos_index=EOS, blocked_indices=(0, 1, 2))
    with torch.no_grad():
        greedy = greedy_search(model, src, lengths, **options)
        beam = beam_search(model, src, lengths, beam_width=3, **options)
        # The beam's score is its hypothesis' teacher-forced log-probability: the
        # cache was reordered with the hypotheses.
        rescored = _rescore(model, src, lengths, beam.tokens)
    assert torch.all(beam.scores >= greedy.scores - 1e-5)
    torch.testing.assert_close(beam.scores, rescored, atol=1e-4, rtol=1e-4)
    reverser.set_params(beam_width=3)
    try:
        assert exact_match_score(Y_TEXT, reverser.predict(X_TEXT)) >= 0.9
    finally:
        reverser.set_params(beam_width=1)


def test_predict_is_batch_invariant(reverser):
    together = reverser.predict(X_TEXT[:6])
    alone = [reverser.predict([x])[0] for x in X_TEXT[:6]]
    assert list(together) == alone


def test_predict_with_attention(reverser):
    y_pred, attention = reverser.predict_with_attention(["1 2 3", "4 5"])
    assert [w.shape for w in attention] == [
        (len(p.split()) + 1, n) for p, n in zip(y_pred, (3, 2), strict=True)
    ]
    for weights in attention:
        np.testing.assert_allclose(weights.sum(axis=1), 1.0, rtol=1e-5)


@pytest.mark.parametrize("kind", TRANSFORMER_DATA)
def test_transformer_input_kinds(kind, tmp_path):
    X, y = TRANSFORMER_DATA[kind]
    model = Seq2SeqTransformer(**KW).fit(X, y)
    y_pred = model.predict(X)
    assert len(y_pred) == len(X)
    features = model.transform(X)
    assert features.shape == (len(X), 8)
    again = Seq2SeqTransformer(**KW).fit(X, y)  # random_state determinism
    assert_same_predictions(again.predict(X), y_pred)
    assert again.history_["train_loss"].equals(model.history_["train_loss"])
    model.save(tmp_path / "model.s2s")
    loaded = load(tmp_path / "model.s2s")
    assert_same_predictions(loaded.predict(X), y_pred)
    np.testing.assert_array_equal(loaded.transform(X), features)
    assert_same_predictions(pickle.loads(pickle.dumps(model)).predict(X), y_pred)


def test_transform_is_the_mean_encoder_state(reverser):
    encoded = reverser._encode_source(["1 2 3"])
    module = reverser.net_.module_.eval()
    with torch.no_grad():
        output, _ = module.encoder(
            torch.as_tensor(encoded.data), torch.as_tensor(encoded.lengths)
        )
    np.testing.assert_allclose(
        reverser.transform(["1 2 3"])[0], output[0, :3].mean(0).numpy(), rtol=1e-5
    )


@pytest.mark.parametrize("X", [X_FLOAT, X_TEXT], ids=["floats", "strings"])
def test_classifier(X, tmp_path):
    clf = Seq2SeqClassifier(**{**KW, "max_epochs": 40}).fit(X, LABELS)
    proba = clf.predict_proba(X)
    assert proba.shape == (24, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    if X is X_FLOAT:
        assert clf.score(X, LABELS) >= 0.9
    again = Seq2SeqClassifier(**{**KW, "max_epochs": 40}).fit(X, LABELS)
    np.testing.assert_array_equal(again.predict_proba(X), proba)
    clf.save(tmp_path / "clf.s2s")
    np.testing.assert_allclose(load(tmp_path / "clf.s2s").predict_proba(X), proba)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_allclose(restored.predict_proba(X), proba)


@pytest.mark.parametrize(
    "estimator, X, y",
    [
        (Seq2SeqTransformer, X_TEXT, Y_TEXT),
        (Seq2SeqClassifier, X_FLOAT, LABELS),
    ],
)
def test_grid_search_over_architecture_and_hidden_dim(estimator, X, y):
    params = {k: v for k, v in KW.items() if k != "architecture"}
    search = GridSearchCV(
        estimator(**{**params, "max_epochs": 1}),
        {"architecture": ["rnn", "transformer"], "hidden_dim": [4, 8]},
        cv=2,
        scoring=bleu_scorer if estimator is Seq2SeqTransformer else None,
        error_score="raise",
    )
    search.fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


def test_recurrent_parameters_are_ignored():
    base = Seq2SeqTransformer(**KW).fit(X_TEXT, Y_TEXT)
    other = Seq2SeqTransformer(
        **KW,
        cell="lstm",
        decoder="simple",
        attention="dot",
        input_feeding=False,
        bidirectional=True,
        embedding_dim=3,
    ).fit(X_TEXT, Y_TEXT)
    assert list(other.predict(X_TEXT)) == list(base.predict(X_TEXT))
    assert other.history_["train_loss"].equals(base.history_["train_loss"])


def test_layers_heads_and_feedforward_follow_the_parameters():
    model = Seq2SeqTransformer(
        **{**KW, "depth": (2, 3), "n_heads": 4, "feedforward_dim": 5}
    ).fit(X_TEXT, Y_TEXT)
    module = model.net_.module_
    assert len(module.encoder.layers.layers) == 2
    assert len(module.decoder.layers) == 3
    assert module.encoder.layers.layers[0].self_attn.num_heads == 4
    assert module.decoder.layers[0].cross_attention.n_heads == 4
    assert module.encoder.layers.layers[0].linear1.out_features == 5
    assert module.decoder.layers[0].feedforward[0].out_features == 5
    assert module.encoder.layers.layers[0].norm_first


def test_tied_embeddings(tmp_path):
    model = Seq2SeqTransformer(**KW, tie_embeddings=True).fit(X_TEXT, Y_TEXT)
    decoder = model.net_.module_.decoder
    assert decoder.output_layer.weight is decoder.input_layer.embedding.weight
    model.save(tmp_path / "tied.s2s")
    loaded = load(tmp_path / "tied.s2s").net_.module_.decoder
    assert loaded.output_layer.weight is loaded.input_layer.embedding.weight


@pytest.mark.parametrize("estimator", [Seq2SeqTransformer, Seq2SeqClassifier])
def test_training_options(estimator):
    X, y = (X_TEXT, Y_TEXT) if estimator is Seq2SeqTransformer else (X_FLOAT, LABELS)
    model = estimator(
        **KW, label_smoothing=0.1, lr_schedule="noam", warmup_steps=2
    ).fit(X, y)
    assert model.net_.criterion_.label_smoothing == 0.1
    assert len(model.predict(X)) == len(X)


@pytest.mark.parametrize("estimator", [Seq2SeqTransformer, Seq2SeqClassifier])
def test_bad_parameters(estimator):
    X, y = (X_TEXT, Y_TEXT) if estimator is Seq2SeqTransformer else (X_FLOAT, LABELS)
    with pytest.raises(ValueError, match="hidden_dim=6.*divisible by n_heads"):
        estimator(**{**KW, "hidden_dim": 6, "n_heads": 4}).fit(X, y)
    with pytest.raises(ValueError, match="'architecture' parameter"):
        estimator(**{**KW, "architecture": "cnn"}).fit(X, y)
    with pytest.raises(ValueError, match="'n_heads' parameter"):
        estimator(**{**KW, "n_heads": 0}).fit(X, y)
    with pytest.raises(ValueError, match="'feedforward_dim' parameter"):
        estimator(**{**KW, "feedforward_dim": 0}).fit(X, y)


def test_warm_start_continues_training(tmp_path):
    model = Seq2SeqTransformer(**KW, warm_start=True).fit(X_TEXT, Y_TEXT)
    before = [p.detach().clone() for p in model.net_.module_.parameters()]
    module = model.net_.module_
    model.fit(X_TEXT, Y_TEXT)
    assert model.net_.module_ is module  # the same network, trained further
    assert len(model.history_) == 4
    assert any(
        not torch.equal(a, b)
        for a, b in zip(before, model.net_.module_.parameters(), strict=True)
    )
