"""`grader selfcheck`: the course's own consistency check, for instructors and CI.

Like rustlings' `dev check` and nbgrader's `validate --invert`: every stub is "not attempted",
every solution passes, every exercise has hints and points, exercises/ and solutions/ mirror
each other, every known-wrong implementation gets its status and its diagnosis, and every quiz
bank validates. Returns findings; the command prints them.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from grader.course import Course, CourseError
from grader.instructor.judge_many import judge_many
from grader.instructor.known_wrong import build_submission, discover
from grader.instructor.tasks import FixedReference, Task
from grader.judge.cases import build
from grader.judge.reference import SolutionReference
from grader.results import RunResult
from grader.sandbox.launchers import batch_launcher
from grader.verdict import NOT_ATTEMPTED, PASSED

NEEDS_SOLUTIONS = (
    "selfcheck needs the full course with its solutions/ folder (not a student edition). "
    "Run it in the instructor's copy, or pass --path"
)


@dataclass(frozen=True)
class Finding:
    ok: bool
    message: str


def selfcheck(course: Course, seed: int, timeout: float = 5.0) -> list[Finding]:
    if not course.solutions_dir.is_dir():
        raise CourseError(NEEDS_SOLUTIONS)
    findings = _metadata(course) + _mirror(course)
    wrongs = discover(course)  # raises CourseError for a malformed file
    with tempfile.TemporaryDirectory(prefix="grader-selfcheck-") as tmp:
        root = Path(tmp)
        tasks = [
            Task("stubs", course.exercises_dir, ()),
            Task("solutions", _solved(course, root), ()),
        ]
        for i, wrong in enumerate(wrongs):
            dest = build_submission(course, wrong, root / f"wrong{i}")
            tasks.append(Task(f"wrong{i}", dest / "exercises", ()))
        try:
            reference = FixedReference.compute(
                SolutionReference(course.solutions_dir), build(course.exercises, seed)
            )
        except Exception as exc:  # noqa: BLE001 - any failure of the solutions is the finding
            message = f"the solutions cannot compute the expected values: {exc!r}"
            return findings + [Finding(False, message)]
        with batch_launcher() as zygote:
            runs = judge_many(tasks, course.exercises, seed, reference, timeout, zygote)
    findings += _stubs(runs["stubs"]) + _solutions(runs["solutions"])
    findings += [_known_wrong(course, w, runs[f"wrong{i}"]) for i, w in enumerate(wrongs)]
    if not wrongs:
        findings.append(Finding(False, "no known_wrong/<exercise>/*.py files: add some"))
    return findings + _quiz(course)


def _metadata(course: Course) -> list[Finding]:
    out = []
    for ex in course.exercises:
        if not ex.hints:
            out.append(Finding(False, f"`{ex.name}` has no hints in grader/course.toml"))
        if ex.points <= 0:
            out.append(Finding(False, f"`{ex.name}` has {ex.points:g} points: give it some"))
    if not out:
        out.append(Finding(True, f"{len(course.exercises)} exercises, each with hints and points"))
    return out


def _mirror(course: Course) -> list[Finding]:
    stubs = {p.name for p in course.exercises_dir.glob("*.py")}
    solved = {p.name for p in course.solutions_dir.glob("*.py")}
    needed = {ex.file for ex in course.exercises}
    out = []
    for name in sorted(needed - stubs):
        out.append(Finding(False, f"exercises/{name} is missing (course.toml lists it)"))
    for name in sorted(needed - solved):
        out.append(Finding(False, f"solutions/{name} is missing (course.toml lists it)"))
    for name in sorted(stubs ^ solved):
        where = "exercises/" if name in stubs else "solutions/"
        other = "solutions/" if name in stubs else "exercises/"
        out.append(Finding(False, f"{where}{name} has no counterpart in {other}"))
    if not out:
        out.append(Finding(True, "exercises/ and solutions/ mirror each other"))
    return out


def _solved(course: Course, root: Path) -> Path:
    target = root / "solved" / "exercises"
    shutil.copytree(course.solutions_dir, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def _stubs(run: RunResult) -> list[Finding]:
    bad = [e for e in run.exercises if e.status != NOT_ATTEMPTED]
    if not bad:
        return [Finding(True, 'every stub in exercises/ is "not attempted"')]
    return [
        Finding(False, f"the stub of `{e.name}` is {e.status}, not \"not attempted\": it should "
                f"only `raise NotImplementedError` ({_first_problem(e)})")
        for e in bad
    ]  # fmt: skip


def _solutions(run: RunResult) -> list[Finding]:
    bad = [e for e in run.exercises if e.status != PASSED]
    if not bad:
        return [Finding(True, "every solution in solutions/ passes")]
    return [
        Finding(False, f"the solution of `{e.name}` does not pass ({e.status}): "
                f"{_first_problem(e)}")
        for e in bad
    ]  # fmt: skip


def _first_problem(exercise) -> str:  # type: ignore[no-untyped-def]
    for check in exercise.checks:
        if check.status != PASSED:
            return f"{check.name}: {check.message.splitlines()[0] if check.message else ''}"
    return "every check passed"


def _known_wrong(course: Course, wrong, run: RunResult) -> Finding:  # type: ignore[no-untyped-def]
    where = f"known_wrong/{wrong.exercise}/{wrong.path.name}"
    result = next(e for e in run.exercises if e.name == wrong.exercise)
    if result.status != wrong.status:
        return Finding(False, f"{where}: expected `{wrong.exercise}` to be {wrong.status}, got "
                       f"{result.status} ({_first_problem(result)})")  # fmt: skip
    messages = "\n".join(c.message for c in result.checks).lower()
    if wrong.diagnosis.lower() not in messages:
        return Finding(False, f"{where}: {result.status} as expected, but no feedback mentions "
                       f"{wrong.diagnosis!r}")  # fmt: skip
    # The engine, not the list, is on trial: one mistake must not read as two causes.
    causes = sorted(named_causes(c.message for c in result.checks))
    if len(causes) > 1:
        return Finding(False, f"{where}: the feedback names {len(causes)} different causes for "
                       f"one mistake: {' | '.join(causes)}")  # fmt: skip
    return Finding(True, f"{where}: {result.status}, diagnosed")


def named_causes(messages) -> set[str]:  # type: ignore[no-untyped-def]
    """The distinct "Likely cause: ..." lines in these feedback messages."""
    return {
        line.strip() for m in messages for line in m.splitlines()
        if line.strip().startswith("Likely cause:")
    }  # fmt: skip


def _quiz(course: Course) -> list[Finding]:
    folder = course.root / "quiz" / "banks"
    if not folder.is_dir():
        return [Finding(False, f"no question banks: {folder} does not exist")]
    from quiz.bank import BankPathError, bank_files, check_files

    try:
        files = bank_files([folder])
    except BankPathError as exc:
        return [Finding(False, str(exc))]
    _, problems = check_files(files)
    if problems:
        return [Finding(False, f"quiz bank: {p}") for p in problems]
    return [Finding(True, f"{len(files)} quiz bank(s) validate")]
