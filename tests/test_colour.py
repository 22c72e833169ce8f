"""`grader` and `quiz` decide colour by the same rules (https://no-color.org): an empty NO_COLOR
is ignored, a non-empty one wins over FORCE_COLOR, and FORCE_COLOR colours even a pipe."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from helpers import REPO

ESC = "\x1b["
CASES = [
    ({"NO_COLOR": "", "FORCE_COLOR": "1"}, True),
    ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
    ({"FORCE_COLOR": ""}, False),  # a pipe, nothing forced
]


def _run(module: str, args: list[str], extra: dict[str, str], stdin: str = "") -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(PYTHONPATH=str(REPO), **extra)
    done = subprocess.run(
        [sys.executable, "-m", module, *args], cwd=REPO, env=env, input=stdin,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    return done.stdout


@pytest.mark.parametrize(("env", "coloured"), CASES)
def test_grader_and_quiz_agree_on_colour(env, coloured):
    grader = _run("grader", ["list"], env)
    quiz = _run("quiz", ["run", "--count", "1", "--seed", "1", "--no-results"], env, "a\n")
    assert "momentum_step" in grader and "Question 1 of 1" in quiz  # both really ran
    assert (ESC in grader, ESC in quiz) == (coloured, coloured)
