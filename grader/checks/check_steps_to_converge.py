from grader.judge.judging import Answer, Judge, mistake_or
from grader.verdict import Failed

EX = "steps_to_converge"


def _count(answer: Answer) -> int | None:
    got, case = answer.returned, answer.case
    if got.kind == "none":
        return None
    value = got.as_array()
    if value is None or value.shape != () or value != int(value) or value < 0:
        raise Failed(
            f"`steps_to_converge` returned {got.describe()} ({case.label}); it should return a "
            "whole number of steps, or None."
        )
    return int(value)


def _judge(judge: Judge, *groups: str) -> None:
    for answer in judge.results(EX, *groups):
        got, expected = _count(answer), answer.expected
        if got == expected:
            continue
        case = answer.case
        if case.visible or case.group == "edge":
            message = f"For {case.label}: expected {expected}, got {got}."
        elif got is None:
            message = f"For {case.label}: returned None, but it does converge within max_steps."
        else:
            message = f"For {case.label}: {got} is not the number of steps."
        raise mistake_or(EX, answer, got, message)


def test_lesson(judge: Judge) -> None:
    """the ravine with beta = 0.5 and beta = 0.9"""
    _judge(judge, "lesson")


def test_random(judge: Judge) -> None:
    """random quadratics, several lr, beta and tol"""
    _judge(judge, "random")


def test_edges(judge: Judge) -> None:
    """a start that has already converged, and a run that never does"""
    _judge(judge, "edge")
