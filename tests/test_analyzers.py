"""Per-side analyzers: ``source_analyzer`` and ``target_analyzer``.

Grapheme-to-phoneme conversion reads plain words by characters and predicts
space-separated phonemes; the reference for every test is the same model fitted on
inputs that the default word analyzer splits the same way (letters separated by
spaces), which must give exactly the same network and so the same predictions.
"""

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_seq2seq import (
    Seq2SeqEnsemble,
    Seq2SeqTransformer,
    bleu_scorer,
    exact_match_scorer,
    load,
)
from sklearn_seq2seq.metrics import sequence_metric

from _s2s_shared import DECODERS, TINY

# Spelling -> "phonemes": every letter is read as a word-level symbol.
SOUNDS = {"a": "AH", "b": "B", "c": "K", "d": "D", "e": "IY", "o": "OW", "t": "T"}
WORDS = ["cab", "bad", "dot", "toe", "bet", "cot", "ado", "bead", "date", "coat"] * 3
PHONEMES = [" ".join(SOUNDS[c] for c in word) for word in WORDS]
SPACED = [" ".join(word) for word in WORDS]
SETTINGS = dict(TINY, max_epochs=3)
CONFIGS = [{"decoder": decoder} for decoder in DECODERS] + [
    {"architecture": "transformer", "n_heads": 2}
]
CONFIG_IDS = [*DECODERS, "transformer"]


@pytest.fixture(autouse=True)
def _seed():
    np.random.seed(0)  # noqa: NPY002


@pytest.mark.parametrize("config", CONFIGS, ids=CONFIG_IDS)
def test_source_analyzer_char_equals_spaced_letters(config):
    # The whole point: G2P on plain words, without spelling them out by hand.
    ours = Seq2SeqTransformer(source_analyzer="char", **SETTINGS, **config)
    ours.fit(WORDS, PHONEMES)
    spelled = Seq2SeqTransformer(**SETTINGS, **config).fit(SPACED, PHONEMES)
    assert ours.source_codec_.analyzer == "char"
    assert ours.target_codec_.analyzer == "word"
    assert list(ours.predict(WORDS)) == list(spelled.predict(SPACED))
    nbest = ours.predict_nbest(WORDS[:4], n_best=2)
    assert nbest == spelled.predict_nbest(SPACED[:4], n_best=2)
    assert ours.score(WORDS, PHONEMES) == pytest.approx(spelled.score(SPACED, PHONEMES))


@pytest.mark.parametrize("config", CONFIGS, ids=CONFIG_IDS)
def test_target_analyzer_char_joins_predictions_by_characters(config):
    # Words in, characters out: predictions are joined without spaces.
    ours = Seq2SeqTransformer(target_analyzer="char", **SETTINGS, **config)
    ours.fit(PHONEMES, WORDS)
    spelled = Seq2SeqTransformer(**SETTINGS, **config).fit(PHONEMES, SPACED)
    assert ours.source_codec_.analyzer == "word"
    assert ours.target_codec_.analyzer == "char"
    assert list(ours.predict(PHONEMES)) == [
        s.replace(" ", "") for s in spelled.predict(PHONEMES)
    ]


def test_analyzer_applies_to_both_sides_unless_overridden():
    model = Seq2SeqTransformer(analyzer="char", target_analyzer="word", **SETTINGS)
    model.fit(WORDS, PHONEMES)
    assert model.source_codec_.analyzer == "char"
    assert model.target_codec_.analyzer == "word"
    both = Seq2SeqTransformer(analyzer="char", **SETTINGS).fit(WORDS, WORDS)
    assert both.source_codec_.analyzer == both.target_codec_.analyzer == "char"


def test_score_and_scorers_follow_the_target_side():
    model = Seq2SeqTransformer(analyzer="char", target_analyzer="word", **SETTINGS)
    model.fit(WORDS, PHONEMES)
    predictions = model.predict(WORDS)
    word_bleu = sequence_metric("bleu", PHONEMES, predictions, analyzer="word")
    char_bleu = sequence_metric("bleu", PHONEMES, predictions, analyzer="char")
    assert word_bleu != pytest.approx(char_bleu)  # the test can tell them apart
    assert model.score(WORDS, PHONEMES) == pytest.approx(word_bleu)
    assert bleu_scorer(model, WORDS, PHONEMES) == pytest.approx(word_bleu)
    # And the other way round: character targets are scored on characters.
    reverse = Seq2SeqTransformer(target_analyzer="char", **SETTINGS)
    reverse.fit(PHONEMES, WORDS)
    predictions = reverse.predict(PHONEMES)
    char_bleu = sequence_metric("bleu", WORDS, predictions, analyzer="char")
    assert reverse.score(PHONEMES, WORDS) == pytest.approx(char_bleu)
    assert bleu_scorer(reverse, PHONEMES, WORDS) == pytest.approx(char_bleu)


def test_autoencoder_target_is_read_by_the_source_analyzer():
    model = Seq2SeqTransformer(source_analyzer="char", **SETTINGS).fit(WORDS)
    assert model.target_codec_.analyzer == "char"
    predictions = model.predict(WORDS)
    char_bleu = sequence_metric("bleu", WORDS, predictions, analyzer="char")
    assert model.score(WORDS) == pytest.approx(char_bleu)
    assert bleu_scorer(model, WORDS) == pytest.approx(char_bleu)


def test_pipeline_and_grid_search_with_per_side_analyzers():
    lower = FunctionTransformer(lambda X: [x.lower() for x in X])
    pipeline = make_pipeline(
        lower, Seq2SeqTransformer(source_analyzer="char", **SETTINGS)
    )
    search = GridSearchCV(
        pipeline,
        {"seq2seqtransformer__hidden_dim": [4, 8]},
        scoring=exact_match_scorer,
        cv=2,
    )
    upper = [word.upper() for word in WORDS]
    search.fit(upper, PHONEMES)
    final = search.best_estimator_[-1]
    assert final.source_codec_.analyzer == "char"
    predictions = search.predict(upper)
    assert all(set(p.split()) <= set(SOUNDS.values()) for p in predictions)


def test_save_and_load_keep_both_analyzers(tmp_path):
    model = Seq2SeqTransformer(source_analyzer="char", **SETTINGS)
    model.fit(WORDS, PHONEMES)
    model.save(tmp_path / "g2p")
    loaded = load(tmp_path / "g2p")
    assert loaded.get_params()["source_analyzer"] == "char"
    assert loaded.source_codec_.analyzer == "char"
    assert list(loaded.predict(WORDS)) == list(model.predict(WORDS))


def test_ensemble_checks_each_side():
    first = Seq2SeqTransformer(source_analyzer="char", **SETTINGS)
    other_seed = dict(SETTINGS, random_state=1)
    second = Seq2SeqTransformer(source_analyzer="char", **other_seed)
    first.fit(WORDS, PHONEMES)
    second.fit(WORDS, PHONEMES)
    predictions = Seq2SeqEnsemble([first, second]).predict(WORDS)
    assert len(predictions) == len(WORDS)
    spelled = Seq2SeqTransformer(**SETTINGS).fit(SPACED, PHONEMES)
    with pytest.raises(ValueError, match="reads its source sequences differently"):
        Seq2SeqEnsemble([first, spelled]).predict(WORDS)


@pytest.mark.parametrize("name", ["source_analyzer", "target_analyzer"])
def test_bad_side_analyzer_names_the_parameter(name):
    model = Seq2SeqTransformer(**{name: "letters"}, **SETTINGS)
    with pytest.raises(InvalidParameterError, match=name):
        model.fit(WORDS, PHONEMES)
