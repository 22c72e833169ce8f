"""A check for any exercise, from its answer form alone: what a new exercise's check file uses.

`check_answers(judge, EX, *groups)` turns each returned value into the exercise's answer form
(a pair of arrays, an array, or a count), compares it with the reference, and on a difference
fails with how many cases failed, the first (expected and returned values for a visible case),
and what the diagnosis engine finds true of all of them.
"""

from __future__ import annotations

from grader.judge.judging import Judge, check_values


def check_answers(judge: Judge, exercise: str, *groups: str) -> None:
    """Judge every case of these groups; the diagnosis engine says what the failures share
    (grader.judge.judging.check_values, the same check the course's own exercises use)."""
    check_values(judge, exercise, *groups)
