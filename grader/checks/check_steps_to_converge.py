from grader.judge.judging import Judge, check_again, check_unchanged, check_values

EX = "steps_to_converge"


def test_lesson(judge: Judge) -> None:
    """the ravine with beta = 0.5 and beta = 0.9"""
    check_values(judge, EX, "lesson")


def test_random(judge: Judge) -> None:
    """random quadratics, several lr, beta and tol"""
    check_values(judge, EX, "random")


def test_edges(judge: Judge) -> None:
    """every stopping rule at its edge: converged at the start, exactly at max_steps, tol = 0
    at the minimum, never"""
    check_values(judge, EX, "edge")


def test_forms(judge: Judge) -> None:
    """theta0 as a list of ints (grad_fn takes a 1-D float array)"""
    check_values(judge, EX, "forms")


def test_unchanged(judge: Judge) -> None:
    """leaves theta0 unchanged"""
    check_unchanged(judge, EX)


def test_again(judge: Judge) -> None:
    """gives the same answer when called again (no state kept between calls)"""
    check_again(judge, EX)
