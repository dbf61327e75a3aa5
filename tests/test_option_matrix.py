"""Options built separately work together: every decoding option and partial_fit
with every network (the four RNN decoders and the Transformer)."""

import copy

import numpy as np
import pytest
import torch

from sklearn_seq2seq import Seq2SeqClassifier, Seq2SeqTransformer, load

from _s2s_shared import TINY, X_TEXT, Y_TEXT

TRAINED = dict(TINY, hidden_dim=16, max_epochs=15)
NETWORKS = {
    "simple": dict(decoder="simple"),
    "feedback": dict(decoder="feedback"),
    "peek": dict(decoder="peek"),
    "attention": dict(decoder="attention"),
    "transformer": dict(architecture="transformer", n_heads=2),
}
X_NEW = ["1 2 3", "9 9 9 9 9", "5", "8 7 6 5 4 3 2"]
DECODING = {
    "greedy": dict(decoding="greedy"),
    "beam": dict(decoding="beam", beam_width=3, length_penalty=0.6),
    "sample": dict(decoding="sample", temperature=0.8, top_k=3, top_p=0.9),
    "controls": dict(
        beam_width=2,
        min_output_length=2,
        no_repeat_ngram_size=2,
        repetition_penalty=1.3,
        max_length_a=1.0,
        max_length_b=1,
    ),
}


@pytest.fixture(scope="module", params=list(NETWORKS))
def fitted(request):
    model = Seq2SeqTransformer(**TRAINED, **NETWORKS[request.param])
    return request.param, model.fit(X_TEXT, Y_TEXT)


def _words(predictions):
    return [p.split() for p in predictions]


@pytest.mark.parametrize("option", list(DECODING))
def test_decoding_option_with_every_network(fitted, option):
    """Each decoding option predicts strings of known tokens, the same for a
    sequence alone and in a batch, and honours its length controls."""
    name, model = fitted
    model = copy.deepcopy(model).set_params(**DECODING[option])
    predictions = model.predict(X_NEW)
    known = set(model.target_codec_.itos_[4:])
    assert all(set(words) <= known for words in _words(predictions)), predictions
    alone = [model.predict([x])[0] for x in X_NEW]
    assert list(predictions) == alone
    if option == "controls":
        for source, words in zip(X_NEW, _words(predictions)):
            assert 2 <= len(words) <= len(source.split()) + 1
            bigrams = list(zip(words, words[1:]))
            assert len(bigrams) == len(set(bigrams))


def test_nbest_and_score_samples_with_every_network(fitted):
    """The best n-best hypothesis is beam search's prediction and its score is the
    model's log-probability of it (length_penalty=0)."""
    name, model = fitted
    model = copy.deepcopy(model).set_params(beam_width=3)
    nbest = model.predict_nbest(X_NEW, n_best=3)
    assert [entries[0][0] for entries in nbest] == list(model.predict(X_NEW))
    for entries in nbest:
        scores = [score for _, score in entries]
        assert scores == sorted(scores, reverse=True)
    # Hypotheses cut at the length limit end without <eos>, which score_samples
    # would add: compare those that ended.
    ended = [
        (x, entries[0])
        for x, entries in zip(X_NEW, nbest)
        if len(entries[0][0].split()) < model.max_output_length_
    ]
    assert ended, nbest
    np.testing.assert_allclose(
        model.score_samples([x for x, _ in ended], [best for _, (best, _) in ended]),
        [score for _, (_, score) in ended],
        rtol=1e-4,
        atol=1e-4,
    )


def test_replace_unknown_needs_attention_weights(fitted):
    """With attention weights (the attention decoder, the Transformer) each <unk>
    the model predicts becomes a source token, unknown words included; without
    them predict refuses."""
    name, model = fitted
    model = copy.deepcopy(model).set_params(replace_unknown=True)
    if name in ("attention", "transformer"):
        sources = [*X_NEW, "zz 9 yy", "qq zz"]  # words never seen in training
        assert not any("<unk>" in p for p in model.predict(sources))
        # With <unk> forced at every step, every output word is copied.
        unk = model.target_codec_.itos_.index("<unk>")
        with torch.no_grad():
            model.net_.module_.decoder.output_layer.bias[unk] += 1e3
        copied = model.predict(sources)
        for source, words in zip(sources, _words(copied)):
            assert words and set(words) <= set(source.split()), (source, words)
    else:
        with pytest.raises(ValueError, match="replace_unknown"):
            model.predict(X_NEW)


@pytest.mark.parametrize("network", list(NETWORKS))
@pytest.mark.parametrize("estimator", [Seq2SeqTransformer, Seq2SeqClassifier])
def test_partial_fit_with_every_network(estimator, network, tmp_path):
    """partial_fit trains, saves and continues with every network and estimator."""
    y = (
        Y_TEXT
        if estimator is Seq2SeqTransformer
        else [len(x.split()) % 2 for x in X_TEXT]
    )
    model = estimator(**TINY, **NETWORKS[network])
    model.partial_fit(X_TEXT[:12], y[:12])
    model.partial_fit(X_TEXT[12:], y[12:])
    assert model.history_.index.tolist() == [1, 2]
    model.save(tmp_path / "m.s2s")
    loaded = load(tmp_path / "m.s2s")
    assert list(loaded.predict(X_NEW)) == list(model.predict(X_NEW))
    loaded.partial_fit(X_TEXT, y)
    assert loaded.n_epochs_ == 3
