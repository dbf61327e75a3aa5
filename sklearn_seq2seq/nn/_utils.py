"""Small tensor helpers shared by the network modules."""

from __future__ import annotations

import torch
from torch import Tensor, nn

#: Recurrent state: a tensor ``(num_layers, batch, hidden)`` or, for LSTMs, a pair.
Hidden = Tensor | tuple[Tensor, Tensor]

CELLS: dict[str, type[nn.RNNBase]] = {"gru": nn.GRU, "lstm": nn.LSTM, "rnn": nn.RNN}


def make_rnn(
    cell: str,
    input_size: int,
    hidden_size: int,
    num_layers: int,
    dropout: float,
    bidirectional: bool = False,
) -> nn.RNNBase:
    """Build a batch-first ``nn.GRU`` / ``nn.LSTM`` / ``nn.RNN``.

    Dropout is applied between stacked layers only (PyTorch's rule), so a single-layer
    RNN gets none instead of PyTorch's warning.
    """
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {sorted(CELLS)}, got {cell!r}.")
    return CELLS[cell](
        input_size,
        hidden_size,
        num_layers=num_layers,
        batch_first=True,
        dropout=dropout if num_layers > 1 else 0.0,
        bidirectional=bidirectional,
    )


def check_one_input(vocab_size: int | None, n_features: int | None) -> None:
    """Raise unless exactly one of ``vocab_size`` and ``n_features`` is given."""
    if (vocab_size is None) == (n_features is None):
        raise ValueError("Give exactly one of vocab_size and n_features.")


def make_input_layer(
    vocab_size: int | None, n_features: int | None, embedding_dim: int, pad_index: int
) -> nn.Module:
    """An embedding for token ids (``vocab_size``) or a linear projection of
    ``n_features``-sized vectors, both to ``embedding_dim``."""
    check_one_input(vocab_size, n_features)
    if vocab_size is not None:
        return nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_index)
    return nn.Linear(n_features, embedding_dim)  # type: ignore[arg-type]


def init_embedding(embedding: nn.Embedding, std: float | None = None) -> None:
    """Draw ``embedding``'s weights from N(0, ``std``), its padding row zero.

    ``std=None`` is ``embedding_dim ** -0.5`` (fairseq's rule: embedding vectors of
    about unit norm), not torch's N(0, 1), whose unit scale per coordinate
    saturates the gates of a wide recurrent layer (docs: "Grapheme-to-phoneme
    conversion" measures both).
    """
    if std is None:
        std = embedding.embedding_dim**-0.5
    nn.init.normal_(embedding.weight, 0.0, std)
    if embedding.padding_idx is not None:
        with torch.no_grad():
            embedding.weight[embedding.padding_idx].zero_()


def make_dropout(p: float) -> nn.Module:
    """``nn.Dropout(p)``, or an identity when ``p == 0`` (no work per call)."""
    return nn.Dropout(p) if p > 0 else nn.Identity()


def map_hidden(hidden: Hidden, fn) -> Hidden:
    """Apply ``fn`` to the hidden tensor, or to both tensors of an LSTM state."""
    if isinstance(hidden, tuple):
        return tuple(fn(h) for h in hidden)  # type: ignore[return-value]
    return fn(hidden)


def top_hidden(hidden: Hidden) -> Tensor:
    """The top layer's hidden state ``(batch, hidden)`` (``h`` for an LSTM)."""
    h = hidden[0] if isinstance(hidden, tuple) else hidden
    return h[-1]


def select_hidden(hidden: Hidden, index: Tensor) -> Hidden:
    """Select (or repeat) batch entries of a state ``(layers, batch, hidden)``."""
    return map_hidden(hidden, lambda h: h.index_select(1, index))


def lengths_to_mask(lengths: Tensor, max_len: int) -> Tensor:
    """Boolean mask ``(batch, max_len)``, True on real positions."""
    positions = torch.arange(max_len, device=lengths.device)
    return positions.unsqueeze(0) < lengths.unsqueeze(1)
