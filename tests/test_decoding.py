"""Decoding options: greedy, beam and sampling searches with length and repetition
controls, n-best lists with scores, score_samples and unknown-word replacement."""

import warnings

import numpy as np
import pytest
import torch
from sklearn.base import clone

from sklearn_seq2seq import Seq2SeqTransformer, load
from sklearn_seq2seq._data._vocabulary import UNK_INDEX
from sklearn_seq2seq.nn import (
    beam_search,
    beam_search_nbest,
    build_encoder_decoder,
    greedy_search,
    sample_search,
)

from _s2s_shared import DECODERS, TINY, X_TEXT, Y_TEXT

PAD, UNK, BOS, EOS = 0, 1, 2, 3
VOCAB = 9
X_NEW = ["1 2 3", "9 9 9 9 9", "5", "4 5", "8 7 6 5 4 3 2", "3 1"]


# -- the search functions, on untrained networks -------------------------------------
def build(mode: str, cell: str = "gru", seed: int = 0, eos_bias: float = 0.0):
    """An untrained network; a negative ``eos_bias`` makes it loop to the end."""
    torch.manual_seed(seed)
    model = build_encoder_decoder(
        src_vocab_size=12, trg_vocab_size=VOCAB, hidden_dim=8, decoder=mode, cell=cell
    ).eval()
    with torch.no_grad():
        model.decoder.output_layer.bias[EOS] += eos_bias
    return model


def make_src(lengths, seed: int = 1):
    generator = torch.Generator().manual_seed(seed)
    lengths = torch.as_tensor(lengths)
    src = torch.randint(4, 12, (len(lengths), int(lengths.max())), generator=generator)
    mask = torch.arange(src.shape[1]).unsqueeze(0) < lengths.unsqueeze(1)
    return src.masked_fill(~mask, PAD), lengths


def run(kind: str, model, src, lengths, **kwargs):
    kwargs.setdefault("max_length", 10)
    kwargs = dict(eos_index=EOS, blocked_indices=(PAD, UNK, BOS), **kwargs)
    if kind == "greedy":
        return greedy_search(model, src, lengths, **kwargs)
    if kind == "beam":
        return beam_search(model, src, lengths, beam_width=3, **kwargs)
    return sample_search(model, src, lengths, seed=7, **kwargs)


def rows(tokens: torch.Tensor) -> list[list[int]]:
    """Token rows cut before the first <eos>, padding dropped."""
    out = []
    for row in tokens.tolist():
        row = row[: row.index(EOS)] if EOS in row else row
        out.append([t for t in row if t != PAD])
    return out


def repeats_ngram(row: list, n: int) -> bool:
    grams = [tuple(row[i : i + n]) for i in range(len(row) - n + 1)]
    return len(grams) != len(set(grams))


CONTROLS = {
    "none": {},
    "min_length": {"min_length": 6},
    "no_repeat_2": {"no_repeat_ngram_size": 2},
    "no_repeat_1": {"no_repeat_ngram_size": 1},
    "repetition_penalty": {"repetition_penalty": 3.0},
    "per_sequence_max": {"max_length": torch.tensor([3, 8, 1, 5, 2])},
    "sample_top_k": {"top_k": 3},
    "sample_top_p": {"top_p": 0.6, "temperature": 1.5},
}


KIND_CONTROLS = [
    (kind, control)
    for kind in ("greedy", "beam", "sample")
    for control in CONTROLS
    if kind == "sample" or not control.startswith("sample")
]


@pytest.mark.parametrize("kind, control", KIND_CONTROLS)
@pytest.mark.parametrize("mode", DECODERS)
def test_search_is_batch_invariant_with_every_control(mode, kind, control):
    """A sequence decodes the same alone and in a batch, whatever the option."""
    options = dict(CONTROLS[control])
    model = build(mode)
    src_lengths = [5, 2, 1, 4, 3]
    src, lengths = make_src(src_lengths)
    batched = run(kind, model, src, lengths, **options)
    limits = options.pop("max_length", None)
    for i, n in enumerate(src_lengths):
        if limits is not None:
            options["max_length"] = limits[i : i + 1]
        alone = run(kind, model, src[i : i + 1, :n], lengths[i : i + 1], **options)
        assert rows(alone.tokens) == rows(batched.tokens[i : i + 1])
        torch.testing.assert_close(alone.scores, batched.scores[i : i + 1])


@pytest.mark.parametrize("kind", ["greedy", "beam", "sample"])
@pytest.mark.parametrize("mode", DECODERS)
def test_search_controls_hold(mode, kind):
    """min_length, no_repeat_ngram_size and per-sequence limits are honoured, and
    each changes the output of these untrained networks."""
    eager, model = build(mode, eos_bias=1.0), build(mode, eos_bias=-3.0)
    src, lengths = make_src([5, 2, 1, 4, 3, 6, 2, 3])
    short = rows(run(kind, eager, src, lengths, max_length=12).tokens)
    longer = rows(run(kind, eager, src, lengths, max_length=12, min_length=7).tokens)
    assert all(len(row) >= 7 for row in longer)
    plain = rows(run(kind, model, src, lengths, max_length=12).tokens)
    for n in (1, 2, 3):
        for min_length in (0, 7):
            out = run(
                kind,
                model,
                src,
                lengths,
                max_length=12,
                min_length=min_length,
                no_repeat_ngram_size=n,
            )
            assert not any(repeats_ngram(row, n) for row in rows(out.tokens))
    limits = torch.tensor([1, 2, 3, 4, 5, 6, 7, 8])
    cut = rows(run(kind, model, src, lengths, max_length=limits).tokens)
    assert all(len(row) <= int(limit) for row, limit in zip(cut, limits))
    # The options can fail: without them, the outputs break each rule somewhere.
    assert any(len(row) < 7 for row in short)
    assert any(repeats_ngram(row, 2) for row in plain)
    assert any(len(row) > int(limit) for row, limit in zip(plain, limits))


@pytest.mark.parametrize("mode", DECODERS)
def test_repetition_penalty_lowers_repeats(mode):
    model = build(mode, eos_bias=-3.0)
    src, lengths = make_src([5, 2, 1, 4, 3, 6, 2, 3])

    def n_repeats(out):
        return sum(len(row) - len(set(row)) for row in rows(out.tokens))

    plain = run("greedy", model, src, lengths, max_length=8)
    penalised = run("greedy", model, src, lengths, max_length=8, repetition_penalty=50)
    assert n_repeats(penalised) < n_repeats(plain)


@pytest.mark.parametrize("mode", DECODERS)
def test_sampling_limits_are_greedy(mode):
    """top_k=1 and a temperature near 0 pick the most probable token: greedy."""
    model = build(mode)
    src, lengths = make_src([5, 2, 1, 4, 3])
    greedy = run("greedy", model, src, lengths)
    for options in ({"top_k": 1}, {"temperature": 1e-4}, {"top_p": 1e-6}):
        sampled = run("sample", model, src, lengths, **options)
        assert rows(sampled.tokens) == rows(greedy.tokens), options
        torch.testing.assert_close(sampled.scores, greedy.scores)


def test_sampling_depends_on_seed_not_on_batch():
    model = build("attention")
    src, lengths = make_src([5, 2, 1, 4, 3, 6, 2, 3])
    kwargs = dict(max_length=10, eos_index=EOS, blocked_indices=(PAD, UNK, BOS))
    first = sample_search(model, src, lengths, seed=1, temperature=2.0, **kwargs)
    again = sample_search(model, src, lengths, seed=1, temperature=2.0, **kwargs)
    other = sample_search(model, src, lengths, seed=2, temperature=2.0, **kwargs)
    assert rows(first.tokens) == rows(again.tokens)
    assert rows(first.tokens) != rows(other.tokens)
    # Reversed batch order: each sequence still draws the same tokens.
    flipped = sample_search(
        model, src.flip(0), lengths.flip(0), seed=1, temperature=2.0, **kwargs
    )
    assert rows(flipped.tokens)[::-1] == rows(first.tokens)


@pytest.mark.parametrize("kind", ["greedy", "beam", "sample"])
def test_float_sources_lstm_batch_invariant(kind):
    """Sampling keys read the bits of float sources (real steps only)."""
    torch.manual_seed(0)
    model = build_encoder_decoder(
        src_features=3, trg_vocab_size=VOCAB, hidden_dim=8, cell="lstm", depth=2
    ).eval()
    src_lengths = [4, 2, 3, 1]
    src = torch.randn(4, 4, 3)
    lengths = torch.tensor(src_lengths)
    options = dict(min_length=2, no_repeat_ngram_size=2, repetition_penalty=1.5)
    batched = run(kind, model, src, lengths, **options)
    for i, n in enumerate(src_lengths):
        alone = run(kind, model, src[i : i + 1, :n], lengths[i : i + 1], **options)
        assert rows(alone.tokens) == rows(batched.tokens[i : i + 1])
    if kind == "sample":  # the values matter, not only the ids' positions
        other = run(kind, model, src + 0.5, lengths, **options)
        assert rows(other.tokens) != rows(batched.tokens)


def test_top_k_and_top_p_restrict_the_draws():
    """Every drawn token is among the top_k most probable (or in the nucleus) of
    its step: checked with the first step, whose distribution is known."""
    model = build("attention")
    src, lengths = make_src([5, 2, 1, 4, 3, 6, 2, 3])
    kwargs = dict(max_length=1, eos_index=EOS, blocked_indices=(PAD, UNK, BOS))
    with torch.no_grad():
        state = model.encode(src, lengths)
        logits, _, _ = model.decoder.step(model.decoder.bos(8, state.context), state)
    log_probs = torch.log_softmax(logits, -1)
    log_probs[:, [PAD, UNK, BOS]] = float("-inf")
    top2 = log_probs.topk(2, dim=1).indices
    probs = log_probs.exp().sort(dim=1, descending=True)
    for seed in range(20):
        out = sample_search(model, src, lengths, seed=seed, top_k=2, **kwargs)
        assert (out.tokens[:, :1] == top2).any(dim=1).all()
        out = sample_search(model, src, lengths, seed=seed, top_p=0.5, **kwargs)
        for i, token in enumerate(out.tokens[:, 0].tolist()):
            rank = probs.indices[i].tolist().index(token)
            assert probs.values[i, :rank].sum() < 0.5  # inside the nucleus


def test_nbest_search_is_sorted_and_starts_with_beam():
    model = build("attention")
    src, lengths = make_src([5, 2, 1, 4, 3])
    kwargs = dict(max_length=8, eos_index=EOS, blocked_indices=(PAD, UNK, BOS))
    for length_penalty in (0.0, 1.0):
        nbest = beam_search_nbest(
            model,
            src,
            lengths,
            beam_width=4,
            n_best=4,
            length_penalty=length_penalty,
            **kwargs,
        )
        best = beam_search(
            model, src, lengths, beam_width=4, length_penalty=length_penalty, **kwargs
        )
        assert torch.all(nbest.scores[:, :-1] >= nbest.scores[:, 1:])
        assert torch.isfinite(nbest.scores).all()
        assert rows(nbest.tokens[:, 0]) == rows(best.tokens)
        torch.testing.assert_close(nbest.scores[:, 0], best.scores)
        for i in range(5):
            hypotheses = rows(nbest.tokens[i])
            assert len({tuple(h) for h in hypotheses}) == 4


# -- the estimator ------------------------------------------------------------------
@pytest.fixture(scope="module")
def fitted():
    """A partly trained model per decoder mode: short outputs that vary."""
    settings = dict(TINY, hidden_dim=16, max_epochs=10, batch_size=8, lr=0.01)
    return {
        mode: Seq2SeqTransformer(**settings, decoder=mode).fit(X_TEXT, Y_TEXT)
        for mode in DECODERS
    }


ESTIMATOR_OPTIONS = {
    "greedy": {},
    "beam": {"beam_width": 3, "length_penalty": 0.6},
    "sample": {"decoding": "sample", "temperature": 1.5},
    "sample_top_p": {"decoding": "sample", "top_p": 0.8, "top_k": 4},
    "min_output_length": {"min_output_length": 4, "beam_width": 2},
    "no_repeat_ngram_size": {"no_repeat_ngram_size": 1, "decoding": "sample"},
    "repetition_penalty": {"repetition_penalty": 2.0},
    "max_length_a": {"max_length_a": 1.0, "max_length_b": 1, "beam_width": 2},
}


@pytest.mark.parametrize("option", ESTIMATOR_OPTIONS)
@pytest.mark.parametrize("mode", DECODERS)
def test_predict_is_batch_invariant(fitted, mode, option):
    model = with_params(fitted[mode], **ESTIMATOR_OPTIONS[option])
    batched = model.predict(X_NEW)
    alone = [model.predict([x])[0] for x in X_NEW]
    assert list(batched) == alone


def with_params(model, **params):
    """A fitted model with other decoding parameters (same weights)."""
    other = clone(model).set_params(**params)
    other.__dict__.update({k: v for k, v in model.__dict__.items() if k[-1] == "_"})
    return other


@pytest.mark.parametrize("mode", DECODERS)
def test_decoding_none_keeps_the_old_behaviour(fitted, mode):
    model = fitted[mode]
    assert model.decoding is None
    greedy = with_params(model, decoding="greedy", beam_width=4).predict(X_NEW)
    np.testing.assert_array_equal(model.predict(X_NEW), greedy)
    beam = with_params(model, beam_width=3)
    np.testing.assert_array_equal(
        beam.predict(X_NEW), with_params(beam, decoding="beam").predict(X_NEW)
    )


@pytest.mark.parametrize("mode", DECODERS)
def test_length_options_are_honoured(fitted, mode):
    model = fitted[mode]
    plain = [s.split() for s in model.predict(X_NEW)]
    lengths = [len(s.split()) for s in X_NEW]
    for decoding in ("greedy", "beam", "sample"):
        longer = with_params(
            model, decoding=decoding, min_output_length=9, beam_width=2
        )
        assert all(len(s.split()) >= 9 for s in longer.predict(X_NEW))
        # A bound tight enough to cut this model's plain predictions (checked below).
        relative = with_params(
            model, decoding=decoding, max_length_a=0.3, max_length_b=0, beam_width=2
        )
        for pred, n in zip(relative.predict(X_NEW), lengths):
            assert len(pred.split()) <= max(1, int(0.3 * n))
        unique = with_params(model, decoding=decoding, no_repeat_ngram_size=2)
        assert not any(repeats_ngram(p.split(), 2) for p in unique.predict(X_NEW))
    assert any(len(p) < 9 for p in plain)
    assert any(len(p) > max(1, int(0.3 * n)) for p, n in zip(plain, lengths))


def test_sampling_is_reproducible_with_random_state(fitted):
    model = with_params(fitted["attention"], decoding="sample", temperature=3.0)
    first = model.predict(X_NEW * 3)
    np.testing.assert_array_equal(first, model.predict(X_NEW * 3))
    # Equal sources draw equal tokens (the draws follow the source, not its row).
    np.testing.assert_array_equal(first[:6], first[6:12])
    others = [
        with_params(model, random_state=seed).predict(X_NEW) for seed in (1, 2, 3)
    ]
    assert any(list(o) != list(first[:6]) for o in others)
    # random_state=None: a new seed at every call.
    free = with_params(model, random_state=None)
    draws = {tuple(free.predict(X_NEW)) for _ in range(4)}
    assert len(draws) > 1


def test_sampling_options_without_sampling_warn(fitted):
    model = with_params(fitted["attention"], top_k=5)
    with pytest.warns(
        UserWarning, match="top_k=5 is ignored: it shapes decoding=.sample. only"
    ):
        model.predict(X_NEW)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with_params(model, decoding="sample").predict(X_NEW)


@pytest.mark.parametrize("mode", DECODERS)
def test_predict_nbest(fitted, mode):
    model = with_params(fitted[mode], beam_width=4)
    nbest = model.predict_nbest(X_NEW, n_best=4)
    assert len(nbest) == len(X_NEW)
    beam = model.predict(X_NEW)
    for hypotheses, best in zip(nbest, beam):
        assert 1 <= len(hypotheses) <= 4
        predictions = [p for p, _ in hypotheses]
        scores = [s for _, s in hypotheses]
        assert predictions[0] == best
        assert scores == sorted(scores, reverse=True)
        assert len(set(predictions)) == len(predictions)
        assert all(isinstance(p, str) and isinstance(s, float) for p, s in hypotheses)
    # Scores equal score_samples of the predictions (length_penalty=0).
    sources = [x for x, h in zip(X_NEW, nbest) for _ in h]
    predictions = [p for h in nbest for p, _ in h]
    scores = [s for h in nbest for _, s in h]
    np.testing.assert_allclose(
        model.score_samples(sources, predictions), scores, rtol=1e-4, atol=1e-4
    )
    # n_best larger than beam_width widens the beam; n_best=1 is predict.
    assert [h[0][0] for h in model.predict_nbest(X_NEW, n_best=1)] == list(beam)
    assert max(len(h) for h in model.predict_nbest(X_NEW, n_best=6)) == 6


def test_predict_nbest_output_kinds():
    X_tokens = [s.split() for s in X_TEXT]
    model = Seq2SeqTransformer(**TINY, beam_width=2)
    model.fit(X_tokens, [s.split() for s in Y_TEXT])
    prediction, score = model.predict_nbest([["1", "2"]], n_best=2)[0][0]
    assert prediction == list(model.predict([["1", "2"]])[0]) and score <= 0
    ids = np.array([[4, 5, 6, 0], [7, 8, 0, 0]] * 8)
    model = Seq2SeqTransformer(**TINY, beam_width=2).fit(ids, ids[:, ::-1].copy())
    prediction, _ = model.predict_nbest(ids[:1], n_best=2)[0][0]
    np.testing.assert_array_equal(prediction, model.predict(ids[:1])[0])
    floats = np.random.default_rng(0).normal(size=(16, 3, 2)).astype(np.float32)
    model = Seq2SeqTransformer(**TINY).fit(floats, floats)
    with pytest.raises(ValueError, match="float sequences"):
        model.predict_nbest(floats)
    with pytest.raises(ValueError, match="float sequences"):
        model.score_samples(floats, floats)


def test_score_samples(fitted):
    model = fitted["attention"]
    scores = model.score_samples(X_TEXT[:6], Y_TEXT[:6])
    assert scores.shape == (6,) and np.all(scores < 0)
    # A batch of one gives the same, and a wrong target scores lower than the
    # greedy prediction of an (even barely) trained model, on average.
    np.testing.assert_allclose(model.score_samples(X_TEXT[:1], Y_TEXT[:1]), scores[:1])
    wrong = model.score_samples(X_TEXT[:6], ["1 1 1 1 1 1"] * 6)
    assert (
        wrong.mean() < model.score_samples(X_TEXT[:6], model.predict(X_TEXT[:6])).mean()
    )
    with pytest.raises(ValueError, match="needs y"):
        model.score_samples(X_TEXT[:6])
    autoencoder = Seq2SeqTransformer(**TINY).fit(X_TEXT)
    np.testing.assert_allclose(
        autoencoder.score_samples(X_TEXT[:3]),
        autoencoder.score_samples(X_TEXT[:3], X_TEXT[:3]),
    )


def test_min_frequency_reads_rare_tokens_as_unknown():
    X = ["a b c", "a b d", "a b e"]
    model = Seq2SeqTransformer(**TINY, min_frequency=2).fit(X, X)
    assert model.source_codec_.itos_ == ["<pad>", "<unk>", "a", "b"]
    assert model.target_codec_.itos_[4:] == ["a", "b"]
    assert Seq2SeqTransformer(**TINY).fit(X, X).target_codec_.itos_[4:] == [
        "a",
        "b",
        "c",
        "d",
        "e",
    ]


def test_replace_unknown_copies_the_most_attended_source_token(fitted):
    """With every output forced to <unk>, each output token is the source token of
    highest attention at its step; without the option <unk> is never emitted."""
    model = with_params(fitted["attention"], max_length_a=1.0)
    # The last source is unknown words only: whatever the attention, they are copied.
    sources = ["1 2 3", "zz 9 yy 8", "4 qq", "qq zz yy"]
    plain = model.predict(sources)
    assert not any("<unk>" in p for p in plain)
    output_layer = model.net_.module_.decoder.output_layer
    saved = output_layer.bias.detach().clone()
    try:
        with torch.no_grad():
            output_layer.bias[UNK_INDEX] += 1e3
        copied = with_params(model, replace_unknown=True)
        predictions, attention = copied.predict_with_attention(sources)
    finally:
        with torch.no_grad():
            output_layer.bias.copy_(saved)
    for source, prediction, weights in zip(sources, predictions, attention):
        tokens = source.split()
        expected = [tokens[int(row.argmax())] for row in weights[: len(tokens)]]
        assert prediction.split() == expected[: len(prediction.split())]
        assert len(prediction.split()) == len(tokens)  # max_length_a=1
    # Unknown words are copied too.
    assert {"zz", "yy", "qq"} & {t for p in predictions for t in p.split()}


@pytest.mark.slow
def test_replace_unknown_recovers_unseen_words():
    """A copy task whose test words were never seen in training: the model learns
    to put <unk> where the source has one (rare training words are read as <unk>
    with min_frequency=2) and replace_unknown copies the word back."""
    rng = np.random.default_rng(0)
    common = [f"w{i}" for i in range(6)]
    X = []
    for n in range(300):
        words = list(rng.choice(common, size=rng.integers(2, 5)))
        words[rng.integers(len(words))] = f"n{n}"  # a word seen once
        X.append(" ".join(words))
    # Luong's attention without input feeding: its weights line up with the
    # output token (with input feeding they lagged; see the user guide).
    # 45 epochs: from 35 on, random states 1-3 copy every word; 0 needs 45.
    model = Seq2SeqTransformer(
        hidden_dim=32,
        max_epochs=45,
        input_feeding=False,
        min_frequency=2,
        random_state=0,
        device="cpu",
    ).fit(X, X)
    X_test = (
        [f"w1 u{n} w3" for n in range(20)]
        + [f"v{n} w0" for n in range(20)]
        + [f"w2 w4 x{n} w5" for n in range(20)]
    )
    plain = model.predict(X_test)
    copied = with_params(model, replace_unknown=True).predict(X_test)
    plain_match = np.mean([p == x for p, x in zip(plain, X_test)])
    copied_match = np.mean([p == x for p, x in zip(copied, X_test)])
    assert plain_match == 0.0  # the unseen word cannot be produced
    assert copied_match >= 0.8


BAD_PARAMS = [
    ({"decoding": "nucleus"}, "decoding"),
    ({"temperature": 0.0}, "temperature"),
    ({"top_k": 0}, "top_k"),
    ({"top_p": 0.0}, "top_p"),
    ({"top_p": 1.5}, "top_p"),
    ({"min_output_length": -1}, "min_output_length"),
    ({"no_repeat_ngram_size": -1}, "no_repeat_ngram_size"),
    ({"repetition_penalty": 0.5}, "repetition_penalty"),
    ({"max_length_a": -1.0}, "max_length_a"),
    ({"max_length_b": -1}, "max_length_b"),
    ({"replace_unknown": "yes"}, "replace_unknown"),
    ({"min_frequency": 0}, "min_frequency"),
]


@pytest.mark.parametrize("params, name", BAD_PARAMS)
def test_bad_values_name_the_parameter(fitted, params, name):
    with pytest.raises(ValueError, match=name):
        Seq2SeqTransformer(**TINY, **params).fit(X_TEXT, Y_TEXT)
    # Set after fit, they are caught at prediction time too.
    model = with_params(fitted["attention"], **params)
    with pytest.raises(ValueError, match=name):
        model.predict(X_NEW)
    with pytest.raises(ValueError, match=name):
        model.predict_nbest(X_NEW)


def test_option_errors(fitted):
    for mode in ("simple", "feedback", "peek"):
        model = with_params(fitted[mode], replace_unknown=True)
        with pytest.raises(
            ValueError, match="replace_unknown=True .* decoder='attention'"
        ):
            model.predict(X_NEW)
    for n_best in (0, 1.5, True):
        with pytest.raises(ValueError, match="n_best"):
            fitted["attention"].predict_nbest(X_NEW, n_best=n_best)


def test_validation_scoring_uses_the_controls():
    model = Seq2SeqTransformer(
        **TINY,
        validation_scoring="exact_match",
        min_output_length=3,
        no_repeat_ngram_size=2,
        max_length_a=2.0,
    )
    model.fit(X_TEXT, Y_TEXT, X_val=X_TEXT[:6], y_val=Y_TEXT[:6])
    scoring = dict(model.net_.callbacks_)["valid_exact_match"].scoring
    assert scoring.decoding.controls == {
        "min_length": 3,
        "no_repeat_ngram_size": 2,
        "repetition_penalty": 1.0,
    }
    assert scoring.decoding.max_length_a == 2.0
    # Every validation prediction has >= 3 tokens, so "5 4" can never match.
    assert "valid_exact_match" in model.history_


def test_decoding_parameters_round_trip(fitted, tmp_path):
    params = dict(
        decoding="sample",
        temperature=0.7,
        top_k=3,
        top_p=0.9,
        min_output_length=1,
        no_repeat_ngram_size=2,
        repetition_penalty=1.2,
        max_length_a=1.5,
        max_length_b=2,
        replace_unknown=True,
    )
    model = with_params(fitted["attention"], **params)
    model.save(tmp_path / "model.s2s")
    loaded = load(tmp_path / "model.s2s")
    assert loaded.get_params() == model.get_params()
    np.testing.assert_array_equal(loaded.predict(X_NEW), model.predict(X_NEW))
    frequency = Seq2SeqTransformer(**TINY, min_frequency=2).fit(X_TEXT, Y_TEXT)
    frequency.save(tmp_path / "frequency.s2s")
    again = load(tmp_path / "frequency.s2s")
    assert again.min_frequency == 2
    assert again.target_codec_.itos_ == frequency.target_codec_.itos_
    np.testing.assert_array_equal(again.predict(X_NEW), frequency.predict(X_NEW))
