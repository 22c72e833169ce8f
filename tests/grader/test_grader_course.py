"""The course checks itself: solutions pass, stubs are not attempted, known-wrong code fails
with its diagnosis, and correct-but-unusual code passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.course import load_course
from grader.instructor.known_wrong import build_submission, discover
from grader.instructor.selfcheck import named_causes
from grader.judge.reference import SolutionReference
from grader.judge.runner import run_checks
from grader.verdict import NOT_ATTEMPTED, PASSED
from helpers import REPO, SOLUTIONS, append, make_course

COURSE = load_course(REPO)
REFERENCE = SolutionReference(SOLUTIONS)
RIGHT = sorted((REPO / "tests" / "submissions" / "right").glob("*.py"))


def grade(root: Path, names: list[str] | None = None, seed: int = 11, timeout: float = 5.0):
    course = load_course(root)
    exercises = [course.exercise(n) for n in names] if names else list(course.exercises)
    return run_checks(course, exercises, seed, timeout=timeout, reference=REFERENCE)


@pytest.mark.parametrize("seed", [0, 1, 2024, 999_999])
def test_every_solution_passes_every_check(tmp_path, seed):
    run = grade(make_course(tmp_path), seed=seed)
    failures = [(c.exercise, c.name, c.message) for e in run.exercises for c in e.checks
                if c.status != PASSED]  # fmt: skip
    assert failures == []
    assert run.score == run.max_score == sum(e.points for e in COURSE.exercises)


def test_every_stub_is_not_attempted(tmp_path):
    run = grade(make_course(tmp_path, solved=False))
    assert [e.status for e in run.exercises] == [NOT_ATTEMPTED] * len(COURSE.exercises)
    assert run.score == 0
    for exercise in run.exercises:
        assert all("NotImplementedError" in c.message for c in exercise.checks)


def test_a_function_that_calls_an_unfinished_one_says_so(tmp_path):
    # optimize solved, momentum_step still a stub: optimize calls it and cannot finish.
    source = (
        (SOLUTIONS / "momentum.py")
        .read_text()
        .replace(
            "    theta = np.asarray(theta, dtype=float)\n"
            "    velocity = np.asarray(velocity, dtype=float)",
            "    raise NotImplementedError\n    theta = 0\n    velocity = 0",
        )
    )
    run = grade(make_course(tmp_path, files={"momentum.py": source}), ["optimize"])
    (opt,) = run.exercises
    messages = {c.message for c in opt.checks if c.status == NOT_ATTEMPTED}
    assert any("calls `momentum_step`" in m for m in messages)


KNOWN_WRONG = discover(COURSE)


def test_every_exercise_has_known_wrong_implementations():
    assert {k.exercise for k in KNOWN_WRONG} == set(COURSE.names)
    assert len(KNOWN_WRONG) >= 30


@pytest.mark.parametrize("wrong", KNOWN_WRONG, ids=lambda k: f"{k.exercise}-{k.name}")
def test_known_wrong_implementation_fails_with_its_diagnosis(tmp_path, wrong):
    root = build_submission(COURSE, wrong, tmp_path)
    (result,) = grade(root, [wrong.exercise], seed=5).exercises
    assert result.status == wrong.status
    assert result.score < result.max_score
    feedback = "\n".join(c.message for c in result.checks if c.status != PASSED)
    assert wrong.diagnosis.lower() in feedback.lower()
    assert len(named_causes(c.message for c in result.checks)) <= 1  # one mistake, one cause


@pytest.mark.parametrize("path", RIGHT, ids=lambda p: p.stem)
def test_correct_but_unusual_code_passes(tmp_path, path):
    text = path.read_text()
    target = text.splitlines()[0].removeprefix("# file: ").strip()
    exercise = text.splitlines()[1].removeprefix("# exercise: ").strip()
    run = grade(make_course(tmp_path, files=append(target, text)), [exercise], seed=3)
    (result,) = run.exercises
    assert [(c.name, c.message) for c in result.checks if c.status != PASSED] == []


def test_there_are_unusual_correct_submissions():
    assert len(RIGHT) >= 5
