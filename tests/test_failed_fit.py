"""A fit that raises part-way leaves the estimator as it was before the call."""

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from skorch.callbacks import Callback

from sklearn_seq2seq import Seq2SeqClassifier, Seq2SeqTransformer

from _s2s_shared import TINY, X_TEXT, Y_TEXT

LABELS = [len(x.split()) for x in X_TEXT]


class FailAtEpoch(Callback):
    """Raises at the end of epoch ``epoch``, as a user's buggy callback would."""

    def __init__(self, epoch: int) -> None:
        self.epoch = epoch

    def on_epoch_end(self, net, **kwargs) -> None:
        if len(net.history) == self.epoch:
            raise RuntimeError("callback failed")


def _data(estimator):
    return (X_TEXT, Y_TEXT) if estimator is Seq2SeqTransformer else (X_TEXT, LABELS)


@pytest.mark.parametrize("architecture", ["rnn", "transformer"])
@pytest.mark.parametrize("estimator", [Seq2SeqTransformer, Seq2SeqClassifier])
def test_failed_first_fit_leaves_the_estimator_unfitted(
    estimator, architecture, tmp_path
):
    X, y = _data(estimator)
    model = estimator(
        **dict(TINY, max_epochs=3),
        architecture=architecture,
        n_heads=2,
        callbacks=[FailAtEpoch(2)],
    )
    with pytest.raises(RuntimeError, match="callback failed"):
        model.fit(X, y)
    assert not [name for name in vars(model) if name.endswith("_")]
    with pytest.raises(NotFittedError):
        model.predict(X)
    with pytest.raises(NotFittedError):
        model.save(tmp_path / "model")
    if estimator is Seq2SeqTransformer:
        with pytest.raises(NotFittedError):
            model.transform(X)
    # And it can be fitted afterwards, as a fresh estimator would be.
    model.set_params(callbacks=None).fit(X, y)
    assert len(model.history_) == 3


@pytest.mark.parametrize("method", ["fit", "partial_fit"])
@pytest.mark.parametrize("estimator", [Seq2SeqTransformer, Seq2SeqClassifier])
def test_failed_warm_start_keeps_the_earlier_model(estimator, method):
    X, y = _data(estimator)

    def outputs(model):
        if estimator is Seq2SeqClassifier:
            return model.predict_proba(X)
        return model.score_samples(X, y)

    # The callback is part of the net the warm start continues; it fails after
    # the first epoch of the continuation, when the weights have already moved.
    settings = dict(TINY, max_epochs=2)
    model = estimator(**settings, warm_start=True, callbacks=[FailAtEpoch(3)])
    model.fit(X, y)
    before, history = outputs(model), model.history_.copy()
    net = model.net_
    with pytest.raises(RuntimeError, match="callback failed"):
        getattr(model, method)(X, y)
    np.testing.assert_array_equal(outputs(model), before)
    assert model.history_.equals(history)
    assert model.net_ is not net  # the copy taken before the call
    # Without the restore, the failed epoch's weights would be there.
    failed = estimator(**settings, warm_start=True).fit(X, y)
    getattr(failed, method)(X, y)
    assert not np.array_equal(outputs(failed), before)
