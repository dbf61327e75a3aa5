"""Training through Hugging Face accelerate (skorch's AccelerateMixin).

On the CPU an ``Accelerator(cpu=True)`` must train exactly as the plain path does
(same seeds, same batches); the multi-GPU path is the same code under
``accelerate launch`` and needs GPUs, so it is tested where CUDA exists only.
"""

import warnings

import numpy as np
import pytest
import torch

accelerate = pytest.importorskip("accelerate")

from sklearn_seq2seq import Seq2SeqClassifier, Seq2SeqTransformer, load  # noqa: E402

from _s2s_shared import X_TEXT, Y_TEXT  # noqa: E402

KW = dict(hidden_dim=8, max_epochs=3, batch_size=8, random_state=0, device="cpu")
LABELS = [len(x.split()) % 2 for x in X_TEXT]
NETWORKS = {
    "attention": dict(decoder="attention"),
    "simple": dict(decoder="simple", teacher_forcing_ratio=0.5),
    "feedback": dict(decoder="feedback"),
    "peek": dict(decoder="peek", cell="lstm"),
    "transformer": dict(architecture="transformer", n_heads=2),
}


def _cpu_accelerator():
    return accelerate.Accelerator(cpu=True)


@pytest.mark.parametrize("network", list(NETWORKS))
@pytest.mark.parametrize("estimator", [Seq2SeqTransformer, Seq2SeqClassifier])
def test_cpu_accelerator_trains_as_the_plain_path(estimator, network):
    y = Y_TEXT if estimator is Seq2SeqTransformer else LABELS
    params = dict(KW, **NETWORKS[network])
    if estimator is Seq2SeqClassifier:
        params.pop("teacher_forcing_ratio", None)
    plain = estimator(**params).fit(X_TEXT, y)
    accelerated = estimator(**params, accelerator=_cpu_accelerator()).fit(X_TEXT, y)
    np.testing.assert_allclose(
        accelerated.history_["train_loss"], plain.history_["train_loss"], rtol=1e-6
    )
    assert list(accelerated.predict(X_TEXT)) == list(plain.predict(X_TEXT))


def test_accelerated_model_is_quiet_saves_and_continues(tmp_path, capsys):
    model = Seq2SeqTransformer(**KW, accelerator=_cpu_accelerator()).fit(X_TEXT, Y_TEXT)
    assert capsys.readouterr().out == ""  # verbose=0: no epoch table
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.save(tmp_path / "m.s2s")
    loaded = load(tmp_path / "m.s2s")
    assert loaded.accelerator is None  # the weights travel, the accelerator not
    assert list(loaded.predict(X_TEXT)) == list(model.predict(X_TEXT))
    model.set_params(warm_start=True, max_epochs=2).fit(X_TEXT, Y_TEXT)
    assert model.history_.index.tolist() == [1, 2, 3, 4, 5]
    Seq2SeqTransformer(**dict(KW, verbose=1), accelerator=_cpu_accelerator()).fit(
        X_TEXT, Y_TEXT
    )
    assert "train_loss" in capsys.readouterr().out


def test_accelerator_must_be_an_accelerator():
    with pytest.raises(ValueError, match="accelerator"):
        Seq2SeqTransformer(accelerator="cuda").fit(X_TEXT, Y_TEXT)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_bf16_mixed_precision_on_cuda():
    model = Seq2SeqTransformer(
        hidden_dim=16,
        max_epochs=3,
        random_state=0,
        device="cuda",
        accelerator=accelerate.Accelerator(mixed_precision="bf16"),
    ).fit(X_TEXT * 4, Y_TEXT * 4)
    assert np.isfinite(model.history_["train_loss"]).all()
    assert len(model.predict(X_TEXT)) == len(X_TEXT)
