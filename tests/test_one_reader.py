"""One reader of sequences: SequenceVectorizer and the estimators read X through
the same codec (one set of tokenizing and vocabulary rules), and the codec reads X
once when predictions also need the source tokens."""

import ast
import copy
from pathlib import Path

import numpy as np
import pytest

from sklearn_seq2seq import SequenceVectorizer
from sklearn_seq2seq._data._codec import SequenceCodec

DOCS = ["The cat sat", "the Dog sat down", "Élève naïf  élève", "", "a cat"]
TOKENS = [["A", "b", 1], ["b", (0, 1), 2], [], ["Éa", "x", "b"]]
READING = [
    {},
    {"lowercase": True},
    {"lowercase": True, "strip_accents": "unicode"},
    {"strip_accents": "ascii"},
    {"max_tokens": 5},
    {"min_frequency": 2},
    {"analyzer": "char"},
    {"analyzer": "char", "lowercase": True, "max_tokens": 6},
    {"analyzer": lambda doc: doc[::-1].split()},
]


@pytest.mark.parametrize("params", READING)
@pytest.mark.parametrize("X", [DOCS, TOKENS], ids=["strings", "token lists"])
def test_vectorizer_reads_as_the_estimators_codec(params, X):
    """The vectorizer's vocabulary and ids are those of the codec the estimators
    fit on X (a callable analyzer included, which only the vectorizer takes)."""
    vectorizer = SequenceVectorizer(**params)
    ids = vectorizer.fit_transform(X)
    codec = SequenceCodec("X", target=False, **params)
    encoded = codec.fit(X)
    assert vectorizer.tokens_.tolist() == codec.itos_
    assert vectorizer.vocabulary_ == codec.stoi_
    width = encoded.data.shape[1]
    np.testing.assert_array_equal(ids[:, :width], encoded.data)
    assert not ids[:, width:].any()
    np.testing.assert_array_equal(
        vectorizer.transform(X)[:, :width], codec.encode(X).data
    )


def test_vectorizer_reads_as_the_subword_codec():
    pytest.importorskip("tokenizers")
    docs = ["the cat sat", "the cats sat down", "a dog sat"] * 2
    vectorizer = SequenceVectorizer(analyzer="bpe", max_tokens=30).fit(docs)
    codec = SequenceCodec("X", target=False, analyzer="bpe", max_tokens=30)
    encoded = codec.fit(docs)
    assert vectorizer.tokens_.tolist() == codec.itos_
    assert vectorizer.tokenizer_.to_str() == codec.tokenizer_json_
    ids = vectorizer.transform(docs)
    np.testing.assert_array_equal(ids[:, : encoded.data.shape[1]], encoded.data)
    assert list(vectorizer.inverse_transform(ids)) == docs


@pytest.mark.parametrize("target", [False, True])
def test_reserved_strings_are_never_learned(target):
    """One rule for both: text spelling a reserved token reads as unknown."""
    X = ["a <unk> b <pad>", "<bos> <eos> a"]
    codec = SequenceCodec("y" if target else "X", target=target)
    codec.fit(X)
    reserved = codec.itos_[: 4 if target else 2]
    assert len(set(codec.itos_)) == len(codec.itos_)
    assert not set(reserved) & set(codec.stoi_)
    if not target:
        assert codec.itos_ == SequenceVectorizer().fit(X).tokens_.tolist()
        assert codec.encode(["<unk> <pad>"]).data.tolist() == [[1, 1]]


def test_inverse_transform_and_decode_share_the_id_rules():
    codec = SequenceCodec("y", target=True, analyzer="char")
    codec.fit(["abba", "cab"])
    vectorizer = SequenceVectorizer(analyzer="char").fit(["abba", "cab"])
    ids = [codec.stoi_["b"], codec.stoi_["a"], 1]
    assert list(codec.decode([np.array(ids)])) == ["ba<unk>"]
    back = vectorizer.transform(["ba?"])
    assert list(vectorizer.inverse_transform(back)) == ["ba<unk>"]


def _old_source_tokens(codec, X):
    """How Seq2SeqTransformer read the source tokens before: X read a second
    time, by a copy of the codec without lowercase and strip_accents."""
    reader = copy.copy(codec)
    if not reader.is_subword:
        reader.lowercase = False
        reader.strip_accents = None
    return reader.read_tokens(X)


SOURCES = [
    ({}, ["The cat sat", "a Dog"], ["the CAT", "Dog zzz"]),
    (
        {"lowercase": True, "strip_accents": "unicode"},
        ["Élève naïf", "the Cat"],
        ["ÉLÈVE Zzz", "cat"],
    ),
    ({"lowercase": True, "analyzer": "char"}, ["Abc", "cab"], ["ABz", "b"]),
    ({"lowercase": True}, [["A", "b", 1], ["c"]], [["A", "Zz", 1], []]),
    ({"lowercase": True}, np.array([[5, 6, 0], [7, 0, 0]]), np.array([[5, 9, 7]])),
    ({"input_kind": "tokens", "lowercase": True}, [[1.5, 2.5]], [[2.5, 3.5]]),
]


@pytest.mark.parametrize("params, X_fit, X", SOURCES)
def test_encode_keeps_the_source_tokens(params, X_fit, X):
    codec = SequenceCodec("X", target=False, **params)
    codec.fit(X_fit)
    encoded = codec.encode(X, keep_source_tokens=True)
    plain = codec.encode(X)
    np.testing.assert_array_equal(encoded.data, plain.data)
    np.testing.assert_array_equal(encoded.lengths, plain.lengths)
    assert (encoded.n_tokens, encoded.n_unknown, encoded.n_known_lowercased) == (
        plain.n_tokens,
        plain.n_unknown,
        plain.n_known_lowercased,
    )
    assert plain.source_tokens is None
    assert encoded.source_tokens == _old_source_tokens(codec, X)
    assert encoded.source_tokens == codec.read_tokens(X, keep_case=True)
    assert [len(tokens) for tokens in encoded.source_tokens] == list(plain.lengths)


def test_encode_keeps_the_subword_pieces_the_encoder_read():
    pytest.importorskip("tokenizers")
    codec = SequenceCodec("X", target=False, analyzer="bpe", lowercase=True)
    codec.fit(["The cat sat", "a dog sat down"] * 3)
    X = ["THE dogs sat", "cat"]
    encoded = codec.encode(X, keep_source_tokens=True)
    np.testing.assert_array_equal(encoded.data, codec.encode(X).data)
    assert encoded.source_tokens == _old_source_tokens(codec, X)
    assert encoded.source_tokens == codec.read_tokens(X)  # lowercased pieces


def test_encode_reads_X_once():
    """keep_source_tokens does not read X a second time (a generator would be
    spent, and every check would run twice)."""
    codec = SequenceCodec("X", target=False, lowercase=True)
    codec.fit(["The cat", "a dog"])
    X = ["The Dog", "A zzz"]
    calls = []
    original = SequenceCodec._read

    def counting(self, X):
        calls.append(X)
        return original(self, X)

    SequenceCodec._read = counting
    try:
        encoded = codec.encode(X, keep_source_tokens=True)
    finally:
        SequenceCodec._read = original
    assert len(calls) == 1
    assert encoded.source_tokens == [["The", "Dog"], ["A", "zzz"]]
    assert encoded.data.tolist() == [[codec.stoi_["the"], codec.stoi_["dog"]], [2, 1]]


def test_continuous_sources_keep_no_tokens():
    codec = SequenceCodec("X", target=False)
    codec.fit(np.zeros((2, 3, 2)))
    assert (
        codec.encode(np.ones((1, 3, 2)), keep_source_tokens=True).source_tokens is None
    )


def test_fitted_codec_state_is_unchanged():
    """The attributes of a fitted codec are what model files hold
    (_persistence._format saves vars(codec)): the reader adds none."""
    expected = {
        "name",
        "target",
        "analyzer",
        "lowercase",
        "input_kind",
        "min_frequency",
        "strip_accents",
        "max_tokens",
        "kind_",
        "itos_",
        "stoi_",
        "max_length_",
    }
    codec = SequenceCodec("X", target=False)
    codec.fit(["a b", "c"])
    codec.encode(["a"], keep_source_tokens=True)
    assert set(vars(codec)) == expected
    codec = SequenceCodec("X", target=False)
    codec.fit(np.array([[5, 6, 0]]))
    assert set(vars(codec)) == expected | {"ids_width_"}
    codec = SequenceCodec("X", target=False)
    codec.fit(np.zeros((2, 3, 2)))
    assert set(vars(codec)) == (expected - {"itos_", "stoi_", "max_length_"}) | {
        "n_steps_",
        "n_features_",
    }


DATA = Path(__file__).resolve().parents[1] / "sklearn_seq2seq" / "_data"


def _data_imports(path):
    """The ``_data`` modules that ``path`` imports (relative imports only)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found.add(node.module or "")
    return found


def test_reading_depends_on_validation_not_the_other_way():
    """The codec uses the checks of _validation; _validation, _vocabulary and
    _subwords know nothing of the codec, and no _data module imports itself back."""
    graph = {path.stem: _data_imports(path) for path in DATA.glob("*.py")}
    assert "_validation" in graph["_codec"]
    for module in ("_validation", "_vocabulary", "_subwords"):
        assert "_codec" not in graph[module]

    def reaches(start, goal, seen=()):
        return any(
            target == goal
            or (target not in seen and reaches(target, goal, {*seen, target}))
            for target in graph.get(start, ())
        )

    assert [module for module in graph if reaches(module, module)] == []
