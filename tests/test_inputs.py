"""How the estimators read each input kind and turn predictions back."""

import numpy as np
import pandas as pd
import pytest

from sklearn_seq2seq._data._codec import SequenceCodec


@pytest.mark.parametrize(
    "X, kind",
    [
        (["a b", "c"], "str"),
        (pd.Series(["a b", "c"]), "str"),
        ([["a", "b"], ["c"]], "tokens"),
        ([[1, 2], [3]], "tokens"),
        (np.array([[5, 6, 0], [0, 7, 0]]), "ids"),
        (np.zeros((2, 3)), "scalars"),
        ([[0.5, 1.5], [2.5, 3.5]], "scalars"),
        (np.zeros((2, 3, 4)), "vectors"),
        (np.array([[0.5, 1.0]], dtype=object), "scalars"),
    ],
)
def test_kinds(X, kind):
    codec = SequenceCodec("X", target=False)
    codec.fit(X)
    assert codec.kind_ == kind


def test_ids_drop_padding_wherever_it_is():
    codec = SequenceCodec("X", target=False)
    pre = codec.fit(np.array([[0, 0, 5, 6], [7, 0, 8, 0]]))
    post = codec.encode(np.array([[5, 6, 0, 0], [7, 8, 0, 0]]))
    np.testing.assert_array_equal(pre.data, post.data)
    np.testing.assert_array_equal(pre.lengths, [2, 2])


def test_targets_get_bos_and_eos_and_unknowns_map_to_one():
    codec = SequenceCodec("y", target=True)
    encoded = codec.fit(["a b", "b"])
    assert codec.itos_[:4] == ["<pad>", "<unk>", "<bos>", "<eos>"]
    b, a = codec.stoi_["b"], codec.stoi_["a"]
    np.testing.assert_array_equal(encoded.data, [[2, a, b, 3], [2, b, 3, 0]])
    np.testing.assert_array_equal(codec.encode(["zzz"]).data, [[2, 1, 3]])


def test_decode_returns_the_fitted_kind():
    codec = SequenceCodec("y", target=True)
    codec.fit(np.array([[5, 6, 0], [7, 0, 0]]))
    ids = [codec.stoi_[5], 1, 2, codec.stoi_[6]]  # 5, <unk>, <bos>, 6
    decoded = codec.decode([np.array(ids), np.array([], dtype=np.int64)])
    np.testing.assert_array_equal(decoded, [[5, 1, 6], [0, 0, 0]])
    codec = SequenceCodec("y", target=True, analyzer="char")
    codec.fit(["ab", "b"])
    out = codec.decode([np.array([codec.stoi_["b"], codec.stoi_["a"], 1])])
    assert list(out) == ["ba<unk>"]


def test_ragged_float_sequences_are_named():
    with pytest.raises(ValueError, match="different lengths"):
        SequenceCodec("X", target=False).fit([np.zeros((2, 3)), np.zeros((4, 3))])


def test_sparse_input_is_rejected():
    sparse = pytest.importorskip("scipy.sparse")
    with pytest.raises(TypeError, match="[Ss]parse"):
        SequenceCodec("X", target=False).fit(sparse.csr_matrix(np.eye(3)))
