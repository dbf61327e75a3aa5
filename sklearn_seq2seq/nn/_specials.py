"""The ids the networks reserve, as defaults of their ``pad_index``/``bos_index``
keywords: 0 pads (never attended to, never a loss target) and 2 starts a decoded
sequence. The estimators' vocabularies (``sklearn_seq2seq._data._vocabulary``)
number their special tokens the same way; ``tests/test_layout.py`` checks that
the two agree, since ``nn`` imports nothing from the rest of the package."""

PAD_INDEX = 0
BOS_INDEX = 2
EOS_INDEX = 3
