"""The skorch callbacks of a fit, and the list of them an estimator's settings ask
for: seeding, divergence detection, gradient clipping, validation scores, the
learning-rate schedule, checkpoint selection (early stopping) and the progress bar.
"""

from __future__ import annotations

import copy
import math
import re
import sys
from typing import Any

import torch
from skorch.callbacks import (
    Callback,
    EarlyStopping,
    EpochScoring,
    GradientNormClipping,
    LRScheduler,
    PrintLog,
    ProgressBar,
)

# lr_schedule="plateau": ReduceLROnPlateau halves the learning rate after this many
# epochs without improvement of the monitored loss.
PLATEAU_FACTOR = 0.5
PLATEAU_PATIENCE = 2


class SeededGenerator(Callback):
    """Give the module (``module_.generator``) a random generator seeded with
    ``seed`` for the time of a fit, and take it back after (generators do not
    pickle). The teacher-forcing draws of ``teacher_forcing_ratio < 1`` use it, so
    that they depend on the estimator's ``random_state`` only."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed

    def on_train_begin(self, net: Any, **kwargs: Any) -> None:
        # Where the module is (skorch's ``device`` is None under accelerate).
        device = next(net.module_.parameters()).device
        net.module_.generator = torch.Generator(device=device).manual_seed(self.seed)

    def on_train_end(self, net: Any, **kwargs: Any) -> None:
        net.module_.generator = None


class StopOnNonFiniteLoss(Callback):
    """Stop training at the end of the first epoch whose loss is NaN or infinite.

    It records where training diverged (``diverged_`` = ``(epoch, name, value)``)
    and interrupts the loop the way skorch expects (``KeyboardInterrupt``, caught by
    ``partial_fit``), so that the other callbacks' ``on_train_end`` still run:
    ``EarlyStopping(load_best=True)`` then restores the best weights. The estimator
    turns the record into an error or a warning.
    """

    def on_train_begin(self, net: Any, **kwargs: Any) -> None:
        self.diverged_: tuple[int, str, float] | None = None

    def on_epoch_end(self, net: Any, **kwargs: Any) -> None:
        row = net.history[-1]
        for name in ("train_loss", "valid_loss"):
            value = row.get(name)
            if value is not None and not math.isfinite(value):
                self.diverged_ = (row["epoch"], name, value)
                raise KeyboardInterrupt


class NoamSchedule:
    """Learning-rate factor of the Noam schedule (Vaswani et al., 2017), for
    ``torch.optim.lr_scheduler.LambdaLR``: linear warm-up over ``warmup_steps``
    optimizer steps to the full learning rate, then decay with the inverse square
    root of the step, ``min(s / w, sqrt(w / s))`` at step ``s = index + 1``.

    The peak is the optimizer's learning rate itself (fairseq's
    ``inverse_sqrt`` convention), not the paper's ``d_model ** -0.5`` scale.
    A class, not a lambda, so that the net pickles.

    Parameters
    ----------
    warmup_steps : int
        Optimizer steps of the warm-up (>= 1).
    """

    def __init__(self, warmup_steps: int) -> None:
        self.warmup_steps = warmup_steps

    def __call__(self, index: int) -> float:
        step = index + 1
        return min(step / self.warmup_steps, math.sqrt(self.warmup_steps / step))


class BatchLRScheduler(LRScheduler):
    """skorch's ``LRScheduler`` stepped every optimizer step, which resumes at the
    right step when training continues (``warm_start``, a loaded model).

    skorch restarts a scheduler at the number of *epochs* trained; a per-batch
    schedule must restart at the number of optimizer steps, which skorch counts
    (``batch_idx_``, from the history's ``train_batch_count``).
    """

    def _get_scheduler(self, net: Any, policy: Any, **scheduler_kwargs: Any) -> Any:
        scheduler_kwargs.setdefault("last_epoch", self.batch_idx_ - 1)
        return policy(net.optimizer_, **scheduler_kwargs)


_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


class TerminalPrintLog(PrintLog):
    """skorch's epoch table, coloured only when printed to a terminal: a log piped
    to a file (``tee``) or captured holds plain text."""

    def format_row(self, row: Any, key: str, color: str) -> str:
        text = super().format_row(row, key, color)
        stream = sys.stdout
        if not (hasattr(stream, "isatty") and stream.isatty()):
            text = _ANSI_ESCAPE.sub("", text)
        return text


def progress_bar() -> ProgressBar:
    """skorch's progress bar. In a notebook it draws a widget, which needs
    ipywidgets (tqdm raises "IProgress not found" without it): then the text bar,
    which works in notebooks, terminals and log files alike."""
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return ProgressBar(detect_notebook=False)
    return ProgressBar()


def epoch_scoring(
    name: str, scoring: Any, *, lower_is_better: bool, use_caching: bool = True
) -> tuple[str, EpochScoring]:
    """A per-epoch score on the validation data, as skorch's ``EpochScoring``
    (``use_caching=False`` for scorers that decode rather than read the net's
    forward outputs)."""
    return (
        name,
        EpochScoring(
            scoring,
            name=name,
            lower_is_better=lower_is_better,
            use_caching=use_caching,
        ),
    )


def lr_scheduler(
    schedule: str, *, has_validation: bool, warmup_steps: int | None
) -> list[tuple[str, LRScheduler]]:
    """The skorch ``LRScheduler`` that ``schedule`` names (none for
    ``"constant"``)."""
    if schedule == "plateau":
        return [
            (
                "lr_scheduler",
                LRScheduler(
                    policy=torch.optim.lr_scheduler.ReduceLROnPlateau,
                    monitor="valid_loss" if has_validation else "train_loss",
                    factor=PLATEAU_FACTOR,
                    patience=PLATEAU_PATIENCE,
                ),
            )
        ]
    if schedule == "noam":
        return [
            (
                "lr_scheduler",
                BatchLRScheduler(
                    policy=torch.optim.lr_scheduler.LambdaLR,
                    step_every="batch",
                    lr_lambda=NoamSchedule(warmup_steps),
                ),
            )
        ]
    return []


def training_callbacks(est: Any, *, has_validation: bool) -> list:
    """The callbacks an estimator's parameters ask for, in the order they run.

    ``est`` is the estimator (read only): its ``clip_grad_norm``,
    ``early_stopping``, ``n_iter_no_change``, ``verbose`` and ``callbacks``, and its
    hooks ``_validation_scoring()``, ``_early_stopping_monitor()`` and
    ``_lr_schedule()``.
    """
    callbacks: list = [("stop_on_non_finite_loss", StopOnNonFiniteLoss())]
    if est.clip_grad_norm is not None:
        callbacks.append(
            ("gradient_clipping", GradientNormClipping(est.clip_grad_norm))
        )
    if has_validation:
        # Scores first: early stopping may monitor them at the same epoch end.
        callbacks.extend(est._validation_scoring())
    callbacks.extend(
        lr_scheduler(
            est._lr_schedule(),
            has_validation=has_validation,
            warmup_steps=est.warmup_steps_,
        )
    )
    if has_validation:
        # Checkpoint selection, as NMT toolkits do: the fit ends with the
        # weights of the best validation epoch. Without early stopping it
        # never stops early (endless patience), it only restores.
        monitor, lower_is_better = est._early_stopping_monitor()
        callbacks.append(
            (
                "early_stopping" if est.early_stopping else "restore_best",
                EarlyStopping(
                    monitor=monitor,
                    lower_is_better=lower_is_better,
                    patience=(est.n_iter_no_change if est.early_stopping else math.inf),
                    load_best=True,
                ),
            )
        )
    if est.verbose >= 2:
        callbacks.append(("progress_bar", progress_bar()))
    # The user's callbacks are copied: fitting must not change what they passed.
    callbacks.extend(copy.deepcopy(est.callbacks or []))
    return callbacks


def early_stopped(net: Any) -> bool:
    """Whether early stopping ended the last fit."""
    return any(
        isinstance(callback, EarlyStopping) and callback.misses_ >= callback.patience
        for _, callback in net.callbacks_
    )


def restored_best(net: Any) -> bool:
    """Whether checkpoint selection holds the weights of a best epoch."""
    return any(
        isinstance(callback, EarlyStopping)
        and callback.load_best
        and callback.best_model_weights_ is not None
        for _, callback in net.callbacks_
    )


def early_stopping_names(net: Any) -> list[str]:
    """The names of the net's early-stopping callbacks (``early_stopping`` or
    ``restore_best``, and any the user added)."""
    return [n for n, c in net.callbacks_ if isinstance(c, EarlyStopping)]
