import copy
import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_seq2seq._data._validation import check_sequences, tokenize
from sklearn_seq2seq.preprocessing import (
    PAD_INDEX,
    UNK_INDEX,
    SequenceVectorizer,
    pad_sequences,
)

from _s2s_shared import SKLEARN_API_CHECKS

DOCS = ["the cat sat on the mat", "the dog sat", "a cat and a dog", ""]


def test_round_trip_and_shape():
    vec = SequenceVectorizer()
    ids = vec.fit_transform(DOCS)
    assert ids.shape == (4, 6)
    assert ids.dtype == np.int64
    assert vec.max_length_ == 6
    back = vec.inverse_transform(ids)
    assert back.dtype == object and back.shape == (4,)
    assert list(back) == [doc.split() for doc in DOCS]
    np.testing.assert_array_equal(vec.transform(DOCS), ids)
    assert ids[3].tolist() == [0] * 6  # empty string: all padding


def test_frequency_order_tie_break_and_reserved_tokens():
    vec = SequenceVectorizer().fit(DOCS)
    # the: 3, a/cat/dog/sat: 2 (sorted), and/mat/on: 1 (sorted)
    expected = ["the", "a", "cat", "dog", "sat", "and", "mat", "on"]
    assert vec.vocabulary_ == {tok: i for i, tok in enumerate(expected, start=2)}
    assert vec.tokens_.dtype == object
    assert vec.tokens_.tolist() == ["<pad>", "<unk>", *expected]
    # The ids the vectorizer writes are the ones the estimators read as padding and
    # unknown: an id array from the vectorizer decodes to the same tokens.
    ids = vec.transform(["the zebra"])
    assert ids[0, 0] == vec.vocabulary_["the"]
    assert ids[0, 1] == UNK_INDEX and (ids[0, 2:] == PAD_INDEX).all()


def test_vocabulary_independent_of_document_order():
    rng = np.random.default_rng(0)
    docs = [" ".join(rng.choice(list("abcdefgh"), size=7)) for _ in range(30)]
    reference = SequenceVectorizer().fit(docs).vocabulary_
    for _ in range(3):
        shuffled = [docs[i] for i in rng.permutation(len(docs))]
        assert SequenceVectorizer().fit(shuffled).vocabulary_ == reference


def test_mixed_type_tokens_are_ordered_deterministically():
    docs = [[1, "a", 2], ["a", 1, (0, 1)]]
    vocab = SequenceVectorizer().fit(docs).vocabulary_
    assert vocab == SequenceVectorizer().fit(docs[::-1]).vocabulary_
    assert vocab[1] == 2 and vocab["a"] == 3  # count 2 first; int < str by type name
    assert set(vocab) == {1, "a", 2, (0, 1)}


def test_unknown_tokens_and_reserved_strings_map_to_unk():
    vec = SequenceVectorizer().fit(["a b"])
    assert vec.transform(["b zzz a <unk> <pad>"]).tolist() == [[3, 1]]
    vec = SequenceVectorizer(max_length=5).fit(["a b"])
    assert vec.transform(["b zzz a <unk> <pad>"]).tolist() == [[3, 1, 2, 1, 1]]
    assert vec.inverse_transform([[3, 1, 0]]).tolist() == [["b", "<unk>"]]


@pytest.mark.parametrize(
    "padding, truncating, expected",
    [
        ("post", "post", [[2, 3, 4], [5, 0, 0]]),
        ("pre", "post", [[2, 3, 4], [0, 0, 5]]),
        ("post", "pre", [[3, 4, 6], [5, 0, 0]]),
        ("pre", "pre", [[3, 4, 6], [0, 0, 5]]),
    ],
)
def test_padding_and_truncating(padding, truncating, expected):
    vec = SequenceVectorizer(
        max_length=3,
        padding=padding,
        truncating=truncating,
        vocabulary=["a", "b", "c", "d", "e"],
    )
    ids = vec.fit_transform(["a b c e", "d"])
    assert ids.tolist() == expected
    # padding is dropped wherever it is
    assert vec.inverse_transform(ids)[1] == ["d"]


def test_pad_sequences_empty_and_exact():
    out = pad_sequences([[], [7, 8]], 2, padding="pre", dtype=np.int32)
    assert out.dtype == np.int32
    assert out.tolist() == [[0, 0], [7, 8]]


def test_max_tokens_and_min_frequency():
    vec = SequenceVectorizer(max_tokens=4).fit(DOCS)
    assert vec.vocabulary_ == {"the": 2, "a": 3}
    assert len(vec.tokens_) == 4
    assert SequenceVectorizer(max_tokens=2).fit(DOCS).vocabulary_ == {}
    vec = SequenceVectorizer(min_frequency=2).fit(DOCS)
    assert list(vec.vocabulary_) == ["the", "a", "cat", "dog", "sat"]
    assert SequenceVectorizer(min_frequency=4).fit(DOCS).vocabulary_ == {}


def test_fixed_vocabulary():
    vec = SequenceVectorizer(vocabulary=["z", "cat", "the"], max_tokens=2)
    vec.fit(DOCS)
    assert vec.vocabulary_ == {"z": 2, "cat": 3, "the": 4}  # max_tokens ignored
    assert vec.max_length_ == 6  # still learned from the data
    assert vec.transform(["the cat z dog"])[0, :4].tolist() == [4, 3, 2, 1]
    with pytest.raises(ValueError, match="'a' more than once"):
        SequenceVectorizer(vocabulary=["a", "b", "a"]).fit(DOCS)
    with pytest.raises(ValueError, match="reserved token '<unk>'"):
        SequenceVectorizer(vocabulary=["<unk>", "a"]).fit(DOCS)
    with pytest.warns(UserWarning, match="upper case"):
        SequenceVectorizer(vocabulary=["A"], lowercase=True).fit(DOCS)


def test_char_analyzer_callable_analyzer_and_lowercase():
    vec = SequenceVectorizer(analyzer="char").fit(["abba", "c"])
    assert vec.vocabulary_ == {"a": 2, "b": 3, "c": 4}
    assert vec.max_length_ == 4
    assert vec.transform(["cab"]).tolist() == [[4, 2, 3, 0]]

    vec = SequenceVectorizer(analyzer=lambda s: s.split(","), lowercase=True)
    ids = vec.fit_transform(["X,y", "y, z"])
    assert vec.vocabulary_ == {"y": 2, " z": 3, "x": 4}
    assert vec.inverse_transform(ids).tolist() == [["x", "y"], ["y", " z"]]

    assert SequenceVectorizer().fit(["The THE the"]).vocabulary_ == {
        "THE": 2,
        "The": 3,
        "the": 4,
    }
    assert SequenceVectorizer(lowercase=True).fit(["The THE"]).vocabulary_ == {"the": 2}


def test_char_analyzer_inverse_transform_gives_strings():
    """Characters read from strings come back as strings (as the estimators'
    predictions with analyzer="char" do); other analyzers keep token lists."""
    vec = SequenceVectorizer(analyzer="char").fit(["abba", "cab", ""])
    back = vec.inverse_transform(vec.transform(["cab", "bad", ""]))
    assert back.dtype == object and back.shape == (3,)
    assert back.tolist() == ["cab", "ba<unk>", ""]
    lowered = SequenceVectorizer(analyzer="char", lowercase=True).fit(["Ab"])
    assert lowered.inverse_transform(lowered.transform(["BA"])).tolist() == ["ba"]
    # Token sequences are not analyzed, so their tokens are not joined either.
    tokens = SequenceVectorizer(analyzer="char").fit([["ab", "c"], ["c"]])
    assert tokens.inverse_transform(tokens.transform([["ab", "c"]])).tolist() == [
        ["ab", "c"]
    ]
    # Survives pickling, and a vectorizer rebuilt from its vocabulary and length
    # (used without fit) reads back as the fitted one.
    restored = pickle.loads(pickle.dumps(vec))
    assert restored.inverse_transform(vec.transform(["ab"])).tolist() == ["ab"]
    rebuilt = SequenceVectorizer(
        analyzer="char", vocabulary=vec.tokens_[2:].tolist(), max_length=4
    )
    ids = rebuilt.transform(["cab"])
    np.testing.assert_array_equal(ids, vec.transform(["cab"]))
    assert rebuilt.inverse_transform(ids).tolist() == ["cab"]


def test_callable_analyzer_must_return_tokens():
    with pytest.raises(TypeError, match="analyzer must return an iterable"):
        SequenceVectorizer(analyzer=lambda s: s).fit(["ab"])


def test_token_list_input_with_int_tokens():
    X = [[3, 1, 4, 1, 5], (9, 2, 6), np.array([5, 3, 5])]
    vec = SequenceVectorizer(lowercase=True)  # lowercase does not touch ints
    ids = vec.fit_transform(X)
    assert vec.vocabulary_ == {5: 2, 1: 3, 3: 4, 2: 5, 4: 6, 6: 7, 9: 8}
    assert all(type(tok) is int for tok in vec.vocabulary_)
    assert vec.inverse_transform(ids).tolist() == [
        [3, 1, 4, 1, 5],
        [9, 2, 6],
        [5, 3, 5],
    ]
    lowered = SequenceVectorizer(lowercase=True).fit([["A", 1], ["a"]])
    assert lowered.vocabulary_ == {"a": 2, 1: 3}


@pytest.mark.parametrize(
    "container",
    [tuple, lambda d: np.array(d, dtype=object), pd.Series, iter],
    ids=["tuple", "object-array", "series", "iterator"],
)
def test_container_types(container):
    expected = SequenceVectorizer().fit_transform(DOCS)
    vec = SequenceVectorizer()
    np.testing.assert_array_equal(vec.fit_transform(container(DOCS)), expected)
    np.testing.assert_array_equal(vec.transform(container(DOCS)), expected)


def test_set_output_pandas():
    X = pd.Series(DOCS, index=[10, 11, 12, 13])
    vec = SequenceVectorizer(max_length=3).set_output(transform="pandas")
    df = vec.fit_transform(X)
    assert isinstance(df, pd.DataFrame)
    names = ["sequencevectorizer0", "sequencevectorizer1", "sequencevectorizer2"]
    assert list(df.columns) == names
    assert vec.get_feature_names_out().tolist() == names
    assert df.index.tolist() == [10, 11, 12, 13]
    assert df.to_numpy().tolist() == vec.transform(DOCS).to_numpy().tolist()
    assert vec.inverse_transform(df)[1] == ["the", "dog", "sat"]


def test_bare_string_rejected():
    vec = SequenceVectorizer()
    msg = "Iterable over raw text documents expected, string object received."
    with pytest.raises(ValueError, match=msg):
        vec.fit("the cat sat")
    vec.fit(DOCS)
    with pytest.raises(ValueError, match=msg):
        vec.transform("the cat")
    with pytest.raises(ValueError, match="bytes object received"):
        vec.transform(b"the cat")


@pytest.mark.parametrize("X", [[], (), pd.Series([], dtype=object)])
def test_empty_input_rejected(X):
    with pytest.raises(ValueError, match="empty.*0 samples"):
        SequenceVectorizer().fit(X)


@pytest.mark.parametrize(
    "X, match",
    [
        (["a", "b", "c", None], "X contains None at index 3"),
        (["a", np.nan], "X contains NaN at index 1"),
        (pd.Series(["a", None, "b"], dtype="string"), "X contains pd.NA at index 1"),
        ([["a"], ["b", None]], r"X contains None at index 1 \(token 1\)"),
    ],
)
def test_missing_values_named_by_index(X, match):
    with pytest.raises(ValueError, match=match):
        SequenceVectorizer().fit(X)


def test_input_errors():
    with pytest.raises(TypeError, match="iterable"):
        SequenceVectorizer().fit(42)
    with pytest.raises(TypeError, match=r"X\[1\] has type int"):
        SequenceVectorizer().fit(["a", 5])
    with pytest.raises(ValueError, match="mixes strings and token sequences"):
        SequenceVectorizer().fit(["a b", ["a", "b"]])
    with pytest.raises(TypeError, match="unhashable"):
        SequenceVectorizer().fit([["a", ["b"]]])
    with pytest.raises(ValueError, match="must be 1-D"):
        SequenceVectorizer().fit(pd.DataFrame({"text": DOCS}))


def test_helpers_name_the_parameter():
    with pytest.raises(ValueError, match="y contains None at index 2"):
        check_sequences(["a", "b", None], name="y")
    with pytest.raises(ValueError, match="y is empty"):
        check_sequences([], name="y")
    assert check_sequences(np.array(["a b", "c"])) == (["a b", "c"], "str")
    assert tokenize([[1, "B"]], "tokens", lowercase=True) == [[1, "b"]]


@pytest.mark.parametrize(
    "params",
    [
        {"max_tokens": 1},
        {"padding": "middle"},
        {"truncating": "both"},
        {"min_frequency": 0},
        {"max_length": 0},
        {"analyzer": "char_wb"},
        {"lowercase": "yes"},
    ],
)
def test_invalid_params(params):
    """The error names the parameter, so the user knows what to fix."""
    (name,) = params
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter"):
        SequenceVectorizer(**params).fit(DOCS)


@pytest.mark.parametrize("dtype", [np.float64, "not a dtype"])
def test_invalid_dtype(dtype):
    with pytest.raises(ValueError, match="integer dtype"):
        SequenceVectorizer(dtype=dtype).fit(DOCS)


def test_dtype_param_and_overflow():
    ids = SequenceVectorizer(dtype=np.int16).fit_transform(DOCS)
    assert ids.dtype == np.int16
    many = [" ".join(f"w{i}" for i in range(300))]
    with pytest.raises(ValueError, match="cannot hold 302 token ids"):
        SequenceVectorizer(dtype=np.int8).fit(many)


def test_inverse_transform_errors():
    vec = SequenceVectorizer().fit(["a b"])  # ids 0..3
    with pytest.raises(ValueError, match="id 4 at row 1, column 0"):
        vec.inverse_transform([[2, 3], [4, 0]])
    with pytest.raises(ValueError, match="id -1"):
        vec.inverse_transform([[-1]])
    with pytest.raises(ValueError, match="integer token ids"):
        vec.inverse_transform([[2.5]])
    assert vec.inverse_transform(np.array([[3.0, 0.0, 2.0]])).tolist() == [["b", "a"]]


def test_input_not_modified():
    for X in (
        list(DOCS),
        [["A", "b"], ("c",), np.array(["d", "e"])],
        pd.Series(DOCS),
    ):
        original = copy.deepcopy(X)
        vec = SequenceVectorizer(lowercase=True, max_length=2)
        vec.fit(X)
        vec.transform(X)
        vec.fit_transform(X)
        if isinstance(X, pd.Series):
            pd.testing.assert_series_equal(X, original)
        else:
            assert len(X) == len(original)
            for a, b in zip(X, original):
                assert type(a) is type(b)
                np.testing.assert_array_equal(a, b)


def test_not_fitted():
    vec = SequenceVectorizer()
    for method, arg in [
        (vec.transform, DOCS),
        (vec.inverse_transform, [[0]]),
        (vec.get_feature_names_out, None),
    ]:
        with pytest.raises(NotFittedError):
            method(arg)


@pytest.mark.parametrize("check", SKLEARN_API_CHECKS)
def test_sklearn_api_checks(check):
    check("SequenceVectorizer", SequenceVectorizer())


def test_clone_repr_pickle():
    vec = SequenceVectorizer(max_tokens=5, padding="pre")
    cloned = clone(vec)
    assert cloned.get_params() == vec.get_params()
    assert repr(vec) == "SequenceVectorizer(max_tokens=5, padding='pre')"
    vec.fit(DOCS)
    assert not hasattr(clone(vec), "vocabulary_")
    restored = pickle.loads(pickle.dumps(vec))
    assert restored.vocabulary_ == vec.vocabulary_
    np.testing.assert_array_equal(restored.transform(DOCS), vec.transform(DOCS))


def test_vectorizer_and_estimator_number_tokens_alike():
    """One vocabulary rule: the estimator's source ids are the vectorizer's."""
    from sklearn_seq2seq import Seq2SeqTransformer

    X = ["b a c", "c c a", "d b", "a"] * 3
    vectorizer = SequenceVectorizer().fit(X)
    model = Seq2SeqTransformer(hidden_dim=4, max_epochs=1, random_state=0).fit(X)
    assert model.source_codec_.itos_ == vectorizer.tokens_.tolist()
    np.testing.assert_array_equal(
        model.source_codec_.encode(X).data, vectorizer.transform(X)
    )
