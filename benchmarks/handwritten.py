"""The hand-written baseline of ``bench_seq2seq.py``: what a user would write with
PyTorch alone for the package's model.

Same layers and sizes as the package's network (embedding + packed GRU encoder; a
simple, feedback, peek or additive-attention GRU decoder stepping over the target in
Python), Adam, masked cross-entropy, gradient clipping, a ``DataLoader`` over
pre-padded tensors and full teacher forcing. Vocabularies follow the package's
conventions (0 padding, 1 unknown, 2 ``<bos>``, 3 ``<eos>``) so the sizes match.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

PAD, UNK, BOS, EOS = 0, 1, 2, 3


def build_hand_written(
    mode: str, src_vocab: int, trg_vocab: int, hidden: int
) -> torch.nn.Module:
    import torch
    from torch import nn
    from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

    class Encoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embedding = nn.Embedding(src_vocab, hidden, padding_idx=PAD)
            self.rnn = nn.GRU(hidden, hidden, batch_first=True)

        def forward(self, src, lengths):
            packed = pack_padded_sequence(
                self.embedding(src), lengths, batch_first=True, enforce_sorted=False
            )
            output, final = self.rnn(packed)
            output, _ = pad_packed_sequence(
                output, batch_first=True, total_length=src.shape[1]
            )
            return output, final  # batch x src_len x hidden, 1 x batch x hidden

    class Decoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.feed_previous = mode != "simple"
            self.feed_context = mode in ("simple", "peek")
            self.attend = mode == "attention"
            input_size = 0
            if self.feed_previous:
                self.embedding = nn.Embedding(trg_vocab, hidden, padding_idx=PAD)
                input_size += hidden
            if self.feed_context or self.attend:
                input_size += hidden
            self.rnn = nn.GRU(input_size, hidden, batch_first=True)
            if self.attend:  # Bahdanau: e = v' tanh(W s + U h)
                self.query_layer = nn.Linear(hidden, hidden, bias=False)
                self.key_layer = nn.Linear(hidden, hidden, bias=False)
                self.energy_layer = nn.Linear(hidden, 1, bias=False)
                self.attention_layer = nn.Linear(2 * hidden, hidden)
            self.output_layer = nn.Linear(hidden, trg_vocab)

        def forward(self, trg_input, encoder_output, hidden_state, src_mask):
            context = hidden_state[-1]  # batch x hidden
            if self.attend:
                keys = self.key_layer(encoder_output)
            logits = []
            for t in range(trg_input.shape[1]):
                inputs = []
                if self.feed_previous:
                    inputs.append(self.embedding(trg_input[:, t]))
                if self.feed_context:
                    inputs.append(context)
                if self.attend:
                    query = self.query_layer(hidden_state[-1]).unsqueeze(1)
                    scores = self.energy_layer(torch.tanh(query + keys)).squeeze(2)
                    scores = scores.masked_fill(~src_mask, float("-inf"))
                    weights = torch.softmax(scores, dim=1)
                    attended = torch.bmm(weights.unsqueeze(1), encoder_output)
                    attended = attended.squeeze(1)
                    inputs.append(attended)
                output, hidden_state = self.rnn(
                    torch.cat(inputs, dim=1).unsqueeze(1), hidden_state
                )
                output = output.squeeze(1)
                if self.attend:
                    output = torch.tanh(
                        self.attention_layer(torch.cat([output, attended], dim=1))
                    )
                logits.append(self.output_layer(output))
            return torch.stack(logits, dim=1)  # batch x trg_len x vocab

    class Seq2Seq(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = Encoder()
            self.decoder = Decoder()

        def forward(self, src, lengths, trg_input):
            encoder_output, final = self.encoder(src, lengths)
            src_mask = torch.arange(src.shape[1]).unsqueeze(0) < lengths.unsqueeze(1)
            return self.decoder(trg_input, encoder_output, final, src_mask)

    return Seq2Seq()


def encode_hand_written(X: list[str], y: list[str]):
    """Vocabularies and pre-padded id tensors ``src``, ``lengths``, ``trg``."""
    import torch

    src_vocab = {
        tok: i + 2 for i, tok in enumerate(sorted({t for s in X for t in s.split()}))
    }
    trg_vocab = {
        tok: i + 4 for i, tok in enumerate(sorted({t for s in y for t in s.split()}))
    }
    src_ids = [[src_vocab[t] for t in s.split()] for s in X]
    trg_ids = [[BOS, *(trg_vocab[t] for t in s.split()), EOS] for s in y]
    src = torch.zeros(len(X), max(map(len, src_ids)), dtype=torch.long)
    trg = torch.zeros(len(y), max(map(len, trg_ids)), dtype=torch.long)
    for i, (s, t) in enumerate(zip(src_ids, trg_ids)):
        src[i, : len(s)] = torch.tensor(s)
        trg[i, : len(t)] = torch.tensor(t)
    lengths = torch.tensor([len(s) for s in src_ids])
    return src, lengths, trg, len(src_vocab) + 2, len(trg_vocab) + 4


def train_one_epoch(model, loader, optimizer, criterion, clip: float) -> float:
    """One epoch of the plain training loop; returns the mean loss per sequence."""
    import torch

    model.train()
    total, count = 0.0, 0
    for src, lengths, trg in loader:
        optimizer.zero_grad()
        logits = model(src, lengths, trg[:, :-1])  # teacher forcing
        loss = criterion(logits.reshape(-1, logits.shape[-1]), trg[:, 1:].reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        optimizer.step()
        total += loss.item() * len(src)
        count += len(src)
    return total / count


class HandWritten:
    """The hand-written model with its optimizer and data loader, epoch by epoch.

    The loader shuffles with its own generator, so running it between the package's
    epochs does not change the package's shuffling.
    """

    def __init__(
        self,
        mode: str,
        X: list[str],
        y: list[str],
        *,
        hidden_dim: int,
        lr: float,
        batch_size: int,
        clip_grad_norm: float,
    ) -> None:
        import torch
        from torch.utils.data import DataLoader, TensorDataset

        src, lengths, trg, src_vocab, trg_vocab = encode_hand_written(X, y)
        torch.manual_seed(0)
        self.model = build_hand_written(mode, src_vocab, trg_vocab, hidden_dim)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=lr)
        self.criterion = torch.nn.CrossEntropyLoss(ignore_index=PAD)
        self.loader = DataLoader(
            TensorDataset(src, lengths, trg),
            batch_size=batch_size,
            shuffle=True,
            generator=torch.Generator().manual_seed(0),
        )
        self.clip = clip_grad_norm
        self.wall: list[float] = []
        self.cpu: list[float] = []
        self.losses: list[float] = []

    def epoch(self) -> None:
        """Train one epoch and record its wall time, CPU time and mean loss."""
        start, cpu_start = time.perf_counter(), time.process_time()
        loss = train_one_epoch(
            self.model, self.loader, self.optimizer, self.criterion, self.clip
        )
        self.wall.append(time.perf_counter() - start)
        self.cpu.append(time.process_time() - cpu_start)
        self.losses.append(loss)

    @property
    def n_params(self) -> int:
        return sum(p.numel() for p in self.model.parameters())
