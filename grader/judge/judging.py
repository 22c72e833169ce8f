"""What the hidden checks share: turning outcomes into verdicts and student values into answers.

Pure judging: nothing here runs student code or prints. A value check judges every sub-case of
its groups (`check_values`), says how many failed, shows the first with enough digits to see
the difference, and adds what `diagnose` finds true of all of them. The property checks
(`check_unchanged`, `check_again`) count only when the answers are right too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from grader.exercises import spec
from grader.exercises.base import Case, Unreadable
from grader.judge import diagnose
from grader.judge.display import describe_failure, values
from grader.judge.findings import first_differing_row
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
        self._expected: dict[str, Any] = {}
        self._judged: dict[tuple[str, str], tuple[diagnose.Sub, str]] = {}

    def expected(self, case: Case) -> Any:
        """The reference's answer, computed once per case (several checks read each one)."""
        if case.id not in self._expected:
            self._expected[case.id] = self.reference.expected(case)
        return self._expected[case.id]

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
            yield Answer(case, self.outcomes[case.id], self.expected(case))

    def judged(self, exercise: str, case: Case) -> tuple[diagnose.Sub, str]:
        """`judged` for a case that returned normally, once per case: the value checks, the
        diagnosis' context and both property checks all read each answer."""
        key = (exercise, case.id)
        if key not in self._judged:
            answer = Answer(case, self.outcomes[case.id], self.expected(case))
            self._judged[key] = judged(exercise, answer)
        return self._judged[key]

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


# ---- reading what the student returned ------------------------------------------------------


def read(exercise: str, answer: Answer) -> Any:
    """The returned value in the exercise's answer form; raises Failed if it is not one."""
    try:
        return spec(exercise).answer.read(answer.returned, answer.expected)
    except Unreadable as exc:
        raise Failed(f"`{exercise}` returned {exc} ({answer.case.label})") from None


def as_pair(exercise: str, answer: Answer) -> tuple[np.ndarray, np.ndarray]:
    """(theta', v') from a step function's return value, or a Failed naming what is off."""
    from grader.exercises.base import PAIR

    try:
        return PAIR.read(answer.returned, None)  # type: ignore[no-any-return]
    except Unreadable as exc:
        raise Failed(f"`{exercise}` returned {exc} ({answer.case.label})") from None


def judged(exercise: str, answer: Answer) -> tuple[diagnose.Sub, str]:
    """The sub-case as judged, and why its value could not be read ("" if it could)."""
    form = spec(exercise).answer
    try:
        got = form.read(answer.returned, answer.expected)
    except Unreadable as exc:
        return diagnose.Sub(answer.case, diagnose.UNREAD, answer.expected, False), str(exc)
    ok = diagnose.same(exercise, got, answer.expected)
    return diagnose.Sub(answer.case, got, answer.expected, ok, answer.returned.aliased), ""


# ---- the checks -------------------------------------------------------------------------------


def check_values(judge: Judge, exercise: str, *groups: str) -> None:
    """Judge every sub-case of these groups against the reference; one Failed for all."""
    judged_subs = [judge.judged(exercise, a.case) for a in judge.results(exercise, *groups)]
    subs = [s for s, _ in judged_subs]
    if all(s.ok for s in subs):
        return
    failing = [(s, why) for s, why in judged_subs if not s.ok]
    if not failing:
        return
    first, why = failing[0]
    form = spec(exercise).answer
    func = f"`{exercise}`"
    if why:
        text = f"{func} returned {why} ({first.case.label})"
    else:
        text = describe_failure(form, first.case, first.got, first.expected)
    if len(subs) > 1:
        text = f"Failed {len(failing)} of {len(subs)} cases; the first: {text}"
    diagnosis = diagnose.diagnose(exercise, subs, exercise, _context(judge, exercise, groups))
    if diagnosis.cause is not None:
        text += f"\nLikely cause: {diagnosis.cause.message}"
    else:
        every = "every failing case" if len(failing) > 1 else "this case"
        text += "".join(f"\nOn {every}: {o}" for o in diagnosis.observations)
        if diagnosis.pattern:
            text += f"\n{diagnosis.pattern}"
    raise Failed(text)


def _context(judge: Judge, exercise: str, groups: tuple[str, ...]) -> list[diagnose.Sub]:
    """The exercise's other value cases that returned normally: a candidate cause must agree
    with the ones that passed there too."""
    out = []
    for case, outcome in judge.all_outcomes(exercise):
        if case.group in groups or case.repeats or outcome.status != "ok":
            continue
        out.append(judge.judged(exercise, case)[0])
    return out


def _wrong_answers(judge: Judge, exercise: str) -> list[Case]:
    wrong = []
    for case, outcome in judge.all_outcomes(exercise):
        raise_for_outcome(exercise, case, outcome)
        if not judge.judged(exercise, case)[0].ok:
            wrong.append(case)
    return wrong


def _counts_only_when_right(judge: Judge, exercise: str, what: str) -> None:
    """A property check earns nothing for a function that does not answer right (a function
    that returns None leaves its arguments unchanged too)."""
    wrong = _wrong_answers(judge, exercise)
    if wrong:
        total = len(judge.all_outcomes(exercise))
        raise Failed(
            f"`{exercise}` {what}, but this check counts only when the answers are right, and "
            f"{len(wrong)} of {total} were not (first: {wrong[0].label}; see the checks above)."
        )


def check_unchanged(judge: Judge, exercise: str) -> None:
    """Fail if any call changed an array argument in place, or any answer is wrong."""
    names = {str(i): name for i, name in enumerate(spec(exercise).parameters)}
    pairs = judge.all_outcomes(exercise)
    # A call that changed an argument and then crashed still changed it: say that first.
    for case, outcome in pairs:
        for key in outcome.mutated:
            name = names.get(key, key)
            raise Failed(
                f"`{exercise}` changed its argument `{name}` in place ({case.label}). Build new "
                f"arrays (`x = x - ...`, or start from `np.array({name}, dtype=float)`) instead "
                "of `x -= ...` or `x[i] = ...` on the caller's array."
            )
    for case, outcome in pairs:
        raise_for_outcome(exercise, case, outcome)
    _counts_only_when_right(judge, exercise, "left its arguments unchanged")


def check_again(judge: Judge, exercise: str) -> None:
    """The same call made again (at once, and after other calls) gives the same answer."""
    pairs = judge.all_outcomes(exercise)
    by_id = {c.id: (c, o) for c, o in pairs}
    form = spec(exercise).answer
    for case, outcome in pairs:
        if not case.repeats:
            continue
        earlier, earlier_outcome = by_id[case.repeats]
        raise_for_outcome(exercise, earlier, earlier_outcome)
        raise_for_outcome(exercise, case, outcome)
        expected = judge.expected(case)
        first = read(exercise, Answer(earlier, earlier_outcome, expected))
        again = read(exercise, Answer(case, outcome, expected))
        if not diagnose.same(exercise, first, again):
            shown = _difference(form, first, again)
            raise Failed(
                f"`{exercise}` gave a different answer to the same call ({case.label}):\n"
                f"{shown}\nIt keeps state between calls (a global, a mutable default argument "
                "such as v=[], or an attribute): every call must start from its arguments alone."
            )
    _counts_only_when_right(judge, exercise, "gave the same answer to the same call")


def _difference(form: Any, first: Any, again: Any) -> str:
    """Two answers side by side; for a table (a trajectory), the first row where they differ."""
    a, b = (np.asarray(v, dtype=float) if len(form.names) == 1 else None for v in (first, again))
    if a is not None and b is not None and a.ndim == 2 and a.shape == b.shape:
        row = first_differing_row(a, b)
        pairs = (("first call", a[row]), ("called again", b[row]))
        return f"  row {row} of the {form.names[0]}:\n" + values(form, pairs)
    return values(form, (("first call", first), ("called again", again)))
