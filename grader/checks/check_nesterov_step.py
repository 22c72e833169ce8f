from grader.judge.judging import Judge, check_step, check_unchanged

EX = "nesterov_step"


def test_lesson(judge: Judge) -> None:
    """one step on the ravine with a nonzero velocity"""
    check_step(judge, EX, "lesson")


def test_random(judge: Judge) -> None:
    """random quadratics: d from 1 to 50, several lr and beta"""
    check_step(judge, EX, "random")


def test_unchanged(judge: Judge) -> None:
    """leaves its arguments unchanged"""
    check_unchanged(judge, EX)
