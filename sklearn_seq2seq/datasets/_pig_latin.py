"""English sentences -> Pig Latin, character by character."""

from sklearn.utils import check_random_state
from sklearn.utils._param_validation import validate_params

from .._docstrings import fill_doc
from ._common import (
    _N_SAMPLES,
    _POSITIVE_INT,
    _TEST_SIZE,
    _sample_distinct_sequences,
    _split,
)

# About 270 common lowercase English words, mostly short so that sentences stay short.
# Words starting with "qu" are left out: the rules below would not treat "qu" as one
# consonant, as many Pig Latin variants do.
_PIG_LATIN_WORDS = tuple(
    """
    a about after all also an and any apple arm art as ask at away
    back bad bag ball be bed big bird black blue boat book box boy bread brown but
    by cake can car cat chair child city class clock cold come cook could cup
    day do dog door down dream drink dry duck
    each ear early east easy eat egg eight end eve even every eye
    face fall far farm fast fire first fish five fly food for four friend from fruit
    game get girl give glass go gold good great green
    hand happy hat have he hello her here him his home horse hot house how
    ice idea if in ink into is it its
    jump just keep kind king know
    lake last late leg light like line lion little long look love
    make man many may me milk moon more most mother my
    name new nice night nine no not now
    of off oil old on one only open or orange other our out over own
    page paper park people phone plant play please pretty
    rain red rhythm ride river road rock room run
    sad say school sea see seven she ship shoe shop show sing six sky sleep
    small smile snow some song spring star stone street string strong sun
    table take tea ten than that the their them then there these they thing
    think this three time to tree train truck try two
    ugly under up us use
    very walk want warm water way we well what when which white who why will
    wind window with word work world would
    year yellow yes you young your zoo
    """.split()
)
_VOWELS = frozenset("aeiou")


def _pig_latin_word(word: str) -> str:
    """Pig Latin of one lowercase word.

    A word starting with a vowel gets "way" appended; otherwise its leading consonant
    cluster moves to the end, followed by "ay". "y" is a consonant at the start of a
    word and a vowel elsewhere. A word with no vowel just gets "ay".

    >>> [_pig_latin_word(w) for w in ["hello", "apple", "string", "yellow", "my"]]
    ['ellohay', 'appleway', 'ingstray', 'ellowyay', 'ymay']
    """
    if not word:
        return word
    if word[0] in _VOWELS:
        return word + "way"
    for i in range(1, len(word)):
        if word[i] in _VOWELS or word[i] == "y":
            return word[i:] + word[:i] + "ay"
    return word + "ay"


@validate_params(
    {
        "n_samples": _N_SAMPLES,
        "min_words": _POSITIVE_INT,
        "max_words": _POSITIVE_INT,
        "test_size": _TEST_SIZE,
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
@fill_doc
def make_pig_latin(
    n_samples=2000, *, min_words=1, max_words=2, test_size=0.2, random_state=0
):
    """English sentences to their Pig Latin, meant to be read character by character.

    The source is a sentence of common English words drawn from a built-in list of
    about 270 words (``"hello world"``), the target its Pig Latin translation, word by
    word (``"ellohay orldway"``). Pig Latin rewrites the letters of each word, so the
    natural model reads and writes characters: use ``analyzer="char"`` (the spaces are
    then characters too). Sentences are distinct, so none is in both splits.

    Rules: a word starting with a vowel gets "way" appended (``"apple"`` ->
    ``"appleway"``); otherwise the leading consonant cluster moves to the end,
    followed by "ay" (``"string"`` -> ``"ingstray"``). "y" is a consonant at the
    start of a word and a vowel elsewhere (``"yellow"`` -> ``"ellowyay"``,
    ``"my"`` -> ``"ymay"``).

    With the defaults (one or two words; there are only about 270 one-word sentences,
    so most have two) sources have 1 to 13 characters, 8 on average, and targets 2 or
    3 characters more per word, 12 on average.

    Parameters
    ----------
    n_samples : int, default=2000
        Number of pairs. Must not exceed the number of distinct sentences.

    min_words : int, default=1
        Fewest words in a sentence.

    max_words : int, default=2
        Most words in a sentence, at least ``min_words``.

    %(dataset_test_size)s

    %(dataset_random_state)s

    Returns
    -------
    X_train, X_test : list of str
        Lowercase English sentences, words separated by single spaces.

    y_train, y_test : list of str
        Their Pig Latin translations, words separated by single spaces.

    Examples
    --------
    >>> from sklearn_seq2seq.datasets import make_pig_latin
    >>> X_train, X_test, y_train, y_test = make_pig_latin(n_samples=100)
    >>> X_train[:3]
    ['orange', 'by rhythm', 'come black']
    >>> y_train[:3]
    ['orangeway', 'ybay ythmrhay', 'omecay ackblay']
    """
    rng = check_random_state(random_state)
    sentences = _sample_distinct_sequences(
        n_samples,
        min_words,
        max_words,
        len(_PIG_LATIN_WORDS),
        rng,
        length_name="number of words",
        bound_names=("min_words", "max_words"),
    )
    X = [" ".join(_PIG_LATIN_WORDS[i] for i in sentence) for sentence in sentences]
    y = [
        " ".join(_pig_latin_word(_PIG_LATIN_WORDS[i]) for i in sentence)
        for sentence in sentences
    ]
    return _split(X, y, test_size, rng)
