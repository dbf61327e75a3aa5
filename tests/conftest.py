"""Shared fixtures: seeded random state and one torch thread per test process."""

import numpy as np
import pytest
import torch

# One torch thread for the whole session, module-scoped fixtures included: tiny models
# gain nothing from more, and two threads per process thrash a loaded 2-core machine.
torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def _seed():
    """Seed numpy's and torch's global generators before every test."""
    np.random.seed(0)  # noqa: NPY002 - the legacy global generator is what we pin
    torch.manual_seed(0)
    yield
