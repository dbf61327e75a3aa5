"""Corpus chrF and chrF++, as sacrebleu 2.x computes them."""

from collections import Counter
from collections.abc import Sequence
from numbers import Integral, Real

from sklearn.utils._param_validation import validate_params

from .._data._validation import IntervalNotBool as Interval
from ._reading import _as_text, _read_corpus

# Punctuation split off word ends for chrF++'s word n-grams (sacrebleu's ``_PUNCTS``).
_PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def _split_punctuation(text: str) -> list[str]:
    """Words with one leading or trailing punctuation mark split off (chrF++)."""
    words: list[str] = []
    for word in text.split():
        if len(word) == 1:
            words.append(word)
        elif word[-1] in _PUNCTUATION:
            words += [word[:-1], word[-1]]
        elif word[0] in _PUNCTUATION:
            words += [word[0], word[1:]]
        else:
            words.append(word)
    return words


def _chrf_ngrams(
    text: str, char_order: int, word_order: int, whitespace: bool
) -> list[Counter[str]]:
    """Character n-gram counts (n = 1 .. char_order), then word n-gram counts."""
    chars = text if whitespace else "".join(text.split())
    counts = [
        Counter(chars[i : i + n] for i in range(len(chars) - n + 1))
        for n in range(1, char_order + 1)
    ]
    if word_order:
        words = _split_punctuation(text)
        counts += [
            Counter(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
            for n in range(1, word_order + 1)
        ]
    return counts


def _chrf_from_statistics(
    statistics: Sequence[int], beta: float, eps_smoothing: bool
) -> float:
    """chrF (0-100) from ``[hyp, ref, match]`` counts per order, as sacrebleu 2.x."""
    eps = 1e-16
    factor = beta**2
    n_orders = len(statistics) // 3
    score = avg_precision = avg_recall = 0.0
    effective_order = 0
    for i in range(n_orders):
        n_hyp, n_ref, n_match = statistics[3 * i : 3 * i + 3]
        precision = n_match / n_hyp if n_hyp > 0 else eps
        recall = n_match / n_ref if n_ref > 0 else eps
        denominator = factor * precision + recall
        score += (
            (1 + factor) * precision * recall / denominator if denominator > 0 else eps
        )
        if n_hyp > 0 and n_ref > 0:
            avg_precision += precision
            avg_recall += recall
            effective_order += 1
    if eps_smoothing:
        return 100 * score / n_orders
    if effective_order == 0:
        return 0.0
    avg_precision /= effective_order
    avg_recall /= effective_order
    if not avg_precision + avg_recall:
        return 0.0
    return (
        100
        * (1 + factor)
        * avg_precision
        * avg_recall
        / (factor * avg_precision + avg_recall)
    )


@validate_params(
    {
        "y_true": "no_validation",
        "y_pred": "no_validation",
        "char_order": [Interval(Integral, 1, None, closed="left")],
        "word_order": [Interval(Integral, 0, None, closed="left")],
        "beta": [Interval(Real, 0, None, closed="neither")],
        "lowercase": ["boolean"],
        "whitespace": ["boolean"],
        "eps_smoothing": ["boolean"],
        "multiple_references": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def chrf_score(
    y_true,
    y_pred,
    *,
    char_order=6,
    word_order=0,
    beta=2,
    lowercase=False,
    whitespace=False,
    eps_smoothing=False,
    multiple_references=False,
):
    """Corpus chrF: character n-gram F-score of predictions against references, 0-100.

    chrF (Popović, 2015) compares character n-grams (n = 1 .. `char_order`) of each
    prediction with those of its reference and combines the averaged precision and
    recall into an F-beta score (recall weighted `beta` times as much as precision).
    It gives partial credit to a prediction that is nearly right, whatever its
    length, which makes it a good model-selection metric for short and
    character-level targets, where BLEU-4 has few or no 4-grams to count. The result
    equals sacrebleu 2.x's ``corpus_chrf`` / ``CHRF().corpus_score`` with the same
    options.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        The reference of each sample: a string, or a sequence of tokens (joined with
        single spaces; non-string tokens are written with :class:`str`). A 2-D
        integer array is read as padded token ids (0 = padding), as for
        :func:`bleu_score`. With ``multiple_references=True`` each element is a
        list of references, and the one that gives the sample its best F-score is
        used (as sacrebleu does).
    y_pred : array-like of shape (n_samples,)
        The predicted sequence of each sample, in any of the single-reference forms
        of `y_true`.
    char_order : int, default=6
        Largest character n-gram order.
    word_order : int, default=0
        Largest word n-gram order; 2 gives chrF++ (Popović, 2017).
    beta : float, default=2
        Weight of recall relative to precision.
    lowercase : bool, default=False
        Compare lowercased text.
    whitespace : bool, default=False
        Keep whitespace inside character n-grams (by default it is removed first).
    eps_smoothing : bool, default=False
        Average the per-order F-scores with epsilon smoothing (chrF++.py, NLTK and
        Moses) instead of averaging precision and recall over the orders that occur
        (sacrebleu's default).
    multiple_references : bool, default=False
        If True, each ``y_true[i]`` is a list of references.

    Returns
    -------
    score : float
        chrF between 0 and 100.

    See Also
    --------
    chrf_scorer : This metric as a scorer, following the estimator's analyzer.
    bleu_score : Corpus BLEU.
    exact_match_score : Share of predictions equal to their reference.

    Notes
    -----
    For every order, the hypothesis, reference and matched (clipped) n-gram counts
    are summed over the corpus. With precision ``P`` and recall ``R`` averaged over
    the orders that occur in both hypotheses and references, the score is
    ``100 * (1 + beta**2) * P * R / (beta**2 * P + R)``.

    References
    ----------
    .. [1] M. Popović, "chrF: character n-gram F-score for automatic MT evaluation",
       WMT 2015.
    .. [2] M. Popović, "chrF++: words helping character n-grams", WMT 2017.

    Examples
    --------
    >>> from sklearn_seq2seq.metrics import chrf_score
    >>> y_true, y_pred = ["2026-11-21", "1999-01-02"], ["2026-11-21", "1999-01-03"]
    >>> round(chrf_score(y_true, y_pred), 4)
    92.953
    >>> round(chrf_score(["forty two"], ["forty two"]), 4)
    100.0
    """
    references, hypotheses = _read_corpus(
        y_true, y_pred, multiple_references, "chrf_score", reader=_as_text
    )
    totals = [0] * (3 * (char_order + word_order))
    for refs, hyp in zip(references, hypotheses):
        if lowercase:
            hyp, refs = hyp.lower(), [ref.lower() for ref in refs]
        hyp_ngrams = _chrf_ngrams(hyp, char_order, word_order, whitespace)
        best: list[int] = []
        best_f = -1.0
        for ref in refs:
            ref_ngrams = _chrf_ngrams(ref, char_order, word_order, whitespace)
            statistics: list[int] = []
            for hyp_counts, ref_counts in zip(hyp_ngrams, ref_ngrams):
                matches = sum(
                    min(count, ref_counts[ngram])
                    for ngram, count in hyp_counts.items()
                    if ngram in ref_counts
                )
                n_hyp = sum(hyp_counts.values()) if ref_counts else 0
                statistics += [n_hyp, sum(ref_counts.values()), matches]
            f_score = _chrf_from_statistics(statistics, beta, eps_smoothing)
            if f_score > best_f:
                best_f, best = f_score, statistics
        totals = [total + value for total, value in zip(totals, best)]
    return _chrf_from_statistics(totals, beta, eps_smoothing)
