"""Seq2SeqEnsemble: ensemble decoding of fitted models sharing a vocabulary."""

import copy

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.utils import get_tags
from sklearn.utils.validation import check_is_fitted

from sklearn_seq2seq import Seq2SeqEnsemble, Seq2SeqTransformer
from sklearn_seq2seq.nn import build_encoder_decoder, greedy_search
from sklearn_seq2seq.nn.ensemble import EnsembleEncoderDecoder

from _s2s_shared import SKLEARN_API_CHECKS

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


# -- the scikit-learn estimator -------------------------------------------------------
FAST = dict(hidden_dim=8, max_epochs=2, batch_size=16, random_state=0, device="cpu")


def _snapshot(model):
    """Everything predict could change on a fitted model."""
    module = model.net_.module_
    return (
        dict(vars(model)),
        dict(vars(model.net_)),
        module,
        {k: v.clone() for k, v in module.state_dict().items()},
        [sub.training for sub in module.modules()],
        [p.device for p in module.parameters()],
    )


def _assert_unchanged(model, snapshot):
    attributes, net_attributes, module, state, flags, devices = snapshot
    assert vars(model).keys() == attributes.keys()
    assert all(vars(model)[k] is v for k, v in attributes.items())
    assert vars(model.net_).keys() == net_attributes.keys()
    assert all(vars(model.net_)[k] is v for k, v in net_attributes.items())
    assert model.net_.module_ is module
    for key, value in module.state_dict().items():
        torch.testing.assert_close(value, state[key], rtol=0, atol=0)
    assert [sub.training for sub in module.modules()] == flags
    assert [p.device for p in module.parameters()] == devices


def test_plain_list_members_are_named_by_position(members):
    ensemble = Seq2SeqEnsemble(members[:2])
    assert list(ensemble.named_estimators) == [
        "seq2seqtransformer-1",
        "seq2seqtransformer-2",
    ]
    shallow, deep = ensemble.get_params(deep=False), ensemble.get_params()
    assert shallow == {"estimators": members[:2]}
    assert deep["seq2seqtransformer-1"] is members[0]
    assert deep["seq2seqtransformer-2__decoder"] == "feedback"
    assert all(deep[key] is value for key, value in shallow.items())


def test_named_members_decode_as_a_plain_list(members):
    named = Seq2SeqEnsemble([("simple", members[0]), ("attention", members[3])])
    assert named.get_params()["attention__decoder"] == "attention"
    assert named.named_estimators.attention is members[3]
    plain = Seq2SeqEnsemble([members[0], members[3]])
    assert list(named.predict(X_NEW)) == list(plain.predict(X_NEW))


def test_set_params_of_a_member_and_replacing_members(members):
    lead, other = copy.deepcopy(members[0]), copy.deepcopy(members[3])
    ensemble = Seq2SeqEnsemble([lead, other])
    assert ensemble.set_params(**{"seq2seqtransformer-1__beam_width": 3}) is ensemble
    assert lead.beam_width == 3  # on the model itself, as Pipeline does
    expected = Seq2SeqEnsemble(
        [copy.deepcopy(members[0]).set_params(beam_width=3), members[3]]
    )
    assert list(ensemble.predict(X_NEW)) == list(expected.predict(X_NEW))
    # Replace a model by its name; the list stays a plain list.
    ensemble.set_params(**{"seq2seqtransformer-2": members[4]})
    assert ensemble.estimators == [lead, members[4]]
    # Named pairs: replace and drop by name.
    named = Seq2SeqEnsemble([("a", members[0]), ("b", members[3])])
    named.set_params(b="drop", a__beam_width=1)
    assert named.estimators == [("a", members[0]), ("b", "drop")]
    assert list(named.predict(X_NEW)) == list(members[0].predict(X_NEW))
    with pytest.raises(ValueError, match="Invalid parameter"):
        named.set_params(c__beam_width=2)
    with pytest.raises(ValueError, match="'drop'"):
        named.set_params(a="drop").predict(X_NEW)


def test_clone_of_fitted_models_is_unfitted_until_fit(members):
    ensemble = Seq2SeqEnsemble(members[:2])
    check_is_fitted(ensemble)  # fitted models: usable without fit
    assert not hasattr(ensemble, "estimators_")
    cloned = clone(ensemble)
    assert all(c is not m for c, m in zip(cloned.estimators, members))
    assert [c.get_params() for c in cloned.estimators] == [
        m.get_params() for m in members[:2]
    ]
    with pytest.raises(NotFittedError):
        check_is_fitted(cloned)
    with pytest.raises(NotFittedError, match=r"estimators\[0\].*call fit\(X, y\)"):
        cloned.predict(X_NEW)
    # fit fits clones of the members: the same models, hence the same predictions.
    unfitted = cloned.estimators
    assert cloned.fit(X_TEXT, Y_TEXT) is cloned
    assert cloned.estimators == unfitted and not any(
        hasattr(model, "net_") for model in unfitted
    )
    assert len(cloned.estimators_) == 2
    assert list(cloned.named_estimators_) == list(ensemble.named_estimators)
    check_is_fitted(cloned)
    assert list(cloned.predict(X_NEW)) == list(ensemble.predict(X_NEW))


def test_fit_checks_the_fitted_models():
    floats = np.random.default_rng(0).normal(size=(16, 3, 2)).astype(np.float32)
    ensemble = Seq2SeqEnsemble([Seq2SeqTransformer(**FAST)] * 2)
    with pytest.raises(ValueError, match="token targets"):
        ensemble.fit(floats, floats)
    assert not hasattr(ensemble, "estimators_")
    mixed = Seq2SeqEnsemble(
        [Seq2SeqTransformer(**FAST), Seq2SeqTransformer(**FAST, min_frequency=3)]
    )
    with pytest.raises(ValueError, match="source sequences differently"):
        mixed.fit(X_TEXT + ["1 2 11"], Y_TEXT + ["11 2 1"])


def _ensembles(members):
    return [
        Seq2SeqEnsemble(members[:2]),
        Seq2SeqEnsemble([("a", members[0]), ("b", members[1])]),
        Seq2SeqEnsemble([Seq2SeqTransformer(), Seq2SeqTransformer()]),
    ]


@pytest.mark.parametrize("check", SKLEARN_API_CHECKS)
def test_sklearn_api_checks(members, check):
    for ensemble in _ensembles(members):
        check("Seq2SeqEnsemble", ensemble)


def test_tags(members):
    tags = get_tags(Seq2SeqEnsemble(members[:2]))
    assert tags.input_tags.string and not tags.target_tags.required
    assert not tags.non_deterministic
    assert get_tags(Seq2SeqEnsemble([Seq2SeqTransformer()])).non_deterministic
    assert not get_tags(Seq2SeqEnsemble(None)).non_deterministic


def test_grid_search_over_a_member_parameter():
    ensemble = Seq2SeqEnsemble(
        [Seq2SeqTransformer(**FAST), Seq2SeqTransformer(**dict(FAST, random_state=1))]
    )
    search = GridSearchCV(
        ensemble, {"seq2seqtransformer-1__beam_width": [1, 2]}, cv=2
    ).fit(X_TEXT, Y_TEXT)
    assert search.best_params_["seq2seqtransformer-1__beam_width"] in (1, 2)
    assert len(search.best_estimator_.estimators_) == 2
    assert not any(hasattr(model, "net_") for model in ensemble.estimators)
    assert len(search.predict(X_NEW)) == len(X_NEW)


def test_predict_leaves_the_models_unchanged(members):
    models = [copy.deepcopy(members[3]), copy.deepcopy(members[4])]
    for model in models:
        model.net_.module_.train()  # flags to give back, not those of predict
    snapshots = [_snapshot(model) for model in models]
    params = [model.get_params() for model in models]
    ensemble = Seq2SeqEnsemble(models)
    ensemble.predict(X_NEW)
    ensemble.predict_nbest(X_NEW, n_best=2)
    ensemble.predict_with_attention(X_NEW)
    ensemble.score(X_TEXT, Y_TEXT)
    for model, snapshot, before in zip(models, snapshots, params):
        _assert_unchanged(model, snapshot)
        assert model.get_params() == before
    assert ensemble.estimators == models


def test_invalid_estimators_say_what_to_pass(members):
    model = members[0]
    cases = [
        (None, TypeError, "list of Seq2SeqTransformer"),
        (model, TypeError, r"pass Seq2SeqEnsemble\(\[model\]\)"),
        ([Seq2SeqTransformer], TypeError, "pass an instance"),
        ([model, ("b", model)], TypeError, "mixes models and"),
        ([("a", model), ("a", model)], ValueError, "unique"),
        ([("a__b", model)], ValueError, "'__'"),
        ([("estimators", model)], ValueError, "nor be 'estimators'"),
        ([("a", model, 1)], TypeError, r"\(name, model\) pairs"),
        ([("a", "drop")], ValueError, "at least one"),
        ([("a", model), ("b", "model")], TypeError, r"estimators\[1\] \('b'\)"),
    ]
    for estimators, error, message in cases:
        ensemble = Seq2SeqEnsemble(estimators)
        with pytest.raises(error, match=message):
            ensemble.predict(X_NEW)
        with pytest.raises(error, match=message):
            ensemble.fit(X_TEXT, Y_TEXT)
    with pytest.raises(ValueError, match=r"estimators\[1\].*decoder='simple'"):
        Seq2SeqEnsemble([members[3], members[0]]).predict_with_attention(X_NEW)
