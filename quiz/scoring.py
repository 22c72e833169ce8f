"""Pure scoring of one response: how many points, and whether it counts as correct."""

from __future__ import annotations

import math
from dataclasses import dataclass

from quiz.model import NumericAnswer, Question

# Typed answers are compared after float arithmetic; this slack absorbs rounding only.
RELATIVE_SLACK = 1e-9

Response = frozenset[int] | bool | float  # chosen choice indices (bank order) | T/F | number


@dataclass(frozen=True)
class Outcome:
    correct: bool
    score: float
    max_score: float


def score(
    question: Question, response: Response, params: dict[str, float] | None = None
) -> Outcome:
    """Score `response`; choice indices refer to the choices as written in the bank."""
    points = question.points
    if question.type in ("single", "multiple"):
        assert isinstance(response, frozenset)
        fraction = choice_fraction(question, response)
        return Outcome(response == question.correct_indices, fraction * points, points)
    if question.type == "true_false":
        right = response is question.answer
        return Outcome(right, points if right else 0.0, points)
    assert isinstance(question.answer, NumericAnswer) and isinstance(response, float)
    right = numeric_matches(
        response,
        question.answer.correct_value(params or {}),
        question.answer.tolerance,
        question.answer.relative,
    )
    return Outcome(right, points if right else 0.0, points)


def choice_fraction(question: Question, chosen: frozenset[int]) -> float:
    """1 or 0; for partial scoring, (right picks − wrong picks) / correct choices, at least 0."""
    correct = question.correct_indices
    if question.type == "single" or question.scoring == "all_or_nothing":
        return 1.0 if chosen == correct else 0.0
    right, wrong = len(chosen & correct), len(chosen - correct)
    return max(0.0, (right - wrong) / len(correct))


def numeric_matches(
    response: float, expected: float, tolerance: float, relative: float = 0.0
) -> bool:
    if not math.isfinite(response):
        return False
    return abs(response - expected) <= tolerance + max(RELATIVE_SLACK, relative) * abs(expected)
