"""Seq2SeqEnsemble: ensemble decoding of fitted models sharing a vocabulary."""

import copy

import numpy as np
import pytest
import torch
from sklearn.exceptions import NotFittedError

from sklearn_seq2seq import Seq2SeqEnsemble, Seq2SeqTransformer
from sklearn_seq2seq.nn import build_encoder_decoder, greedy_search
from sklearn_seq2seq.nn.ensemble import EnsembleEncoderDecoder

TINY = dict(hidden_dim=12, max_epochs=6, batch_size=16, random_state=0, device="cpu")
X_TEXT = ["1 2 3", "4 5", "6 7 8 9", "2 4", "9 8", "3 3 1"] * 4
Y_TEXT = [" ".join(reversed(s.split())) for s in X_TEXT]
X_NEW = ["1 2 3", "9 9 9", "5", "8 7 6 5"]
NETWORKS = [
    dict(decoder="simple"),
    dict(decoder="feedback"),
    dict(decoder="peek"),
    dict(decoder="attention"),
    dict(architecture="transformer", n_heads=2),
]


@pytest.fixture(scope="module")
def members():
    return [
        Seq2SeqTransformer(**TINY, **network).fit(X_TEXT, Y_TEXT)
        for network in NETWORKS
    ]


def test_step_averages_the_models_probabilities():
    """The ensemble's next-token log-probabilities are log(mean of probabilities)."""
    torch.manual_seed(0)
    models = [
        build_encoder_decoder(
            src_vocab_size=9, trg_vocab_size=7, hidden_dim=6, decoder=decoder
        ).eval()
        for decoder in ("simple", "attention")
    ]
    src, lengths = torch.tensor([[4, 5, 6], [7, 8, 0]]), torch.tensor([3, 2])
    ensemble = EnsembleEncoderDecoder(models)
    state = ensemble.encode(src, lengths)
    prev = ensemble.decoder.bos(2, state.context)
    log_probs, _, _ = ensemble.decoder.step(prev, state)
    expected = torch.stack(
        [
            torch.softmax(m.decoder.step(prev, m.encode(src, lengths))[0], dim=-1)
            for m in models
        ]
    ).mean(dim=0)
    torch.testing.assert_close(log_probs.exp(), expected)
    # The search functions run on it as on one model.
    out = greedy_search(ensemble, src, lengths, max_length=5, eos_index=3)
    assert out.tokens.shape[0] == 2


@pytest.mark.parametrize("index", range(len(NETWORKS)))
@pytest.mark.parametrize("beam_width", [1, 3])
def test_ensemble_of_one_model_is_that_model(members, index, beam_width):
    model = copy.deepcopy(members[index]).set_params(beam_width=beam_width)
    ensemble = Seq2SeqEnsemble([model])
    assert list(ensemble.predict(X_NEW)) == list(model.predict(X_NEW))
    assert ensemble.score(X_TEXT, Y_TEXT) == pytest.approx(model.score(X_TEXT, Y_TEXT))


def test_ensemble_of_equal_models_is_that_model(members):
    """Averaging identical distributions changes nothing, n-best scores included."""
    model = copy.deepcopy(members[3]).set_params(beam_width=3)
    ensemble = Seq2SeqEnsemble([model, copy.deepcopy(model)])
    assert list(ensemble.predict(X_NEW)) == list(model.predict(X_NEW))
    for ours, theirs in zip(
        ensemble.predict_nbest(X_NEW, n_best=2), model.predict_nbest(X_NEW, n_best=2)
    ):
        assert [p for p, _ in ours] == [p for p, _ in theirs]
        np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], 1e-5)


@pytest.mark.parametrize(
    "options",
    [
        dict(decoding="greedy"),
        dict(decoding="beam", beam_width=3),
        dict(decoding="sample", top_k=3),
        dict(min_output_length=2, no_repeat_ngram_size=2),
    ],
)
def test_mixed_ensemble_decodes_with_every_option(members, options):
    """All four RNN decoders and the Transformer together, under each decoding
    option of the first model; the members are left as they were."""
    lead = copy.deepcopy(members[0]).set_params(**options)
    before = [list(m.predict(X_NEW)) for m in members]
    ensemble = Seq2SeqEnsemble([lead, *members[1:]])
    predictions = ensemble.predict(X_NEW)
    known = set(lead.target_codec_.itos_[4:])
    assert len(predictions) == len(X_NEW)
    assert all(set(p.split()) <= known for p in predictions)
    assert list(ensemble.predict(X_NEW)) == list(predictions)  # deterministic
    assert [list(m.predict(X_NEW)) for m in members] == before
    for member in members:
        assert isinstance(member.net_.module_, torch.nn.Module)
        assert not isinstance(member.net_.module_, EnsembleEncoderDecoder)


def test_attention_members_give_averaged_attention(members):
    ensemble = Seq2SeqEnsemble([members[3], members[4]])
    predictions, attention = ensemble.predict_with_attention(X_NEW)
    for source, prediction, weights in zip(X_NEW, predictions, attention):
        assert weights.shape == (len(prediction.split()) + 1, len(source.split()))
        np.testing.assert_allclose(weights.sum(axis=1), 1.0, rtol=1e-5)


def test_ensemble_errors(members):
    with pytest.raises(ValueError, match="at least one"):
        Seq2SeqEnsemble([]).predict(X_NEW)
    with pytest.raises(NotFittedError):
        Seq2SeqEnsemble([Seq2SeqTransformer()]).predict(X_NEW)
    with pytest.raises(TypeError, match="Seq2SeqTransformer"):
        Seq2SeqEnsemble([members[0], "model"]).predict(X_NEW)
    other = Seq2SeqTransformer(**TINY).fit(["a b", "b c"] * 4, ["c", "a"] * 4)
    with pytest.raises(ValueError, match="vocabulary"):
        Seq2SeqEnsemble([members[0], other]).predict(X_NEW)
    floats = np.random.default_rng(0).normal(size=(16, 3, 2)).astype(np.float32)
    float_model = Seq2SeqTransformer(**TINY).fit(floats, floats)
    with pytest.raises(ValueError, match="token targets"):
        Seq2SeqEnsemble([float_model]).predict(floats)
