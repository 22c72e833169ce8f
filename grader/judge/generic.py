"""A check for any exercise, from its answer form alone: what a new exercise's check file uses.

`check_answers(judge, EX, *groups)` turns each returned value into the exercise's answer form
(a pair of arrays, an array, or a count), compares it with the reference, and on a difference
fails with how many cases failed, the first (expected and returned values for a visible case),
and what the diagnosis engine finds true of all of them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.judge.judging import Answer, Judge, check_values
from grader.verdict import Failed

DIGITS = 12  # enough to show a difference the comparison (rtol 1e-9) can see


def check_answers(judge: Judge, exercise: str, *groups: str) -> None:
    """Judge every case of these groups; the diagnosis engine says what the failures share
    (grader.judge.judging.check_values, the same check the course's own exercises use)."""
    check_values(judge, exercise, *groups)


def as_form(kind: str, exercise: str, answer: Answer) -> Any:
    """The returned value in the answer's form, or a Failed saying what came back instead."""
    got, case = answer.returned, answer.case
    func = f"`{exercise}`"
    if got.kind == "none" and kind != "count":
        raise Failed(f"{func} returned None ({case.label}). Did you forget a `return` statement?")
    if kind == "pair":
        items = got.items if got.kind == "seq" else ()
        if len(items) == 2 and all(i.kind == "array" for i in items):
            return items[0].array, items[1].array
        array = got.as_array()
        if array is not None and array.ndim >= 1 and len(array) == 2:
            return array[0], array[1]
        raise Failed(f"{func} returned {got.describe()} ({case.label}); it should return a pair.")
    if kind == "count":
        if got.kind == "none":
            return None
        value = got.as_array()
        if value is None or value.shape != () or value != int(value):
            raise Failed(f"{func} returned {got.describe()} ({case.label}); expected a count.")
        return int(value)
    value = got.as_array()
    if value is None:
        raise Failed(f"{func} returned {got.describe()} ({case.label}); expected an array.")
    return value


def show(value: Any) -> str:
    if value is None or isinstance(value, int):
        return str(value)
    if isinstance(value, tuple):
        return "(" + ", ".join(show(v) for v in value) + ")"
    return np.array2string(np.asarray(value, dtype=float), precision=DIGITS, separator=", ")
