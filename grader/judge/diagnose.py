"""The diagnosis engine: what the failing sub-cases of one check have in common.

Candidates are the exercise's named mistakes (declared in its module under grader/exercises/)
and the engine's parameter substitutions (the right method with other parameter values: a
hard-coded default, two parameters swapped, one multiplied into another, a count off by one).
A candidate is shown as the cause only when

- it reproduces every failing sub-case (and differs from the right answer there),
- it agrees with every passing sub-case it applies to, and
- no other candidate does both.

Otherwise the feedback states structural findings (`findings.FINDINGS`): facts about the
numbers that hold on every failing sub-case. Pure functions; no student code runs here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import combinations, permutations
from typing import Any

import numpy as np

from grader.exercises import spec
from grader.exercises.base import REQUIRED, Case, close
from grader.judge import findings
from grader.judge.reference import materialise

__all__ = ["Candidate", "Diagnosis", "Sub", "UNREAD", "candidates", "close", "diagnose", "same"]

UNREAD = object()  # the returned value could not be read in the answer's form
MAX_FINDINGS = 2


@dataclass(frozen=True)
class Sub:
    """One sub-case of a check, judged: what was returned (read), what was expected."""

    case: Case
    got: Any
    expected: Any
    ok: bool
    aliased: bool = False


@dataclass(frozen=True)
class Candidate:
    """A possible explanation: `compute` gives what code with this mistake returns."""

    key: str
    message: str
    compute: Callable[[dict[str, Any]], Any]
    applies: Callable[[dict[str, Any]], bool] = lambda p: True
    label: str = ""  # for a substitution: the parameter values in a few words ("beta = 0")


@dataclass(frozen=True)
class Diagnosis:
    cause: Candidate | None  # shown as "Likely cause:" (unique, see the module docstring)
    fitting: tuple[str, ...]  # keys of every candidate that fits all sub-cases
    observations: tuple[str, ...] = field(default=())
    pattern: str = ""  # which cases fail, when one parameter separates them from the passing


def same(exercise: str, got: Any, expected: Any) -> bool:
    """Equal within float64 rounding, in the form of the exercise's answer."""
    try:
        return bool(spec(exercise).answer.same(got, expected))
    except (TypeError, ValueError):
        return False


def candidates(exercise: str) -> list[Candidate]:
    """The exercise's named mistakes, then the engine's parameter substitutions."""
    s = spec(exercise)
    out = [Candidate(f"mistake:{m.key}", m.message, m.compute, m.applies) for m in s.mistakes]
    return out + substitutions(s.signature, s.correct)


def substitutions(signature: Sequence[tuple[str, Any]],
                  correct: Callable[[dict[str, Any]], Any]) -> list[Candidate]:  # fmt: skip
    """The right method run with other values of its parameters, from the signature alone.

    Real-valued parameters (default at least 0.01; tolerances are left alone): the default
    (hard-coded), 0 (a term left out), two swapped, one multiplied by another or by one minus
    another. Whole numbers:
    one more, one fewer, the default. Flags: always True, always False."""
    reals = [n for n, d in signature if isinstance(d, float) and abs(d) >= 0.01]
    whole = [n for n, d in signature if isinstance(d, int) and not isinstance(d, bool)]
    flags = [n for n, d in signature if isinstance(d, bool)]
    defaults = dict(signature)
    out: list[Candidate] = []

    def sub(key: str, message: str, change: Callable[[dict[str, Any]], dict[str, Any]],
            applies: Callable[[dict[str, Any]], bool], label: str) -> None:  # fmt: skip
        out.append(Candidate(f"sub:{key}", message, lambda p: correct({**p, **change(p)}),
                             applies, label))  # fmt: skip

    for n in reals + whole:
        d = defaults[n]
        sub(f"{n}={d}", f"the result is the expected one for {n} = {d} whatever {n} is passed: "
            f"use the `{n}` argument, not a constant.", lambda p, n=n, d=d: {n: d},
            lambda p, n=n, d=d: p[n] != d, f"{n} = {d} (a constant)")  # fmt: skip
    for n in reals:
        sub(f"{n}=0", f"the result is the expected one for {n} = 0, as if the term with {n} "
            "were left out.", lambda p, n=n: {n: 0.0}, lambda p, n=n: p[n] != 0,
            f"{n} = 0")  # fmt: skip
    for a, b in combinations(reals, 2):
        sub(f"{a}<->{b}", f"the result is the expected one with {a} and {b} swapped: check "
            f"where {a} and {b} are passed and used.", lambda p, a=a, b=b: {a: p[b], b: p[a]},
            lambda p, a=a, b=b: p[a] != p[b], f"{a} and {b} swapped")  # fmt: skip
    for a, b in permutations(reals, 2):
        sub(f"{a}*{b}", f"the result is the expected one with {a} replaced by {a}·{b}: {b} "
            "multiplies a term it should not.", lambda p, a=a, b=b: {a: p[a] * p[b]},
            lambda p, b=b: p[b] != 1, f"{a} = {a}·{b}")  # fmt: skip
    for a, b in permutations(reals, 2):
        # v ← βv − α(1 − β)∇f: the damped (exponential-average) form, as in Adam's first moment.
        sub(f"{a}*(1-{b})", f"the result is the expected one with {a} replaced by "
            f"{a}·(1 − {b}): a (1 − {b}) factor, as in an exponential average, multiplies a "
            "term it should not.", lambda p, a=a, b=b: {a: p[a] * (1 - p[b])},
            lambda p, b=b: p[b] != 0, f"{a} = {a}·(1 − {b})")  # fmt: skip
    for n in whole:
        sub(f"{n}+1", f"the result is the expected one for {n} + 1: one more than passed "
            "(check the loop's bounds).", lambda p, n=n: {n: p[n] + 1}, lambda p: True,
            f"{n} + 1")  # fmt: skip
        sub(f"{n}-1", f"the result is the expected one for {n} − 1: one fewer than passed "
            "(check the loop's bounds).", lambda p, n=n: {n: p[n] - 1},
            lambda p, n=n: p[n] >= 1, f"{n} − 1")  # fmt: skip
    for n in flags:
        for value in (True, False):
            sub(f"{n}={value}", f"the result is the expected one for {n}={value} whatever {n} "
                f"is passed: check how the `{n}` flag is used.", lambda p, n=n, v=value: {n: v},
                lambda p, n=n, v=value: p[n] != v, f"{n}={value} (whatever is passed)")  # fmt: skip
    return out


def predict(candidate: Candidate, case: Case) -> Any:
    """What code with this mistake returns on this case, or UNREAD if it does not apply."""
    if not candidate.applies(materialise(case.params)):
        return UNREAD
    with np.errstate(all="ignore"):
        try:
            return candidate.compute(materialise(case.params))
        except (ArithmeticError, ValueError, TypeError, IndexError):
            return UNREAD


def reproduces(exercise: str, candidate: Candidate, sub: Sub) -> bool:
    """The candidate gives exactly this failing answer, and that answer is wrong."""
    wrong = predict(candidate, sub.case)
    return (
        wrong is not UNREAD
        and sub.got is not UNREAD
        and same(exercise, sub.got, wrong)
        and not same(exercise, sub.expected, wrong)
    )


def agrees(exercise: str, candidate: Candidate, sub: Sub) -> bool:
    """A passing sub-case does not contradict the candidate (it predicts the right answer,
    or does not apply)."""
    wrong = predict(candidate, sub.case)
    return wrong is UNREAD or same(exercise, sub.expected, wrong)


def fitting(exercise: str, subs: Sequence[Sub], context: Sequence[Sub] = ()) -> list[Candidate]:
    """Every candidate that reproduces all failing sub-cases and agrees with the passing ones.

    The `context` sub-cases (the exercise's other checks) rule out the candidates they
    contradict (the candidate applies there and predicts another answer than the code gave):
    always for a listed mistake, and among several parameter substitutions to break a tie."""
    failing = [s for s in subs if not s.ok]
    passing = [s for s in subs if s.ok]
    if not failing:
        return []
    fits = [
        c for c in candidates(exercise)
        if all(reproduces(exercise, c, s) for s in failing)
        and all(agrees(exercise, c, s) for s in passing)
    ]  # fmt: skip
    # A listed mistake describes the whole function, so it must also predict what the code
    # gave on the exercise's other cases. A substitution describes this check's numbers only
    # (code may use lr and beta differently in another branch); the other cases only break ties.
    fits = [
        c for c in fits
        if not c.key.startswith("mistake:") or all(consistent(exercise, c, s) for s in context)
    ]  # fmt: skip
    if len(fits) > 1:
        fits = [c for c in fits if all(consistent(exercise, c, s) for s in context)]
    return fits


def consistent(exercise: str, candidate: Candidate, sub: Sub) -> bool:
    """Where the candidate applies, it gives what the code gave (right or wrong)."""
    wrong = predict(candidate, sub.case)
    return wrong is UNREAD or sub.got is UNREAD or same(exercise, sub.got, wrong)


def diagnose(exercise: str, subs: Sequence[Sub], func: str = "",
             context: Sequence[Sub] = ()) -> Diagnosis:  # fmt: skip
    """The cause when exactly one candidate fits, and the structural findings."""
    func = func or exercise  # messages put it in backticks themselves: `{func}`
    fits = fitting(exercise, subs, context)
    cause = fits[0] if len(fits) == 1 else None
    if cause is not None:
        cause = Candidate(cause.key, cause.message.format(func=func), cause.compute, cause.applies,
                          cause.label)  # fmt: skip
    observations = observe(exercise, subs)
    labels = [c.label for c in fits if c.label]
    if len(fits) > 1 and len(labels) == len(fits):
        # Only parameter values fit, several equally: each is a fact about the numbers.
        ways = "; or ".join(labels)
        observations = (
            f"the result equals the expected one for other parameter values: {ways}. These "
            "cases cannot tell which.",
            *observations,
        )[:MAX_FINDINGS]
    pattern = ""
    if cause is None:
        pattern = (_defaults(exercise, subs, context) or _split(subs)
                   or _stale(exercise, subs, context) or "")  # fmt: skip
    return Diagnosis(cause, tuple(c.key for c in fits), observations, pattern)


def observe(exercise: str, subs: Sequence[Sub]) -> tuple[str, ...]:
    """Structural findings that hold on every failing (readable) sub-case."""
    s = spec(exercise)
    failing = [
        findings.Failing(x.got, x.expected, x.case.params, x.aliased)
        for x in subs
        if not x.ok and x.got is not UNREAD
    ]
    if not failing or len(failing) < len([x for x in subs if not x.ok]):
        return ()
    out: list[str] = []
    with np.errstate(all="ignore"):
        for finding in (*s.findings, *findings.FINDINGS):  # the exercise's own are the sharper
            try:
                text = (
                    finding(s.answer, failing)  # type: ignore[call-arg]
                    if finding in findings.FINDINGS
                    else finding([(f.got, f.expected, f.params) for f in failing])
                )
            except (ArithmeticError, ValueError, TypeError, IndexError):
                text = None
            if text:
                out.append(text)
    return tuple(out[:MAX_FINDINGS])


def _defaults(exercise: str, subs: Sequence[Sub], context: Sequence[Sub]) -> str | None:
    """Only the calls that leave arguments out fail, and calls that pass them all succeed: the
    defaults in the student's `def` line differ from the stub's."""
    every = [*subs, *context]
    failing = [s for s in every if not s.ok]
    if not failing or any(s.case.style != "defaults" for s in failing):
        return None
    if not any(s.ok and s.case.style != "defaults" for s in every):
        return None
    wanted = ", ".join(f"{n}={d!r}" for n, d in spec(exercise).signature if d is not REQUIRED)
    return (
        "Only the calls that leave out arguments (relying on the defaults) fail; every call "
        f"that passes them all succeeds. Check the defaults in your `def` line: {wanted}."
    )


def _stale(exercise: str, subs: Sequence[Sub], context: Sequence[Sub]) -> str | None:
    """Every failing answer is the right answer to another call with other arguments: the
    sign of an answer kept from an earlier call (a cache keyed on too little, a global).
    Counts are left out: small whole numbers coincide too easily."""
    if spec(exercise).answer.kind == "count":
        return None
    failing = [s for s in subs if not s.ok and s.got is not UNREAD]
    if not failing or len(failing) < len([s for s in subs if not s.ok]):
        return None
    others = [s for s in (*subs, *context) if not s.case.repeats]
    for sub in failing:
        if not any(o.case.id != sub.case.id and same(exercise, sub.got, o.expected)
                   for o in others):  # fmt: skip
            return None
    return (
        "Every failing answer is the right answer to another of these calls, made with other "
        "arguments: is an answer kept from an earlier call (a cache keyed on some arguments "
        "only, a global)?"
    )


def _numbers(case: Case) -> dict[str, float]:
    """The case's real parameters, and d (the length of its first 1-D array argument)."""
    out = {k: float(v) for k, v in case.params.items()
           if isinstance(v, float | int) and not isinstance(v, bool)}  # fmt: skip
    for v in case.params.values():
        if isinstance(v, np.ndarray | list) and np.ndim(v) == 1:
            out["d"] = float(len(v))
            break
    return out


def _split(subs: Sequence[Sub]) -> str | None:
    """A parameter that separates the failing cases from the passing ones: code that goes
    wrong only for d = 1, or only for beta above 0.9, fails exactly there."""
    failing = [_numbers(s.case) for s in subs if not s.ok]
    passing = [_numbers(s.case) for s in subs if s.ok]
    if len(failing) < 2 or len(passing) < 2:
        return None
    for name in sorted(set.intersection(*(set(x) for x in failing + passing))):
        bad = [x[name] for x in failing]
        good = [x[name] for x in passing]
        if len(set(bad + good)) < 4:
            continue  # designed cases share values (every edge case has d = 2 or 4): no spread
        if len(set(bad)) == 1 and bad[0] not in good and name == "d":
            return f"Only the cases with d = {bad[0]:g} fail; every other d passes."
        if min(bad) > max(good):
            return (f"Exactly the cases with {name} ≥ {min(bad):g} fail; every case with "
                    f"{name} ≤ {max(good):g} passes.")  # fmt: skip
        if max(bad) < min(good):
            return (f"Exactly the cases with {name} ≤ {max(bad):g} fail; every case with "
                    f"{name} ≥ {min(good):g} passes.")  # fmt: skip
    return None
