"""Tests of token_error_rate, sequence_error_rate and their (negated) scorers, against
rapidfuzz's Levenshtein distance and hand computations."""

import copy
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from rapidfuzz.distance import Levenshtein
from sklearn.base import BaseEstimator
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

import sklearn_seq2seq
from sklearn_seq2seq import metrics
from sklearn_seq2seq.metrics import (
    _edit_distance,
    _target_analyzer,
    bleu_scorer,
    chrf_scorer,
    exact_match_score,
    exact_match_scorer,
    sequence_error_rate,
    sequence_error_rate_scorer,
    sequence_metric,
    token_error_rate,
    token_error_rate_scorer,
)


@pytest.fixture(autouse=True)
def _seed():
    # The tests draw from their own seeded Generators; this pins anything that
    # falls back on numpy's global state.
    np.random.seed(0)  # noqa: NPY002


def oracle_token_error_rate(references, hypotheses):
    """The closest-reference rule computed with rapidfuzz; ``references[i]`` is the
    list of references of sample i, every sequence a token list. None when the
    closest references are all empty."""
    n_edits = n_tokens = 0
    for refs, hyp in zip(references, hypotheses):
        distance, length = min(
            (Levenshtein.distance(ref, hyp), len(ref)) for ref in refs
        )
        n_edits += distance
        n_tokens += length
    return n_edits / n_tokens if n_tokens else None


def random_corpus(rng, *, max_refs=3, max_len=12):
    """References (1 to max_refs per sample) and hypotheses of 0 to max_len tokens,
    with empty ones now and then.

    Half of the hypotheses are noisy copies of a reference (substitutions, deletions,
    insertions), the others random draws; the vocabulary mixes strings, ints and
    tuples, and is sometimes tiny so that ties between references are frequent.
    """
    vocab = [f"p{i}" for i in range(rng.integers(2, 8))] + list(
        range(rng.integers(0, 4))
    )
    vocab.append(("A", 1))

    def draw(size):
        return [vocab[k] for k in rng.integers(len(vocab), size=size)]

    references, hypotheses = [], []
    for _ in range(rng.integers(1, 9)):
        refs = [
            draw(0 if rng.random() < 0.15 else rng.integers(1, max_len + 1))
            for _ in range(rng.integers(1, max_refs + 1))
        ]
        if rng.random() < 0.15:
            hyp = []
        elif rng.random() < 0.5:
            hyp = []
            for token in refs[rng.integers(len(refs))]:
                u = rng.random()
                if u < 0.1:
                    continue  # deletion
                hyp.append(draw(1)[0] if u < 0.3 else token)
                if rng.random() < 0.1:
                    hyp.append(draw(1)[0])  # insertion
        else:
            hyp = draw(rng.integers(0, max_len + 1))
        references.append(refs)
        hypotheses.append(hyp)
    if not any(len(ref) for refs in references for ref in refs):
        references[0][0] = draw(1)  # keep the rate defined
    return references, hypotheses


# -- the edit distance -----------------------------------------------------------------
def test_edit_distance_equals_rapidfuzz():
    rng = np.random.default_rng(0)
    for _ in range(3000):
        n_symbols = int(rng.integers(1, 6))
        a = rng.integers(n_symbols, size=rng.integers(0, 25)).tolist()
        b = rng.integers(n_symbols, size=rng.integers(0, 25)).tolist()
        assert _edit_distance(a, b) == Levenshtein.distance(a, b), (a, b)
        assert _edit_distance(b, a) == _edit_distance(a, b)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("", "", 0),
        ("abc", "", 3),
        ("", "ab", 2),
        ("kitten", "sitting", 3),
        ("flaw", "lawn", 2),
        ("abc", "cba", 2),
        ("intention", "execution", 5),
    ],
)
def test_edit_distance_by_hand(a, b, expected):
    assert _edit_distance(list(a), list(b)) == expected


# -- token_error_rate ------------------------------------------------------------------
def test_token_error_rate_equals_rapidfuzz_on_random_corpora():
    rng = np.random.default_rng(1)
    rates = []
    n_undefined = 0
    for _ in range(300):
        references, hypotheses = random_corpus(rng)
        expected = oracle_token_error_rate(references, hypotheses)
        if expected is None:
            # Every sample's closest reference is empty: 0 if no prediction has a
            # token, else inf.
            with pytest.warns(UndefinedMetricWarning):
                got = token_error_rate(references, hypotheses, multiple_references=True)
            assert got == (math.inf if any(hypotheses) else 0.0)
            n_undefined += 1
            continue
        got = token_error_rate(references, hypotheses, multiple_references=True)
        assert got == pytest.approx(expected, rel=1e-12), (references, hypotheses)
        rates.append(got)
        # One reference per sample: the plain form, as token lists and as strings.
        firsts = [refs[0] for refs in references]
        if any(firsts):
            expected = oracle_token_error_rate([[ref] for ref in firsts], hypotheses)
            assert token_error_rate(firsts, hypotheses) == pytest.approx(expected)
            as_text = [" ".join(map(str, tokens)) for tokens in firsts]
            hyp_text = [" ".join(map(str, tokens)) for tokens in hypotheses]
            if all(" " not in str(t) for tokens in firsts for t in tokens):
                expected = oracle_token_error_rate(
                    [[s.split()] for s in as_text], [s.split() for s in hyp_text]
                )
                assert token_error_rate(as_text, hyp_text) == pytest.approx(expected)
    # The corpora cover perfect, intermediate and above-1 rates.
    rates = np.asarray(rates)
    assert (rates == 0).any()
    assert ((rates > 0.1) & (rates < 0.9)).sum() > 50
    assert (rates > 1).any()
    assert len(rates) > 250
    assert n_undefined > 0  # the seed covers the undefined case too


def test_token_error_rate_by_hand():
    # b -> x substituted, d inserted: 2 edits over 3 reference tokens.
    assert token_error_rate(["a b c"], ["a x c d"]) == pytest.approx(2 / 3)
    assert token_error_rate([["a", "b", "c"]], [["a", "x", "c", "d"]]) == (
        pytest.approx(2 / 3)
    )
    assert token_error_rate(["a b c"], ["a b c"]) == 0.0
    # An empty prediction: every reference token is deleted.
    assert token_error_rate(["a b c"], [""]) == 1.0
    # Insertions can take the rate above 1.
    assert token_error_rate(["a"], ["x y z"]) == 3.0
    # Whitespace is only a separator for strings.
    assert token_error_rate(["a  b"], [" a b "]) == 0.0


def test_token_error_rate_is_a_corpus_ratio():
    """Summed edits over summed lengths: a mean of per-sample rates would give 0.5."""
    assert token_error_rate(["a", "a b c d"], ["x", "a b c d"]) == pytest.approx(0.2)
    # An empty reference in one sample: its prediction's tokens are all insertions.
    assert token_error_rate(["", "a b"], ["x", "a b"]) == pytest.approx(0.5)


def test_token_error_rate_reads_ids_series_and_any_hashable():
    ids_true = np.array([[3, 4, 0], [5, 6, 7]])
    ids_pred = np.array([[3, 4, 0], [5, 0, 7]])  # the 0 is padding: 6 deleted
    assert token_error_rate(ids_true, ids_pred) == pytest.approx(1 / 5)
    assert token_error_rate([[3, 4], [5, 6, 7]], [[3, 4], [5, 7]]) == (
        pytest.approx(1 / 5)
    )
    series = pd.Series(["a b c", "d e"], index=[10, 11])
    assert token_error_rate(series, ["a b c", "d"]) == pytest.approx(1 / 5)
    # Tokens of any hashable type; 1, "1" and (1,) are three different tokens.
    assert token_error_rate([[1, "1", (1,)]], [["1"]]) == pytest.approx(2 / 3)
    assert token_error_rate([[(0, 1), frozenset({1})]], [[(0, 1)]]) == 0.5


def test_multiple_references_closest_one_counts():
    refs = [["x y z", "a b c"]]
    assert token_error_rate(refs, ["a b c"], multiple_references=True) == 0.0
    # Not the first reference, not the mean over references.
    refs = [["a b c d e f", "a b x"]]
    assert token_error_rate(refs, ["a b c"], multiple_references=True) == (
        pytest.approx(1 / 3)
    )


def test_multiple_references_tie_goes_to_the_shorter_reference():
    """Both references are one edit away; the shorter one's length (2) is the
    denominator, not the longer one's (4) and not the first one's."""
    refs = [["a b c d", "a b"]]
    assert token_error_rate(refs, ["a b c"], multiple_references=True) == 0.5
    refs = [["a b", "a b c d"]]
    assert token_error_rate(refs, ["a b c"], multiple_references=True) == 0.5


def test_all_references_empty_is_undefined():
    with pytest.warns(UndefinedMetricWarning, match="references are all empty"):
        assert token_error_rate(["", ""], ["", ""]) == 0.0
    with pytest.warns(UndefinedMetricWarning, match="returning inf"):
        assert token_error_rate(["", ""], ["a", ""]) == math.inf
    with pytest.warns(UndefinedMetricWarning):
        rate = token_error_rate([["", ""]], [""], multiple_references=True)
    assert rate == 0.0
    # Not all references are empty, but the closest ones are.
    with pytest.warns(UndefinedMetricWarning):
        rate = token_error_rate([["", "a b"]], [""], multiple_references=True)
    assert rate == 0.0
    # One non-empty reference is enough for the rate to be defined.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert token_error_rate(["", "a"], ["b", "a"]) == 1.0


# -- sequence_error_rate ---------------------------------------------------------------
def test_sequence_error_rate_is_one_minus_exact_match():
    rng = np.random.default_rng(2)
    rates = []
    for _ in range(200):
        references, hypotheses = random_corpus(rng, max_refs=2, max_len=3)
        # Some exact copies, so that the rate is not always 1.
        for i in range(len(hypotheses)):
            if rng.random() < 0.4:
                hypotheses[i] = list(references[i][-1])
        got = sequence_error_rate(references, hypotheses, multiple_references=True)
        expected = np.mean(
            [hyp not in refs for refs, hyp in zip(references, hypotheses)]
        )
        assert got == pytest.approx(expected)
        assert got == pytest.approx(
            1 - exact_match_score(references, hypotheses, multiple_references=True)
        )
        rates.append(got)
    rates = np.asarray(rates)
    assert (rates == 0).any() and (rates == 1).any()
    assert ((rates > 0) & (rates < 1)).sum() > 50


def test_sequence_error_rate_by_hand():
    y_true = ["HH AH L OW", "W ER L D", "AH"]
    assert sequence_error_rate(y_true, ["HH AH L OW", "W ER D", "AH"]) == (
        pytest.approx(1 / 3)
    )
    # One wrong phoneme out of eleven: the token error rate is small, the sequence
    # error rate counts the whole word.
    assert token_error_rate(y_true, ["HH AH L OW", "W ER D", "AH"]) == (
        pytest.approx(1 / 9)
    )
    refs = [["T AH M EY T OW", "T AH M AA T OW"], ["W ER L D"]]
    assert sequence_error_rate(
        refs, ["T AH M AA T OW", "W ER D"], multiple_references=True
    ) == pytest.approx(0.5)
    assert sequence_error_rate(["a b"], ["a  b"]) == 0.0
    assert sequence_error_rate(["a b"], [""]) == 1.0
    assert sequence_error_rate([""], [""]) == 0.0


# -- bad inputs ------------------------------------------------------------------------
@pytest.mark.parametrize("metric", [token_error_rate, sequence_error_rate])
def test_errors_match_the_other_metrics(metric):
    name = metric.__name__
    with pytest.raises(ValueError, match=r"len\(y_true\)=3, len\(y_pred\)=2"):
        metric(["a", "b", "c"], ["a", "b"])
    with pytest.raises(ValueError, match="y_true, string object received"):
        metric("the cat sat", ["the cat sat"])
    with pytest.raises(ValueError, match="y_pred, string object received"):
        metric(["the cat sat"], "the cat sat")
    with pytest.raises(ValueError, match=r"y_pred\[1\] is missing \(None\)"):
        metric(["a b", "c d"], ["a b", None])
    with pytest.raises(TypeError, match="unhashable token of type list"):
        metric([["a", ["b"]]], ["a b"])
    with pytest.raises(ValueError, match=r"y_true\[0\] must be a list of references"):
        metric(["a b c"], ["a b c"], multiple_references=True)
    with pytest.raises(ValueError, match=r"y_true\[1\] has no reference"):
        metric([["a b"], []], ["a b", "c"], multiple_references=True)
    with pytest.raises(ValueError, match=f"{name} needs at least one sample"):
        metric([], [])
    with pytest.raises(ValueError, match="dtype float64"):
        metric(np.ones((2, 3)), ["a", "b"])
    with pytest.raises(ValueError, match="The 'multiple_references' parameter"):
        metric(["a"], ["a"], multiple_references="yes")


@pytest.mark.parametrize("metric", [token_error_rate, sequence_error_rate])
def test_inputs_are_not_modified(metric):
    y_true = [["a b c", "a"], ["d e"], [["x", "y"], ""]]
    y_pred = [["a", "x"], np.array(["d"], dtype=object), "x"]
    ids_true = np.array([[3, 4, 0], [5, 6, 7]])
    ids_pred = np.array([[3, 0, 4], [7, 6, 5]])
    before = copy.deepcopy((y_true, y_pred, ids_true, ids_pred))
    metric(y_true, y_pred, multiple_references=True)
    metric(ids_true, ids_pred)
    assert y_true == before[0]
    assert [list(p) if not isinstance(p, str) else p for p in y_pred] == [
        list(p) if not isinstance(p, str) else p for p in before[1]
    ]
    np.testing.assert_array_equal(ids_true, before[2])
    np.testing.assert_array_equal(ids_pred, before[3])


def test_exported():
    for name in [
        "token_error_rate",
        "token_error_rate_scorer",
        "sequence_error_rate",
        "sequence_error_rate_scorer",
    ]:
        assert name in metrics.__all__
        assert getattr(sklearn_seq2seq, name) is getattr(metrics, name)


# -- scorers ---------------------------------------------------------------------------
class _Echo(BaseEstimator):
    """Stands for a fitted model: predicts each source string without its last
    ``drop_last`` words; the analyzers are only read by the scorers."""

    def __init__(self, drop_last=0, analyzer="word", target_analyzer=None):
        self.drop_last = drop_last
        self.analyzer = analyzer
        self.target_analyzer = target_analyzer

    def fit(self, X, y=None):
        self.fitted_ = True
        return self

    def predict(self, X):
        words = [x.split() for x in X]
        kept = [w[: max(len(w) - self.drop_last, 0)] for w in words]
        return np.array([" ".join(w) for w in kept], dtype=object)


class _Lookup(BaseEstimator):
    """Stands for a fitted model: predicts a fixed output per source, and has only
    the attributes it is given (no ``target_analyzer`` unless set)."""

    def __init__(self, outputs=None, **analyzers):
        self.outputs = outputs
        for name, value in analyzers.items():
            setattr(self, name, value)

    def get_params(self, deep=True):
        return {"outputs": self.outputs}

    def fit(self, X, y=None):
        self.fitted_ = True
        return self

    def predict(self, X):
        return np.array([self.outputs[x] for x in X], dtype=object)


def scorer_data():
    rng = np.random.default_rng(3)
    vocab = [f"w{i}" for i in range(12)]
    X = [" ".join(rng.choice(vocab, size=rng.integers(3, 9))) for _ in range(30)]
    return X, list(X)


def test_scorers_negate_the_error_rates():
    X, y = scorer_data()
    perfect, worse, worst = _Echo(0), _Echo(1), _Echo(3)
    score = token_error_rate_scorer(perfect, X, y)
    assert score == 0.0 and math.copysign(1, score) == 1  # 0.0, not -0.0
    assert sequence_error_rate_scorer(perfect, X, y) == 0.0
    assert math.copysign(1, sequence_error_rate_scorer(perfect, X, y)) == 1
    for scorer, metric in [
        (token_error_rate_scorer, token_error_rate),
        (sequence_error_rate_scorer, sequence_error_rate),
    ]:
        for model in (worse, worst):
            assert scorer(model, X, y) == -metric(y, model.predict(X))
        assert scorer(perfect, X, y) > scorer(worse, X, y) >= scorer(worst, X, y)
    assert token_error_rate_scorer(worse, X, y) > token_error_rate_scorer(worst, X, y)
    assert token_error_rate_scorer(worse, X, y) < -0.05
    assert sequence_error_rate_scorer(worse, X, y) == pytest.approx(
        exact_match_scorer(worse, X, y) - 1
    )


def test_scorer_flags_and_reprs():
    assert repr(token_error_rate_scorer) == "token_error_rate_scorer"
    assert repr(sequence_error_rate_scorer) == "sequence_error_rate_scorer"
    # The existing scorers are unchanged: greater is better, same reprs.
    assert [repr(s) for s in (bleu_scorer, chrf_scorer, exact_match_scorer)] == [
        "bleu_scorer",
        "chrf_scorer",
        "exact_match_scorer",
    ]
    assert all(s._sign == 1 for s in (bleu_scorer, chrf_scorer, exact_match_scorer))
    assert token_error_rate_scorer._sign == sequence_error_rate_scorer._sign == -1
    assert not token_error_rate_scorer.greater_is_better
    X, y = scorer_data()
    assert exact_match_scorer(_Echo(1), X, y) == exact_match_score(
        y, _Echo(1).predict(X)
    )


def test_scorer_in_cross_val_score():
    X, y = scorer_data()
    model = _Echo(drop_last=1)
    cv = KFold(3, shuffle=True, random_state=0)
    scores = cross_val_score(model, X, y, cv=cv, scoring=token_error_rate_scorer)
    expected = [
        -token_error_rate([y[i] for i in test], model.predict([X[i] for i in test]))
        for _, test in cv.split(X)
    ]
    np.testing.assert_allclose(scores, expected, rtol=0, atol=1e-12)
    assert all(-1 < s < 0 for s in scores)


@pytest.mark.parametrize(
    "scorer", [token_error_rate_scorer, sequence_error_rate_scorer]
)
def test_scorer_in_grid_search_picks_the_better_model(scorer):
    X, y = scorer_data()
    X, y = pd.Series(X), pd.Series(y)
    search = GridSearchCV(_Echo(), {"drop_last": [2, 0, 1]}, scoring=scorer, cv=3)
    search.fit(X, y)
    assert search.best_params_ == {"drop_last": 0}
    assert search.best_score_ == 0.0
    means = search.cv_results_["mean_test_score"]
    assert search.cv_results_["rank_test_score"][1] == 1
    # Dropping two words is worse than dropping one (or as bad: every sample wrong).
    assert means[0] <= means[2] < 0
    if scorer is token_error_rate_scorer:
        assert list(search.cv_results_["rank_test_score"]) == [3, 1, 2]


def test_all_empty_references_score_minus_inf():
    X = ["a b", "c"]
    model = _Lookup(dict(zip(X, ["x", ""])))
    with pytest.warns(UndefinedMetricWarning):
        assert token_error_rate_scorer(model, X, ["", ""]) == -math.inf


def test_char_analyzer_gives_the_character_error_rate():
    X = ["21 november 2026", "2 january 1999"]
    y = ["2026-11-21", "1999-01-02"]
    predictions = ["2026-11-12", "1999-1-02"]
    model = _Lookup(dict(zip(X, predictions)), analyzer="char")
    expected = sum(Levenshtein.distance(t, p) for t, p in zip(y, predictions)) / sum(
        map(len, y)
    )
    assert expected == pytest.approx(3 / 20)
    assert token_error_rate_scorer(model, X, y) == pytest.approx(-expected)
    assert sequence_metric(
        "token_error_rate", y, predictions, analyzer="char"
    ) == pytest.approx(expected)
    # Word level: each prediction is one wrong word.
    assert sequence_metric("token_error_rate", y, predictions) == 1.0
    assert sequence_error_rate_scorer(model, X, y) == -1.0
    # Whitespace counts as a character, as in the other character metrics.
    spaced = _Lookup({"x": "a  b"}, analyzer="char")
    assert token_error_rate_scorer(spaced, ["x"], ["a b"]) == pytest.approx(-1 / 3)
    # Through a pipeline, to its last step.
    pipeline = make_pipeline(FunctionTransformer(), model).fit(X, y)
    assert token_error_rate_scorer(pipeline, X, y) == pytest.approx(-expected)


def test_target_analyzer_helper():
    assert _target_analyzer(_Lookup(analyzer="word", target_analyzer="char")) == "char"
    assert _target_analyzer(_Lookup(analyzer="char", target_analyzer="word")) == "word"
    assert _target_analyzer(_Lookup(analyzer="char", target_analyzer=None)) == "char"
    assert _target_analyzer(_Lookup(analyzer="char")) == "char"
    assert _target_analyzer(_Lookup()) == "word"


def test_scorers_follow_the_target_analyzer():
    """Word sources, character targets: the scorers count characters, whatever
    ``analyzer`` says; ``target_analyzer=None`` falls back on ``analyzer``."""
    X = ["twenty one", "forty two"]
    y = ["21", "42"]
    outputs = dict(zip(X, ["21", "4"]))
    char_targets = _Lookup(outputs, analyzer="word", target_analyzer="char")
    word_targets = _Lookup(outputs, analyzer="char", target_analyzer="word")
    fallback = _Lookup(outputs, analyzer="char", target_analyzer=None)
    # "4" for "42": one character deleted out of four, or one word wrong out of two.
    assert token_error_rate_scorer(char_targets, X, y) == pytest.approx(-0.25)
    assert token_error_rate_scorer(fallback, X, y) == pytest.approx(-0.25)
    assert token_error_rate_scorer(word_targets, X, y) == pytest.approx(-0.5)
    # The existing scorers follow it too: "4  2" and "4 2" are the same words but
    # not the same characters.
    spaced = {"x": "4  2"}
    char_model = _Lookup(spaced, analyzer="word", target_analyzer="char")
    word_model = _Lookup(spaced, analyzer="char", target_analyzer="word")
    assert exact_match_scorer(char_model, ["x"], ["4 2"]) == 0.0
    assert exact_match_scorer(word_model, ["x"], ["4 2"]) == 1.0
    pipeline = make_pipeline(FunctionTransformer(), char_model).fit(["x"], ["4 2"])
    assert sequence_error_rate_scorer(pipeline, ["x"], ["4 2"]) == -1.0


def test_sequence_metric_error_rate_branches():
    y_true, y_pred = ["a b c", "d e"], ["a x c d", "d e"]
    assert sequence_metric("token_error_rate", y_true, y_pred) == pytest.approx(2 / 5)
    assert sequence_metric("sequence_error_rate", y_true, y_pred) == 0.5
    with pytest.raises(ValueError, match="Unknown sequence metric 'wer'.*'bleu'"):
        sequence_metric("wer", y_true, y_pred)
