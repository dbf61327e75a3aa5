"""Tests of bleu_score and bleu_scorer against sacrebleu, NLTK and hand computations."""

import math

import numpy as np
import pandas as pd
import pytest
from nltk.translate.bleu_score import SmoothingFunction
from nltk.translate.bleu_score import corpus_bleu as nltk_corpus_bleu
from sacrebleu.metrics import BLEU
from sklearn.base import BaseEstimator
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sklearn_seq2seq import Seq2SeqTransformer
from sklearn_seq2seq.metrics import (
    bleu_score,
    bleu_scorer,
    chrf_score,
    chrf_scorer,
    exact_match_score,
    exact_match_scorer,
)

SMOOTHS = ["none", "floor", "add-k", "exp"]


@pytest.fixture(autouse=True)
def _seed():
    # The tests draw from their own seeded Generators; this pins anything that
    # falls back on numpy's global state.
    np.random.seed(0)  # noqa: NPY002


def sacrebleu_score(references, hypotheses, **kwargs):
    """sacrebleu's corpus BLEU; ``references[i]`` is the list of references of sample i.

    sacrebleu takes reference *streams* (``streams[k][i]`` = k-th reference of sample
    i); samples with fewer references are padded with None, which sacrebleu skips.
    """
    n_streams = max(len(refs) for refs in references)
    streams = [
        [" ".join(refs[k]) if k < len(refs) else None for refs in references]
        for k in range(n_streams)
    ]
    hyps = [" ".join(hyp) for hyp in hypotheses]
    return BLEU(tokenize="none", **kwargs).corpus_score(hyps, streams).score


def random_corpus(rng, *, min_hyp_len=0, max_refs=3):
    """Token-list references (1 to max_refs per sample) and hypotheses of 0-20 tokens.

    Half of the hypotheses are noisy copies of a reference (so higher-order n-grams
    match now and then), the others are random draws from a small vocabulary.
    """
    vocab = [f"w{i}" for i in range(rng.integers(8, 31))]
    n_samples = rng.integers(1, 11)
    references, hypotheses = [], []
    for _ in range(n_samples):
        refs = [
            [str(t) for t in rng.choice(vocab, size=rng.integers(0, 21))]
            for _ in range(rng.integers(1, max_refs + 1))
        ]
        source = refs[rng.integers(len(refs))]
        if rng.random() < 0.5 and len(source) >= min_hyp_len:
            hyp = [
                str(rng.choice(vocab)) if rng.random() < 0.3 else token
                for token in source
                if rng.random() > 0.1 or len(source) <= min_hyp_len
            ]
        else:
            hyp = [str(t) for t in rng.choice(vocab, size=rng.integers(0, 21))]
        while len(hyp) < min_hyp_len:
            hyp.append(str(rng.choice(vocab)))
        references.append(refs)
        hypotheses.append(hyp)
    return references, hypotheses


@pytest.mark.parametrize("smooth", SMOOTHS)
def test_equals_sacrebleu_on_random_corpora(smooth):
    rng = np.random.default_rng(SMOOTHS.index(smooth))
    scores = []
    for _ in range(300):
        references, hypotheses = random_corpus(rng)
        max_order = int(rng.integers(1, 5))
        smooth_value = None if rng.random() < 0.5 else float(rng.uniform(0.01, 2))
        effective_order = bool(rng.random() < 0.25)
        expected = sacrebleu_score(
            references,
            hypotheses,
            smooth_method=smooth,
            smooth_value=smooth_value,
            max_ngram_order=max_order,
            effective_order=effective_order,
        )
        # Alternate the input forms: strings or token lists.
        if rng.random() < 0.5:
            references = [[" ".join(ref) for ref in refs] for refs in references]
            hypotheses = [" ".join(hyp) for hyp in hypotheses]
        got = bleu_score(
            references,
            hypotheses,
            max_order=max_order,
            smooth=smooth,
            smooth_value=smooth_value,
            multiple_references=True,
            effective_order=effective_order,
        )
        assert got == pytest.approx(expected, rel=0, abs=1e-9)
        scores.append(got)
    # The random corpora cover zero, intermediate and perfect scores.
    scores = np.asarray(scores)
    assert (scores == 0).any()
    assert ((scores > 5) & (scores < 95)).sum() > 30


@pytest.mark.parametrize("smooth", SMOOTHS)
def test_equals_sacrebleu_single_reference_forms(smooth):
    rng = np.random.default_rng(10 + SMOOTHS.index(smooth))
    for _ in range(100):
        references, hypotheses = random_corpus(rng, max_refs=1)
        expected = sacrebleu_score(references, hypotheses, smooth_method=smooth)
        y_true = [refs[0] for refs in references]
        as_strings = bleu_score(
            [" ".join(ref) for ref in y_true],
            [" ".join(hyp) for hyp in hypotheses],
            smooth=smooth,
        )
        as_token_lists = bleu_score(y_true, hypotheses, smooth=smooth)
        assert as_strings == pytest.approx(expected, rel=0, abs=1e-9)
        assert as_token_lists == pytest.approx(expected, rel=0, abs=1e-9)


@pytest.mark.parametrize("max_order", [1, 2, 3, 4])
def test_equals_nltk_method3(max_order):
    # sacrebleu's "exp" is NIST geometric smoothing, NLTK's method3. NLTK counts at
    # least one n-gram per hypothesis (max(1, count)), so every hypothesis has >= 4
    # tokens here; its closest-reference tie rule (shorter reference) is the same as
    # sacrebleu's, so several references of any lengths are fine.
    rng = np.random.default_rng(100 + max_order)
    smoothing = SmoothingFunction().method3
    weights = (1 / max_order,) * max_order
    n_nonzero = 0
    for _ in range(150):
        references, hypotheses = random_corpus(rng, min_hyp_len=4)
        expected = 100 * nltk_corpus_bleu(
            references, hypotheses, weights=weights, smoothing_function=smoothing
        )
        got = bleu_score(
            references,
            hypotheses,
            max_order=max_order,
            smooth="exp",
            multiple_references=True,
        )
        assert got == pytest.approx(expected, rel=0, abs=1e-9)
        n_nonzero += got > 0
    assert n_nonzero > 100


def test_smoothing_formulas_by_hand():
    # Unigrams 3/4, bigrams 1/3 ("a b"), trigrams 0/2, 4-grams 0/1; c = r = 4, BP = 1.
    y_true, y_pred = ["a b x d"], ["a b c d"]

    def geometric_mean(*precisions):
        return 100 * math.exp(sum(math.log(p) for p in precisions) / len(precisions))

    expected = {
        "none": 0.0,
        "floor": geometric_mean(3 / 4, 1 / 3, 0.1 / 2, 0.1 / 1),
        "add-k": geometric_mean(3 / 4, 2 / 4, 1 / 3, 1 / 2),
        "exp": geometric_mean(3 / 4, 1 / 3, 1 / (2 * 2), 1 / (4 * 1)),
    }
    for smooth, value in expected.items():
        assert bleu_score(y_true, y_pred, smooth=smooth) == pytest.approx(value)
    assert bleu_score(y_true, y_pred, smooth="floor", smooth_value=0.5) == (
        pytest.approx(geometric_mean(3 / 4, 1 / 3, 0.5 / 2, 0.5 / 1))
    )
    assert bleu_score(y_true, y_pred, smooth="add-k", smooth_value=2) == (
        pytest.approx(geometric_mean(3 / 4, 3 / 5, 2 / 4, 2 / 3))
    )


def test_brevity_penalty_and_closest_reference_tie():
    # Hypothesis length 5, references of lengths 4 and 6: the tie goes to the shorter
    # one, so c >= r and there is no penalty (the longer one would give exp(1 - 6/5)).
    refs = [["a b c d", "a b c d e f"]]
    assert bleu_score(refs, ["a b c d e"], multiple_references=True) == (
        pytest.approx(100)
    )
    # A hypothesis shorter than its reference is penalised by exp(1 - r / c).
    score = bleu_score(["a b c d e f g h"], ["a b c d e f"])
    assert score == pytest.approx(100 * math.exp(1 - 8 / 6))


@pytest.mark.parametrize("smooth", SMOOTHS)
def test_identical_and_disjoint(smooth):
    y = ["the cat sat on the mat", "a b c d e", "one two three four"]
    assert bleu_score(y, y, smooth=smooth) == pytest.approx(100, abs=1e-9)
    refs = [[s, "something else entirely here"] for s in y]
    assert bleu_score(refs, y, smooth=smooth, multiple_references=True) == (
        pytest.approx(100, abs=1e-9)
    )
    disjoint = ["x y z w v", "p q r s", "k l m n o"]
    assert bleu_score(y, disjoint, smooth=smooth) == 0.0


@pytest.mark.parametrize("smooth", SMOOTHS)
def test_empty_hypotheses(smooth):
    y_true = ["a b c d e", "f g h i", "j k l m n"]
    assert bleu_score(y_true, ["", "", ""], smooth=smooth) == 0.0
    assert bleu_score(y_true, [[], [], []], smooth=smooth) == 0.0
    y_pred = ["a b c d e", "", "j k x m"]
    expected = sacrebleu_score(
        [[s.split()] for s in y_true], [s.split() for s in y_pred], smooth_method=smooth
    )
    got = bleu_score(y_true, y_pred, smooth=smooth)
    assert got == pytest.approx(expected, rel=0, abs=1e-9)
    assert 0 < got < 100


@pytest.mark.parametrize("smooth", SMOOTHS)
def test_hypotheses_shorter_than_max_order(smooth):
    # No hypothesis has 4 tokens: no 4-gram in the corpus (documented behaviour).
    y_true = ["forty two", "seven", "one hundred three"]
    y_pred = ["forty two", "seven", "one hundred three"]
    refs = [[s.split()] for s in y_true]
    hyps = [s.split() for s in y_pred]
    score = bleu_score(y_true, y_pred, smooth=smooth)
    assert score == pytest.approx(
        sacrebleu_score(refs, hyps, smooth_method=smooth), rel=0, abs=1e-9
    )
    if smooth == "add-k":
        # (0 + k) / (0 + k) = 1 for the orders without n-grams.
        assert score == pytest.approx(100)
    else:
        assert score == 0.0
    effective = bleu_score(y_true, y_pred, smooth=smooth, effective_order=True)
    assert effective == pytest.approx(100)
    assert effective == pytest.approx(
        sacrebleu_score(refs, hyps, smooth_method=smooth, effective_order=True),
        rel=0,
        abs=1e-9,
    )
    assert bleu_score(y_true, y_pred, smooth=smooth, max_order=2) == (
        pytest.approx(bleu_score(y_true, y_pred, smooth=smooth, effective_order=True))
    )


def to_ids(sequences, vocabulary, n_steps, rng):
    """Pad token lists into an id array, with padding at random places in each row."""
    ids = np.zeros((len(sequences), n_steps), dtype=np.int64)
    for i, tokens in enumerate(sequences):
        slots = np.sort(rng.choice(n_steps, size=len(tokens), replace=False))
        ids[i, slots] = [vocabulary[t] for t in tokens]
    return ids


def test_id_arrays_with_padding_equal_string_form():
    rng = np.random.default_rng(7)
    for _ in range(50):
        references, hypotheses = random_corpus(rng, max_refs=1)
        y_true = [refs[0] for refs in references]
        tokens = sorted({t for seq in y_true + hypotheses for t in seq})
        vocabulary = {t: i + 2 for i, t in enumerate(tokens)}  # 0 pad, 1 unknown
        ids_true = to_ids(y_true, vocabulary, 25, rng)
        ids_pred = to_ids(hypotheses, vocabulary, 23, rng)
        expected = bleu_score(
            [" ".join(s) for s in y_true], [" ".join(s) for s in hypotheses]
        )
        assert bleu_score(ids_true, ids_pred) == pytest.approx(expected, abs=1e-9)
        assert bleu_score(ids_true.astype(np.int32), ids_pred) == (
            pytest.approx(expected, abs=1e-9)
        )
        # Mixed: ids against an object array of (unpadded) id lists.
        pred_lists = np.empty(len(hypotheses), dtype=object)
        pred_lists[:] = [[vocabulary[t] for t in s] for s in hypotheses]
        assert bleu_score(ids_true, pred_lists) == pytest.approx(expected, abs=1e-9)


def test_id_array_with_several_references():
    # (n_samples, n_references, n_steps), padding dropped from every reference.
    ids_true = np.array(
        [[[3, 4, 5, 6, 0], [3, 0, 9, 5, 6]], [[7, 8, 0, 0, 0], [8, 7, 0, 0, 0]]]
    )
    ids_pred = np.array([[3, 9, 5, 6], [8, 7, 0, 0]])
    expected = bleu_score(
        [["3 4 5 6", "3 9 5 6"], ["7 8", "8 7"]],
        ["3 9 5 6", "8 7"],
        multiple_references=True,
        max_order=2,
    )
    got = bleu_score(ids_true, ids_pred, multiple_references=True, max_order=2)
    assert got == pytest.approx(expected, abs=1e-9)
    assert got == pytest.approx(100)


def test_container_forms_give_the_same_score():
    y_true = ["the cat sat on the mat", "a dog barked", "it is raining today"]
    y_pred = ["the cat sat on a mat", "the dog barked", "it rains today"]
    expected = bleu_score(y_true, y_pred)
    assert 0 < expected < 100
    true_lists = [s.split() for s in y_true]
    pred_lists = [s.split() for s in y_pred]
    pred_objects = np.empty(3, dtype=object)
    pred_objects[:] = pred_lists
    forms = [
        (tuple(y_true), tuple(y_pred)),
        (np.array(y_true, dtype=object), np.array(y_pred)),
        (pd.Series(y_true, index=[10, 3, 7]), pd.Series(y_pred, index=[5, 1, 0])),
        (true_lists, pred_objects),
        (pd.Series(true_lists), pred_lists),
        ([tuple(s) for s in true_lists], [np.array(s) for s in pred_lists]),
    ]
    for y_t, y_p in forms:
        assert bleu_score(y_t, y_p) == pytest.approx(expected, abs=1e-12)
    # Non-string hashable tokens.
    codes = {t: (t, len(t)) for s in true_lists + pred_lists for t in s}
    assert bleu_score(
        [[codes[t] for t in s] for s in true_lists],
        [[codes[t] for t in s] for s in pred_lists],
    ) == pytest.approx(expected, abs=1e-12)


def test_multiple_references_keyword():
    refs = [["the cat is on the mat", "there is a cat on the mat"], ["a b c d"]]
    hyps = ["there is a cat on the mat", "a b c d"]
    assert bleu_score(refs, hyps, multiple_references=True) == pytest.approx(100)
    # Without the keyword, a list of strings is one reference made of those tokens.
    one_ref = [["the", "cat", "is", "on", "the", "mat"], ["a", "b", "c", "d"]]
    assert bleu_score(one_ref, ["the cat is on the mat", "a b c d"]) == (
        pytest.approx(100)
    )
    assert bleu_score([refs[0]], [hyps[0]]) == 0.0
    # A list of token lists without the keyword: the error suggests it.
    with pytest.raises(TypeError, match="multiple_references=True"):
        bleu_score([[["a", "b"], ["a", "c"]]], [["a", "b"]])
    with pytest.raises(ValueError, match=r"y_true\[0\] must be a list of references"):
        bleu_score(["a b c"], ["a b c"], multiple_references=True)
    with pytest.raises(ValueError, match=r"y_true\[1\] has no reference"):
        bleu_score([["a b"], []], ["a b", "c"], multiple_references=True)


def test_errors():
    with pytest.raises(ValueError, match=r"len\(y_true\)=3, len\(y_pred\)=2"):
        bleu_score(["a", "b", "c"], ["a", "b"])
    with pytest.raises(ValueError, match="string object received"):
        bleu_score("the cat sat", ["the cat sat"])
    with pytest.raises(ValueError, match="string object received"):
        bleu_score(["the cat sat"], "the cat sat")
    with pytest.raises(ValueError, match=r"y_pred\[1\] is missing \(None\)"):
        bleu_score(["a b", "c d"], ["a b", None])
    with pytest.raises(ValueError, match=r"y_true\[1\] is missing \(None\)"):
        bleu_score(np.array(["a b", None], dtype=object), ["a b", "c d"])
    # pandas turns None into NaN in string Series.
    with pytest.raises(ValueError, match=r"y_true\[0\] is missing \(nan\)"):
        bleu_score(pd.Series([None, "c d"]), ["a b", "c d"])
    with pytest.raises(ValueError, match=r"y_true\[1\] is missing"):
        bleu_score([["a"], None], ["a", "b"], multiple_references=True)
    with pytest.raises(ValueError, match=r"y_true\[1\]\[0\] is missing"):
        bleu_score([["a"], [None]], ["a", "b"], multiple_references=True)
    with pytest.raises(ValueError, match=r"y_pred\[0\] contains a missing token"):
        bleu_score(["a b"], [["a", None]])
    # One missing-value rule for the whole package: pd.NaT is missing too.
    with pytest.raises(ValueError, match=r"y_pred\[0\] contains a missing token"):
        bleu_score(["a b"], [["a", pd.NaT]])
    with pytest.raises(ValueError, match=r"y_true\[1\] is missing \(NaT\)"):
        bleu_score(["a b", pd.NaT], ["a b", "c"])
    # An unhashable token is a TypeError, as in SequenceVectorizer and fit.
    with pytest.raises(TypeError, match="unhashable token of type list"):
        bleu_score([["a", ["b"]]], ["a b"])
    with pytest.raises(ValueError, match=r"y_true\[1\] must be a string"):
        bleu_score([["a", "b"], 3], ["a b", "c"])
    with pytest.raises(ValueError, match="at least one sample"):
        bleu_score([], [])
    with pytest.raises(ValueError, match="dtype float64"):
        bleu_score(np.ones((2, 3)), ["a", "b"])
    with pytest.raises(ValueError, match=r"shape \(n_samples, n_steps\)"):
        bleu_score(np.array([1, 2]), ["a", "b"])
    with pytest.raises(ValueError, match="The 'smooth' parameter"):
        bleu_score(["a"], ["a"], smooth="nist")
    with pytest.raises(ValueError, match="The 'max_order' parameter"):
        bleu_score(["a"], ["a"], max_order=0)
    with pytest.raises(ValueError, match="The 'smooth_value' parameter"):
        bleu_score(["a"], ["a"], smooth="floor", smooth_value=-1)
    with pytest.raises(ValueError, match="The 'multiple_references' parameter"):
        bleu_score(["a"], ["a"], multiple_references="yes")


class _UntrainedModel(BaseEstimator):
    """A model with nothing to learn: ``fit`` only marks it fitted."""

    def fit(self, X, y=None):
        self.fitted_ = True
        return self


class EchoSeq2Seq(_UntrainedModel):
    """Predicts its input, without the last ``drop_last`` tokens of each sequence."""

    def __init__(self, drop_last=0, as_lists=False):
        self.drop_last = drop_last
        self.as_lists = as_lists

    def predict(self, X):
        X = X.to_numpy() if hasattr(X, "to_numpy") else X
        if isinstance(X, np.ndarray) and X.ndim == 2:  # id array
            ids = X[:, : X.shape[1] - self.drop_last]
            if not self.as_lists:
                return ids
            predictions = np.empty(len(ids), dtype=object)
            predictions[:] = [row[row != 0].tolist() for row in ids]
            return predictions
        sequences = [s.split() if isinstance(s, str) else list(s) for s in X]
        sequences = [s[: max(len(s) - self.drop_last, 0)] for s in sequences]
        predictions = np.empty(len(sequences), dtype=object)
        predictions[:] = (
            sequences if self.as_lists else [" ".join(s) for s in sequences]
        )
        return predictions


def scorer_data():
    rng = np.random.default_rng(3)
    vocab = [f"w{i}" for i in range(12)]
    X = [
        [str(t) for t in rng.choice(vocab, size=rng.integers(5, 12))] for _ in range(30)
    ]
    # The targets are the inputs with some tokens replaced: scores below 100.
    y = [[str(rng.choice(vocab)) if rng.random() < 0.2 else t for t in s] for s in X]
    return X, y


@pytest.mark.parametrize("y_kind", ["list", "object_array", "series", "token_lists"])
@pytest.mark.parametrize("as_lists", [False, True])
def test_scorer_in_cross_val_score(y_kind, as_lists):
    X, y = scorer_data()
    X_strings = [" ".join(s) for s in X]
    y_strings = [" ".join(s) for s in y]
    y_input = {
        "list": y_strings,
        "object_array": np.array(y_strings, dtype=object),
        "series": pd.Series(y_strings, index=np.arange(100, 130)),
        "token_lists": y,
    }[y_kind]
    estimator = EchoSeq2Seq(drop_last=1, as_lists=as_lists)
    cv = KFold(3, shuffle=True, random_state=0)
    scores = cross_val_score(estimator, X_strings, y_input, cv=cv, scoring=bleu_scorer)
    expected = [
        bleu_score(
            [y_strings[i] for i in test],
            estimator.predict([X_strings[i] for i in test]),
        )
        for _, test in cv.split(X_strings)
    ]
    np.testing.assert_allclose(scores, expected, rtol=0, atol=1e-9)
    assert all(0 < s < 100 for s in scores)
    assert bleu_scorer(estimator.fit(X_strings, y_input), X_strings, y_input) == (
        pytest.approx(bleu_score(y_strings, estimator.predict(X_strings)))
    )


@pytest.mark.parametrize("as_lists", [False, True])
def test_scorer_with_id_arrays(as_lists):
    # y_true a padded 2-D id array; predictions a padded 2-D id array, or an object
    # array of unpadded id lists.
    X, y = scorer_data()
    vocabulary = {f"w{i}": i + 2 for i in range(12)}
    rng = np.random.default_rng(0)
    X_ids = to_ids(X, vocabulary, 14, rng)
    y_ids = to_ids(y, vocabulary, 15, rng)
    cv = KFold(3)
    for estimator in [
        EchoSeq2Seq(drop_last=0, as_lists=as_lists),
        EchoSeq2Seq(drop_last=2, as_lists=as_lists),
    ]:
        scores = cross_val_score(estimator, X_ids, y_ids, cv=cv, scoring=bleu_scorer)
        # The same computation on decimal strings of the ids, padding removed.
        expected = [
            bleu_score(
                [" ".join(str(vocabulary[t]) for t in y[i]) for i in test],
                [
                    " ".join(str(t) for t in row if t != 0)
                    for row in EchoSeq2Seq(drop_last=estimator.drop_last).predict(
                        X_ids[test]
                    )
                ],
            )
            for _, test in cv.split(X_ids)
        ]
        np.testing.assert_allclose(scores, expected, rtol=0, atol=1e-9)
        assert all(0 < s < 100 for s in scores)


def test_scorer_in_grid_search():
    X, y = scorer_data()
    X_strings = pd.Series([" ".join(s) for s in X])
    y_strings = pd.Series([" ".join(s) for s in y])
    search = GridSearchCV(
        EchoSeq2Seq(),
        {"drop_last": [3, 0, 1], "as_lists": [True, False]},
        scoring=bleu_scorer,
        cv=3,
    )
    search.fit(X_strings, y_strings)
    assert search.best_params_["drop_last"] == 0
    means = search.cv_results_["mean_test_score"]
    assert np.ptp(means) > 5
    best = EchoSeq2Seq(drop_last=0)
    expected = np.mean(
        [
            bleu_score(y_strings.iloc[test], best.predict(X_strings.iloc[test]))
            for _, test in KFold(3).split(X_strings)
        ]
    )
    assert search.best_score_ == pytest.approx(expected, abs=1e-9)


# -- chrF, exact match and the model-selection scorers ---------------------------------
def _random_corpus(rng, n_refs):
    words = "a b c d e f , . the cat! ?dog x Zed".split()

    def sentence():
        return " ".join(rng.choice(words) for _ in range(rng.randint(0, 8)))

    n = rng.randint(1, 6)
    refs = [[sentence() for _ in range(n)] for _ in range(n_refs)]
    return refs, [sentence() for _ in range(n)]


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"word_order": 2},
        {"lowercase": True, "whitespace": True},
        {"eps_smoothing": True},
        {"char_order": 3, "beta": 1},
    ],
    ids=["chrF", "chrF++", "lowercase-whitespace", "eps", "order3-beta1"],
)
def test_chrf_equals_sacrebleu(options):
    """chrF equals sacrebleu's CHRF within 1e-6 on random corpora with one or two
    references per sample, empty sentences and punctuation included."""
    import random

    from sacrebleu.metrics import CHRF

    rng = random.Random(0)
    for _ in range(60):
        refs, hyps = _random_corpus(rng, n_refs=rng.randint(1, 2))
        expected = CHRF(**options).corpus_score(hyps, refs).score
        per_sample = [list(r) for r in zip(*refs)]
        got = chrf_score(per_sample, hyps, multiple_references=True, **options)
        assert got == pytest.approx(expected, abs=1e-6)
        if len(refs) == 1:
            assert chrf_score(refs[0], hyps, **options) == pytest.approx(
                expected, abs=1e-6
            )


def test_chrf_reads_token_lists_and_ids():
    assert chrf_score([["4", "2"]], ["4 2"]) == pytest.approx(100.0)
    ids = np.array([[5, 6, 0], [7, 0, 0]])
    assert chrf_score(ids, ids) == pytest.approx(100.0)


def test_exact_match_score():
    assert exact_match_score(["4 2", "1 2 3"], ["4  2", "1 2"]) == 0.5
    assert exact_match_score([["a", "b"]], [("a", "b")]) == 1.0
    refs = [["4 2", "forty two"], ["x"]]
    assert exact_match_score(refs, ["forty two", "y"], multiple_references=True) == 0.5
    ids_true = np.array([[4, 5, 0], [6, 0, 0]])
    assert exact_match_score(ids_true, np.array([[4, 5], [6, 7]])) == 0.5
    with pytest.raises(ValueError, match="different numbers of samples"):
        exact_match_score(["a"], ["a", "b"])


def test_bleu_warns_when_no_prediction_reaches_max_order():
    """Default BLEU-4 stays sacrebleu's (0 for 3-token corpora) but says why."""
    y = ["8 6 4", "1 2 3"]
    with pytest.warns(UndefinedMetricWarning, match="effective_order=True"):
        assert bleu_score(y, y) == 0.0
    assert bleu_score(y, y, effective_order=True) == pytest.approx(100.0)


class _FixedPredictions(_UntrainedModel):
    """Stands for a fitted model: predicts a fixed output per source."""

    def __init__(self, outputs=None, analyzer="word", autoencoder=False):
        self.outputs = outputs
        self.analyzer = analyzer
        self.autoencoder = autoencoder

    def predict(self, X):
        return np.array([self.outputs[x] for x in X], dtype=object)


def test_scorers_give_short_targets_a_meaningful_score():
    """1-3 token targets: a model that gets most of them right scores well above 0
    and above a worse one, with each of the three scorers."""
    X = ["forty two", "seven", "one hundred", "nine", "twelve", "three"]
    y = ["4 2", "7", "1 0 0", "9", "1 2", "3"]
    good = _FixedPredictions(dict(zip(X, y[:5] + ["4"])))
    worse = _FixedPredictions(dict(zip(X, ["4 3", "7", "1 0", "9", "2", "4"])))
    for scorer in (bleu_scorer, chrf_scorer, exact_match_scorer):
        assert scorer(good, X, y) > scorer(worse, X, y) > 0, scorer
    assert exact_match_scorer(good, X, y) == pytest.approx(5 / 6)


def test_scorers_follow_the_analyzer():
    """Character-level models are scored over characters: a date with one wrong
    digit still earns most of the BLEU, while word-level BLEU-4 of 1-token outputs
    would be 0 whatever the model."""
    X = ["21 november 2026", "2 january 1999"]
    y = ["2026-11-21", "1999-01-02"]
    model = _FixedPredictions(dict(zip(X, ["2026-11-21", "1999-01-03"])), "char")
    score = bleu_scorer(model, X, y)
    assert 50 < score < 100
    expected = bleu_score(
        [list(t) for t in y], [list(p) for p in model.predict(X)], effective_order=True
    )
    assert score == pytest.approx(expected)
    assert exact_match_scorer(model, X, y) == 0.5
    # The analyzer is read through a pipeline too.
    pipeline = make_pipeline(FunctionTransformer(), model).fit(X, y)
    assert bleu_scorer(pipeline, X, y) == pytest.approx(score)


def test_scorer_needs_y_unless_autoencoder():
    X = ["a b", "c"]
    model = _FixedPredictions(dict(zip(X, X)))
    with pytest.raises(ValueError, match="needs the true target sequences y"):
        bleu_scorer(model, X, None)
    model.set_params(autoencoder=True)
    assert exact_match_scorer(model, X, None) == 1.0
    with pytest.raises(ValueError, match="sample_weight"):
        chrf_scorer(model, X, X, sample_weight=[1, 1])


def test_transformer_score_is_the_bleu_scorer():
    X = ["1 2 3", "4 5", "6 7 8 9", "2 4"] * 10
    y = [" ".join(reversed(s.split())) for s in X]
    model = Seq2SeqTransformer(
        hidden_dim=8, max_epochs=2, random_state=0, device="cpu"
    ).fit(X, y)
    assert model.score(X, y) == pytest.approx(bleu_scorer(model, X, y))


def test_sequence_metric_counts_characters_for_character_models():
    """The one rule the scorers and the demo share: BLEU over characters for a
    character model, with the effective order for short word targets."""
    from sklearn_seq2seq.metrics import sequence_metric

    truth = ["ellohay orldway", "appleway"]
    assert sequence_metric("bleu", truth, truth, analyzer="char") == pytest.approx(100)
    # Plain word BLEU-4 of sentences of at most two words is 0 even when all are
    # right; the effective order scores them.
    assert bleu_score(truth, truth) == 0
    assert sequence_metric("bleu", truth, truth) == pytest.approx(100)
    partly_right = ["ellohay orldwya", "appleway"]
    char_bleu = sequence_metric("bleu", truth, partly_right, analyzer="char")
    assert 0 < char_bleu < 100
    assert sequence_metric("exact_match", truth, partly_right, analyzer="char") == 0.5
