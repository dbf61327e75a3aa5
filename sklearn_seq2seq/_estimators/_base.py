"""What both estimators share: parameters, their checks, input handling and training.

The estimators own a skorch net (``_training._net.Seq2SeqNet``) built in ``fit``
(``net_``); they do not subclass skorch, so ``get_params`` shows exactly the
parameters below.
"""

from __future__ import annotations

import copy
import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils.validation import _check_feature_names, check_is_fitted

from .._data._codec import UNKNOWN_SHARE_WARNING, Encoded, SequenceCodec, as_reusable
from .._persistence import save
from .._training._fitting import (
    check_divergence,
    check_interrupted,
    copy_without_history,
    history_frame,
    make_net,
    resolve_device,
    train,
)
from .._training._net import FLOAT64_CACHE, Seq2SeqNet, flatten_rnn_weights
from .._utils import (
    INFERENCE_BATCH_SIZE,
    available_cores,
    trim_padding,
    user_stacklevel,
)
from ._params import SHARED_CONSTRAINTS, check_fit_parameters, check_params_across

# Float inputs beyond this magnitude get a warning: unscaled inputs saturate the cells.
LARGE_INPUT = 1e3
# analyzer="word" on text meant to be read by characters (dates, words, codes): most
# samples are one token, and most of those tokens occur once, so a model can only
# memorise them. Checked from this many samples on.
SINGLE_TOKEN_SHARE = 0.9
SEEN_ONCE_SHARE = 0.5
ANALYZER_CHECK_MIN_SAMPLES = 20
# lr_schedule="plateau": ReduceLROnPlateau halves the learning rate after this many
# epochs without improvement of the monitored loss.
# lr_schedule="noam" with warmup_steps=None: warm up over this share of the first
# fit's planned optimizer steps.
WARMUP_SHARE = 0.1


# skorch's per-batch records and counters: kept in ``net_.history``, not in the
# per-epoch table users read and plot.


def _check_n_samples(X: Encoded, y: np.ndarray, X_name: str, y_name: str) -> None:
    if len(y) != len(X.lengths):
        raise ValueError(
            f"{X_name} and {y_name} have different numbers of samples: "
            f"{len(X.lengths)} and {len(y)}."
        )


class BaseSeq2Seq(BaseEstimator):
    """Shared parameters and machinery of the two estimators (not public)."""

    _parameter_constraints: dict = dict(SHARED_CONSTRAINTS)

    def _check_params_across(self) -> None:
        """Checks that involve more than one parameter (top of ``fit``)."""
        check_params_across(self)

    def _ignored_parameter_rules(self) -> list:
        """The estimator's own rules of the ignored-parameter policy (see
        ``_params``), beyond the shared ones."""
        return []

    # -- checks ---------------------------------------------------------------------

    # -- inputs ---------------------------------------------------------------------
    def _source_codec(self, name: str = "X", *, target: bool = False) -> SequenceCodec:
        """A codec that reads ``X`` as the parameters say (also an autoencoder's
        target)."""
        return SequenceCodec(
            name,
            target=target,
            analyzer=self._analyzer_for("source"),
            lowercase=self.lowercase,
            input_kind=self.input_kind,
            # Seq2SeqTransformer's parameter; the classifier keeps every token.
            min_frequency=getattr(self, "min_frequency", 1),
            strip_accents=self.strip_accents,
            max_tokens=self.max_tokens,
        )

    def _analyzer_for(self, side: str) -> str:
        """The analyzer of ``side`` (``"source"`` or ``"target"``): its own
        parameter (``source_analyzer``, ``target_analyzer``) when set, else
        ``analyzer``."""
        return getattr(self, f"{side}_analyzer", None) or self.analyzer

    def _check_analyzer_fits(self, codec: SequenceCodec, encoded: Encoded) -> None:
        """Warn when ``analyzer="word"`` reads strings that are meant to be read by
        characters: nearly every sample one token, most tokens seen once."""
        if codec.kind_ != "str" or codec.analyzer != "word":
            return
        offset = 1 if codec.target else 0  # a target starts with <bos>
        lengths = encoded.lengths - 2 * offset  # without <bos> and <eos>
        if len(lengths) < ANALYZER_CHECK_MIN_SAMPLES:
            return
        single = lengths == 1
        if single.mean() < SINGLE_TOKEN_SHARE:
            return
        tokens = encoded.data[single, offset]
        seen_once = float((np.bincount(tokens)[tokens] == 1).mean())
        if seen_once < SEEN_ONCE_SHARE:
            return
        side = "target" if codec.name == "y" else "source"
        own = f"{side}_analyzer"
        if own in self.get_params(deep=False):
            fix = f"{own}='char' (or analyzer='char' for both sides)"
        else:
            fix = "analyzer='char'"
        warnings.warn(
            f"analyzer='word' reads {single.mean():.0%} of the samples of "
            f"{codec.name} as a single token, and {seen_once:.0%} of those tokens "
            "occur only once: a model can only memorise such tokens, not learn "
            f"their spelling. If {codec.name} is text to read character by "
            f"character (dates, words, codes), set {fix}, or use a subword "
            "analyzer such as 'bpe'.",
            UserWarning,
            stacklevel=user_stacklevel(),
        )

    def _fit_source(self, X: Any) -> Encoded:
        """Learn how to read ``X`` and return it encoded; sets ``n_features_in_``."""
        self.source_codec_ = self._source_codec()
        encoded = self.source_codec_.fit(X)
        self._check_analyzer_fits(self.source_codec_, encoded)
        self._check_numeric_features(X, reset=True)
        if not self.source_codec_.is_tokens and encoded.data.size:
            largest = float(np.abs(encoded.data).max())
            if largest > LARGE_INPUT:
                warnings.warn(
                    f"X holds values up to {largest:.3g}: recurrent networks train "
                    "poorly (or diverge) on unscaled inputs. Standardise X first, "
                    "e.g. to mean 0 and standard deviation 1 per feature.",
                    UserWarning,
                    stacklevel=user_stacklevel(),
                )
        return encoded

    def _encode_source(self, X: Any, *, keep_source_tokens: bool = False) -> Encoded:
        """``X`` encoded as in ``fit``, read once (with ``keep_source_tokens`` also
        its tokens as read, case kept, for ``replace_unknown``); warns when most
        of its tokens are unknown."""
        X = as_reusable(X)
        encoded = self.source_codec_.encode(X, keep_source_tokens=keep_source_tokens)
        self._check_numeric_features(X, reset=False)
        if encoded.n_unknown and (
            encoded.n_unknown >= UNKNOWN_SHARE_WARNING * encoded.n_tokens
        ):
            share = encoded.n_unknown / encoded.n_tokens
            if encoded.n_known_lowercased:
                advice = (
                    f"{encoded.n_known_lowercased} of them are known in lower case: "
                    "fit with lowercase=True (or lowercase X yourself)"
                )
            else:
                advice = (
                    "check that X is tokenized as in fit (analyzer, "
                    "lowercase) and comes from the same vocabulary"
                )
            warnings.warn(
                f"{encoded.n_unknown} of the {encoded.n_tokens} tokens of X "
                f"({share:.0%}) were not seen in fit and are read as one unknown "
                f"token; {advice}.",
                UserWarning,
                stacklevel=user_stacklevel(),
            )
        return encoded

    def _check_numeric_features(self, X: Any, *, reset: bool) -> None:
        """``n_features_in_`` for numeric input: steps of a 2-D float array
        (sklearn's columns) or features of a 3-D one; fixed at predict time."""
        if self.source_codec_.kind_ not in ("scalars", "vectors"):
            if reset:  # a refit on tokens: the last fit's features no longer apply
                for name in ("n_features_in_", "feature_names_in_"):
                    self.__dict__.pop(name, None)
            return
        # Sets or checks feature_names_in_ (a DataFrame's columns), and warns when
        # names were seen in fit but X has none, or the other way round.
        _check_feature_names(self, X, reset=reset)
        try:
            shape = np.shape(X)
        except ValueError:  # ragged: the codec names the problem
            return
        if len(shape) not in (2, 3):
            return  # not a numeric array: the codec names the mismatch
        n_features = shape[1] if len(shape) == 2 else shape[2]
        if reset:
            self.n_features_in_ = n_features
        elif n_features != self.n_features_in_:
            raise ValueError(
                f"X has {n_features} features, but {type(self).__name__} is "
                f"expecting {self.n_features_in_} features as input."
            )

    def _source_kwargs(self) -> dict[str, int]:
        codec = self.source_codec_
        if codec.is_tokens:
            return {"src_vocab_size": codec.vocab_size}
        return {"src_features": codec.n_features_}

    def _depth(self) -> int | tuple[int, int]:
        """``depth`` as the network builders take it (a list becomes a tuple)."""
        return tuple(self.depth) if isinstance(self.depth, tuple | list) else self.depth

    def _network_kwargs(self) -> dict[str, Any]:
        """The network builder's parameters of the ``architecture``."""
        shared = {
            "hidden_dim": self.hidden_dim,
            "depth": self._depth(),
            "dropout": self.dropout,
        }
        if self.architecture == "transformer":
            return {
                **shared,
                "n_heads": self.n_heads,
                "feedforward_dim": self.feedforward_dim,
            }
        return {
            **shared,
            "embedding_dim": self.embedding_dim,
            "cell": self.cell,
            "decoder": self.decoder,
            "attention": self.attention,
            "input_feeding": self.input_feeding,
            "bidirectional": self.bidirectional,
        }

    # -- training -------------------------------------------------------------------

    def _lr_schedule(self) -> str:
        """The schedule ``lr_schedule`` names; ``None`` is ``"noam"`` for the
        Transformer (warm-up, as Transformers are trained) and ``"constant"`` for
        RNNs."""
        if self.lr_schedule is not None:
            return self.lr_schedule
        return "noam" if self.architecture == "transformer" else "constant"

    def _resolve_warmup_steps(self, n_samples: int, *, holds_out: bool) -> None:
        """Set ``warmup_steps_``: ``warmup_steps``, or (``None``) a share of the
        optimizer steps this fit plans; ``None`` without the Noam schedule."""
        if self._lr_schedule() != "noam":
            self.warmup_steps_ = None
        elif self.warmup_steps is not None:
            self.warmup_steps_ = int(self.warmup_steps)
        else:
            n_train = n_samples
            if holds_out:  # early stopping's validation share of the data
                n_train -= int(n_samples * self.validation_fraction)
            # Under data parallelism every optimizer step reads batch_size samples
            # in each process.
            processes = getattr(self.accelerator, "num_processes", 1)
            step_size = min(self.batch_size, n_samples) * processes
            batches = math.ceil(max(1, n_train) / step_size)
            self.warmup_steps_ = max(1, round(WARMUP_SHARE * self.max_epochs * batches))

    def _tie_embeddings_ignored(self) -> str | None:
        """Why ``tie_embeddings=True`` has nothing to tie here (None: it ties);
        each estimator says."""
        raise NotImplementedError

    def _batch_invariant_module(self) -> torch.nn.Module:
        """The network in eval mode, for scores that must not depend on the batch.

        On the CPU a float64 copy: float32 matrix products differ in their last bits
        with the number of rows and the padded width of a batch, while in float64
        the differences stay far below a 1e-7 relative tolerance, so a sample's
        score does not depend on the other samples scored with it. The copy is made
        once and kept until the weights may have changed (another epoch in the
        history, a new or moved module, an in-place change of a parameter), not
        made at every call.
        """
        module = self.net_.module_
        if self._device.type != "cpu":
            module.eval()
            return module
        key = (
            id(module),
            len(self.net_.history),
            tuple(
                (t.data_ptr(), t._version, t.dtype)
                for t in (*module.parameters(), *module.buffers())
            ),
        )
        # Kept on the net (never pickled, see Seq2SeqNet.__getstate__), so that
        # scoring does not change the estimator's own attributes.
        cached = self.net_.__dict__.get(FLOAT64_CACHE)
        if cached is None or cached[0] != key:
            cached = (key, copy.deepcopy(module).double().eval())
            self.net_.__dict__[FLOAT64_CACHE] = cached
        return cached[1]

    def _fit(
        self,
        X: Any,
        y: Any,
        *,
        X_val: Any = None,
        y_val: Any = None,
        incremental: bool = False,
        **target_options: Any,
    ) -> Any:
        """``fit`` and ``partial_fit``: read the data, then train; all or nothing.

        A fit that raises leaves the estimator as it was: unfitted stays unfitted
        (``NotFittedError`` afterwards, not a half-set state), and a warm start
        keeps the model it continued, weights, optimizer and history included.
        An interrupt (Ctrl-C) keeps its documented behaviour: skorch ends the
        loop quietly and the last completed epoch is kept.
        """
        with self._all_or_nothing(incremental):
            self._check_params_across()
            warm = self._is_warm_start(incremental)
            X = as_reusable(X)
            X_encoded = self._encode_source(X) if warm else self._fit_source(X)
            trg = self._fit_targets(
                X, y, warm=warm, incremental=incremental, **target_options
            )
            _check_n_samples(X_encoded, trg, "X", "y")
            valid = None
            if X_val is not None:
                X_val = as_reusable(X_val)
                X_valid = self._encode_source(X_val)
                trg_valid = self._validation_targets(X_val, y_val)
                _check_n_samples(X_valid, trg_valid, "X_val", "y_val")
                valid = (X_valid, trg_valid)
            elif y_val is not None:
                raise ValueError("y_val was given without X_val; pass both or neither.")
            check_fit_parameters(
                self,
                cross_entropy=self._loss_spec()[0] != "vectors",
                has_validation_data=valid is not None,
            )
            self._train(X_encoded, trg, warm=warm, valid=valid, incremental=incremental)
            return self

    @contextmanager
    def _all_or_nothing(self, incremental: bool) -> Iterator[None]:
        """Put the estimator back as it was when the block raises."""
        before = dict(self.__dict__)
        # A warm start trains the current net in place: keep a copy to go back to.
        previous_net = (
            copy_without_history(self.net_)
            if self._is_warm_start(incremental)
            else None
        )
        try:
            yield
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(before)
            if previous_net is not None:
                self.net_ = previous_net
            raise

    def _fit_targets(
        self, X: Any, y: Any, *, warm: bool, incremental: bool, **options: Any
    ) -> np.ndarray:
        """Training targets as the net learns them (one row per sample); fits the
        target encoding unless ``warm``."""
        raise NotImplementedError

    def _validation_targets(self, X_val: Any, y_val: Any) -> np.ndarray:
        """Validation targets, read as the training targets were."""
        raise NotImplementedError

    def _validation_scoring(self) -> list:
        """Extra per-epoch scores on the validation data (skorch EpochScoring)."""
        return []

    def _early_stopping_monitor(self) -> tuple[str, bool]:
        """The history column early stopping watches, and whether lower is better."""
        return "valid_loss", True

    def _is_warm_start(self, incremental: bool = False) -> bool:
        """Whether this fit continues the current training: ``partial_fit``, or
        ``fit`` with ``warm_start=True``, on a fitted estimator."""
        return (incremental or bool(self.warm_start)) and hasattr(self, "net_")

    def _train(
        self,
        X: Encoded,
        trg: np.ndarray,
        *,
        warm: bool = False,
        valid: Any = None,
        incremental: bool = False,
    ) -> None:
        """Build the module and the skorch net (or keep them, for a warm start),
        then train for ``max_epochs`` (one epoch if ``incremental``); sets
        ``net_``, ``history_``, ``n_epochs_`` and ``interrupted_``. Global random
        state is left as it was."""
        epochs = 1 if incremental else self.max_epochs
        seed = int(
            check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        )
        device = resolve_device(self.device)
        devices = [torch.device(device)] if device.startswith("cuda") else []
        with torch.random.fork_rng(devices=devices):
            torch.manual_seed(seed)
            if warm:
                net = self.net_
                self._sync_device()
                # A continued fit draws new batches and dropout masks.
                seed = (seed + len(net.history)) % np.iinfo(np.int32).max
                torch.manual_seed(seed)
            else:
                self._resolve_warmup_steps(
                    len(trg), holds_out=valid is None and self.early_stopping
                )
                net = make_net(
                    self,
                    n_samples=len(trg),
                    seed=seed,
                    valid=valid,
                    incremental=incremental,
                )
            with self._torch_threads():
                epochs_run = train(
                    net,
                    X,
                    trg,
                    epochs=epochs,
                    seed=seed,
                    verbose=int(self.verbose > 0),
                    incremental=incremental,
                )
        check_divergence(self, net, incremental)
        check_interrupted(self, net, epochs_run, epochs)
        self.net_ = net
        self.n_epochs_ = len(net.history)
        self.history_ = history_frame(net.history.to_list())

    def _net_for_loading(self) -> Seq2SeqNet:
        """The persistence protocol (see ``sklearn_seq2seq._persistence``): an
        initialised net for the fitted vocabularies, to load saved weights into."""
        self._check_params_across()
        return make_net(self, n_samples=self.batch_size, seed=0)

    def save(self, path: Any) -> None:
        """Save the fitted estimator to one file, safely (no pickle).

        The file is a zip archive holding the weights as safetensors and
        everything else (class, parameters, vocabularies, fitted attributes,
        history, versions) as JSON; :func:`sklearn_seq2seq.load` reads it back on
        any machine, CPU-only ones included. See the user guide, "Saving and
        loading".

        Parameters
        ----------
        path : str or path-like
            Where to write (an existing file is replaced). Under data-parallel
            training (``accelerator=`` with several processes) only the main
            process writes; the others return without writing.

        Examples
        --------
        >>> import os, tempfile
        >>> from sklearn_seq2seq import Seq2SeqClassifier, load
        >>> import numpy as np
        >>> X = np.random.default_rng(0).normal(size=(40, 5, 2)).astype("float32")
        >>> clf = Seq2SeqClassifier(hidden_dim=8, max_epochs=1, random_state=0)
        >>> clf = clf.fit(X, np.arange(40) % 2)
        >>> path = os.path.join(tempfile.mkdtemp(), "clf.s2s")
        >>> clf.save(path)
        >>> np.allclose(load(path).predict_proba(X), clf.predict_proba(X))
        True
        """
        check_is_fitted(self)
        if self.accelerator is not None and not getattr(
            self.accelerator, "is_main_process", True
        ):
            # Data-parallel training: every process holds the same model; only the
            # main one writes (no barrier, so that `if is_main_process: save` works).
            return
        save(self, path)

    @contextmanager
    def _torch_threads(self) -> Iterator[None]:
        """Run torch with ``n_jobs`` threads, then restore the caller's setting."""
        n_jobs = 1 if self.n_jobs is None else self.n_jobs
        cores = available_cores()
        if n_jobs < 0:
            n_jobs = max(1, cores + 1 + n_jobs)
        elif n_jobs > cores:
            warnings.warn(
                f"n_jobs={n_jobs} torch threads on {cores} available CPU cores: "
                "oversubscribing the cores makes training slower, not faster. Keep "
                "n_jobs <= cores, and (parallel fits) workers x n_jobs <= cores.",
                UserWarning,
                stacklevel=user_stacklevel(),
            )
        previous = torch.get_num_threads()
        if n_jobs != previous:
            torch.set_num_threads(n_jobs)
        try:
            yield
        finally:
            if n_jobs != previous:
                torch.set_num_threads(previous)

    # -- inference ------------------------------------------------------------------
    @property
    def _device(self) -> torch.device:
        """Where inference runs (see :meth:`_sync_device`)."""
        return self._sync_device()

    def _sync_device(self) -> torch.device:
        """Move the fitted module to the ``device`` parameter if it is elsewhere
        (so that ``set_params(device="cpu")`` or ``"cuda"`` moves a fitted model),
        and return where it is."""
        wanted = torch.device(resolve_device(self.device))
        module = self.net_.module_
        current = next(module.parameters()).device
        if current != wanted and not (
            wanted.type == current.type == "cuda" and wanted.index is None
        ):
            if wanted.type == "cuda" and not torch.cuda.is_available():
                # A CUDA-fitted model opened on a CPU-only machine: skorch already
                # loaded it on the CPU (with a warning); predict there.
                return current
            module.to(wanted)
            flatten_rnn_weights(module)
            self.net_.device = str(wanted)
            current = wanted
        return current

    def _batches(self, X: Encoded) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """``(src, src_lengths)`` tensors on the module's device, batch by batch.

        Inference batches are larger than training ones (no gradients to keep); the
        networks give every sequence the same result whatever its batch.
        """
        device = self._device
        n_samples = len(X.lengths)
        batch_size = max(self.batch_size, INFERENCE_BATCH_SIZE)
        for start in range(0, n_samples, batch_size):
            lengths = X.lengths[start : start + batch_size]
            src = X.data[start : start + batch_size]
            src = trim_padding(src, lengths)
            yield (
                torch.as_tensor(src, device=device),
                torch.as_tensor(lengths, device=device),
            )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.three_d_array = True
        tags.non_deterministic = self.random_state is None
        return tags
