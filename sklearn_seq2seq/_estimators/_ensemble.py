"""Seq2SeqEnsemble: decode with several fitted Seq2SeqTransformer models at once."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import torch
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone
from sklearn.exceptions import NotFittedError
from sklearn.utils import Bunch, get_tags
from sklearn.utils.validation import check_is_fitted

from .._data._codec import as_reusable
from .._docstrings import fill_doc
from ..nn.ensemble import EnsembleEncoderDecoder
from ._seq2seq import Seq2SeqTransformer

# The name of the i-th model (from 1) of a plain list of models.
_MEMBER_PREFIX = "seq2seqtransformer-"

# (position in ``estimators``, name, model) of the members that are not "drop".
_Member = tuple[int, str, Any]


def _is_dropped(member: Any) -> bool:
    return isinstance(member, str) and member == "drop"


def _is_fitted(model: Any) -> bool:
    try:
        check_is_fitted(model)
    except NotFittedError:
        return False
    return True


def _label(index: int, name: str) -> str:
    return f"estimators[{index}] ({name!r})"


def _shallow_copy(obj: Any) -> Any:
    """A new object of ``obj``'s class sharing its attribute values.

    Not ``copy.copy``: that goes through ``__getstate__``, which for a skorch net
    pickles the network's weights (a deep copy in all but name)."""
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    return new


def _network_device(model: Seq2SeqTransformer) -> torch.device:
    return next(model.net_.module_.parameters()).device


@contextmanager
def _training_flags_kept(modules: list[torch.nn.Module]) -> Iterator[None]:
    """Decoding puts the networks in eval mode; give every submodule its training
    flag back afterwards, so that the members are left exactly as they were."""
    flags = [(sub, sub.training) for module in modules for sub in module.modules()]
    try:
        yield
    finally:
        for sub, training in flags:
            sub.training = training


@fill_doc
class Seq2SeqEnsemble(MetaEstimatorMixin, BaseEstimator):
    """Ensemble decoding of :class:`Seq2SeqTransformer` models.

    At every decoding step each model reads the same previous token and the next
    token is chosen from the average of the models' distributions, as OpenNMT-py
    and fairseq decode ensembles (averaging probabilities, not votes on finished
    outputs). Greedy search, sampling, beam search and n-best lists run on the
    ensemble as on one model, with the decoding parameters (``decoding``,
    ``beam_width``, ``length_penalty``, ``max_output_length_``, the length and
    repetition controls, ``replace_unknown``, ``random_state``, ``batch_size``,
    ``n_jobs``) of the first model.

    The ensemble is built from **fitted** models and decodes with them as they are,
    so no ``fit`` call is needed: no network is trained or copied, and
    ``predict`` and the other methods leave the models unchanged. The models
    must have been fitted on data read the same way: the same source and target
    vocabularies (fit them on the same training data, e.g. with different
    ``random_state``, ``hidden_dim``, ``decoder`` or ``architecture``) and token
    targets.

    Like :class:`~sklearn.ensemble.VotingClassifier`, it is also an ordinary
    scikit-learn meta-estimator: ``get_params`` lists the models under their names
    and ``set_params`` sets their parameters (``"seq2seqtransformer-1__beam_width"``),
    and :meth:`fit` fits a clone of every model on the same data and decodes with
    those (``estimators_``) from then on. :func:`sklearn.base.clone` of an ensemble
    clones its models, which makes them *unfitted*: a clone (the one
    :class:`~sklearn.model_selection.GridSearchCV` or
    :func:`~sklearn.model_selection.cross_validate` make, for instance) must be
    fitted before it predicts, and raises :class:`~sklearn.exceptions.NotFittedError`
    until then.

    Parameters
    ----------
    estimators : list of Seq2SeqTransformer, or list of (str, Seq2SeqTransformer)
        The models, fitted (to decode with them as they are) or not (then call
        :meth:`fit`). In a plain list the models are named
        ``"seq2seqtransformer-1"``, ``"seq2seqtransformer-2"``, ... by their
        position; ``(name, model)`` pairs name them (unique names without
        ``"__"``), as in :class:`~sklearn.ensemble.VotingClassifier`. A model set to
        ``"drop"`` (``set_params(name="drop")``) is left out.

    Attributes
    ----------
    estimators_ : list of Seq2SeqTransformer
        Only after :meth:`fit`: the fitted clones of the models (without those set
        to ``"drop"``), which the ensemble then decodes with. Without ``fit`` the
        ensemble decodes with the models of ``estimators`` themselves.
    named_estimators_ : :class:`~sklearn.utils.Bunch`
        Only after :meth:`fit`: the fitted clones by name.

    See Also
    --------
    Seq2SeqTransformer : The models the ensemble decodes with.
    sklearn.ensemble.VotingClassifier : Averaging of classifiers' probabilities.

    Notes
    -----
    ``set_params(name__parameter=value)`` sets the parameter on the model itself
    (as :class:`~sklearn.pipeline.Pipeline` and
    :class:`~sklearn.ensemble.VotingClassifier` do); call it on
    ``copy.deepcopy(ensemble)`` to keep the models as they were. Decoding
    parameters of the first model change the ensemble's decoding at once; after
    :meth:`fit` the ensemble decodes with ``estimators_``, which changes to
    ``estimators`` reach at the next ``fit`` only.

    The ensemble decodes on the device of the first model's network. A model whose
    network is on another device is decoded with a copy of its network moved there
    (for that call; the model is not moved).

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
    >>> list(ensemble.named_estimators)
    ['seq2seqtransformer-1', 'seq2seqtransformer-2']
    >>> ensemble.get_params()["seq2seqtransformer-2__random_state"]
    1

    A clone has unfitted models; ``fit`` fits a clone of each model:

    >>> from sklearn.base import clone
    >>> refitted = clone(ensemble).fit(X, y)
    >>> len(refitted.estimators_), refitted.predict(["1 2 3"]).shape
    (2, (1,))
    """

    def __init__(
        self,
        estimators: list[Seq2SeqTransformer] | list[tuple[str, Seq2SeqTransformer]],
    ) -> None:
        self.estimators = estimators

    # -- parameters ------------------------------------------------------------------
    def _uses_names(self) -> bool:
        """Whether ``estimators`` is a list of ``(name, model)`` pairs."""
        estimators = self.estimators
        return (
            isinstance(estimators, list | tuple)
            and len(estimators) > 0
            and all(isinstance(item, list | tuple) for item in estimators)
        )

    def _named(self) -> list[tuple[str, Any]]:
        """``(name, model)`` for every item of ``estimators``, unvalidated; empty
        when ``estimators`` is neither a list of models nor one of pairs (so that
        ``get_params`` and ``set_params`` work whatever it holds)."""
        estimators = self.estimators
        if not isinstance(estimators, list | tuple):
            return []
        if self._uses_names():
            if not all(
                len(item) == 2 and isinstance(item[0], str) for item in estimators
            ):
                return []
            return [(name, model) for name, model in estimators]
        if any(isinstance(item, list | tuple) for item in estimators):
            return []
        return [
            (f"{_MEMBER_PREFIX}{position}", model)
            for position, model in enumerate(estimators, start=1)
        ]

    @property
    def named_estimators(self) -> Bunch:
        """The models of ``estimators`` by name.

        Returns
        -------
        :class:`~sklearn.utils.Bunch`
        """
        return Bunch(**dict(self._named()))

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Get the parameters of the ensemble and, with ``deep``, of its models.

        Parameters
        ----------
        deep : bool, default=True
            Also return every model under its name and the models' parameters as
            ``name__parameter``.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        params = super().get_params(deep=False)
        if not deep:
            return params
        for name, model in self._named():
            params[name] = model
            if hasattr(model, "get_params") and not isinstance(model, type):
                for key, value in model.get_params(deep=True).items():
                    params[f"{name}__{key}"] = value
        return params

    def set_params(self, **params: Any) -> Seq2SeqEnsemble:
        """Set the parameters of the ensemble or of its models.

        Parameters
        ----------
        **params : dict
            ``estimators``; a model's name, to replace that model (or leave it out
            with ``"drop"``); or ``name__parameter`` to set a parameter of a model
            (on the model itself).

        Returns
        -------
        self : Seq2SeqEnsemble
            This ensemble.
        """
        if "estimators" in params:
            self.estimators = params.pop("estimators")
        names = [name for name, _ in self._named()]
        replacements = {
            key: params.pop(key)
            for key in list(params)
            if "__" not in key and key in names
        }
        if replacements:
            if self._uses_names():
                self.estimators = [
                    (name, replacements.get(name, model))
                    for name, model in self._named()
                ]
            else:
                self.estimators = [
                    replacements.get(name, model) for name, model in self._named()
                ]
        super().set_params(**params)
        return self

    # -- validation ------------------------------------------------------------------
    def _members(self) -> list[_Member]:
        """The models of ``estimators`` that are not ``"drop"``, checked to be
        ``Seq2SeqTransformer`` instances (fitted or not)."""
        estimators = self.estimators
        if isinstance(estimators, Seq2SeqTransformer):
            raise TypeError(
                "estimators must be a list of models, got one Seq2SeqTransformer: "
                "pass Seq2SeqEnsemble([model]) (or several models)."
            )
        if not isinstance(estimators, list | tuple):
            raise TypeError(
                "estimators must be a list of Seq2SeqTransformer models or of "
                f"(name, model) pairs, got a {type(estimators).__name__}."
            )
        if len(estimators) == 0:
            raise ValueError(
                "estimators must hold at least one Seq2SeqTransformer, got an empty "
                "list: pass the models, e.g. Seq2SeqEnsemble([model_a, model_b])."
            )
        if self._uses_names():
            for index, item in enumerate(estimators):
                if len(item) != 2 or not isinstance(item[0], str):
                    raise TypeError(
                        f"estimators[{index}] is {item!r}; a list of pairs must hold "
                        "(name, model) pairs with str names."
                    )
            names = [name for name, _ in estimators]
            if len(set(names)) != len(names):
                raise ValueError(
                    f"The names of estimators must be unique, got {names!r}."
                )
            bad = [name for name in names if "__" in name or name == "estimators"]
            if bad:
                raise ValueError(
                    f"Invalid names in estimators: {bad!r}. A name may not contain "
                    "'__' (it separates a model's name from its parameters in "
                    "set_params) nor be 'estimators'."
                )
        elif any(isinstance(item, list | tuple) for item in estimators):
            raise TypeError(
                "estimators mixes models and (name, model) pairs; pass either a list "
                "of models or a list of (name, model) pairs."
            )
        members = [
            (index, name, model)
            for index, (name, model) in enumerate(self._named())
            if not _is_dropped(model)
        ]
        if not members:
            raise ValueError(
                "All estimators are 'drop': keep at least one Seq2SeqTransformer."
            )
        for index, name, model in members:
            if isinstance(model, type):
                raise TypeError(
                    f"{_label(index, name)} is the class {model.__name__}; pass an "
                    f"instance, e.g. {model.__name__}(...).fit(X, y)."
                )
            if not isinstance(model, Seq2SeqTransformer):
                raise TypeError(
                    f"{_label(index, name)} is a {type(model).__name__}; "
                    "Seq2SeqEnsemble decodes Seq2SeqTransformer models (or 'drop' "
                    "to leave a model out)."
                )
        return members

    @staticmethod
    def _check_decodable(members: list[_Member]) -> None:
        """Check that fitted models predict tokens from one vocabulary."""
        _, lead_name, lead = members[0]
        if not lead.target_codec_.is_tokens:
            raise ValueError(
                f"Seq2SeqEnsemble decodes token targets, but {_label(0, lead_name)} "
                "predicts float sequences (average the models' predict outputs "
                "instead)."
            )
        for index, name, model in members[1:]:
            for attribute in ("source_codec_", "target_codec_"):
                ours, theirs = getattr(lead, attribute), getattr(model, attribute)
                same = ours.kind_ == theirs.kind_ and all(
                    getattr(ours, part, None) == getattr(theirs, part, None)
                    for part in ("itos_", "tokenizer_json_")
                )
                if not same or ours.analyzer != theirs.analyzer:
                    side = "source" if attribute == "source_codec_" else "target"
                    raise ValueError(
                        f"{_label(index, name)} reads its {side} sequences "
                        f"differently from {_label(members[0][0], lead_name)} "
                        "(another vocabulary, analyzer or input kind): ensemble "
                        "models must be fitted on the same data with the same "
                        "analyzer, lowercase and min_frequency."
                    )

    def _fitted_members(self) -> list[_Member]:
        """The models to decode with: ``estimators_`` after :meth:`fit`, else the
        models of ``estimators``, which must be fitted; all checked to decode
        together."""
        if hasattr(self, "estimators_"):
            members = [
                (index, name, model)
                for index, (name, model) in enumerate(self.named_estimators_.items())
            ]
        else:
            members = self._members()
            for index, name, model in members:
                if not _is_fitted(model):
                    raise NotFittedError(
                        f"This Seq2SeqEnsemble is not fitted: {_label(index, name)} "
                        "is an unfitted Seq2SeqTransformer. The ensemble decodes "
                        "with fitted models as they are: pass fitted models, or "
                        "call fit(X, y) to fit a clone of every model. (A clone of "
                        "an ensemble, as sklearn.base.clone, GridSearchCV or "
                        "cross_validate make, has unfitted models until fit.)"
                    )
        self._check_decodable(members)
        return members

    def __sklearn_is_fitted__(self) -> bool:
        if hasattr(self, "estimators_"):
            return True
        try:
            members = self._members()
        except (TypeError, ValueError):
            return False
        return all(_is_fitted(model) for _, _, model in members)

    # -- fitting ---------------------------------------------------------------------
    def fit(self, X: Any, y: Any = None, **fit_params: Any) -> Seq2SeqEnsemble:
        """Fit a clone of every model on the same data.

        Not needed for an ensemble of fitted models, which decodes with them as
        they are; ``fit`` trains from scratch (as every scikit-learn ``fit``), on
        clones, so the models of ``estimators`` stay as they were. The ensemble
        then decodes with the fitted clones, ``estimators_``.

        Parameters
        ----------
        X : iterable of str or token lists, or array
            Source sequences, as :meth:`Seq2SeqTransformer.fit` takes them.
        y : iterable of str or token lists, or array, default=None
            Token target sequences; ``None`` fits autoencoders (target = X).
        **fit_params : dict
            Passed to every model's :meth:`Seq2SeqTransformer.fit` (``X_val``,
            ``y_val``).

        Returns
        -------
        self : Seq2SeqEnsemble
            The fitted ensemble.
        """
        members = self._members()
        X, y = as_reusable(X), as_reusable(y)
        fit_params = {key: as_reusable(value) for key, value in fit_params.items()}
        fitted: list[_Member] = []
        for index, name, model in members:
            fitted.append((index, name, clone(model).fit(X, y, **fit_params)))
            if len(fitted) == 1:  # float targets: stop before fitting the others
                self._check_decodable(fitted)
        self._check_decodable(fitted)
        self.estimators_ = [model for _, _, model in fitted]
        self.named_estimators_ = Bunch(**{name: model for _, name, model in fitted})
        return self

    # -- decoding --------------------------------------------------------------------
    @contextmanager
    def _as_one_model(self) -> Iterator[Seq2SeqTransformer]:
        """The first model, decoding with the ensemble's network.

        A shallow copy of the first model whose ``net_`` is a shallow copy of its
        skorch net with ``module_`` replaced by an :class:`EnsembleEncoderDecoder`
        of the models' networks; the models, their nets and (once the ``with``
        block ends) their networks' training flags are left as they were.
        """
        members = self._fitted_members()
        lead = members[0][2]
        device = _network_device(lead)
        modules = []
        for _, _, model in members:
            module = model.net_.module_
            if _network_device(model) != device:
                module = copy.deepcopy(module).to(device)
                for sub in module.modules():
                    if isinstance(sub, torch.nn.RNNBase):
                        sub.flatten_parameters()
            modules.append(module)
        net = _shallow_copy(lead.net_)
        net.module_ = EnsembleEncoderDecoder(modules)
        net.device = str(device)
        one = _shallow_copy(lead)
        one.net_ = net
        # Decode where the networks are: the first model's device parameter might
        # ask for another device, and moving the ensemble would move the models.
        one.device = str(device)
        with _training_flags_kept(modules):
            yield one

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
        with self._as_one_model() as one:
            return one.predict(X)

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
        with self._as_one_model() as one:
            return one.predict_nbest(X, n_best=n_best)

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
        for index, name, model in self._fitted_members():
            params = model.get_params(deep=False)
            if params["architecture"] == "rnn" and params["decoder"] != "attention":
                raise ValueError(
                    "predict_with_attention needs models that attend: "
                    f"{_label(index, name)} has decoder={params['decoder']!r}; "
                    "use decoder='attention' or architecture='transformer' models "
                    "(or predict)."
                )
        with self._as_one_model() as one:
            return one.predict_with_attention(X)

    def score(self, X: Any, y: Any = None) -> float:
        """BLEU of the ensemble's predictions, as :meth:`Seq2SeqTransformer.score`.

        Parameters
        ----------
        %(X_source)s
        y : same kind as the fitted targets, default=None
            Reference target sequences; ``None`` for autoencoders (target = X).

        Returns
        -------
        score : float
        """
        with self._as_one_model() as one:
            return one.score(X, y)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.three_d_array = True
        tags.target_tags.required = False  # fit(X) fits autoencoders
        try:
            tags.non_deterministic = any(
                get_tags(model).non_deterministic
                for _, model in self._named()
                if not _is_dropped(model)
            )
        except Exception:  # estimators is not a list of estimators: fit raises
            pass
        return tags
