"""Naming a known mistake: recompute a case the way each known wrong answer would.

When a student's answer is wrong, the checks try every mistake of the exercise (declared in its
module under grader/exercises/) on the same inputs; a match names the misconception in the
feedback. Pure functions of a case's parameters.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.exercises import spec
from grader.exercises.base import close
from grader.judge.reference import materialise

__all__ = ["close", "identify", "same"]


def same(exercise: str, got: Any, expected: Any) -> bool:
    """Equal within float64 rounding, in the form of the exercise's answer."""
    return spec(exercise).answer.same(got, expected)


def identify(exercise: str, params: dict[str, Any], got: Any, func: str) -> str | None:
    """The message of the first known mistake that reproduces `got` on these inputs."""
    live = materialise(params)
    exercise_spec = spec(exercise)
    right = exercise_spec.correct(materialise(params))
    for mistake in exercise_spec.mistakes:
        if not mistake.applies(live):
            continue
        with np.errstate(all="ignore"):
            try:
                wrong = mistake.compute(materialise(params))
            except (ArithmeticError, ValueError):
                continue
        if _matches(exercise, got, wrong) and not _matches(exercise, right, wrong):
            return mistake.message.format(func=func)
    return None


def _matches(exercise: str, got: Any, wrong: Any) -> bool:
    try:
        return same(exercise, got, wrong)
    except (TypeError, ValueError):
        return False
