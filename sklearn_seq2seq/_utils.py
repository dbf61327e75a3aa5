"""Helpers every wing may use (no torch, no skorch): warnings that point at the
user's line, and the CPU cores this process may use."""

from __future__ import annotations

import os
import sys
from typing import TypeVar

import sklearn

# Sequences decoded or scored at once: larger than training batches (no gradients
# to keep); the networks give every sequence the same result whatever its batch.
INFERENCE_BATCH_SIZE = 256

_INTERNAL_DIRS = (
    os.path.dirname(os.path.abspath(__file__)) + os.sep,
    os.path.dirname(os.path.abspath(sklearn.__file__)) + os.sep,
)


def user_stacklevel() -> int:
    """The ``stacklevel`` that makes a warning point at the user's line: the first
    caller outside this package and scikit-learn (which calls ``predict`` in
    ``score``), whatever the entry point."""
    frame = sys._getframe(1)  # the function that will call warnings.warn
    level = 1
    while frame.f_back is not None and frame.f_code.co_filename.startswith(
        _INTERNAL_DIRS
    ):
        frame = frame.f_back
        level += 1
    return level


def available_cores() -> int:
    """CPU cores this process may run on (its affinity, where the OS tells)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


_Array = TypeVar("_Array")


def trim_padding(src: _Array, lengths: object) -> _Array:
    """``src`` (a numpy array or a tensor, ``(batch, width, ...)``) cut to its
    longest sequence: the padding columns no sequence of the batch needs, for
    token ids (2-D); float inputs (3-D) pass unchanged. At least one column is
    kept, so that empty sequences still make a batch."""
    if src.ndim != 2:  # type: ignore[attr-defined]
        return src
    return src[:, : max(1, int(lengths.max()))]  # type: ignore[attr-defined,index]
