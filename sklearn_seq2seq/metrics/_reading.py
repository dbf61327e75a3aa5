"""Reading the corpora of the metrics: references and predictions as token lists
or text, from strings, token sequences or padded id arrays.
"""

from collections.abc import Callable, Hashable
from typing import Any

import numpy as np

from .._data._validation import describe_missing
from .._data._vocabulary import strip_padding

Tokens = list[Hashable]


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
