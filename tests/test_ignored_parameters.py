"""One policy for parameters a configuration ignores: each one set away from its
default warns once per call with the reason; the defaults warn about nothing."""

import warnings

import numpy as np
import pytest

from sklearn_seq2seq import Seq2SeqClassifier, Seq2SeqTransformer

from _s2s_shared import X_TEXT, Y_TEXT

TINY = dict(hidden_dim=8, max_epochs=1, random_state=0, device="cpu")
LABELS = [len(x.split()) % 2 for x in X_TEXT]
X_FLOAT = np.random.default_rng(0).normal(size=(24, 4, 2)).astype("float32")

FIT_CASES = [
    (
        Seq2SeqTransformer,
        dict(architecture="transformer", n_heads=2, cell="lstm"),
        "cell",
    ),
    (
        Seq2SeqTransformer,
        dict(architecture="transformer", n_heads=2, bidirectional=True),
        "bidirectional",
    ),
    (Seq2SeqTransformer, dict(n_heads=2), "n_heads"),
    (Seq2SeqClassifier, dict(feedforward_dim=16), "feedforward_dim"),
    (Seq2SeqTransformer, dict(decoder="peek", attention="dot"), "attention"),
    (
        Seq2SeqTransformer,
        dict(decoder="feedback", input_feeding=False),
        "input_feeding",
    ),
    (
        Seq2SeqTransformer,
        dict(decoder="simple", teacher_forcing_ratio=0.5),
        "teacher_forcing_ratio",
    ),
    (Seq2SeqClassifier, dict(teacher_forcing_ratio=0.5), "teacher_forcing_ratio"),
    (Seq2SeqClassifier, dict(tie_embeddings=True), "tie_embeddings"),
    (Seq2SeqTransformer, dict(warmup_steps=10), "warmup_steps"),
    (Seq2SeqTransformer, dict(n_iter_no_change=3), "n_iter_no_change"),
    (Seq2SeqClassifier, dict(validation_fraction=0.3), "validation_fraction"),
    (Seq2SeqTransformer, dict(max_length_b=3), "max_length_b"),
    (
        Seq2SeqClassifier,
        dict(architecture="transformer", n_heads=2, output_length=3),
        "output_length",
    ),
]


def _ignored(caught):
    return [str(w.message) for w in caught if " is ignored: " in str(w.message)]


def _fit(cls, params, X=X_TEXT):
    y = LABELS if cls is Seq2SeqClassifier else Y_TEXT
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = cls(**TINY, **params).fit(X, y)
    return model, _ignored(caught)


@pytest.mark.parametrize(
    "cls, params, name", FIT_CASES, ids=[f"{c.__name__}-{n}" for c, _, n in FIT_CASES]
)
def test_an_ignored_parameter_warns_once_with_its_reason(cls, params, name):
    _, messages = _fit(cls, params)
    about = [m for m in messages if m.startswith(f"{name}=")]
    assert len(about) == 1, messages
    reason = about[0].split(" is ignored: ", 1)[1]
    assert len(reason) > 10


def test_float_targets_ignore_label_smoothing():
    y = np.random.default_rng(1).normal(size=(24, 3, 2)).astype("float32")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Seq2SeqTransformer(**TINY, label_smoothing=0.1).fit(X_FLOAT, y)
    assert [m for m in _ignored(caught) if m.startswith("label_smoothing=")]


@pytest.mark.parametrize("cls", [Seq2SeqTransformer, Seq2SeqClassifier])
@pytest.mark.parametrize("architecture", ["rnn", "transformer"])
def test_the_defaults_warn_about_nothing(cls, architecture):
    params = {"architecture": architecture}
    if architecture == "transformer":
        params["n_heads"] = 2
    model, messages = _fit(cls, params)
    assert messages == []
    if cls is Seq2SeqTransformer:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model.predict(X_TEXT[:3])
            model.predict_nbest(X_TEXT[:2], n_best=2)
        assert _ignored(caught) == []


def test_a_parameter_used_elsewhere_in_the_same_model_does_not_warn():
    """beam_width shapes predict_nbest even when predict decodes greedily: only
    predict says it ignores it."""
    model, _ = _fit(Seq2SeqTransformer, dict(decoding="greedy", beam_width=3))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.predict_nbest(X_TEXT[:2], n_best=2)
    assert _ignored(caught) == []
    with pytest.warns(UserWarning, match="beam_width=3 is ignored: decoding='greedy'"):
        model.predict(X_TEXT[:2])
