"""Unit tests of the grader's pure parts: protocol, cases, diagnosis, results, report."""

from __future__ import annotations

import base64
import json
from dataclasses import replace

import numpy as np
import pytest

from grader.exercises import registry, spec
from grader.exercises.base import Case
from grader.judge import cases, diagnose
from grader.judge.reference import SolutionReference, materialise
from grader.report import Style, render_run
from grader.results import CheckResult, ExerciseResult, RunResult, gradescope
from grader.sandbox import protocol
from grader.sandbox.protocol import GradSpec, ProtocolError, Returned
from helpers import SOLUTIONS, exercises

REFERENCE = SolutionReference(SOLUTIONS)
NAMES = ["momentum_step", "optimize", "nesterov_step", "steps_to_converge"]

# ---- protocol -------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(), (0,), (1,), (3,), (31, 2), (2, 3, 4)])
def test_arrays_round_trip_bit_for_bit(shape):
    array = np.random.default_rng(0).normal(size=shape)
    back = protocol.decode_array(json.loads(json.dumps(protocol.encode_array(array))))
    assert back.shape == array.shape and back.tobytes() == array.tobytes()


def test_nan_and_inf_survive_the_trip():
    array = np.array([np.nan, np.inf, -np.inf, 0.0])
    back = protocol.decode_array(protocol.encode_array(array))
    assert np.array_equal(back, array, equal_nan=True)


@pytest.mark.parametrize(
    "message",
    [{"shape": [3], "data": base64.b64encode(b"\0" * 16).decode()}, {"shape": [-1], "data": ""},
     {"shape": [1], "data": "not base64!"}, {"data": ""}, "text"],
    ids=["short-data", "negative-shape", "bad-base64", "no-shape", "not-a-dict"],
)  # fmt: skip
def test_malformed_arrays_are_refused(message):
    with pytest.raises(ProtocolError):
        protocol.decode_array(message)


@pytest.mark.parametrize(
    ("value", "kind", "described"),
    [(None, "none", "None"), ((np.zeros(2), np.ones(2)), "seq", "a tuple of 2 items"),
     (np.zeros((3, 2)), "array", "an array of shape (3, 2)"), (44, "array", "the number 44"),
     ("text", "other", "a str ('text')"), ({"a": 1}, "other", "a dict ({'a': 1})")],
)  # fmt: skip
def test_returned_values_are_described(value, kind, described):
    got = Returned.decode(json.loads(protocol.dumps(protocol.encode_returned(value))))
    assert got.kind == kind and got.describe() == described


def test_lists_of_rows_become_an_array_and_aliasing_is_seen():
    row = np.zeros(2)
    aliased = Returned.decode(protocol.encode_returned([row, row, row]))
    assert aliased.aliased and aliased.as_array().shape == (3, 2)
    fresh = Returned.decode(protocol.encode_returned([[1.0, 2.0], [3.0, 4.0]]))
    assert not fresh.aliased and fresh.as_array().tolist() == [[1.0, 2.0], [3.0, 4.0]]
    ragged = Returned.decode(protocol.encode_returned([[1.0], [2.0, 3.0]]))
    assert ragged.as_array() is None


def test_huge_returns_are_described_not_sent():
    got = Returned.decode(protocol.encode_returned(np.zeros(protocol.MAX_ELEMENTS + 1)))
    assert got.kind == "other" and "array of" in got.text


def test_oversized_protocol_lines_are_refused():
    with pytest.raises(ProtocolError):
        protocol.loads(b"x" * (protocol.MAX_LINE + 1))


# ---- cases ----------------------------------------------------------------------------------


def test_same_seed_same_cases_different_seed_different_cases():
    def key(cs):
        return [(c.id, c.label) for c in cs]

    assert key(cases.build(exercises(), 5)) == key(cases.build(exercises(), 5))
    assert key(cases.build(exercises(), 5)) != key(cases.build(exercises(), 6))


def test_an_exercises_cases_do_not_depend_on_the_selection():
    alone = cases.build(exercises("nesterov_step"), 9)
    together = [c for c in cases.build(exercises(), 9) if c.exercise == "nesterov_step"]
    assert [c.label for c in alone] == [c.label for c in together]


def test_random_cases_cover_dimensions_1_to_50_and_avoid_the_defaults():
    built = cases.build(exercises(), 3)
    dims = {len(c.params.get("theta", c.params.get("theta0"))) for c in built}
    assert 1 in dims and 50 in dims
    random = [c for c in built if c.group.startswith("random") and c.style != "defaults"]
    assert all(c.params["lr"] != 0.1 and c.params.get("beta") != 0.9 for c in random)
    steps = {c.params["steps"] for c in built if c.exercise == "optimize"}
    assert {0, 1} <= steps


@pytest.mark.parametrize(
    ("style", "n_args", "kwargs"),
    [("positional", 6, []), ("keywords", 2, ["beta", "momentum", "steps", "lr"]),
     ("defaults", 2, ["momentum"])],
)  # fmt: skip
def test_calling_styles(style, n_args, kwargs):
    params = dict(grad_fn=GradSpec.surface("ravine"), theta0=np.ones(2), lr=0.1, steps=30,
                  momentum=True, beta=0.9)  # fmt: skip
    call = Case("x", "optimize", "g", params, "label", style, module="momentum").call()
    assert len(call.args) == n_args and list(call.kwargs) == kwargs


# ---- diagnosis ------------------------------------------------------------------------------


def _subs(exercise: str, answer_of, seed: int = 1) -> dict[str, list[diagnose.Sub]]:
    """Sub-cases by group, as the checks would judge code that answers `answer_of(params)`."""
    groups: dict[str, list[diagnose.Sub]] = {}
    for case in cases.build(exercises(exercise), seed):
        if case.repeats:
            continue
        expected = REFERENCE.expected(case)
        with np.errstate(all="ignore"):  # swapped lr and beta can make a run blow up
            got = answer_of(case)
        ok = diagnose.same(exercise, got, expected)
        groups.setdefault(case.group, []).append(diagnose.Sub(case, got, expected, ok))
    return groups


@pytest.mark.parametrize("exercise", NAMES)
def test_the_right_answer_matches_no_candidate(exercise):
    for subs in _subs(exercise, REFERENCE.expected).values():
        # Called wrong on purpose: even then no candidate reproduces the right answer.
        assert diagnose.fitting(exercise, [replace(s, ok=False) for s in subs]) == []


@pytest.mark.parametrize(
    ("exercise", "mistake"),
    [(ex, m.key) for ex, s in registry().items() for m in s.mistakes],
)
def test_every_mistake_is_named_alone_from_its_own_output(exercise, mistake):
    wrong_way = next(m for m in spec(exercise).mistakes if m.key == mistake)

    def answer(case):
        p = materialise(case.params)
        return wrong_way.compute(p) if wrong_way.applies(p) else REFERENCE.expected(case)

    groups = _subs(exercise, answer)
    named = []
    for group, subs in groups.items():
        if all(s.ok for s in subs):
            continue
        context = [s for g, ss in groups.items() if g != group for s in ss]
        found = diagnose.diagnose(exercise, subs, context=context)
        assert found.cause is None or found.cause.key == f"mistake:{mistake}", (group, found)
        named.append(found.cause is not None)
    # Some groups cannot tell two mistakes apart (a zero velocity, say); at least one must.
    assert any(named)


@pytest.mark.parametrize(
    ("key", "change"),
    [("sub:lr<->beta", lambda p: {"lr": p["beta"], "beta": p["lr"]}),
     ("sub:beta=0", lambda p: {"beta": 0.0}), ("sub:lr=0.1", lambda p: {"lr": 0.1}),
     ("sub:lr*beta", lambda p: {"lr": p["lr"] * p["beta"]})],
)  # fmt: skip
def test_other_parameter_values_are_found_for_every_exercise(key, change):
    for exercise in NAMES:
        correct = spec(exercise).correct
        groups = _subs(
            exercise, lambda c, f=correct: f({**materialise(c.params), **change(c.params)})
        )
        found = diagnose.diagnose(exercise, groups["random"] if "random" in groups
                                  else groups["random-momentum"])  # fmt: skip
        assert key in found.fitting, (exercise, found)
        # momentum=False is beta = 0 for optimize: then nothing is named, both are stated.
        assert found.cause is None or found.cause.key == key, (exercise, found)
        assert found.cause is not None or len(found.fitting) > 1


def test_tolerance_tells_float64_rounding_from_a_wrong_formula():
    x = np.linspace(-3, 3, 50)
    assert diagnose.close(x * (1 + 1e-13), x)
    assert not diagnose.close(x.astype(np.float32).astype(float) + 1e-7 * x, x)
    assert not diagnose.close(x[:-1], x)


# ---- results and report ---------------------------------------------------------------------


def _run() -> RunResult:
    checks = (
        CheckResult("optimize", "a", "passed", "", 2.0, 2.0),
        CheckResult("optimize", "b", "failed", "wrong\nLikely cause: sign", 0.0, 2.0),
    )
    stub = tuple(CheckResult("nesterov_step", n, "not attempted", "still a stub", 0.0, 1.5)
                 for n in "xy")  # fmt: skip
    return RunResult(42, (ExerciseResult("optimize", checks, 4.0),
                          ExerciseResult("nesterov_step", stub, 3.0)))  # fmt: skip


def test_gradescope_json_shape():
    data = gradescope(_run(), visibility="after_due_date")
    assert data["score"] == 2.0 and data["extra_data"]["seed"] == 42
    assert [t["status"] for t in data["tests"]] == ["passed", "failed", "failed", "failed"]
    assert data["tests"][2]["output"] == "[not attempted] still a stub"
    assert {t["visibility"] for t in data["tests"]} == {"after_due_date"}
    assert [t["number"] for t in data["tests"]] == ["1.1", "1.2", "2.1", "2.2"]


def test_report_text_plain_and_coloured():
    plain = render_run(_run(), Style(color=False))
    assert "optimize  2/4" in plain and "  ✗ b" in plain and "      Likely cause: sign" in plain
    assert plain.count("still a stub") == 1  # said once for the whole exercise
    assert "Total: 2/7 points · 0 of 2 exercises pass" in plain and "\033[" not in plain
    assert "\033[31m" in render_run(_run(), Style(color=True))
    assert "  x b" in render_run(_run(), Style(unicode=False))
