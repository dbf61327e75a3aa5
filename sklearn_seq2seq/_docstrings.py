"""Docstring parts written once and filled into several docstrings.

Every part of the package is registered here, in this one module, and each part
documents one parameter, one attribute or one return value (never a run of them,
never a section header), so that a docstring lists its entries one placeholder line
each, in its signature's order. Only :mod:`sklearn_seq2seq.nn` has none: it depends on
nothing else in the package, so its docstrings are written inline.

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
# One part per parameter that both Seq2SeqTransformer and Seq2SeqClassifier take,
# word for word in both; where a parameter does something else in each (the
# classifier has labels, not target sequences), two parts, ``seq2seq_NAME`` and
# ``classifier_NAME``.

_RECURRENT_ONLY = """\
``cell``, ``decoder``, ``attention``, ``input_feeding``, ``bidirectional``
and ``embedding_dim`` are recurrent-only and ignored by the Transformer
(token embeddings have ``hidden_dim`` features). See the user guide,
"Transformer architecture"."""

docdict.update(
    seq2seq_architecture=f"""\
architecture : {{"rnn", "transformer"}}, default="rnn"
    ``"rnn"``: recurrent encoder and decoder (``cell`` picks GRU, LSTM or plain
    RNN cells). ``"transformer"``: a pre-norm Transformer
    encoder–decoder (Vaswani et al., 2017) with sinusoidal positions, padding
    and causal masks: ``depth`` counts its layers, ``hidden_dim`` is the model
    size, ``n_heads`` and ``feedforward_dim`` shape the layers, ``dropout``
    applies throughout. Decoding caches each layer's keys and values, so a
    step does not recompute the prefix; ``predict_with_attention`` returns the
    last decoder layer's cross-attention averaged over the heads.
{_indented(_RECURRENT_ONLY, "    ")}""",
    classifier_architecture=f"""\
architecture : {{"rnn", "transformer"}}, default="rnn"
    ``"rnn"``: recurrent encoder and decoder (``cell`` picks GRU, LSTM or plain
    RNN cells). ``"transformer"``: a Transformer encoder (Vaswani et al.,
    2017; PyTorch's ``nn.TransformerEncoderLayer``, pre-norm), its states
    averaged over the real positions, then a linear softmax layer: the classic
    Transformer-encoder sequence classifier. ``depth`` counts its layers (the
    first of a pair), ``hidden_dim`` is the model size, ``n_heads`` and
    ``feedforward_dim`` shape the layers; ``output_length``, ``output_dim`` and
    the recurrent-only parameters are ignored.
{_indented(_RECURRENT_ONLY, "    ")}""",
    cell="""\
cell : {"gru", "lstm", "rnn"}, default="gru"
    Recurrent cell of the encoder and decoder (``architecture="rnn"``).""",
    hidden_dim="""\
hidden_dim : int, default=64
    Width of the network. ``architecture="rnn"``: size of the recurrent states
    (per direction in a bidirectional encoder, whose two directions are
    projected back to ``hidden_dim``) and, with ``embedding_dim=None``, of the
    embeddings. ``architecture="transformer"``: the model size ``d_model`` of
    the embeddings, attention and layer outputs; it must be divisible by
    ``n_heads``. The default ``lr`` scales with it.""",
    embedding_dim="""\
embedding_dim : int, default=None
    Size of the token embeddings and of the linear projection of float inputs,
    in the encoder and in the decoder; ``None`` uses ``hidden_dim``.
    ``architecture="rnn"`` only: the Transformer's have ``hidden_dim``
    features.""",
    depth="""\
depth : int or tuple of (int, int), default=1
    Number of layers of the encoder and of the decoder, or
    ``(encoder_layers, decoder_layers)``. When a recurrent encoder and decoder
    have different numbers of layers, the top layers are aligned: decoder
    layer ``i`` counted from the top starts from encoder layer ``i`` counted
    from the top; extra decoder layers start from the encoder's top layer. A
    network without a decoder (``Seq2SeqClassifier`` with
    ``architecture="transformer"``) has ``encoder_layers`` layers.""",
    n_heads="""\
n_heads : int, default=4
    Attention heads of ``architecture="transformer"`` (ignored otherwise);
    ``hidden_dim`` must be divisible by it.""",
    feedforward_dim="""\
feedforward_dim : int, default=None
    Inner size of the Transformer's feed-forward blocks; ``None`` uses
    ``4 * hidden_dim``. Ignored with ``architecture="rnn"``.""",
    decoder="""\
decoder : {"simple", "feedback", "peek", "attention"}, default="attention"
    Decoder mode. ``"simple"``: the context vector is the input at every step;
    ``"feedback"``: the previous output is the input, the context only
    initialises the state; ``"peek"``: previous output and context;
    ``"attention"``: previous output and an attention context over all encoder
    states, recomputed every step. The previous output is the previous target
    token (the true one under teacher forcing) in ``Seq2SeqTransformer``, the
    decoder's own ``output_dim`` outputs in ``Seq2SeqClassifier``.""",
    attention="""\
attention : {"additive", "dot", "general", "concat"}, default="additive"
    Attention score (``decoder="attention"`` only): Bahdanau's additive score or
    Luong's dot, general and concat scores.""",
    input_feeding="""\
input_feeding : bool, default=True
    Attention decoder only (ignored by the other modes). True: the attention
    context, computed from the previous decoder state, is fed into the RNN
    with the previous output (Bahdanau et al.). False: the RNN reads only the
    previous output and attends with its new state (Luong et al.'s global
    attention without input feeding); under full teacher forcing the whole
    decoder then runs as one RNN call and the attention of all steps at once,
    which trains much faster on a GPU. The two are different models.""",
    seq2seq_tie_embeddings="""\
tie_embeddings : bool, default=False
    Share one weight matrix between the decoder's input embedding and its
    output projection (Press & Wolf, 2017; Inan et al., 2017): fewer
    parameters, often better small models. Token targets and decoders that
    read their previous output (``"feedback"``, ``"peek"``, ``"attention"``)
    only; needs ``embedding_dim=None`` or ``== hidden_dim`` (else
    ``ValueError``). Where there is nothing to tie (``decoder="simple"``,
    float targets) it is ignored with a ``UserWarning``, so that a grid
    search may cross it with ``decoder``.""",
    classifier_tie_embeddings="""\
tie_embeddings : bool, default=False
    Ignored (with a ``UserWarning`` when True): the classifier's decoder has
    no token embedding to tie. Kept so both estimators share their
    parameters.""",
    bidirectional="""\
bidirectional : bool, default=False
    Bidirectional recurrent encoder: the outputs and final states of both
    directions are concatenated and projected back to ``hidden_dim``, so the
    decoder sees the same sizes either way.""",
    dropout="""\
dropout : float, default=0.0
    Dropout rate. ``architecture="rnn"``: on the embeddings (or input
    projections), between recurrent layers and before the decoder's output
    layer. ``architecture="transformer"``: on the embeddings plus positions,
    the attention weights, the feed-forward blocks and the residual branches
    (and, in ``Seq2SeqClassifier``, on the averaged states before the softmax
    layer).""",
    seq2seq_teacher_forcing_ratio="""\
teacher_forcing_ratio : float, default=1.0
    Probability of feeding the true previous token while training, drawn per
    step and per sequence (1 = always, 0 = always the model's own prediction).""",
    classifier_teacher_forcing_ratio="""\
teacher_forcing_ratio : float, default=1.0
    Not used by the classifier (its decoder has no target sequence to force);
    kept so that both estimators share their parameters. Any other value than
    1.0 warns, as scikit-learn's text vectorizers do for parameters they
    ignore.""",
    seq2seq_analyzer="""\
analyzer : {"word", "char", "bpe", "wordpiece", "unigram"}, default="word"
    How string inputs and targets are split into tokens (and predictions joined):
    words separated by whitespace, characters, or subword pieces of a
    vocabulary learned in ``fit`` (byte-pair encoding, WordPiece or the Unigram
    language model, trained by HuggingFace ``tokenizers``, an optional
    dependency: ``pip install sklearn-seq2seq[subword]``); ``X`` and ``y``
    each get their own subword vocabulary of ``max_tokens`` ids, and
    predictions are whole strings, joined back exactly as
    :class:`~sklearn_seq2seq.SequenceVectorizer` does (see the user guide,
    "Subword vocabularies"). Token lists are not analyzed (subword analyzers
    reject them). ``source_analyzer`` and ``target_analyzer`` override it for
    one side.""",
    classifier_analyzer="""\
analyzer : {"word", "char", "bpe", "wordpiece", "unigram"}, default="word"
    How string inputs are split into tokens: words, characters, or subword
    pieces of a vocabulary of ``max_tokens`` ids learned in ``fit`` (BPE,
    WordPiece or Unigram, trained by HuggingFace ``tokenizers``, an optional
    dependency: ``pip install sklearn-seq2seq[subword]``).""",
    seq2seq_lowercase="""\
lowercase : bool, default=False
    Lowercase ``X`` before it is split into tokens (string tokens of token lists
    too), as ``CountVectorizer`` does; targets keep their case, except an
    autoencoder's, which is ``X`` as the encoder reads it.""",
    classifier_lowercase="""\
lowercase : bool, default=False
    Lowercase string inputs (and string tokens of token lists) before they are
    split, as ``CountVectorizer`` does.""",
    seq2seq_strip_accents="""\
strip_accents : {"ascii", "unicode"}, default=None
    Remove accents from ``X`` after lowercasing, as ``CountVectorizer`` does
    (``"ascii"``: characters with a direct ASCII mapping only; ``"unicode"``:
    any character, after NFKD normalization); targets keep theirs, as with
    ``lowercase``.""",
    classifier_strip_accents="""\
strip_accents : {"ascii", "unicode"}, default=None
    Remove accents from string inputs after lowercasing, as
    ``CountVectorizer`` does (``"ascii"``: characters with a direct ASCII
    mapping only; ``"unicode"``: any character, after NFKD normalization).""",
    seq2seq_max_tokens="""\
max_tokens : int, default=None
    Most ids of each vocabulary (``X`` and ``y`` separately), counting the
    reserved ids (2 for ``X``: padding and unknown; 4 for ``y``: also
    ``<bos>`` and ``<eos>``), at least 5. Words and characters: the most
    frequent tokens are kept, None keeps all. Subword analyzers: the size of
    the subword vocabularies; None means 1000.""",
    classifier_max_tokens="""\
max_tokens : int, default=None
    Most ids of the input vocabulary, counting padding and unknown, at least
    5. Words and characters: the most frequent tokens are kept, None keeps
    all. Subword analyzers: the subword vocabulary size; None means 1000.""",
    input_kind="""\
input_kind : {"auto", "tokens", "continuous"}, default="auto"
    How ``X`` is read. ``"auto"``: strings and token lists are tokens, integer
    arrays token ids, float arrays (or sequences of floats) continuous values; a
    list of sequences mixing ints and floats is ambiguous and raises.
    ``"tokens"``: every value is a token. ``"continuous"``: numbers are
    continuous values, integer arrays too (pixel counts, say).""",
    max_epochs="""\
max_epochs : int, default=30
    Number of passes over the training data.""",
    batch_size="""\
batch_size : int, default=32
    Samples per optimisation step.""",
    group_by_length="""\
group_by_length : bool, default=False
    Form each training batch of sequences of similar length (source plus
    target), as NMT toolkits batch: every epoch the shuffled data is cut into
    pools of 50 batches, each pool sorted by length and cut into batches, and the
    batches shuffled. Less of each batch is padding (CMUdict G2P: 11 % instead
    of 42 % of the positions), so epochs on data of varying lengths are faster
    (G2P: a third), while the order stays random and follows ``random_state``.
    Off by default: at equal epochs G2P ended 0.6-0.9 WER points worse, at
    equal time better (see the benchmarks page). False: batches of randomly
    drawn samples.""",
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
    seq2seq_label_smoothing="""\
label_smoothing : float, default=0.0
    Label smoothing of the cross-entropy (PyTorch's ``label_smoothing``): the target
    distribution puts ``1 - label_smoothing`` on the true token and spreads
    ``label_smoothing`` uniformly over all ids of the target vocabulary; padding
    positions are still ignored. Ignored (with a ``UserWarning``) for float targets,
    which are learned with mean squared error.""",
    classifier_label_smoothing="""\
label_smoothing : float, default=0.0
    Label smoothing of the cross-entropy (PyTorch's ``label_smoothing``): the target
    distribution puts ``1 - label_smoothing`` on the true class and spreads
    ``label_smoothing`` uniformly over all classes.""",
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
    or data-parallel training on several processes (GPUs, machines or CPU
    cores) started with ``accelerate launch`` or ``torchrun``, where
    ``batch_size`` is per process. Needs
    ``pip install "sklearn-seq2seq[accelerate]"``. See "Training on several
    devices" in the documentation.""",
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
    lr_="""\
lr_ : float
    The learning rate used (``lr``, or the size-scaled default).""",
    warmup_steps_="""\
warmup_steps_ : int or None
    The Noam warm-up used (``lr_schedule="noam"``), else None.""",
    n_epochs_="""\
n_epochs_ : int
    Epochs trained in all (over every warm-started ``fit``).""",
    interrupted_="""\
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

# The setup of the estimators' examples, a small reversal task: not a parameter but
# one unit of shared text (four doctest lines that only make sense together).
docdict["reversal_example"] = """\
>>> from sklearn_seq2seq import Seq2SeqTransformer
>>> X = ["1 2 3", "4 5", "6 7 8 9", "2 4"] * 10
>>> y = [" ".join(reversed(s.split())) for s in X]
>>> model = Seq2SeqTransformer(hidden_dim=16, max_epochs=2, random_state=0)"""

# -- tokenize (sklearn_seq2seq._data._validation) ---------------------------------
docdict.update(
    tokenize_analyzer="""\
analyzer : {"word", "char"} or callable, default="word"
    How strings are split: ``"word"`` is ``str.split()`` (runs of whitespace),
    ``"char"`` is ``list(str)``, a callable maps a string to an iterable of
    hashable tokens. Not applied to token sequences.""",
    tokenize_lowercase="""\
lowercase : bool, default=False
    Lowercase strings before they are split; for token sequences, lowercase the
    tokens that are strings.""",
    tokenize_strip_accents="""\
strip_accents : {"ascii", "unicode"} or None, default=None
    Remove accents after lowercasing (see :func:`standardize`), from strings
    and from the string tokens of token sequences.""",
    tokenize_name="""\
name : str, default="X"
    Parameter name used in error messages.""",
    tokenize_tokens="""\
tokens : list of list of hashable
    One new token list per sample.""",
)

# -- the data sets (sklearn_seq2seq.datasets) ---------------------------------------
docdict.update(
    dataset_test_size="""\
test_size : float, default=0.2
    Fraction of the pairs in the test split, in (0, 1).""",
    dataset_random_state="""\
random_state : int, RandomState instance or None, default=0
    Seed of the draw and the split. Pass an int for reproducible output.""",
    # make_sorting and make_reversal.
    symbol_task_n_samples="""\
n_samples : int, default=2000
    Number of pairs. Must not exceed the number of distinct sequences,
    ``sum(n_symbols ** L for L in range(min_length, max_length + 1))``.""",
    symbol_task_min_length="""\
min_length : int, default=3
    Shortest sequence.""",
    symbol_task_max_length="""\
max_length : int, default=8
    Longest sequence, at least ``min_length``.""",
    symbol_task_n_symbols="""\
n_symbols : int, default=10
    Size of the vocabulary.""",
)
