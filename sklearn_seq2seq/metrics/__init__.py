"""Corpus metrics for sequence outputs (BLEU, chrF, exact match, error rates), and
scorers for model selection.

The computation follows sacrebleu 2.x (``sacrebleu.metrics.bleu.BLEU.compute_bleu``)
step by step, so that :func:`bleu_score` equals sacrebleu's corpus BLEU with
``tokenize="none"`` on whitespace-joined tokens, including its corner cases.
sacrebleu is not needed at run time; it is only the reference implementation in the
tests.
"""

import math
import warnings
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from numbers import Integral, Real
from typing import Any

import numpy as np
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.utils._param_validation import StrOptions, validate_params

from ._data._validation import IntervalNotBool as Interval
from ._data._validation import describe_missing
from ._data._vocabulary import strip_padding

__all__ = [
    "bleu_score",
    "bleu_scorer",
    "chrf_score",
    "chrf_scorer",
    "exact_match_score",
    "exact_match_scorer",
    "sequence_error_rate",
    "sequence_error_rate_scorer",
    "token_error_rate",
    "token_error_rate_scorer",
]

# Default smoothing values, as sacrebleu's ``BLEU.SMOOTH_DEFAULTS`` (Chen & Cherry).
_SMOOTH_DEFAULTS: dict[str, float | None] = {
    "none": None,
    "floor": 0.1,
    "add-k": 1,
    "exp": None,
}

# sacrebleu's ``my_log(0)``: a floored logarithm, so that a zero precision drives the
# geometric mean to (practically) zero instead of raising.
_LOG_OF_ZERO = -9999999999

Tokens = list[Hashable]
NGramCounts = Counter[tuple[Hashable, ...]]


def _corpus_samples(y: Any, name: str, nested: bool) -> list[Any]:
    """Split a corpus into its samples, without interpreting them yet.

    2-D integer arrays (3-D when ``nested``, i.e. several references per sample) are id
    arrays: padding (id 0) is dropped wherever it is and the ids become the tokens.
    Everything else is returned as a list with one element per sample.
    """
    if isinstance(y, (str, bytes)):
        raise ValueError(
            f"Iterable over sequences (strings or token lists) expected for {name}, "
            "string object received."
        )
    if hasattr(y, "toarray") or hasattr(y, "tocsr"):
        raise ValueError(
            f"Sparse input is not supported for {name}: pass a dense integer id "
            f"array ({name}.toarray()) or a list of sequences."
        )
    if isinstance(y, (dict, set, frozenset)):
        raise ValueError(
            f"{name} must be an ordered sequence of samples (list, array, Series), "
            f"got {type(y).__name__}; for a dict, pass list({name}.values()) in the "
            "same order for y_true and y_pred."
        )
    if hasattr(y, "to_numpy"):
        # pandas: positional access, whatever the index is after slicing.
        y = y.to_numpy()
    if isinstance(y, np.ndarray):
        if y.ndim == 0:
            raise ValueError(f"{name} must be a sequence of samples, got a 0-d array.")
        if np.issubdtype(y.dtype, np.integer):
            expected_ndim = 3 if nested else 2
            if y.ndim != expected_ndim:
                shape = "(n_samples, n_references, n_steps)" if nested else ""
                shape = shape or "(n_samples, n_steps)"
                raise ValueError(
                    f"An integer {name} is read as token ids of shape {shape}; "
                    f"got an array of shape {y.shape}."
                )
            if nested:
                return [strip_padding(refs) for refs in y]
            return strip_padding(y)
        if y.dtype.kind not in "OUS":
            raise ValueError(
                f"{name} must contain strings, token sequences or integer token ids; "
                f"got an array of dtype {y.dtype}."
            )
        return list(y)
    if not hasattr(y, "__len__") or not hasattr(y, "__iter__"):
        raise ValueError(
            f"{name} must be an array-like of strings or token sequences; "
            f"got {type(y).__name__}."
        )
    return list(y)


def _is_missing(value: Any) -> bool:
    """The package's one missing-value rule (None, NaN, ``pd.NA``, ``pd.NaT``)."""
    return describe_missing(value) is not None


def _as_tokens(sequence: Any, where: str) -> Tokens:
    """Tokens of one sequence: a string (whitespace-split) or a sequence of tokens."""
    if _is_missing(sequence):
        raise ValueError(
            f"{where} is missing ({sequence!r}); expected a string or a sequence "
            "of tokens."
        )
    if isinstance(sequence, str):
        return sequence.split()
    if isinstance(sequence, bytes):
        raise ValueError(f"{where} is a bytes object; decode it to str first.")
    if isinstance(sequence, np.ndarray):
        if sequence.ndim != 1:
            raise ValueError(
                f"{where} must be a 1-D sequence of tokens; "
                f"got an array of shape {sequence.shape}."
            )
        sequence = sequence.tolist()
    if not hasattr(sequence, "__iter__"):
        raise ValueError(
            f"{where} must be a string or a sequence of tokens; got "
            f"{type(sequence).__name__} {sequence!r}."
        )
    tokens = list(sequence)
    for token in tokens:
        if _is_missing(token):
            raise ValueError(f"{where} contains a missing token ({token!r}).")
        try:
            hash(token)
        except TypeError:
            raise TypeError(
                f"{where} contains an unhashable token of type "
                f"{type(token).__name__}. If it holds several references, pass "
                "multiple_references=True."
            ) from None
    return tokens


def _as_references(
    sample: Any,
    index: int,
    nested: bool,
    reader: Callable[[Any, str], Any] = _as_tokens,
) -> list[Any]:
    """Return the references of sample ``index`` of ``y_true``, each read by
    ``reader`` (token lists by default)."""
    where = f"y_true[{index}]"
    if not nested:
        return [reader(sample, where)]
    if _is_missing(sample):
        raise ValueError(
            f"{where} is missing ({sample!r}); expected a list of references."
        )
    if isinstance(sample, (str, bytes)) or not hasattr(sample, "__iter__"):
        raise ValueError(
            f"With multiple_references=True, {where} must be a list of references "
            f"(strings or token lists); got {type(sample).__name__} {sample!r}."
        )
    references = [
        reader(reference, f"{where}[{k}]") for k, reference in enumerate(sample)
    ]
    if not references:
        raise ValueError(f"{where} has no reference.")
    return references


def _as_text(sequence: Any, where: str) -> str:
    """A sequence as text: strings as they are, token lists joined by spaces."""
    if isinstance(sequence, str):
        return str(sequence)
    return " ".join(str(token) for token in _as_tokens(sequence, where))


def _read_corpus(
    y_true: Any,
    y_pred: Any,
    multiple_references: bool,
    metric: str,
    reader: Callable[[Any, str], Any] = _as_tokens,
) -> tuple[list[list[Any]], list[Any]]:
    """References (a list per sample) and hypotheses of a corpus, each sequence
    read by ``reader`` (token lists by default)."""
    hyp_samples = _corpus_samples(y_pred, "y_pred", nested=False)
    ref_samples = _corpus_samples(y_true, "y_true", nested=multiple_references)
    if len(ref_samples) != len(hyp_samples):
        raise ValueError(
            "y_true and y_pred have different numbers of samples: "
            f"len(y_true)={len(ref_samples)}, len(y_pred)={len(hyp_samples)}."
        )
    if not hyp_samples:
        raise ValueError(f"{metric} needs at least one sample; got 0.")
    references = [
        _as_references(sample, i, multiple_references, reader)
        for i, sample in enumerate(ref_samples)
    ]
    hypotheses = [
        reader(sample, f"y_pred[{i}]") for i, sample in enumerate(hyp_samples)
    ]
    return references, hypotheses


def _ngram_counts(tokens: Tokens, max_order: int) -> NGramCounts:
    """Count all n-grams of ``tokens`` with 1 <= n <= max_order."""
    return Counter(
        tuple(tokens[i : i + n])
        for n in range(1, max_order + 1)
        for i in range(len(tokens) - n + 1)
    )


def _closest_reference_length(hyp_len: int, ref_lens: Sequence[int]) -> int:
    """Reference length closest to ``hyp_len``; ties go to the shorter reference."""
    return min(ref_lens, key=lambda ref_len: (abs(hyp_len - ref_len), ref_len))


def _corpus_statistics(
    references: Sequence[Sequence[Tokens]],
    hypotheses: Sequence[Tokens],
    max_order: int,
) -> tuple[list[int], list[int], int, int]:
    """Sufficient statistics of corpus BLEU.

    Returns
    -------
    correct, total : list of int, one entry per n-gram order
        Clipped n-gram matches and hypothesis n-gram counts, summed over the corpus.
    sys_len, ref_len : int
        Total hypothesis length and total closest-reference length.
    """
    correct = [0] * max_order
    total = [0] * max_order
    sys_len = ref_len = 0
    for refs, hyp in zip(references, hypotheses):
        # Clipping count of an n-gram: its largest count in any one reference.
        max_ref_counts: NGramCounts = Counter()
        for ref in refs:
            for ngram, count in _ngram_counts(ref, max_order).items():
                if count > max_ref_counts[ngram]:
                    max_ref_counts[ngram] = count
        for ngram, count in _ngram_counts(hyp, max_order).items():
            total[len(ngram) - 1] += count
            correct[len(ngram) - 1] += min(count, max_ref_counts.get(ngram, 0))
        sys_len += len(hyp)
        ref_len += _closest_reference_length(len(hyp), [len(ref) for ref in refs])
    return correct, total, sys_len, ref_len


def _bleu_from_statistics(
    correct: list[int],
    total: list[int],
    sys_len: int,
    ref_len: int,
    *,
    smooth: str,
    smooth_value: float | None,
    effective_order: bool,
) -> float:
    """BLEU (0-100) from its statistics, operation for operation as sacrebleu 2.x."""
    max_order = len(correct)
    if smooth_value is None:
        smooth_value = _SMOOTH_DEFAULTS[smooth]

    brevity_penalty = 1.0
    if sys_len < ref_len:
        brevity_penalty = math.exp(1 - ref_len / sys_len) if sys_len > 0 else 0.0

    # No matching n-gram at all (equivalently: no matching unigram): 0 for every
    # smoothing method.
    if not any(correct):
        return 0.0

    correct = list(correct)
    total = list(total)
    precisions = [0.0] * max_order
    exp_smoothing = 1.0
    eff_order = max_order
    for n in range(1, max_order + 1):
        if smooth == "add-k" and n > 1:
            correct[n - 1] += smooth_value
            total[n - 1] += smooth_value
        if total[n - 1] == 0:
            # No hypothesis has n tokens: this and all higher precisions stay 0.
            break
        if effective_order:
            eff_order = n
        if correct[n - 1] == 0:
            if smooth == "exp":
                exp_smoothing *= 2
                precisions[n - 1] = 100.0 / (exp_smoothing * total[n - 1])
            elif smooth == "floor":
                precisions[n - 1] = 100.0 * smooth_value / total[n - 1]
        else:
            precisions[n - 1] = 100.0 * correct[n - 1] / total[n - 1]

    # Built-in ``sum`` (not ``math.fsum``) to add the logs in sacrebleu's order.
    log_sum = sum(
        math.log(p) if p != 0.0 else _LOG_OF_ZERO for p in precisions[:eff_order]
    )
    return brevity_penalty * math.exp(log_sum / eff_order)


@validate_params(
    {
        "y_true": "no_validation",
        "y_pred": "no_validation",
        "max_order": [Interval(Integral, 1, None, closed="left")],
        "smooth": [StrOptions({"none", "floor", "add-k", "exp"})],
        "smooth_value": [Interval(Real, 0, None, closed="left"), None],
        "multiple_references": ["boolean"],
        "effective_order": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def bleu_score(
    y_true,
    y_pred,
    *,
    max_order=4,
    smooth="exp",
    smooth_value=None,
    multiple_references=False,
    effective_order=False,
):
    """Corpus BLEU of predicted sequences against reference sequences, from 0 to 100.

    BLEU (Papineni et al., 2002) is the geometric mean of the modified n-gram
    precisions for n = 1 .. `max_order`, pooled over the corpus, times a brevity
    penalty. The result equals sacrebleu 2.x's corpus BLEU with ``tokenize="none"``
    on the whitespace-joined tokens (same smoothing, same corner cases), without
    rounding.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        The reference(s) of each sample. By default each element is one reference: a
        string (split on whitespace with :meth:`str.split`) or a sequence of hashable
        tokens. A 2-D integer array of shape (n_samples, n_steps) is read as token ids
        as :class:`~sklearn_seq2seq.SequenceVectorizer` makes them: id 0 is padding and
        is dropped wherever it is. With ``multiple_references=True`` each element is a
        list of references instead (an integer array then has shape
        (n_samples, n_references, n_steps)). Lists, tuples, numpy arrays and pandas
        Series are accepted.

    y_pred : array-like of shape (n_samples,)
        The predicted sequence of each sample, in any of the single-reference forms of
        `y_true` (for instance the 1-D object array returned by
        ``Seq2SeqTransformer.predict``). An empty prediction is allowed.

    max_order : int, default=4
        Largest n-gram order.

    smooth : {"exp", "floor", "add-k", "none"}, default="exp"
        How n-gram orders without any match are smoothed (see Notes).

    smooth_value : float >= 0, default=None
        The value of the "floor" (default 0.1) and "add-k" (default 1) smoothing.
        Ignored by "exp" and "none".

    multiple_references : bool, default=False
        If True, each ``y_true[i]`` is a list of references (each a string or a token
        list), possibly of different numbers for different samples. If False, each
        ``y_true[i]`` is exactly one reference, so a list of strings is read as one
        tokenized reference, never as several references.

    effective_order : bool, default=False
        If True, the geometric mean only runs over the orders n for which the corpus
        has at least one hypothesis n-gram, so that corpora of hypotheses shorter
        than `max_order` do not score 0 (sacrebleu's ``use_effective_order``).

    Returns
    -------
    score : float
        Corpus BLEU between 0 and 100 (100 up to float rounding for a perfect match).

    See Also
    --------
    bleu_scorer : This metric as a scorer, for ``GridSearchCV(scoring=bleu_scorer)``.
    sacrebleu.corpus_bleu : The reference implementation this function matches.

    Notes
    -----
    For each order n, ``m_n`` is the number of hypothesis n-grams, summed over the
    corpus, each clipped to its largest count in any one reference of its sample, and
    ``t_n`` the number of hypothesis n-grams. The precision is ``p_n = m_n / t_n``;
    for orders with ``m_n = 0`` and ``t_n > 0`` the smoothing methods give

    - ``"none"``: ``p_n = 0``, hence a score of 0.
    - ``"floor"``: ``p_n = smooth_value / t_n``.
    - ``"add-k"``: for every order n >= 2 (matched or not),
      ``p_n = (m_n + k) / (t_n + k)`` with ``k = smooth_value``; ``p_1`` is unchanged.
    - ``"exp"`` (NIST geometric smoothing, mteval-v13a, NLTK's ``method3``):
      ``p_n = 1 / (2**j * t_n)`` where j counts the unmatched orders so far
      (1 for the first one, 2 for the second, ...).

    With c the total hypothesis length and r the sum over samples of the reference
    length closest to the hypothesis length (ties go to the shorter reference), the
    brevity penalty is ``BP = 1`` if ``c >= r``, ``exp(1 - r / c)`` if ``0 < c < r``
    and 0 if ``c = 0``, and the score is
    ``100 * BP * exp(sum(log p_n for n = 1 .. N) / N)`` with ``N = max_order``.

    Corner cases, as in sacrebleu:

    - If no hypothesis unigram matches (in particular if all hypotheses are empty),
      the score is 0 whatever the smoothing.
    - If no hypothesis has `max_order` tokens, ``t_N = 0``, and the missing orders
      count as ``p_n = 0``: the score is 0 with "none", "floor" and "exp".
      With "add-k" (and ``smooth_value > 0``) those orders get
      ``p_n = (0 + k) / (0 + k) = 1`` instead, so the score is not 0. With
      ``effective_order=True`` those orders are left out of the mean (N is the
      largest order with ``t_n > 0``), whatever the smoothing.
    - A precision of 0 enters the mean as a log of -9999999999, which makes the
      score 0.

    Tokens are compared with ``==`` and may be any hashable objects. The score equals
    sacrebleu's on ``" ".join(tokens)`` when tokens are strings without whitespace.

    References
    ----------
    .. [1] K. Papineni, S. Roukos, T. Ward, W.-J. Zhu, "BLEU: a Method for Automatic
       Evaluation of Machine Translation", ACL 2002.
    .. [2] B. Chen, C. Cherry, "A Systematic Comparison of Smoothing Techniques for
       Sentence-Level BLEU", WMT 2014.
    .. [3] M. Post, "A Call for Clarity in Reporting BLEU Scores", WMT 2018.

    Examples
    --------
    >>> from sklearn_seq2seq.metrics import bleu_score
    >>> y_true = ["the cat sat on the mat", "a dog barked at the cat"]
    >>> y_pred = ["the cat sat on a mat", "a dog barked at the cat"]
    >>> round(bleu_score(y_true, y_pred), 4)
    77.8158
    >>> round(bleu_score(y_true, y_true), 4)
    100.0

    Token lists and padded id arrays (0 = padding) give the same score:

    >>> import numpy as np
    >>> ids_true = np.array([[3, 4, 0], [5, 6, 7]])
    >>> ids_pred = np.array([[3, 4, 0], [5, 0, 7]])
    >>> round(bleu_score(ids_true, ids_pred, max_order=2), 4)
    55.0695
    >>> round(bleu_score([[3, 4], [5, 6, 7]], [[3, 4], [5, 7]], max_order=2), 4)
    55.0695

    Several references per sample:

    >>> refs = [["the cat is on the mat", "there is a cat on the mat"]]
    >>> round(bleu_score(refs, ["the cat is on the mat"], multiple_references=True), 4)
    100.0

    Hypotheses shorter than `max_order` score 0 (with a warning) unless the
    effective order is used:

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     bleu_score(["forty two"], ["forty two"])
    0.0
    >>> round(bleu_score(["forty two"], ["forty two"], effective_order=True), 4)
    100.0
    """
    references, hypotheses = _read_corpus(
        y_true, y_pred, multiple_references, "bleu_score"
    )
    correct, total, sys_len, ref_len = _corpus_statistics(
        references, hypotheses, max_order
    )
    if not effective_order and smooth != "add-k" and any(correct) and not total[-1]:
        warnings.warn(
            f"No predicted sequence has {max_order} tokens, so BLEU-{max_order} is "
            "0 by definition. For short or character-level targets pass "
            "effective_order=True, a smaller max_order, or use chrf_score or "
            "exact_match_score.",
            UndefinedMetricWarning,
            stacklevel=3,  # through validate_params' wrapper, to the caller
        )
    return _bleu_from_statistics(
        correct,
        total,
        sys_len,
        ref_len,
        smooth=smooth,
        smooth_value=smooth_value,
        effective_order=effective_order,
    )


# -- chrF -----------------------------------------------------------------------------
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


# -- exact match ----------------------------------------------------------------------
# The parameters of the metrics that compare predictions with references.
_PAIR_PARAMETERS = {
    "y_true": "no_validation",
    "y_pred": "no_validation",
    "multiple_references": ["boolean"],
}


@validate_params(_PAIR_PARAMETERS, prefer_skip_nested_validation=True)
def exact_match_score(y_true, y_pred, *, multiple_references=False):
    """Share of predicted sequences equal to their reference (sequence accuracy).

    Strings are compared as their whitespace-separated tokens, so ``"4  2"`` equals
    ``"4 2"``; token lists and padded id arrays (0 = padding) are compared token by
    token.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        The reference of each sample, in any form :func:`bleu_score` takes; with
        ``multiple_references=True`` a list of references per sample, and a
        prediction that equals any of them counts.
    y_pred : array-like of shape (n_samples,)
        The predicted sequence of each sample.
    multiple_references : bool, default=False
        If True, each ``y_true[i]`` is a list of references.

    Returns
    -------
    score : float
        Between 0 and 1.

    See Also
    --------
    exact_match_scorer : This metric as a scorer.

    Examples
    --------
    >>> from sklearn_seq2seq.metrics import exact_match_score
    >>> exact_match_score(["4 2", "1 2 3"], ["4 2", "1 2"])
    0.5
    """
    references, hypotheses = _read_corpus(
        y_true, y_pred, multiple_references, "exact_match_score"
    )
    matches = [hyp in refs for refs, hyp in zip(references, hypotheses)]
    return float(np.mean(matches))


# -- error rates ----------------------------------------------------------------------
def _edit_distance(a: Sequence[int], b: Sequence[int]) -> int:
    """Levenshtein distance between two id sequences: the fewest substitutions,
    insertions and deletions (each of cost 1) that turn ``a`` into ``b``."""
    if a == b:
        return 0
    if len(a) < len(b):
        a, b = b, a  # the shorter sequence along the row
    if not b:
        return len(a)
    # previous[j]: distance between the first i - 1 tokens of a and the first j of b.
    previous = list(range(len(b) + 1))
    for i, token_a in enumerate(a, 1):
        current = [i]
        left = i
        for j, token_b in enumerate(b):
            left = min(
                previous[j] + (token_a != token_b),  # substitution (or match)
                previous[j + 1] + 1,  # deletion of token_a
                left + 1,  # insertion of token_b
            )
            current.append(left)
        previous = current
    return previous[-1]


def _closest_reference_edits(
    references: Sequence[Sequence[int]], hypothesis: Sequence[int]
) -> tuple[int, int]:
    """Edit distance to the closest reference and that reference's length.

    The closest reference has the smallest edit distance; ties go to the shorter
    reference, then to the first one.
    """
    return min(
        (_edit_distance(reference, hypothesis), len(reference))
        for reference in references
    )


@validate_params(_PAIR_PARAMETERS, prefer_skip_nested_validation=True)
def token_error_rate(y_true, y_pred, *, multiple_references=False):
    """Corpus token error rate: edit distance per reference token (PER, WER, CER).

    The Levenshtein distance between each prediction and its reference (the fewest
    token substitutions, insertions and deletions, each of cost 1, that turn one into
    the other), summed over the corpus and divided by the total number of reference
    tokens. Over phonemes it is the phoneme error rate (PER) of grapheme-to-phoneme
    conversion, over words the word error rate (WER) of speech recognition, over
    characters the character error rate (CER). Lower is better; 0 is a perfect
    match, and insertions can take it above 1.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        The reference(s) of each sample, in any form :func:`bleu_score` takes:
        strings (split on whitespace), sequences of hashable tokens, or a 2-D integer
        id array (0 = padding, dropped). With ``multiple_references=True`` each
        element is a list of references.
    y_pred : array-like of shape (n_samples,)
        The predicted sequence of each sample, in any of the single-reference forms
        of `y_true`. An empty prediction is allowed (all its reference tokens count
        as deletions).
    multiple_references : bool, default=False
        If True, each ``y_true[i]`` is a list of references (several pronunciations
        of a word, several transcriptions). Each sample is scored against its
        closest reference: the one with the smallest edit distance to the
        prediction; ties go to the shorter reference, then to the first one. That
        reference's length is the sample's share of the denominator. This is the rule
        of grapheme-to-phoneme evaluations such as Sequitur's.

    Returns
    -------
    error_rate : float
        ``sum(edit distances) / sum(reference lengths)``, 0 or more. If every
        sample's (closest) reference is empty, the total length is 0 and the rate
        is undefined: an ``UndefinedMetricWarning`` is issued and the result is 0.0
        when every prediction is empty too (no error), ``inf`` otherwise (so that
        the scorer ranks such a model last).

    See Also
    --------
    token_error_rate_scorer : This metric as a (negated) scorer, for
        ``GridSearchCV(scoring=token_error_rate_scorer)``.
    sequence_error_rate : Share of predictions with any error: the "word error rate"
        of grapheme-to-phoneme papers.

    Notes
    -----
    "Word error rate" means two things. In speech recognition and machine
    translation it is this function over word tokens: edits per reference word.
    In grapheme-to-phoneme conversion, where each sample is one word and its tokens
    are phonemes, WER is the share of words with at least one wrong phoneme, which
    is :func:`sequence_error_rate`; this function over phonemes is then the phoneme
    error rate (PER).

    The rate is a corpus ratio, not a mean of per-sample rates: long references
    weigh more than short ones, as in sclite, jiwer and Sequitur.

    References
    ----------
    .. [1] V. I. Levenshtein, "Binary codes capable of correcting deletions,
       insertions, and reversals", Soviet Physics Doklady 10(8), 1966.
    .. [2] M. Bisani, H. Ney, "Joint-sequence models for grapheme-to-phoneme
       conversion", Speech Communication 50(5), 2008.

    Examples
    --------
    >>> from sklearn_seq2seq.metrics import token_error_rate

    One substitution (b -> x) and one insertion (d) over three reference tokens:

    >>> round(token_error_rate(["a b c"], ["a x c d"]), 4)
    0.6667
    >>> token_error_rate(["HH AH L OW", "W ER L D"], ["HH AH L OW", "W ER D"])
    0.125

    Characters as tokens give the character error rate:

    >>> token_error_rate([list("kitten")], [list("sitting")])
    0.5

    Several references per sample: the closest one counts.

    >>> refs = [["T AH M EY T OW", "T AH M AA T OW"]]
    >>> token_error_rate(refs, ["T AH M AA T OW"], multiple_references=True)
    0.0
    """
    references, hypotheses = _read_corpus(
        y_true, y_pred, multiple_references, "token_error_rate"
    )
    # Tokens become integer ids (equal tokens, equal ids) so that the dynamic
    # programme compares small ints, whatever the token type.
    ids: dict[Hashable, int] = {}

    def encode(tokens: Tokens) -> list[int]:
        return [ids.setdefault(token, len(ids)) for token in tokens]

    n_edits = n_reference_tokens = 0
    for refs, hyp in zip(references, hypotheses):
        distance, length = _closest_reference_edits(
            [encode(ref) for ref in refs], encode(hyp)
        )
        n_edits += distance
        n_reference_tokens += length
    if n_reference_tokens == 0:
        warnings.warn(
            "token_error_rate is undefined when the references are all empty (0 "
            "reference tokens); returning "
            + ("0.0, as no prediction has a token." if not n_edits else "inf."),
            UndefinedMetricWarning,
            stacklevel=3,  # through validate_params' wrapper, to the caller
        )
        return 0.0 if not n_edits else math.inf
    return n_edits / n_reference_tokens


@validate_params(_PAIR_PARAMETERS, prefer_skip_nested_validation=True)
def sequence_error_rate(y_true, y_pred, *, multiple_references=False):
    """Share of predicted sequences that differ from every reference.

    It is ``1 - exact_match_score(y_true, y_pred)``: a prediction counts as an error
    as soon as one of its tokens is wrong, missing or extra. In grapheme-to-phoneme
    papers this is the "word error rate" (WER): the share of words whose
    pronunciation has any phoneme wrong. Lower is better.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        The reference of each sample, in any form :func:`bleu_score` takes; with
        ``multiple_references=True`` a list of references per sample, and a
        prediction equal to any of them is no error.
    y_pred : array-like of shape (n_samples,)
        The predicted sequence of each sample.
    multiple_references : bool, default=False
        If True, each ``y_true[i]`` is a list of references.

    Returns
    -------
    error_rate : float
        Between 0 and 1.

    See Also
    --------
    sequence_error_rate_scorer : This metric as a (negated) scorer.
    token_error_rate : Edits per reference token: the "word error rate" of speech
        recognition when the tokens are words, the phoneme error rate over phonemes.
    exact_match_score : One minus this metric.

    Notes
    -----
    "Word error rate" means two things. In grapheme-to-phoneme conversion, where each
    sample is a word spelled out as phonemes, WER is this function. In speech
    recognition, WER counts word edits per reference word, which is
    :func:`token_error_rate` over words.

    Like :func:`exact_match_score`, strings are compared as their
    whitespace-separated tokens.

    Examples
    --------
    >>> from sklearn_seq2seq.metrics import sequence_error_rate
    >>> sequence_error_rate(["HH AH L OW", "W ER L D"], ["HH AH L OW", "W ER D"])
    0.5
    >>> refs = [["T AH M EY T OW", "T AH M AA T OW"], ["W ER L D"]]
    >>> y_pred = ["T AH M AA T OW", "W ER D"]
    >>> sequence_error_rate(refs, y_pred, multiple_references=True)
    0.5
    """
    references, hypotheses = _read_corpus(
        y_true, y_pred, multiple_references, "sequence_error_rate"
    )
    errors = [hyp not in refs for refs, hyp in zip(references, hypotheses)]
    return float(np.mean(errors))


# -- scorers --------------------------------------------------------------------------
def _final_estimator(estimator: Any) -> Any:
    """The last step of a pipeline (or of nested meta-estimators), else itself."""
    while True:
        if hasattr(estimator, "steps"):
            estimator = estimator.steps[-1][1]
        elif hasattr(estimator, "best_estimator_"):
            estimator = estimator.best_estimator_
        else:
            return estimator


def _is_text(y: Any) -> bool:
    """Whether the samples of ``y`` are strings (not token lists or ids)."""
    if isinstance(y, np.ndarray) and y.dtype.kind in "US":
        return True
    try:
        samples = list(y.to_numpy() if hasattr(y, "to_numpy") else y)
    except TypeError:
        return False
    return bool(samples) and all(isinstance(sample, str) for sample in samples)


def _char_tokens(y: Any, where: str) -> list[Tokens]:
    """Every string sample as its list of characters (whitespace included)."""
    samples = _corpus_samples(y, where, nested=False)
    return [list(_as_text(sample, f"{where}[{i}]")) for i, sample in enumerate(samples)]


def _target_analyzer(estimator: Any) -> str:
    """How the estimator tokenizes its targets: as its fitted target codec does
    (an autoencoder's target is ``X``, read by the source analyzer), else
    ``target_analyzer`` when it is set, else ``analyzer``, else ``"word"``."""
    fitted = getattr(getattr(estimator, "target_codec_", None), "analyzer", None)
    if isinstance(fitted, str):
        return fitted
    return getattr(estimator, "target_analyzer", None) or getattr(
        estimator, "analyzer", "word"
    )


_SEQUENCE_METRICS = (
    "bleu",
    "chrf",
    "exact_match",
    "sequence_error_rate",
    "token_error_rate",
)


def sequence_metric(
    metric: str, y_true: Any, y_pred: Any, *, analyzer: str = "word"
) -> float:
    """The model-selection form of a metric, given how targets are tokenized.

    ``"bleu"`` is BLEU-4 over the analyzer's tokens with the effective order (orders
    no prediction reaches are left out of the geometric mean), ``"chrf"`` is
    :func:`chrf_score` with its defaults, ``"exact_match"`` is
    :func:`exact_match_score`, ``"token_error_rate"`` is :func:`token_error_rate`
    and ``"sequence_error_rate"`` is :func:`sequence_error_rate` (the error rates
    as they are, lower is better; the scorers negate them). With
    ``analyzer="char"`` and string targets, BLEU counts character n-grams, the token
    error rate is the character error rate (CER, whitespace included) and exact
    match and the sequence error rate compare whole strings.
    """
    if metric not in _SEQUENCE_METRICS:
        raise ValueError(
            f"Unknown sequence metric {metric!r}; expected one of "
            f"{', '.join(map(repr, _SEQUENCE_METRICS))}."
        )
    if analyzer == "char" and metric != "chrf" and _is_text(y_pred):
        y_true = _char_tokens(y_true, "y_true")
        y_pred = _char_tokens(y_pred, "y_pred")
    if metric == "bleu":
        return bleu_score(y_true, y_pred, effective_order=True)
    if metric == "chrf":
        return chrf_score(y_true, y_pred)
    if metric == "token_error_rate":
        return token_error_rate(y_true, y_pred)
    if metric == "sequence_error_rate":
        return sequence_error_rate(y_true, y_pred)
    return exact_match_score(y_true, y_pred)


class _SequenceScorer:
    """Scorer ``scorer(estimator, X, y)`` for ``GridSearchCV(scoring=...)``.

    It predicts ``X`` and compares the predictions with ``y`` using
    :func:`sequence_metric`, reading the target analyzer of the (final) estimator
    (see :func:`_target_analyzer`) so that models with character targets are scored
    on characters. Greater is better: with ``greater_is_better=False`` (losses such
    as error rates) the scorer returns the negated metric, as scikit-learn's
    ``make_scorer(..., greater_is_better=False)`` and ``"neg_mean_squared_error"``
    do.
    """

    def __init__(self, metric: str, *, greater_is_better: bool = True) -> None:
        self.metric = metric
        self.greater_is_better = greater_is_better
        # As scikit-learn's _BaseScorer: 1 for scores, -1 for losses.
        self._sign = 1 if greater_is_better else -1

    def __call__(
        self, estimator: Any, X: Any, y_true: Any = None, sample_weight: Any = None
    ) -> float:
        if sample_weight is not None:
            raise ValueError(
                f"{self!r} is a corpus metric and does not take sample_weight; "
                "leave it out."
            )
        final = _final_estimator(estimator)
        if y_true is None:
            if not getattr(final, "autoencoder_", getattr(final, "autoencoder", False)):
                raise ValueError(
                    f"{self!r} needs the true target sequences y; got y=None. Pass "
                    "y to the search or cross-validation (for a sequence "
                    "autoencoder, y=X)."
                )
            y_true = X
        y_pred = estimator.predict(X)
        value = sequence_metric(
            self.metric, y_true, y_pred, analyzer=_target_analyzer(final)
        )
        if self.greater_is_better:
            return value
        # 0.0 - value, not -value: a perfect model scores 0.0, not -0.0.
        return 0.0 - value

    def __repr__(self) -> str:
        return f"{self.metric}_scorer"


bleu_scorer = _SequenceScorer("bleu")
"""Scorer for ``GridSearchCV(scoring=bleu_scorer)``: BLEU-4 with the effective order.

Called as ``bleu_scorer(estimator, X, y)``: it predicts ``X`` and returns
``bleu_score(y, predictions, effective_order=True)`` (0-100), over characters when the
(final) estimator has ``analyzer="char"`` and string targets. The effective order
leaves out of the geometric mean the n-gram orders that no prediction reaches, so that
short targets ("4 2") are not scored 0 whatever their quality.
"""

chrf_scorer = _SequenceScorer("chrf")
"""Scorer for ``GridSearchCV(scoring=chrf_scorer)``: :func:`chrf_score` (0-100)."""

exact_match_scorer = _SequenceScorer("exact_match")
"""Scorer for ``GridSearchCV(scoring=exact_match_scorer)``: sequence accuracy."""

token_error_rate_scorer = _SequenceScorer("token_error_rate", greater_is_better=False)
"""Scorer for ``GridSearchCV(scoring=token_error_rate_scorer)``: the NEGATED
:func:`token_error_rate`.

Called as ``token_error_rate_scorer(estimator, X, y)``: it predicts ``X`` and returns
``-token_error_rate(y, predictions)``, so that greater is better (0.0 for a perfect
model), as scikit-learn's ``"neg_mean_squared_error"``. With a character target
analyzer and string targets it is minus the character error rate (CER).
"""

sequence_error_rate_scorer = _SequenceScorer(
    "sequence_error_rate", greater_is_better=False
)
"""Scorer for ``GridSearchCV(scoring=sequence_error_rate_scorer)``: the NEGATED
:func:`sequence_error_rate` (``exact_match_score - 1``), so that greater is better."""
