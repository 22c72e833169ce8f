"""Deliberately wrong implementations that the hidden checks must catch (instructor material).

`known_wrong/<exercise>/<mistake>.py` holds only the wrong function (and its imports) and a
module constant `DIAGNOSIS`: text the feedback must contain. A submission is built from the
reference solutions with that one function replaced, so each file stays a few lines long.
"""

from __future__ import annotations

import ast
import shutil
from dataclasses import dataclass
from pathlib import Path

from grader.course import Course, CourseError

FOLDER = "known_wrong"


@dataclass(frozen=True)
class KnownWrong:
    exercise: str
    name: str
    path: Path
    diagnosis: str
    status: str  # the exercise status it must get: failed, error or timeout


def discover(course: Course) -> list[KnownWrong]:
    """Every known-wrong file of the course, sorted; raises CourseError for a malformed one."""
    found = []
    for path in sorted((course.root / FOLDER).glob("*/*.py")):
        exercise = path.parent.name
        if exercise not in course.names:
            raise CourseError(f"{path}: folder {exercise!r} is not an exercise of this course")
        constants = _constants(path)
        if "DIAGNOSIS" not in constants:
            raise CourseError(f"{path}: set DIAGNOSIS = '...' (text the feedback must contain)")
        status = constants.get("STATUS", "failed")
        found.append(KnownWrong(exercise, path.stem, path, constants["DIAGNOSIS"], status))
    return found


def _constants(path: Path) -> dict[str, str]:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (OSError, SyntaxError) as exc:
        raise CourseError(f"{path}: cannot read it: {exc}") from exc
    out = {}
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            out[node.targets[0].id] = node.value.value
    return out


def build_submission(course: Course, wrong: KnownWrong, dest: Path) -> Path:
    """Write dest/exercises/: the solutions, with `wrong`'s function replacing the right one.

    Returns dest (a course folder `grader check --path dest` can grade).
    """
    exercises = dest / "exercises"
    if exercises.exists():
        shutil.rmtree(exercises)
    shutil.copytree(course.solutions_dir, exercises, ignore=shutil.ignore_patterns("__pycache__"))
    target = exercises / course.exercise(wrong.exercise).file
    # Appending works because a later `def` of the same name replaces the earlier one.
    text = target.read_text(encoding="utf-8") + "\n\n# --- known wrong ---\n"
    target.write_text(text + wrong.path.read_text(encoding="utf-8"), encoding="utf-8")
    return dest
