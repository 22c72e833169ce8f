from grader.diagnose import close
from grader.judging import Judge, as_pair, check_finite, check_unchanged, fmt, mistake_or

EX = "nesterov_step"


def _judge_step(judge: Judge, *groups: str) -> None:
    for answer in judge.results(EX, *groups):
        theta, velocity = as_pair(EX, answer)
        exp_theta, exp_velocity = answer.expected
        check_finite(EX, answer, theta, exp_theta)
        check_finite(EX, answer, velocity, exp_velocity)
        if close(theta, exp_theta) and close(velocity, exp_velocity):
            continue
        case = answer.case
        if case.visible:
            message = (
                f"For {case.label}:\n"
                f"  expected theta' = {fmt(exp_theta)}, velocity' = {fmt(exp_velocity)}\n"
                f"  got      theta' = {fmt(theta)}, velocity' = {fmt(velocity)}"
            )
        else:
            message = f"For {case.label}: the returned step differs from the expected one."
        raise mistake_or(EX, answer, (theta, velocity), message)


def test_lesson(judge: Judge) -> None:
    """one step on the ravine with a nonzero velocity"""
    _judge_step(judge, "lesson")


def test_random(judge: Judge) -> None:
    """random quadratics: d from 1 to 50, several lr and beta"""
    _judge_step(judge, "random")


def test_unchanged(judge: Judge) -> None:
    """leaves its arguments unchanged"""
    check_unchanged(judge, EX)
