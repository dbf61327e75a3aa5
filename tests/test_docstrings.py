"""Every public docstring documents exactly its parameters, with shared parts filled."""

import inspect

import pytest
from sklearn.utils._testing import check_docstring_parameters

import sklearn_seq2seq
from sklearn_seq2seq import datasets, metrics, nn, plotting, preprocessing
from sklearn_seq2seq._docstrings import docdict, fill_doc

MODULES = [sklearn_seq2seq, datasets, metrics, nn, plotting, preprocessing]


def _public_objects():
    for module in MODULES:
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj) or inspect.isclass(obj):
                yield f"{module.__name__}.{name}", obj
                if inspect.isclass(obj) and module is not nn:
                    for method_name, method in inspect.getmembers(
                        obj, inspect.isfunction
                    ):
                        if not method_name.startswith("_") and method.__doc__:
                            yield f"{module.__name__}.{name}.{method_name}", method


PUBLIC = dict(_public_objects())


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_docstring_parts_are_filled(name):
    doc = PUBLIC[name].__doc__ or ""
    assert "%(" not in doc, f"{name} has an unfilled docstring part"


@pytest.mark.parametrize(
    "name", sorted(n for n in PUBLIC if not n.startswith("sklearn_seq2seq.nn."))
)
def test_docstring_lists_the_signature(name):
    """numpydoc Parameters match the signature, in order (scikit-learn's check)."""
    assert check_docstring_parameters(PUBLIC[name]) == []


def test_estimators_share_their_parameter_descriptions():
    """A parameter of both estimators described by a shared part reads the same in
    both, word for word."""
    classifier = sklearn_seq2seq.Seq2SeqClassifier.__doc__
    transformer = sklearn_seq2seq.Seq2SeqTransformer.__doc__
    for part in ("input_feeding", "lr_schedule", "warm_start", "n_jobs", "lr"):
        text = "\n".join("    " + line for line in docdict[part].splitlines())
        assert text in classifier and text in transformer, part


def test_fill_doc_indents_parts_and_rejects_unknown_names():
    def documented():
        """Summary.

        Parameters
        ----------
        %(X_source)s
        """

    fill_doc(documented)
    assert "        X : iterable of str" in documented.__doc__
    assert "            Source sequences." in documented.__doc__

    def misspelt():
        """%(no_such_part)s"""

    with pytest.raises(KeyError, match="no_such_part"):
        fill_doc(misspelt)
