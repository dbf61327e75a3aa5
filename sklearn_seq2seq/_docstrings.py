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

    On a class, the docstrings of the functions it defines are filled too.

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
    if isinstance(obj, type):
        for member in vars(obj).values():
            if callable(member) and getattr(member, "__doc__", None):
                fill_doc(member)
    return obj


# -- the estimators' parameters and attributes ------------------------------------
docdict.update(
    recurrent_only="""\
``cell``, ``decoder``, ``attention``, ``input_feeding``, ``bidirectional``
and ``embedding_dim`` are recurrent-only and ignored by the Transformer
(token embeddings have ``hidden_dim`` features). See the user guide,
"Transformer architecture".""",
    cell="""\
cell : {"gru", "lstm", "rnn"}, default="gru"
    Recurrent cell of the encoder and decoder.""",
    n_heads="""\
n_heads : int, default=4
    Attention heads of ``architecture="transformer"`` (ignored otherwise);
    ``hidden_dim`` must be divisible by it.""",
    feedforward_dim="""\
feedforward_dim : int, default=None
    Inner size of the Transformer's feed-forward blocks; ``None`` uses
    ``4 * hidden_dim``. Ignored with ``architecture="rnn"``.""",
    input_feeding="""\
input_feeding : bool, default=True
    Attention decoder only (ignored by the other modes). True: the attention
    context, computed from the previous decoder state, is fed into the RNN
    with the previous output (Bahdanau et al.). False: the RNN reads only the
    previous output and attends with its new state (Luong et al.'s global
    attention without input feeding); under full teacher forcing the whole
    decoder then runs as one RNN call and the attention of all steps at once,
    which trains much faster on a GPU. The two are different models.""",
    max_epochs="""\
max_epochs : int, default=30
    Number of passes over the training data.""",
    batch_size="""\
batch_size : int, default=32
    Samples per optimisation step.""",
    lr="""\
lr : float, default=None
    Learning rate of the optimizer. ``None`` scales it with the model size,
    ``0.005 * min(1, sqrt(16 / hidden_dim))`` (0.005 up to ``hidden_dim=16``,
    0.0025 at 64, 0.00125 at 256): at 0.005, models of 64 or more units
    diverged on long sequences (see the user guide), while small ones learn
    fastest with it. With ``architecture="transformer"`` it is
    ``0.002 * min(1, sqrt(16 / hidden_dim))`` (0.001 at 64), the peak of the
    Noam warm-up that ``lr_schedule=None`` gives it. The value used is ``lr_``.""",
    lr_schedule="""\
lr_schedule : {"constant", "plateau", "noam"}, default=None
    Learning-rate schedule, through skorch's ``LRScheduler`` (the rate used
    is recorded per epoch, or per batch for ``"noam"``, as ``event_lr`` in the
    net's history). ``"constant"``: ``lr`` throughout. ``None``: ``"noam"``
    with ``architecture="transformer"``, ``"constant"`` for RNNs.
    ``"plateau"``: PyTorch's ``ReduceLROnPlateau`` halves the rate after 2
    epochs without a lower ``valid_loss`` (``train_loss`` without validation
    data). ``"noam"`` (Vaswani et al., 2017): linear warm-up over
    ``warmup_steps`` optimizer steps up to ``lr``, then decay with
    ``1 / sqrt(step)``; ``lr`` is the peak rate (fairseq's ``inverse_sqrt``
    convention). Schedules continue where they were with ``warm_start``.""",
    warmup_steps="""\
warmup_steps : int, default=None
    Warm-up optimizer steps of ``lr_schedule="noam"`` (OpenNMT's name;
    ignored by the other schedules). ``None``: 10 % of the optimizer steps the
    first fit plans (``max_epochs`` times the batches per epoch), at least 1;
    the value used is ``warmup_steps_``.""",
    optimizer="""\
optimizer : {"adam", "adamw", "sgd", "rmsprop"} or torch optimizer class, \
default="adam"
    The optimizer, by name or as a ``torch.optim.Optimizer`` subclass.""",
    clip_grad_norm="""\
clip_grad_norm : float or None, default=1.0
    Gradient norm clipping (skorch's ``GradientNormClipping``); None disables it.""",
    early_stopping="""\
early_stopping : bool, default=False
    Hold out ``validation_fraction`` of the data and stop when the validation
    loss has not improved for ``n_iter_no_change`` epochs (skorch's
    ``EarlyStopping``), restoring the best weights.""",
    warm_start="""\
warm_start : bool, default=False
    When True, ``fit`` on a fitted estimator continues training from the
    current weights and optimizer state for ``max_epochs`` more epochs
    (``history_`` goes on), reading the data with the vocabularies of the
    first fit; the network's parameters must not change in between. When
    False, ``fit`` starts over.""",
    validation_fraction="""\
validation_fraction : float, default=0.1
    Share of the training data held out when ``early_stopping`` is on.""",
    n_iter_no_change="""\
n_iter_no_change : int, default=5
    Patience of early stopping, in epochs.""",
    callbacks="""\
callbacks : list of skorch callbacks, default=None
    Extra skorch callbacks (or ``(name, callback)`` pairs); copied in ``fit``.""",
    device="""\
device : {"auto", "cpu", "cuda", "cuda:N"}, default="auto"
    ``"auto"`` uses CUDA when it is available, else the CPU.""",
    accelerator="""\
accelerator : accelerate.Accelerator, default=None
    Train through Hugging Face accelerate (skorch's ``AccelerateMixin``): the
    accelerator places the model, optimizer and batches (``device`` is then
    used for prediction only), for mixed precision (``mixed_precision="bf16"``)
    or data-parallel training on several GPUs with ``accelerate launch``. Needs
    ``pip install "sklearn-seq2seq[accelerate]"``. See the user guide,
    "Scaling out".""",
    n_jobs="""\
n_jobs : int, default=None
    CPU threads torch may use while fitting and predicting (restored
    afterwards). ``None`` means 1: small recurrent networks gain little from
    more, and lose much when other processes share the cores; ``-1`` uses all
    cores.""",
    random_state="""\
random_state : int, RandomState instance or None, default=None
    Seeds initialisation, shuffling, dropout and teacher-forcing draws; global
    random state is left untouched.""",
    verbose="""\
verbose : {0, 1, 2}, default=0
    0 silent, 1 the epoch table, 2 also a progress bar.""",
    # Attributes.
    net_="""\
net_ : skorch.NeuralNet
    The trained skorch net; the PyTorch module is ``net_.module_``.""",
    history_="""\
history_ : pandas.DataFrame
    One row per epoch (``epoch``, ``train_loss``, ``valid_loss`` with
    validation data, ``dur``...), indexed by epoch.""",
    n_features_in_="""\
n_features_in_ : int
    Features of a float ``X`` (columns of a 2-D array, last axis of a 3-D one).""",
    training_attributes="""\
lr_ : float
    The learning rate used (``lr``, or the size-scaled default).
warmup_steps_ : int or None
    The Noam warm-up used (``lr_schedule="noam"``), else None.
n_epochs_ : int
    Epochs trained in all (over every warm-started ``fit``).
interrupted_ : bool
    Whether the last ``fit`` ended before ``max_epochs`` for no reason of its
    own (Ctrl-C); early stopping does not count.""",
    # Method parameters.
    X_source="""\
X : iterable of str or token lists, or array
    Source sequences.""",
    X_fitted="""\
X : iterable of str or token lists, or array
    Sequences of the kind seen in ``fit``.""",
)

# The setup of the estimators' examples: a small reversal task.
docdict["reversal_example"] = """\
>>> from sklearn_seq2seq import Seq2SeqTransformer
>>> X = ["1 2 3", "4 5", "6 7 8 9", "2 4"] * 10
>>> y = [" ".join(reversed(s.split())) for s in X]
>>> model = Seq2SeqTransformer(hidden_dim=16, max_epochs=2, random_state=0)"""

# Runs of parameters in the order both estimators list them.
docdict["schedule_parameters"] = "\n".join(
    docdict[name]
    for name in ("max_epochs", "batch_size", "lr", "lr_schedule", "warmup_steps")
)
docdict["training_parameters"] = "\n".join(
    docdict[name]
    for name in (
        "optimizer",
        "clip_grad_norm",
        "early_stopping",
        "warm_start",
        "validation_fraction",
        "n_iter_no_change",
        "callbacks",
        "device",
        "accelerator",
        "n_jobs",
        "random_state",
        "verbose",
    )
)
