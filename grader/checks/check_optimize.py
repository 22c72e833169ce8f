import numpy as np

from grader.judge import diagnose
from grader.judge.diagnose import close
from grader.judge.judging import Answer, Judge, check_finite, check_unchanged, fmt, mistake_or
from grader.verdict import Failed

EX = "optimize"


def _trajectory(answer: Answer) -> np.ndarray:
    got, case = answer.returned, answer.case
    steps, d = case.params["steps"], len(case.params["theta0"])
    if got.kind == "none":
        raise Failed(f"`optimize` returned None ({case.label}). Did you forget a `return`?")
    value = got.as_array()
    if value is None:
        raise Failed(
            f"`optimize` returned {got.describe()} ({case.label}), which np.asarray(..., "
            "dtype=float) cannot turn into a (steps + 1, d) array. Return np.stack(trajectory)."
        )
    if value.ndim == 1 and d == 1 and value.shape == (steps + 1,):
        value = value.reshape(-1, 1)  # a 1-D problem returned as a flat list of numbers
    if value.shape != (steps + 1, d):
        raise Failed(_shape_message(value, answer, steps, d))
    return value


def _shape_message(value: np.ndarray, answer: Answer, steps: int, d: int) -> str:
    expected = answer.expected
    base = (
        f"`optimize` returned an array of shape {value.shape}; expected ({steps + 1}, {d}) "
        f"for {answer.case.label}."
    )
    diagnosis = diagnose.identify(EX, answer.case.params, value, EX)
    if diagnosis:
        return f"{base}\nLikely cause: {diagnosis}"
    if value.shape == (steps, d):
        if steps and close(value, expected[1:]):
            return base + " The first row is missing: row 0 must be theta0 itself."
        if steps and close(value, expected[:-1]):
            return base + " The last step is missing: make exactly `steps` updates."
        return base + " One row is missing: row 0 is theta0, then one row per step."
    if value.ndim == 2 and value.shape[1] == 2 and d != 2:
        return base + " It looks like the example's 2 dimensions are hard-coded."
    if value.ndim == 2 and value.shape == (d, steps + 1):
        return base + " It is transposed: one row per step, one column per coordinate."
    return base


def _judge(judge: Judge, *groups: str) -> None:
    for answer in judge.results(EX, *groups):
        value = _trajectory(answer)
        expected = answer.expected
        check_finite(EX, answer, value, expected)
        if close(value, expected):
            continue
        case = answer.case
        if answer.returned.aliased or (
            len(value) > 2 and np.all(value == value[-1]) and not close(expected[0], expected[-1])
        ):
            raise Failed(
                f"every row of the trajectory is the same ({case.label}): the list holds the "
                "same array again and again, changed in place. Append a new array each step "
                "(`theta = theta - ...`, not `theta -= ...`)."
            )
        rows = ~np.isclose(value, expected, rtol=1e-9, atol=1e-12).all(axis=1)
        first = int(np.argmax(rows))
        if case.visible:
            message = (
                f"For {case.label}: the trajectory first differs at row {first}:\n"
                f"  expected {fmt(expected[first])}\n  got      {fmt(value[first])}"
            )
        else:
            message = f"For {case.label}: the trajectory first differs from the expected one at row {first}."  # noqa: E501
        if first == 0:
            message += " Row 0 must be theta0 itself."
        raise mistake_or(EX, answer, value, message)


def test_lesson_gd(judge: Judge) -> None:
    """the lesson's experiment: gradient descent on the ravine"""
    _judge(judge, "lesson-gd")


def test_lesson_momentum(judge: Judge) -> None:
    """the lesson's experiment: momentum on the ravine"""
    _judge(judge, "lesson-momentum")


def test_short(judge: Judge) -> None:
    """steps = 0 and steps = 1, with and without momentum"""
    _judge(judge, "short")


def test_random_gd(judge: Judge) -> None:
    """random quadratics without momentum: d from 1 to 50, several lr and step counts"""
    _judge(judge, "random-gd")


def test_random_momentum(judge: Judge) -> None:
    """random quadratics with momentum: d from 1 to 50, several lr, beta and step counts"""
    _judge(judge, "random-momentum")


def test_unchanged(judge: Judge) -> None:
    """leaves theta0 unchanged"""
    check_unchanged(judge, EX)
