"""The per-epoch validation score of ``validation_scoring``: decode the
validation data greedily with the fit's :class:`~._decoding.Decoding`, score it."""

from __future__ import annotations

from typing import Any

import torch

from .._data._vocabulary import BOS_INDEX, EOS_INDEX, PAD_INDEX
from .._utils import INFERENCE_BATCH_SIZE as BATCH_SIZE
from .._utils import trim_padding
from ..metrics import sequence_metric
from ._decoding import Decoding


class ValidationSequenceScore:
    """``EpochScoring`` function: greedy-decode the validation data, score it.

    skorch calls it as ``score(net, dataset, y)`` at the end of every epoch with the
    validation dataset (a ``BatchDataset`` or a ``Subset`` of one); the targets
    are read from the dataset, so ``y`` is unused.

    Parameters
    ----------
    metric : {"bleu", "chrf", "exact_match"}
        As :func:`~sklearn_seq2seq.metrics.sequence_metric` computes it, over
        target tokens (characters with ``analyzer="char"``).
    itos : list
        The target vocabulary (id -> token).
    decoding : Decoding
        The fit's decoding (limits and controls); searched greedily, whatever
        its mode, so that an epoch's score costs one pass.
    """

    def __init__(self, metric: str, itos: list, decoding: Decoding) -> None:
        self.metric = metric
        self.itos = list(itos)
        self.decoding = decoding

    def _tokens(self, ids: list[int]) -> list[Any]:
        if EOS_INDEX in ids:
            ids = ids[: ids.index(EOS_INDEX)]
        return [self.itos[i] for i in ids if i not in (PAD_INDEX, BOS_INDEX)]

    def __call__(self, net: Any, X: Any, y: Any = None) -> float:
        dataset, index = X, None
        if isinstance(dataset, torch.utils.data.Subset):
            dataset, index = dataset.dataset, list(dataset.indices)
        src, lengths, trg = dataset.src, dataset.src_lengths, dataset.trg
        if index is not None:
            rows = torch.as_tensor(index, device=lengths.device)
            src, lengths, trg = src[rows], lengths[rows], trg[rows]
        module = net.module_
        training = module.training
        module.eval()
        predicted: list[list[int]] = []
        with torch.no_grad():
            for start in range(0, len(lengths), BATCH_SIZE):
                batch_lengths = lengths[start : start + BATCH_SIZE]
                batch_src = src[start : start + BATCH_SIZE]
                batch_src = trim_padding(batch_src, batch_lengths)
                out = self.decoding.search(
                    module,
                    batch_src,
                    batch_lengths,
                    return_attention=False,
                    mode="greedy",
                )
                predicted.extend(out.tokens.cpu().tolist())
        module.train(training)
        truth = [self._tokens(row[1:]) for row in trg.cpu().tolist()]
        return sequence_metric(
            self.metric, truth, [self._tokens(row) for row in predicted]
        )
