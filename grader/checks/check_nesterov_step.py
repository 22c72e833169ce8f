from grader.judge.judging import Judge, check_again, check_unchanged, check_values

EX = "nesterov_step"


def test_lesson(judge: Judge) -> None:
    """one step on the ravine with a nonzero velocity"""
    check_values(judge, EX, "lesson")


def test_random(judge: Judge) -> None:
    """random quadratics: d from 1 to 50, several lr and beta"""
    check_values(judge, EX, "random")


def test_forms(judge: Judge) -> None:
    """an integer theta and a list velocity (grad_fn takes a 1-D float array)"""
    check_values(judge, EX, "forms")


def test_unchanged(judge: Judge) -> None:
    """leaves its arguments unchanged"""
    check_unchanged(judge, EX)


def test_again(judge: Judge) -> None:
    """gives the same answer when called again (no state kept between calls)"""
    check_again(judge, EX)
