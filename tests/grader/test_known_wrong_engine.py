"""Every known-wrong file over many seeds: its diagnosis every time, and no cause named that the
evidence does not single out.

A named cause ("Likely cause: ...") is a claim. For each check that names one, this test
recomputes, independently of the engine's own bookkeeping, that the cause reproduces every
failing sub-case of that check, agrees with every passing one, and that no other candidate (a
listed mistake or a parameter substitution) does the same while also predicting what the code
returned on the exercise's other cases.
"""

from __future__ import annotations

import importlib
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from grader.course import load_course
from grader.exercises import spec
from grader.instructor.known_wrong import build_submission, discover
from grader.instructor.tasks import FixedReference
from grader.judge import cases as case_builder
from grader.judge import diagnose
from grader.judge.judging import Answer, Judge, judged
from grader.judge.reference import SolutionReference, materialise
from grader.sandbox.process import run_calls
from grader.verdict import Verdict
from helpers import REPO, SOLUTIONS

pytestmark = pytest.mark.slow

COURSE = load_course(REPO)
REFERENCE = SolutionReference(SOLUTIONS)
SEEDS = (3, 17, 101, 2024, 77_777)
KNOWN_WRONG = discover(COURSE)


def _cases(exercise: str, seed: int) -> list:
    """The exercise's cases for one seed, with ids made unique across seeds."""
    out = []
    for case in case_builder.build([COURSE.exercise(exercise)], seed):
        repeats = f"{seed}:{case.repeats}" if case.repeats else ""
        out.append(replace(case, id=f"{seed}:{case.id}", repeats=repeats))
    return out


def _same(exercise: str, a, b) -> bool:
    try:
        return bool(spec(exercise).answer.same(a, b))
    except (TypeError, ValueError):
        return False


def _predict(candidate: diagnose.Candidate, case):
    p = materialise(case.params)
    if not candidate.applies(p):
        return None, False
    with np.errstate(all="ignore"):
        try:
            return candidate.compute(materialise(case.params)), True
        except (ArithmeticError, ValueError, TypeError, IndexError):
            return None, False


def _explains(exercise, candidate, failing, passing) -> bool:
    for sub in failing:
        wrong, ok = _predict(candidate, sub.case)
        if not ok or sub.got is diagnose.UNREAD or not _same(exercise, sub.got, wrong):
            return False
        if _same(exercise, sub.expected, wrong):
            return False
    for sub in passing:
        wrong, ok = _predict(candidate, sub.case)
        if ok and not _same(exercise, sub.expected, wrong):
            return False
    return True


def _gives(exercise, candidate, sub) -> bool:
    """Where the candidate applies, it predicts what the code returned (right or wrong)."""
    wrong, ok = _predict(candidate, sub.case)
    return not ok or sub.got is diagnose.UNREAD or _same(exercise, sub.got, wrong)


def _feedback(exercise: str, judge: Judge) -> list[str]:
    checks = importlib.import_module(f"grader.checks.check_{exercise}")
    messages = []
    for name in dir(checks):
        if name.startswith("test_"):
            try:
                getattr(checks, name)(judge)
            except Verdict as verdict:
                messages.append(str(verdict))
    return messages


def _audit(exercise: str, judge: Judge, where: str) -> None:
    value_groups = sorted({c.group for c in judge.cases if not c.repeats})
    everything = [
        judged(exercise, Answer(c, o, judge.reference.expected(c)))[0]
        for c, o in judge.all_outcomes(exercise)
        if o.status == "ok" and not c.repeats
    ]
    for group in value_groups:
        subs = [s for s in everything if s.case.group == group]
        failing = [s for s in subs if not s.ok]
        if not failing or len(subs) < len([c for c in judge.cases if c.group == group]):
            continue  # all right, or a call raised (then the check reports the error)
        context = [s for s in everything if s.case.group != group]
        found = diagnose.diagnose(exercise, subs, context=context)
        if found.cause is None:
            continue
        passing = [s for s in subs if s.ok]
        cause = next(c for c in diagnose.candidates(exercise) if c.key == found.cause.key)
        assert _explains(exercise, cause, failing, passing), (
            f"{where} {group}: {cause.key} is named but does not reproduce every failing case"
        )
        if cause.key.startswith("mistake:"):
            assert all(_gives(exercise, cause, s) for s in context), (
                f"{where} {group}: {cause.key} is named but the code's other answers refute it"
            )
        rivals = [
            c.key
            for c in diagnose.candidates(exercise)
            if c.key != cause.key
            and _explains(exercise, c, failing, passing)
            and all(_gives(exercise, c, s) for s in context)
        ]
        assert not rivals, f"{where} {group}: {cause.key} is named while {rivals} fit as well"


@pytest.mark.parametrize("wrong", KNOWN_WRONG, ids=lambda k: f"{k.exercise}-{k.name}")
def test_known_wrong_over_many_seeds(tmp_path: Path, wrong) -> None:
    root = build_submission(COURSE, wrong, tmp_path)
    by_seed = {seed: _cases(wrong.exercise, seed) for seed in SEEDS}
    calls = [c.call() for cases in by_seed.values() for c in cases]
    outcomes = run_calls(calls, root / "exercises", timeout=5.0)
    for seed, cases in by_seed.items():
        where = f"known_wrong/{wrong.exercise}/{wrong.path.name} seed {seed}:"
        judge = Judge(cases, outcomes, FixedReference.compute(REFERENCE, cases))
        feedback = _feedback(wrong.exercise, judge)
        assert feedback, f"{where} every check passed"
        text = "\n".join(feedback)
        assert wrong.diagnosis.lower() in text.lower(), f"{where} no {wrong.diagnosis!r} in\n{text}"
        causes = {
            line for m in feedback for line in m.splitlines() if line.startswith("Likely cause:")
        }
        assert len(causes) <= 1, f"{where} several causes named: {causes}"
        assert "``" not in text, f"{where} doubled backticks in\n{text}"
        _audit(wrong.exercise, judge, where)
