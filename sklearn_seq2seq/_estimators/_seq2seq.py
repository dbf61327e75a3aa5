"""Seq2SeqTransformer: sequences to sequences with the scikit-learn API."""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any

import numpy as np
import torch
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin, _fit_context
from sklearn.metrics import r2_score
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted

from .._data._codec import SequenceCodec, as_reusable
from .._data._subwords import SUBWORD_ANALYZERS
from .._data._validation import IntervalNotBool as Interval
from .._data._validation import check_sequences, tokenize
from .._data._vocabulary import BOS_INDEX, PAD_INDEX
from .._decoding import (
    SAMPLING,
    Decoding,
    ValidationSequenceScore,
    copied_tokens,
    decode_nbest,
    regress,
    search_nbest,
    search_tokens,
)
from .._docstrings import fill_doc
from .._persistence import register
from .._training._callbacks import epoch_scoring
from ..metrics import sequence_metric
from ..nn import (
    build_encoder_decoder,
    build_transformer,
)
from ._base import BaseSeq2Seq, _check_n_samples
from ._params import MAX_OUTPUT_LENGTH, ignored_parameters, warn_ignored

TEXT_KINDS = ("str", "tokens")  # the kinds that lowercase applies to


@register
@fill_doc
class Seq2SeqTransformer(
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseSeq2Seq
):
    """Encoder–decoder network that maps sequences to sequences.

    A *transformer* in scikit-learn's sense (it has ``transform``, giving encoder
    features). The network is recurrent by default (GRU, LSTM or plain RNN cells),
    or a Transformer network with ``architecture="transformer"``. Trained through
    skorch on PyTorch. Token targets (strings, token lists, id arrays) are learned
    with a softmax and a cross-entropy that ignores padding and predicted by greedy
    search, batched beam search or sampling (see ``decoding``); float targets are
    learned with mean squared error and predicted for as many steps as the training
    targets had.

    Parameters
    ----------
    %(seq2seq_architecture)s
    %(cell)s
    %(hidden_dim)s
    %(embedding_dim)s
    %(depth)s
    %(n_heads)s
    %(feedforward_dim)s
    %(decoder)s
    %(attention)s
    %(input_feeding)s
    %(seq2seq_tie_embeddings)s
    %(bidirectional)s
    %(dropout)s
    %(seq2seq_teacher_forcing_ratio)s
    %(seq2seq_analyzer)s
    source_analyzer : {"word", "char", "bpe", "wordpiece", "unigram"}, default=None
        How ``X`` is split when it differs from the targets; None follows
        ``analyzer``. Grapheme-to-phoneme conversion, say, reads plain words by
        characters and predicts space-separated phonemes:
        ``Seq2SeqTransformer(source_analyzer="char")`` on ``"speech"`` →
        ``"S P IY CH"``.
    target_analyzer : {"word", "char", "bpe", "wordpiece", "unigram"}, default=None
        How ``y`` is split, and predictions joined back, when it differs from
        ``X``; None follows ``analyzer``. :meth:`score` and the package's scorers
        compare predictions over the target side's tokens. An autoencoder's target
        is ``X``, read by the source analyzer.
    %(seq2seq_lowercase)s
    %(seq2seq_strip_accents)s
    %(seq2seq_max_tokens)s
    %(input_kind)s
    beam_width : int, default=1
        1 decodes greedily; more uses batched beam search.
    length_penalty : float, default=0.0
        GNMT's length penalty ``alpha`` for beam search, ``((5 + L) / 6) ** alpha``.
    max_output_length : int, default=None
        Most tokens predicted per sequence, at most 10000; ``None`` = twice the
        longest training target, plus 2.
    decoding : {"greedy", "beam", "sample"}, default=None
        How token targets are generated (see the user guide, "Decoding options").
        ``None``: greedy search when ``beam_width == 1``, beam search otherwise (the
        behaviour before this parameter existed). ``"greedy"``: the most probable
        token at every step (``beam_width`` is ignored). ``"beam"``: beam search
        with ``beam_width`` hypotheses. ``"sample"``: every token drawn from the
        model's distribution, shaped by ``temperature``, ``top_k`` and ``top_p``;
        the draws are a function of ``random_state``, the source sequence and the
        step, so a sequence decodes the same alone and in any batch.
    temperature : float, default=1.0
        ``decoding="sample"`` only: the log-probabilities are divided by it
        (> 0); below 1 sharpens the distribution (towards greedy), above 1
        flattens it.
    top_k : int, default=None
        ``decoding="sample"`` only: draw among the ``top_k`` most probable tokens
        (``top_k=1`` is greedy search).
    top_p : float, default=None
        ``decoding="sample"`` only: nucleus sampling, draw among the smallest set
        of most probable tokens whose probability reaches ``top_p`` (in (0, 1]).
    min_output_length : int, default=0
        ``<eos>`` is forbidden until this many tokens have been predicted (greedy,
        beam search and sampling), unless the maximum length comes first.
    no_repeat_ngram_size : int, default=0
        When ``n > 0``, no n-gram of ``n`` tokens occurs twice in a prediction
        (fairseq's and Hugging Face's option); 0 is off.
    repetition_penalty : float, default=1.0
        CTRL's repetition penalty (>= 1): the log-probability of every token
        already in the prediction is multiplied by it (log-probabilities are <= 0,
        so they fall); 1 is off.
    max_length_a : float, default=None
        fairseq's ``--max-len-a``: when set, a prediction has at most
        ``int(max_length_a * source_length + max_length_b)`` tokens (at least 1,
        at most ``max_output_length_``). ``None``: ``max_output_length_`` alone.
    max_length_b : int, default=0
        fairseq's ``--max-len-b``, used with ``max_length_a`` only.
    replace_unknown : bool, default=False
        Attention decoder only (``predict`` raises otherwise): let the model
        predict the unknown token ``<unk>`` and replace each one with the source
        token that has the highest attention weight at that step (OpenNMT's
        ``replace_unk``), so that names and numbers unseen in training can be
        copied. The model must have learned to predict ``<unk>``: fit with
        ``min_frequency >= 2``, so that rare training tokens are read as
        ``<unk>``.
    min_frequency : int, default=1
        Tokens seen fewer times in the training data (source and target counted
        apart) are read as the unknown token ``<unk>`` (OpenNMT's
        ``words_min_frequency``). Unlike the decoding options above, it changes
        training.
    autoencoder : bool, default=False
        Ignore ``y`` and learn to reproduce ``X`` (a sequence autoencoder, Dai &
        Le, 2015), so that the estimator can sit before a classifier in a
        Pipeline, which passes the labels to every step:
        ``make_pipeline(Seq2SeqTransformer(autoencoder=True),
        LogisticRegression())``. ``fit(X)`` without ``y`` does the same.
    validation_scoring : {"bleu", "chrf", "exact_match"}, default=None
        With validation data (``X_val``/``y_val`` in ``fit``, or
        ``early_stopping=True``), also decode the validation data greedily (with
        ``min_output_length``, ``no_repeat_ngram_size``, ``repetition_penalty`` and
        ``max_length_a``/``max_length_b``) after every epoch and report this metric
        (as :data:`bleu_scorer`, :data:`chrf_scorer` or :data:`exact_match_scorer`
        compute it, over target tokens) in ``history_`` as ``valid_bleu``,
        ``valid_chrf`` or ``valid_exact_match``; early stopping then watches it
        instead of the validation loss. Token targets only.
    %(max_epochs)s
    %(batch_size)s
    %(group_by_length)s
    %(lr)s
    %(lr_schedule)s
    %(warmup_steps)s
    %(seq2seq_label_smoothing)s
    %(optimizer)s
    %(clip_grad_norm)s
    %(early_stopping)s
    %(warm_start)s
    %(validation_fraction)s
    %(n_iter_no_change)s
    %(callbacks)s
    %(device)s
    %(accelerator)s
    %(n_jobs)s
    %(random_state)s
    %(verbose)s

    Attributes
    ----------
    %(net_)s
    %(history_)s
    source_codec_, target_codec_ : object
        How inputs and targets are read; ``target_codec_.itos_`` is the target
        vocabulary for token targets (0 pad, 1 unknown, 2 ``<bos>``, 3 ``<eos>``).
    %(n_features_in_)s
    max_output_length_ : int
        The ``max_output_length`` used by ``predict``.
    autoencoder_ : bool
        Whether the model was fitted as an autoencoder (``autoencoder=True`` or
        ``y=None``): only then may ``score`` be called without ``y``.
    %(lr_)s
    %(warmup_steps_)s
    %(n_epochs_)s
    %(interrupted_)s
    target_mean_, target_scale_ : ndarray of shape (n_target_features,)
        Float targets only: the per-feature mean and standard deviation the
        targets were standardised with for training; predictions are mapped back.

    See Also
    --------
    Seq2SeqClassifier : Sequences to labels.
    SequenceVectorizer : Strings to padded id arrays.

    Examples
    --------
    %(reversal_example)s
    >>> model.fit(X, y).predict(["1 2 3"]).shape
    (1,)
    >>> model.transform(["1 2 3"]).shape
    (1, 16)

    A subword vocabulary (``pip install sklearn-seq2seq[subword]``) of at most
    ``max_tokens`` pieces for ``X`` and for ``y``; predictions are whole strings:

    >>> words = ["kalo", "kalomi", "mine", "minera", "ruta", "rutami"]
    >>> X = [f"{a} {b}" for a in words for b in words] * 2
    >>> y = [" ".join(reversed(s.split())) for s in X]
    >>> model = Seq2SeqTransformer(analyzer="bpe", max_tokens=20, hidden_dim=16,
    ...                            max_epochs=2, random_state=0)
    >>> model.fit(X, y).target_codec_.vocab_size <= 20
    True
    >>> isinstance(model.predict(["kalo rutami"])[0], str)
    True
    """

    _parameter_constraints: dict = {
        **BaseSeq2Seq._parameter_constraints,
        "source_analyzer": [StrOptions({"word", "char", *SUBWORD_ANALYZERS}), None],
        "target_analyzer": [StrOptions({"word", "char", *SUBWORD_ANALYZERS}), None],
        "beam_width": [Interval(Integral, 1, None, closed="left")],
        "length_penalty": [Interval(Real, 0, None, closed="left")],
        "max_output_length": [
            Interval(Integral, 1, MAX_OUTPUT_LENGTH, closed="both"),
            None,
        ],
        "decoding": [StrOptions({"greedy", "beam", "sample"}), None],
        "temperature": [Interval(Real, 0, None, closed="neither")],
        "top_k": [Interval(Integral, 1, None, closed="left"), None],
        "top_p": [Interval(Real, 0, 1, closed="right"), None],
        "min_output_length": [Interval(Integral, 0, None, closed="left")],
        "no_repeat_ngram_size": [Interval(Integral, 0, None, closed="left")],
        "repetition_penalty": [Interval(Real, 1, None, closed="left")],
        "max_length_a": [Interval(Real, 0, None, closed="left"), None],
        "max_length_b": [Interval(Integral, 0, None, closed="left")],
        "replace_unknown": ["boolean"],
        "min_frequency": [Interval(Integral, 1, None, closed="left")],
        "autoencoder": ["boolean"],
        "validation_scoring": [StrOptions({"bleu", "chrf", "exact_match"}), None],
    }

    def __init__(
        self,
        *,
        architecture: str = "rnn",
        cell: str = "gru",
        hidden_dim: int = 64,
        embedding_dim: int | None = None,
        depth: int | tuple[int, int] = 1,
        n_heads: int = 4,
        feedforward_dim: int | None = None,
        decoder: str = "attention",
        attention: str = "additive",
        input_feeding: bool = True,
        tie_embeddings: bool = False,
        bidirectional: bool = False,
        dropout: float = 0.0,
        teacher_forcing_ratio: float = 1.0,
        analyzer: str = "word",
        source_analyzer: str | None = None,
        target_analyzer: str | None = None,
        lowercase: bool = False,
        strip_accents: str | None = None,
        max_tokens: int | None = None,
        input_kind: str = "auto",
        beam_width: int = 1,
        length_penalty: float = 0.0,
        max_output_length: int | None = None,
        decoding: str | None = None,
        temperature: float = 1.0,
        top_k: int | None = None,
        top_p: float | None = None,
        min_output_length: int = 0,
        no_repeat_ngram_size: int = 0,
        repetition_penalty: float = 1.0,
        max_length_a: float | None = None,
        max_length_b: int = 0,
        replace_unknown: bool = False,
        min_frequency: int = 1,
        autoencoder: bool = False,
        validation_scoring: str | None = None,
        max_epochs: int = 30,
        batch_size: int = 32,
        group_by_length: bool = False,
        lr: float | None = None,
        lr_schedule: str | None = None,
        warmup_steps: int | None = None,
        label_smoothing: float = 0.0,
        optimizer: Any = "adam",
        clip_grad_norm: float | None = 1.0,
        early_stopping: bool = False,
        warm_start: bool = False,
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 5,
        callbacks: list | None = None,
        device: str = "auto",
        accelerator: Any = None,
        n_jobs: int | None = None,
        random_state: Any = None,
        verbose: int = 0,
    ) -> None:
        self.architecture = architecture
        self.cell = cell
        self.hidden_dim = hidden_dim
        self.embedding_dim = embedding_dim
        self.depth = depth
        self.n_heads = n_heads
        self.feedforward_dim = feedforward_dim
        self.decoder = decoder
        self.attention = attention
        self.input_feeding = input_feeding
        self.tie_embeddings = tie_embeddings
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.teacher_forcing_ratio = teacher_forcing_ratio
        self.analyzer = analyzer
        self.source_analyzer = source_analyzer
        self.target_analyzer = target_analyzer
        self.lowercase = lowercase
        self.strip_accents = strip_accents
        self.max_tokens = max_tokens
        self.input_kind = input_kind
        self.beam_width = beam_width
        self.length_penalty = length_penalty
        self.max_output_length = max_output_length
        self.decoding = decoding
        self.temperature = temperature
        self.top_k = top_k
        self.top_p = top_p
        self.min_output_length = min_output_length
        self.no_repeat_ngram_size = no_repeat_ngram_size
        self.repetition_penalty = repetition_penalty
        self.max_length_a = max_length_a
        self.max_length_b = max_length_b
        self.replace_unknown = replace_unknown
        self.min_frequency = min_frequency
        self.autoencoder = autoencoder
        self.validation_scoring = validation_scoring
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.group_by_length = group_by_length
        self.lr = lr
        self.lr_schedule = lr_schedule
        self.warmup_steps = warmup_steps
        self.label_smoothing = label_smoothing
        self.optimizer = optimizer
        self.clip_grad_norm = clip_grad_norm
        self.early_stopping = early_stopping
        self.warm_start = warm_start
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.callbacks = callbacks
        self.device = device
        self.accelerator = accelerator
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(
        self, X: Any, y: Any = None, *, X_val: Any = None, y_val: Any = None
    ) -> Seq2SeqTransformer:
        """Train the network on sequences ``X`` and target sequences ``y``.

        Parameters
        ----------
        X : iterable of str or token lists, or array of shape (n_samples, n_steps) \
                or (n_samples, n_steps, n_features)
            Source sequences. Integer arrays are token ids (0 = padding), float arrays
            sequences of scalars or vectors; a pandas Series of strings or token lists
            works too.
        y : same kinds as X, default=None
            Target sequences; ``None`` trains a sequence autoencoder (target = X).
            Ignored when ``autoencoder=True``.
        X_val : same kind as X, default=None
            Validation sources (see ``y_val``).
        y_val : same kind as y, default=None
            Validation data, read like ``X`` and ``y`` (``y_val=None`` for an
            autoencoder). Each epoch then reports ``valid_loss`` (and the
            ``validation_scoring`` metric) in ``history_``, ``early_stopping``
            watches them instead of holding out ``validation_fraction``, and the
            fit ends with the weights of the epoch with the best validation loss
            (or ``validation_scoring`` metric), as NMT toolkits keep their best
            checkpoint.

        Returns
        -------
        self : Seq2SeqTransformer
            The fitted estimator.
        """
        return self._fit(X, y, X_val=X_val, y_val=y_val)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X: Any, y: Any = None) -> Seq2SeqTransformer:
        """Train for one epoch on a chunk of the data, continuing from the last call.

        For data too large to hold at once: call it once per chunk (read from
        disk, a database or a generator) and again over the chunks for further
        epochs. The first call reads the vocabularies from its chunk, so it should
        hold every token (or a representative sample; later tokens unseen there
        are read as one unknown token, with a warning when they are many).
        As in scikit-learn's ``MLPRegressor.partial_fit``, there is no held-out
        split and no early stopping; ``history_`` gets one row per call.

        Parameters
        ----------
        X : iterable of str or token lists, or array
            Source sequences of this chunk, of the same kind in every call.
        y : same kinds as X, default=None
            Target sequences of this chunk; ``None`` for an autoencoder.

        Returns
        -------
        self : Seq2SeqTransformer
            The estimator, trained one more epoch.

        Examples
        --------
        >>> from sklearn_seq2seq import Seq2SeqTransformer
        >>> def chunks():
        ...     for start in range(0, 40, 20):
        ...         X = [f"{i % 7} {i % 5}" for i in range(start, start + 20)]
        ...         yield X, [" ".join(reversed(x.split())) for x in X]
        >>> model = Seq2SeqTransformer(hidden_dim=8, random_state=0)
        >>> for epoch in range(3):
        ...     for X_chunk, y_chunk in chunks():
        ...         model = model.partial_fit(X_chunk, y_chunk)
        >>> len(model.history_)
        6
        """
        return self._fit(X, y, incremental=True)

    def _fit_targets(
        self, X: Any, y: Any, *, warm: bool, incremental: bool, **options: Any
    ) -> np.ndarray:
        if warm:
            # Continue training: read the targets as the first fit did.
            autoencoder = self.autoencoder_
            target = self.target_codec_.encode(X if autoencoder else as_reusable(y))
        else:
            autoencoder = self.autoencoder or y is None
            if autoencoder:
                # The target is X as the encoder reads it (input_kind, lowercase).
                self.target_codec_ = self._source_codec("X", target=True)
            else:
                self.target_codec_ = SequenceCodec(
                    "y",
                    target=True,
                    analyzer=self._analyzer_for("target"),
                    min_frequency=self.min_frequency,
                    max_tokens=self.max_tokens,
                )
            target = self.target_codec_.fit(X if autoencoder else as_reusable(y))
            if not autoencoder:  # an autoencoder's target is X, checked already
                self._check_analyzer_fits(self.target_codec_, target)
        self.autoencoder_ = autoencoder
        codec = self.target_codec_
        if incremental and warm and codec.is_tokens and self.max_output_length is None:
            # A later chunk may hold longer targets than the first one.
            longest = int(target.lengths.max(initial=2)) - 2  # without <bos>, <eos>
            self.max_output_length_ = max(self.max_output_length_, 2 * longest + 2)
        if not warm:
            if codec.is_tokens:
                self.max_output_length_ = self.max_output_length or (
                    2 * codec.max_length_ + 2
                )
            else:
                # Float targets are learned standardised per feature (and predicted
                # back in their own units): their scale neither slows nor breaks
                # training.
                values = target.data.astype(np.float64)
                self.target_mean_ = values.mean(axis=(0, 1))
                scale = values.std(axis=(0, 1))
                self.target_scale_ = np.where(scale > 0, scale, 1.0)
                self.max_output_length_ = codec.n_steps_
        if self.validation_scoring is not None and not codec.is_tokens:
            raise ValueError(
                f"validation_scoring={self.validation_scoring!r} scores token "
                "sequences, but the targets are float sequences; use "
                "validation_scoring=None (valid_loss is reported)."
            )
        self._n_features_out = self.hidden_dim
        return self._training_targets(target)

    def _ignored_parameter_rules(self) -> list:
        return [
            (
                "teacher_forcing_ratio",
                lambda e: (
                    "decoder='simple' does not read its previous output, so "
                    "there is nothing to force"
                    if e.architecture == "rnn" and e.decoder == "simple"
                    else None
                ),
            ),
            (
                "max_length_b",
                lambda e: (
                    None
                    if e.max_length_a is not None
                    else "it is the offset of max_length_a, which is None"
                ),
            ),
        ]

    def _validation_targets(self, X_val: Any, y_val: Any) -> np.ndarray:
        if y_val is None and not self.autoencoder_:
            raise ValueError(
                "X_val was given without y_val; pass the validation targets too "
                "(y_val=None only for an autoencoder)."
            )
        y_val = X_val if self.autoencoder_ else as_reusable(y_val)
        return self._training_targets(self.target_codec_.encode(y_val))

    def _training_targets(self, target: Any) -> np.ndarray:
        """Encoded targets as the net learns them: ids with ``<bos>``/``<eos>``, or
        standardised vectors after a zero start vector."""
        if self.target_codec_.is_tokens:
            return target.data
        values = target.data.astype(np.float64)
        standardised = ((values - self.target_mean_) / self.target_scale_).astype(
            np.float32
        )
        return np.concatenate([np.zeros_like(standardised[:, :1]), standardised], 1)

    def _validation_scoring(self) -> list:
        if self.validation_scoring is None:
            return []
        name = f"valid_{self.validation_scoring}"
        score = ValidationSequenceScore(
            self.validation_scoring, self.target_codec_.itos_, self._decoding()
        )
        return [epoch_scoring(name, score, lower_is_better=False, use_caching=False)]

    def _early_stopping_monitor(self) -> tuple[str, bool]:
        if self.validation_scoring is None:
            return "valid_loss", True
        return f"valid_{self.validation_scoring}", False

    def _build_module(self) -> torch.nn.Module:
        """The network for the fitted vocabularies / feature sizes (untrained)."""
        codec = self.target_codec_
        target_kwargs: dict[str, Any] = (
            {"trg_vocab_size": codec.vocab_size}
            if codec.is_tokens
            else {"trg_features": codec.n_features_}
        )
        tie = bool(self.tie_embeddings) and self._tie_embeddings_ignored() is None
        build = (
            build_transformer
            if self.architecture == "transformer"
            else build_encoder_decoder
        )
        return build(
            **self._source_kwargs(),
            **target_kwargs,
            **self._network_kwargs(),
            tie_embeddings=tie,
            teacher_forcing_ratio=self.teacher_forcing_ratio,
            pad_index=PAD_INDEX,
            bos_index=BOS_INDEX,
        )

    def _tie_embeddings_ignored(self) -> str | None:
        if not self.target_codec_.is_tokens:
            return "the targets are float sequences, which have no embedding"
        if self.architecture == "rnn" and self.decoder == "simple":
            return (
                "decoder='simple' does not read its previous output, so it has no "
                "input embedding to tie"
            )
        return None

    def _loss_spec(self) -> tuple[str, type[torch.nn.Module], dict[str, Any]]:
        if self.target_codec_.is_tokens:
            return (
                "tokens",
                torch.nn.CrossEntropyLoss,
                {"ignore_index": PAD_INDEX, "label_smoothing": self.label_smoothing},
            )
        return "vectors", torch.nn.MSELoss, {}

    # -- prediction -----------------------------------------------------------------

    def _decoding(self, *, sampling: bool = False) -> Decoding:
        """The decoding the parameters ask for (see ``_decoding``); ``sampling``
        draws the seed of the sampling draws: fixed by an int ``random_state``,
        drawn from a RandomState instance (or numpy's global one for None) at
        every call."""
        seed = None
        if sampling:
            seed = int(
                check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
            )
        return Decoding.from_params(
            self.get_params(deep=False), max_length=self.max_output_length_, seed=seed
        )

    def _check_decoding(self, decoding: Decoding, *, sampling_used: bool) -> None:
        """Parameter checks at prediction time (parameters may be set after
        ``fit``): their ranges, and the options that need one another."""
        self._validate_params()
        codec = self.target_codec_
        if self.replace_unknown:
            if self.decoder != "attention":
                raise ValueError(
                    "replace_unknown=True copies the source token with the highest "
                    "attention weight, so it needs decoder='attention', got "
                    f"decoder={self.decoder!r}."
                )
            if not codec.is_tokens or not self.source_codec_.is_tokens:
                raise ValueError(
                    "replace_unknown=True copies source tokens into token "
                    "predictions: it needs token sources and targets."
                )
            if codec.kind_ == "ids" and self.source_codec_.kind_ != "ids":
                raise ValueError(
                    "replace_unknown=True with id-array targets copies source ids: "
                    "it needs id-array sources too."
                )
        if not sampling_used and codec.is_tokens:
            # predict_nbest (sampling_used=True) runs beam search whatever the
            # mode, with beam_width and length_penalty: nothing is ignored there.
            mode = decoding.mode
            rules = [
                (
                    name,
                    lambda e: (
                        f"it shapes decoding='sample' only, and decoding is {mode!r}"
                    ),
                )
                for name in SAMPLING
            ]
            if mode != "beam":
                rules += [
                    (
                        name,
                        lambda e: (
                            f"decoding={mode!r} is no beam search (predict_nbest "
                            "uses it)"
                        ),
                    )
                    for name in ("beam_width", "length_penalty")
                ]
            warn_ignored(self, ignored_parameters(self, rules))

    def _decode(
        self, X: Any, with_attention: bool = False
    ) -> tuple[Any, list[np.ndarray] | None]:
        """Predictions in the fitted target kind, and per-sample attention weights
        ``(output_len, src_len)`` (None without an attention decoder)."""
        check_is_fitted(self)
        X = as_reusable(X)
        codec = self.target_codec_
        decoding = self._decoding(sampling=codec.is_tokens)
        self._check_decoding(decoding, sampling_used=decoding.mode == "sample")
        replace = self.replace_unknown
        X_encoded = self._encode_source(X, keep_source_tokens=replace)
        module = self.net_.module_
        module.eval()
        replace = self.replace_unknown
        uses_attention = module.decoder.uses_attention
        with torch.no_grad(), self._torch_threads():
            batches = self._batches(X_encoded)
            if not codec.is_tokens:
                values, attention = regress(
                    module,
                    batches,
                    self.max_output_length_,
                    with_attention=with_attention and uses_attention,
                )
                values = values.astype(np.float64) * self.target_scale_
                values = values + self.target_mean_
                return codec.decode(values.astype(np.float32)), attention
            predictions, attention = search_tokens(
                module,
                batches,
                decoding,
                with_attention=(with_attention or replace) and uses_attention,
            )
        copied = None
        if replace and attention is not None:
            copied = [
                copied_tokens(ids, weights, source)
                for ids, weights, source in zip(
                    predictions, attention, X_encoded.source_tokens, strict=True
                )
            ]
        return codec.decode(predictions, copied), attention

    def predict(self, X: Any) -> Any:
        """Predict target sequences.

        Parameters
        ----------
        X : iterable of str or token lists, or array
            Source sequences, of the kind seen in ``fit``.

        Returns
        -------
        y_pred : ndarray
            Of the fitted target kind: a 1-D object array of strings or token lists,
            a 2-D id array, or a float array ``(n_samples, n_steps[, n_features])``.
        """
        return self._decode(X)[0]

    def predict_with_attention(self, X: Any) -> tuple[Any, list[np.ndarray]]:
        """Predict, and return the attention weights of every prediction.

        Parameters
        ----------
        %(X_source)s

        Returns
        -------
        y_pred : ndarray
            As :meth:`predict`.
        attention : list of ndarray
            One array per sample of shape ``(output_steps, source_length)``; for
            token targets the rows are the predicted tokens and the final ``<eos>``.
            Each row sums to 1 over the source (0 for an empty source). With
            ``architecture="transformer"``: the last decoder layer's
            cross-attention, averaged over the heads.
        """
        check_is_fitted(self)
        if self.architecture == "rnn" and self.decoder != "attention":
            raise ValueError(
                "predict_with_attention needs decoder='attention' (or "
                f"architecture='transformer'), got decoder={self.decoder!r}."
            )
        y_pred, attention = self._decode(X, with_attention=True)
        return y_pred, attention  # type: ignore[return-value]

    def predict_nbest(self, X: Any, n_best: int = 5) -> list[list[tuple[Any, float]]]:
        """The ``n_best`` best predictions of every sequence, with their scores.

        Runs beam search with ``max(beam_width, n_best)`` hypotheses (whatever
        ``decoding`` says) and the length, repetition and unknown-word options,
        and keeps the ``n_best`` best finished hypotheses of every sequence.

        Parameters
        ----------
        %(X_source)s
        n_best : int, default=5
            Hypotheses returned per sequence (>= 1).

        Returns
        -------
        nbest : list of list of (prediction, float)
            Per sample, up to ``n_best`` pairs ``(prediction, score)``, best first
            (fewer when the search finished fewer hypotheses). A prediction is of
            the kind :meth:`predict` returns for one sample: a string, a token
            list, or a 1-D id array for id-array targets (padded with 0 as
            ``predict([x])[0]`` is). The score is the beam
            search's: the sum of the log-probabilities of the tokens and of the
            final ``<eos>`` (after ``repetition_penalty``), divided by GNMT's length
            penalty ``((5 + L) / 6) ** length_penalty``, ``L`` counting the
            ``<eos>``. With ``length_penalty=0`` and ``repetition_penalty=1`` it is
            the model's log-probability of the prediction, as
            :meth:`score_samples` computes it. A hypothesis cut at the maximum
            length has no ``<eos>`` and is scored without one.

        Raises
        ------
        ValueError
            For float targets, which are not searched.

        Examples
        --------
        %(reversal_example)s
        >>> nbest = model.fit(X, y).predict_nbest(["1 2 3"], n_best=3)
        >>> len(nbest[0])
        3
        >>> prediction, score = nbest[0][0]
        >>> isinstance(prediction, str), score <= 0
        (True, True)
        """
        check_is_fitted(self)
        if not isinstance(n_best, Integral) or isinstance(n_best, bool) or n_best < 1:
            raise ValueError(f"n_best must be an int >= 1, got {n_best!r}.")
        n_best = int(n_best)
        codec = self.target_codec_
        if not codec.is_tokens:
            raise ValueError(
                "predict_nbest searches token targets, but this model predicts "
                "float sequences, which are not searched; use predict."
            )
        X = as_reusable(X)
        decoding = self._decoding()
        self._check_decoding(decoding, sampling_used=True)
        X_encoded = self._encode_source(X, keep_source_tokens=self.replace_unknown)
        module = self.net_.module_
        module.eval()
        use_attention = self.replace_unknown and module.decoder.uses_attention
        with torch.no_grad(), self._torch_threads():
            hypotheses = search_nbest(
                module,
                self._batches(X_encoded),
                decoding,
                n_best,
                with_attention=use_attention,
            )
        sources = X_encoded.source_tokens if use_attention else None
        return decode_nbest(codec, hypotheses, sources)

    def score_samples(self, X: Any, y: Any = None) -> np.ndarray:
        """The model's log-probability of target sequences ``y`` given ``X``.

        For reranking, or for checking a search: the sum over the target's tokens
        and the final ``<eos>`` of their log-probabilities, each given the source
        and the true previous tokens (teacher forcing). No length penalty and no
        decoding option applies. Target tokens unknown to the model's vocabulary
        are scored as the unknown token.

        Parameters
        ----------
        %(X_source)s
        y : same kind as the fitted targets, default=None
            Target sequences to score; ``None`` for an autoencoder (target = X).

        Returns
        -------
        log_prob : ndarray of shape (n_samples,)
            Natural-log probabilities (<= 0).

        Examples
        --------
        %(reversal_example)s
        >>> model.fit(X, y).score_samples(["1 2 3", "4 5"], ["3 2 1", "5 4"]).shape
        (2,)
        """
        check_is_fitted(self)
        codec = self.target_codec_
        if not codec.is_tokens:
            raise ValueError(
                "score_samples gives log-probabilities of token targets, but this "
                "model predicts float sequences."
            )
        X = as_reusable(X)
        if y is None:
            if not self.autoencoder_:
                raise ValueError(
                    "score_samples needs y: this model was fitted on targets y, not "
                    "as an autoencoder."
                )
            y = X
        target = codec.encode(as_reusable(y))
        X_encoded = self._encode_source(X)
        _check_n_samples(X_encoded, target.lengths, "X", "y")
        module = self._batch_invariant_module()
        totals: list[np.ndarray] = []
        start = 0
        with torch.no_grad(), self._torch_threads():
            for src, src_lengths in self._batches(X_encoded):
                rows = slice(start, start + len(src_lengths))
                start += len(src_lengths)
                width = int(target.lengths[rows].max())
                trg = torch.as_tensor(target.data[rows, :width], device=src.device)
                if src.is_floating_point():
                    src = src.to(next(module.parameters()).dtype)
                logits, _ = module(src, src_lengths, trg[:, :-1])
                log_probs = torch.log_softmax(logits.double(), dim=-1)
                gold = trg[:, 1:]
                picked = log_probs.gather(2, gold.unsqueeze(2)).squeeze(2)
                picked = picked.masked_fill(gold == PAD_INDEX, 0.0)
                totals.append(picked.sum(dim=1).cpu().numpy())
        return np.concatenate(totals) if totals else np.zeros(0)

    def transform(self, X: Any) -> np.ndarray:
        """Fixed-length encoder features: the recurrent encoder's final top-layer
        state, or (``architecture="transformer"``) the mean of the Transformer
        encoder's output over the sequence's real positions (zero for an empty
        sequence).

        Parameters
        ----------
        %(X_source)s

        Returns
        -------
        X_new : ndarray of shape (n_samples, hidden_dim)
            One feature vector per sequence (the sequence-autoencoder
            features of Dai & Le, 2015).

        Examples
        --------
        >>> from sklearn_seq2seq import Seq2SeqTransformer
        >>> X = ["1 2 3", "4 5", "6 7 8 9", "2 4"] * 5
        >>> model = Seq2SeqTransformer(
        ...     architecture="transformer", hidden_dim=8, max_epochs=1, random_state=0
        ... ).fit(X)
        >>> model.transform(X[:3]).shape
        (3, 8)
        """
        check_is_fitted(self)
        X_encoded = self._encode_source(X)
        module = self.net_.module_
        module.eval()
        features = []
        with torch.no_grad(), self._torch_threads():
            for src, src_lengths in self._batches(X_encoded):
                features.append(module.encode(src, src_lengths).context.float().cpu())
        return torch.cat(features).numpy()

    def score(self, X: Any, y: Any = None) -> float:
        """BLEU (0–100) for token targets, R² for float targets.

        BLEU is what :data:`~sklearn_seq2seq.bleu_scorer` computes: corpus BLEU-4
        over the target side's tokens (words, or characters with
        ``analyzer="char"`` or ``target_analyzer="char"``)
        with the effective order, so that short targets are not scored 0 for
        lacking 4-grams.

        R² is variance-weighted over all steps and features
        (``r2_score(..., multioutput="variance_weighted")``), so near-constant values
        (an image's blank border, say) do not dominate it.

        Parameters
        ----------
        %(X_source)s
        y : same kind as the fitted targets, default=None
            True targets; ``None`` for an autoencoder (target = X). Ignored when
            ``autoencoder=True``.

        Returns
        -------
        score : float
        """
        check_is_fitted(self)
        X = as_reusable(X)
        if y is None and not self.autoencoder_:
            raise ValueError(
                "score needs y: this model was fitted on targets y, not as an "
                "autoencoder, so X is no target to score against. Pass "
                "score(X, y), or fit with autoencoder=True (or y=None) to learn to "
                "reproduce X."
            )
        against_X = self.autoencoder or y is None
        y_true = X if against_X else as_reusable(y)
        y_pred = self.predict(X)
        if against_X and self.lowercase and self.target_codec_.kind_ in TEXT_KINDS:
            # The autoencoder learned X as the encoder reads it: in lower case.
            sequences, kind = check_sequences(y_true, name="X")
            y_true = (
                [doc.lower() for doc in sequences]
                if kind == "str"
                else tokenize(sequences, kind, lowercase=True)
            )
        if self.target_codec_.is_tokens:
            return sequence_metric(
                "bleu", y_true, y_pred, analyzer=self.target_codec_.analyzer
            )
        y_true_array = np.asarray(y_true, dtype=np.float64)
        n_samples = len(y_true_array)
        return float(
            r2_score(
                y_true_array.reshape(n_samples, -1),
                y_pred.reshape(n_samples, -1),
                multioutput="variance_weighted",
            )
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        return tags
