"""Docstring parts written once and filled into several docstrings.

A docstring names a shared part with a line holding only ``%(name)s``; the
:func:`fill_doc` decorator replaces that line with the part registered under
``name`` in :data:`docdict`, indented as the placeholder line was (MNE-Python's
``fill_doc``/``docdict`` convention; matplotlib's ``_docstring.interpd`` works the
same way). Only whole placeholder lines are replaced, so a docstring may contain
``%`` freely.

Parts are written without the indentation of the docstring they go into: their
first line at column 0, their description lines indented by four spaces, as in a
numpydoc section.

Examples
--------
>>> from sklearn_seq2seq._docstrings import docdict, fill_doc
>>> docdict["example_size"] = '''size : int
...     How many.'''
>>> @fill_doc
... def f(size):
...     '''Do it.
...
...     Parameters
...     ----------
...     %(example_size)s
...     '''
>>> print(f.__doc__.splitlines()[4:6])
['    size : int', '        How many.']
>>> del docdict["example_size"]
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

_Documented = TypeVar("_Documented")

docdict: dict[str, str] = {}

_PLACEHOLDER = re.compile(r"^([ \t]*)%\((\w+)\)s[ \t]*$", flags=re.MULTILINE)


def _indented(part: str, indent: str) -> str:
    lines = part.splitlines()
    return "\n".join(indent + line if line.strip() else "" for line in lines)


def fill_doc(obj: _Documented) -> _Documented:
    """Replace every ``%(name)s`` line of ``obj.__doc__`` with ``docdict[name]``.

    Raises
    ------
    KeyError
        When a placeholder names no registered part (a typo fails at import).
    """
    doc: Any = getattr(obj, "__doc__", None)
    if doc:

        def part(match: re.Match) -> str:
            indent, name = match.groups()
            if name not in docdict:
                raise KeyError(f"{obj!r}: no docstring part {name!r} in docdict.")
            return _indented(docdict[name], indent)

        obj.__doc__ = _PLACEHOLDER.sub(part, doc)
    return obj
