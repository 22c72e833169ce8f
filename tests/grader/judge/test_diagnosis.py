"""The diagnosis engine: honest causes, precise findings, digits that show the difference.

Units on hand-made sub-cases, then wrong submissions that no list names (tests/submissions/
unlisted/, each with the finding its feedback must state), graded as `grader check` grades.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from grader.course import load_course
from grader.exercises import spec
from grader.exercises.base import PAIR, Case
from grader.judge import cases, diagnose, findings
from grader.judge.display import decimals, describe_failure, fmt, values
from grader.judge.reference import SolutionReference, materialise
from grader.judge.runner import run_checks
from grader.verdict import PASSED
from helpers import REPO, SOLUTIONS, append, exercises, make_course, run_grader

REFERENCE = SolutionReference(SOLUTIONS)
UNLISTED = sorted((REPO / "tests" / "submissions" / "unlisted").glob("*.py"))


def _subs(exercise: str, answer_of, group: str, seed: int = 4) -> list[diagnose.Sub]:
    out = []
    for case in cases.build(exercises(exercise), seed):
        if case.group == group:
            expected = REFERENCE.expected(case)
            got = answer_of(case)
            out.append(diagnose.Sub(case, got, expected, diagnose.same(exercise, got, expected)))
    return out


# ---- display ----------------------------------------------------------------------------------


def test_float32_values_never_look_equal():
    expected = np.array([1.2, 1.8])
    got = expected.astype(np.float32).astype(float)
    places = decimals([(got, expected)])
    assert fmt(got, places) != fmt(expected, places)
    assert fmt(expected, 6) == fmt(got, 6)  # what the old display showed: the same numbers


def test_visible_case_shows_both_values_to_the_digit_that_differs():
    case = Case("x/lesson/0", "momentum_step", "lesson", {}, "the lesson", visible=True)
    expected = (np.array([1.2, 1.8]), np.array([-0.8, -0.2]))
    got = (expected[0] + 3e-8, expected[1])
    text = describe_failure(PAIR, case, got, expected)
    assert "1.20000003" in text and "1.2," in text


def test_hidden_case_says_what_differs_not_the_expected_numbers():
    case = Case("x/random/0", "momentum_step", "random", {}, "d = 2")
    expected = (np.array([0.123456, 1.8]), np.array([-0.8, -0.2]))
    got = (expected[0], np.array([-0.8, 0.3]))
    text = describe_failure(PAIR, case, got, expected)
    assert "velocity' differs" in text and "theta'" not in text and "0.123456" not in text


def test_values_align_and_show_none_parts():
    text = values(PAIR, (("first call", (np.zeros(1), np.ones(1))),
                         ("called again", (np.zeros(1), np.ones(1) * 2))))  # fmt: skip
    first, second = text.splitlines()
    assert first.index("theta'") == second.index("theta'")


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("44", "other"),
        ([["1.2", "1.8"], ["0.5", "0.1"]], "seq of other"),
        (np.array(["1.2", "1.8"]), "other"),
        (np.array([1.5, "2"], dtype=object), "other"),
        (np.array([1.5, 2.0], dtype=object), "array"),
        ([[1.2, 1.8], [0.5, 0.1]], "seq of array"),
        (np.float64(3.0), "array"),
    ],
)
def test_text_is_never_read_as_numbers(value, kind):
    # np.asarray(["1.2"], dtype=float) parses text; the worker describes it instead.
    from grader.sandbox.protocol import encode_returned

    encoded = encode_returned(value)
    if encoded["kind"] == "seq":  # a list: each item is encoded on its own
        assert {f"seq of {item['kind']}" for item in encoded["items"]} == {kind}
    else:
        assert encoded["kind"] == kind


# ---- structural findings ----------------------------------------------------------------------


def _failing(pairs, params=None):
    return [findings.Failing(g, e, params or {"lr": 0.1, "beta": 0.9}) for g, e in pairs]


def test_a_constant_factor_on_one_part():
    rng = np.random.default_rng(0)
    pairs = []
    for _ in range(3):
        theta, v = rng.normal(size=4), rng.normal(size=4)
        pairs.append(((theta, -v), (theta, v)))
    assert findings.factor(PAIR, _failing(pairs)) == (
        "velocity' is the negative of the expected velocity'."
    )
    assert "theta' is right every time" in findings.partly_right(PAIR, _failing(pairs))


def test_a_factor_that_is_a_parameter():
    v = np.array([0.5, -2.0])
    cases_ = [
        findings.Failing((v, -v / lr), (v, v), {"lr": lr, "beta": 0.5}) for lr in (0.1, 0.2, 0.37)
    ]
    assert findings.factor(PAIR, cases_) == "velocity' is −1/lr times the expected velocity'."


def test_no_factor_when_the_ratio_changes_for_no_reason():
    v = np.array([0.5, -2.0])
    pairs = [((v, 2 * v), (v, v)), ((v, 3 * v), (v, v))]
    assert findings.factor(PAIR, _failing(pairs)) is None


@pytest.mark.parametrize(("gap", "found"), [(3e-8, True), (1e-12, False), (1e-2, False)])
def test_precision_only_in_the_float32_range(gap, found):
    e = np.linspace(1, 2, 5)
    text = findings.precision(PAIR, _failing([((e * (1 + gap), e), (e, e))]))
    assert (text is not None and "float32" in text) == found


def test_shapes_transposed_and_rows_missing():
    form = spec("optimize").answer
    e = np.arange(12.0).reshape(4, 3) + 0.5
    assert "transposed" in findings.shapes(form, _failing([(e.T, e)]))
    assert "first row is missing" in findings.shapes(form, _failing([(e[1:], e)]))
    assert "last row is missing" in findings.shapes(form, _failing([(e[:-1], e)]))
    assert "2 coordinates where theta has 3" in findings.shapes(form, _failing([(e[:, :2], e)]))


def test_a_shape_fact_must_hold_on_every_case():
    form = spec("optimize").answer
    e = np.arange(12.0).reshape(4, 3) + 0.5
    assert findings.shapes(form, _failing([(e.T, e), (e[1:], e)])) is None


def test_count_offsets():
    form = spec("steps_to_converge").answer
    assert findings.count_offset(form, _failing([(14, 12), (7, 5)])) == (
        "the count is 2 more than expected."
    )
    assert findings.count_offset(form, _failing([(14, 12), (6, 5)])) == (
        "it stops 1 to 2 steps later than expected."
    )
    assert "returns None where a number" in findings.count_offset(form, _failing([(None, 3)]))
    # Not by a constant but always the same way: the range, and which way.
    assert findings.count_offset(form, _failing([(10, 12), (7, 15)])) == (
        "it stops 2 to 8 steps sooner than expected."
    )
    assert findings.count_offset(form, _failing([(10, 12), (17, 15)])) is None


def test_first_differing_row_is_the_same_everywhere():
    form = spec("optimize").answer
    e = np.arange(20.0).reshape(10, 2)
    g = e.copy()
    g[4:] += 1
    assert "rows 0 to 3 are right and row 4 differs" in findings.first_row(form, _failing([(g, e)]))


def test_whole_numbers_need_integer_inputs_or_a_cut():
    # lr left out on a whole gradient gives whole numbers from float inputs: no dtype claim.
    floats = {"theta": np.array([2.0, 2.0]), "lr": 0.1, "beta": 0.9}
    got, e = (
        (np.array([-6.0, 0.0]), np.array([-8.0, -2.0])),
        (np.array([1.2, 1.8]), np.array([-0.8, -0.2])),
    )
    assert findings.whole_numbers(PAIR, [findings.Failing(got, e, floats)]) is None
    ints = {**floats, "theta": np.array([2, 2])}
    assert "integer array" in findings.whole_numbers(PAIR, [findings.Failing(got, e, ints)])
    cut = (np.trunc(e[0]), np.trunc(e[1]))
    assert "integer array" in findings.whole_numbers(PAIR, [findings.Failing(cut, e, floats)])


def test_a_factor_of_one_minus_a_parameter():
    v = np.array([0.5, -2.0])
    cases_ = [findings.Failing((v, (1 - b) * v), (v, v), {"lr": 0.1, "beta": b})
              for b in (0.6, 0.75, 0.9)]  # fmt: skip
    assert findings.factor(PAIR, cases_) == "velocity' is (1 − beta) times the expected velocity'."
    # One case: the number, and the parameter it equals there.
    assert findings.factor(PAIR, cases_[:1]) == (
        "velocity' is 0.4 times, that is (1 − beta) times, the expected velocity'."
    )


def test_a_parameter_that_separates_failing_from_passing_cases():
    step = spec("momentum_step")
    sign = next(m for m in step.mistakes if m.key == "sign")

    def answer(c):  # wrong only for beta above 0.9, as code with a branch on beta
        p = materialise(c.params)
        return sign.compute(p) if p["beta"] > 0.9 else REFERENCE.expected(c)

    subs = _subs("momentum_step", answer, "random")
    failing = [s for s in subs if not s.ok]
    assert len(failing) >= 2  # the beta slices put cases above 0.9 in every seed
    found = diagnose.diagnose("momentum_step", subs)
    low = min(materialise(s.case.params)["beta"] for s in failing)
    assert found.cause is None and found.pattern.startswith(
        f"Exactly the cases with beta ≥ {low:g}"
    )
    # Nothing separates them when the failing cases are spread over the range.
    mixed = [diagnose.Sub(s.case, s.got, s.expected, i % 2 == 0) for i, s in enumerate(subs)]
    assert "beta" not in diagnose.diagnose("momentum_step", mixed).pattern


@pytest.mark.parametrize("seed", range(12))
def test_every_random_check_meets_high_and_low_beta(seed):
    for exercise in ("momentum_step", "nesterov_step", "optimize", "steps_to_converge"):
        groups: dict[str, list[float]] = {}
        for case in cases.build(exercises(exercise), seed):
            if case.group.startswith("random") and case.style != "defaults":
                groups.setdefault(case.group, []).append(case.params["beta"])
        for group, betas in groups.items():
            assert max(betas) > 0.9 and min(betas) < 0.6, (exercise, group, betas)


def test_the_look_ahead_point_read_back_from_the_velocity():
    from grader.exercises import _momentum as m

    failing = []
    for s in _subs("nesterov_step", REFERENCE.expected, "random"):
        p = materialise(s.case.params)
        theta, v = np.asarray(p["theta"], float), np.asarray(p["velocity"], float)
        nv = p["beta"] * v - p["lr"] * p["grad_fn"](theta + p["lr"] * v)  # at θ + lr·v
        failing.append(((theta + nv, nv), s.expected, s.case.params))
    text = m.lookahead(failing)
    assert text is not None and "c = lr;" in text
    # The right point says nothing; a point off the line θ + c·v says nothing either.
    right = [(e, e, params) for _, e, params in failing]
    assert m.lookahead(right) is None
    off = []
    for _, e, params in failing:
        p = materialise(params)
        theta, v = np.asarray(p["theta"], float), np.asarray(p["velocity"], float)
        nv = p["beta"] * v - p["lr"] * p["grad_fn"](theta + p["beta"] * v + 0.1)
        off.append(((theta + nv, nv), e, params))
    assert m.lookahead([x for x in off if len(x[1][0]) > 1]) is None


def test_an_answer_kept_from_another_call_is_recognised():
    # Every failing case returns the lesson's answer: a cache that ignores lr and beta.
    subs = _subs("momentum_step", REFERENCE.expected, "random")
    lesson = _subs("momentum_step", REFERENCE.expected, "lesson")
    stale = [
        diagnose.Sub(s.case, lesson[0].expected, s.expected, False) if i in (3, 5) else s
        for i, s in enumerate(subs)
    ]
    found = diagnose.diagnose("momentum_step", stale, context=lesson)
    assert found.pattern.startswith("Every failing answer is the right answer to another")
    # Without the lesson among the calls, nothing says so.
    assert not diagnose.diagnose("momentum_step", stale).pattern.startswith("Every failing")


def test_a_split_needs_a_spread_of_values():
    # Designed cases share values (d = 2 or 4): a split on them says nothing.
    subs = _subs("steps_to_converge", REFERENCE.expected, "edge")
    fail_d4 = [
        diagnose.Sub(s.case, 7, s.expected, False) if len(s.case.params["theta0"]) == 4 else s
        for s in subs
    ]
    assert diagnose.diagnose("steps_to_converge", fail_d4).pattern == ""


def test_only_the_calls_relying_on_defaults_fail():
    subs = _subs("momentum_step", REFERENCE.expected, "defaults")
    context = _subs("momentum_step", REFERENCE.expected, "random")
    wrong = [diagnose.Sub(s.case, (s.got[0] + 1, s.got[1]), s.expected, False) for s in subs]
    found = diagnose.diagnose("momentum_step", wrong, context=context)
    assert found.pattern.endswith("Check the defaults in your `def` line: lr=0.1, beta=0.9.")
    # A failing call that passes every argument: the defaults are not the whole story.
    context[1] = diagnose.Sub(context[1].case, wrong[0].got, context[1].expected, False)
    assert "defaults" not in diagnose.diagnose("momentum_step", wrong, context=context).pattern


# ---- named causes -----------------------------------------------------------------------------


def test_no_cause_is_named_when_two_candidates_fit():
    # From a zero velocity, β on the gradient (v − βα∇f) and lr·β give the same step.
    on_grad = next(m for m in spec("momentum_step").mistakes if m.key == "beta_on_grad")
    subs = _subs("momentum_step", lambda c: on_grad.compute(materialise(c.params)), "lesson")
    found = diagnose.diagnose("momentum_step", subs[:1])
    assert found.cause is None
    assert set(found.fitting) == {"mistake:beta_on_grad", "sub:lr*beta"}
    # The second lesson step (nonzero velocity) tells them apart.
    assert diagnose.diagnose("momentum_step", subs).cause.key == "mistake:beta_on_grad"


def test_a_cause_contradicted_by_a_passing_case_is_not_named():
    # Right on every case but one; the lr = 0.1 substitution reproduces that one only if lr was
    # not 0.1 there, and the defaults case (lr = 0.1) passes, which does not contradict it. The
    # sign mistake would contradict every passing case, so it is never a candidate.
    step = spec("momentum_step")
    sign = next(m for m in step.mistakes if m.key == "sign")
    subs = _subs("momentum_step", lambda c: REFERENCE.expected(c), "random")
    first = subs[0]
    subs[0] = diagnose.Sub(first.case, sign.compute(materialise(first.case.params)),
                           first.expected, False)  # fmt: skip
    assert "mistake:sign" not in diagnose.diagnose("momentum_step", subs).fitting


def test_what_a_candidate_reproduces_is_recomputed_not_assumed():
    step = spec("momentum_step")
    sign = next(m for m in step.mistakes if m.key == "sign")
    subs = _subs("momentum_step", lambda c: sign.compute(materialise(c.params)), "random")
    found = diagnose.diagnose("momentum_step", subs)
    assert found.cause is not None and found.cause.key == "mistake:sign"
    # Perturb one failing answer slightly: the sign mistake no longer explains every case.
    s = subs[3]
    subs[3] = diagnose.Sub(s.case, (s.got[0] * (1 + 1e-6), s.got[1]), s.expected, False)
    assert diagnose.diagnose("momentum_step", subs).cause is None


# ---- wrong code that no list names ------------------------------------------------------------


def _header(path: Path) -> tuple[str, str, str]:
    lines = path.read_text().splitlines()
    return tuple(line.split(": ", 1)[1].strip() for line in lines[:3])  # type: ignore[return-value]


@pytest.mark.parametrize("path", UNLISTED, ids=lambda p: p.stem)
@pytest.mark.parametrize("seed", [5, 23])
def test_unlisted_mistakes_get_a_true_specific_finding(tmp_path, path, seed):
    target, exercise, finding = _header(path)
    root = make_course(tmp_path, files=append(target, path.read_text()))
    course = load_course(root)
    run = run_checks(course, [course.exercise(exercise)], seed, reference=REFERENCE)
    (result,) = run.exercises
    failed = [c.message for c in result.checks if c.status != PASSED]
    assert failed, "the wrong code passed"
    text = "\n".join(failed)
    assert finding in text, text
    # No listed mistake is blamed for a mistake that is not on the list.
    assert not any(m.message.split(":")[0] in text for m in spec(exercise).mistakes), text


def test_there_are_unlisted_mistakes_for_every_kind_of_answer():
    kinds = {spec(_header(p)[1]).answer.kind for p in UNLISTED}
    assert kinds == {"pair", "array", "count"} and len(UNLISTED) >= 8


def test_an_unlisted_mistake_through_the_command_line(tmp_path):
    path = next(p for p in UNLISTED if p.stem == "step_velocity_doubled")
    target, exercise, finding = _header(path)
    root = make_course(tmp_path, files=append(target, path.read_text()))
    proc = run_grader("check", exercise, "--seed", "9", cwd=root)
    assert proc.returncode == 1
    assert "Failed 13 of 13 cases; the first:" in proc.stdout
    assert f"On every failing case: {finding}" in proc.stdout


# ---- property checks earn nothing without right answers ---------------------------------------

DO_NOTHING = {
    "momentum.py": "def momentum_step(*a, **k):\n    return None\n\n\n"
                   "def optimize(*a, **k):\n    return None\n",
    "nesterov.py": "def nesterov_step(*a, **k):\n    return None\n",
    "tuning.py": "def steps_to_converge(*a, **k):\n    return None\n",
}  # fmt: skip


def test_a_function_that_returns_none_scores_nothing(tmp_path):
    files = {name: (SOLUTIONS / name).read_text() + "\n\n" + src
             for name, src in DO_NOTHING.items()}  # fmt: skip
    root = make_course(tmp_path, files=files)
    course = load_course(root)
    run = run_checks(course, list(course.exercises), 8, reference=REFERENCE)
    assert run.score == 0
    unchanged = [c for e in run.exercises for c in e.checks if "unchanged" in c.name]
    assert unchanged and all("counts only when the answers are right" in c.message
                             for c in unchanged)  # fmt: skip


def test_a_first_step_off_by_a_factor_is_named_by_its_factor():
    form = spec("optimize").answer
    start = np.array([[2.0, 2.0]])
    expected_step, lr = np.array([-0.8, -0.2]), 0.1
    e = np.vstack([start, start + expected_step, start + 1.5 * expected_step])
    uphill = np.vstack([start, start - expected_step, start - 2.0 * expected_step])
    assert "is the negative of the expected step" in findings.first_row(
        form, _failing([(uphill, e)])
    )
    # The same mistake on two cases with different lr: the factor is named by the parameter.
    cases = [
        findings.Failing(np.vstack([start, start + expected_step / rate, start]), e,
                         {"lr": rate, "beta": 0.9})
        for rate in (lr, 0.25)
    ]  # fmt: skip
    assert "is 1/lr times the expected step" in findings.first_row(form, cases)
    other = np.vstack([start, start + np.array([0.3, 0.7]), start])
    assert findings.first_row(form, _failing([(other, e)])).endswith("look at one update.")
