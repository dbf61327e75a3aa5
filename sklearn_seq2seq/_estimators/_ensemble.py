"""Seq2SeqEnsemble: decode with several fitted Seq2SeqTransformer models at once."""

from __future__ import annotations

import copy
from types import SimpleNamespace
from typing import Any

from sklearn.utils.validation import check_is_fitted

from .._docstrings import fill_doc
from ..nn.ensemble import EnsembleEncoderDecoder
from ._seq2seq import Seq2SeqTransformer


@fill_doc
class Seq2SeqEnsemble:
    """Ensemble decoding of fitted :class:`Seq2SeqTransformer` models.

    At every decoding step each model reads the same previous token and the next
    token is chosen from the average of the models' distributions, as OpenNMT-py
    and fairseq decode ensembles (averaging probabilities, not votes on finished
    outputs). Greedy search, sampling, beam search and n-best lists run on the
    ensemble as on one model, with the decoding parameters (``decoding``,
    ``beam_width``, ``length_penalty``, ``max_output_length_``, the length and
    repetition controls, ``replace_unknown``) of the first model.

    The models must have been fitted on data read the same way: the same source and
    target vocabularies (fit them on the same training data, e.g. with different
    ``random_state``, ``hidden_dim``, ``decoder`` or ``architecture``) and token
    targets. Nothing is trained or copied: the ensemble decodes with the models
    as they are.

    Parameters
    ----------
    estimators : list of Seq2SeqTransformer
        Fitted models sharing their vocabularies.

    Examples
    --------
    >>> from sklearn_seq2seq import Seq2SeqEnsemble, Seq2SeqTransformer
    >>> X = ["1 2 3", "4 5", "6 7 8 9", "2 4"] * 10
    >>> y = [" ".join(reversed(s.split())) for s in X]
    >>> models = [
    ...     Seq2SeqTransformer(hidden_dim=16, max_epochs=3, random_state=seed).fit(X, y)
    ...     for seed in (0, 1)
    ... ]
    >>> ensemble = Seq2SeqEnsemble(models)
    >>> ensemble.predict(["1 2 3"]).shape
    (1,)
    """

    def __init__(self, estimators: list[Seq2SeqTransformer]) -> None:
        self.estimators = estimators

    def _as_one_model(self) -> Seq2SeqTransformer:
        """The first model, decoding with the ensemble's network (a shallow copy:
        the models themselves are not changed)."""
        estimators = list(self.estimators)
        if not estimators:
            raise ValueError("estimators must hold at least one fitted model.")
        for index, estimator in enumerate(estimators):
            if not isinstance(estimator, Seq2SeqTransformer):
                raise TypeError(
                    f"estimators[{index}] is a {type(estimator).__name__}; "
                    "Seq2SeqEnsemble decodes Seq2SeqTransformer models."
                )
            check_is_fitted(estimator)
        lead = estimators[0]
        if not lead.target_codec_.is_tokens:
            raise ValueError(
                "Seq2SeqEnsemble decodes token targets; these models predict float "
                "sequences (average their predict outputs instead)."
            )
        for index, estimator in enumerate(estimators[1:], start=1):
            for name in ("source_codec_", "target_codec_"):
                ours, theirs = getattr(lead, name), getattr(estimator, name)
                same = ours.kind_ == theirs.kind_ and all(
                    getattr(ours, attribute, None) == getattr(theirs, attribute, None)
                    for attribute in ("itos_", "tokenizer_json_")
                )
                if not same or ours.analyzer != theirs.analyzer:
                    side = "source" if name == "source_codec_" else "target"
                    raise ValueError(
                        f"estimators[{index}] reads its {side} sequences differently "
                        "from estimators[0] (another vocabulary, analyzer or input "
                        "kind): ensemble models must be fitted on the same data "
                        "with the same analyzer, lowercase and min_frequency."
                    )
        device = lead._sync_device()
        modules = []
        for estimator in estimators:
            estimator._sync_device()
            module = estimator.net_.module_
            if next(module.parameters()).device != device:
                raise ValueError(
                    "The models are on different devices; set the same device on "
                    "all of them (set_params(device=...))."
                )
            modules.append(module)
        one = copy.copy(lead)
        one.net_ = SimpleNamespace(
            module_=EnsembleEncoderDecoder(modules), device=str(device)
        )
        return one

    def predict(self, X: Any) -> Any:
        """Predict target sequences with the ensemble.

        Parameters
        ----------
        X : iterable of str or token lists, or array
            Source sequences, of the kind the models were fitted on.

        Returns
        -------
        y_pred : ndarray
            As :meth:`Seq2SeqTransformer.predict`.
        """
        return self._as_one_model().predict(X)

    def predict_nbest(self, X: Any, n_best: int = 5) -> list[list[tuple[Any, float]]]:
        """The ``n_best`` best predictions of the ensemble with their scores.

        Parameters
        ----------
        %(X_source)s
        n_best : int, default=5
            Hypotheses returned per sequence.

        Returns
        -------
        nbest : list of list of (prediction, float)
            As :meth:`Seq2SeqTransformer.predict_nbest`, the scores being sums of
            the log of the ensemble's averaged probabilities.
        """
        return self._as_one_model().predict_nbest(X, n_best=n_best)

    def predict_with_attention(self, X: Any) -> tuple[Any, list[Any]]:
        """Predict, with the models' attention weights averaged (every model must
        have an attention decoder or be a Transformer).

        Parameters
        ----------
        %(X_source)s

        Returns
        -------
        y_pred, attention
            As :meth:`Seq2SeqTransformer.predict_with_attention`.
        """
        return self._as_one_model().predict_with_attention(X)

    def score(self, X: Any, y: Any) -> float:
        """BLEU of the ensemble's predictions, as :meth:`Seq2SeqTransformer.score`.

        Parameters
        ----------
        %(X_source)s
        y : same kind as the fitted targets
            Reference target sequences.

        Returns
        -------
        score : float
        """
        return self._as_one_model().score(X, y)
