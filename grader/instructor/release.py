"""`grader release`: the student edition of the course, without any solution source.

The edition holds the stubs, the quiz, the grader with its hidden checks, README, CHANGELOG,
pyproject and a GitHub Classroom workflow. Instead of solutions/ it carries the reference
outputs recorded from them (`recorded.py`), so `grader check` works there as in the full course.
Left out: solutions/, known_wrong/, tests/, bench/, CI scripts and every cache; added: a
.gitignore for what a student's working copy makes (venvs, caches, .grader/, plots, quiz
results).

The stubs must be pristine: exercises/ is compared with the course's stub source (git HEAD, or
the hashes in exercises/.stubs.json, see `stubs.py`) and a difference is refused unless the
instructor allows it. Either way the edition is built in a temporary folder beside OUT and
scanned for any line of solutions/ that is in no pristine stub, no hint and no docstring or
comment; only a clean edition is moved to OUT, so a leak never lands where it could be pushed.
"""

from __future__ import annotations

import ast
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import labkit
from grader.course import Course
from grader.instructor import stubs
from grader.instructor.classroom import classroom_workflow, whole_points
from grader.instructor.submissions import InstructorError
from grader.judge import recorded

GRADER_DIR = Path(__file__).resolve().parents[1]
TEMPLATES = GRADER_DIR / "templates"
COPIED = ("exercises", "quiz", "course.toml", "README.md", "CHANGELOG.md", "LICENSE",
          "pyproject.toml")  # fmt: skip
SKIPPED = ("__pycache__", "*.pyc", ".grader", "*.egg-info", ".pytest_cache", ".ruff_cache",
           "reference.npz", "autograder.json", stubs.RECORD)  # fmt: skip
MARKER = ".momentum-lab-release"
# The exercise modules must ship and re-run the exercises on purpose: they recompute the known
# mistakes from a case's inputs and check that a case is not ambiguous. A line of theirs that
# equals a solution line is expected.
JUDGE_FOLDER = "grader/exercises/"
TEXT_SUFFIXES = {".py", ".toml", ".md", ".yaml", ".yml", ".json", ".txt", ".sh", ".cfg", ""}


# What a student's working copy makes and should not commit: `git add .` would otherwise push a
# 230 MB venv. The plot and quiz names are the defaults of `grader plot` and `quiz`.
GITIGNORE = """\
# Written by `grader release`: files your work makes that do not belong in the repository.
.venv/
venv/
env/
__pycache__/
*.py[cod]
*.egg-info/
build/
dist/
.pytest_cache/
.ruff_cache/
.mypy_cache/
.ipynb_checkpoints/
.DS_Store
Thumbs.db
.grader/
momentum-plot.png
momentum-sweep.png
quiz-results-*.json
"""
MODIFIED = (
    "exercises/ is not the pristine stubs ({what}; compared with {source}), so a release would "
    "hand out whatever is in it, solutions included. Restore the stubs ({how}), or pass "
    "--allow-modified-stubs to ship exercises/ as it is (solution code is still refused)"
)
NO_SOURCE = (
    "cannot tell whether exercises/ holds the pristine stubs: the course is not a git "
    "repository with exercises/ committed, and there is no exercises/{record}. Commit "
    "exercises/ to git, or check the stubs yourself and pass --allow-modified-stubs (which "
    "records their hashes in exercises/{record} for the next release)"
)


@dataclass(frozen=True)
class Released:
    out: Path
    seeds: list[int]
    files: int
    stubs: str = ""  # what the stubs were checked against ("" when allowed to differ)
    recorded: Path | None = None  # the stub record written for next time, if any
    new: tuple[str, ...] = ()  # stubs the source does not know yet

    def __str__(self) -> str:
        checked = f"stubs as in {self.stubs}" if self.stubs else "stubs as they are"
        text = (
            f"Wrote the student edition to {self.out} ({self.files} files, reference outputs "
            f"for {len(self.seeds)} seeds, {checked}, no solutions).\n"
        )
        if self.new and self.stubs:
            text += (f"New stubs, not in {self.stubs}, checked for solution code only: "
                     f"{', '.join(self.new)}.\n")  # fmt: skip
        if self.recorded:
            text += f"Recorded these stubs in {self.recorded} for the next release.\n"
        return text + f"Try it: cd {self.out} && python -m grader check"


def release(course: Course, out: Path, seeds: int | Iterable[int] = recorded.DEFAULT_SEEDS,
            force: bool = False, allow_modified_stubs: bool = False,
            classroom: bool = True) -> Released:  # fmt: skip
    """Write the edition to `out`; raises InstructorError if the stubs are not pristine (unless
    allowed), if out is unsafe, or if a line of solution code is found (then nothing is
    written). `classroom`: write the GitHub Classroom workflow (whole points only)."""
    if not course.solutions_dir.is_dir():
        raise InstructorError("release needs the full course with its solutions/ folder")
    if classroom:
        whole_points(course)  # refused before any work, not after recording the outputs
    source = stubs.find_source(course)
    found = stubs.compare(course, source)
    changed = bool(found.changed) or not source.kind
    if changed and not allow_modified_stubs:
        if not source.kind:
            raise InstructorError(NO_SOURCE.format(record=stubs.RECORD))
        how = "git checkout HEAD -- exercises/" if source.is_git else "from your copy of them"
        what = "; ".join(found.changed[:5])
        raise InstructorError(MODIFIED.format(what=what, source=source.kind, how=how))
    out = out.resolve()
    _check_out(course, out, force)
    out.parent.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    try:
        chosen = _write(course, build, seeds, classroom)
        leaked = leaks(course, build, stubs.pristine_lines(course, source))
        if leaked:
            raise InstructorError(
                "the release would contain solution code, so nothing was written: "
                + "; ".join(leaked[:10]) + ". Restore the stubs in exercises/"
            )  # fmt: skip
        files = sum(1 for p in build.rglob("*") if p.is_file())
        if out.exists():
            shutil.rmtree(out)
        os.replace(build, out)
    finally:
        shutil.rmtree(build, ignore_errors=True)
    # The instructor vouched for these stubs: they are the pristine ones from now on.
    record = stubs.record(course) if changed else None
    new = tuple(found.new)
    return Released(out, chosen, files, "" if changed else source.kind, record, new)


def _write(course: Course, out: Path, seeds: int | Iterable[int], classroom: bool = True,
           ) -> list[int]:  # fmt: skip
    """The edition's files into `out`; returns the seeds with recorded reference outputs."""
    ignore = shutil.ignore_patterns(*SKIPPED)
    for name in COPIED:
        source = course.root / name
        if source.is_dir():
            shutil.copytree(source, out / name, ignore=ignore)
        elif source.is_file():
            shutil.copy2(source, out / name)
    # The grader package that is running, which is the one that matches these checks,
    shutil.copytree(GRADER_DIR, out / "grader", ignore=ignore)
    # and the output layer that grader and quiz share, from wherever it is installed.
    shutil.copytree(Path(labkit.__file__).parent, out / "labkit", ignore=ignore)
    chosen = recorded.random_seeds(seeds) if isinstance(seeds, int) else sorted(set(seeds))
    recorded.record(course, chosen, out / "grader" / "data" / "reference.npz")
    if classroom:
        workflow = out / ".github" / "workflows" / "classroom.yml"
        workflow.parent.mkdir(parents=True, exist_ok=True)
        workflow.write_text(classroom_workflow(course), encoding="utf-8")
    (out / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    (out / MARKER).write_text("Written by `grader release`; safe to replace.\n", encoding="utf-8")
    return chosen


def _check_out(course: Course, out: Path, force: bool) -> None:
    root = course.root.resolve()
    if out == root or root.is_relative_to(out) or out.is_relative_to(root / "exercises"):
        raise InstructorError(f"{out} would overwrite the course itself: choose another folder")
    if out.exists() and not out.is_dir():
        raise InstructorError(f"{out} is a file. Choose a folder for the edition")
    if out.exists() and any(out.iterdir()):
        if not force:
            raise InstructorError(f"{out} exists and is not empty. Use --force to replace it")
        if not (out / MARKER).is_file():
            raise InstructorError(
                f"{out} was not written by `grader release`, so --force will not delete it. "
                "Remove it yourself, or choose another folder"
            )


def solution_lines(course: Course, pristine: set[str] | None = None) -> dict[str, str]:
    """Lines of solution code (line -> file): not a docstring or comment, not in a pristine
    stub (`pristine`, by default from the course's stub source), not in a hint."""
    if pristine is None:
        pristine = stubs.pristine_lines(course, stubs.find_source(course))
    hints = " ".join(h for ex in course.exercises for h in ex.hints)
    lines = {}
    for file in sorted(course.solutions_dir.glob("*.py")):
        text = file.read_text(encoding="utf-8")
        prose = _docstring_lines(text)
        for number, raw in enumerate(text.splitlines(), 1):
            line = raw.strip()
            if (number in prose or len(line) < 24
                    or line.startswith(("#", '"""', "def ", "import ", "from "))
                    or line in pristine or line in hints):  # fmt: skip
                continue
            lines[line] = f"solutions/{file.name}"
    return lines


def _docstring_lines(text: str) -> set[int]:
    """Line numbers of docstrings: prose a stub may share, not code that solves it."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return set()
    found: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if not isinstance(body, list) or not body:
            continue
        first = body[0]
        if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)):  # fmt: skip
            found.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return found


def leaks(course: Course, out: Path, pristine: set[str] | None = None) -> list[str]:
    """Where the edition in `out` holds a line of solution code (or a solutions/ folder)."""
    found = [str(p.relative_to(out)) for p in out.rglob("solutions") if p.is_dir()]
    lines = solution_lines(course, pristine)
    for path in sorted(out.rglob("*")):
        if not path.is_file() or path.suffix not in TEXT_SUFFIXES:
            continue
        rel = path.relative_to(out).as_posix()
        if rel.startswith(JUDGE_FOLDER):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for number, raw in enumerate(text.splitlines(), 1):
            if raw.strip() in lines:
                found.append(f"{rel}:{number} repeats {lines[raw.strip()]}")
    return found
