"""Subword vocabularies (analyzer="bpe" | "wordpiece" | "unigram") and strip_accents,
in SequenceVectorizer and in both estimators."""

import os
import pickle
import random
import sys
import zipfile

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_seq2seq import (
    Seq2SeqClassifier,
    Seq2SeqTransformer,
    SequenceVectorizer,
    bleu_score,
    bleu_scorer,
    chrf_score,
    chrf_scorer,
    exact_match_scorer,
    load,
)

from _s2s_shared import DECODERS, TINY, reverse_words

pytest.importorskip("tokenizers")

ANALYZERS = ["bpe", "wordpiece", "unigram"]

# Accents, punctuation, tabs, newlines and runs of spaces (leading and trailing too).
ALPHABET = "abcdefghij éèñüK.,'-\t\n  "


def random_texts(seed: int, n: int, alphabet: str = ALPHABET) -> list[str]:
    rng = random.Random(seed)
    return [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        for _ in range(n)
    ]


WORDS = ["cat", "cats", "dog", "dogs", "sat", "ran", "home", "the", "a", "down"]


def sentences(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choices(WORDS, k=rng.randint(1, 4))) for _ in range(n)]


X_TEXT = sentences(0, 24)
Y_TEXT = [reverse_words(x) for x in X_TEXT]


def detokenized(pieces: list[str]) -> str:
    """Subword pieces as text: joined, each word marker "▁" read as a space, less
    the one the first word's marker adds."""
    text = "".join(pieces).replace("▁", " ")
    return text[1:] if text.startswith(" ") else text


def record_decoded_ids(monkeypatch, codec) -> list:
    """Record the id rows that ``codec.decode`` turns into predictions."""
    decoded: list = []
    decode = codec.decode

    def recording_decode(predicted, *args, **kwargs):
        decoded.extend(np.asarray(row).tolist() for row in predicted)
        return decode(predicted, *args, **kwargs)

    monkeypatch.setattr(codec, "decode", recording_decode)
    return decoded


# -- SequenceVectorizer ---------------------------------------------------------------
@pytest.mark.parametrize("analyzer", ANALYZERS)
@pytest.mark.parametrize("max_tokens", [None, 60])
def test_inverse_transform_gives_random_strings_back(analyzer, max_tokens):
    """Any string made of characters seen in training comes back exactly: runs of
    spaces, leading and trailing spaces, tabs, newlines, accents, the empty string."""
    train = random_texts(0, 300)
    test = random_texts(1, 300) + ["", " ", "  a  ", "\t", "\n\n", " é ", "K-K"]
    vectorizer = SequenceVectorizer(
        analyzer=analyzer, max_tokens=max_tokens, max_length=500
    ).fit(train)
    ids = vectorizer.transform(test)
    assert (ids == 1).sum() == 0  # no unknown character
    back = vectorizer.inverse_transform(ids)
    assert back.dtype == object
    assert list(back) == test
    if max_tokens is None:  # subwords, not characters: far fewer ids than characters
        assert (ids != 0).sum() < 0.8 * sum(len(t) for t in test)


@pytest.mark.parametrize("analyzer", ANALYZERS)
def test_unseen_characters_become_unknown(analyzer):
    vectorizer = SequenceVectorizer(
        analyzer=analyzer, max_tokens=40, max_length=10
    ).fit(["abc cab", "bca abc"])
    ids = vectorizer.transform(["abc abz"])
    assert 1 in ids[0]
    back = vectorizer.inverse_transform(ids)[0]
    expected = {
        "bpe": "abc ab<unk>",  # one <unk> per unknown character
        "unigram": "abc ab<unk>",  # one per run of unknown characters
        "wordpiece": "abc<unk>",  # the whole word, space included
    }[analyzer]
    assert back == expected


@pytest.mark.parametrize("analyzer", ANALYZERS)
@pytest.mark.parametrize("max_tokens", [12, 30, 120])
def test_max_tokens_is_honoured_and_ids_0_1_are_pad_unk(analyzer, max_tokens):
    docs = random_texts(2, 200)
    vectorizer = SequenceVectorizer(analyzer=analyzer, max_tokens=max_tokens).fit(docs)
    assert len(vectorizer.tokens_) <= max_tokens
    assert list(vectorizer.tokens_[:2]) == ["<pad>", "<unk>"]
    assert vectorizer.tokenizer_.get_vocab_size() == len(vectorizer.tokens_)
    assert vectorizer.tokenizer_.token_to_id("<pad>") == 0
    assert vectorizer.tokenizer_.token_to_id("<unk>") == 1
    assert sorted(vectorizer.vocabulary_.values()) == list(
        range(2, len(vectorizer.tokens_))
    )
    ids = vectorizer.transform(docs)
    assert ids.max() < max_tokens
    if max_tokens >= 120:  # room for every character and many merges
        assert len(vectorizer.tokens_) > 40
        assert (ids == 1).sum() == 0
    if max_tokens == 12:  # too few ids for the ~24 characters: the rarest are unknown
        assert (ids == 1).sum() > 0


@pytest.mark.parametrize("analyzer", ANALYZERS)
def test_ids_are_the_tokenizer_ids(analyzer):
    docs = sentences(1, 50)
    vectorizer = SequenceVectorizer(analyzer=analyzer, max_tokens=30).fit(docs)
    ids = vectorizer.transform(docs)
    for row, doc in zip(ids, docs):
        assert row[row != 0].tolist() == vectorizer.tokenizer_.encode(doc).ids
    # Words start with the marker: "▁cat" is a word, not a piece inside one.
    assert any(t.startswith("▁") and len(t) > 1 for t in vectorizer.tokens_[2:])


@pytest.mark.parametrize("analyzer", ANALYZERS)
def test_text_spelling_a_special_token_is_unknown(analyzer):
    vectorizer = SequenceVectorizer(analyzer=analyzer, max_tokens=50).fit(
        ["cat <pad> dog", "a cat"]
    )
    row = vectorizer.transform(["cat <pad> <unk>"])[0]
    length = (row != 0).sum()
    assert (row[:length] != 0).all()  # no padding id inside the sequence
    assert 1 in row[:length]


@pytest.mark.parametrize("analyzer", ANALYZERS)
def test_vocabulary_does_not_depend_on_document_order(analyzer):
    docs = sentences(2, 100) + random_texts(3, 100)
    reference = SequenceVectorizer(analyzer=analyzer, max_tokens=60).fit(docs)
    for seed in range(3):
        shuffled = random.Random(seed).sample(docs, len(docs))
        other = SequenceVectorizer(analyzer=analyzer, max_tokens=60).fit(shuffled)
        assert list(other.tokens_) == list(reference.tokens_)
        np.testing.assert_array_equal(other.transform(docs), reference.transform(docs))


@pytest.mark.parametrize("analyzer", ANALYZERS)
def test_vectorizer_lowercase_strip_accents_and_pickle(analyzer):
    docs = ["Élève Naïf", "élève naïf café", "Café"]
    vectorizer = SequenceVectorizer(
        analyzer=analyzer, lowercase=True, strip_accents="unicode", max_tokens=40
    ).fit(docs)
    assert not any(set(t) & set("ÉéïN") for t in vectorizer.tokens_[2:])
    back = vectorizer.inverse_transform(vectorizer.transform(docs))
    assert list(back) == ["eleve naif", "eleve naif cafe", "cafe"]
    restored = pickle.loads(pickle.dumps(vectorizer))
    np.testing.assert_array_equal(restored.transform(docs), vectorizer.transform(docs))
    assert list(restored.inverse_transform(restored.transform(docs))) == list(back)


def test_subword_analyzers_reject_token_lists_and_fixed_vocabularies():
    with pytest.raises(ValueError, match="token sequences.*analyzer='word'"):
        SequenceVectorizer(analyzer="bpe").fit([["a", "b"]])
    with pytest.raises(ValueError, match="vocabulary cannot be given"):
        SequenceVectorizer(analyzer="bpe", vocabulary=["a"]).fit(["a"])
    with pytest.raises(ValueError, match="token lists"):
        Seq2SeqTransformer(analyzer="unigram", **TINY).fit([["a", "b"]], ["a b"])


def test_max_tokens_must_leave_room_for_subwords():
    with pytest.raises(ValueError, match=r"max_tokens=2 leaves no room"):
        SequenceVectorizer(analyzer="bpe", max_tokens=2).fit(["a b"])


def test_missing_tokenizers_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "tokenizers", None)
    with pytest.raises(ImportError, match=r"sklearn-seq2seq\[subword\]"):
        SequenceVectorizer(analyzer="wordpiece").fit(["a b"])
    # The word analyzer does not need it.
    SequenceVectorizer().fit(["a b"])


@pytest.mark.parametrize(
    "params, name",
    [
        ({"analyzer": "sentencepiece"}, "analyzer"),
        ({"analyzer": "BPE"}, "analyzer"),
        ({"strip_accents": "latin"}, "strip_accents"),
        ({"strip_accents": True}, "strip_accents"),
        ({"max_tokens": 1}, "max_tokens"),
        ({"max_tokens": True}, "max_tokens"),
    ],
)
def test_bad_vectorizer_parameters(params, name):
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter"):
        SequenceVectorizer(**params).fit(["a b"])


@pytest.mark.parametrize("estimator_class", [Seq2SeqTransformer, Seq2SeqClassifier])
@pytest.mark.parametrize(
    "params, name",
    [
        ({"analyzer": "sentencepiece"}, "analyzer"),
        ({"strip_accents": "latin"}, "strip_accents"),
        ({"max_tokens": 4}, "max_tokens"),
        ({"max_tokens": 2.5}, "max_tokens"),
        ({"max_tokens": True}, "max_tokens"),
    ],
)
def test_bad_estimator_parameters(estimator_class, params, name):
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter"):
        estimator_class(**params, **TINY).fit(X_TEXT, Y_TEXT)


def test_strip_accents_ascii_and_unicode_differ_as_in_countvectorizer():
    """ "ascii" drops characters without an ASCII mapping (ø), "unicode" keeps them."""
    ascii_ = SequenceVectorizer(strip_accents="ascii").fit(["søl é"])
    unicode_ = SequenceVectorizer(strip_accents="unicode").fit(["søl é"])
    assert set(ascii_.vocabulary_) == {"sl", "e"}
    assert set(unicode_.vocabulary_) == {"søl", "e"}


# -- estimators -----------------------------------------------------------------------
@pytest.mark.parametrize("decoder", DECODERS)
@pytest.mark.parametrize("analyzer", ANALYZERS)
def test_transformer_fits_and_predicts_strings(analyzer, decoder, monkeypatch):
    """A prediction is the text of the predicted target pieces, detokenized."""
    model = Seq2SeqTransformer(
        analyzer=analyzer, decoder=decoder, max_tokens=25, **TINY
    ).fit(X_TEXT, Y_TEXT)
    for codec in (model.source_codec_, model.target_codec_):
        assert codec.is_subword and codec.vocab_size <= 25
        assert any(piece.startswith("▁") for piece in codec.itos_)
    codec = model.target_codec_
    decoded = record_decoded_ids(monkeypatch, codec)
    y_pred = model.predict(X_TEXT[:5])
    assert y_pred.shape == (5,) and len(decoded) == 5
    for ids, text in zip(decoded, y_pred):
        # Target pieces only: no <pad>, <unk>, <bos> or <eos> (ids 0-3).
        assert ids and min(ids) >= 4, ids
        assert text == detokenized([codec.itos_[i] for i in ids])


@pytest.mark.parametrize("decoder", DECODERS)
@pytest.mark.parametrize("analyzer", ANALYZERS)
def test_classifier_fits_and_predicts(analyzer, decoder):
    labels = [x.split()[0] for x in X_TEXT]
    model = Seq2SeqClassifier(
        analyzer=analyzer, decoder=decoder, max_tokens=25, **TINY
    ).fit(X_TEXT, labels)
    assert model.source_codec_.is_subword and model.source_codec_.vocab_size <= 25
    assert set(model.predict(X_TEXT)) <= set(labels)
    proba = model.predict_proba(X_TEXT[:3])
    assert proba.shape == (3, len(set(labels)))
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)
    np.testing.assert_array_equal(
        model.predict(X_TEXT[:3]), model.classes_[proba.argmax(axis=1)]
    )


@pytest.mark.parametrize("analyzer", ANALYZERS)
def test_target_decoding_is_exact(analyzer):
    """Predictions are detokenized by the target vocabulary: decoding the encoded
    training targets gives them back, spaces and all."""
    y = random_texts(4, 40)
    X = [str(i) for i in range(len(y))]
    model = Seq2SeqTransformer(analyzer=analyzer, max_tokens=60, **TINY).fit(X, y)
    codec = model.target_codec_
    encoded = codec.encode(y)
    predicted = [
        row[1 : length - 1] for row, length in zip(encoded.data, encoded.lengths)
    ]
    assert list(codec.decode(predicted)) == y


def test_transformer_learns_a_copy_task_with_bpe():
    """Subword pieces are learned, not just stored: an autoencoder of short
    sentences gets most of them exactly right."""
    X = sentences(5, 300)
    model = Seq2SeqTransformer(
        analyzer="bpe",
        max_tokens=40,
        hidden_dim=32,
        max_epochs=20,
        random_state=0,
        device="cpu",
        lr=0.01,
    ).fit(X)
    test = sentences(6, 50)
    assert exact_match_scorer(model, test, test) > 0.6


@pytest.mark.parametrize("analyzer", ANALYZERS)
def test_save_load_and_pickle_round_trips(analyzer, tmp_path):
    model = Seq2SeqTransformer(analyzer=analyzer, max_tokens=25, **TINY).fit(
        X_TEXT, Y_TEXT
    )
    expected = list(model.predict(X_TEXT))
    path = tmp_path / "model.s2s"
    model.save(path)
    with zipfile.ZipFile(path) as archive:  # the tokenizer is saved as JSON
        assert "tokenizer_json_" in archive.read("config.json").decode()
    assert list(load(path).predict(X_TEXT)) == expected
    assert list(pickle.loads(pickle.dumps(model)).predict(X_TEXT)) == expected
    classifier = Seq2SeqClassifier(analyzer=analyzer, max_tokens=25, **TINY)
    classifier.fit(X_TEXT, [x.split()[0] for x in X_TEXT])
    classifier.save(tmp_path / "classifier.s2s")
    np.testing.assert_array_equal(
        load(tmp_path / "classifier.s2s").predict_proba(X_TEXT),
        classifier.predict_proba(X_TEXT),
    )
    np.testing.assert_array_equal(
        pickle.loads(pickle.dumps(classifier)).predict_proba(X_TEXT),
        classifier.predict_proba(X_TEXT),
    )


def test_scorers_score_subword_models_on_whole_words():
    """A prediction that differs from the target by one piece ("result" for
    "results") loses that whole word, as word-level BLEU counts it."""
    X = ["2 1", "3 4"]
    y = ["unbelievable results", "fine tuned models"]

    class Fixed(Seq2SeqTransformer):
        def predict(self, X):
            return np.array(["unbelievable result", "fine tuned models"], dtype=object)

    model = Fixed(analyzer="bpe")
    y_pred = model.predict(X)
    words = bleu_score(y, y_pred, effective_order=True)
    pieces = bleu_score(  # what scoring subword pieces would give: more
        [["▁un", "believ", "able", "▁result", "s"], ["▁fine", "▁tuned", "▁models"]],
        [["▁un", "believ", "able", "▁result"], ["▁fine", "▁tuned", "▁models"]],
        effective_order=True,
    )
    assert bleu_scorer(model, X, y) == pytest.approx(words)
    assert words < pieces
    assert exact_match_scorer(model, X, y) == 0.5
    assert chrf_scorer(model, X, y) == pytest.approx(chrf_score(y, y_pred))


def test_score_of_a_fitted_subword_model_is_word_bleu():
    model = Seq2SeqTransformer(analyzer="bpe", max_tokens=30, **TINY).fit(
        X_TEXT, Y_TEXT
    )
    expected = bleu_score(Y_TEXT, model.predict(X_TEXT), effective_order=True)
    assert model.score(X_TEXT, Y_TEXT) == pytest.approx(expected)
    assert bleu_scorer(model, X_TEXT, Y_TEXT) == pytest.approx(expected)


def test_estimator_strip_accents_reads_x_without_accents():
    """strip_accents acts on X (as lowercase does); targets keep their accents."""
    X = ["café crème", "élève", "naïf café"] * 6
    y = ["Café", "Élève", "Naïf"] * 6
    model = Seq2SeqTransformer(
        strip_accents="unicode", lowercase=True, analyzer="bpe", max_tokens=30, **TINY
    ).fit(X, y)
    assert not any(set(p) & set("éèï") for p in model.source_codec_.itos_[2:])
    assert any(set(p) & set("ÉéïC") for p in model.target_codec_.itos_[4:])
    plain = ["CAFE CREME", "eleve", "naif cafe"]
    assert list(model.predict(plain)) == list(model.predict(X[:3]))
    word = Seq2SeqClassifier(strip_accents="ascii", **TINY).fit(X, y)
    assert set(word.source_codec_.itos_[2:]) == {"cafe", "creme", "eleve", "naif"}


def test_word_level_max_tokens_keeps_the_most_frequent_tokens():
    model = Seq2SeqTransformer(max_tokens=6, **TINY).fit(X_TEXT, Y_TEXT)
    assert model.source_codec_.vocab_size == 6  # <pad>, <unk> and 4 words
    assert model.target_codec_.vocab_size == 6  # and <bos>, <eos>: 2 words
    default = Seq2SeqTransformer(**TINY).fit(X_TEXT, Y_TEXT)
    assert default.source_codec_.vocab_size == 2 + len(set(" ".join(X_TEXT).split()))
    assert clone(model).get_params()["max_tokens"] == 6


def test_predict_nbest_and_replace_unknown_with_subwords():
    model = Seq2SeqTransformer(
        analyzer="bpe", max_tokens=25, replace_unknown=True, **TINY
    ).fit(X_TEXT, Y_TEXT)
    nbest = model.set_params(beam_width=3).predict_nbest(X_TEXT[:2], n_best=2)
    # Texts, best first; the best is what beam search predicts.
    assert all(isinstance(text, str) for sample in nbest for text, _ in sample)
    assert all(1 <= len(sample) <= 2 for sample in nbest)
    for sample in nbest:
        scores = [score for _, score in sample]
        assert scores == sorted(scores, reverse=True)
    assert [sample[0][0] for sample in nbest] == list(model.predict(X_TEXT[:2]))
    assert all(isinstance(text, str) for text in model.predict(["cat zebra"]))
    # With <unk> forced at every step, every output piece is copied from the
    # source: the text is spelled with the source's characters.
    with torch.no_grad():
        model.net_.module_.decoder.output_layer.bias[1] += 1e3  # <unk> is id 1
    for source, text in zip(
        ["cat dogs", "the dog"], model.predict(["cat dogs", "the dog"])
    ):
        assert text and set(text) <= set(source), (source, text)


def test_plot_attention_labels_are_subword_pieces():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from sklearn_seq2seq.plotting import plot_attention

    model = Seq2SeqTransformer(analyzer="bpe", max_tokens=20, **TINY).fit(
        X_TEXT, Y_TEXT
    )
    y_pred, attention = model.predict_with_attention(["dogs ran home"])
    ax = plot_attention(attention[0], "dogs ran home", analyzer=model)
    labels = [label.get_text() for label in ax.get_xticklabels()]
    assert labels == model.source_codec_.read_tokens(["dogs ran home"])[0]
    assert "".join(labels).replace("▁", " ").strip() == "dogs ran home"
    assert os.environ.get("MPLBACKEND", "Agg")  # nothing shown


_TRAIN_IN_A_FRESH_PROCESS = """
import importlib.util, random, sys
spec = importlib.util.spec_from_file_location("subwords", sys.argv[1])
subwords = importlib.util.module_from_spec(spec)
spec.loader.exec_module(subwords)
rng = random.Random(0)
words = ["".join(rng.choices("kalomineruta", k=rng.randint(2, 7))) for _ in range(400)]
docs = [" ".join(rng.choices(words, k=5)) for _ in range(500)]
docs += ["".join(rng.choices("abcdeéf \\t\\n.,", k=30)) for _ in range(100)]
for analyzer in ("bpe", "wordpiece", "unigram"):
    tokenizer = subwords.train_tokenizer(
        docs, analyzer, vocab_size=150, specials=("<pad>", "<unk>")
    )
    print(tokenizer.to_str())
"""


@pytest.mark.slow
def test_vocabulary_is_the_same_in_every_process():
    """The trainers hash in a new random order in every process (Unigram's scores
    and tie order depended on it before they were tidied)."""
    import subprocess

    import sklearn_seq2seq._data._subwords as subwords

    outputs = {
        subprocess.run(
            [sys.executable, "-c", _TRAIN_IN_A_FRESH_PROCESS, subwords.__file__],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for _ in range(3)
    }
    assert len(outputs) == 1
