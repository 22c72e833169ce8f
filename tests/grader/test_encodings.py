"""Feedback full of θ, β, ∇ and − reaches a cp1252 or ASCII console as readable ASCII, not '?'."""

from __future__ import annotations

import pytest

from helpers import append, make_course, run_grader

SIGN = """
def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    new_v = beta * velocity + lr * grad
    return theta + new_v, new_v
"""


@pytest.mark.parametrize("encoding", ["cp1252", "ascii", "utf-8"])
def test_feedback_is_spelled_for_the_console(tmp_path, encoding):
    course = make_course(tmp_path, files=append("momentum.py", SIGN))
    done = run_grader("check", "momentum_step", cwd=course, env={"PYTHONIOENCODING": encoding})
    assert done.returncode == 1, done.stderr
    assert "wrong sign" in done.stdout  # the diagnosis with its formula was printed
    done.stdout.encode(encoding)  # nothing the console cannot show
    assert "?" not in done.stdout.replace("?`", "").replace("? ", "")
    if encoding == "utf-8":
        assert "βv − α∇f(θ)" in done.stdout
    else:
        assert "beta v - alpha grad f(theta)" in done.stdout
