"""The estimator classes that model files may name, by class name."""

from __future__ import annotations

from typing import TypeVar

_Class = TypeVar("_Class", bound=type)
_CLASSES: dict[str, type] = {}


def register(cls: _Class) -> _Class:
    """Class decorator: files saved from ``cls`` load back as ``cls``."""
    _CLASSES[cls.__name__] = cls
    return cls


def registered(name: str) -> type:
    """The registered class called ``name`` (``KeyError`` if none is)."""
    return _CLASSES[name]
