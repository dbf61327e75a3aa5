"""Doctests of the package draw with matplotlib's non-interactive backend."""

import matplotlib

matplotlib.use("Agg")
