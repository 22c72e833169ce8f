"""`grader release`: the student edition of the course, without any solution source.

The edition holds the stubs, the quiz, the grader with its hidden checks, README, CHANGELOG,
pyproject and a GitHub Classroom workflow. Instead of solutions/ it carries the reference
outputs recorded from them (`recorded.py`), so `grader check` works there as in the full course.
Left out: solutions/, known_wrong/, tests/, bench/, CI scripts and every cache. Before it
returns, the release is scanned for any line of solution code; finding one is an error.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import labkit
from grader.course import Course
from grader.instructor.submissions import InstructorError
from grader.judge import recorded

GRADER_DIR = Path(__file__).resolve().parents[1]
TEMPLATES = GRADER_DIR / "templates"
COPIED = ("exercises", "quiz", "course.toml", "README.md", "CHANGELOG.md", "LICENSE",
          "pyproject.toml")  # fmt: skip
SKIPPED = ("__pycache__", "*.pyc", ".grader", "*.egg-info", ".pytest_cache", ".ruff_cache",
           "reference.npz", "autograder.json")  # fmt: skip
MARKER = ".momentum-lab-release"
# The exercise modules must ship and re-run the exercises on purpose: they recompute the known
# mistakes from a case's inputs and check that a case is not ambiguous. A line of theirs that
# equals a solution line is expected.
JUDGE_FOLDER = "grader/exercises/"
TEXT_SUFFIXES = {".py", ".toml", ".md", ".yaml", ".yml", ".json", ".txt", ".sh", ".cfg", ""}


@dataclass(frozen=True)
class Released:
    out: Path
    seeds: list[int]
    files: int

    def __str__(self) -> str:
        return (
            f"Wrote the student edition to {self.out} ({self.files} files, reference outputs "
            f"for {len(self.seeds)} seeds, no solutions).\n"
            f"Try it: cd {self.out} && python -m grader check"
        )


def release(course: Course, out: Path, seeds: int | Iterable[int] = recorded.DEFAULT_SEEDS,
            force: bool = False) -> Released:  # fmt: skip
    """Write the edition to `out`; raises InstructorError if out is unsafe or a leak is found."""
    if not course.solutions_dir.is_dir():
        raise InstructorError("release needs the full course with its solutions/ folder")
    out = out.resolve()
    _prepare(course, out, force)
    ignore = shutil.ignore_patterns(*SKIPPED)
    for name in COPIED:
        source = course.root / name
        if source.is_dir():
            shutil.copytree(source, out / name, ignore=ignore)
        elif source.is_file():
            shutil.copy2(source, out / name)
    # The grader package that is running, which is the one that matches these checks.
    shutil.copytree(GRADER_DIR, out / "grader", ignore=ignore)
    # and the output layer that grader and quiz share, from wherever it is installed.
    shutil.copytree(Path(labkit.__file__).parent, out / "labkit", ignore=ignore)
    chosen = recorded.random_seeds(seeds) if isinstance(seeds, int) else sorted(set(seeds))
    recorded.record(course, chosen, out / "grader" / "data" / "reference.npz")
    workflow = out / ".github" / "workflows" / "classroom.yml"
    workflow.parent.mkdir(parents=True, exist_ok=True)
    workflow.write_text(classroom_workflow(course), encoding="utf-8")
    (out / MARKER).write_text("Written by `grader release`; safe to replace.\n", encoding="utf-8")
    found = leaks(course, out)
    if found:
        raise InstructorError(
            "the release contains solution code, so it was not finished: "
            + "; ".join(found[:10]) + f". Remove it, or delete {out}"
        )  # fmt: skip
    files = sum(1 for p in out.rglob("*") if p.is_file())
    return Released(out, chosen, files)


def _prepare(course: Course, out: Path, force: bool) -> None:
    root = course.root.resolve()
    if out == root or root.is_relative_to(out) or out.is_relative_to(root / "exercises"):
        raise InstructorError(f"{out} would overwrite the course itself: choose another folder")
    if out.exists() and any(out.iterdir()):
        if not force:
            raise InstructorError(f"{out} exists and is not empty. Use --force to replace it")
        if not (out / MARKER).is_file():
            raise InstructorError(
                f"{out} was not written by `grader release`, so --force will not delete it. "
                "Remove it yourself, or choose another folder"
            )
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)


def classroom_workflow(course: Course) -> str:
    """The GitHub Classroom workflow: one command-grader step per exercise, then the reporter."""
    steps, env, runners = [], [], []
    for ex in course.exercises:
        step_id = ex.name.replace("_", "-")
        runners.append(step_id)
        steps.append(
            f"      - name: {ex.name}\n"
            f"        id: {step_id}\n"
            f"        uses: classroom-resources/autograding-command-grader@v1\n"
            f"        with:\n"
            f"          test-name: {ex.name}\n"
            f"          command: grader check {ex.name}\n"
            f"          timeout: 5\n"
            f"          max-score: {ex.points:g}"
        )
        result = "${{steps." + step_id + ".outputs.result}}"
        env.append(f'          {step_id.upper()}_RESULTS: "{result}"')
    text = (TEMPLATES / "classroom.yml").read_text(encoding="utf-8")
    return (
        text.replace("@@STEPS@@", "\n".join(steps))
        .replace("@@ENV@@", "\n".join(env))
        .replace("@@RUNNERS@@", ",".join(runners))
    )


def solution_lines(course: Course) -> dict[str, str]:
    """Lines of solution code (line -> file) that appear in no stub and in no hint."""
    shared = set()
    for stub in course.exercises_dir.glob("*.py"):
        shared |= {line.strip() for line in stub.read_text(encoding="utf-8").splitlines()}
    hints = " ".join(h for ex in course.exercises for h in ex.hints)
    lines = {}
    for file in sorted(course.solutions_dir.glob("*.py")):
        for raw in file.read_text(encoding="utf-8").splitlines():
            line = raw.strip()
            if (len(line) < 24 or line.startswith(("#", '"""', "def ", "import ", "from "))
                    or line in shared or line in hints):  # fmt: skip
                continue
            lines[line] = f"solutions/{file.name}"
    return lines


def leaks(course: Course, out: Path) -> list[str]:
    """Where the release holds a line of solution code (or a solutions/ folder)."""
    found = [str(p.relative_to(out)) for p in out.rglob("solutions") if p.is_dir()]
    lines = solution_lines(course)
    for path in sorted(out.rglob("*")):
        if not path.is_file() or path.suffix not in TEXT_SUFFIXES:
            continue
        if path.relative_to(out).as_posix().startswith(JUDGE_FOLDER):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for number, raw in enumerate(text.splitlines(), 1):
            if raw.strip() in lines:
                found.append(f"{path.relative_to(out)}:{number} repeats {lines[raw.strip()]}")
    return found
