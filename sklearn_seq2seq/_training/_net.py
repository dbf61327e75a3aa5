"""The skorch ``NeuralNet`` subclass the estimators train with.

It customises skorch only through its documented extension points:

- the collate function :class:`TrimPadding` cuts every batch to its longest sequence
  and, for sequence targets (``teacher_forcing=True``), splits the target for teacher
  forcing: the dataset's ``y`` is the target with its start symbol,
  ``trg = [<bos>, y_1, …, y_n, <eos>, <pad>…]`` for tokens or
  ``[0, y_1, …, y_n]`` for vectors; the module gets ``trg[:, :-1]`` as
  ``X["trg_input"]`` and the loss compares its outputs with ``trg[:, 1:]``, so
  skorch's own training and validation steps run unchanged;
- ``get_loss`` reshapes the outputs for the criterion: cross-entropy that ignores
  padding for tokens, mean squared error for vectors, cross-entropy over classes for
  the classifier;
- ``get_dataset`` wraps the padded arrays in a :class:`BatchDataset`, which hands the
  ``DataLoader`` a whole batch with one indexing operation per tensor (instead of one
  item per sample, stacked again by the collate function), and keeps the tensors on
  the training device, so that a CUDA epoch copies nothing from the host;
- the callback :class:`SeededGenerator` gives the module the random generator of its
  teacher-forcing draws for the time of a fit.
"""

from __future__ import annotations

import math
from typing import Any

import torch
from skorch import NeuralNet
from skorch.callbacks import PrintLog
from skorch.utils import to_tensor
from torch.utils.data import default_collate

from .._data._vocabulary import PAD_INDEX
from .._utils import trim_padding
from ._callbacks import TerminalPrintLog


def flatten_rnn_weights(module: torch.nn.Module) -> None:
    """Put every RNN's weights back into one contiguous chunk (cuDNN wants it after
    the module moved between devices or was unpickled)."""
    for submodule in module.modules():
        if isinstance(submodule, torch.nn.RNNBase):
            submodule.flatten_parameters()


class BatchDataset(torch.utils.data.Dataset):
    """``({"src": ..., "src_lengths": ...}, trg)`` tensors indexed a batch at a time.

    ``DataLoader`` calls ``__getitems__`` with the batch's indices (PyTorch's batched
    fetching), so a batch costs one indexing operation per tensor; ``__getitem__``
    serves single samples for code that asks for them.

    Parameters
    ----------
    src : ndarray of shape (n, src_len) or (n, src_len, n_features)
    src_lengths : ndarray of shape (n,)
    trg : ndarray of shape (n, ...) or None
    device : str or torch.device
        Where the tensors live (the training device).
    """

    def __init__(
        self,
        src: Any,
        src_lengths: Any,
        trg: Any = None,
        device: str | torch.device = "cpu",
    ) -> None:
        self.src = torch.as_tensor(src, device=device)
        self.src_lengths = torch.as_tensor(src_lengths, device=device)
        self.trg = None if trg is None else torch.as_tensor(trg, device=device)

    def __len__(self) -> int:
        return len(self.src_lengths)

    def __getitem__(self, index: Any) -> tuple[dict[str, torch.Tensor], Any]:
        X = {"src": self.src[index], "src_lengths": self.src_lengths[index]}
        # skorch's convention: a dataset without targets yields a dummy 0.
        return X, (0 if self.trg is None else self.trg[index])

    def __getitems__(self, indices: list[int]) -> BatchItems:
        index = torch.as_tensor(indices, device=self.src_lengths.device)
        X, y = self[index]
        if self.trg is None:
            y = torch.zeros(len(indices), device=self.src_lengths.device)
        return BatchItems(X, y)


class EpochSampler(torch.utils.data.Sampler[int]):
    """The training order: a new permutation of ``range(n)`` every epoch, drawn
    from ``seed`` and the epoch alone (never from the global random state), so
    that every process of a data-parallel fit draws the same one (accelerate then
    gives each process its share of every batch) and one process draws what
    several do.

    Parameters
    ----------
    n : int
        Samples.
    seed : int
        The fit's seed (a continued fit gets a new one).
    """

    def __init__(self, n: int, seed: int) -> None:
        self.n = n
        self.seed = seed
        self.epoch = 0

    def __iter__(self) -> Any:
        generator = torch.Generator()
        generator.manual_seed(self.seed * 1_000_003 + self.epoch)
        self.epoch += 1
        return iter(torch.randperm(self.n, generator=generator).tolist())

    def __len__(self) -> int:
        return self.n


class LengthGroupedBatches(torch.utils.data.Sampler[list[int]]):
    """Training batches of similar lengths, as NMT toolkits batch: every epoch a
    random permutation (of ``seed`` and the epoch, as :class:`EpochSampler`) is cut
    into pools of ``POOL_BATCHES`` batches, each pool sorted by length and cut
    into batches, and the batches of all pools shuffled (torchtext's
    ``BucketIterator`` and fairseq's bucketing work the same way). A batch then
    holds sequences of nearly one length, so little of it is padding, while the
    batches still come in random order, each from a random pool.

    Parameters
    ----------
    lengths : sequence of int
        A length per sample (source plus target).
    batch_size : int
    seed : int
    """

    POOL_BATCHES = 50

    def __init__(self, lengths: Any, batch_size: int, seed: int) -> None:
        self.lengths = torch.as_tensor(lengths, dtype=torch.long).cpu()
        self.batch_size = batch_size
        self.seed = seed
        self.epoch = 0

    def __iter__(self) -> Any:
        generator = torch.Generator()
        generator.manual_seed(self.seed * 1_000_003 + self.epoch)
        self.epoch += 1
        order = torch.randperm(len(self.lengths), generator=generator)
        pool = self.batch_size * self.POOL_BATCHES
        batches = []
        for start in range(0, len(order), pool):
            chunk = order[start : start + pool]
            # Stable sort: equal lengths keep their random order.
            chunk = chunk[torch.sort(self.lengths[chunk], stable=True).indices]
            batches.extend(
                chunk[i : i + self.batch_size].tolist()
                for i in range(0, len(chunk), self.batch_size)
            )
        shuffle = torch.randperm(len(batches), generator=generator).tolist()
        return iter([batches[i] for i in shuffle])

    def __len__(self) -> int:
        return math.ceil(len(self.lengths) / self.batch_size)


def _sample_lengths(dataset: Any) -> torch.Tensor:
    """Source plus target length of every sample of a :class:`BatchDataset` (or
    a ``Subset`` of one): what a batch's padded width follows."""
    index = None
    if isinstance(dataset, torch.utils.data.Subset):
        dataset, index = dataset.dataset, torch.as_tensor(dataset.indices)
    lengths = dataset.src_lengths.cpu()
    trg = dataset.trg
    if trg is not None and trg.dim() == 2 and not trg.is_floating_point():
        lengths = lengths + (trg != PAD_INDEX).sum(dim=1).cpu()
    return lengths if index is None else lengths[index]


class BatchItems(tuple):
    """A batch already collated by :meth:`BatchDataset.__getitems__`."""

    def __new__(cls, X: dict[str, torch.Tensor], y: Any) -> BatchItems:
        return super().__new__(cls, (X, y))


class TrimPadding:
    """Collate a batch, drop the padding columns no sequence of it needs, and split
    sequence targets for teacher forcing.

    The batch is ``({"src": ..., "src_lengths": ...}, trg)``; token sources are cut to
    the longest source of the batch and token targets to the longest target. With
    ``teacher_forcing``, a sequence target (2-D ids or 3-D vectors) becomes the
    module's input ``X["trg_input"] = trg[:, :-1]`` and the loss's target
    ``trg[:, 1:]``; a batch without targets (skorch's dummy 1-D ``y``) is left as
    it is.

    Parameters
    ----------
    pad_index : int
    trim_target : bool
        Whether ``trg`` holds token ids that can be cut.
    teacher_forcing : bool
        Whether ``trg`` is a sequence to split (False for class labels).
    """

    def __init__(
        self,
        pad_index: int = PAD_INDEX,
        trim_target: bool = True,
        teacher_forcing: bool = False,
    ) -> None:
        self.pad_index = pad_index
        self.trim_target = trim_target
        self.teacher_forcing = teacher_forcing

    def __call__(self, batch: list[Any]) -> Any:
        X, y = batch if isinstance(batch, BatchItems) else default_collate(batch)
        src, lengths = X["src"], X["src_lengths"]
        X["src"] = trim_padding(src, lengths)
        if self.trim_target and isinstance(y, torch.Tensor) and y.dim() == 2:
            keep = int((y != self.pad_index).sum(dim=1).max())
            y = y[:, : max(2, keep)]
        if self.teacher_forcing and isinstance(y, torch.Tensor) and y.dim() >= 2:
            X = {**X, "trg_input": y[:, :-1]}
            y = y[:, 1:]
        return X, y


# Where the estimators keep the float64 copy of the module that batch-invariant
# scoring uses on the CPU; a cache, dropped when the net is pickled or copied.
FLOAT64_CACHE = "_float64_module_cache"


class Seq2SeqNet(NeuralNet):
    """``NeuralNet`` whose loss fits sequence outputs (padding is ignored by the
    criterion), with datasets kept on the training device.

    Parameters
    ----------
    target_kind : {"tokens", "vectors", "classes"}
        What ``y`` holds (see the module docstring).
    **kwargs
        Passed to :class:`skorch.NeuralNet`.
    """

    def __init__(
        self,
        *args,
        target_kind: str = "tokens",
        shuffle_seed: int | None = None,
        group_by_length: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.target_kind = target_kind
        self.shuffle_seed = shuffle_seed
        self.group_by_length = group_by_length

    def get_iterator(self, dataset: Any, training: bool = False) -> Any:
        """skorch's data loader; training batches in the order of an
        :class:`EpochSampler` of ``shuffle_seed`` (when set), grouped by length
        (:class:`LengthGroupedBatches`) with ``group_by_length``."""
        if not training or self.shuffle_seed is None:
            return super().get_iterator(dataset, training=training)
        kwargs = self.get_params_for("iterator_train")
        kwargs.pop("shuffle", None)
        batch_size = kwargs.pop("batch_size", self.batch_size)
        if batch_size == -1:
            batch_size = len(dataset)
        if self.group_by_length and isinstance(
            getattr(dataset, "dataset", dataset), BatchDataset
        ):
            batches = LengthGroupedBatches(
                _sample_lengths(dataset), batch_size, self.shuffle_seed
            )
            return self.iterator_train(dataset, batch_sampler=batches, **kwargs)
        sampler = EpochSampler(len(dataset), self.shuffle_seed)
        return self.iterator_train(
            dataset, sampler=sampler, batch_size=batch_size, **kwargs
        )

    def get_default_callbacks(self) -> list[tuple[str, Any]]:
        return [
            (name, TerminalPrintLog() if isinstance(callback, PrintLog) else callback)
            for name, callback in super().get_default_callbacks()
        ]

    def get_dataset(self, X: Any, y: Any = None) -> Any:
        """Padded arrays (``{"src", "src_lengths"}`` and ``trg``) as a
        :class:`BatchDataset` on the training device; datasets pass through."""
        if isinstance(X, dict) and set(X) == {"src", "src_lengths"}:
            return BatchDataset(X["src"], X["src_lengths"], y, device=self.device)
        return super().get_dataset(X, y)

    # The ``module`` parameter holds the very module instance that ``module_`` is.
    # skorch pickles ``module_`` device-aware (a CUDA model loads on a CPU-only
    # machine) but ``module`` with plain pickle, which records CUDA storages and
    # fails there, and stores the weights twice. Pickle a marker instead.
    _SAME_AS_MODULE_ = "<the module_ attribute>"

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state.pop(FLOAT64_CACHE, None)
        if "module_" in self.__dict__ and state.get("module") is self.module_:
            state["module"] = self._SAME_AS_MODULE_
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        if isinstance(self.module, str) and self.module == self._SAME_AS_MODULE_:
            self.module = self.module_
        flatten_rnn_weights(self.module_)

    def infer(self, x: Any, **fit_params: Any) -> Any:
        """The module's output without a missing attention (None): skorch moves
        every output to a device (``forward_iter``, the cache of ``EpochScoring``),
        which fails on None."""
        y_pred = super().infer(x, **fit_params)
        if isinstance(y_pred, tuple):
            return tuple(item for item in y_pred if item is not None)
        return y_pred

    def get_loss(
        self, y_pred: Any, y_true: Any, X: Any = None, training: bool = False
    ) -> torch.Tensor:
        outputs = y_pred[0] if isinstance(y_pred, tuple) else y_pred
        y_true = to_tensor(y_true, device=self.device)
        if self.target_kind == "tokens":
            # batch x trg_len x vocab -> (batch*trg_len) x vocab
            return self.criterion_(
                outputs.reshape(-1, outputs.shape[-1]), y_true.reshape(-1)
            )
        return self.criterion_(outputs, y_true)

    def loss_terms(self, y_true: Any) -> torch.Tensor:
        """How many terms the criterion's mean of a batch averages over: the
        target tokens (padding is ignored), the labels, or the target values."""
        y_true = to_tensor(y_true, device=self.device)
        if self.target_kind == "tokens":
            return (y_true != PAD_INDEX).sum()
        return torch.tensor(y_true.numel(), device=y_true.device)


def accelerated_net_class() -> type[Seq2SeqNet]:
    """:class:`Seq2SeqNet` with skorch's ``AccelerateMixin`` (Hugging Face
    accelerate: mixed precision, several GPUs); imported only when asked for."""
    try:
        from skorch.hf import AccelerateMixin
    except ImportError as error:  # pragma: no cover - skorch always has it
        raise ImportError(
            "accelerator= needs skorch's AccelerateMixin (skorch >= 0.12)."
        ) from error

    class AcceleratedSeq2SeqNet(AccelerateMixin, Seq2SeqNet):
        """Seq2SeqNet trained through an ``accelerate.Accelerator``."""

        def _initialize_accelerator(self) -> AcceleratedSeq2SeqNet:
            # skorch prepares the criterion as a module too; under several
            # processes accelerate wraps it in DistributedDataParallel, which
            # refuses a module without parameters (a plain loss): prepare only
            # criteria that learn something.
            criteria = self._criteria
            self._criteria = [
                name
                for name in criteria
                if any(p.requires_grad for p in getattr(self, name + "_").parameters())
            ]
            try:
                return super()._initialize_accelerator()
            finally:
                self._criteria = criteria

        # -- data parallelism: every process a shard of each batch -------------
        # DistributedDataParallel averages the processes' gradients. With each
        # process's loss the mean over its own shard, that would weigh a token
        # of a short shard more than one of a long shard; instead each process's
        # loss is its share of the global batch's sum, scaled so that the
        # average of the gradients is the gradient of the global batch's mean.
        # One process (or none launched) trains exactly as without accelerate.

        def _world_size(self) -> int:
            return int(self.accelerator.num_processes)

        def get_loss(
            self, y_pred: Any, y_true: Any, X: Any = None, training: bool = False
        ) -> torch.Tensor:
            loss = super().get_loss(y_pred, y_true, X=X, training=training)
            world = self._world_size()
            if world == 1:
                return loss
            local = self.loss_terms(y_true).to(loss.device, torch.float64)
            total = self.accelerator.reduce(local.clone(), reduction="sum")
            return loss * (local * world / total).to(loss.dtype)

        def _global_loss(self, step: dict[str, Any]) -> dict[str, Any]:
            """The step's loss as the history records it: the global batch's
            mean, the same number on every process."""
            if self._world_size() > 1:
                loss = step["loss"].detach().clone()
                step = {**step, "loss": self.accelerator.reduce(loss, "mean")}
            return step

        def train_step_single(self, batch: Any, **fit_params: Any) -> Any:
            return self._global_loss(super().train_step_single(batch, **fit_params))

        def validation_step(self, batch: Any, **fit_params: Any) -> Any:
            return self._global_loss(super().validation_step(batch, **fit_params))

    return AcceleratedSeq2SeqNet
