"""The estimators' parameters: their constraints, the checks that involve several
of them, and the one policy for parameters that a configuration ignores.

The policy, in the manner of scikit-learn's ``_warn_for_unused_params``: a
parameter set away from its default that the chosen configuration does not use
(a recurrent-only parameter under ``architecture="transformer"``, ``n_heads``
under the RNN, ``attention`` without the attention decoder, sampling parameters
without sampling, ...) warns once per call that ignores it, naming the reason;
nothing is ignored silently. :func:`ignored_parameters` lists the rules.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable
from numbers import Integral, Real
from typing import Any

import torch
from sklearn.utils._param_validation import HasMethods, StrOptions

from .._data._subwords import SUBWORD_ANALYZERS
from .._data._validation import IntervalNotBool as Interval  # hidden_dim=True is no 1
from .._training._fitting import OPTIMIZERS, resolve_device
from .._utils import user_stacklevel
from ..nn import ATTENTION_SCORES, CELLS, DECODERS


class DeviceOption(StrOptions):
    """Constraint: ``"auto"``, ``"cpu"``, ``"cuda"`` or ``"cuda:N"``."""

    def __init__(self) -> None:
        super().__init__({"auto", "cpu", "cuda"})

    def is_satisfied_by(self, value: Any) -> bool:
        if super().is_satisfied_by(value):
            return True
        if not isinstance(value, str):
            return False
        prefix, _, index = value.partition(":")
        return prefix == "cuda" and index.isdigit()

    def __str__(self) -> str:
        return "a str among {'auto', 'cpu', 'cuda', 'cuda:N'}"


def _depth_ok(depth: Any) -> bool:
    if isinstance(depth, Integral) and not isinstance(depth, bool):
        return depth >= 1
    return (
        isinstance(depth, tuple | list)
        and len(depth) == 2
        and all(
            isinstance(d, Integral) and not isinstance(d, bool) and d >= 1
            for d in depth
        )
    )


SHARED_CONSTRAINTS: dict[str, list] = {
    "architecture": [StrOptions({"rnn", "transformer"})],
    "cell": [StrOptions(set(CELLS))],
    "hidden_dim": [Interval(Integral, 1, None, closed="left")],
    "embedding_dim": [Interval(Integral, 1, None, closed="left"), None],
    "depth": [Interval(Integral, 1, None, closed="left"), tuple, list],
    "n_heads": [Interval(Integral, 1, None, closed="left")],
    "feedforward_dim": [Interval(Integral, 1, None, closed="left"), None],
    "decoder": [StrOptions(set(DECODERS))],
    "attention": [StrOptions(set(ATTENTION_SCORES))],
    "input_feeding": ["boolean"],
    "bidirectional": ["boolean"],
    "dropout": [Interval(Real, 0, 1, closed="left")],
    "teacher_forcing_ratio": [Interval(Real, 0, 1, closed="both")],
    "analyzer": [StrOptions({"word", "char", *SUBWORD_ANALYZERS})],
    "lowercase": ["boolean"],
    "strip_accents": [StrOptions({"ascii", "unicode"}), None],
    "max_tokens": [Interval(Integral, 5, None, closed="left"), None],
    "input_kind": [StrOptions({"auto", "tokens", "continuous"})],
    "max_epochs": [Interval(Integral, 1, None, closed="left")],
    "batch_size": [Interval(Integral, 1, None, closed="left")],
    "group_by_length": ["boolean"],
    "lr": [Interval(Real, 0, None, closed="neither"), None],
    "optimizer": [StrOptions(set(OPTIMIZERS)), type],
    "clip_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
    "early_stopping": ["boolean"],
    "warm_start": ["boolean"],
    "lr_schedule": [StrOptions({"constant", "plateau", "noam"}), None],
    "warmup_steps": [Interval(Integral, 1, None, closed="left"), None],
    "label_smoothing": [Interval(Real, 0, 1, closed="left")],
    "tie_embeddings": ["boolean"],
    "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
    "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
    "callbacks": [list, None],
    "device": [DeviceOption()],
    "accelerator": [HasMethods(["prepare", "backward"]), None],
    "n_jobs": [Interval(Integral, None, None, closed="neither"), None],
    "random_state": ["random_state"],
    # verbose=True is common in scikit-learn and means 1 here.
    "verbose": [Interval(Integral, 0, 2, closed="both"), "boolean"],
}


def check_params_across(est: Any) -> None:
    """Checks that involve more than one parameter (top of ``fit``)."""
    if not _depth_ok(est.depth):
        raise ValueError(
            "depth must be an int >= 1 or a pair (encoder_layers, decoder_layers) "
            f"of ints >= 1, got {est.depth!r}."
        )
    if est.architecture == "transformer" and est.hidden_dim % est.n_heads:
        raise ValueError(
            f"architecture='transformer' splits hidden_dim={est.hidden_dim} "
            f"over n_heads={est.n_heads} attention heads, so hidden_dim must be "
            "divisible by n_heads; change one of them (e.g. n_heads=1)."
        )
    if est.callbacks is not None:
        for callback in est.callbacks:
            target = callback[1] if isinstance(callback, tuple) else callback
            if not hasattr(target, "initialize"):
                raise TypeError(
                    "callbacks must be skorch callbacks (or (name, callback) "
                    f"pairs), got {callback!r}."
                )
    if est.optimizer not in OPTIMIZERS and not (
        isinstance(est.optimizer, type)
        and issubclass(est.optimizer, torch.optim.Optimizer)
    ):
        raise TypeError(
            "optimizer must be one of "
            f"{sorted(OPTIMIZERS)} or a torch.optim.Optimizer subclass, got "
            f"{est.optimizer!r}."
        )
    if est.n_jobs == 0:
        raise ValueError("n_jobs == 0 has no meaning; use None, -1 or an int >= 1.")
    device = resolve_device(est.device)
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(
            f"device={est.device!r} but CUDA is not available on this machine; "
            "use device='auto' or 'cpu'."
        )


# Decoding is sequential: beyond this many steps a prediction takes minutes.
MAX_OUTPUT_LENGTH = 10_000

RECURRENT_ONLY = (
    "cell",
    "decoder",
    "attention",
    "input_feeding",
    "bidirectional",
    "embedding_dim",
)
TRANSFORMER_ONLY = ("n_heads", "feedforward_dim")
# Rule: (parameter, reason it is ignored or None). Evaluated only for parameters
# set away from their default.
Rule = tuple[str, Callable[[Any], "str | None"]]


def _defaults(est: Any) -> dict[str, Any]:
    signature = inspect.signature(type(est).__init__)
    return {
        name: p.default
        for name, p in signature.parameters.items()
        if p.default is not inspect.Parameter.empty
    }


def _fit_rules(est: Any, *, cross_entropy: bool, has_validation_data: bool) -> list:
    """The rules checked at ``fit`` (see :func:`ignored_parameters`)."""
    transformer = est.architecture == "transformer"
    rules: list[Rule] = [
        *(
            (
                name,
                lambda e: (
                    "architecture='transformer' has no recurrent cells (it "
                    "reads hidden_dim and n_heads)"
                    if transformer
                    else None
                ),
            )
            for name in RECURRENT_ONLY
        ),
        *(
            (
                name,
                lambda e: (
                    "it shapes architecture='transformer' only"
                    if not transformer
                    else None
                ),
            )
            for name in TRANSFORMER_ONLY
        ),
        *(
            (
                name,
                lambda e: (
                    f"decoder={e.decoder!r} does not attend (it applies to "
                    "decoder='attention')"
                    if not transformer and e.decoder != "attention"
                    else None
                ),
            )
            for name in ("attention", "input_feeding")
        ),
        (
            "label_smoothing",
            lambda e: (
                None
                if cross_entropy
                else "float targets are learned with mean squared error, not "
                "cross-entropy"
            ),
        ),
        ("tie_embeddings", lambda e: e._tie_embeddings_ignored()),
        (
            "warmup_steps",
            lambda e: (
                None
                if e._lr_schedule() == "noam"
                else f"it is the warm-up of lr_schedule='noam', and the schedule is "
                f"{e._lr_schedule()!r}"
            ),
        ),
        (
            "n_iter_no_change",
            lambda e: (
                None
                if e.early_stopping
                else "it is the patience of early_stopping=True"
            ),
        ),
        (
            "validation_fraction",
            lambda e: (
                "X_val/y_val were given, so nothing is held out"
                if has_validation_data
                else None
                if e.early_stopping
                else "only early_stopping=True holds data out"
            ),
        ),
    ]
    return rules + list(est._ignored_parameter_rules())


def ignored_parameters(
    est: Any, rules: list[Rule], defaults: dict[str, Any] | None = None
) -> list[tuple[str, str]]:
    """``(parameter, reason)`` for every parameter set away from its default that
    one of ``rules`` says is ignored."""
    defaults = _defaults(est) if defaults is None else defaults
    params = est.get_params(deep=False)
    ignored = []
    for name, rule in rules:
        if name not in params or _same(params[name], defaults.get(name)):
            continue
        reason = rule(est)
        if reason is not None:
            ignored.append((name, reason))
    return ignored


def _same(value: Any, default: Any) -> bool:
    try:
        return bool(value == default) and type(value) is type(default)
    except (TypeError, ValueError):
        return False


def warn_ignored(est: Any, ignored: list[tuple[str, str]]) -> None:
    """One ``UserWarning`` per ignored parameter, with its value and reason."""
    params = est.get_params(deep=False)
    for name, reason in ignored:
        warnings.warn(
            f"{name}={params[name]!r} is ignored: {reason}.",
            UserWarning,
            stacklevel=user_stacklevel(),
        )


def check_fit_parameters(
    est: Any, *, cross_entropy: bool, has_validation_data: bool
) -> None:
    """At ``fit``, once the targets are read: warn for every ignored parameter, and
    check that tied embeddings have matching sizes."""
    rules = _fit_rules(
        est, cross_entropy=cross_entropy, has_validation_data=has_validation_data
    )
    warn_ignored(est, ignored_parameters(est, rules))
    if (
        est.tie_embeddings
        and est._tie_embeddings_ignored() is None
        and est.architecture == "rnn"
        and est.embedding_dim not in (None, est.hidden_dim)
    ):
        raise ValueError(
            "tie_embeddings=True shares the decoder's input embedding with its "
            "output projection, which needs embedding_dim == hidden_dim; got "
            f"embedding_dim={est.embedding_dim} and hidden_dim="
            f"{est.hidden_dim}. Set embedding_dim=None (= hidden_dim), or "
            "tie_embeddings=False."
        )
