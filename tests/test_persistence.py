"""est.save(path) / load(path): safe persistence, warm starts and interrupted fits."""

import json
import os
import subprocess
import sys
import warnings
import zipfile

import numpy as np
import pytest
from skorch.callbacks import Callback

from sklearn_seq2seq import Seq2SeqClassifier, Seq2SeqTransformer, load
from sklearn_seq2seq._persistence._format import _checksum

from _s2s_shared import (
    DECODERS,
    TRANSFORMER_DATA,
    X_FLOAT,
    X_TEXT,
    Y_TEXT,
    assert_same_predictions,
)

KW = dict(hidden_dim=6, max_epochs=2, batch_size=16, random_state=0, device="cpu")


@pytest.mark.parametrize("decoder", DECODERS)
@pytest.mark.parametrize("kind", TRANSFORMER_DATA)
def test_transformer_round_trip(kind, decoder, tmp_path):
    X, y = TRANSFORMER_DATA[kind]
    model = Seq2SeqTransformer(**KW, decoder=decoder).fit(X, y)
    model.save(tmp_path / "model.s2s")
    loaded = load(tmp_path / "model.s2s")
    assert type(loaded) is Seq2SeqTransformer
    assert loaded.get_params() == model.get_params()
    assert_same_predictions(loaded.predict(X), model.predict(X))
    np.testing.assert_array_equal(loaded.transform(X), model.transform(X))
    assert loaded.history_.equals(model.history_)
    assert loaded.max_output_length_ == model.max_output_length_


@pytest.mark.parametrize("cell", ["gru", "lstm", "rnn"])
@pytest.mark.parametrize("decoder", DECODERS)
def test_classifier_round_trip(decoder, cell, tmp_path):
    y = np.array(["spam", "ham", "eggs"] * 8, dtype=object)
    model = Seq2SeqClassifier(**KW, decoder=decoder, cell=cell, depth=(1, 2))
    model.fit(X_FLOAT, y)
    model.save(tmp_path / "clf.s2s")
    loaded = load(tmp_path / "clf.s2s")
    np.testing.assert_array_equal(loaded.classes_, model.classes_)
    np.testing.assert_array_equal(
        loaded.predict_proba(X_FLOAT), model.predict_proba(X_FLOAT)
    )
    assert loaded.n_features_in_ == model.n_features_in_


_FRESH_PROCESS = """
import json, pickle, sys
import numpy as np
from sklearn_seq2seq import load

cases = pickle.loads(bytes.fromhex(sys.stdin.read()))  # test data only
out = {}
for name, X in cases.items():
    model = load(f"{sys.argv[1]}/{name}.s2s")
    if hasattr(model, "predict_proba"):
        out[name] = model.predict_proba(X).tolist()
    else:
        out[name] = np.asarray(model.predict(X), dtype=object).tolist()
print(json.dumps(out, default=lambda value: value.tolist()))
"""


@pytest.mark.slow
def test_load_in_a_fresh_process_gives_identical_predictions(tmp_path):
    """Save every estimator x input/target kind x decoder here, load them all in a
    new interpreter: the same predictions (probabilities for the classifier)."""
    import pandas as pd

    frame = pd.DataFrame(X_FLOAT[:, :, 0], columns=[f"t{i}" for i in range(4)])
    expected, inputs = {}, {}
    for decoder in DECODERS:
        for kind, (X, y) in TRANSFORMER_DATA.items():
            model = Seq2SeqTransformer(**KW, decoder=decoder).fit(X, y)
            name = f"transformer-{kind}-{decoder}"
            model.save(tmp_path / f"{name}.s2s")
            expected[name] = np.asarray(model.predict(X), dtype=object).tolist()
            inputs[name] = X
        for kind, X in {"floats": X_FLOAT, "frame": frame, "text": X_TEXT}.items():
            model = Seq2SeqClassifier(**KW, decoder=decoder)
            model.fit(X, np.array(["a", "b", "c"] * 8))
            name = f"classifier-{kind}-{decoder}"
            model.save(tmp_path / f"{name}.s2s")
            expected[name] = model.predict_proba(X).tolist()
            inputs[name] = X
    import pickle

    result = subprocess.run(
        [sys.executable, "-c", _FRESH_PROCESS, str(tmp_path)],
        input=pickle.dumps(inputs).hex(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert set(loaded) == set(expected)
    for name, values in expected.items():
        got = loaded[name]
        if name.startswith("classifier") or "floats" in name:
            np.testing.assert_array_equal(np.asarray(got, dtype=float), values)
        else:
            assert json.loads(json.dumps(values, default=list)) == got, name


def _rewrite(path, config=None, weights=None, keep_checksum=False):
    """Rewrite a model file with another config or weights member."""
    with zipfile.ZipFile(path) as archive:
        old_config = json.loads(archive.read("config.json"))
        old_weights = archive.read("model.safetensors")
    config = old_config if config is None else config
    weights = old_weights if weights is None else weights
    if not keep_checksum:
        config = {k: v for k, v in config.items() if k != "checksum"}
        config["checksum"] = _checksum(dict(config), weights)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", json.dumps(config))
        archive.writestr("model.safetensors", weights)
    return old_config


@pytest.fixture
def saved(tmp_path):
    model = Seq2SeqTransformer(**KW).fit(X_TEXT, Y_TEXT)
    path = tmp_path / "model.s2s"
    model.save(path)
    return model, path


def test_tampered_files_are_refused(saved):
    _, path = saved
    with zipfile.ZipFile(path) as archive:
        original = archive.read("config.json")
        weights = archive.read("model.safetensors")
    # Changed JSON, checksum left as it was.
    config = json.loads(original)
    config["params"]["__dict__"][0][1] = 999
    _rewrite(path, config=config, keep_checksum=True)
    with pytest.raises(ValueError, match="modified or corrupted"):
        load(path)
    # Changed weights, JSON as saved.
    tampered = weights[:-8] + bytes(8)
    _rewrite(path, config=json.loads(original), weights=tampered, keep_checksum=True)
    with pytest.raises(ValueError, match="modified or corrupted"):
        load(path)


class _Payload:
    """Pickling this runs code when unpickled: it must never happen on load."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_pickle_payloads_are_never_run(saved, tmp_path):
    import pickle

    model, path = saved
    marker = tmp_path / "ran"
    # A pickle file instead of a model file.
    pickle_path = tmp_path / "model.pkl"
    pickle_path.write_bytes(pickle.dumps(_Payload(str(marker))))
    with pytest.raises(ValueError, match="not a zip archive"):
        load(pickle_path)
    # A pickle payload as the weights member, with a matching checksum.
    _rewrite(path, weights=pickle.dumps(_Payload(str(marker))))
    with pytest.raises(ValueError, match="could not be loaded"):
        load(path)
    assert not marker.exists()


def test_foreign_content_and_future_versions_are_refused(saved, tmp_path):
    _, path = saved
    config = _rewrite(path)
    config["format_version"] = 99
    _rewrite(path, config=config)
    with pytest.raises(ValueError, match="format version 99.*upgrade"):
        load(path)
    config["format_version"] = 1
    config["class"] = "os.system"
    _rewrite(path, config=config)
    with pytest.raises(ValueError, match="could not be loaded"):
        load(path)
    config["class"] = "Seq2SeqTransformer"
    config["params"] = {"__reduce__": ["os.system", "true"]}
    _rewrite(path, config=config)
    with pytest.raises(ValueError, match="Unexpected object"):
        load(path)
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ValueError, match="not a sklearn_seq2seq model file"):
        load(other)


def test_device_on_load(saved):
    model, path = saved
    loaded = load(path, device="cpu")
    assert loaded.device == "cpu"
    # Saved with device="cuda" (edited here): on a machine without CUDA it loads on
    # the CPU, with a warning.
    config = _rewrite(path)
    for pair in config["params"]["__dict__"]:
        if pair[0] == "device":
            pair[1] = "cuda"
    _rewrite(path, config=config)
    import torch

    if torch.cuda.is_available():
        assert load(path).device == "cuda"
    else:
        with pytest.warns(UserWarning, match="loaded on the CPU"):
            loaded = load(path)
        assert loaded.device == "cpu"
        assert list(loaded.predict(X_TEXT)) == list(model.predict(X_TEXT))


def test_callbacks_are_not_saved(tmp_path):
    model = Seq2SeqTransformer(**KW, callbacks=[("nothing", Callback())])
    model.fit(X_TEXT, Y_TEXT)
    with pytest.warns(UserWarning, match="callbacks are not saved"):
        model.save(tmp_path / "m.s2s")
    assert load(tmp_path / "m.s2s").callbacks is None


# -- continued training ----------------------------------------------------------------
@pytest.mark.parametrize("estimator", ["transformer", "classifier"])
def test_warm_start_continues_history_and_loss(estimator, tmp_path):
    """5 + 5 epochs: the history has 10 rows numbered 1..10 and the loss goes on
    falling from where it was; a saved and loaded model continues the same way."""
    if estimator == "transformer":
        make, X, y = Seq2SeqTransformer, X_TEXT, Y_TEXT
    else:
        make, X, y = Seq2SeqClassifier, X_FLOAT, np.arange(24) % 2
    kw = dict(KW, hidden_dim=16, max_epochs=5)
    model = make(**kw, warm_start=True).fit(X, y)
    first = model.history_["train_loss"].tolist()
    model.fit(X, y)
    assert model.history_.index.tolist() == list(range(1, 11))
    assert model.n_epochs_ == 10
    assert model.history_["train_loss"].tolist()[:5] == first
    assert model.history_["train_loss"].iloc[-1] < first[-1]
    # The same through a file: history and optimizer state continue.
    model.save(tmp_path / "m.s2s")
    loaded = load(tmp_path / "m.s2s")
    loaded.fit(X, y)
    assert loaded.history_.index.tolist() == list(range(1, 16))
    # warm_start=False starts over.
    model.set_params(warm_start=False).fit(X, y)
    assert model.history_.index.tolist() == [1, 2, 3, 4, 5]


def test_warm_start_refuses_new_labels():
    model = Seq2SeqClassifier(**KW, warm_start=True).fit(X_FLOAT, np.arange(24) % 2)
    with pytest.raises(ValueError, match="did not see"):
        model.fit(X_FLOAT, np.arange(24) % 3)


class _CtrlC(Callback):
    def on_epoch_end(self, net, **kwargs):
        if len(net.history) == 2:
            raise KeyboardInterrupt


def test_an_interrupted_fit_is_reported():
    model = Seq2SeqTransformer(**dict(KW, max_epochs=5), callbacks=[_CtrlC()])
    with pytest.warns(UserWarning, match="interrupted at epoch 2 of 5"):
        model.fit(X_TEXT, Y_TEXT)
    assert model.interrupted_ and len(model.history_) == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not Seq2SeqTransformer(**KW).fit(X_TEXT, Y_TEXT).interrupted_


def test_saved_file_holds_json_and_safetensors_only(saved):
    _, path = saved
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["config.json", "model.safetensors"]
        config = json.loads(archive.read("config.json"))
    assert config["format"] == "sklearn_seq2seq" and config["format_version"] == 1
    assert set(config["versions"]) >= {"torch", "scikit-learn", "sklearn-seq2seq"}
    assert os.path.getsize(path) > 0


def test_pipeline_with_vectorizer_saved_as_documented(tmp_path):
    """The user guide's recipe: the estimator with save/load, the vectorizer's
    vocabulary and length as JSON; the rebuilt pipeline predicts the same."""
    from sklearn.pipeline import make_pipeline

    from sklearn_seq2seq import SequenceVectorizer

    pipe = make_pipeline(SequenceVectorizer(), Seq2SeqTransformer(**KW))
    pipe.fit(X_TEXT, Y_TEXT)
    vectorizer, model = pipe[0], pipe[-1]
    model.save(tmp_path / "model.s2s")
    settings = ("analyzer", "lowercase", "padding", "truncating")
    saved = {
        "vocabulary": vectorizer.tokens_[2:].tolist(),
        **{name: getattr(vectorizer, name) for name in settings},
        "max_length": vectorizer.max_length_,
    }
    (tmp_path / "vectorizer.json").write_text(json.dumps(saved))
    rebuilt = make_pipeline(
        SequenceVectorizer(**json.loads((tmp_path / "vectorizer.json").read_text())),
        load(tmp_path / "model.s2s"),
    )
    assert list(rebuilt.predict(X_TEXT)) == list(pipe.predict(X_TEXT))


# -- validation data and per-epoch metrics ---------------------------------------------
@pytest.mark.parametrize("metric", ["bleu", "chrf", "exact_match"])
def test_validation_metric_per_epoch_equals_the_scorer(metric):
    """With X_val/y_val, every epoch reports valid_loss and the chosen metric; the
    last epoch's value is what the scorer gives the fitted model on that data."""
    from sklearn_seq2seq.metrics import sequence_metric

    X_val, y_val = X_TEXT[:8], Y_TEXT[:8]
    model = Seq2SeqTransformer(**dict(KW, max_epochs=3), validation_scoring=metric)
    model.fit(X_TEXT, Y_TEXT, X_val=X_val, y_val=y_val)
    column = f"valid_{metric}"
    assert {"valid_loss", column} <= set(model.history_.columns)
    assert len(model.history_[column]) == 3
    expected = sequence_metric(metric, y_val, model.predict(X_val))
    assert model.history_[column].iloc[-1] == pytest.approx(expected)


def test_early_stopping_can_watch_a_validation_metric():
    model = Seq2SeqTransformer(
        **dict(KW, max_epochs=4),
        early_stopping=True,
        validation_fraction=0.25,
        validation_scoring="chrf",
    ).fit(X_TEXT, Y_TEXT)
    stopper = dict(model.net_.callbacks_)["early_stopping"]
    assert stopper.monitor == "valid_chrf" and not stopper.lower_is_better
    assert "valid_chrf" in model.history_


def test_classifier_validation_data():
    y = np.arange(24) % 2
    model = Seq2SeqClassifier(**KW).fit(
        X_FLOAT[:16], y[:16], X_val=X_FLOAT[16:], y_val=y[16:]
    )
    assert {"valid_loss", "valid_acc"} <= set(model.history_.columns)
    with pytest.raises(ValueError, match="X_val was given without y_val"):
        Seq2SeqClassifier(**KW).fit(X_FLOAT, y, X_val=X_FLOAT)
    with pytest.raises(ValueError, match="y_val was given without X_val"):
        Seq2SeqClassifier(**KW).fit(X_FLOAT, y, y_val=y)
    with pytest.raises(ValueError, match="X_val and y_val have different numbers"):
        Seq2SeqClassifier(**KW).fit(X_FLOAT, y, X_val=X_FLOAT[:4], y_val=y[:3])
    with pytest.raises(ValueError, match="not in y"):
        Seq2SeqClassifier(**KW).fit(X_FLOAT, y, X_val=X_FLOAT[:4], y_val=[0, 1, 2, 0])


def test_validation_data_errors():
    with pytest.raises(ValueError, match="without y_val"):
        Seq2SeqTransformer(**KW).fit(X_TEXT, Y_TEXT, X_val=X_TEXT[:4])
    with pytest.raises(ValueError, match="float sequences"):
        Seq2SeqTransformer(**KW, validation_scoring="bleu").fit(
            X_FLOAT, X_FLOAT, X_val=X_FLOAT[:4], y_val=X_FLOAT[:4]
        )
    # An autoencoder validates on X_val against itself.
    model = Seq2SeqTransformer(**KW, validation_scoring="exact_match")
    model.fit(X_TEXT, X_val=X_TEXT[:6])
    assert "valid_exact_match" in model.history_
