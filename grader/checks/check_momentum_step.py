from grader.diagnose import close
from grader.judging import Judge, as_pair, check_finite, check_unchanged, fmt, mistake_or

EX = "momentum_step"


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
            pairs = (("theta'", theta, exp_theta), ("velocity'", velocity, exp_velocity))
            wrong = " and ".join(n for n, g, e in pairs if not close(g, e))
            message = f"For {case.label}: the returned {wrong} differ from the expected values."
        raise mistake_or(EX, answer, (theta, velocity), message)


def test_lesson(judge: Judge) -> None:
    """the lesson's first two steps on the ravine"""
    _judge_step(judge, "lesson")


def test_random(judge: Judge) -> None:
    """random steps: d from 1 to 50, several lr and beta, nonzero velocity"""
    _judge_step(judge, "random")


def test_defaults(judge: Judge) -> None:
    """default arguments lr = 0.1 and beta = 0.9"""
    _judge_step(judge, "defaults")


def test_unchanged(judge: Judge) -> None:
    """leaves its arguments unchanged"""
    check_unchanged(judge, EX)
