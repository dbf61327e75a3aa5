"""The decoding controls: one row per estimator parameter of ``CONTROLS``.

``sklearn_seq2seq/_decoding/_decoding.py`` says that adding a decoding control is
a field and a kernel in ``nn/_controls.py``, the estimator parameter with its entry
in ``CONTROLS``, and a row in this file. So:

- :data:`ROWS` has one row per entry of ``CONTROLS`` (a test fails when a control
  has none): the estimator parameter, a non-default value and a check of its
  documented effect on predictions. Every row runs in every decoding mode (greedy,
  beam, sample, ``predict_nbest``) and architecture, on a fitted tiny model whose
  decoder steps are *stressed* so that the default decoding violates the property
  (the check is never vacuous) and the control must restore it;
- :data:`KERNEL_ROWS` has one row per field of ``DecodingControls`` but
  ``eos_index``/``pad_index``: a non-default value and the exact log-probabilities
  the kernels must give on a crafted input (defaults change nothing);
- ``Decoding.from_params`` maps every parameter to its control, the controls reach
  the ``nn`` search of every mode, and the validation score of a fit decodes with
  the same ``Decoding`` as prediction.

Every check is a deterministic property, never an accuracy threshold.
"""

import copy
import dataclasses
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
import pytest
import torch

import sklearn_seq2seq._decoding._decoding as decoding_module
from sklearn_seq2seq import Seq2SeqTransformer
from sklearn_seq2seq._data._vocabulary import EOS_INDEX
from sklearn_seq2seq._decoding import CONTROLS, SAMPLING, Decoding
from sklearn_seq2seq.nn._controls import KERNELS, DecodingControls

from _s2s_shared import TINY, X_TEXT, Y_TEXT

ARCHITECTURES = ["rnn", "transformer"]
# Estimator parameters of each decoding mode; "nbest" is predict_nbest.
MODES: dict[str, dict[str, Any]] = {
    "greedy": {"decoding": "greedy"},
    "beam": {"decoding": "beam", "beam_width": 3},
    "sample": {"decoding": "sample", "random_state": 0},
    "nbest": {},
}
N_BEST = 3
# The nn search that each mode runs (names in _decoding/_decoding.py).
SEARCHES = {
    "greedy": "greedy_search",
    "beam": "beam_search",
    "sample": "sample_search",
    "nbest": "beam_search_nbest",
}
# Logit added to one token at every decoder step to stress a model (see
# ``stressed``): enough to make it (almost) certain.
BOOST = 8.0


# -- the rows -----------------------------------------------------------------------


def _ngrams(tokens: list[str], n: int) -> list[tuple[str, ...]]:
    return [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


def check_min_output_length(predictions: list[list[str]], k: int) -> None:
    """Every prediction has at least ``k`` tokens (``k`` < the maximum length)."""
    short = [p for p in predictions if len(p) < k]
    assert not short, f"predictions shorter than {k} tokens: {short}"


def check_no_repeat_ngram(predictions: list[list[str]], n: int) -> None:
    """No n-gram occurs twice within a prediction."""
    repeats = [p for p in predictions if len(set(_ngrams(p, n))) < len(_ngrams(p, n))]
    assert not repeats, f"predictions repeating a {n}-gram: {repeats}"


def check_repetition_penalty(predictions: list[list[str]], penalty: float) -> None:
    """With an overwhelming penalty no token occurs twice within a prediction.

    The penalty multiplies the log-probability of every token already generated,
    so a seen token scores ``penalty * log p``; with ``penalty=1e6`` that is far
    below ``<eos>`` (never seen, so never penalised) unless ``p`` is within 1e-5
    of 1, which the stressed tiny models never are (p <= 0.9997). So greedy,
    beam and sampling (the drawn token's probability underflows to 0) never repeat
    a token.
    """
    assert penalty >= 1e6
    repeats = [p for p in predictions if len(set(p)) < len(p)]
    assert not repeats, f"predictions repeating a token: {repeats}"


class Row(NamedTuple):
    """A decoding control of the estimator."""

    parameter: str  # the estimator parameter (a key of CONTROLS)
    value: Any  # a non-default value
    # Token the stressed model is pushed towards: "<eos>" (it stops at once) or a
    # target token (it repeats it); the default decoding then violates ``check``.
    stress: str
    check: Callable[[list[list[str]], Any], None]  # asserts the documented effect


ROWS = [
    Row("min_output_length", 6, "<eos>", check_min_output_length),
    Row("no_repeat_ngram_size", 2, "3", check_no_repeat_ngram),
    Row("repetition_penalty", 1e6, "3", check_repetition_penalty),
]
ROW_IDS = [row.parameter for row in ROWS]


def test_rows_cover_exactly_the_controls():
    assert len(ROW_IDS) == len(set(ROW_IDS))
    assert set(ROW_IDS) == set(CONTROLS), (
        "every entry of CONTROLS needs a row in ROWS (and no row may name a "
        "parameter that is not a control)"
    )


@pytest.mark.parametrize("row", ROWS, ids=ROW_IDS)
def test_row_value_is_not_the_default_and_is_valid(row):
    estimator = Seq2SeqTransformer()
    assert row.parameter in estimator.get_params()
    assert row.parameter in Seq2SeqTransformer._parameter_constraints
    assert row.value != estimator.get_params()[row.parameter]
    estimator.set_params(**{row.parameter: row.value})._validate_params()


def test_controls_name_fields_of_decoding_controls():
    names = {f.name for f in dataclasses.fields(DecodingControls)}
    assert set(CONTROLS.values()) <= names - {"eos_index", "pad_index"}
    assert len(set(CONTROLS.values())) == len(CONTROLS)
    assert not set(CONTROLS) & set(SAMPLING)


def test_estimator_defaults_are_the_control_defaults():
    """The estimator's default for a control is the control's own default, which
    changes nothing."""
    defaults = {
        f.name: f.default
        for f in dataclasses.fields(DecodingControls)
        if f.default is not dataclasses.MISSING
    }
    params = Seq2SeqTransformer().get_params()
    for parameter, control in CONTROLS.items():
        assert params[parameter] == defaults[control], parameter


# -- models ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fitted():
    """One tiny fitted model per architecture (decoding parameters are set on
    copies)."""
    return {
        architecture: Seq2SeqTransformer(**TINY, architecture=architecture).fit(
            X_TEXT, Y_TEXT
        )
        for architecture in ARCHITECTURES
    }


def stress(model: Seq2SeqTransformer, token: str) -> None:
    """Make ``model``'s decoder add ``BOOST`` to ``token``'s logit at every step:
    it then stops at once (``<eos>``) or repeats ``token``. (In place, on a copy:
    a stressed model cannot be copied, as skorch pickles.)"""
    index = EOS_INDEX if token == "<eos>" else model.target_codec_.itos_.index(token)
    decoder = model.net_.module_.decoder
    step = decoder.step

    def boosted_step(prev, state):
        logits, state, weights = step(prev, state)
        bias = torch.zeros(logits.shape[-1], dtype=logits.dtype)
        bias[index] = BOOST
        return logits + bias, state, weights

    decoder.step = boosted_step


def predictions(
    model: Seq2SeqTransformer, mode: str, stressed: str | None = None, **params: Any
) -> list:
    """The token lists ``mode`` predicts for ``X_TEXT`` (every hypothesis of
    ``predict_nbest``), on a copy of ``model`` with ``params``, stressed towards
    the token ``stressed`` (see ``stress``) unless None."""
    model = copy.deepcopy(model).set_params(**MODES[mode], **params)
    if stressed is not None:
        stress(model, stressed)
    if mode == "nbest":
        nbest = model.predict_nbest(X_TEXT, n_best=N_BEST)
        assert all(1 <= len(hypotheses) <= N_BEST for hypotheses in nbest)
        return [text.split() for hypotheses in nbest for text, _ in hypotheses]
    return [text.split() for text in model.predict(X_TEXT)]


@pytest.mark.parametrize("architecture", ARCHITECTURES)
@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("row", ROWS, ids=ROW_IDS)
def test_control_has_its_effect(fitted, row, mode, architecture):
    model = fitted[architecture]
    # The stressed model violates the property under the default decoding...
    with pytest.raises(AssertionError):
        row.check(predictions(model, mode, row.stress), row.value)
    # ... and the control restores it.
    controlled = predictions(model, mode, row.stress, **{row.parameter: row.value})
    row.check(controlled, row.value)


@pytest.mark.parametrize("architecture", ARCHITECTURES)
@pytest.mark.parametrize("mode", list(MODES))
def test_controls_together(fitted, mode, architecture):
    """All the rows' values at once (compatible here: 6 <= tokens <= 9 distinct
    digits < the maximum length of 10): every row's property holds."""
    model = fitted[architecture]
    assert model.max_output_length_ >= 10
    predicted = predictions(model, mode, **{r.parameter: r.value for r in ROWS})
    for row in ROWS:
        row.check(predicted, row.value)


# -- the kernels ----------------------------------------------------------------------

# A crafted step: eos 2, vocabulary 6, two rows that generated 3 tokens each.
KERNEL_EOS = 2
KERNEL_STEP = 3
GENERATED = torch.tensor([[3, 4, 3], [4, 3, 1]])
LOGITS = torch.tensor(
    [[0.1, -0.3, 0.7, 1.2, -0.5, 0.4], [0.9, 0.2, -0.1, 0.3, 1.1, -0.7]]
)
BASE = torch.log_softmax(LOGITS, dim=-1)
INF = float("-inf")


def _where(mask: list[list[bool]], values: torch.Tensor) -> torch.Tensor:
    return torch.where(torch.tensor(mask, dtype=torch.bool), values, BASE)


class KernelRow(NamedTuple):
    """A field of DecodingControls, a non-default value, and the log-probabilities
    of the crafted step with it."""

    field: str
    value: Any
    expected: torch.Tensor


SEEN = [
    [False, False, False, True, True, False],
    [False, True, False, True, True, False],
]
KERNEL_ROWS = [
    # The log-probability of every token already generated times the penalty.
    KernelRow("repetition_penalty", 2.5, _where(SEEN, BASE * 2.5)),
    KernelRow(
        "blocked_indices", (1, 5), _where([[0, 1, 0, 0, 0, 1]] * 2, torch.tensor(INF))
    ),
    # step 3 < 4: <eos> forbidden.
    KernelRow("min_length", 4, _where([[0, 0, 1, 0, 0, 0]] * 2, torch.tensor(INF))),
    # Row 0 ends in 3, and "3 4" occurred: 4 is forbidden; row 1 ends in 1, which
    # occurred only last: nothing is forbidden.
    KernelRow(
        "no_repeat_ngram_size",
        2,
        _where([[0, 0, 0, 0, 1, 0], [0] * 6], torch.tensor(INF)),
    ),
]
KERNEL_IDS = [row.field for row in KERNEL_ROWS]


def _controls(**values: Any) -> DecodingControls:
    return DecodingControls(KERNEL_EOS, **values)


def test_kernel_rows_cover_every_field():
    fields = {f.name for f in dataclasses.fields(DecodingControls)}
    assert len(KERNEL_IDS) == len(set(KERNEL_IDS))
    assert set(KERNEL_IDS) == fields - {"eos_index", "pad_index"}


@pytest.mark.parametrize("row", KERNEL_ROWS, ids=KERNEL_IDS)
def test_field_changes_log_probs_exactly_as_documented(row):
    assert row.value != getattr(_controls(), row.field)
    got = _controls(**{row.field: row.value}).log_probs(LOGITS, GENERATED, KERNEL_STEP)
    assert not torch.equal(got, BASE)
    torch.testing.assert_close(got, row.expected, rtol=0, atol=1e-6)


@pytest.mark.parametrize("row", KERNEL_ROWS, ids=KERNEL_IDS)
def test_field_is_reached_by_a_kernel(row):
    """Some kernel of KERNELS reads the field; a kernel that reads the history
    makes the controls ask for it (``needs_history``), as the searches only keep
    the history then."""
    changed, read_history = [], []
    controls = _controls(**{row.field: row.value})
    for kernel in KERNELS:
        default = kernel(_controls(), BASE.clone(), GENERATED, KERNEL_STEP)
        got = kernel(controls, BASE.clone(), GENERATED, KERNEL_STEP)
        if not torch.equal(got, default):
            changed.append(kernel)
        no_history = kernel(controls, BASE.clone(), GENERATED[:, :0], KERNEL_STEP)
        if not torch.equal(got, no_history):
            read_history.append(kernel)
    assert changed, f"no kernel of KERNELS reads {row.field}"
    assert controls.needs_history == bool(read_history)


def test_defaults_change_nothing():
    controls = _controls()
    assert not controls.needs_history
    for step in (0, KERNEL_STEP):
        history = None if step else GENERATED[:, :0]
        assert torch.equal(controls.log_probs(LOGITS, GENERATED, step), BASE)
        assert torch.equal(controls.log_probs(LOGITS, history, step), BASE)
        for kernel in KERNELS:
            assert torch.equal(kernel(controls, BASE.clone(), GENERATED, step), BASE)


def test_min_length_allows_eos_from_its_step():
    controls = _controls(min_length=KERNEL_STEP + 1)
    early = controls.log_probs(LOGITS, GENERATED, KERNEL_STEP)
    on_time = controls.log_probs(LOGITS, GENERATED, KERNEL_STEP + 1)
    assert torch.isinf(early[:, KERNEL_EOS]).all()
    assert torch.equal(on_time, BASE)


def test_repetition_penalty_leaves_the_first_step_alone():
    controls = _controls(repetition_penalty=3.0)
    empty = GENERATED[:, :0]
    assert torch.equal(controls.log_probs(LOGITS, empty, 0), BASE)


# -- from the estimator's parameters to the searches ----------------------------------


@pytest.mark.parametrize("row", ROWS, ids=ROW_IDS)
def test_from_params_maps_parameter_to_control(fitted, row):
    model = copy.deepcopy(fitted["rnn"]).set_params(**{row.parameter: row.value})
    decoding = Decoding.from_params(model.get_params(), max_length=7)
    assert decoding.max_length == 7
    defaults = Decoding.from_params(Seq2SeqTransformer().get_params(), max_length=7)
    expected = dict(defaults.controls, **{CONTROLS[row.parameter]: row.value})
    assert decoding.controls == expected
    options = decoding.options(torch.tensor([3]), return_attention=False)
    controls = DecodingControls.from_options(
        options.pop("eos_index"),
        {
            k: v
            for k, v in options.items()
            if k not in ("max_length", "return_attention")
        },
    )
    assert getattr(controls, CONTROLS[row.parameter]) == row.value


def test_default_params_give_default_controls():
    decoding = Decoding.from_params(Seq2SeqTransformer().get_params(), max_length=5)
    assert set(decoding.controls) == set(CONTROLS.values())
    for control, value in decoding.controls.items():
        assert value == getattr(DecodingControls(EOS_INDEX), control)


def _spy_searches(monkeypatch) -> list[tuple[str, dict[str, Any]]]:
    """Record the name and keyword options of every nn search Decoding runs."""
    calls: list[tuple[str, dict[str, Any]]] = []
    for name in set(SEARCHES.values()):
        search = getattr(decoding_module, name)

        def spy(*args, _name=name, _search=search, **kwargs):
            calls.append((_name, kwargs))
            return _search(*args, **kwargs)

        monkeypatch.setattr(decoding_module, name, spy)
    return calls


@pytest.mark.parametrize("architecture", ARCHITECTURES)
@pytest.mark.parametrize("mode", list(MODES))
def test_controls_reach_the_search_of_every_mode(
    fitted, monkeypatch, mode, architecture
):
    calls = _spy_searches(monkeypatch)
    predictions(fitted[architecture], mode, **{r.parameter: r.value for r in ROWS})
    assert calls
    assert {name for name, _ in calls} == {SEARCHES[mode]}
    for _, options in calls:
        for row in ROWS:
            assert options[CONTROLS[row.parameter]] == row.value


@pytest.mark.parametrize("architecture", ARCHITECTURES)
def test_validation_score_decodes_as_prediction(monkeypatch, architecture):
    params = {r.parameter: r.value for r in ROWS}
    model = Seq2SeqTransformer(
        **TINY,
        architecture=architecture,
        validation_scoring="exact_match",
        max_length_a=1.5,
        max_length_b=1,
        **params,
    )
    calls = _spy_searches(monkeypatch)
    model.fit(X_TEXT, Y_TEXT, X_val=X_TEXT[:6], y_val=Y_TEXT[:6])
    validation = dict(model.net_.callbacks_)["valid_exact_match"].scoring.decoding
    # One greedy search per epoch (6 samples: one batch), with the controls.
    assert [name for name, _ in calls] == ["greedy_search"] * TINY["max_epochs"]
    for _, options in calls:
        for row in ROWS:
            assert options[CONTROLS[row.parameter]] == row.value
    assert np.isfinite(model.history_["valid_exact_match"]).all()

    predicted: list[Decoding] = []
    search = Decoding.search

    def spy(self, *args, **kwargs):
        predicted.append(self)
        return search(self, *args, **kwargs)

    monkeypatch.setattr(Decoding, "search", spy)
    model.predict(X_TEXT[:6])
    assert len(predicted) == 1
    assert predicted[0].seed is not None  # a token model draws a sampling seed
    # The same fields, but the seed, which only sampling reads.
    assert dataclasses.replace(predicted[0], seed=None) == validation
    for parameter, control in CONTROLS.items():
        assert validation.controls[control] == params[parameter]
