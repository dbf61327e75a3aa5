"""Safe persistence: ``est.save(path)`` and :func:`load`, without pickle.

A saved model is one zip file with two members:

- ``config.json``: the format name and version, the package, PyTorch and
  scikit-learn versions, the estimator's class and ``get_params()``, its fitted
  attributes (vocabularies, ``classes_``, ``n_features_in_``, ...), the training
  history and the optimizer's hyper-parameters, and a SHA-256 checksum of everything
  else in the file;
- ``model.safetensors``: the network's weights (and the optimizer's state, so that
  ``warm_start=True`` can continue training) as safetensors, a format that holds
  tensors only.

Loading parses JSON and safetensors and nothing else: no pickle, no code named by
the file is imported or run. Values that JSON cannot hold (tuples, numpy arrays,
dicts with non-string keys, optimizer classes) are written as tagged objects
(``{"__tuple__": [...]}``, ...) and read back only through the tags listed here.
"""

from __future__ import annotations

import hashlib
import json
import warnings
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.torch import load as load_tensors
from safetensors.torch import save as save_tensors

from .._data._codec import SequenceCodec
from .._data._vocabulary import SOURCE_SPECIALS, TARGET_SPECIALS
from .._training._fitting import (
    history_frame,
    history_from_rows,
    history_rows,
    resolve_device,
)
from .._utils import user_stacklevel
from ._registry import registered

FORMAT_NAME = "sklearn_seq2seq"
FORMAT_VERSION = 1
CONFIG_MEMBER = "config.json"
WEIGHTS_MEMBER = "model.safetensors"


class ModelFileError(ValueError):
    """A file that is not a valid saved model (corrupted, modified or foreign)."""


# -- JSON with tags -------------------------------------------------------------------
def _to_json(value: Any, where: str) -> Any:
    """``value`` as plain JSON data; tuples, arrays, dicts and classes are tagged."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        return value
    if isinstance(value, np.generic):
        return _to_json(value.item(), where)
    if isinstance(value, list):
        return [_to_json(item, where) for item in value]
    if isinstance(value, tuple):
        return {"__tuple__": [_to_json(item, where) for item in value]}
    if isinstance(value, dict):
        return {
            "__dict__": [
                [_to_json(key, where), _to_json(item, where)]
                for key, item in value.items()
            ]
        }
    if isinstance(value, np.ndarray):
        return {
            "__ndarray__": _to_json(value.tolist(), where),
            "dtype": value.dtype.str if value.dtype != object else "object",
            "shape": list(value.shape),
        }
    if isinstance(value, type) and issubclass(value, torch.optim.Optimizer):
        if getattr(torch.optim, value.__name__, None) is not value:
            raise TypeError(
                f"{where}: only optimizers of torch.optim can be saved, got "
                f"{value.__module__}.{value.__qualname__}."
            )
        return {"__optimizer__": value.__name__}
    raise TypeError(
        f"{where} holds a {type(value).__name__}, which cannot be saved safely."
    )


def _from_json(value: Any) -> Any:
    """Inverse of :func:`_to_json`; unknown tags are refused."""
    if isinstance(value, list):
        return [_from_json(item) for item in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"__tuple__"}:
        return tuple(_from_json(item) for item in value["__tuple__"])
    if set(value) == {"__dict__"}:
        return {_from_json(key): _from_json(item) for key, item in value["__dict__"]}
    if set(value) == {"__ndarray__", "dtype", "shape"}:
        data = _from_json(value["__ndarray__"])
        dtype = object if value["dtype"] == "object" else np.dtype(value["dtype"])
        if dtype is object:
            array = np.empty(len(data), dtype=object)
            array[:] = data
            return array.reshape(value["shape"])
        return np.asarray(data, dtype=dtype).reshape(value["shape"])
    if set(value) == {"__optimizer__"}:
        optimizer = getattr(torch.optim, str(value["__optimizer__"]), None)
        if not (
            isinstance(optimizer, type) and issubclass(optimizer, torch.optim.Optimizer)
        ):
            raise ModelFileError(f"Unknown optimizer {value['__optimizer__']!r}.")
        return optimizer
    raise ModelFileError(f"Unexpected object in the model file: {sorted(value)!r}.")


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"


def _checksum(config: dict[str, Any], weights: bytes) -> str:
    body = json.dumps(config, sort_keys=True, allow_nan=True).encode()
    return hashlib.sha256(body + b"\0" + weights).hexdigest()


# -- codecs ---------------------------------------------------------------------------
def _codec_state(codec: Any) -> dict[str, Any]:
    # stoi_ is rebuilt from itos_ (its keys may be any hashable token).
    return {key: value for key, value in vars(codec).items() if key != "stoi_"}


def _restore_codec(state: dict[str, Any]) -> Any:

    codec = SequenceCodec.__new__(SequenceCodec)
    vars(codec).update(state)
    if "itos_" in state:
        n_specials = len(TARGET_SPECIALS if state.get("target") else SOURCE_SPECIALS)
        codec.itos_ = list(state["itos_"])
        codec.stoi_ = {
            token: index
            for index, token in enumerate(codec.itos_)
            if index >= n_specials
        }
    return codec


# -- save -----------------------------------------------------------------------------
_NOT_SAVED = {"net_", "history_", "source_codec_", "target_codec_"}


def save(estimator: Any, path: str | Path) -> None:
    """Write a fitted estimator to ``path`` (see the module docstring)."""
    params = estimator.get_params(deep=False)
    if params.get("callbacks"):
        warnings.warn(
            "callbacks are not saved (they may hold arbitrary code); the loaded "
            "model has callbacks=None.",
            UserWarning,
            stacklevel=user_stacklevel(),
        )
        params["callbacks"] = None
    if params.get("accelerator") is not None:
        # An Accelerator belongs to the processes that trained; the weights do not.
        params["accelerator"] = None
    if not (
        params.get("random_state") is None or isinstance(params["random_state"], int)
    ):
        params["random_state"] = None  # a RandomState instance: its state is not kept
    fitted = {
        key: value
        for key, value in vars(estimator).items()
        if (key.endswith("_") and not key.startswith("__") and key not in _NOT_SAVED)
        or key == "_n_features_out"
    }
    net = estimator.net_
    history = history_rows(net)
    # Copies: safetensors refuses tensors that share memory, which tied
    # parameters (tie_embeddings) do; the rebuilt module ties them again.
    tensors = {
        f"module.{key}": value.detach().to("cpu", copy=True).contiguous()
        for key, value in net.module_.state_dict().items()
    }
    optimizer_state = net.optimizer_.state_dict()
    optimizer_scalars: dict[str, Any] = {}
    for index, state in optimizer_state["state"].items():
        for name, value in state.items():
            if isinstance(value, torch.Tensor):
                tensors[f"optimizer.{index}.{name}"] = value.detach().cpu().contiguous()
            else:
                optimizer_scalars[f"{index}.{name}"] = value
    weights = save_tensors(tensors)
    where = f"{type(estimator).__name__}"
    config = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "class": type(estimator).__name__,
        "versions": {
            name: _version(name)
            for name in ("sklearn-seq2seq", "torch", "scikit-learn", "skorch")
        },
        "params": _to_json(params, f"{where} parameters"),
        "fitted": _to_json(fitted, f"{where} fitted attributes"),
        "source_codec": _to_json(
            _codec_state(estimator.source_codec_), "the source vocabulary"
        ),
        "target_codec": _to_json(
            _codec_state(estimator.target_codec_), "the target vocabulary"
        )
        if hasattr(estimator, "target_codec_")
        else None,
        "history": _to_json(history, "the training history"),
        "optimizer": {
            "param_groups": _to_json(
                optimizer_state["param_groups"], "the optimizer settings"
            ),
            "scalars": _to_json(optimizer_scalars, "the optimizer state"),
        },
    }
    config["checksum"] = _checksum(config, weights)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(CONFIG_MEMBER, json.dumps(config, indent=1, allow_nan=True))
        archive.writestr(WEIGHTS_MEMBER, weights)


# -- load -----------------------------------------------------------------------------
def _read(path: str | Path) -> tuple[dict[str, Any], bytes]:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if names != {CONFIG_MEMBER, WEIGHTS_MEMBER}:
                raise ModelFileError(
                    f"{path} is not a sklearn_seq2seq model file: it holds "
                    f"{sorted(names)}, expected {CONFIG_MEMBER!r} and "
                    f"{WEIGHTS_MEMBER!r} only."
                )
            config_text = archive.read(CONFIG_MEMBER)
            weights = archive.read(WEIGHTS_MEMBER)
    except zipfile.BadZipFile:
        raise ModelFileError(
            f"{path} is not a sklearn_seq2seq model file (not a zip archive); "
            "files written by est.save(path) are. Pickle files are not loaded."
        ) from None
    try:
        config = json.loads(config_text)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelFileError(
            f"{path}: {CONFIG_MEMBER} is not valid JSON ({error})."
        ) from None
    if not isinstance(config, dict) or config.get("format") != FORMAT_NAME:
        raise ModelFileError(f"{path} is not a sklearn_seq2seq model file.")
    version = config.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ModelFileError(
            f"{path} was saved in model format version {version!r}, but this "
            f"sklearn_seq2seq ({_version('sklearn-seq2seq')}) reads versions up to "
            f"{FORMAT_VERSION}: upgrade sklearn_seq2seq to load it."
        )
    expected = config.pop("checksum", None)
    if expected != _checksum(config, weights):
        raise ModelFileError(
            f"{path} was modified or corrupted after it was saved (its checksum "
            "does not match); it was not loaded."
        )
    return config, weights


def load(path: str | Path, device: str | None = None) -> Any:
    """Load an estimator saved with ``est.save(path)``.

    Parameters
    ----------
    path : str or path-like
        A file written by :meth:`Seq2SeqTransformer.save` or
        :meth:`Seq2SeqClassifier.save`.
    device : {"auto", "cpu", "cuda", "cuda:N"}, default=None
        Where the loaded model goes. ``None`` keeps the saved ``device`` parameter,
        except that a model saved with ``device="cuda"`` goes to the CPU (with a
        warning) on a machine without CUDA.

    Returns
    -------
    estimator : Seq2SeqTransformer or Seq2SeqClassifier
        Fitted, ready to predict; ``warm_start=True`` continues its training.

    Raises
    ------
    ValueError
        If the file is not a model file, was modified after saving, or was written
        by a newer format version. Nothing from the file is run.

    Examples
    --------
    >>> import tempfile, os
    >>> from sklearn_seq2seq import Seq2SeqTransformer, load
    >>> X = ["1 2 3", "4 5", "6 7 8 9", "2 4"] * 10
    >>> model = Seq2SeqTransformer(hidden_dim=8, max_epochs=1, random_state=0)
    >>> model = model.fit(X, X)
    >>> path = os.path.join(tempfile.mkdtemp(), "model.s2s")
    >>> model.save(path)
    >>> list(load(path).predict(X[:2])) == list(model.predict(X[:2]))
    True
    """
    config, weights = _read(path)
    try:
        cls = registered(config["class"])
        params = _from_json(config["params"])
        estimator = cls(**params)
        if device is not None:
            estimator.set_params(device=device)
        elif resolve_device(estimator.device).startswith("cuda") and not (
            torch.cuda.is_available()
        ):
            warnings.warn(
                f"The model was saved with device={estimator.device!r} but CUDA is "
                "not available here: it is loaded on the CPU.",
                UserWarning,
                stacklevel=user_stacklevel(),
            )
            estimator.set_params(device="cpu")
        for key, value in _from_json(config["fitted"]).items():
            setattr(estimator, key, value)
        estimator.source_codec_ = _restore_codec(_from_json(config["source_codec"]))
        if config.get("target_codec") is not None:
            estimator.target_codec_ = _restore_codec(_from_json(config["target_codec"]))
        tensors = load_tensors(weights)
        net = estimator._net_for_loading()
        module_state = {
            key.removeprefix("module."): value
            for key, value in tensors.items()
            if key.startswith("module.")
        }
        net.module_.load_state_dict(module_state, strict=True)
        _restore_optimizer(net, config["optimizer"], tensors)
        history = _from_json(config["history"])
        net.history_ = history_from_rows(history)
    except ModelFileError:
        raise
    except (KeyError, TypeError, ValueError, RuntimeError, SafetensorError) as error:
        raise ModelFileError(
            f"{path} could not be loaded: its content does not describe a valid "
            f"model ({type(error).__name__}: {error})."
        ) from None
    net.module_.eval()
    estimator.net_ = net
    estimator.history_ = history_frame(history)
    return estimator


def _restore_optimizer(net: Any, saved: dict[str, Any], tensors: dict) -> None:
    """Put the saved optimizer state back (for ``warm_start``), on the net's device."""
    state: dict[int, dict[str, Any]] = {}
    for key, value in tensors.items():
        if key.startswith("optimizer."):
            _, index, name = key.split(".", 2)
            state.setdefault(int(index), {})[name] = value
    for key, value in _from_json(saved["scalars"]).items():
        index, name = key.split(".", 1)
        state.setdefault(int(index), {})[name] = value
    param_groups = _from_json(saved["param_groups"])
    if not state and not param_groups:
        return
    net.optimizer_.load_state_dict({"state": state, "param_groups": param_groups})
