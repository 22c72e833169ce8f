"""Helpers for the grader tests: tiny course folders and the grader in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOLUTIONS = REPO / "solutions"
EXERCISES = REPO / "exercises"


def tool(name: str) -> str:
    """A console script installed beside the interpreter running the tests (bin/ or Scripts/).

    Fails, rather than skips, when it is missing: the `[test]` extra installs every tool the
    tests need, so a missing one is an installation bug that CI must catch."""
    folder = Path(sys.executable).parent
    for candidate in (folder / name, folder / f"{name}.exe"):
        if candidate.is_file():
            return str(candidate)
    raise AssertionError(
        f"{name} is not installed next to {sys.executable}: pip install -e '.[test]'"
    )


def exercises(*names: str) -> list:
    """The repo's course.toml entries for these exercises (all of them when none are named)."""
    from grader.course import load_course

    course = load_course(REPO)
    return [e for e in course.exercises if not names or e.name in names]


def make_course(root: Path, *, solved: bool = True, files: dict[str, str] | None = None) -> Path:
    """A course folder at `root`: exercises/ holds the solutions (or the stubs), then `files`
    (name -> source) replace or append to them. The reference comes from the repo's solutions/."""
    exercises = root / "exercises"
    if exercises.exists():
        shutil.rmtree(exercises)
    shutil.copytree(SOLUTIONS if solved else EXERCISES, exercises,
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    shutil.copytree(SOLUTIONS, root / "solutions", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    for name, source in (files or {}).items():
        (exercises / name).write_text(source, encoding="utf-8")
    return root


def append(name: str, source: str, solved: bool = True) -> dict[str, str]:
    """`files` for make_course: the solution (or stub) file `name` with `source` appended, so a
    later `def` replaces one function and leaves the others right."""
    base = (SOLUTIONS if solved else EXERCISES) / name
    return {name: base.read_text(encoding="utf-8") + "\n\n" + source}


def run_grader(*args: str, cwd: Path, env: dict[str, str] | None = None,
               timeout: float = 120) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """`python -m grader ARGS` as a user would run it; the repo is importable, nothing else."""
    full_env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", **(env or {})}
    # Read the output in the encoding the grader was told to write (PYTHONIOENCODING=cp1252).
    encoding = full_env.get("PYTHONIOENCODING", "").split(":")[0] or None
    return subprocess.run(
        [sys.executable, "-m", "grader", *args], cwd=cwd, env=full_env, capture_output=True,
        text=True, encoding=encoding, timeout=timeout,
    )  # fmt: skip
