"""Training and prediction speed on the dates task, package vs a hand-written loop.

The protocol of the GPU speed issue: dates in several written formats to ISO dates
(:func:`~sklearn_seq2seq.datasets.make_dates`, read character by character), an
attention decoder with the additive score, GRU cells, Adam (lr 3e-3), gradient
clipping at 1.0 and full teacher forcing. The hand-written loop is an embedding and a
packed ``nn.GRU`` encoder, a ``GRUCell`` decoder with additive attention that loops over
the target steps, masked cross-entropy, tensors padded once on the device and no
``DataLoader`` - what a user would write by hand.

For each configuration it prints the training time (and target tokens per second),
the ratio package / hand-written, the time to predict 1000 sequences greedily, the test
exact match and the peak GPU memory, for the package with ``input_feeding=True`` (the
default, Bahdanau-style: as the hand-written loop) and ``input_feeding=False``
(Luong-style: one RNN call and all attention steps at once under teacher forcing).

Usage: ``python benchmarks/bench_dates.py --device cuda`` (or ``cpu``, with
``--small`` for the first configuration only).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from torch import nn

from sklearn_seq2seq import Seq2SeqTransformer
from sklearn_seq2seq.datasets import make_dates
from sklearn_seq2seq.metrics import exact_match_score

CONFIGS = [
    dict(n_samples=5000, hidden_dim=64, batch_size=64, epochs=5),
    dict(n_samples=50000, hidden_dim=256, batch_size=256, epochs=3),
]
PAD, UNK, BOS, EOS = 0, 1, 2, 3


def _sync(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


class HandWritten(nn.Module):
    """Embedding + packed GRU encoder; GRUCell decoder with additive attention."""

    def __init__(self, src_vocab: int, trg_vocab: int, hidden: int) -> None:
        super().__init__()
        self.src_embedding = nn.Embedding(src_vocab, hidden, padding_idx=PAD)
        self.encoder = nn.GRU(hidden, hidden, batch_first=True)
        self.trg_embedding = nn.Embedding(trg_vocab, hidden, padding_idx=PAD)
        self.cell = nn.GRUCell(2 * hidden, hidden)
        self.query = nn.Linear(hidden, hidden, bias=False)
        self.key = nn.Linear(hidden, hidden, bias=False)
        self.energy = nn.Linear(hidden, 1, bias=False)
        self.combine = nn.Linear(2 * hidden, hidden)
        self.out = nn.Linear(hidden, trg_vocab)

    def encode(self, src, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(
            self.src_embedding(src),
            lengths.cpu(),
            batch_first=True,
            enforce_sorted=False,
        )
        output, h = self.encoder(packed)
        output, _ = nn.utils.rnn.pad_packed_sequence(
            output, batch_first=True, total_length=src.shape[1]
        )
        return output, h[0], src != PAD

    def step(self, prev, h, enc, keys, mask):
        e = self.energy(torch.tanh(self.query(h).unsqueeze(1) + keys)).squeeze(2)
        w = torch.softmax(e.masked_fill(~mask, -1e9), dim=1)
        context = torch.bmm(w.unsqueeze(1), enc).squeeze(1)
        h = self.cell(torch.cat([self.trg_embedding(prev), context], 1), h)
        return self.out(torch.tanh(self.combine(torch.cat([h, context], 1)))), h

    def forward(self, src, lengths, trg_input):
        enc, h, mask = self.encode(src, lengths)
        keys = self.key(enc)
        logits = []
        for t in range(trg_input.shape[1]):
            out, h = self.step(trg_input[:, t], h, enc, keys, mask)
            logits.append(out)
        return torch.stack(logits, 1)

    @torch.no_grad()
    def greedy(self, src, lengths, max_len):
        enc, h, mask = self.encode(src, lengths)
        keys = self.key(enc)
        prev = torch.full((len(src),), BOS, device=src.device)
        outs = []
        for _ in range(max_len):
            out, h = self.step(prev, h, enc, keys, mask)
            prev = out.argmax(1)
            outs.append(prev)
        return torch.stack(outs, 1)


def _encode(texts, vocab, add_bos_eos):
    rows = [[vocab.get(c, UNK) for c in t] for t in texts]
    if add_bos_eos:
        rows = [[BOS, *r, EOS] for r in rows]
    width = max(map(len, rows))
    array = np.zeros((len(rows), width), dtype=np.int64)
    for i, r in enumerate(rows):
        array[i, : len(r)] = r
    return array, np.array([len(r) for r in rows])


def hand_written(config, data, device):
    X_train, X_test, y_train, y_test = data
    chars = sorted({c for t in X_train for c in t})
    src_vocab = {c: i + 2 for i, c in enumerate(chars)}
    trg_chars = sorted({c for t in y_train for c in t})
    trg_vocab = {c: i + 4 for i, c in enumerate(trg_chars)}
    itos = {i: c for c, i in trg_vocab.items()}
    src, src_len = _encode(X_train, src_vocab, False)
    trg, _ = _encode(y_train, trg_vocab, True)
    src, src_len, trg = (torch.as_tensor(a, device=device) for a in (src, src_len, trg))
    torch.manual_seed(0)
    model = HandWritten(len(src_vocab) + 2, len(trg_vocab) + 4, config["hidden_dim"])
    model.to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    criterion = nn.CrossEntropyLoss(ignore_index=PAD)
    _sync(device)
    start = time.perf_counter()
    for _ in range(config["epochs"]):
        for index in torch.randperm(len(src), device=device).split(
            config["batch_size"]
        ):
            logits = model(src[index], src_len[index], trg[index, :-1])
            loss = criterion(
                logits.reshape(-1, logits.shape[-1]), trg[index, 1:].reshape(-1)
            )
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
    _sync(device)
    train_seconds = time.perf_counter() - start
    test_src, test_len = _encode(X_test[:1000], src_vocab, False)
    test_src = torch.as_tensor(test_src, device=device)
    test_len = torch.as_tensor(test_len, device=device)
    model.eval()
    _sync(device)
    start = time.perf_counter()
    tokens = model.greedy(test_src, test_len, 12).cpu().numpy()
    _sync(device)
    predict_seconds = time.perf_counter() - start
    predictions = []
    for row in tokens:
        row = list(row)
        row = row[: row.index(EOS)] if EOS in row else row
        predictions.append("".join(itos.get(int(i), "") for i in row))
    return (
        train_seconds,
        predict_seconds,
        exact_match_score(list(y_test[:1000]), predictions),
    )


def package(config, data, device, input_feeding):
    X_train, X_test, y_train, y_test = data
    model = Seq2SeqTransformer(
        analyzer="char",
        hidden_dim=config["hidden_dim"],
        batch_size=config["batch_size"],
        max_epochs=config["epochs"],
        lr=3e-3,
        input_feeding=input_feeding,
        random_state=0,
        device=device,
    )
    model.fit(X_train[:64], y_train[:64])  # warm-up (kernels, allocator)
    _sync(device)
    start = time.perf_counter()
    model.fit(X_train, y_train)
    _sync(device)
    train_seconds = time.perf_counter() - start
    start = time.perf_counter()
    predictions = model.predict(X_test[:1000])
    predict_seconds = time.perf_counter() - start
    return (
        train_seconds,
        predict_seconds,
        exact_match_score(list(y_test[:1000]), predictions),
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--device", default="cuda" if torch.cuda.is_available() else "cpu"
    )
    parser.add_argument("--small", action="store_true", help="first configuration only")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    device = args.device
    name = torch.cuda.get_device_name() if device.startswith("cuda") else "CPU"
    print(f"device: {name}; torch {torch.__version__}; threads {args.threads}")
    print(
        "| pairs | hidden | batch | epochs | what | train s | target tok/s | "
        "ratio | predict 1000 s | exact match | peak GPU MiB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|", flush=True)
    for config in CONFIGS[:1] if args.small else CONFIGS:
        data = make_dates(n_samples=config["n_samples"], test_size=0.2, random_state=0)
        n_tokens = config["epochs"] * sum(len(y) + 1 for y in data[2])
        hand = None
        runs = [("hand-written", hand_written, {})]
        runs += [
            (f"package, input_feeding={feeding}", package, {"input_feeding": feeding})
            for feeding in (True, False)
        ]
        for what, function, kwargs in runs:
            if device.startswith("cuda"):
                torch.cuda.reset_peak_memory_stats()
            train, predict, match = function(config, data, device, **kwargs)
            hand = hand or train
            peak = (
                torch.cuda.max_memory_allocated() / 2**20
                if device.startswith("cuda")
                else float("nan")
            )
            print(
                f"| {len(data[0])} | {config['hidden_dim']} | "
                f"{config['batch_size']} | {config['epochs']} | {what} | "
                f"{train:.1f} | {n_tokens / train:,.0f} | "
                f"{train / hand:.2f} | {predict:.2f} | {match:.3f} | {peak:.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
