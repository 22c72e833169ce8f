from grader.judge.judging import Judge, check_step, check_unchanged

EX = "momentum_step"


def test_lesson(judge: Judge) -> None:
    """the lesson's first two steps on the ravine"""
    check_step(judge, EX, "lesson")


def test_random(judge: Judge) -> None:
    """random steps: d from 1 to 50, several lr and beta, nonzero velocity"""
    check_step(judge, EX, "random")


def test_defaults(judge: Judge) -> None:
    """default arguments lr = 0.1 and beta = 0.9"""
    check_step(judge, EX, "defaults")


def test_unchanged(judge: Judge) -> None:
    """leaves its arguments unchanged"""
    check_unchanged(judge, EX)
