"""Corpus BLEU.

The computation follows sacrebleu 2.x (``sacrebleu.metrics.bleu.BLEU.compute_bleu``)
step by step, so that :func:`bleu_score` equals sacrebleu's corpus BLEU with
``tokenize="none"`` on whitespace-joined tokens, including its corner cases.
"""

import math
import warnings
from collections import Counter
from collections.abc import Hashable, Sequence
from numbers import Integral, Real

from sklearn.exceptions import UndefinedMetricWarning
from sklearn.utils._param_validation import StrOptions, validate_params

from .._data._validation import IntervalNotBool as Interval
from .._utils import user_stacklevel
from ._reading import Tokens, _read_corpus

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

NGramCounts = Counter[tuple[Hashable, ...]]


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
            stacklevel=user_stacklevel(),
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
