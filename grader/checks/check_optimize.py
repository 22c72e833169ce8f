from grader.judge.judging import Judge, check_again, check_unchanged, check_values

EX = "optimize"


def test_lesson_gd(judge: Judge) -> None:
    """the lesson's experiment: gradient descent on the ravine"""
    check_values(judge, EX, "lesson-gd")


def test_lesson_momentum(judge: Judge) -> None:
    """the lesson's experiment: momentum on the ravine"""
    check_values(judge, EX, "lesson-momentum")


def test_short(judge: Judge) -> None:
    """steps = 0 and steps = 1, with and without momentum"""
    check_values(judge, EX, "short")


def test_random_gd(judge: Judge) -> None:
    """random quadratics without momentum: d from 1 to 50, several lr and step counts"""
    check_values(judge, EX, "random-gd")


def test_random_momentum(judge: Judge) -> None:
    """random quadratics with momentum: d from 1 to 50, several lr, beta and step counts"""
    check_values(judge, EX, "random-momentum")


def test_forms(judge: Judge) -> None:
    """integer and list theta0 (the trajectory is float; grad_fn takes a 1-D float array)"""
    check_values(judge, EX, "forms")


def test_unchanged(judge: Judge) -> None:
    """leaves theta0 unchanged"""
    check_unchanged(judge, EX)


def test_again(judge: Judge) -> None:
    """gives the same answer when called again (no state kept between calls)"""
    check_again(judge, EX)
