"""What the hidden checks share: turning outcomes into verdicts and student values into arrays.

Pure judging: nothing here runs student code or prints. The checks call `Judge.results` for a
group of cases and compare each answer with `same`, naming known mistakes with `diagnose`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from grader.exercises import spec
from grader.exercises.base import Case
from grader.judge import diagnose
from grader.sandbox.protocol import Outcome, Returned
from grader.verdict import Failed, NotAttempted, StudentError, StudentTimeout


@dataclass(frozen=True)
class Answer:
    """One case, what the student's function returned, and what it should have returned."""

    case: Case
    outcome: Outcome
    expected: Any

    @property
    def returned(self) -> Returned:
        assert self.outcome.value is not None
        return self.outcome.value


class Judge:
    """Cases, their outcomes from the sandbox and the expected values, for the checks."""

    def __init__(self, cases: list[Case], outcomes: dict[str, Outcome], reference: Any) -> None:
        self.cases = cases
        self.outcomes = outcomes
        self.reference = reference

    def results(self, exercise: str, *groups: str) -> Iterator[Answer]:
        """The answers for these groups; raises the verdict of the first call that did not
        return normally (not attempted, error, timeout)."""
        selected = [
            c for c in self.cases if c.exercise == exercise and (not groups or c.group in groups)
        ]
        if not selected:
            raise AssertionError(f"no cases for {exercise} {groups}")  # a bug in the checks
        two_d_ok = any(
            self.outcomes[c.id].status == "ok" and _dimension(c) == 2
            for c in self.cases
            if c.exercise == exercise
        )
        for case in selected:
            raise_for_outcome(exercise, case, self.outcomes[case.id], two_d_ok)
        for case in selected:
            yield Answer(case, self.outcomes[case.id], self.reference.expected(case))

    def all_outcomes(self, exercise: str) -> list[tuple[Case, Outcome]]:
        return [(c, self.outcomes[c.id]) for c in self.cases if c.exercise == exercise]


def raise_for_outcome(exercise: str, case: Case, outcome: Outcome, two_d_ok: bool = False) -> None:
    """Raise the verdict for a call that did not return normally; return if it did.

    two_d_ok: a 2-D case of this function worked, so an IndexError elsewhere hints at
    hard-coded dimensions."""
    func = f"`{exercise}`"
    status = outcome.status
    if status == "ok":
        return
    printed = _printed(outcome.stdout)
    if status == "not_implemented":
        inner = outcome.function
        if inner and inner != exercise:
            raise NotAttempted(
                f"{func} calls `{inner}`, which still raises NotImplementedError. "
                f"Finish `{inner}` first, or write {func} without it."
            )
        raise NotAttempted(
            f"{func} still raises NotImplementedError: replace the `raise` line in "
            f"exercises/{_file(case)} with your code. `grader hint {exercise}` helps."
        )
    if status in ("timeout", "crash"):
        if outcome.scope == "skipped":
            where = f"{func} did not finish on an earlier case, so these cases were not run"
            if status == "crash":
                where = f"{func} ended the process on an earlier case, so these cases were not run"
            raise (StudentTimeout if status == "timeout" else StudentError)(f"{where}.")
        label = "" if outcome.scope == "import" else f" ({case.label})"
        if status == "crash":
            raise StudentError(f"{outcome.error}{label}." + printed)
        raise StudentTimeout(
            f"{outcome.error}{label}. Is there a loop that never ends? A `while` loop whose "
            "condition never changes, or a recursion without a base case?" + printed
        )
    if status == "import_error":
        raise StudentError(
            f"exercises/{_file(case)} could not be imported, so {func} was not run:\n"
            f"{outcome.error.rstrip()}" + printed
        )
    if status == "missing":
        raise StudentError(
            f"exercises/{_file(case)} has no function {func}. Keep the name and signature "
            "from the stub (did you rename or delete it?)."
        )
    if status == "exit":
        raise StudentError(
            f"{func} called {outcome.error} ({case.label}). Return a value instead of "
            "ending the program." + printed
        )
    raise StudentError(
        f"{func} raised {outcome.error_type} ({case.label}):\n{outcome.error.rstrip()}"
        + (_dimension_hint(case, outcome) if two_d_ok else "")
        + printed
    )


def _dimension(case: Case) -> int | None:
    theta = case.params.get("theta", case.params.get("theta0"))
    return None if theta is None else len(theta)


def _dimension_hint(case: Case, outcome: Outcome) -> str:
    d = _dimension(case)
    if outcome.error_type in ("IndexError", "ValueError") and d is not None and d != 2:
        return (
            f"\nIt looks like only 2 dimensions work: this case has d = {d}. Use "
            "whole-array arithmetic (theta - lr * grad) instead of theta[0], theta[1]."
        )
    return ""


def _file(case: Case) -> str:
    return case.module + ".py"


def _printed(stdout: str) -> str:
    stdout = stdout.strip()
    return f"\nYour code printed:\n{stdout}" if stdout else ""


# ---- turning returned values into the expected form ------------------------------------------


def as_pair(exercise: str, answer: Answer) -> tuple[np.ndarray, np.ndarray]:
    """(theta', v') from a step function's return value, or a Failed naming what is off."""
    got, case = answer.returned, answer.case
    func = f"`{exercise}`"
    if got.kind == "none":
        raise Failed(f"{func} returned None ({case.label}). Did you forget a `return` statement?")
    items = got.items if got.kind == "seq" else ()
    if (
        got.kind == "array"
        and got.array is not None
        and got.array.ndim == 2
        and len(got.array) == 2
    ):
        items = ()
        pair = (got.array[0], got.array[1])
    elif len(items) == 2 and all(i.kind == "array" for i in items):
        pair = (items[0].array, items[1].array)  # type: ignore[assignment]
    else:
        raise Failed(
            f"{func} returned {got.describe()} ({case.label}); it should return a pair "
            "(theta', velocity'): `return new_theta, new_velocity`."
        )
    d = len(case.params["theta"])
    for name, value in zip(("theta'", "velocity'"), pair, strict=True):
        if value.shape != (d,):
            hint = (
                " (it looks like the example's 2 dimensions are hard-coded)"
                if value.shape == (2,)
                else ""
            )
            raise Failed(
                f"{func} returned {name} with shape {value.shape}, expected ({d},) for {case.label}"
                f"{hint}. Work with whole arrays of any length."
            )
    return pair  # type: ignore[return-value]


def check_finite(exercise: str, answer: Answer, value: np.ndarray, expected: np.ndarray) -> None:
    bad = ~np.isfinite(value) & np.isfinite(expected)
    if bad.any():
        where = ""
        if value.ndim == 2:
            where = f" from row {int(np.argwhere(bad)[0][0])} on"
        raise Failed(
            f"`{exercise}` returned NaN or inf{where} ({answer.case.label}), where the "
            "expected values are finite. Look for a division, a wrong sign that makes the "
            "iteration blow up, or an uninitialised array (np.empty)."
        )


def fmt(array: np.ndarray) -> str:
    # Shown to 6 places anyway; + 0.0 turns the -0.0 of rounding into 0.0 ("-0." confuses).
    value = np.round(np.asarray(array, dtype=float), 6) + 0.0
    return np.array2string(value, precision=6, separator=", ", suppress_small=True)


def mistake_or(exercise: str, answer: Answer, got: Any, fallback: str) -> Failed:
    """A Failed naming the known mistake that reproduces `got`, else the fallback message."""
    diagnosis = diagnose.identify(exercise, answer.case.params, got, exercise)
    if diagnosis:
        return Failed(f"{fallback}\nLikely cause: {diagnosis}")
    return Failed(fallback)


def check_unchanged(judge: Judge, exercise: str) -> None:
    """Fail if any call changed an array argument in place."""
    names = {str(i): name for i, name in enumerate(spec(exercise).parameters)}
    pairs = judge.all_outcomes(exercise)
    for case, outcome in pairs:
        raise_for_outcome(exercise, case, outcome)
    for case, outcome in pairs:
        for key in outcome.mutated:
            name = names.get(key, key)
            raise Failed(
                f"`{exercise}` changed its argument `{name}` in place ({case.label}). Build new "
                f"arrays (`x = x - ...`, or start from `np.array({name}, dtype=float)`) instead "
                "of `x -= ...` or `x[i] = ...` on the caller's array."
            )


def check_step(judge: Judge, exercise: str, *groups: str) -> None:
    """Judge a step function (momentum_step, nesterov_step): (theta', v') against the reference."""
    for answer in judge.results(exercise, *groups):
        theta, velocity = as_pair(exercise, answer)
        exp_theta, exp_velocity = answer.expected
        check_finite(exercise, answer, theta, exp_theta)
        check_finite(exercise, answer, velocity, exp_velocity)
        if diagnose.close(theta, exp_theta) and diagnose.close(velocity, exp_velocity):
            continue
        case = answer.case
        if case.visible:
            message = (
                f"For {case.label}:\n"
                f"  expected theta' = {fmt(exp_theta)}, velocity' = {fmt(exp_velocity)}\n"
                f"  got      theta' = {fmt(theta)}, velocity' = {fmt(velocity)}"
            )
        else:
            pairs = (("theta'", theta, exp_theta), ("velocity'", velocity, exp_velocity))
            wrong = " and ".join(n for n, g, e in pairs if not diagnose.close(g, e))
            message = f"For {case.label}: the returned {wrong} differ from the expected values."
        raise mistake_or(exercise, answer, (theta, velocity), message)
