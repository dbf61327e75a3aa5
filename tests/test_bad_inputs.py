"""Every input works or fails clearly: odd and bad inputs across the entry points.

Each case is an input a user may pass; the test says what must happen: the right
result, or an error that names the argument, the problem and the fix. Models are
tiny and trained for one epoch: only behaviour is checked, never quality.
"""

import copy
import re
import warnings
from numbers import Integral, Real

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.metrics import r2_score
from sklearn.utils._param_validation import Interval, InvalidParameterError

from sklearn_seq2seq import (
    Seq2SeqClassifier,
    Seq2SeqTransformer,
    SequenceVectorizer,
    bleu_score,
)
from sklearn_seq2seq._data._codec import SequenceCodec

from _s2s_shared import DECODERS, reversal_data
from _s2s_shared import X_FLOAT as X_FLOAT_24

KW = dict(hidden_dim=4, max_epochs=1, batch_size=8, random_state=0, device="cpu")
X_TEXT, Y_TEXT = reversal_data(n_distinct=4, repeat=3)  # 12 samples
LABELS = np.arange(12) % 2
X_FLOAT = X_FLOAT_24[:12]
IDS = np.array([[1, 2, 3], [4, 5, 0]] * 6)
ESTIMATORS = [Seq2SeqTransformer, Seq2SeqClassifier]


def fit(estimator_class, X, y=None, **params):
    """Fit a tiny estimator; the classifier gets labels when ``y`` is None."""
    if y is None and estimator_class is Seq2SeqClassifier:
        y = LABELS[: len(X)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # unstable one-epoch training
        return estimator_class(**{**KW, **params}).fit(X, y)


def target_words(model):
    """The words a Seq2SeqTransformer fitted on text can predict (no specials)."""
    return set(model.target_codec_.itos_[4:])


def assert_labels_follow_proba(classifier, X):
    """predict gives, per sample, the class of highest predict_proba."""
    proba = classifier.predict_proba(X)
    assert proba.shape == (len(X), len(classifier.classes_))
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)
    np.testing.assert_array_equal(
        classifier.predict(X), classifier.classes_[proba.argmax(axis=1)]
    )


def source_kind(X, **params):
    codec = SequenceCodec("X", target=False, **params)
    codec.fit(X)
    return codec.kind_


def object_array(rows):
    """A 1-D object array holding the rows as they are (lists stay lists)."""
    array = np.empty(len(rows), dtype=object)
    for i, row in enumerate(rows):
        array[i] = row
    return array


CONTAINERS = {
    "list": list,
    "tuple": tuple,
    "object-array": object_array,
    "series": pd.Series,
}


# -- 1. the kind is decided from all rows and from the values --------------------------
@pytest.mark.parametrize("container", CONTAINERS.values(), ids=CONTAINERS.keys())
@pytest.mark.parametrize(
    "rows, kind",
    [
        ([[0.5, 0.25, 0.125], [1.5, 2.5, 3.5]] * 3, "scalars"),
        ([[1, 2, 3], [4, 5]] * 3, "tokens"),
        ([["1", "2"], ["3", "4"]] * 3, "tokens"),
        (["1 2", "3 4"] * 3, "str"),
        ([np.zeros((3, 2)), np.ones((3, 2))] * 3, "vectors"),
    ],
    ids=["float-rows", "int-rows", "str-rows", "strings", "vector-rows"],
)
def test_kind_is_the_same_for_every_container(container, rows, kind):
    assert source_kind(container(rows)) == kind


@pytest.mark.parametrize("container", CONTAINERS.values(), ids=CONTAINERS.keys())
@pytest.mark.parametrize("int_first", [True, False])
def test_ints_and_floats_mixed_across_rows_are_ambiguous(container, int_first):
    rows = [[0, 1, 2]] + [[0.5, 0.25, 0.125]] * 11
    if not int_first:
        rows = rows[::-1]
    with pytest.raises(ValueError, match=r"mixes integer and float.*input_kind="):
        source_kind(container(rows))
    for estimator in ESTIMATORS:
        with pytest.raises(ValueError, match="input_kind='continuous'"):
            fit(
                estimator,
                container(rows),
                None if estimator is Seq2SeqClassifier else Y_TEXT,
            )


def test_input_kind_settles_ambiguous_rows():
    rows = [[0, 1, 2]] + [[0.5, 0.25, 0.125]] * 11
    continuous = fit(Seq2SeqClassifier, rows, input_kind="continuous")
    assert continuous.source_codec_.kind_ == "scalars"
    assert_labels_follow_proba(continuous, rows[:2])
    tokens = fit(Seq2SeqTransformer, rows, Y_TEXT, input_kind="tokens")
    assert tokens.source_codec_.kind_ == "tokens"
    assert 0.5 in tokens.source_codec_.stoi_ and 0 in tokens.source_codec_.stoi_


def test_ambiguous_target_says_how_to_convert_it():
    rows = [[0, 1, 2]] + [[0.5, 0.25, 0.125]] * 11
    with pytest.raises(ValueError, match=r"y mixes integer and float.*dtype=float"):
        fit(Seq2SeqTransformer, X_TEXT, rows)


def test_input_kind_tokens_reads_float_arrays_as_tokens():
    X = np.array([[0.5, 0.0], [1.5, 2.5]] * 6)
    model = fit(Seq2SeqClassifier, X, input_kind="tokens")
    assert model.source_codec_.kind_ == "tokens"
    assert 0.0 in model.source_codec_.stoi_  # a value, not padding
    assert fit(Seq2SeqClassifier, IDS, input_kind="tokens").source_codec_.kind_ == "ids"
    with pytest.raises(ValueError, match="input_kind='tokens' but X is a 3-D array"):
        fit(Seq2SeqClassifier, X_FLOAT, input_kind="tokens")


def test_input_kind_continuous_reads_integer_arrays_as_values():
    pixels = np.arange(36, dtype=np.uint8).reshape(12, 3)
    assert fit(Seq2SeqClassifier, pixels).source_codec_.kind_ == "ids"
    model = fit(Seq2SeqClassifier, pixels, input_kind="continuous")
    assert model.source_codec_.kind_ == "scalars"
    assert model.n_features_in_ == 3


def test_input_kind_continuous_rejects_text():
    with pytest.raises(ValueError, match="input_kind='continuous'.*'auto'"):
        fit(Seq2SeqClassifier, X_TEXT, input_kind="continuous")
    with pytest.raises(ValueError, match="input_kind='continuous'.*not numbers"):
        fit(Seq2SeqClassifier, [[1.5, "a"]] * 12, input_kind="continuous")


def test_string_rows_read_as_tokens_whatever_the_container():
    rows = [["1", "2"], ["3", "4"]] * 6
    expected = SequenceCodec("X", target=False).fit(rows).data
    for X in (np.array(rows, dtype=object), np.array(rows), pd.Series(rows)):
        codec = SequenceCodec("X", target=False)
        np.testing.assert_array_equal(codec.fit(X).data, expected)
        assert codec.kind_ == "tokens"
    vectorizer = SequenceVectorizer()
    np.testing.assert_array_equal(
        vectorizer.fit_transform(np.array(rows)), vectorizer.fit_transform(rows)
    )


def test_object_array_of_floats_is_scalars():
    """Numbers in an object array are numbers (sklearn's check_dtype_object)."""
    assert source_kind(np.random.default_rng(0).random((4, 3)).astype(object)) == (
        "scalars"
    )


def test_ragged_float_rows_are_named():
    with pytest.raises(ValueError, match="different lengths.*input_kind='tokens'"):
        source_kind([[0.5, 0.25], [0.5]] * 3)
    with pytest.raises(ValueError, match="different lengths") as info:
        source_kind([np.zeros((3, 2)), np.zeros((4, 2))] * 3)
    assert "input_kind" not in str(info.value)  # vectors cannot be tokens


def test_dataframe_of_text_asks_for_one_column():
    with pytest.raises(ValueError, match=r"1-D.*df\['text'\]"):
        fit(Seq2SeqClassifier, pd.DataFrame({"text": X_TEXT}))


# -- 2. predict gets the kind fit saw --------------------------------------------------


@pytest.mark.parametrize(
    "X_fit, X_other, fitted, got",
    [
        (IDS, ["1 2 3"], "token id arrays", "strings"),
        (X_TEXT, [["1", "2"]], "strings", "token lists"),
        (X_TEXT, IDS[:1], "strings", "token id arrays"),
        (
            X_FLOAT[:, :, 0],
            X_FLOAT[:, :, :1],
            r"float arrays \(2-D",
            r"float arrays \(3-D",
        ),
        (X_FLOAT, X_TEXT[:1], "float arrays", "strings"),
    ],
    ids=["ids-str", "str-tokens", "str-ids", "scalars-vectors", "vectors-str"],
)
def test_predict_rejects_another_kind(X_fit, X_other, fitted, got):
    transformer = fit(Seq2SeqTransformer, X_fit, Y_TEXT)
    classifier = fit(Seq2SeqClassifier, X_fit)
    methods = [
        transformer.predict,
        transformer.transform,
        lambda X: transformer.score(X, Y_TEXT[: len(X)]),
        classifier.predict,
        classifier.predict_proba,
        lambda X: classifier.score(X, LABELS[: len(X)]),
    ]
    for method in methods:
        with pytest.raises(ValueError, match=f"fitted on {fitted}.*got {got}"):
            method(X_other)


# -- 3. score without y only for an autoencoder ----------------------------------------
def test_score_without_y_needs_an_autoencoder():
    model = fit(Seq2SeqTransformer, X_TEXT, Y_TEXT)
    with pytest.raises(ValueError, match=r"score needs y.*autoencoder=True"):
        model.score(X_TEXT)
    expected = bleu_score(Y_TEXT, model.predict(X_TEXT), effective_order=True)
    assert model.score(X_TEXT, Y_TEXT) == pytest.approx(expected)
    assert not model.autoencoder_
    for autoencoder in (
        fit(Seq2SeqTransformer, X_TEXT),
        fit(Seq2SeqTransformer, X_TEXT, Y_TEXT, autoencoder=True),
    ):
        assert autoencoder.autoencoder_
        # Scored against X itself (autoencoder=True: whatever y was given).
        expected = bleu_score(X_TEXT, autoencoder.predict(X_TEXT), effective_order=True)
        assert autoencoder.score(X_TEXT) == pytest.approx(expected)
        assert autoencoder.score(X_TEXT, Y_TEXT) == pytest.approx(expected)


# -- 5. unknown tokens and lowercase ---------------------------------------------------
WORDS = ["one two", "three four five", "six"] * 4
WORD_TARGETS = ["A b", "c", "D e"] * 4


def unknown_warnings(record):
    return [w for w in record if "not seen in fit" in str(w.message)]


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_mostly_unknown_tokens_warn_and_suggest_lowercase(estimator):
    model = fit(
        estimator, WORDS, None if estimator is Seq2SeqClassifier else WORD_TARGETS
    )
    match = r"4 of the 4 tokens of X \(100%\).*3 of them are known in lower case"
    with pytest.warns(UserWarning, match=match) as record:
        model.predict(["ONE TWO", "SIX zzz"])
    assert record[0].filename == __file__  # points at the user's line
    with pytest.warns(UserWarning, match=r"2 of the 2 tokens.*analyzer"):
        model.predict(["zzz yyy"])
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        model.predict(["one two zzz"])  # a third unknown: no warning
    assert not unknown_warnings(record)


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_lowercase_reads_any_case(estimator):
    y = None if estimator is Seq2SeqClassifier else WORD_TARGETS
    model = fit(estimator, WORDS, y, lowercase=True)
    assert all(
        tok == tok.lower() for tok in model.source_codec_.itos_ if isinstance(tok, str)
    )
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        upper = model.predict(["ONE TWO", "Six"])
    assert not unknown_warnings(record)
    np.testing.assert_array_equal(upper, model.predict(["one two", "six"]))
    # Token lists: their string tokens are lowercased too.
    tokens = fit(estimator, [w.split() for w in WORDS], y, lowercase=True)
    assert "one" in tokens.source_codec_.stoi_ and "ONE" not in WORDS


def test_lowercase_keeps_the_case_of_targets_but_not_of_an_autoencoder():
    model = fit(Seq2SeqTransformer, WORDS, WORD_TARGETS, lowercase=True)
    assert {"A", "D"} <= set(model.target_codec_.itos_)
    autoencoder = fit(Seq2SeqTransformer, [w.upper() for w in WORDS], lowercase=True)
    assert "one" in autoencoder.target_codec_.itos_
    assert "ONE" not in autoencoder.target_codec_.itos_
    assert 0 <= autoencoder.score([w.upper() for w in WORDS]) <= 100


def test_lowercase_is_validated():
    with pytest.raises(InvalidParameterError, match="lowercase"):
        fit(Seq2SeqTransformer, X_TEXT, Y_TEXT, lowercase="yes")
    with pytest.raises(InvalidParameterError, match="input_kind"):
        fit(Seq2SeqClassifier, X_TEXT, input_kind="floats")


# -- 6. every option with every decoder mode, both estimators --------------------------
OPTIONS = {
    "defaults": {},
    "early_stopping": {"early_stopping": True, "validation_fraction": 0.25},
    "bidirectional": {"bidirectional": True},
    "depth-2": {"depth": 2},
    "depth-1-2": {"depth": (1, 2)},
    "depth-2-1": {"depth": (2, 1)},
    "dropout": {"dropout": 0.3},
    "lstm": {"cell": "lstm"},
    "rnn": {"cell": "rnn"},
    "teacher-forcing-0.5": {"teacher_forcing_ratio": 0.5},
    "embedding-dim": {"embedding_dim": 3},
    "dot": {"attention": "dot"},
    "general": {"attention": "general"},
    "concat": {"attention": "concat"},
    "no-input-feeding": {"input_feeding": False},
    "no-input-feeding-dot-tf-0.5": {
        "input_feeding": False,
        "attention": "dot",
        "teacher_forcing_ratio": 0.5,
    },
    "beam-2": {"beam_width": 2},
    "group-by-length": {"group_by_length": True},
    "group-by-length-early-stopping": {
        "group_by_length": True,
        "early_stopping": True,
        "validation_fraction": 0.25,
    },
    "lstm-bidirectional-depth-2": {"cell": "lstm", "bidirectional": True, "depth": 2},
}
INPUTS = {"tokens": X_TEXT, "floats": X_FLOAT}


@pytest.mark.parametrize("input_name", INPUTS)
@pytest.mark.parametrize("option", OPTIONS)
@pytest.mark.parametrize("decoder", DECODERS)
@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_every_option_with_every_decoder(estimator, decoder, option, input_name):
    params = dict(OPTIONS[option], decoder=decoder)
    if "beam_width" in params and estimator is Seq2SeqClassifier:
        pytest.skip("beam search is for Seq2SeqTransformer")
    X = INPUTS[input_name]
    if estimator is Seq2SeqTransformer:
        model = fit(estimator, X, Y_TEXT, **params)
        y_pred = model.predict(X[:3])
        assert y_pred.shape == (3,) and all(isinstance(p, str) for p in y_pred)
        # Strings of target words: the digits of Y_TEXT, no special token.
        assert {w for p in y_pred for w in p.split()} <= target_words(model), y_pred
        features = model.transform(X[:3])
        assert features.shape == (3, KW["hidden_dim"])
        # A sample's features do not depend on the batch (padding of the others).
        np.testing.assert_allclose(
            model.transform(X[:1]), features[:1], rtol=1e-5, atol=1e-6
        )
    else:
        model = fit(estimator, X, **params)
        assert list(model.classes_) == [0, 1]
        assert_labels_follow_proba(model, X[:3])
    if params.get("early_stopping"):
        assert "valid_loss" in model.history_


@pytest.mark.parametrize("decoder", DECODERS)
def test_float_targets_with_every_decoder(decoder):
    model = fit(
        Seq2SeqTransformer, X_TEXT, X_FLOAT, decoder=decoder, early_stopping=True
    )
    y_pred = model.predict(X_TEXT)
    assert y_pred.shape == X_FLOAT.shape and np.isfinite(y_pred).all()
    # score is the documented variance-weighted R² of the flattened sequences.
    expected = r2_score(
        X_FLOAT.reshape(len(X_FLOAT), -1),
        y_pred.reshape(len(y_pred), -1),
        multioutput="variance_weighted",
    )
    assert model.score(X_TEXT, X_FLOAT) == pytest.approx(expected)


# -- 7. max_output_length and other sizes are bounded ----------------------------------
@pytest.mark.parametrize("value", [10_001, 10**6, 10**9, 2**62])
def test_huge_output_lengths_are_rejected(value):
    with pytest.raises(InvalidParameterError, match=r"max_output_length.*\[1, 10000\]"):
        fit(Seq2SeqTransformer, X_TEXT, Y_TEXT, max_output_length=value, beam_width=2)
    with pytest.raises(InvalidParameterError, match=r"output_length.*\[1, 10000\]"):
        fit(Seq2SeqClassifier, X_TEXT, output_length=value)


def test_largest_output_length_is_accepted():
    model = fit(Seq2SeqTransformer, X_TEXT, Y_TEXT, max_output_length=10_000)
    assert model.max_output_length_ == 10_000


# -- 8. unclear errors made clear ------------------------------------------------------
def numeric_parameters(estimator_class):
    """Every parameter constrained by a numeric interval."""
    return [
        name
        for name, constraints in estimator_class._parameter_constraints.items()
        if any(isinstance(c, Interval) for c in constraints) and name != "verbose"
    ]


@pytest.mark.parametrize(
    "estimator_class, name",
    [
        (estimator_class, name)
        for estimator_class in [*ESTIMATORS, SequenceVectorizer]
        for name in numeric_parameters(estimator_class)
    ],
)
@pytest.mark.parametrize("flag", [True, False, np.True_])
def test_bools_are_rejected_for_numeric_parameters(estimator_class, name, flag):
    estimator = estimator_class(**{name: flag})
    match = f"'{name}' parameter.*Got (np.)?{flag}"
    with pytest.raises(InvalidParameterError, match=match):
        estimator.fit(X_TEXT, LABELS)


def test_every_integer_parameter_is_checked_for_bools():
    names = set(numeric_parameters(Seq2SeqTransformer)) | set(
        numeric_parameters(Seq2SeqClassifier)
    )
    assert {"hidden_dim", "max_epochs", "batch_size", "lr", "output_length"} <= names
    assert {"max_output_length", "beam_width", "n_jobs", "embedding_dim"} <= names
    for interval in (
        c
        for constraints in Seq2SeqTransformer._parameter_constraints.values()
        for c in constraints
        if isinstance(c, Interval)
    ):
        assert interval.type in (Integral, Real)
        assert not interval.is_satisfied_by(True)


def _without_durations(table: str) -> list[str]:
    """The lines of an epoch table without its last column, the epoch's duration."""
    return [re.sub(r"\s+\d+\.\d+$", "", line) for line in table.splitlines()]


def test_verbose_true_means_one(capsys):
    """verbose=True (common in scikit-learn) is verbose=1: the epoch table, printed
    once with one row per epoch, and no progress bar (that is verbose=2)."""
    model = fit(Seq2SeqClassifier, X_TEXT, verbose=True, max_epochs=2)
    as_true = capsys.readouterr()
    fit(Seq2SeqClassifier, X_TEXT, verbose=1, max_epochs=2)
    as_one = capsys.readouterr()
    assert as_true.out, "verbose=True printed no epoch table (read as verbose=0)"
    header, rule, *rows = as_true.out.splitlines()
    assert header.split()[:2] == ["epoch", "train_loss"]
    assert set(rule) == {"-", " "}
    assert [row.split()[0] for row in rows] == ["1", "2"]
    assert len(rows) == len(model.history_)
    # The same table as verbose=1 prints, the epochs' durations aside.
    assert _without_durations(as_true.out) == _without_durations(as_one.out)
    # No progress bar: tqdm would draw "0/2 [00:00<?, ?it/s]" on stderr.
    assert "it/s" not in as_true.err and "\r" not in as_true.err + as_true.out
    assert "progress_bar" not in dict(model.net_.callbacks_)


def generator(items):
    return (item for item in items)


def test_generators_are_read_once():
    autoencoder = fit(Seq2SeqTransformer, generator(X_TEXT))
    assert autoencoder.source_codec_.kind_ == "str" and len(autoencoder.history_) == 1
    # Trained on the generators' items: as on the lists themselves.
    assert list(autoencoder.source_codec_.itos_) == list(
        fit(Seq2SeqTransformer, X_TEXT).source_codec_.itos_
    )
    model = fit(Seq2SeqTransformer, generator(X_TEXT), generator(Y_TEXT))
    # Every method reads a generator as the list of its items.
    assert list(model.predict(generator(X_TEXT[:2]))) == list(model.predict(X_TEXT[:2]))
    np.testing.assert_array_equal(
        model.transform(generator(X_TEXT[:2])), model.transform(X_TEXT[:2])
    )
    assert model.score(generator(X_TEXT), generator(Y_TEXT)) == model.score(
        X_TEXT, Y_TEXT
    )
    assert autoencoder.score(generator(X_TEXT)) == autoencoder.score(X_TEXT)
    classifier = fit(Seq2SeqClassifier, generator(X_TEXT), generator(LABELS))
    np.testing.assert_array_equal(
        classifier.predict_proba(generator(X_TEXT[:2])),
        classifier.predict_proba(X_TEXT[:2]),
    )
    assert classifier.score(generator(X_TEXT), generator(LABELS)) == (
        classifier.score(X_TEXT, LABELS)
    )
    vectorizer = SequenceVectorizer()
    np.testing.assert_array_equal(
        vectorizer.fit_transform(generator(X_TEXT)), vectorizer.transform(X_TEXT)
    )


def test_uint64_ids():
    ids = IDS.astype(np.uint64)
    model = fit(Seq2SeqClassifier, ids)
    np.testing.assert_array_equal(model.predict(ids), model.predict(IDS))
    huge = ids.copy()
    huge[0, 0] = 2**63
    with pytest.raises(
        ValueError, match=r"id 9223372036854775808.*2\*\*63 - 1.*renumber"
    ):
        fit(Seq2SeqClassifier, huge)


def test_negative_ids_name_the_position_and_the_fix():
    with pytest.raises(
        ValueError,
        match=r"negative token ids \(-2 at row 0, column 1\).*astype\(float\)",
    ):
        fit(Seq2SeqClassifier, np.array([[1, -2]] * 12))


@pytest.mark.parametrize(
    "shape, match",
    [
        ((12, 0, 2), "0 steps"),
        ((12, 3, 0), "0 features per step"),
        ((12, 0), "0 feature"),
    ],
)
@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_empty_float_sequences(estimator, shape, match):
    X = np.zeros(shape, dtype=np.float32)
    with pytest.raises(ValueError, match=match):
        fit(estimator, X, None if estimator is Seq2SeqClassifier else Y_TEXT)
    if estimator is Seq2SeqTransformer:
        with pytest.raises(ValueError, match=match):
            fit(estimator, X_TEXT, X)  # as target


def test_2d_array_of_strings_is_token_rows():
    rows = np.array([["1", "2"], ["3", "4"]] * 6)
    model = fit(Seq2SeqTransformer, rows, Y_TEXT)
    assert model.source_codec_.kind_ == "tokens"
    np.testing.assert_array_equal(model.predict(rows), model.predict(rows.tolist()))


@pytest.mark.parametrize(
    "y, match",
    [
        (pd.array([True, False, None, True] * 3, dtype="boolean"), "pd.NA at index 2"),
        ([1, "a"] * 6, r"mixes strings and numbers.*astype\(str\)"),
        (["a", "b", np.nan, "a"] * 3, "NaN at index 2"),
        ([1.0, 2.0, np.nan, 1.0] * 3, "NaN at index 2"),
        (pd.Series(["a", None, "b", "a"] * 3), "(None|NaN) at index 1"),
        (pd.Series([1, None, 2, 1] * 3, dtype="Int64"), "(pd.NA|NaN) at index 1"),
    ],
    ids=["boolean-na", "mixed", "nan-in-strings", "nan-in-floats", "none", "int64-na"],
)
def test_bad_labels_are_named(y, match):
    with pytest.raises(ValueError, match=f"y.*{match}.*"):
        fit(Seq2SeqClassifier, X_TEXT, y)


def test_labels_of_numbers_in_object_arrays_are_numbers():
    model = fit(Seq2SeqClassifier, X_TEXT, np.array([0, 1] * 6, dtype=object))
    assert model.classes_.dtype.kind == "i"
    booleans = fit(
        Seq2SeqClassifier, X_TEXT, pd.array([True, False] * 6, dtype="boolean")
    )
    assert list(booleans.classes_) == [False, True]


@pytest.mark.parametrize(
    "y",
    [pd.Series(np.arange(12)), list(range(12)), np.arange(12), np.arange(12.0)],
    ids=["series", "list", "array", "floats"],
)
def test_one_number_per_target_suggests_astype_str(y):
    with pytest.raises(ValueError, match=r"y.*1-D.*astype\(str\).*Seq2SeqClassifier"):
        fit(Seq2SeqTransformer, X_TEXT, y)


def test_one_number_per_sample_in_X_suggests_astype_str():
    with pytest.raises(ValueError, match=r"X.*astype\(str\)"):
        fit(Seq2SeqClassifier, list(range(12)))
    with pytest.raises(TypeError, match=r"X\[1\] has type int.*astype\(str\)"):
        SequenceVectorizer().fit(["a", 5])


def test_bleu_score_rejects_sparse_and_dicts():
    ids = sp.csr_matrix(np.eye(3, dtype=int))
    with pytest.raises(ValueError, match=r"Sparse.*toarray\(\)"):
        bleu_score(ids, ids)
    with pytest.raises(ValueError, match=r"Sparse.*y_true"):
        bleu_score(ids, [[1], [2], [3]])
    with pytest.raises(ValueError, match=r"got dict.*values\(\)"):
        bleu_score({"a": "x y"}, {"a": "x y"})
    with pytest.raises(ValueError, match=r"y_true.*got set"):
        bleu_score({"x y"}, ["x y"])


def test_sparse_X_is_rejected_with_the_fix():
    with pytest.raises(TypeError, match=r"Sparse.*toarray\(\)"):
        fit(Seq2SeqClassifier, sp.csr_matrix(np.eye(12)), LABELS)


# -- nothing the user passed is modified -----------------------------------------------
@pytest.mark.parametrize(
    "X",
    [
        [w.split() for w in WORDS],
        pd.Series(WORDS),
        np.array([w.upper() for w in WORDS]),
        object_array([[0.5, 1.5]] * 12),
        X_FLOAT,
    ],
    ids=["token-lists", "series", "upper-array", "object-rows", "floats"],
)
@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_inputs_are_not_modified(estimator, X):
    before = copy.deepcopy(X)
    y = None if estimator is Seq2SeqClassifier else Y_TEXT
    model = fit(estimator, X, y, lowercase=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        model.predict(X)
        model.score(X, y if y is not None else LABELS)
    if isinstance(X, pd.Series):
        pd.testing.assert_series_equal(X, before)
    elif isinstance(X, np.ndarray) and X.dtype != object:
        np.testing.assert_array_equal(X, before)
    else:
        assert list(map(list, X)) == list(map(list, before))
