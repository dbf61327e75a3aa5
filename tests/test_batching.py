"""The training order: drawn from the fit's seed alone (the same in every process
of a data-parallel fit), and with ``group_by_length`` batches of similar lengths."""

import numpy as np
import pytest
import torch

from sklearn_seq2seq import Seq2SeqClassifier, Seq2SeqTransformer
from sklearn_seq2seq._training._net import EpochSampler, LengthGroupedBatches

from _s2s_shared import X_FLOAT, X_TEXT, Y_TEXT

LENGTHS = np.random.default_rng(0).integers(1, 40, size=1000)


def _epochs(sampler, n=3):
    return [list(sampler) for _ in range(n)]


def test_epoch_sampler_draws_every_sample_once_from_its_seed_alone():
    torch.manual_seed(123)
    first = _epochs(EpochSampler(50, seed=7))
    torch.manual_seed(456)  # the global random state plays no part
    again = _epochs(EpochSampler(50, seed=7))
    assert first == again
    assert all(sorted(epoch) == list(range(50)) for epoch in first)
    assert first[0] != first[1]  # a new order every epoch
    assert _epochs(EpochSampler(50, seed=8))[0] != first[0]


def test_length_grouped_batches_cover_the_data_and_cut_padding():
    sampler = LengthGroupedBatches(LENGTHS, batch_size=32, seed=0)
    epochs = _epochs(sampler)
    for epoch in epochs:
        flat = [i for batch in epoch for i in batch]
        assert sorted(flat) == list(range(len(LENGTHS)))
        assert all(1 <= len(batch) <= 32 for batch in epoch)
        assert len(epoch) == len(sampler)
    assert epochs[0] != epochs[1]
    assert epochs == _epochs(LengthGroupedBatches(LENGTHS, batch_size=32, seed=0))

    def padding(batches):
        return sum(
            int(LENGTHS[b].max()) * len(b) - int(LENGTHS[b].sum()) for b in batches
        )

    random_order = list(EpochSampler(len(LENGTHS), seed=0))
    random_batches = [random_order[i : i + 32] for i in range(0, len(LENGTHS), 32)]
    # Measured: 47 % of the positions are padding in random batches of these
    # uniform lengths in [1, 40), 2.5 % in grouped ones.
    assert padding(epochs[0]) < 0.1 * padding(random_batches)


@pytest.mark.parametrize(
    "estimator, X, y",
    [
        (Seq2SeqTransformer, X_TEXT, Y_TEXT),
        (Seq2SeqTransformer, X_FLOAT, X_FLOAT[:, :3]),
        (Seq2SeqClassifier, X_TEXT, [len(x.split()) % 2 for x in X_TEXT]),
    ],
    ids=["tokens", "floats", "classifier"],
)
@pytest.mark.parametrize("architecture", ["rnn", "transformer"])
@pytest.mark.parametrize("early_stopping", [False, True])
def test_group_by_length_trains_reproducibly_everywhere(
    estimator, X, y, architecture, early_stopping
):
    params = dict(
        hidden_dim=8,
        max_epochs=2,
        batch_size=4,
        random_state=0,
        device="cpu",
        architecture=architecture,
        early_stopping=early_stopping,
        group_by_length=True,
    )
    if architecture == "transformer":
        params["n_heads"] = 2
    first = estimator(**params).fit(X, y)
    second = estimator(**params).fit(X, y)
    np.testing.assert_array_equal(
        first.history_["train_loss"], second.history_["train_loss"]
    )
    plain = estimator(**{**params, "group_by_length": False}).fit(X, y)
    # Same samples, other batches: another loss curve (tokens of several lengths).
    if estimator is not Seq2SeqTransformer or X is X_TEXT:
        assert not np.allclose(
            first.history_["train_loss"], plain.history_["train_loss"]
        )
    first.set_params(warm_start=True).fit(X, y)
    assert len(first.history_) == 4
