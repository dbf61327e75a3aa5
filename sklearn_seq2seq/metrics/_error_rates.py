"""Exact match and the error rates: token error rate (edit distance per reference
token) and sequence error rate.
"""

import math
import warnings
from collections.abc import Hashable, Sequence

import numpy as np
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.utils._param_validation import validate_params

from .._utils import user_stacklevel
from ._reading import Tokens, _read_corpus

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
            stacklevel=user_stacklevel(),
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
