"""Corpus BLEU for sequence outputs, and a scorer for model selection.

The computation follows sacrebleu 2.x (``sacrebleu.metrics.bleu.BLEU.compute_bleu``)
step by step, so that :func:`bleu_score` equals sacrebleu's corpus BLEU with
``tokenize="none"`` on whitespace-joined tokens, including its corner cases.
sacrebleu is not needed at run time; it is only the reference implementation in the
tests.
"""

import math
from collections import Counter
from collections.abc import Hashable, Sequence
from numbers import Integral, Real
from typing import Any

import numpy as np
from sklearn.metrics import make_scorer
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

__all__ = ["bleu_score", "bleu_scorer"]

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
                return [[ref[ref != 0].tolist() for ref in refs] for refs in y]
            return [row[row != 0].tolist() for row in y]
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
    """None, NaN or pandas.NA (pandas turns None into NaN in string Series)."""
    if value is None or type(value).__name__ == "NAType":
        return True
    return isinstance(value, float) and math.isnan(value)


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
            raise ValueError(
                f"{where} contains an unhashable token of type "
                f"{type(token).__name__}. If it holds several references, pass "
                "multiple_references=True."
            ) from None
    return tokens


def _as_references(sample: Any, index: int, nested: bool) -> list[Tokens]:
    """Return the references of sample ``index`` of ``y_true`` as token lists."""
    where = f"y_true[{index}]"
    if not nested:
        return [_as_tokens(sample, where)]
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
        _as_tokens(reference, f"{where}[{k}]") for k, reference in enumerate(sample)
    ]
    if not references:
        raise ValueError(f"{where} has no reference.")
    return references


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

    Hypotheses shorter than `max_order` score 0 unless the effective order is used:

    >>> bleu_score(["forty two"], ["forty two"])
    0.0
    >>> round(bleu_score(["forty two"], ["forty two"], effective_order=True), 4)
    100.0
    """
    hyp_samples = _corpus_samples(y_pred, "y_pred", nested=False)
    ref_samples = _corpus_samples(y_true, "y_true", nested=multiple_references)
    if len(ref_samples) != len(hyp_samples):
        raise ValueError(
            "y_true and y_pred have different numbers of samples: "
            f"len(y_true)={len(ref_samples)}, len(y_pred)={len(hyp_samples)}."
        )
    if not hyp_samples:
        raise ValueError("bleu_score needs at least one sample; got 0.")
    references = [
        _as_references(sample, i, multiple_references)
        for i, sample in enumerate(ref_samples)
    ]
    hypotheses = [
        _as_tokens(sample, f"y_pred[{i}]") for i, sample in enumerate(hyp_samples)
    ]
    correct, total, sys_len, ref_len = _corpus_statistics(
        references, hypotheses, max_order
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


# Greater is better; pass it as ``scoring=bleu_scorer`` to GridSearchCV or
# cross_val_score. It calls ``bleu_score(y_true, estimator.predict(X))``.
bleu_scorer = make_scorer(bleu_score)
