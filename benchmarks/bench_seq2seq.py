"""Speed and memory of ``Seq2SeqTransformer`` against a hand-written PyTorch loop.

For each decoder mode (simple, feedback, peek, attention), on a fixed built-in task:

- training: seconds per epoch and target tokens per second of
  ``Seq2SeqTransformer.fit``, against a plain batched PyTorch training loop of the same
  network written below (embedding + GRU encoder, a decoder that steps over the target
  in Python, Adam, masked cross-entropy, gradient clipping, a ``DataLoader`` over
  pre-padded tensors, teacher forcing); same sizes, batch size, epochs, data;
- prediction: ``model.predict`` with greedy search and with a beam of 5;
- batched beam search over the test set against decoding it one sequence at a time
  (``beam_search`` on the fitted module with a batch of 1, in a loop);
- peak memory: the peak resident set size of a fresh process per configuration.

Training epochs of the package and of the hand-written loop alternate in one process
(a callback runs a hand-written epoch after each of the package's epochs), so both see
the same load; wall time (``time.perf_counter``) and CPU time (``time.process_time``)
are both reported, the CPU-time ratio being the less sensitive to other processes.
Everything is warmed up first; times are medians over epochs (training) or runs
(prediction). Each decoder mode runs in a fresh process, and peak memory is measured
in further fresh processes, one per configuration. The machine, the torch threads and
the load average are printed with the tables, because other processes may share the
CPU. ``--quick`` measures everything in this process with tiny settings (seconds; the
smoke test), without memory figures.

Usage::

    python benchmarks/bench_seq2seq.py [--quick] [--epochs N] [--threads N]
                                       [--markdown | --rst]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib import metadata
from typing import TYPE_CHECKING, Any

from handwritten import EOS, PAD, HandWritten

if TYPE_CHECKING:
    import torch

# torch, skorch and the package are imported inside the functions that need them: the
# parent process only starts the measuring processes and prints their results.

MODES = ("simple", "feedback", "peek", "attention")
RESULT_MARKER = "BENCH_RESULT "

#: Speed target of training, ours / hand-written (None: no target stated).
TRAIN_TARGETS: dict[str, float | None] = {
    "simple": 0.8,
    "feedback": 0.8,
    "peek": 0.8,
    "attention": 1.0,
}
BEAM_SPEEDUP_TARGET = 10.0


@dataclass
class Settings:
    """Everything a measurement depends on (sent to the worker processes as JSON)."""

    task: str = "sorting"
    n_samples: int = 5000
    min_length: int = 5
    max_length: int = 15
    n_symbols: int = 20
    test_size: float = 0.2
    hidden_dim: int = 64
    batch_size: int = 64
    lr: float = 0.005
    clip_grad_norm: float = 1.0
    epochs: int = 5
    threads: int = 1
    beam_width: int = 5
    predict_repeats: int = 3
    one_at_a_time: int = 100
    warmup_batches: int = 10
    memory_epochs: int = 2
    modes: list[str] = field(default_factory=lambda: list(MODES))


# ---------------------------------------------------------------------------------
# Data and small helpers
# ---------------------------------------------------------------------------------


def load_task(settings: Settings) -> tuple[list[str], list[str], list[str], list[str]]:
    from sklearn_seq2seq import datasets

    make = {"sorting": datasets.make_sorting, "reversal": datasets.make_reversal}
    return make[settings.task](
        n_samples=settings.n_samples,
        min_length=settings.min_length,
        max_length=settings.max_length,
        n_symbols=settings.n_symbols,
        test_size=settings.test_size,
        random_state=0,
    )


def target_tokens(y: list[str]) -> int:
    """Tokens the decoder is trained to emit: every target token and ``<eos>``."""
    return sum(len(s.split()) + 1 for s in y)


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB (Linux: KiB units)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def set_threads(threads: int) -> None:
    import torch

    torch.set_num_threads(threads)


def median_time(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# ---------------------------------------------------------------------------------
# The package
# ---------------------------------------------------------------------------------


def hand_written(
    mode: str, settings: Settings, X: list[str], y: list[str]
) -> HandWritten:
    """The hand-written baseline (``handwritten.py``) with the run's settings."""
    return HandWritten(
        mode,
        X,
        y,
        hidden_dim=settings.hidden_dim,
        lr=settings.lr,
        batch_size=settings.batch_size,
        clip_grad_norm=settings.clip_grad_norm,
    )


def _callbacks(after_epoch=None) -> list:
    """A skorch callback timing each epoch (``perf_dur`` wall, ``cpu_dur`` CPU time
    in the history), and one calling ``after_epoch()`` after each epoch's timing."""
    from skorch.callbacks import Callback

    class EpochPerfTimer(Callback):
        def on_epoch_begin(self, net, **kwargs):
            self.start_ = time.perf_counter(), time.process_time()

        def on_epoch_end(self, net, **kwargs):
            net.history.record("perf_dur", time.perf_counter() - self.start_[0])
            net.history.record("cpu_dur", time.process_time() - self.start_[1])

    class AfterEpoch(Callback):
        # A plain function: the estimator deep-copies its callbacks, and a function is
        # copied by reference, so the hand-written model is not duplicated.
        def __init__(self, fn) -> None:
            self.fn = fn

        def on_epoch_end(self, net, **kwargs):
            self.fn()

    callbacks: list = [("perf_timer", EpochPerfTimer())]
    if after_epoch is not None:
        callbacks.append(("after_epoch", AfterEpoch(after_epoch)))
    return callbacks


def make_ours(mode: str, settings: Settings, max_epochs: int, after_epoch=None):
    from sklearn_seq2seq import Seq2SeqTransformer

    return Seq2SeqTransformer(
        hidden_dim=settings.hidden_dim,
        decoder=mode,
        max_epochs=max_epochs,
        batch_size=settings.batch_size,
        lr=settings.lr,
        clip_grad_norm=settings.clip_grad_norm,
        callbacks=_callbacks(after_epoch),
        device="cpu",
        n_jobs=settings.threads,
        random_state=0,
    )


def _strip(tokens: torch.Tensor) -> list[int]:
    """Ids up to the first ``<eos>`` (included)."""
    out = []
    for tok in tokens.tolist():
        out.append(tok)
        if tok == EOS:
            break
    return out


def measure_speed(mode: str, settings: Settings) -> dict[str, Any]:
    """Training (ours and hand-written epochs alternating in this process, so both
    see the same load), then prediction and beam search with the fitted model."""
    import numpy as np
    import torch

    from sklearn_seq2seq.nn.search import beam_search

    set_threads(settings.threads)
    X_train, X_test, y_train, y_test = load_task(settings)

    # Warm-up: a few batches of each, on throw-away models.
    n_warmup = min(len(X_train), settings.warmup_batches * settings.batch_size)
    make_ours(mode, settings, 1).fit(X_train[:n_warmup], y_train[:n_warmup])
    hand_written(mode, settings, X_train[:n_warmup], y_train[:n_warmup]).epoch()

    hand = hand_written(mode, settings, X_train, y_train)
    model = make_ours(mode, settings, settings.epochs, after_epoch=lambda: hand.epoch())
    model.fit(X_train, y_train)
    wall = model.history_["perf_dur"].tolist()
    cpu = model.history_["cpu_dur"].tolist()
    n_tokens = target_tokens(y_train)
    result: dict[str, Any] = {
        "ours_epoch_s": statistics.median(wall),
        "hand_epoch_s": statistics.median(hand.wall),
        "ours_epoch_cpu_s": statistics.median(cpu),
        "hand_epoch_cpu_s": statistics.median(hand.cpu),
        "ours_epochs_s": wall,
        "hand_epochs_s": hand.wall,
        "ours_tokens_per_s": n_tokens / statistics.median(wall),
        "hand_tokens_per_s": n_tokens / statistics.median(hand.wall),
        "ours_loss": float(model.history_["train_loss"].iloc[-1]),
        "hand_loss": hand.losses[-1],
        "ours_params": sum(p.numel() for p in model.net_.module_.parameters()),
        "hand_params": hand.n_params,
        "n_test": len(X_test),
    }

    # -- predict: greedy and beam ------------------------------------------------
    for name, width in (("greedy", 1), ("beam", settings.beam_width)):
        model.set_params(beam_width=width)
        model.predict(X_test[:20])  # warm-up
        y_pred = model.predict(X_test)
        result[f"{name}_s"] = median_time(
            lambda: model.predict(X_test), settings.predict_repeats
        )
        result[f"{name}_exact"] = float(np.mean(np.asarray(y_test) == y_pred))

    # -- batched beam search vs one sequence at a time ------------------------------
    module = model.net_.module_
    module.eval()
    encoded = model.source_codec_.encode(X_test)
    src = torch.as_tensor(encoded.data)
    lengths = torch.as_tensor(encoded.lengths)
    search = {
        "beam_width": settings.beam_width,
        "max_length": model.max_output_length_,
        "eos_index": EOS,
        "pad_index": PAD,
    }
    beam_search(module, src[:20], lengths[:20], **search)  # warm-up
    batched = beam_search(module, src, lengths, **search)
    result["beam_batched_s"] = median_time(
        lambda: beam_search(module, src, lengths, **search), settings.predict_repeats
    )
    n_single = min(settings.one_at_a_time, len(X_test))
    same = 0
    start = time.perf_counter()
    for i in range(n_single):
        n = max(1, int(lengths[i]))
        single = beam_search(module, src[i : i + 1, :n], lengths[i : i + 1], **search)
        same += _strip(single.tokens[0]) == _strip(batched.tokens[i])
    single_s = time.perf_counter() - start
    result["beam_single_n"] = n_single
    result["beam_single_s"] = single_s * len(X_test) / n_single
    result["beam_same"] = same
    return result


def measure_memory(kind: str, mode: str, settings: Settings) -> dict[str, Any]:
    """Peak RSS of this process before and after training (and, for the package,
    after predicting); meant for a fresh process per configuration."""
    set_threads(settings.threads)
    X_train, X_test, y_train, _ = load_task(settings)
    result = {"before_fit_mb": peak_rss_mb()}
    if kind == "hand":
        hand = hand_written(mode, settings, X_train, y_train)
        for _ in range(settings.memory_epochs):
            hand.epoch()
        result["after_fit_mb"] = peak_rss_mb()
        return result
    model = make_ours(mode, settings, settings.memory_epochs).fit(X_train, y_train)
    result["after_fit_mb"] = peak_rss_mb()
    for width in (1, settings.beam_width):
        model.set_params(beam_width=width).predict(X_test)
    result["after_predict_mb"] = peak_rss_mb()
    return result


# ---------------------------------------------------------------------------------
# Running the measurements (in a fresh process each, or in this process)
# ---------------------------------------------------------------------------------


def measure(what: str, mode: str, settings: Settings) -> dict[str, Any]:
    load = os.getloadavg()[0]
    if what == "speed":
        result = measure_speed(mode, settings)
    else:
        result = measure_memory(what, mode, settings)
    result["load_start"] = load
    result["load_end"] = os.getloadavg()[0]
    return result


def measure_in_subprocess(what: str, mode: str, settings: Settings) -> dict[str, Any]:
    env = {
        **os.environ,
        "OMP_NUM_THREADS": str(settings.threads),
        "MKL_NUM_THREADS": str(settings.threads),
    }
    completed = subprocess.run(
        [
            sys.executable,
            os.path.abspath(__file__),
            "--worker",
            what,
            mode,
            json.dumps(asdict(settings)),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    for line in completed.stdout.splitlines():
        if line.startswith(RESULT_MARKER):
            return json.loads(line[len(RESULT_MARKER) :])
    raise RuntimeError(
        f"benchmark worker {what}/{mode} failed (exit {completed.returncode}):\n"
        f"{completed.stderr}"
    )


def machine_description(settings: Settings) -> list[tuple[str, str]]:
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0

    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    return [
        ("CPU", cpu),
        ("cores", f"{os.cpu_count()} logical, {usable} usable by this process"),
        ("Python", platform.python_version()),
        ("torch", version("torch")),
        ("skorch", version("skorch")),
        ("scikit-learn", version("scikit-learn")),
        ("sklearn-seq2seq", version("sklearn-seq2seq")),
        ("torch threads", str(settings.threads)),
    ]


# ---------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------


def format_table(
    title: str, header: list[str], rows: list[list[str]], style: str
) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()

    if style == "markdown":
        out = [f"**{title}**", ""]
        out.append("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |")
        out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        for r in rows:
            out.append(
                "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |"
            )
        return "\n".join(out)
    if style == "rst":
        rule = "  ".join("=" * w for w in widths)
        return "\n".join(
            [title, "~" * len(title), "", rule, line(header), rule]
            + [line(r) for r in rows]
            + [rule]
        )
    rule = "  ".join("-" * w for w in widths)
    return "\n".join([title, "", line(header), rule] + [line(r) for r in rows])


def build_tables(
    speed: dict[str, dict[str, Any]],
    memory: dict[str, dict[str, dict[str, Any]]] | None,
    settings: Settings,
) -> list[tuple[str, list[str], list[list[str]]]]:
    tables = []
    rows = []
    for mode in settings.modes:
        r = speed[mode]
        ratio = r["ours_epoch_s"] / r["hand_epoch_s"]
        target = TRAIN_TARGETS[mode]
        rows.append(
            [
                mode,
                f"{r['ours_epoch_s']:.2f}",
                f"{r['hand_epoch_s']:.2f}",
                f"{ratio:.2f}",
                f"{r['ours_epoch_cpu_s'] / r['hand_epoch_cpu_s']:.2f}",
                f"{r['ours_tokens_per_s']:,.0f}",
                f"{r['hand_tokens_per_s']:,.0f}",
                "-" if target is None else f"< {target:g}",
                "-" if target is None else ("yes" if ratio < target else "NO"),
                f"{r['ours_loss']:.3f} / {r['hand_loss']:.3f}",
                f"{r['ours_params']:,}"
                + ("" if r["ours_params"] == r["hand_params"] else " (differs)"),
                f"{r['load_start']:.1f} - {r['load_end']:.1f}",
            ]
        )
    tables.append(
        (
            "Training: Seq2SeqTransformer.fit vs the hand-written PyTorch loop "
            f"(epochs alternating, median of {settings.epochs})",
            [
                "decoder",
                "ours s/epoch",
                "hand s/epoch",
                "wall ratio",
                "CPU-time ratio",
                "ours tok/s",
                "hand tok/s",
                "target",
                "met",
                "loss ours / hand",
                "params",
                "load",
            ],
            rows,
        )
    )

    rows = []
    for mode in settings.modes:
        r = speed[mode]
        n = r["n_test"]
        rows.append(
            [
                mode,
                f"{r['greedy_s']:.3f}",
                f"{n / r['greedy_s']:,.0f}",
                f"{r['greedy_exact']:.2f}",
                f"{r['beam_s']:.3f}",
                f"{n / r['beam_s']:,.0f}",
                f"{r['beam_exact']:.2f}",
            ]
        )
    k = settings.beam_width
    tables.append(
        (
            f"Prediction: model.predict on {n} test sequences "
            f"(median of {settings.predict_repeats})",
            [
                "decoder",
                "greedy s",
                "greedy seq/s",
                "greedy exact",
                f"beam {k} s",
                f"beam {k} seq/s",
                f"beam {k} exact",
            ],
            rows,
        )
    )

    rows = []
    for mode in settings.modes:
        r = speed[mode]
        speedup = r["beam_single_s"] / r["beam_batched_s"]
        n_single = r["beam_single_n"]
        rows.append(
            [
                mode,
                f"{r['beam_batched_s']:.3f}",
                f"{r['beam_s']:.3f}",
                f"{r['beam_single_s']:.2f}"
                + ("" if n_single == r["n_test"] else f" ({n_single} timed)"),
                f"{speedup:.1f}x",
                f"{r['beam_single_s'] / r['beam_s']:.1f}x",
                "yes" if speedup >= BEAM_SPEEDUP_TARGET else "NO",
                f"{r['beam_same']}/{n_single}",
            ]
        )
    tables.append(
        (
            f"Beam search (width {k}) over {n} sequences: batched vs one at a time",
            [
                "decoder",
                "batched call s",
                "predict s",
                f"one at a time s (x{n})",
                "speedup call",
                "speedup predict",
                f">= {BEAM_SPEEDUP_TARGET:g}x",
                "same output",
            ],
            rows,
        )
    )

    rows = []
    for mode in settings.modes:
        if memory is None:
            rows.append([mode, "n/a", "n/a", "n/a", "n/a", "n/a"])
            continue
        ours, hand = memory[mode]["ours"], memory[mode]["hand"]
        rows.append(
            [
                mode,
                f"{ours['before_fit_mb']:.0f}",
                f"{ours['after_fit_mb']:.0f}",
                f"{ours['after_predict_mb']:.0f}",
                f"{hand['before_fit_mb']:.0f}",
                f"{hand['after_fit_mb']:.0f}",
            ]
        )
    tables.append(
        (
            "Peak memory: RSS of a fresh process per configuration, MiB "
            + (
                "(not measured in-process)"
                if memory is None
                else f"({settings.memory_epochs} epochs, then greedy and beam predict)"
            ),
            [
                "decoder",
                "ours before fit",
                "ours after fit",
                "ours after predict",
                "hand before fit",
                "hand after fit",
            ],
            rows,
        )
    )
    return tables


# ---------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------


def log(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="tiny settings (seconds; smoke test)"
    )
    parser.add_argument("--epochs", type=int, help="timed epochs (default 5; quick 1)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1)")
    parser.add_argument(
        "--task", choices=("sorting", "reversal"), default="sorting", help="task"
    )
    parser.add_argument(
        "--modes", nargs="+", choices=MODES, default=list(MODES), help="decoders"
    )
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="measure in this process instead of a fresh one per configuration "
        "(no memory figures; the default with --quick)",
    )
    style = parser.add_mutually_exclusive_group()
    style.add_argument("--markdown", action="store_true", help="Markdown tables")
    style.add_argument("--rst", action="store_true", help="reStructuredText tables")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.worker:
        kind, mode, settings_json = args.worker
        result = measure(kind, mode, Settings(**json.loads(settings_json)))
        print(RESULT_MARKER + json.dumps(result), flush=True)
        return

    if args.quick:
        settings = Settings(
            n_samples=120,
            min_length=3,
            max_length=6,
            n_symbols=8,
            hidden_dim=16,
            batch_size=16,
            epochs=1,
            predict_repeats=1,
            one_at_a_time=4,
            warmup_batches=1,
        )
    else:
        settings = Settings()
    if args.epochs is not None:
        settings.epochs = args.epochs
    settings.threads = args.threads
    settings.task = args.task
    settings.modes = list(args.modes)
    in_process = args.in_process or args.quick
    style = "markdown" if args.markdown else "rst" if args.rst else "plain"

    load_start = os.getloadavg()
    started = time.perf_counter()
    run = measure if in_process else measure_in_subprocess
    speed: dict[str, dict[str, Any]] = {}
    for mode in settings.modes:
        speed[mode] = run("speed", mode, settings)
        log(
            f"{mode}: {speed[mode]['ours_epoch_s']:.2f} s/epoch ours, "
            f"{speed[mode]['hand_epoch_s']:.2f} hand-written"
        )
    memory: dict[str, dict[str, dict[str, Any]]] | None = None
    if not in_process:
        memory = {
            mode: {kind: run(kind, mode, settings) for kind in ("ours", "hand")}
            for mode in settings.modes
        }
        log("memory measured")
    load_end = os.getloadavg()
    elapsed = time.perf_counter() - started

    task = (
        f"make_{settings.task}(n_samples={settings.n_samples}, "
        f"min_length={settings.min_length}, max_length={settings.max_length}, "
        f"n_symbols={settings.n_symbols}, test_size={settings.test_size}, "
        "random_state=0)"
    )
    info = machine_description(settings) + [
        ("load average at start", "{:.2f} {:.2f} {:.2f}".format(*load_start)),
        ("load average at end", "{:.2f} {:.2f} {:.2f}".format(*load_end)),
        ("task", task),
        (
            "model",
            f"GRU, hidden_dim={settings.hidden_dim} (embeddings too), depth=1, "
            f"batch_size={settings.batch_size}, Adam lr={settings.lr}, "
            f"clip_grad_norm={settings.clip_grad_norm}, teacher forcing 1.0",
        ),
        ("run time", f"{elapsed:.0f} s" + (" (quick)" if args.quick else "")),
    ]
    if style == "rst":
        print("\n".join(f":{key}: {value}" for key, value in info))
    elif style == "markdown":
        print("\n".join(f"- **{key}**: {value}" for key, value in info))
    else:
        width = max(len(key) for key, _ in info)
        print("\n".join(f"{key.ljust(width)} : {value}" for key, value in info))
    for title, header, rows in build_tables(speed, memory, settings):
        print()
        print(format_table(title, header, rows, style))


if __name__ == "__main__":
    main()
