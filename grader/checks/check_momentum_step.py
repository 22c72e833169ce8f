from grader.judge.judging import Judge, check_again, check_unchanged, check_values

EX = "momentum_step"


def test_lesson(judge: Judge) -> None:
    """the lesson's first two steps on the ravine"""
    check_values(judge, EX, "lesson")


def test_random(judge: Judge) -> None:
    """random steps: d from 1 to 50, several lr and beta, nonzero velocity"""
    check_values(judge, EX, "random")


def test_defaults(judge: Judge) -> None:
    """default arguments lr = 0.1 and beta = 0.9"""
    check_values(judge, EX, "defaults")


def test_forms(judge: Judge) -> None:
    """integer arrays and Python lists as arguments (the result is float)"""
    check_values(judge, EX, "forms")


def test_unchanged(judge: Judge) -> None:
    """leaves its arguments unchanged"""
    check_unchanged(judge, EX)


def test_again(judge: Judge) -> None:
    """gives the same answer when called again (no state kept between calls)"""
    check_again(judge, EX)
