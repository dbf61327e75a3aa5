"""Sequence-to-sequence neural networks with the scikit-learn API.

Encoder-decoder RNNs (simple, feedback, peek and attention decoders, configurable depth)
trained through skorch on PyTorch, on CUDA when it is there.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
