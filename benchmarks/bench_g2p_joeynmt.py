"""Joey NMT 2.3.0 on English grapheme-to-phoneme conversion (CMUdict): the reference.

The reference our package must beat on :func:`sklearn_seq2seq.datasets.load_cmudict`,
run by ourselves: Joey NMT 2.3.0 (an RNN encoder-decoder with attention, the
configuration an outside reviewer measured) trained and tested on the benchmark split
``load_cmudict(n_train=20000, n_test=2000)`` (stress removed, the first listed
pronunciation as the target).

Protocol
--------
- Training: the 20,000 words of ``load_cmudict(n_train=20000)``.
- Dev set (Joey validates on it once an epoch and keeps the checkpoint of the lowest
  validation loss): the next 1,000 training words, items 20000..20999 of
  ``load_cmudict(n_train=21000)``'s training list. ``n_train`` takes a prefix of a
  fixed (hash) order, so the first 20,000 of them are the training words; the script
  checks this and that no dev word is a training or test word.
- Test: the 2,000 words of ``load_cmudict(n_test=2000)``, decoded greedily (beam 1)
  and with a beam of 5 (length penalty ``beam_alpha`` 1.0, as in Joey's example
  configs; Joey's own default, -1, is no length penalty).
- Source: the letters of a word separated by spaces (Joey's ``level: "word"`` splits
  on spaces, so each letter is a token); target: the phonemes.
- Model and training: ``benchmarks/joeynmt_g2p.yaml`` (a 2-layer bidirectional GRU
  encoder of 2 x 128, a 2-layer GRU decoder of 256 with Bahdanau attention and input
  feeding, embeddings of 256, dropout 0.2, Adam at 0.00125 with Joey's "plateau"
  schedule, which never lowered the rate in this run, 64 words a batch, 10 epochs,
  seed 42), rendered with the paths of the work dir.

Metrics, computed here from Joey's hypothesis files: WER, the share of test words
whose predicted phoneme string differs from the reference (the grapheme-to-phoneme
meaning of "word error rate"), and PER, the sum of the phoneme-level Levenshtein
distances over the sum of the reference lengths; each against the first listed
pronunciation and against any listed pronunciation (``references_test``: a word is
right if it matches any of them, and its edit distance is the one to the closest,
whose length is then its share of the denominator). They are
:func:`sklearn_seq2seq.metrics.sequence_error_rate` and
:func:`sklearn_seq2seq.metrics.token_error_rate`, checked against a direct
computation with ``rapidfuzz.distance.Levenshtein``.

Running it
----------
Joey lives in a virtual environment of its own, outside the repository (its pins do
not fit this package's environment). Create it once, with a CPU build of torch::

    python3 -m venv /tmp/joeyvenv
    /tmp/joeyvenv/bin/pip install torch==2.13.0      # the local CPU build
    /tmp/joeyvenv/bin/pip install joeynmt==2.3.0 importlib_metadata
    /tmp/joeyvenv/bin/python -m joeynmt --help       # check that it runs

(joeynmt 2.3.0 imports ``importlib_metadata`` without declaring it.) Then, with this
package's environment (which has ``cmudict`` and ``rapidfuzz``, the ``test`` extra)::

    python benchmarks/bench_g2p_joeynmt.py [--joey-python /tmp/joeyvenv/bin/python]
        [--workdir /tmp/joey_g2p] [--json benchmarks/results/g2p_joeynmt.json]

It writes Joey's data, rendered configs, model directory, logs and hypotheses under
``--workdir`` (never inside the repository; the work dir's previous contents for this
benchmark are replaced), runs ``python -m joeynmt train`` and then ``test`` twice
(greedy and beam) through the Joey interpreter, with one torch thread
(``OMP_NUM_THREADS=1``, ``MKL_NUM_THREADS=1``, ``torch.set_num_threads(1)``), and
prints a table (system, WER greedy / beam, PER greedy / beam, training time,
epochs, parameters) that it also writes as JSON to ``--json``. On a shared 2-core
CPU a full run took 12.5 minutes (12 of them training). ``--epochs``,
``--n-train``, ``--n-dev`` and ``--n-test`` make a smaller smoke run (its figures are
not the benchmark's); ``--no-train`` decodes again with the model already in the
work dir.

This script is not part of the test suite: it needs the separate Joey environment
and stops with a message saying how to create it when ``--joey-python`` is missing.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shutil
import string
import subprocess
import sys
import time
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from sklearn_seq2seq.datasets import load_cmudict

REPO = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
DEFAULT_JOEY_PYTHON = "/tmp/joeyvenv/bin/python"
DEFAULT_WORKDIR = "/tmp/joey_g2p"
DEFAULT_JSON = HERE / "results" / "g2p_joeynmt.json"
DEFAULT_CONFIG = HERE / "joeynmt_g2p.yaml"
BATCH_SIZE = 64  # as in the config template; sets the updates per epoch

JOEY_VENV_HELP = f"""\
Create Joey's virtual environment first (outside the repository), e.g.:

    python3 -m venv /tmp/joeyvenv
    /tmp/joeyvenv/bin/pip install torch==2.13.0
    /tmp/joeyvenv/bin/pip install joeynmt==2.3.0 importlib_metadata

or pass its interpreter with --joey-python (default {DEFAULT_JOEY_PYTHON})."""

# Runs Joey's command line with one torch thread (the environment variables cover
# OpenMP and MKL; set_num_threads the intra-op pool, before any work is done).
# Joey 2.3.0 builds its "plateau" scheduler with ReduceLROnPlateau(verbose=False), an
# argument that recent torch no longer has: the shim drops it, nothing else changes.
JOEY_LAUNCHER = """\
import sys
import torch
torch.set_num_threads(1)
torch.set_num_interop_threads(1)
import joeynmt.builders
class ReduceLROnPlateau(joeynmt.builders.ReduceLROnPlateau):
    def __init__(self, *args, verbose=None, **kwargs):
        super().__init__(*args, **kwargs)
joeynmt.builders.ReduceLROnPlateau = ReduceLROnPlateau
from joeynmt.__main__ import main
sys.argv = ["joeynmt"] + sys.argv[1:]
main()
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--joey-python", default=DEFAULT_JOEY_PYTHON)
    parser.add_argument("--workdir", default=DEFAULT_WORKDIR)
    parser.add_argument("--json", default=str(DEFAULT_JSON))
    parser.add_argument("--config", default=str(DEFAULT_CONFIG))
    parser.add_argument("--n-train", type=int, default=20000)
    parser.add_argument("--n-dev", type=int, default=1000)
    parser.add_argument("--n-test", type=int, default=2000)
    parser.add_argument("--epochs", type=int, default=None, help="default: config's")
    parser.add_argument("--beam", type=int, default=5)
    parser.add_argument("--beam-alpha", type=float, default=1.0)
    parser.add_argument(
        "--no-train", action="store_true", help="decode with the work dir's model"
    )
    return parser.parse_args()


# --------------------------------------------------------------------------- Joey


def check_joey(joey_python: str) -> dict[str, str]:
    """Versions of joeynmt and torch in Joey's interpreter, or exit with help."""
    if not Path(joey_python).is_file():
        sys.exit(
            f"error: Joey's python {joey_python!r} does not exist.\n\n" + JOEY_VENV_HELP
        )
    probe = (
        "import json, torch, importlib.metadata as m; import joeynmt.__main__; "
        "print(json.dumps({'joeynmt': m.version('joeynmt'), "
        "'torch': torch.__version__}))"
    )
    result = subprocess.run(
        [joey_python, "-c", probe], capture_output=True, text=True, env=joey_env()
    )
    if result.returncode != 0:
        sys.exit(
            f"error: {joey_python} cannot import joeynmt:\n"
            f"{result.stderr.strip()[-2000:]}\n\n" + JOEY_VENV_HELP
        )
    return json.loads(result.stdout.strip().splitlines()[-1])


def joey_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", CUDA_VISIBLE_DEVICES="")
    return env


def run_joey(joey_python: str, args: list[str], log: Path) -> tuple[float, list[str]]:
    """Run ``joeynmt ARGS``; return the wall time and the command line."""
    command = [joey_python, "-c", JOEY_LAUNCHER, *args]
    print("$", " ".join(["python -m joeynmt", *args]), f"  (log: {log})", flush=True)
    start = time.perf_counter()
    with log.open("w", encoding="utf-8") as out:
        result = subprocess.run(
            command, stdout=out, stderr=subprocess.STDOUT, env=joey_env()
        )
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-4000:]
        sys.exit(f"error: joeynmt {args[0]} failed ({result.returncode}):\n{tail}")
    return seconds, ["python -m joeynmt", *args]


# --------------------------------------------------------------------------- data


def load_splits(n_train: int, n_dev: int, n_test: int) -> dict[str, list]:
    """The benchmark split, and the dev words that follow the training words."""
    data = load_cmudict(n_train=n_train, n_test=n_test, return_X_y=False)
    X_more, _, y_more, _ = load_cmudict(n_train=n_train + n_dev, n_test=n_test)
    # n_train takes a prefix of a fixed order (load_cmudict's docs): check it.
    if X_more[:n_train] != data.X_train or y_more[:n_train] != data.y_train:
        sys.exit("error: load_cmudict(n_train=N) is not a prefix of a larger n_train")
    X_dev, y_dev = X_more[n_train:], y_more[n_train:]
    if set(X_dev) & (set(data.X_train) | set(data.X_test)):
        sys.exit("error: dev words overlap the training or test words")
    return {
        "X_train": data.X_train,
        "y_train": data.y_train,
        "X_dev": X_dev,
        "y_dev": y_dev,
        "X_test": data.X_test,
        "y_test": data.y_test,
        "references_test": data.references_test,
    }


def write_data(splits: dict[str, list], data_dir: Path) -> None:
    """Joey's plain-text files: ``{split}.src`` (letters spaced), ``{split}.trg``."""
    data_dir.mkdir(parents=True, exist_ok=True)
    for split in ("train", "dev", "test"):
        words, phonemes = splits[f"X_{split}"], splits[f"y_{split}"]
        assert all(w and " " not in w for w in words)
        (data_dir / f"{split}.src").write_text(
            "".join(" ".join(word) + "\n" for word in words), encoding="utf-8"
        )
        (data_dir / f"{split}.trg").write_text(
            "".join(p + "\n" for p in phonemes), encoding="utf-8"
        )


def render_config(
    template: str, path: Path, *, epochs: int | None, **values: object
) -> str:
    text = string.Template(template).substitute(values)
    if epochs is not None:
        text, n = re.subn(r"(?m)^(\s*epochs:\s*)\d+", rf"\g<1>{epochs}", text)
        assert n == 1
    path.write_text(text, encoding="utf-8")
    return text


def logging_freq_for(steps: int) -> int:
    """Joey needs validation_freq % logging_freq == 0: the largest divisor of the
    updates per epoch from 10 to 100, else once an epoch."""
    divisors = [d for d in range(10, 101) if steps % d == 0]
    return max(divisors) if divisors else steps


# --------------------------------------------------------------------------- metrics


def _closest(hyp: list[str], references: list[list[str]]) -> tuple[int, int]:
    """(edit distance, reference length) of the closest reference; ties go to the
    shorter reference, then to the first."""
    return min((Levenshtein.distance(hyp, ref), len(ref)) for ref in references)


def error_rates(hyps: list[str], references: list[list[str]]) -> dict[str, float]:
    """WER (share of wrong words) and PER (edits / reference phonemes), in %."""
    n_wrong = edits = length = 0
    for hyp, refs in zip(hyps, references, strict=True):
        hyp_tokens = hyp.split()
        ref_tokens = [ref.split() for ref in refs]
        n_wrong += hyp_tokens not in ref_tokens
        distance, ref_length = _closest(hyp_tokens, ref_tokens)
        edits += distance
        length += ref_length
    wer, per = 100 * n_wrong / len(hyps), 100 * edits / length
    try:  # the package's metrics, same definitions: they must agree
        from sklearn_seq2seq.metrics import sequence_error_rate, token_error_rate
    except ImportError:
        return {"wer": wer, "per": per}
    wer_pkg = 100 * sequence_error_rate(references, hyps, multiple_references=True)
    per_pkg = 100 * token_error_rate(references, hyps, multiple_references=True)
    if not (math.isclose(wer, wer_pkg) and math.isclose(per, per_pkg)):
        print(
            f"warning: the package's metrics differ: WER {wer_pkg:.3f} vs {wer:.3f}, "
            f"PER {per_pkg:.3f} vs {per:.3f}",
            file=sys.stderr,
        )
    return {"wer": wer, "per": per}


def read_hypotheses(path: Path, n: int) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    if len(lines) != n:
        sys.exit(f"error: {path} has {len(lines)} lines, expected {n}")
    return [line.strip() for line in lines]


# --------------------------------------------------------------------------- Joey logs


def training_facts(model_dir: Path, steps_per_epoch: int) -> dict[str, object]:
    log = (model_dir / "train.log").read_text(encoding="utf-8")
    params = re.search(r"Total params: (\d+)", log)
    epochs = re.findall(r"EPOCH (\d+)", log)
    best = re.search(r"Best validation result \(greedy\) at step\s+(\d+):\s+(\S+)", log)
    best_step = int(best.group(1)) if best else None
    if best_step is None and (model_dir / "best.ckpt").exists():
        best_step = int((model_dir / "best.ckpt").resolve().stem)
    validations = []
    for line in (model_dir / "validations.txt").read_text().splitlines():
        fields = dict(re.findall(r"([\w]+): ([-\d.e]+)", line))
        validations.append(
            {
                "step": int(fields["Steps"]),
                "epoch": int(fields["Steps"]) / steps_per_epoch,
                "loss": float(fields["loss"]),
                "ppl": float(fields["ppl"]),
                "sequence_accuracy": float(fields.get("sequence_accuracy", "nan")),
                "best_so_far": line.rstrip().endswith("*"),
            }
        )
    return {
        "parameters": int(params.group(1)) if params else None,
        "epochs": int(epochs[-1]) if epochs else None,
        "best_step": best_step,
        "best_epoch": best_step / steps_per_epoch if best_step else None,
        "steps_per_epoch": steps_per_epoch,
        "validations": validations,
    }


# --------------------------------------------------------------------------- main


def main() -> None:
    args = parse_args()
    workdir = Path(args.workdir).expanduser().resolve()
    if workdir == REPO or REPO in workdir.parents:
        sys.exit(f"error: --workdir {workdir} is inside the repository; use /tmp/...")
    versions = check_joey(args.joey_python)
    print(
        f"Joey NMT {versions['joeynmt']}, torch {versions['torch']} "
        f"({args.joey_python}), 1 thread"
    )

    splits = load_splits(args.n_train, args.n_dev, args.n_test)
    data_dir, model_dir = workdir / "data", workdir / "model"
    steps_per_epoch = math.ceil(args.n_train / BATCH_SIZE)
    template = Path(args.config).read_text(encoding="utf-8")
    common = {
        "data_dir": data_dir.as_posix(),
        "model_dir": model_dir.as_posix(),
        "validation_freq": steps_per_epoch,
        "logging_freq": logging_freq_for(steps_per_epoch),
    }
    configs = {}
    if not args.no_train:
        if workdir.exists():
            for name in ("data", "model", "configs", "hyp", "logs"):
                shutil.rmtree(workdir / name, ignore_errors=True)
        write_data(splits, data_dir)
    for name in ("configs", "hyp", "logs"):
        (workdir / name).mkdir(parents=True, exist_ok=True)
    for name, beam, alpha in (("greedy", 1, -1), ("beam", args.beam, args.beam_alpha)):
        configs[name] = render_config(
            template,
            workdir / "configs" / f"{name}.yaml",
            epochs=args.epochs,
            beam_size=beam,
            beam_alpha=alpha,
            **common,
        )

    commands = []
    train_seconds = None
    if not args.no_train:
        train_seconds, command = run_joey(
            args.joey_python,
            ["train", str(workdir / "configs" / "greedy.yaml"), "--skip-test"],
            workdir / "logs" / "train.out",
        )
        commands.append(command)
        print(f"trained in {train_seconds:.0f} s", flush=True)
    facts = training_facts(model_dir, steps_per_epoch)

    results = {}
    references_first = [[y] for y in splits["y_test"]]
    for name in ("greedy", "beam"):
        prefix = workdir / "hyp" / name
        seconds, command = run_joey(
            args.joey_python,
            ["test", str(workdir / "configs" / f"{name}.yaml"), "-o", str(prefix)],
            workdir / "logs" / f"test_{name}.out",
        )
        commands.append(command)
        hyps = read_hypotheses(Path(f"{prefix}.test"), len(splits["X_test"]))
        results[name] = {
            "first": error_rates(hyps, references_first),
            "any": error_rates(hyps, splits["references_test"]),
            "dev_first": error_rates(
                read_hypotheses(Path(f"{prefix}.dev"), len(splits["X_dev"])),
                [[y] for y in splits["y_dev"]],
            ),
            "decode_seconds_dev_and_test": seconds,
        }

    rows = []
    for refs, label in (("first", "first pronunciation"), ("any", "any pronunciation")):
        rows.append(
            {
                "system": f"Joey NMT {versions['joeynmt']} ({label})",
                "wer_greedy": results["greedy"][refs]["wer"],
                "wer_beam": results["beam"][refs]["wer"],
                "per_greedy": results["greedy"][refs]["per"],
                "per_beam": results["beam"][refs]["per"],
                "train_seconds": train_seconds,
                "epochs": facts["epochs"],
                "parameters": facts["parameters"],
            }
        )
    print_table(rows)
    print(
        f"best checkpoint (lowest dev loss): step {facts['best_step']}, "
        f"epoch {facts['best_epoch']:g} of {facts['epochs']}; beam {args.beam}, "
        f"alpha {args.beam_alpha}"
    )

    report = {
        "benchmark": (
            f"CMUdict G2P, load_cmudict(n_train={args.n_train}, "
            f"n_test={args.n_test}), dev = load_cmudict(n_train="
            f"{args.n_train + args.n_dev}) training items "
            f"{args.n_train}..{args.n_train + args.n_dev - 1}"
        ),
        "n_train": args.n_train,
        "n_dev": args.n_dev,
        "n_test": args.n_test,
        "units": "WER and PER in percent; times in seconds (wall)",
        "rows": rows,
        "results": results,
        "training": facts,
        "beam_size": args.beam,
        "beam_alpha": args.beam_alpha,
        "threads": 1,
        "versions": {**versions, "python": platform.python_version()},
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
        "commands": commands,
        "workdir": str(workdir),
        "config_greedy": configs["greedy"],
        "config_beam_testing": configs["beam"],
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    json_path = Path(args.json)
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {json_path}")


def print_table(rows: list[dict]) -> None:
    header = [
        "system",
        "WER greedy",
        "WER beam",
        "PER greedy",
        "PER beam",
        "train s",
        "epochs",
        "params",
    ]
    lines = [
        [
            row["system"],
            f"{row['wer_greedy']:.1f} %",
            f"{row['wer_beam']:.1f} %",
            f"{row['per_greedy']:.1f} %",
            f"{row['per_beam']:.1f} %",
            "-" if row["train_seconds"] is None else f"{row['train_seconds']:.0f}",
            str(row["epochs"]),
            f"{row['parameters']:,}" if row["parameters"] else "-",
        ]
        for row in rows
    ]
    widths = [max(len(x) for x in column) for column in zip(header, *lines)]
    for line in [header, ["-" * w for w in widths], *lines]:
        print("  ".join(x.ljust(w) for x, w in zip(line, widths)))


if __name__ == "__main__":
    main()
